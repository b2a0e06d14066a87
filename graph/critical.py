"""Which nodes matter most: blast radius, single points of failure, fatal pairs, betweenness.

Three signals, each well defined:

* **Blast radius** of a node: how many other nodes are down or degraded when it fails alone
  (:func:`graph.impact.impact_states`). Inverting these single-failure runs gives, for every node, the exact
  set of nodes whose failure *alone* takes it down (``single_points_of_failure``), rules and all.
* **Dominators** on a *liveness* construction, in the dependency direction: a virtual root feeds every node
  that needs nothing (no hard dependency), and each node is fed by the targets of its *required units* (a
  hard edge outside any alt group; an alt group with a hard member). Node ``d`` dominates ``v`` when every
  chain of dependencies from ``v`` down to something that needs nothing passes through ``d``
  (``networkx.immediate_dominators``). This is the structural, near-linear-time view: on an acyclic graph
  every dominator is a genuine single point of failure, and when moreover each node has at most one
  required unit and no edge is scoped, the dominators are exactly the single points of failure. Several
  required units (``v`` needs ``a`` *and* ``b``) cannot be expressed by dominance, nor can actors losing
  access through scoped edges (left out of the construction), so there the exact set is larger. In a cycle
  whose members back each other up through alternatives the impact fixpoint keeps them alive, so there a
  dominator may not be fatal.
* **Fatal pairs**: two nodes that only *together* put something down. Candidates come from alt groups: pairs
  ``(x, y)`` that between them kill every member of a group (each member killed by ``x`` or ``y``, by failing
  or through the single-failure runs), bounded by ``max_pairs``; each candidate is checked with a real
  two-node impact.
* **Betweenness centrality** as a secondary signal (sampled with a fixed seed on large graphs): the share of
  shortest dependency chains between other nodes that pass through this one. On a shallow portfolio (a few
  hops from users to platforms) it is near zero everywhere and says nothing; the CLI and page hide it then.

When architects have set criticality classes and RTOs (overlay or sheet), the ranking puts first what a
failure does to the most critical systems: the count of class-A systems down or degraded, then class B, …,
then the blast radius.

>>> import networkx as nx
>>> from graph.examples import letters
>>> G = letters()
>>> nx.set_node_attributes(G, {"saksbehandling": "A"}, "criticality")
>>> [(c.id, dict(c.by_criticality), c.blast_radius) for c in critical(G).nodes[:4]]
[('digipost', {'A': 1}, 2), ('print', {'A': 1}, 2), ('brevtjeneste', {'A': 1}, 1), ('okonomimodulen', {'A': 1}, 1)]

Actors are left out of all of it: an organisation or a group of people loses capabilities when systems fail
(:attr:`graph.impact.Impact.actors`), it is neither impacted nor a single point of failure, nor counted in a
blast radius. A batch flow is not a required unit either: losing it delays, it does not kill.

Examples
--------
>>> from graph.examples import letters
>>> crit = critical(letters())  # stated and curated edges: the default
>>> [(c.id, c.blast_radius, c.down) for c in crit.nodes[:4]]
[('helseid', 2, 1), ('digipost', 2, 0), ('print', 2, 0), ('brevtjeneste', 1, 1)]
>>> crit.node("saksbehandling").single_points_of_failure, crit.node("saksbehandling").dominators
(('brevtjeneste',), ('brevtjeneste',))
>>> [(p.pair, p.breaks) for p in crit.pairs]
[(('digipost', 'print'), ('brevtjeneste', 'saksbehandling'))]
>>> "helfo" in {c.id for c in crit.nodes}
False

With inferred edges (a rule's guesses) the radius is wider:

>>> [(c.id, c.blast_radius) for c in critical(letters(), min_confidence="inferred").nodes[:3]]
[('digipost', 4), ('print', 4), ('brevtjeneste', 3)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

import networkx as nx
from pydantic import Field, PlainSerializer

from graph.edges import confidence_rank, edge_rank, node_label, require_nodes, sorted_digraph
from graph.errors import InvalidQuery
from graph.impact import ImpactIndex, impact_states
from graph.model import DEFAULT_CONFIDENCE, Confidence
from graph.shape import ConfidenceName, Shaped

__all__ = [
    "Criticality",
    "NodeCriticality",
    "PairFailure",
    "candidate_pairs",
    "critical",
    "dominator_tree",
    "required_units",
]

_ROOT = "\x00root"  # the virtual root of the liveness construction; not a valid node id


def _is_actor(G: nx.MultiDiGraph, n: str) -> bool:
    return bool(G.nodes[n].get("kind") == "actor")


def required_units(G: nx.MultiDiGraph, n: str, *, min_rank: int = 1) -> list[tuple[str, ...]]:
    """The sets of targets ``n`` needs one of, each of which can put ``n`` down when all are lost.

    A hard unscoped edge outside any alt group is a unit of one; an alt group that is not all scoped and has a
    hard member is a unit of its targets. Soft-only groups, soft and scoped edges are not units.

    >>> from graph.examples import letters
    >>> G = letters()
    >>> required_units(G, "brevtjeneste"), required_units(G, "saksbehandling"), required_units(G, "print")
    ([('digipost', 'print')], [('brevtjeneste',)], [])
    """
    units: set[tuple[str, ...]] = set()
    groups: dict[str, list[tuple[str, bool, bool]]] = {}
    for m, keyed in G.succ[n].items():
        for d in keyed.values():
            if edge_rank(d) < min_rank or d.get("mode") == "batch":  # a batch flow delays, it does not kill
                continue
            hard = d.get("strength") != "soft"
            scoped = bool(d.get("scope"))
            group = d.get("alt_group")
            if group is not None:
                groups.setdefault(group, []).append((m, hard, scoped))
            elif hard and not scoped:
                units.add((m,))
    for members in groups.values():
        if any(hard for _, hard, _ in members) and not all(scoped for _, _, scoped in members):
            units.add(tuple(sorted({m for m, _, _ in members})))
    return sorted(units)


def dominator_tree(G: nx.MultiDiGraph, *, min_rank: int = 1) -> dict[str, str | None]:
    """Immediate dominator of every node in the liveness construction (``None``: only the virtual root).

    Nodes that cannot be reached from the root (cycles of hard dependencies on nothing else) are left out.

    >>> from graph.examples import letters
    >>> tree = dominator_tree(letters())
    >>> tree["dip"], tree["saksbehandling"], "helfo" in tree, tree["print"]
    ('brevtjeneste', 'brevtjeneste', False, None)
    """
    L = nx.DiGraph()
    L.add_node(_ROOT)
    for v in sorted(G.nodes):
        if _is_actor(G, v):
            continue  # an actor loses capabilities; it is not a link in a chain of dependencies
        units = required_units(G, v, min_rank=min_rank)
        if not units:
            L.add_edge(_ROOT, v)
        for unit in units:
            L.add_edges_from((m, v) for m in unit)
    idom = nx.immediate_dominators(L, _ROOT)
    return {v: (None if d == _ROOT else d) for v, d in sorted(idom.items()) if v != _ROOT}


@dataclass(frozen=True, slots=True)
class NodeCriticality(Shaped):
    """How much one node matters, and what it is exposed to."""

    id: str
    name: str
    kind: str
    blast_radius: int  # nodes down or degraded when this one fails alone (actors are not counted)
    down: int
    degraded: int
    delayed: int  # nodes that only get their batch flows late
    single_points_of_failure: Annotated[
        tuple[str, ...],
        Field(
            description="Nodes whose failure alone takes this one down (exact: from single-failure impact runs)."
        ),
    ]
    dominators: Annotated[
        tuple[str, ...],
        Field(
            description="Nearest first: every chain of required dependencies from this node passes through them."
        ),
    ]
    dominates: Annotated[
        int,
        Field(
            description="How many nodes this one dominates: each of them has no way to work that avoids it."
        ),
    ]
    betweenness: Annotated[
        float,
        Field(
            description="Share of shortest dependency chains between other nodes that pass through this one; "
            "near 0 everywhere on a shallow portfolio, where it says nothing."
        ),
    ]
    by_criticality: Annotated[
        tuple[tuple[str, int], ...],  # (class, systems down or degraded), most critical first
        PlainSerializer(dict, return_type=dict[str, int]),
        Field(description="Systems it takes down or degrades, per criticality class (when classes are set)."),
    ] = ()
    shortest_rto_hours: Annotated[
        float | None, Field(description="The shortest RTO among the systems it takes down or degrades.")
    ] = None


@dataclass(frozen=True, slots=True)
class PairFailure(Shaped):
    """Two nodes that only together put ``breaks`` down (neither alone does)."""

    pair: tuple[str, str]
    breaks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Criticality(Shaped):
    """What :func:`critical` finds: nodes by blast radius (then down, dominance, id), fatal pairs by size."""

    min_confidence: ConfidenceName
    nodes: tuple[NodeCriticality, ...]
    pairs: tuple[PairFailure, ...]
    pairs_checked: int
    pairs_truncated: bool

    def node(self, node_id: str) -> NodeCriticality:
        for c in self.nodes:
            if c.id == node_id:
                return c
        raise KeyError(node_id)


def _down_set(states: dict[str, str]) -> frozenset[str]:
    return frozenset(n for n, s in states.items() if s == "down")


def candidate_pairs(
    G: nx.MultiDiGraph,
    killers: dict[str, set[str]],
    single_down: dict[str, frozenset[str]],
    min_rank: int,
    max_pairs: int,
) -> tuple[list[tuple[str, str]], bool]:
    """Pairs that between them kill every member of an alt group, neither killing the group's owner alone
    (at most ``max_pairs``; and whether there were more). ``killers``: the nodes whose failure alone kills
    each node (itself included); ``single_down``: what each node's failure alone puts down. ``G`` need only
    have ``nodes`` and ``succ`` (see :func:`required_units`)."""
    pairs: set[tuple[str, str]] = set()
    for v in sorted(G.nodes):
        for unit in required_units(G, v, min_rank=min_rank):
            if len(unit) < 2:
                continue
            for x in sorted(killers.get(unit[0], {unit[0]})):
                if v in single_down.get(x, ()):
                    continue
                rest = [m for m in unit if x not in killers.get(m, {m})]
                if not rest:
                    continue
                ys = set.intersection(*(killers.get(m, {m}) for m in rest)) - {x}
                for y in sorted(ys):
                    if v in single_down.get(y, ()):
                        continue
                    pairs.add((min(x, y), max(x, y)))
                    if len(pairs) > max_pairs:
                        return sorted(pairs)[:max_pairs], True
    return sorted(pairs), False


def critical(
    G: nx.MultiDiGraph,
    *,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
    candidates: Iterable[str] | None = None,
    max_pairs: int = 200,
    betweenness_sample: int = 1000,
) -> Criticality:
    """Rank nodes by what their failure breaks, and find single points of failure and fatal pairs.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph built by :func:`graph.model.to_networkx`.
    min_confidence : {"inferred", "curated", "stated"}
        Ignore edges less certain than this.
    candidates : iterable of str, optional
        The nodes to fail one by one (default: all). Costs one impact per candidate; on very large graphs pass
        a shortlist (e.g. by ``dominates``). ``single_points_of_failure`` only names candidates.
    max_pairs : int
        At most this many candidate pairs are checked with a two-node impact.
    betweenness_sample : int
        Graphs with more nodes than this get betweenness sampled from this many sources (seed 0); 0: none.

    Examples
    --------
    >>> from graph.examples import letters
    >>> crit = critical(letters(), candidates=["helseid", "print"], max_pairs=0)
    >>> [(c.id, c.blast_radius) for c in crit.nodes][:3], crit.pairs, crit.pairs_truncated
    ([('helseid', 2), ('print', 2), ('brevtjeneste', 0)], (), True)
    """
    min_rank = confidence_rank(min_confidence)
    if max_pairs < 0:
        raise InvalidQuery("max_pairs must be 0 or more")
    pool = require_nodes(G, candidates) if candidates is not None else tuple(sorted(G.nodes))
    index = ImpactIndex(G)  # one for every run below
    single: dict[str, dict[str, str]] = {
        x: impact_states(G, [x], min_confidence=min_confidence, index=index) for x in pool
    }
    single_down = {x: _down_set(states) for x, states in single.items()}
    killers: dict[str, set[str]] = {n: {n} for n in G.nodes}
    for x, downs in single_down.items():
        for n in downs:
            killers[n].add(x)
    idom = dominator_tree(G, min_rank=min_rank)
    subtree = _dominated(idom)
    betweenness = _betweenness(G, min_rank, betweenness_sample)
    nodes = [
        _node_criticality(G, n, single.get(n, {}), killers[n], idom, subtree.get(n, 0), betweenness)
        for n in sorted(G.nodes)
        if not _is_actor(G, n)
    ]
    pair_list, truncated = candidate_pairs(G, killers, single_down, min_rank, max_pairs)
    pairs = []
    for x, y in pair_list:
        together = _down_set(impact_states(G, [x, y], min_confidence=min_confidence, index=index))
        alone = single_down.get(x, frozenset({x})) | single_down.get(y, frozenset({y}))
        breaks = together - alone - {x, y}
        if breaks:
            pairs.append(PairFailure((x, y), tuple(sorted(breaks))))
    pairs.sort(key=lambda p: (-len(p.breaks), p.pair))
    return Criticality(
        Confidence(min_confidence).value, _ranked(nodes), tuple(pairs), len(pair_list), truncated
    )


def _dominated(idom: dict[str, str | None]) -> dict[str, int]:
    """How many nodes each node dominates (its subtree in the dominator tree ``idom``)."""
    children: dict[str, list[str]] = {}
    for v, d in idom.items():
        if d is not None:
            children.setdefault(d, []).append(v)
    return _subtree_sizes(children)


def _betweenness(G: nx.MultiDiGraph, min_rank: int, sample: int) -> dict[str, float]:
    """Betweenness centrality at ``min_rank``, sampled from ``sample`` sources on larger graphs (0: none)."""
    H = sorted_digraph(G, min_rank=min_rank)
    if sample == 0:  # not wanted (a diff ranks by blast radius only)
        return dict.fromkeys(H, 0.0)
    k = sample if H.number_of_nodes() > sample else None
    found: dict[str, float] = nx.betweenness_centrality(H, k=k, seed=0)
    return found


def _node_criticality(
    G: nx.MultiDiGraph,
    n: str,
    states: dict[str, str],
    killers: set[str],
    idom: dict[str, str | None],
    dominates: int,
    betweenness: dict[str, float],
) -> NodeCriticality:
    """Node ``n``'s line: what its failure alone did (``states``, empty when it was not run), the nodes whose
    failure alone kills it (``killers``, itself included), its dominators."""
    name, kind = node_label(G, n)
    down = sum(1 for m, s in states.items() if s == "down" and m != n)
    degraded = sum(1 for s in states.values() if s == "degraded")
    delayed = sum(1 for s in states.values() if s == "delayed")
    hit = [m for m, s in states.items() if s in ("down", "degraded") and m != n]
    classes = Counter(str(G.nodes[m]["criticality"]) for m in hit if G.nodes[m].get("criticality"))
    rtos = [float(G.nodes[m]["rto_hours"]) for m in hit if G.nodes[m].get("rto_hours") is not None]
    chain = []
    d = idom.get(n)
    while d is not None:
        chain.append(d)
        d = idom.get(d)
    return NodeCriticality(
        id=n,
        name=name,
        kind=kind,
        blast_radius=down + degraded,
        down=down,
        degraded=degraded,
        delayed=delayed,
        single_points_of_failure=tuple(sorted(killers - {n})),
        dominators=tuple(chain),
        dominates=dominates,
        betweenness=round(float(betweenness.get(n, 0.0)), 6),
        by_criticality=tuple(sorted(classes.items())),
        shortest_rto_hours=min(rtos, default=None),
    )


def _ranked(nodes: list[NodeCriticality]) -> tuple[NodeCriticality, ...]:
    """Most critical first. With criticality classes set, what a failure does to the most critical systems
    ranks first ("A" > "B"), then the blast radius."""
    ladder = sorted({c for x in nodes for c, _ in x.by_criticality})

    def rank(c: NodeCriticality) -> tuple[Any, ...]:
        hits = dict(c.by_criticality)
        return (*(-hits.get(cls, 0) for cls in ladder), -c.blast_radius, -c.down, -c.dominates, c.id)

    return tuple(sorted(nodes, key=rank))


def _subtree_sizes(children: dict[str, list[str]]) -> dict[str, int]:
    """Descendant counts in a forest given as ``parent -> children`` (iterative, no recursion limit)."""
    sizes: dict[str, int] = {}
    for top in children:
        stack: list[tuple[str, bool]] = [(top, False)]
        while stack:
            v, done = stack.pop()
            if v in sizes:
                continue
            kids = children.get(v, [])
            if done:
                sizes[v] = sum(sizes[c] + 1 for c in kids)
            else:
                stack.append((v, True))
                stack.extend((c, False) for c in kids if c not in sizes)
    return sizes
