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
from typing import Any

import networkx as nx

from graph.errors import InvalidQuery, NodeNotFound
from graph.model import Confidence

__all__ = [
    "RANK",
    "Hop",
    "Path",
    "best_key",
    "confidence_rank",
    "edge_rank",
    "hop",
    "node_label",
    "path_of",
    "require_nodes",
    "sorted_digraph",
]

RANK: dict[str, int] = {c.value: c.rank for c in Confidence}


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
class Hop:
    """One dependency edge as evidence: ``source`` depends on ``target`` because of ``evidence``."""

    source: str
    target: str
    type: str
    evidence: str
    confidence: str
    strength: str
    line: int | None = None
    document: str | None = None
    alt_group: str | None = None
    scope: tuple[str, ...] = ()
    also: tuple[str, ...] = ()  # other relation types between the same two nodes
    mode: str | None = None  # live | message | batch
    tolerance: str | None = None  # how long the source can wait for a batch flow
    page: int | None = None  # the PDF page of the sentence (``line`` is then on that page)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "type": self.type,
            "evidence": self.evidence,
            "confidence": self.confidence,
            "strength": self.strength,
            "line": self.line,
            "document": self.document,
            "alt_group": self.alt_group,
            "scope": list(self.scope),
            "also": list(self.also),
            "mode": self.mode,
            "tolerance": self.tolerance,
            "page": self.page,
        }


def hop(G: nx.MultiDiGraph, u: str, v: str, key: str, *, min_rank: int = 1) -> Hop:
    """The :class:`Hop` for edge ``(u, v, key)``; ``also`` lists other types ``u -> v`` at ``min_rank``."""
    keyed = G._succ[u][v]
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
class Path:
    """A dependency path: ``nodes[0]`` depends on ``nodes[1]`` … each step backed by a :class:`Hop`."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def inferred(self) -> bool:
        """Whether any hop rests on an inferred edge."""
        return any(h.confidence == Confidence.INFERRED.value for h in self.hops)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": list(self.nodes),
            "edge_types": [h.type for h in self.hops],
            "evidence": [h.evidence for h in self.hops],
            "hops": [h.to_dict() for h in self.hops],
        }


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
