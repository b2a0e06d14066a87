"""Edge-level helpers shared by the analyses: confidence filtering, evidence hops and explanation paths.

Every analysis reads the graph built by :func:`graph.model.to_networkx`: a ``MultiDiGraph`` whose edges are
keyed by relation type and carry :meth:`graph.model.Edge.to_dict` as attributes.

Examples
--------
>>> from graph.examples import letters
>>> G = letters()
>>> confidence_rank("curated"), confidence_rank(Confidence.STATED)
(2, 3)
>>> best_key(G, "dip", "brevtjeneste", min_rank=1), best_key(G, "dip", "brevtjeneste", min_rank=2)
('USES', None)
>>> hop(G, "saksbehandling", "brevtjeneste", "USES").to_dict()["evidence"]
'Saksbehandling sender brev via brevtjenesten.'
>>> require_nodes(G, ["print", "helseid", "print"])
('helseid', 'print')
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import networkx as nx
from pydantic import Field, computed_field

from graph.errors import InvalidQuery, NodeNotFound
from graph.model import Confidence
from graph.shape import ConfidenceName, Shaped, StrengthName

__all__ = [
    "RANK",
    "Adjacency",
    "Hop",
    "Path",
    "best_key",
    "confidence_rank",
    "edge_rank",
    "hop",
    "node_data",
    "node_label",
    "path_of",
    "predecessors",
    "require_nodes",
    "sorted_digraph",
    "successors",
]

RANK: dict[str, int] = {c.value: c.rank for c in Confidence}

# ------------------------------------------------------------------------------ networkx's own dicts
# A MultiDiGraph is plain dicts inside: ``_node`` {n: attrs}, ``_succ`` and ``_pred`` {u: {v: {key: attrs}}}.
# The public views (``G.nodes``, ``G.succ``, ``G.pred``) wrap every level of them in a view object made on
# each access. The impact index reads every edge of the graph: through the views its build on the
# 100,000-node bench graph (950,000 edges) takes twice as long (2.5 s instead of 1.25 s, median of 9 runs).
# These three are the only way the analyses reach past networkx's public API (graph.model's to_networkx,
# which this module imports, fills the same dicts as it builds a graph). Callers only read what they return,
# except to fill or edit a graph of their own (graph.diff's graph of the revision after, graph.scenario).
Adjacency = dict[str, dict[str, dict[str, Any]]]  # u -> v -> key -> the edge's data (a mapping)


def node_data(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """``{node: attributes}``: networkx's own dict of ``G``'s nodes (``G.nodes`` without the view)."""
    found: dict[str, dict[str, Any]] = G._node
    return found


def successors(G: nx.MultiDiGraph) -> Adjacency:
    """``{u: {v: {key: data}}}``: networkx's own dict of ``G``'s out-edges (``G.succ`` without the views)."""
    found: Adjacency = G._succ
    return found


def predecessors(G: nx.MultiDiGraph) -> Adjacency:
    """``{v: {u: {key: data}}}``: networkx's own dict of ``G``'s in-edges (``G.pred`` without the views)."""
    found: Adjacency = G._pred
    return found


def confidence_rank(value: Confidence | str) -> int:
    """The rank of a ``min_confidence`` argument (inferred 1 < curated 2 < stated 3).

    >>> confidence_rank("sure")
    Traceback (most recent call last):
    ...
    graph.errors.InvalidQuery: min_confidence must be one of stated, curated, inferred, not 'sure'
    """
    try:
        return Confidence(value).rank
    except ValueError:
        options = ", ".join(c.value for c in Confidence)
        raise InvalidQuery(f"min_confidence must be one of {options}, not {value!r}") from None


def edge_rank(data: Mapping[str, Any]) -> int:
    """The confidence rank of one edge's attributes (an edge without ``confidence`` counts as stated)."""
    return RANK.get(data.get("confidence") or "stated", RANK["stated"])


def require_nodes(G: nx.MultiDiGraph, ids: Iterable[str]) -> tuple[str, ...]:
    """The given ids, deduplicated and sorted; an unknown id raises :class:`NodeNotFound` with suggestions.

    >>> from graph.examples import letters
    >>> require_nodes(letters(), ["praksisinf"])
    Traceback (most recent call last):
    ...
    graph.errors.NodeNotFound: no node matches 'praksisinf'; did you mean: praksisinfo?
    """
    if isinstance(ids, str):
        ids = [ids]
    out = set()
    for node_id in ids:
        if not isinstance(node_id, str) or node_id not in G:
            from graph.names import suggest  # names imports this module

            raise NodeNotFound(str(node_id), suggest(G, str(node_id)))
        out.add(node_id)
    return tuple(sorted(out))


def node_label(G: nx.MultiDiGraph, node_id: str) -> tuple[str, str]:
    """``(name, kind)`` of a node, falling back to the id for nodes without attributes."""
    attrs = G.nodes[node_id] if node_id in G else {}
    return str(attrs.get("name") or node_id), str(attrs.get("kind") or "system")


def best_key(G: nx.MultiDiGraph, u: str, v: str, *, min_rank: int = 1) -> str | None:
    """The key of the best-evidenced edge ``u -> v`` from ``min_rank`` up: highest confidence, then key."""
    keyed = G.succ[u].get(v, {})
    ranked = [(-edge_rank(d), k) for k, d in keyed.items() if edge_rank(d) >= min_rank]
    return min(ranked)[1] if ranked else None


@dataclass(frozen=True, slots=True)
class Hop(Shaped):
    """One dependency edge as evidence: ``source`` depends on ``target`` because of ``evidence``."""

    source: str
    target: str
    type: Annotated[str, Field(examples=["INTEGRATES_VIA"])]
    evidence: Annotated[
        str, Field(description="The sentence the edge was read from (or the overlay's reason).")
    ]
    confidence: ConfidenceName
    strength: StrengthName
    line: Annotated[int | None, Field(description="The line the sentence starts on.")] = None
    document: str | None = None
    alt_group: Annotated[
        str | None, Field(description="Edges of one source sharing it are alternatives.")
    ] = None
    scope: Annotated[
        tuple[str, ...], Field(description="Actor ids whose access goes through this edge.")
    ] = ()
    also: Annotated[
        tuple[str, ...], Field(description="Other relation types between the same two nodes.")
    ] = ()
    mode: Annotated[
        Literal["live", "message", "batch"] | None,
        Field(
            description="How the source's need is met; a batch flow lost delays the source rather than downs it."
        ),
    ] = None
    tolerance: Annotated[
        str | None, Field(description="How long the source can wait for a batch flow, when known.")
    ] = None
    page: Annotated[
        int | None, Field(description="The PDF page the sentence is on; ``line`` is then on that page.")
    ] = None


def hop(G: nx.MultiDiGraph, u: str, v: str, key: str, *, min_rank: int = 1) -> Hop:
    """The :class:`Hop` for edge ``(u, v, key)``; ``also`` lists other types ``u -> v`` at ``min_rank``."""
    keyed = successors(G)[u][v]
    d = keyed[key]
    others = (
        sorted(k for k, od in keyed.items() if k != key and edge_rank(od) >= min_rank)
        if len(keyed) > 1
        else ()
    )
    return Hop(
        source=u,
        target=v,
        type=str(d.get("type") or key),
        evidence=str(d.get("evidence") or ""),
        confidence=str(d.get("confidence") or "stated"),
        strength=str(d.get("strength") or "hard"),
        line=d.get("line"),
        document=d.get("document"),
        alt_group=d.get("alt_group"),
        scope=tuple(d.get("scope") or ()),
        also=tuple(others),
        mode=d.get("mode"),
        tolerance=d.get("tolerance"),
        page=d.get("page"),
    )


@dataclass(frozen=True, slots=True)
class Path(Shaped):
    """A dependency path: ``nodes[0]`` depends on ``nodes[1]`` … each step backed by a :class:`Hop`.

    As JSON: ``path`` (the node ids), ``edge_types`` and ``evidence`` (the hops'), and the ``hops``."""

    nodes: Annotated[tuple[str, ...], Field(exclude=True)]
    hops: tuple[Hop, ...]

    @property
    def inferred(self) -> bool:
        """Whether any hop rests on an inferred edge."""
        return any(h.confidence == Confidence.INFERRED.value for h in self.hops)

    @computed_field(alias="path", description="Node ids; each depends on the next.")  # type: ignore[prop-decorator]
    @property
    def path_ids(self) -> list[str]:
        return list(self.nodes)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def edge_types(self) -> list[str]:
        return [h.type for h in self.hops]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def evidence(self) -> list[str]:
        return [h.evidence for h in self.hops]


def path_of(G: nx.MultiDiGraph, nodes: Iterable[str], *, min_rank: int = 1) -> Path:
    """The :class:`Path` through ``nodes``, each hop the best-evidenced edge at ``min_rank``.

    >>> from graph.examples import letters
    >>> path_of(letters(), ["helfo", "saksbehandling", "brevtjeneste"]).to_dict()["edge_types"]
    ['USES', 'USES']
    """
    seq = tuple(nodes)
    hops = []
    for u, v in itertools.pairwise(seq):
        key = best_key(G, u, v, min_rank=min_rank)
        if key is None:
            raise InvalidQuery(f"no edge {u} -> {v} at the requested confidence")
        hops.append(hop(G, u, v, key, min_rank=min_rank))
    return Path(seq, tuple(hops))


def sorted_digraph(G: nx.MultiDiGraph, *, min_rank: int = 1) -> nx.DiGraph:
    """The dependency structure as a simple ``DiGraph`` (parallel edges collapsed), filtered by confidence.

    Nodes and edges are inserted in sorted order, so algorithms whose output depends on iteration order
    (``simple_cycles``, sampled betweenness) give the same answer however the source graph was built.

    >>> from graph.examples import letters
    >>> H = sorted_digraph(letters(), min_rank=2)
    >>> H.has_edge("dip", "brevtjeneste"), H.number_of_edges()
    (False, 9)
    """
    H = nx.DiGraph()
    H.add_nodes_from(sorted(G.nodes))
    H.add_edges_from(
        sorted({(u, v) for u, v, d in G.edges(data=True) if edge_rank(d) >= min_rank}),
    )
    return H
