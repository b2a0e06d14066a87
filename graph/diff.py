"""What changed between two portfolios, and what it did to the blast radius.

:func:`diff` compares two revisions (or two documents) of a portfolio:

* **nodes and edges** added, removed and changed — an edge is the relation ``source -TYPE-> target``; a change
  names each field that differs (strength, alternatives, scope, confidence, mode, the evidence sentence …)
  with its value before and after, and both sides' evidence;
* **findings** opened and resolved (a finding is its code and the nodes it names);
* the **impact delta**: for every node whose failure can reach differently now — the endpoints of what
  changed and everything they depend on — its blast radius (down / degraded when it fails alone) before and
  after; the single points of failure and fatal pairs that appeared or went away.

The default ranking puts the largest change of blast radius first.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType, Strength
>>> nodes = tuple(Node(i, i.upper(), NodeKind.SYSTEM) for i in ("app", "login", "backup"))
>>> one = Portfolio("d", nodes, (Edge("app", "login", RelType.AUTHENTICATES_WITH, "Logg inn."),))
>>> two = one.with_(edges=(Edge("app", "login", RelType.AUTHENTICATES_WITH, "Logg inn.", alt_group="id"),
...                        Edge("app", "backup", RelType.AUTHENTICATES_WITH, "Eller slik.", alt_group="id")))
>>> d = diff(one, two)
>>> [e.key for e in d.edges_added], [(c.key, c.fields) for c in d.edges_changed]
([('app', 'backup', 'AUTHENTICATES_WITH')], [(('app', 'login', 'AUTHENTICATES_WITH'), (('alt_group', None, 'id'),))])
>>> d.spof_gone  # login alone no longer takes app down: backup is its alternative
('login',)
>>> [(r.id, (r.before.down, r.before.degraded), (r.after.down, r.after.degraded)) for r in d.radius]
[('backup', (0, 0), (0, 1)), ('login', (1, 0), (0, 1))]

How the impact delta is worked out
----------------------------------
A failure reaches the ancestors of the failed node, and what each of them makes of it follows from its own
out-edges (and whether it is an actor). An edge whose target stays fine carries nothing, unless it is a
member of an alternatives group: a member that stays fine is what makes the group only partly lost. So the
failure of ``x`` plays out the same in both revisions — same ancestors, same states, same blast radius —
unless ``x`` can be reached, in one revision or the other, from

* the target of an edge added, removed or changed (that edge then leads to ``x``),
* a target of an alternatives group that holds such an edge, before or after (the group's verdict on
  ``x``'s failure may change though the changed member stays fine), or
* a node added, removed or changing kind (an actor is evaluated, and counted, differently).

Otherwise every path to ``x`` in one revision avoids every change and exists in the other, and each ancestor
has the same edges as far as the failure sees them. The nodes so reached are the ``candidates`` (a node whose
ancestors did not change is never run twice): each is compared with one single-failure run in each revision,
on an :class:`~graph.impact.ImpactIndex` built once per revision, its states counted over arrays as
:func:`graph.critical.critical` counts them. The other nodes named by a change — the changed edges' sources,
nodes that only changed a name or an owner — keep their blast radius and are run once, for the fatal pairs.
Fatal pairs are looked for as :func:`graph.critical.critical` does (pairs of killers of an alternatives
group's members, at most 200 per revision), and each one reported is checked with two-node runs in *both*
revisions: new means fatal after and not before.

A single point of failure often needs no run: a node some non-actor depends on by a hard edge outside any
group and scope is one (that dependent goes down with it), and a node nothing depends on is not.

At 100,000 nodes a realistic change reaches half the graph, and the exact delta would take hours of runs: the
runs of one diff share a budget (``_BUDGET`` nodes put in trouble, about a second), spent first on the
single points of failure that one revision's edges decide and the other's do not, then on the most affected
candidates — the most changed edges ending at them (their direct dependents changed), then the most direct
dependents. When it
runs out, :attr:`Diff.truncated` says so and ``compared`` says how many candidates were: every blast radius,
single point of failure and fatal pair reported is still exact, and what was not compared is left out
rather than guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Annotated, Any, Generic, TypeVar

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from pydantic import Field, PlainSerializer, computed_field
from typing_extensions import TypedDict

from graph.critical import candidate_pairs, required_units
from graph.edges import confidence_rank, node_data, predecessors, successors
from graph.impact import ImpactIndex, fixpoint
from graph.model import (
    DEFAULT_CONFIDENCE,
    Confidence,
    Edge,
    Finding,
    Node,
    OneEdge,
    Portfolio,
    PortfolioGraph,
    paused_gc,
    to_networkx,
)
from graph.shape import Shaped

__all__ = ["Diff", "EdgeChange", "NodeChange", "Radius", "RadiusDelta", "diff"]

_NODE_FIELDS = ("name", "kind", "aliases", "short", "category", "owner", "url", "description", "criticality")
_EDGE_FIELDS = ("strength", "alt_group", "scope", "confidence", "mode", "tolerance", "capability", "evidence")
_NODE_ROW, _EDGE_ROW = attrgetter(*_NODE_FIELDS), attrgetter(*_EDGE_FIELDS)
_BUDGET = 2_000_000  # nodes put in trouble, summed over the impact runs of one diff (about a second)
_RUN = 200  # what a run costs besides the nodes it puts in trouble, in the same unit
_MAX_PAIRS = 200  # candidate pairs checked per revision, as graph.critical.critical does
_DOWN, _DEGRADED, _OK = 2, 1, 0  # graph.impact's levels

Key = tuple[str, str, str]
T = TypeVar("T")


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return getattr(value, "value", value)


def _fields(a: Any, b: Any, names: Iterable[str]) -> tuple[tuple[str, Any, Any], ...]:
    return tuple(
        (f, _plain(getattr(a, f)), _plain(getattr(b, f))) for f in names if getattr(a, f) != getattr(b, f)
    )


class FieldChange(TypedDict):
    field: str
    before: Any
    after: Any


def _changes(fields: tuple[tuple[str, Any, Any], ...]) -> list[FieldChange]:
    return [{"field": f, "before": a, "after": b} for f, a, b in fields]


# (field, before, after) for each field that changed, written as {"field", "before", "after"}
Fields = Annotated[tuple[tuple[str, Any, Any], ...], PlainSerializer(_changes, return_type=list[FieldChange])]
_GROUPED = Field(exclude=True)  # written out in a group below (Diff.nodes, .edges, .findings, .impact)
# A node or an edge as the portfolio writes it (Node.to_dict, Edge.to_dict).
_Written = PlainSerializer(lambda item: item.to_dict(), return_type=dict[str, Any])


@dataclass(frozen=True, slots=True)
class NodeChange(Shaped):
    key: Annotated[str, Field(serialization_alias="id")]
    fields: Fields


@dataclass(frozen=True, slots=True)
class EdgeChange(Shaped):
    key: Annotated[tuple[str, str, str], Field(exclude=True)]  # (source, target, type)
    fields: Fields
    evidence_before: str
    evidence_after: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def source(self) -> str:
        return self.key[0]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def target(self) -> str:
        return self.key[1]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def type(self) -> str:
        return self.key[2]


@dataclass(frozen=True, slots=True)
class Radius(Shaped):
    blast: Annotated[int, Field(serialization_alias="blast_radius")]
    down: int
    degraded: int


@dataclass(frozen=True, slots=True)
class RadiusDelta(Shaped):
    """A node's blast radius when it fails alone, before and after (zero where it does not exist)."""

    id: str
    name: str
    before: Radius
    after: Radius

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delta(self) -> int:
        return self.after.blast - self.before.blast


class NodeChanges(TypedDict):
    added: list[Annotated[Node, _Written]]
    removed: list[Annotated[Node, _Written]]
    changed: list[NodeChange]


class EdgeChanges(TypedDict):
    added: list[Annotated[Edge, _Written]]
    removed: list[Annotated[Edge, _Written]]
    changed: list[EdgeChange]


class FindingChanges(TypedDict):
    opened: list[Finding]
    resolved: list[Finding]


class NewAndGone(TypedDict, Generic[T]):
    new: list[T]
    gone: list[T]


class ImpactDelta(TypedDict):
    radius: list[RadiusDelta]
    single_points_of_failure: NewAndGone[str]
    fatal_pairs: NewAndGone[tuple[str, str]]
    truncated: bool
    candidates: int
    compared: int


@dataclass(frozen=True, slots=True)
class Diff(Shaped):
    """What changed from revision ``before`` to ``after``; written out grouped: ``nodes``, ``edges``, ``findings``
    and ``impact``."""

    before: Annotated[str, Field(serialization_alias="from")]  # revision ids
    after: Annotated[str, Field(serialization_alias="to")]
    nodes_added: Annotated[tuple[Node, ...], _GROUPED]
    nodes_removed: Annotated[tuple[Node, ...], _GROUPED]
    nodes_changed: Annotated[tuple[NodeChange, ...], _GROUPED]
    edges_added: Annotated[tuple[Edge, ...], _GROUPED]
    edges_removed: Annotated[tuple[Edge, ...], _GROUPED]
    edges_changed: Annotated[tuple[EdgeChange, ...], _GROUPED]
    findings_opened: Annotated[tuple[Finding, ...], _GROUPED]
    findings_resolved: Annotated[tuple[Finding, ...], _GROUPED]
    radius: Annotated[
        tuple[RadiusDelta, ...], _GROUPED
    ]  # largest change first; only nodes whose radius changed
    spof_new: Annotated[tuple[str, ...], _GROUPED]  # nodes that alone take something down now, and did not
    spof_gone: Annotated[tuple[str, ...], _GROUPED]
    pairs_new: Annotated[tuple[tuple[str, str], ...], _GROUPED]
    pairs_gone: Annotated[tuple[tuple[str, str], ...], _GROUPED]
    # The impact runs' budget ran out (or there were more candidate pairs than are checked): what was compared is
    # reported, exactly; what was not is left out.
    truncated: Annotated[bool, _GROUPED] = False
    # nodes whose failure can play out differently now (the module's docstring says which)
    candidates: Annotated[int, _GROUPED] = 0
    compared: Annotated[int, _GROUPED] = (
        0  # of which were run in both revisions (all of them unless truncated)
    )

    @property
    def empty(self) -> bool:
        return not any(
            (self.nodes_added, self.nodes_removed, self.nodes_changed, self.edges_added, self.edges_removed,
             self.edges_changed, self.findings_opened, self.findings_resolved)
        )  # fmt: skip

    @computed_field  # type: ignore[prop-decorator]
    @property
    def nodes(self) -> NodeChanges:
        return {
            "added": list(self.nodes_added),
            "removed": list(self.nodes_removed),
            "changed": list(self.nodes_changed),
        }

    @computed_field  # type: ignore[prop-decorator]
    @property
    def edges(self) -> EdgeChanges:
        return {
            "added": list(self.edges_added),
            "removed": list(self.edges_removed),
            "changed": list(self.edges_changed),
        }

    @computed_field  # type: ignore[prop-decorator]
    @property
    def findings(self) -> FindingChanges:
        return {"opened": list(self.findings_opened), "resolved": list(self.findings_resolved)}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def impact(self) -> ImpactDelta:
        return {
            "radius": list(self.radius),
            "single_points_of_failure": {"new": list(self.spof_new), "gone": list(self.spof_gone)},
            "fatal_pairs": {"new": list(self.pairs_new), "gone": list(self.pairs_gone)},
            "truncated": self.truncated,
            "candidates": self.candidates,
            "compared": self.compared,
        }


def _finding_key(f: Finding) -> tuple[str, tuple[str, ...], str]:
    # The message names lines, which move when the document does: the code and the nodes say what it is about.
    return (f.code, f.nodes, f.message if not f.nodes else "")


def _key(e: Edge) -> Key:
    return (e.source, e.target, e.type._value_)  # Edge.key


# ------------------------------------------------------------------------------------------ the graphs


def _after_graph(
    G: nx.MultiDiGraph, b_nodes: dict[str, Node], b_edges: dict[Key, Edge], nodes: set[str], moved: list[Key]
) -> nx.MultiDiGraph:
    """What ``to_networkx`` makes of the revision after, made from ``G``, the graph of the one before, by
    redoing only the ``nodes`` added, removed or changed and the node pairs joined by a ``moved`` edge (added,
    removed or changed in a field the diff compares: all that impact reads). The edges of other pairs keep
    the data they had, changed at most in where they are stated. Only for portfolios without repeated ids or
    edges, nor edges to undeclared nodes (``to_networkx`` merges and adds those)."""
    H = PortfolioGraph()
    node, succ, pred = node_data(H), successors(H), predecessors(H)
    gone = {n for n in nodes if n not in b_nodes}
    g_succ = successors(G)
    node.update((n, d) for n, d in node_data(G).items() if n not in gone)  # attribute dicts shared, read only
    succ.update((n, dict(nbrs)) for n, nbrs in g_succ.items() if n not in gone)
    pred.update((n, dict(nbrs)) for n, nbrs in predecessors(G).items() if n not in gone)
    for n in nodes - gone:
        node[n] = b_nodes[n].to_dict()
        succ.setdefault(n, {})
        pred.setdefault(n, {})
    kinds: dict[tuple[str, str], set[str]] = {}
    for u, v, kind in moved:
        kinds.setdefault((u, v), set()).add(kind)
    for (u, v), changed in kinds.items():
        if u in gone or v in gone:  # every edge of a node removed is removed
            succ.get(u, {}).pop(v, None)
            pred.get(v, {}).pop(u, None)
            continue
        before = g_succ[u].get(v, {}) if u in g_succ else {}
        keyed = {k: b_edges[(u, v, k)] for k in {*before, *changed} if (u, v, k) in b_edges}
        if not keyed:
            succ[u].pop(v, None)
            pred[v].pop(u, None)
        elif len(keyed) == 1:
            ((k, e),) = keyed.items()
            succ[u][v] = pred[v][u] = OneEdge(k, e)  # type: ignore[arg-type,assignment]  # an Edge reads as a mapping
        else:
            succ[u][v] = pred[v][u] = keyed
    return H


def _declared_once(
    G: nx.MultiDiGraph,
    before: Portfolio,
    after: Portfolio,
    a_nodes: dict[str, Node],
    b_nodes: dict[str, Node],
    a_edges: dict[Key, Edge],
    b_edges: dict[Key, Edge],
    added: Iterable[Edge],
) -> bool:
    """Whether both portfolios are as :func:`_after_graph` needs them: no id or edge twice, and no edge to a
    node that is not declared (``G`` is the graph of ``before``)."""
    if (len(a_nodes), len(b_nodes), len(a_edges), len(b_edges)) != (
        len(before.nodes),
        len(after.nodes),
        len(before.edges),
        len(after.edges),
    ) or len(G) != len(a_nodes):
        return False
    if any(e.source not in b_nodes or e.target not in b_nodes for e in added):
        return False
    gone = a_nodes.keys() - b_nodes.keys()
    succ, pred = successors(G), predecessors(G)
    kept = [(r, v, k) for r in gone for v, keyed in succ[r].items() for k in keyed]
    kept += [(u, r, k) for r in gone for u, keyed in pred[r].items() for k in keyed]
    return not any(k in b_edges for k in kept)


def _reach(G: nx.MultiDiGraph, starts: Iterable[str]) -> set[str]:
    """``starts`` (those in ``G``) and everything they depend on."""
    succ = successors(G)
    seen = {s for s in starts if s in succ}
    stack = list(seen)
    while stack:
        for m in succ[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


def _touched(G: nx.MultiDiGraph, H: nx.MultiDiGraph, moved: list[Key], nodes: set[str]) -> set[str]:
    """The nodes whose failure can play out differently (the module's docstring says why): those that can be
    reached, before or after, from the targets of the ``moved`` edges, the other targets of the alternatives
    groups they are in, the ``nodes`` added, removed or changing kind, and the nodes of one graph only."""
    starts = {v for _, v, _ in moved} | nodes | (node_data(G).keys() ^ node_data(H).keys())
    for u, v, kind in moved:
        for graph in (G, H):
            succ = successors(graph)
            e = succ[u].get(v, {}).get(kind) if u in succ else None
            group = e.get("alt_group") if e is not None else None
            if group is not None:
                starts.update(m for m, keyed in succ[u].items() for d in keyed.values()
                              if d.get("alt_group") == group)  # fmt: skip
    return _reach(G, starts) | _reach(H, starts)


# ------------------------------------------------------------------------------------------ the runs


@dataclass(frozen=True, slots=True)
class _Failure:
    """What failing some nodes together does in one revision, counted as :func:`graph.critical.critical` counts
    it: neither the failed nodes nor actors are counted."""

    radius: Radius
    down: NDArray[np.int32]  # what goes down with them, as positions in ``ix``
    ix: ImpactIndex


class _Grouped:
    """What :func:`graph.critical.required_units` and ``candidate_pairs`` read of a graph — its nodes, sorted,
    and their out-edges — for some of its nodes only."""

    def __init__(self, G: nx.MultiDiGraph, nodes: Iterable[str]) -> None:
        self.nodes = sorted(nodes)
        succ = successors(G)
        self.succ = {u: succ[u] for u in self.nodes}


class _Budget:
    def __init__(self, work: int) -> None:
        self.left = work


class _Revision:
    """One side of the diff: its graph, an impact index (one for every run), the single failures run so far
    (some borrowed from the other revision, where they play out the same) and the pairs checked."""

    def __init__(self, G: nx.MultiDiGraph, min_rank: int, budget: _Budget) -> None:
        self.G, self.min_rank, self.budget = G, min_rank, budget
        self.ix = ix = ImpactIndex(G)
        self.live = ix.live() if ix.has_batch else ix  # as impact_states: batch flows only delay
        self.single: dict[str, _Failure] = {}
        self.checked: dict[tuple[str, str], bool] = {}  # fatal or not
        self.killing: NDArray[np.int8] | None = None  # see _killing

    def fail(self, failed: Sequence[str]) -> _Failure:
        ix = self.ix
        at = [ix.pos[f] for f in failed]
        fp = fixpoint(ix, at, self.min_rank)
        live = fp if self.live is ix else fixpoint(self.live, at, self.min_rank)
        self.budget.left -= _RUN + fp.troubled.size + (live.troubled.size if live is not fp else 0)
        hit = fp.troubled[~ix.actors[fp.troubled]]
        levels = live.levels()[hit]
        down = hit[levels == _DOWN]
        degraded = int(np.count_nonzero(levels == _DEGRADED))
        if live.pa:  # in trouble for some actors only: degraded (delayed when not in trouble at all)
            some = np.fromiter(live.pa, dtype=np.int32, count=len(live.pa))
            degraded += int(np.count_nonzero((levels == _OK) & np.isin(hit, some)))
        return _Failure(Radius(down.size + degraded, down.size, degraded), down, ix)

    def alone(self, x: str) -> NDArray[np.int32]:
        found = self.single.get(x)
        if found is None or found.ix is not self.ix:
            found = self.single[x] = self.fail([x])
        return found.down

    def radius(self, x: str) -> Radius:
        """Zero where ``x`` is not, or is an actor (neither impacted nor counted)."""
        found = self.single.get(x)
        if found is None or self.ix.actor[self.ix.pos[x]]:
            return Radius(0, 0, 0)
        return found.radius

    def spof(self, nodes: Sequence[str]) -> NDArray[np.int8]:
        """Whether each of ``nodes`` alone takes another node down: 1 yes, 0 no (or it is not a node here), -1
        unknown: not run, and its in-edges do not tell (see :meth:`_killing`)."""
        if self.killing is None:
            self.killing = self._killing()
        at = np.array([self.ix.pos.get(x, -1) for x in nodes], dtype=np.int64)
        out = np.zeros(len(nodes), dtype=np.int8)
        out[at >= 0] = self.killing[at[at >= 0]]
        where = {x: k for k, x in enumerate(nodes)}
        for x, failure in self.single.items():
            if failure.ix is self.ix and x in where:
                out[where[x]] = failure.radius.down > 0
        return out

    def _killing(self) -> NDArray[np.int8]:
        """Whether each node's failure alone takes another node down, where its in-edges tell without a run:
        1 when a non-actor depends on it by a hard edge outside any group and scope (that one goes down), 0
        when nothing depends on it (nothing can), -1 when only a run can tell. From the edges that are not
        batch flows, as the states are."""
        ix = self.ix
        into = self.live.in_edges(self.min_rank)
        plain = into.plain
        hard = plain.flag & ~ix.actors[plain.src]  # per in-edge (each source once)
        running = np.concatenate(([0], np.cumsum(hard, dtype=np.int64)))
        out = np.where(np.diff(plain.ptr) + np.diff(into.special.ptr) > 0, -1, 0).astype(np.int8)
        out[running[plain.ptr[1:]] > running[plain.ptr[:-1]]] = 1
        for n in nx.nodes_with_selfloops(self.G):  # its own edge does not count: a run tells
            out[ix.pos[n]] = min(out[ix.pos[n]], -1)
        return out

    def fatal(self, x: str, y: str) -> bool:
        """Whether ``x`` and ``y`` together take down something neither takes down alone."""
        found = self.checked.get((x, y))
        if found is None:
            together = self.fail([x, y]).down
            broken = np.zeros(self.ix.n, dtype=np.bool_)
            broken[together] = True
            if together.size:
                broken[self.alone(x)] = False
                broken[self.alone(y)] = False
            found = self.checked[x, y] = bool(broken.any())
        return found

    def pairs(self) -> tuple[list[tuple[str, str]], bool]:
        """The candidate pairs :func:`graph.critical.critical` finds from the single failures run (and whether
        there were more): only a node with an alternatives group has a unit of two or more."""
        ix = self.ix
        grouped = _Grouped(
            self.G, (ix.ids[i] for i, edges in ix.out.items() if any(e[3] is not None for e in edges))
        )
        owners: set[str] = set()
        members: set[str] = set()
        for u in grouped.nodes:
            for unit in required_units(grouped, u, min_rank=self.min_rank):
                if len(unit) > 1:
                    owners.add(u)
                    members.update(unit)
        watched: dict[int, NDArray[np.bool_]] = {}  # per index: the owners and members, as a mask
        downs: dict[str, frozenset[str]] = {}  # of each failure: the owners and members down, and itself
        for x, failure in self.single.items():
            at = failure.ix
            mask = watched.get(id(at))
            if mask is None:
                mask = watched[id(at)] = np.zeros(at.n, dtype=np.bool_)
                mask[[at.pos[n] for n in owners | members if n in at.pos]] = True
            hit = failure.down
            downs[x] = frozenset([x, *(at.ids[i] for i in hit[mask[hit]].tolist())])
        killers = {m: {m} for m in members}
        for x, killed in downs.items():
            for m in killed & members:
                killers[m].add(x)
        return candidate_pairs(grouped, killers, downs, self.min_rank, _MAX_PAIRS)


@dataclass(frozen=True, slots=True)
class _Delta:
    """What the runs found: the blast radius before and after of every candidate compared (most affected
    first), the single points of failure and fatal pairs new and gone, and whether that is not all."""

    radius: dict[str, tuple[Radius, Radius]] = field(default_factory=dict)
    spof_new: set[str] = field(default_factory=set)
    spof_gone: set[str] = field(default_factory=set)
    pairs_new: set[tuple[str, str]] = field(default_factory=set)
    pairs_gone: set[tuple[str, str]] = field(default_factory=set)
    truncated: bool = False


def _impact(
    G: nx.MultiDiGraph,
    H: nx.MultiDiGraph,
    candidates: set[str],
    changed: set[str],
    priority: Counter[str],
    min_confidence: Confidence | str,
) -> _Delta:
    """Run the ``changed`` nodes (whose failure may play out differently; ``priority``: changed edges ending at
    each) in both revisions, most affected first, the other ``candidates`` once (their failure plays out the
    same: for fatal pairs), then check the candidate pairs of each revision in both, all within one budget."""
    budget = _Budget(_BUDGET)
    min_rank = confidence_rank(min_confidence)
    g, h = _Revision(G, min_rank, budget), _Revision(H, min_rank, budget)
    g_pred, h_pred = predecessors(G), predecessors(H)
    indegree = {x: max(len(g_pred.get(x, ())), len(h_pred.get(x, ()))) for x in changed}
    order = sorted(changed, key=lambda n: (-priority.get(n, 0), -indegree[n], n))
    compared = _run_single(g, h, order, budget)
    truncated = len(compared) < len(changed)
    was, now = g.spof(order), h.spof(order)
    ids = np.array(order, dtype=object)
    spof_new, spof_gone = set(ids[(now == 1) & (was == 0)]), set(ids[(was == 1) & (now == 0)])
    for x in sorted(candidates - changed):
        if budget.left <= 0:
            truncated = True
            break
        g.single[x] = h.single[x] = g.fail([x])
    (was_fatal, cut_g), (now_fatal, cut_h) = _fatal(g, candidates, budget), _fatal(h, candidates, budget)
    (pairs_gone, gone_cut), (pairs_new, new_cut) = (
        _not_fatal_in(was_fatal - now_fatal, h, budget),
        _not_fatal_in(now_fatal - was_fatal, g, budget),
    )
    radius = {x: (g.radius(x), h.radius(x)) for x in compared}
    truncated |= cut_g or cut_h or gone_cut or new_cut
    return _Delta(radius, spof_new, spof_gone, pairs_new, pairs_gone, truncated)


def _run_single(g: _Revision, h: _Revision, order: list[str], budget: _Budget) -> list[str]:
    """Fail each node of ``order`` alone in both revisions while the budget lasts; the nodes run. Single
    points of failure first, where one revision's edges already tell: a run of the other decides."""
    was, now = g.spof(order), h.spof(order)
    for k in np.flatnonzero((was < 0) != (now < 0)).tolist():
        if budget.left <= 0:
            break
        rev = g if was[k] < 0 else h
        rev.single[order[k]] = rev.fail([order[k]])
    compared = []
    for x in order:
        if budget.left <= 0:
            break
        for rev in (g, h):
            if x in rev.ix.pos and x not in rev.single:
                rev.single[x] = rev.fail([x])
        compared.append(x)
    return compared


def _fatal(rev: _Revision, candidates: set[str], budget: _Budget) -> tuple[set[tuple[str, str]], bool]:
    """The fatal pairs among ``rev``'s candidate pairs, and whether that is not all (pairs left unchecked)."""
    found: set[tuple[str, str]] = set()
    if not any(x in rev.ix.pos for x in candidates):  # as critical() on the candidates: nothing, no pairs
        return found, False
    pairs, truncated = rev.pairs() if budget.left > 0 else ([], True)
    for x, y in pairs:
        if budget.left <= 0:
            return found, True
        if rev.fatal(x, y):
            found.add((x, y))
    return found, truncated


def _not_fatal_in(
    pairs: set[tuple[str, str]], other: _Revision, budget: _Budget
) -> tuple[set[tuple[str, str]], bool]:
    """Those of ``pairs`` (fatal in one revision) that are not fatal in the ``other``, and whether some could
    not be checked."""
    out, truncated = set(), False
    for x, y in sorted(pairs):
        if x not in other.ix.pos or y not in other.ix.pos:
            out.add((x, y))
        elif budget.left <= 0:
            truncated = True
        elif not other.fatal(x, y):
            out.add((x, y))
    return out, truncated


def diff(
    before: Portfolio, after: Portfolio, *, min_confidence: Confidence | str = DEFAULT_CONFIDENCE
) -> Diff:
    """Everything that changed from ``before`` to ``after`` (see the module's docstring)."""
    with paused_gc():  # millions of objects made and dropped: a full collection would walk them each time
        return _diff(before, after, min_confidence)


def _edge_changes(
    a_edges: dict[Key, Edge], b_edges: dict[Key, Edge]
) -> tuple[list[EdgeChange], list[Edge], list[Edge]]:
    """The edges changed, removed and added from ``a_edges`` to ``b_edges``."""
    changes, removed = [], []
    for k, was in a_edges.items():  # a million edges, nearly all the same: compared as rows of the fields
        now = b_edges.get(k)
        if now is None:
            removed.append(was)
        elif was is not now and _EDGE_ROW(was) != _EDGE_ROW(now):
            changes.append(EdgeChange(k, _fields(was, now, _EDGE_FIELDS), was.evidence, now.evidence))
    added = [e for k, e in b_edges.items() if k not in a_edges]
    return changes, removed, added


def _radius_deltas(found: _Delta, a_nodes: dict[str, Node], b_nodes: dict[str, Node]) -> list[RadiusDelta]:
    """The blast radii that changed, the largest change first."""
    deltas = [
        RadiusDelta(n, getattr(b_nodes.get(n) or a_nodes.get(n), "name", n), was, now)
        for n, (was, now) in found.radius.items()
        if was != now
    ]
    deltas.sort(key=lambda r: (-abs(r.delta), -abs(r.after.down - r.before.down), r.id))
    return deltas


def _diff(before: Portfolio, after: Portfolio, min_confidence: Confidence | str) -> Diff:
    a_nodes, b_nodes = {n.id: n for n in before.nodes}, {n.id: n for n in after.nodes}
    # Keyed as Edge.key, without the enum's slower ``value`` property: a million edges notice it.
    a_edges = {(e.source, e.target, e.type._value_): e for e in before.edges}
    b_edges = {(e.source, e.target, e.type._value_): e for e in after.edges}
    node_changes = tuple(
        NodeChange(i, _fields(a, b, _NODE_FIELDS))
        for i, a in a_nodes.items()
        if (b := b_nodes.get(i)) is not None and a is not b and _NODE_ROW(a) != _NODE_ROW(b)
    )
    changes, removed, added = _edge_changes(a_edges, b_edges)
    a_findings = {_finding_key(f): f for f in before.findings}
    b_findings = {_finding_key(f): f for f in after.findings}
    moved = [_key(e) for e in (*added, *removed)] + [c.key for c in changes]
    nodes = (a_nodes.keys() ^ b_nodes.keys()) | {c.key for c in node_changes}
    repeated = len(a_edges) < len(before.edges) or len(b_edges) < len(after.edges)
    touched: set[str] = set()
    found = _Delta()
    if moved or nodes or repeated:
        G = to_networkx(before)
        if _declared_once(G, before, after, a_nodes, b_nodes, a_edges, b_edges, added):
            H = _after_graph(G, b_nodes, b_edges, nodes, moved)
        else:
            H = to_networkx(after)
            # A repeated edge is merged in the graph, whatever the lists say of it: it counts as moved.
            moved += [k for p in (before, after) for k, n in Counter(map(_key, p.edges)).items() if n > 1]
        kinds = {c.key for c in node_changes if any(f == "kind" for f, _, _ in c.fields)}
        touched = _touched(G, H, moved, (a_nodes.keys() ^ b_nodes.keys()) | kinds)
        candidates = touched | nodes | {u for u, _, _ in moved} | {v for _, v, _ in moved}
        found = _impact(G, H, candidates, touched, Counter(v for _, v, _ in moved), min_confidence)
    deltas = _radius_deltas(found, a_nodes, b_nodes)

    def by_key(items: Iterable[Any], key: Any) -> tuple[Any, ...]:
        return tuple(sorted(items, key=key))

    return Diff(
        before=before.revision,
        after=after.revision,
        nodes_added=by_key((b_nodes[i] for i in b_nodes.keys() - a_nodes.keys()), lambda n: n.id),
        nodes_removed=by_key((a_nodes[i] for i in a_nodes.keys() - b_nodes.keys()), lambda n: n.id),
        nodes_changed=by_key(node_changes, lambda c: c.key),
        edges_added=by_key(added, lambda e: e.key),
        edges_removed=by_key(removed, lambda e: e.key),
        edges_changed=by_key(changes, lambda c: c.key),
        findings_opened=tuple(b_findings[k] for k in b_findings if k not in a_findings),
        findings_resolved=tuple(a_findings[k] for k in a_findings if k not in b_findings),
        radius=tuple(deltas),
        spof_new=tuple(sorted(found.spof_new)),
        spof_gone=tuple(sorted(found.spof_gone)),
        pairs_new=tuple(sorted(found.pairs_new)),
        pairs_gone=tuple(sorted(found.pairs_gone)),
        truncated=found.truncated,
        candidates=len(touched),
        compared=len(found.radius),
    )
