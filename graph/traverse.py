"""Walking the dependency graph: what a node depends on, who depends on it, how two nodes connect, cycles.

All functions follow the model's direction (``A -> B``: A depends on B), ignore edges below
``min_confidence`` and return plain frozen data with ``to_dict()``. Orderings never depend on the order nodes
were inserted into the graph.

Examples
--------
>>> from graph.examples import letters
>>> G = letters()
>>> [(r.id, r.distance) for r in dependencies(G, "saksbehandling").items]
[('brevtjeneste', 1), ('okonomimodulen', 1), ('digipost', 2), ('print', 2)]
>>> [r.id for r in dependents(G, "brevtjeneste", depth=1).items]  # stated and curated edges
['saksbehandling']
>>> [r.id for r in dependents(G, "brevtjeneste", depth=1, min_confidence="inferred").items]
['dip', 'saksbehandling']
>>> found = paths(G, "helfo", "print")
>>> found.direction, [p.nodes for p in found.paths]
('forward', [('helfo', 'saksbehandling', 'brevtjeneste', 'print')])
>>> [c.nodes for c in cycles(G, min_confidence="inferred").cycles]
[('okonomimodulen', 'saksbehandling')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

import networkx as nx
from pydantic import Field, computed_field

from graph.edges import (
    Hop,
    Path,
    confidence_rank,
    edge_rank,
    hop,
    node_label,
    path_of,
    require_nodes,
    sorted_digraph,
)
from graph.errors import InvalidQuery
from graph.model import DEFAULT_CONFIDENCE, Confidence
from graph.shape import ConfidenceName, Shaped

__all__ = [
    "Cycle",
    "Cycles",
    "Paths",
    "Reach",
    "Reached",
    "cycles",
    "dependencies",
    "dependents",
    "paths",
]


def _filtered(G: nx.MultiDiGraph, min_rank: int) -> nx.MultiDiGraph:
    """``G`` itself, or a read-only view without the edges below ``min_rank``."""
    if min_rank <= 1:
        return G
    return nx.subgraph_view(G, filter_edge=lambda u, v, k: edge_rank(G.succ[u][v][k]) >= min_rank)


@dataclass(frozen=True, slots=True)
class Reached(Shaped):
    """A node reached from the start, at ``distance`` hops, through the edge ``via``."""

    id: str
    name: str
    kind: str
    distance: int
    via: Hop

    @computed_field  # type: ignore[prop-decorator]
    @property
    def direct(self) -> bool:
        return self.distance == 1


@dataclass(frozen=True, slots=True)
class Reach(Shaped):
    """The answer of :func:`dependencies` or :func:`dependents`, ordered by distance, then id."""

    node: str
    direction: Literal["dependencies", "dependents"]
    depth: int | None
    min_confidence: ConfidenceName
    items: tuple[Reached, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def direct(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.items if r.distance == 1)


def _reach(
    G: nx.MultiDiGraph,
    node: str,
    depth: int | None,
    min_confidence: Confidence | str,
    direction: Literal["dependencies", "dependents"],
) -> Reach:
    (start,) = require_nodes(G, [node])
    if depth is not None and depth < 0:
        raise InvalidQuery("depth must be 0 or more")
    min_rank = confidence_rank(min_confidence)
    H = _filtered(G, min_rank)
    forward = direction == "dependencies"
    walk = H if forward else nx.reverse_view(H)
    dist: dict[str, int] = nx.single_source_shortest_path_length(walk, start, cutoff=depth)
    items = []
    inferred_hops = {start: 0}  # on the chosen path back to the start: fewest inferred hops wins
    for v, d in sorted(dist.items(), key=lambda t: (t[1], t[0])):
        if v == start:
            continue
        # The edge that reached v, from a node one hop closer: fewest inferred hops on the way, then the
        # best-evidenced edge, then ids.
        if forward:
            steps = [(u, u, v, k, data) for u, keyed in H.pred[v].items() for k, data in keyed.items()]
        else:
            steps = [(u, v, u, k, data) for u, keyed in H.succ[v].items() for k, data in keyed.items()]
        options = [
            (inferred_hops[u] + (edge_rank(data) == 1), -edge_rank(data), src, dst, k)
            for u, src, dst, k, data in steps
            if dist.get(u) == d - 1
        ]
        weak, _, src, dst, key = min(options)
        inferred_hops[v] = weak
        name, kind = node_label(G, v)
        items.append(Reached(v, name, kind, d, hop(G, src, dst, key, min_rank=min_rank)))
    items.sort(key=lambda r: (r.distance, r.id))
    return Reach(start, direction, depth, Confidence(min_confidence).value, tuple(items))


def dependencies(
    G: nx.MultiDiGraph,
    node: str,
    *,
    depth: int | None = None,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
) -> Reach:
    """What ``node`` depends on, directly (distance 1) and transitively (its descendants).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph built by :func:`graph.model.to_networkx`.
    node : str
        A node id.
    depth : int, optional
        Stop after this many hops (``None``: no limit).
    min_confidence : {"inferred", "curated", "stated"}
        Ignore edges less certain than this.

    Examples
    --------
    >>> from graph.examples import letters
    >>> reach = dependencies(letters(), "helfo", depth=1)
    >>> reach.direct, reach.items[0].via.type
    (('praksisinfo', 'saksbehandling'), 'USES')
    """
    return _reach(G, node, depth, min_confidence, "dependencies")


def dependents(
    G: nx.MultiDiGraph,
    node: str,
    *,
    depth: int | None = None,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
) -> Reach:
    """Who depends on ``node``, directly and transitively (its ancestors); ``via`` points towards ``node``.

    Examples
    --------
    >>> from graph.examples import letters
    >>> reach = dependents(letters(), "brevtjeneste", min_confidence="curated")
    >>> [(r.id, r.distance, r.via.target) for r in reach.items]
    [('saksbehandling', 1, 'brevtjeneste'), ('helfo', 2, 'saksbehandling')]
    """
    return _reach(G, node, depth, min_confidence, "dependents")


@dataclass(frozen=True, slots=True)
class Paths(Shaped):
    """Shortest dependency paths between two nodes.

    ``direction`` is ``"forward"`` when ``source`` depends on ``target``, ``"reverse"`` when only ``target``
    depends on ``source`` (the paths then start at ``target``), ``"none"`` when neither does.
    """

    source: str
    target: str
    direction: Annotated[
        Literal["forward", "reverse", "none"],
        Field(description="forward: source depends on target; reverse: only target depends on source."),
    ]
    length: int | None
    paths: tuple[Path, ...]
    truncated: bool

    @computed_field  # type: ignore[prop-decorator]
    @property
    def message(self) -> str:
        if self.direction == "forward":
            return f"{self.source} depends on {self.target} ({self.length} hops)"
        if self.direction == "reverse":
            return (
                f"{self.source} does not depend on {self.target}, but {self.target} depends on {self.source}"
            )
        return f"no dependency path between {self.source} and {self.target} in either direction"


def _shortest_paths_in_order(H: nx.MultiDiGraph, a: str, b: str) -> Iterator[list[str]]:
    """Every shortest path ``a -> … -> b`` in lexicographic order of node ids (lazily, so it can be cut).

    Depth-first with an explicit stack, not recursion: a dependency chain may be thousands of hops long.

    >>> chain = nx.MultiDiGraph([(i, i + 1) for i in range(5000)])
    >>> len(next(_shortest_paths_in_order(chain, 0, 5000)))
    5001
    """
    from_a: dict[str, int] = nx.single_source_shortest_path_length(H, a)
    to_b: dict[str, int] = nx.single_source_shortest_path_length(nx.reverse_view(H), b)
    total = from_a[b]
    if a == b:
        yield [a]
        return

    def on_a_shortest_path(v: str, step: int) -> bool:
        return from_a.get(v) == step and to_b.get(v) == total - step

    prefix = [a]
    candidates = [iter(sorted(H.succ[a]))]  # candidates[i]: the next nodes to try after prefix[i]
    while candidates:
        step = len(prefix)
        v = next((v for v in candidates[-1] if on_a_shortest_path(v, step)), None)
        if v is None:
            candidates.pop()
            prefix.pop()
        elif v == b:
            yield [*prefix, v]
        else:
            prefix.append(v)
            candidates.append(iter(sorted(H.succ[v])))


def paths(
    G: nx.MultiDiGraph,
    a: str,
    b: str,
    *,
    limit: int = 10,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
) -> Paths:
    """All shortest dependency paths from ``a`` to ``b`` (at most ``limit``); if none, from ``b`` to ``a``.

    Each hop carries its best-evidenced edge (type, evidence, confidence, line) and the other relation
    types between the same two nodes (``also``).

    Examples
    --------
    >>> from graph.examples import letters
    >>> G = letters()
    >>> back = paths(G, "print", "helfo")
    >>> back.direction, back.paths[0].nodes[0], back.message
    ('reverse', 'helfo', 'print does not depend on helfo, but helfo depends on print')
    >>> paths(G, "print", "helseid").direction
    'none'
    >>> paths(G, "saksbehandling", "print").paths[0].to_dict()["evidence"]
    ['Saksbehandling sender brev via brevtjenesten.', 'Brev sendes på papir']
    """
    source, target = (require_nodes(G, [x])[0] for x in (a, b))
    if source == target:
        raise InvalidQuery("a path needs two different nodes")
    if limit < 1:
        raise InvalidQuery("limit must be at least 1")
    min_rank = confidence_rank(min_confidence)
    H = _filtered(G, min_rank)
    attempts: tuple[tuple[Literal["forward", "reverse"], str, str], ...] = (
        ("forward", source, target),
        ("reverse", target, source),
    )
    for direction, u, v in attempts:
        if not nx.has_path(H, u, v):
            continue
        found: list[Path] = []
        truncated = False
        for nodes in _shortest_paths_in_order(H, u, v):
            if len(found) == limit:
                truncated = True
                break
            found.append(path_of(G, nodes, min_rank=min_rank))
        return Paths(source, target, direction, len(found[0].hops), tuple(found), truncated)
    return Paths(source, target, "none", None, (), False)


@dataclass(frozen=True, slots=True)
class Cycle(Shaped):
    """A circular dependency ``nodes[0] -> nodes[1] -> … -> nodes[0]``, starting at its smallest id."""

    nodes: tuple[str, ...]
    path: Annotated[Path, Field(exclude=True)]  # the closed walk, first node repeated at the end

    @computed_field  # type: ignore[prop-decorator]
    @property
    def length(self) -> int:
        return len(self.nodes)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def edges(self) -> tuple[Hop, ...]:
        return self.path.hops


@dataclass(frozen=True, slots=True)
class Cycles(Shaped):
    cycles: tuple[Cycle, ...]
    truncated: bool  # more cycles exist than ``limit``
    mutual: Annotated[
        tuple[tuple[str, str], ...],
        Field(
            description="Pairs that exchange data both ways: a mutual exchange, not a circular dependency."
        ),
    ] = ()


def cycles(
    G: nx.MultiDiGraph,
    *,
    limit: int = 100,
    max_length: int | None = None,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
) -> Cycles:
    """Dependency cycles (``networkx.simple_cycles``): at most ``limit``, each at most ``max_length`` long.

    Two parties exchanging data both ways (``EXCHANGES_WITH`` each way) are a mutual exchange, reported apart in
    ``mutual``, not a circular dependency: those edges are left out of the cycle search.

    Examples
    --------
    >>> from graph.examples import letters
    >>> found = cycles(letters(), min_confidence="inferred")
    >>> [(h.source, h.type, h.confidence) for h in found.cycles[0].path.hops]
    [('okonomimodulen', 'RECEIVES_FROM', 'inferred'), ('saksbehandling', 'USES', 'stated')]
    >>> cycles(letters()).cycles
    ()
    """
    if limit < 1:
        raise InvalidQuery("limit must be at least 1")
    min_rank = confidence_rank(min_confidence)
    exchange = {
        (u, v)
        for u, v, d in G.edges(data=True)
        if d.get("type") == "EXCHANGES_WITH" and edge_rank(d) >= min_rank
    }
    mutual = tuple(sorted((u, v) for u, v in exchange if u < v and (v, u) in exchange))
    H = sorted_digraph(G, min_rank=min_rank)
    for u, v in mutual:
        for a, b in ((u, v), (v, u)):  # unless another relation joins them that way too
            if not any(
                d.get("type") != "EXCHANGES_WITH" for d in G[a][b].values() if edge_rank(d) >= min_rank
            ):
                H.remove_edge(a, b)
    found: list[tuple[str, ...]] = []
    truncated = False
    for cycle in nx.simple_cycles(H, length_bound=max_length):
        if len(found) == limit:
            truncated = True
            break
        i = cycle.index(min(cycle))
        found.append(tuple(cycle[i:] + cycle[:i]))
    found.sort(key=lambda c: (len(c), c))
    return Cycles(
        tuple(Cycle(c, path_of(G, (*c, c[0]), min_rank=min_rank)) for c in found),
        truncated,
        mutual,
    )
