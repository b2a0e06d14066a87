"""What breaks if X is down: the impact of a set of failed nodes, with the evidence for every conclusion.

Semantics
---------
States are ordered ``ok < degraded < down`` and computed as the *least* monotone fixpoint from the failed set
``F`` (failed nodes are ``down``), visiting only ancestors of ``F`` with a worklist. A node ``n`` looks at its
out-edges ``n -> m`` ("n depends on m") whose confidence is at least ``min_confidence``:

* ``m`` down makes the edge *lost*; ``m`` degraded makes it *impaired*;
* a lost unscoped **hard** edge outside any ``alt_group`` puts ``n`` down; a lost unscoped **soft** edge
  degrades it; any impaired edge degrades it;
* edges of ``n`` sharing an ``alt_group`` are lost together only when every member is lost: fully lost with a
  hard member puts ``n`` down (all soft: degraded); partly lost degrades ``n`` (reason ``alternative``);
* a **scoped** edge (``scope`` = actor ids whose access goes through it) lost makes ``n`` *down for* those
  actors (whatever its strength: scope describes access, and access is lost); impaired, *degraded for* them.
  ``n`` is reported ``degraded``. Trouble that is only scoped is invisible to dependents outside the scope:
  an actor ``a`` depending on ``n`` sees ``n`` down when ``a`` is in ``n``'s ``down_for`` (its edge is lost),
  while a system depending on ``n`` is not affected. A scoped edge ``n -> m`` is lost for actor ``a`` when
  ``m`` is down *for a* too, so access chains (system via portal via login) carry the actor along;
* an alt group whose members are all scoped is evaluated per actor in the members' scopes; a mixed group
  counts as unscoped.

Each impacted node gets the shortest explanation path along *contributing* edges (edges whose target is in
trouble from the relevant point of view; among equally short ones the path with fewest inferred hops, then
the best-evidenced hop) and, when that path has an inferred hop but the node is impacted without inferred
edges too, a ``curated_path``; the failed nodes it traces back to (``causes``: reachable along contributing
edges), its reasons (``degraded_by``: ``soft``, ``alternative``, ``scoped``, ``impaired``; empty when down)
and ``inferred``: whether it is impacted only thanks to inferred edges (it would not be impacted at
``min_confidence="curated"`` — computed by running the fixpoint again without inferred edges).

**Actors are not impacted nodes.** An organisation or a group of people does not go down: ``actors`` lists
every actor that *loses* something — a system it uses that is in trouble for it, or a node down or degraded
for it through scoped access — with what it uses that system for (the edges' ``capability``).

**Batch flows delay.** An edge with ``mode: batch`` (a nightly file, an extract) carries trouble late, not
now: the fixpoint is run again without batch edges, and a node in trouble only with them is ``delayed``; a
node in trouble without them too gets its state from that run.

**Default answers are stated and curated.** At the default ``min_confidence`` (``curated``: curated and
stated edges), what only inferred edges would add is reported apart in ``possible``, explained as the
inferred answer explains it.

Examples
--------
>>> from graph.examples import letters
>>> G = letters()
>>> result = impact(G, ["print"], min_confidence="inferred")
>>> [(i.id, i.state, i.degraded_by) for i in result.impacted]
[('brevtjeneste', 'degraded', ('alternative',)), ('dip', 'degraded', ('impaired',)), \
('saksbehandling', 'degraded', ('impaired',)), ('okonomimodulen', 'degraded', ('impaired',))]
>>> both = impact(G, ["print", "digipost"], min_confidence="inferred")
>>> [(i.id, i.state, i.distance) for i in both.impacted][:3]
[('brevtjeneste', 'down', 1), ('dip', 'down', 2), ('saksbehandling', 'down', 2)]
>>> both.by_id("dip").inferred, both.by_id("saksbehandling").inferred
(True, False)
>>> [(i.id, i.state) for i in impact(G, ["print", "digipost"]).possible]  # the default leaves them apart
[('dip', 'down'), ('okonomimodulen', 'degraded')]
>>> portal = impact(G, ["helseid"])
>>> p = portal.by_id("praksisinfo")
>>> p.state, p.down_for, p.degraded_by
('degraded', ('helseaktor',), ('scoped',))
>>> [(a.id, [(loss.id, loss.state) for loss in a.loses]) for a in portal.actors]
[('helseaktor', [('praksisinfo', 'down')])]
>>> "helfo" in {a.id for a in portal.actors}
False

A nightly file from a register that is down makes its reader late, not down:

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType, to_networkx
>>> nightly = to_networkx(Portfolio("d", (Node("lonn", "Lønn", NodeKind.SYSTEM),
...     Node("tid", "Timer", NodeKind.SYSTEM), Node("rapport", "Rapport", NodeKind.SYSTEM)),
...     (Edge("lonn", "tid", RelType.RECEIVES_FROM, "Timer hentes hver natt.", mode="batch"),
...      Edge("rapport", "lonn", RelType.RECEIVES_FROM, "Leser lønn."))))
>>> impact_states(nightly, ["tid"])
{'lonn': 'delayed', 'rapport': 'delayed', 'tid': 'down'}

How it is computed
------------------
The graph is read through an :class:`ImpactIndex`, built once per graph (the API builds it once per revision):
integer node ids, and for each ``min_confidence`` the in-edges of every node as numpy arrays, split into
*plain* edges (unscoped, outside any alternatives group: the common case) and the *special* nodes (actors,
and nodes with an alternatives group or a scoped edge). A failure is propagated in rounds: the plain rules
are applied to whole frontiers at once (a node that went down or degraded is one row of a vectorised
breadth-first sweep), and only the special nodes are evaluated one by one, from all their out-edges.
Distances are a second vectorised sweep over the edges that carry trouble. The answer keeps the states and
distances of every impacted node, and its counts are computed over arrays; explanation paths, reasons and
causes are built for the nodes that are read, so the first page of an answer touching 90,000 nodes costs
what that page needs.
The test oracle ``tests/graph/impact_reference.py`` computes the same answers the direct way.
"""

from __future__ import annotations

import itertools
import threading
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast, overload

import networkx as nx
import numpy as np
from numpy.typing import NDArray
from pydantic import Field, computed_field
from typing_extensions import TypedDict

from graph.durations import show as show_hours
from graph.edges import RANK, Hop, Path, confidence_rank, hop, node_data, require_nodes, successors
from graph.model import DEFAULT_CONFIDENCE, Confidence, Edge, NodeKind, Strength
from graph.shape import ConfidenceName, Shaped, StateName

__all__ = [
    "ActorImpact",
    "Fixpoint",
    "Impact",
    "ImpactIndex",
    "ImpactPage",
    "ImpactSummary",
    "ImpactedNode",
    "ImpactedNodes",
    "Loss",
    "State",
    "fixpoint",
    "impact",
    "impact_states",
    "state_rank",
]

T = TypeVar("T")
OK, DEGRADED, DOWN = 0, 1, 2
_NAMES = ("ok", "degraded", "down")
_ACTOR = NodeKind.ACTOR.value
_REPORTED = ("down", "degraded", "delayed")  # the states an impacted node can have
_STATED = RANK["stated"]
_SOFT = Strength.SOFT
_CURATED = RANK["curated"]
_INFERRED = RANK["inferred"]


class State:
    """State names, in order: ``OK < DELAYED < DEGRADED < DOWN`` by :func:`state_rank`. ``delayed``: the node
    works, but what reaches it through batch flows (a nightly file, a queue drained later) arrives late."""

    OK = "ok"
    DELAYED = "delayed"
    DEGRADED = "degraded"
    DOWN = "down"


_ORDER = (State.OK, State.DELAYED, State.DEGRADED, State.DOWN)


def state_rank(state: str) -> int:
    """0, 1, 2, 3 for ok, delayed, degraded, down.

    >>> sorted(["down", "ok", "delayed", "degraded"], key=state_rank)
    ['ok', 'delayed', 'degraded', 'down']
    """
    return _ORDER.index(state)


# --------------------------------------------------------------------------------------------- the index

# One out-edge as the evaluation reads it: target, confidence rank, hard, alt group, scope.
OutEdge = tuple[int, int, bool, str | None, tuple[str, ...]]
_NONE: NDArray[np.int32] = np.zeros(0, dtype=np.int32)
_HARD, _SPECIAL_EDGE = 4, 8  # bits of an edge's info beside its rank: hard; in an alt group or scoped


@dataclass(frozen=True, slots=True)
class _Adjacency:
    """Sources per target, compressed (CSR): the sources of ``v`` are ``src[ptr[v]:ptr[v + 1]]``, each once,
    with ``flag`` of the pair (set when any of its edges is flagged). Offsets are 32-bit while they fit
    (gathering with them is about three times as fast as with 64 bits)."""

    ptr: NDArray[Any]
    src: NDArray[np.int32]
    flag: NDArray[np.bool_]

    @classmethod
    def of(
        cls,
        n: int,
        sources: NDArray[np.int32],
        targets: NDArray[np.int32],
        flag: NDArray[np.bool_] | None = None,
    ) -> _Adjacency:
        keys = targets.astype(np.int64) * n + sources
        pairs = np.sort(keys)  # by target, then source; each pair once (np.unique hashes first: 5x slower)
        if pairs.size:
            first = np.empty(pairs.size, dtype=np.bool_)
            first[0] = True
            np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
            pairs = pairs[first]
        flagged = np.zeros(pairs.size, dtype=np.bool_)
        if flag is not None:
            flagged[np.searchsorted(pairs, keys[flag])] = True
        ptr = np.zeros(n + 1, dtype=np.int32 if pairs.size < 2**31 else np.int64)
        np.cumsum(np.bincount(pairs // n, minlength=n), out=ptr[1:])
        return cls(ptr, (pairs % n).astype(np.int32), flagged)

    def at(self, targets: NDArray[np.int32]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Where the sources of every node in ``targets`` are in ``src``, concatenated, and how many each has."""
        starts = self.ptr[targets]
        counts = self.ptr[targets + 1] - starts
        total = int(counts.sum())
        # Position k of the result is starts[j] + (k - first k of j).
        found = np.repeat(starts - (np.cumsum(counts, dtype=self.ptr.dtype) - counts), counts)
        found += np.arange(total, dtype=self.ptr.dtype)
        return found, counts

    def sources(self, targets: NDArray[np.int32]) -> NDArray[np.int32]:
        """The sources of every node in ``targets``, concatenated (with repeats)."""
        found: NDArray[np.int32] = self.src[self.at(targets)[0]]
        return found


@dataclass(frozen=True, slots=True)
class _InEdges:
    """In-edges at one ``min_confidence`` rank, as the propagation reads them (index: the target).

    ``plain`` holds the sources of *plain edges* (unscoped, outside any alt group), whatever the source, and
    whether one is hard: such an edge alone puts its source down (hard, target down) or degraded at least
    (target in trouble), so these bounds are propagated as whole frontiers. ``special`` holds the special sources, which
    are evaluated from all their out-edges (``special_of``: the same, as ints, for the evaluation worklist).
    A target's sources of any edge are ``plain`` and ``special`` together.
    """

    plain: _Adjacency  # flagged: hard
    special: _Adjacency
    special_of: dict[int, tuple[int, ...]]


class ImpactIndex:
    """What :func:`impact` reads, precomputed once per graph: integer ids, kinds, and the edges split into
    the common case and the rest.

    A node is *special* when it is an actor (it sees per-actor states) or has an edge with an ``alt_group``
    or a ``scope``; every other node is *plain*: its state follows from its hard and soft edges alone. The
    index must not outlive changes to the graph: build a new one (the API does, per revision).

    >>> from graph.examples import letters
    >>> ix = ImpactIndex(letters())
    >>> ix.n, sorted(ix.ids[i] for i in ix.special_nodes())
    (11, ['brevtjeneste', 'helfo', 'helseaktor', 'praksisinfo'])
    """

    def __init__(self, G: nx.MultiDiGraph, *, live: bool = False, nodes: ImpactIndex | None = None) -> None:
        self.graph = G
        self.live_only = live  # leave out batch edges (see live())
        if nodes is not None:  # the same graph's nodes, read already: shared
            self._share_nodes(nodes)
        else:
            self._read_nodes(G)
        self.special = bytearray(self.actor)
        self.out: dict[int, list[OutEdge]] = {}  # special nodes' out-edges
        self.uses: dict[int, tuple[tuple[int, int], ...]] = {}  # actors' targets and best ranks
        self.capabilities: dict[tuple[int, int], tuple[str, ...]] = {}  # what an actor uses a target for
        self.has_inferred = False
        self.has_batch = False
        self._live: ImpactIndex | None = None
        self._edges = self._read_edges(G, live)
        from_actor = np.frombuffer(self.actor, dtype=np.bool_)[self._edges[0]]
        self.actor_edges = tuple(column[from_actor] for column in self._edges)
        self._in: dict[int, _InEdges] = {}
        self._lock = threading.Lock()

    def _read_edges(
        self, G: nx.MultiDiGraph, live: bool
    ) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int8]]:
        """Every edge of ``G`` (without batch flows when ``live``) as three columns: source, target, and its
        confidence rank with the _HARD and _SPECIAL_EDGE bits. Notes the special nodes, keeps their
        out-edges and the actors' uses, and whether any edge is inferred or a batch flow. One loop over
        every edge: a million edges notice each function call in it."""
        src, dst, info = array("i"), array("i"), array("b")  # info: rank | _HARD | _SPECIAL_EDGE
        pos = self.pos
        for u, nbrs in successors(G).items():
            ui = pos[u]
            mine: list[OutEdge] = []
            for v, keyed in nbrs.items():
                vi = pos[v]
                for d in keyed.values():
                    if type(d) is Edge:  # as to_networkx builds the graph: its fields, read directly
                        rank = RANK[d.confidence._value_]
                        hard = d.strength is not _SOFT
                        group, scope, mode = d.alt_group, d.scope, d.mode
                    else:
                        rank = RANK.get(d.get("confidence") or "stated", _STATED)
                        hard = d.get("strength") != "soft"
                        group, scope, mode = d.get("alt_group"), d.get("scope"), d.get("mode")
                    if group is not None or scope:
                        self.special[ui] = 1
                    if rank == _INFERRED:
                        self.has_inferred = True
                    if mode == "batch":
                        if live:
                            continue
                        self.has_batch = True
                    mine.append((vi, rank, hard, group, tuple(scope or ())))
                    src.append(ui)
                    dst.append(vi)
                    info.append(
                        rank | (_HARD if hard else 0) | (_SPECIAL_EDGE if group is not None or scope else 0)
                    )
            if self.special[ui]:
                self.out[ui] = mine
            if self.actor[ui]:
                self._uses(ui, mine, nbrs)
        return (
            np.array(src, dtype=np.int32),
            np.array(dst, dtype=np.int32),
            np.array(info, dtype=np.int8),
        )

    def _read_nodes(self, G: nx.MultiDiGraph) -> None:
        """Integer positions, sort order, names and kinds of the nodes of ``G``."""
        nodes = node_data(G)
        ids = list(nodes)
        self.ids: list[str] = ids
        self.n = n = len(ids)
        self.pos: dict[str, int] = {node: i for i, node in enumerate(ids)}
        self.order = [0] * n  # position of each id in sorted order: ids compare as these ints
        for k, i in enumerate(sorted(range(n), key=ids.__getitem__)):
            self.order[i] = k
        self.order_array = np.array(self.order, dtype=np.int64)
        self.names: list[str] = []
        self.kinds: list[str] = []
        self.actor = bytearray(n)
        for i, node in enumerate(ids):
            attrs = nodes[node]
            self.names.append(str(attrs.get("name") or node))
            self.kinds.append(str(attrs.get("kind") or "system"))
            if attrs.get("kind") == _ACTOR:
                self.actor[i] = 1
        self.kind_names = sorted(set(self.kinds))  # the kinds, and each node's as a position in them
        kind_at = {k: c for c, k in enumerate(self.kind_names)}
        self.kind_codes = np.array([kind_at[k] for k in self.kinds], dtype=np.int64)
        self.actors = np.frombuffer(self.actor, dtype=np.bool_)
        # Whether any node carries a criticality class or an RTO (a risk summary is worth computing)
        self.has_risk = any(a.get("criticality") or a.get("rto_hours") is not None for a in nodes.values())

    def _share_nodes(self, other: ImpactIndex) -> None:
        """What :meth:`_read_nodes` would read, from an index of the same graph (never changed once read)."""
        self.ids, self.n, self.pos, self.order = other.ids, other.n, other.pos, other.order
        self.order_array, self.names, self.kinds, self.actor = (
            other.order_array,
            other.names,
            other.kinds,
            other.actor,
        )
        self.kind_names, self.kind_codes, self.actors = other.kind_names, other.kind_codes, other.actors
        self.has_risk = other.has_risk

    def _uses(self, a: int, edges: list[OutEdge], nbrs: Mapping[str, Mapping[Any, Any]]) -> None:
        """Actor ``a``'s targets with the highest rank of its edges to each, and what it uses them for."""
        best: dict[int, int] = {}
        for m, rank, _, _, _ in edges:
            best[m] = max(rank, best.get(m, 0))
        self.uses[a] = tuple(best.items())
        for v, keyed in nbrs.items():
            found = {c for d in keyed.values() if (c := d.get("capability"))}
            if found:
                self.capabilities[a, self.pos[v]] = tuple(sorted(found))

    def live(self) -> ImpactIndex:
        """The index of the same graph without its batch edges (same node positions), built on first use:
        a node in trouble here is in trouble whatever arrives late; one in trouble only with the batch edges
        is ``delayed``."""
        if self._live is None:
            with self._lock:
                if self._live is None:
                    self._live = ImpactIndex(self.graph, live=True, nodes=self)
        return self._live

    def special_nodes(self) -> list[int]:
        return [i for i in range(self.n) if self.special[i]]

    def in_edges(self, min_rank: int) -> _InEdges:
        """The in-edges at ``min_rank`` (built on first use, then kept)."""
        found = self._in.get(min_rank)
        if found is not None:
            return found
        with self._lock:
            if min_rank not in self._in:
                self._in[min_rank] = self._build_in(min_rank)
            return self._in[min_rank]

    def _build_in(self, min_rank: int) -> _InEdges:
        n = self.n
        src, dst, info = self._edges
        kept = (info & 3) >= min_rank
        plain = kept & ((info & _SPECIAL_EDGE) == 0)
        special = kept & np.frombuffer(self.special, dtype=np.bool_)[src]
        spec = _Adjacency.of(n, src[special], dst[special])
        ptr, sources = spec.ptr.tolist(), spec.src.tolist()
        special_of = {v: tuple(sources[ptr[v] : ptr[v + 1]]) for v in range(n) if ptr[v] != ptr[v + 1]}
        hard = (info[plain] & _HARD) != 0
        return _InEdges(_Adjacency.of(n, src[plain], dst[plain], hard), spec, special_of)

    def out_edges(self, i: int) -> list[OutEdge]:
        """Node ``i``'s out-edges (kept for special nodes, read from the graph for the others)."""
        kept = self.out.get(i)
        if kept is not None:
            return kept
        pos = self.pos
        return [
            (
                pos[v],
                RANK.get(d.get("confidence") or "stated", _STATED),
                d.get("strength") != "soft",
                d.get("alt_group"),
                tuple(d.get("scope") or ()),
            )
            for v, keyed in successors(self.graph)[self.ids[i]].items()
            for d in keyed.values()
            if not (self.live_only and d.get("mode") == "batch")
        ]


# --------------------------------------------------------------------------------------------- the fixpoint


def _view(level: bytearray, pa: Mapping[int, Mapping[str, int]], m: int, actor: str | None) -> int:
    """How ``m`` looks to ``actor`` (``None``: to a non-actor dependent)."""
    lm = level[m]
    if actor is None or lm == DOWN:
        return lm
    pam = pa.get(m)
    return max(lm, pam.get(actor, OK)) if pam else lm


def _combine(values: list[int]) -> tuple[int, str | None]:
    """An alt group's members as seen: ``(DOWN, None)`` fully lost, ``(DEGRADED, reason)`` partly, else OK."""
    if all(v == DOWN for v in values):
        return DOWN, None
    if any(v == DOWN for v in values):
        return DEGRADED, "alternative"
    if any(v == DEGRADED for v in values):
        return DEGRADED, "impaired"
    return OK, None


def _evaluate(
    edges: list[OutEdge],
    viewer: str | None,
    level: bytearray,
    pa: Mapping[int, Mapping[str, int]],
    min_rank: int,
    reasons: set[str],
) -> tuple[int, dict[str, int]]:
    """The state of a node from its out-edges (see the module docstring): its level, the per-actor levels
    above it, and (into ``reasons``) why."""
    out_level = OK
    per_actor: dict[str, int] = {}
    groups: dict[str, list[tuple[int, bool, tuple[str, ...]]]] = {}
    for m, rank, hard, group, scope in edges:
        if rank < min_rank:
            continue
        if group is not None:
            groups.setdefault(group, []).append((m, hard, scope))
            continue
        lm = level[m]
        pam = pa.get(m)
        if not lm and not pam:
            continue  # the common case: the target is fine
        if scope:
            _scoped_edge(scope, lm, pam, per_actor, reasons)
            continue
        v = lm if viewer is None or lm == DOWN or not pam else max(lm, pam.get(viewer, OK))
        if v == DOWN and hard:
            reasons.clear()
            return DOWN, {}  # the top: per-actor levels and reasons no longer matter
        if v:
            out_level = DEGRADED
            reasons.add("soft" if v == DOWN else "impaired")
    for members in groups.values():
        out_level = max(out_level, _alt_group(members, viewer, level, pa, per_actor, reasons))
    return out_level, {a: v for a, v in per_actor.items() if v > out_level}


def _raise_actor(per_actor: dict[str, int], actor: str, v: int) -> None:
    if v > per_actor.get(actor, OK):
        per_actor[actor] = v


def _scoped_edge(
    scope: tuple[str, ...],
    lm: int,
    pam: Mapping[str, int] | None,
    per_actor: dict[str, int],
    reasons: set[str],
) -> None:
    """A scoped edge outside any alt group, to a target at level ``lm`` (``pam``: its per-actor levels): lost
    or impaired for the actors in its scope only."""
    for actor in scope:
        v = lm if lm == DOWN or not pam else max(lm, pam.get(actor, OK))
        if v:
            _raise_actor(per_actor, actor, v)
            reasons.add("scoped")
            if v == DEGRADED:
                reasons.add("impaired")


def _alt_group(
    members: list[tuple[int, bool, tuple[str, ...]]],
    viewer: str | None,
    level: bytearray,
    pa: Mapping[int, Mapping[str, int]],
    per_actor: dict[str, int],
    reasons: set[str],
) -> int:
    """One alt group's ``(target, hard, scope)`` members: the level they give their source (all scoped:
    per actor in their scopes, into ``per_actor``, and ok for everyone else)."""
    if all(scope for _, _, scope in members):
        for actor in sorted({a for _, _, scope in members for a in scope}):
            state, reason = _combine(
                [_view(level, pa, m, actor) for m, _, scope in members if actor in scope]
            )
            if state:
                _raise_actor(per_actor, actor, state)
                reasons.add("scoped")
                if reason:
                    reasons.add(reason)
        return OK
    state, reason = _combine([_view(level, pa, m, viewer) for m, _, _ in members])
    if state == DOWN and not any(hard for _, hard, _ in members):
        state, reason = DEGRADED, "soft"
    if reason:
        reasons.add(reason)
    return state


@dataclass(slots=True)
class Fixpoint:
    """States at one rank: ``level`` of every node, per-actor levels above it, the nodes in trouble."""

    level: bytearray
    pa: dict[int, dict[str, int]]
    troubled: NDArray[np.int32]  # every node in trouble except the failed ones, ascending

    def in_trouble(self, i: int) -> bool:
        return bool(self.level[i]) or i in self.pa

    def levels(self) -> NDArray[np.uint8]:
        return np.frombuffer(self.level, dtype=np.uint8)

    def in_trouble_all(self) -> NDArray[np.bool_]:
        """Whether each node is in trouble (the failed ones included)."""
        found = self.levels() > 0
        found[list(self.pa)] = True
        return found


def fixpoint(ix: ImpactIndex, failed: Sequence[int], min_rank: int, *, reach: bool = False) -> Fixpoint:
    """The least fixpoint, in rounds. A round first settles the plain bounds for whole frontiers at once (a
    hard plain edge to a node down puts its source down, any plain edge to a node whose level is up degrades
    it: that is all a plain node's rule says, and a lower bound for a special one), then re-evaluates, one by
    one, the special nodes whose dependencies changed. Their rises start the next round. Every update is a
    join with what the rules give, so the order of the work does not matter for the answer.

    ``reach``: only *whether* each node is in trouble, with every level above ok counted as down. Which
    nodes are in trouble does not depend on down versus degraded anywhere in the rules (a lost or impaired
    edge, a fully or partly lost group, all count), so this answers that question exactly.
    """
    into = ix.in_edges(min_rank)
    level = bytearray(ix.n)
    levels = np.frombuffer(level, dtype=np.uint8)  # the same memory, read and written in bulk
    fixed = set(failed)
    seeds = np.array(sorted(fixed), dtype=np.int32)
    levels[seeds] = DOWN
    pa: dict[int, dict[str, int]] = {}
    special = _Special(ix, into, level, pa, fixed, min_rank, reach)
    risen = seeds  # nodes whose level rose: their plain bounds are to be applied
    while risen.size:
        risen = _raise_plain(into, levels, risen, reach)
        _drop_covered(pa, level)
        todo = into.special.sources(risen)
        risen = special.settle(_distinct(todo[levels[todo] != DOWN], ix.n).tolist())
    found = levels > 0
    found[list(pa)] = True
    found[list(fixed)] = False
    return Fixpoint(level, pa, np.flatnonzero(found).astype(np.int32))


def _drop_covered(pa: dict[int, dict[str, int]], level: bytearray) -> None:
    """Keep per-actor levels only where they are above the node's own level (a rise may cover them)."""
    for n in [n for n, levels_of in pa.items() if min(levels_of.values()) <= level[n]]:
        kept = {a: v for a, v in pa[n].items() if v > level[n]}
        if kept:
            pa[n] = kept
        else:
            del pa[n]


class _Special:
    """The special nodes' part of a :func:`fixpoint` round: a worklist of nodes evaluated one by one from
    all their out-edges, each change queueing the special nodes that depend on it."""

    def __init__(
        self,
        ix: ImpactIndex,
        into: _InEdges,
        level: bytearray,
        pa: dict[int, dict[str, int]],
        fixed: set[int],
        min_rank: int,
        reach: bool,
    ) -> None:
        self.ix, self.into, self.level, self.pa = ix, into, level, pa
        self.fixed, self.min_rank, self.reach = fixed, min_rank, reach
        self.pending = bytearray(ix.n)
        self.reasons: set[str] = set()

    def settle(self, todo: list[int]) -> NDArray[np.int32]:
        """Evaluate ``todo`` and what their changes reach until nothing changes; the nodes whose level rose."""
        level, pending, special_of = self.level, self.pending, self.into.special_of
        for n in todo:
            pending[n] = 1
        went_up: list[int] = []
        while todo:
            n = todo.pop()
            pending[n] = 0
            old_level = level[n]
            if old_level == DOWN or n in self.fixed or not self._update(n):
                continue
            if level[n] > old_level:
                went_up.append(n)
            for p in special_of.get(n, ()):
                if not pending[p] and level[p] != DOWN:
                    pending[p] = 1
                    todo.append(p)
        return np.array(went_up, dtype=np.int32)

    def _update(self, n: int) -> bool:
        """Join node ``n``'s state with what its out-edges give; whether it changed."""
        ix, level, pa = self.ix, self.level, self.pa
        viewer = ix.ids[n] if ix.actor[n] else None
        ev_level, ev_pa = _evaluate(ix.out[n], viewer, level, pa, self.min_rank, self.reasons)
        self.reasons.clear()
        if self.reach and ev_level:
            ev_level = DOWN
        old_level, old_pa = level[n], pa.get(n, {})
        new_level = max(old_level, ev_level)  # monotone already; the join guards the invariant
        merged = {a: max(v, old_pa.get(a, OK)) for a, v in ev_pa.items()}
        for a, v in old_pa.items():
            merged.setdefault(a, v)
        merged = {a: v for a, v in merged.items() if v > new_level}
        if new_level == old_level and merged == old_pa:
            return False
        level[n] = new_level
        if merged:
            pa[n] = merged
        else:
            pa.pop(n, None)
        return True


def _raise_plain(
    into: _InEdges, levels: NDArray[np.uint8], risen: NDArray[np.int32], reach: bool
) -> NDArray[np.int32]:
    """Apply the plain bounds from the nodes whose level just rose, and from everything they raise in turn;
    every node whose level rose (with repeats)."""
    plain, found = into.plain, [risen]
    while risen.size:
        at, counts = plain.at(risen)
        sources = plain.src[at]
        before = levels[sources]
        if reach:
            risen = _distinct(sources[before == OK], levels.size)
            levels[risen] = DOWN
        else:
            # A node that rose to down again is gathered again: its hard edges now say more.
            lost = np.repeat(levels[risen] == DOWN, counts) & plain.flag[at] & (before != DOWN)
            hit, lost = sources[before == OK], sources[lost]
            levels[hit] = DEGRADED
            levels[lost] = DOWN
            risen = _distinct(np.concatenate((hit, lost)), levels.size)
        found.append(risen)
    return np.concatenate(found)


def _distinct(nodes: NDArray[np.int32], n: int) -> NDArray[np.int32]:
    """``nodes`` without repeats, ascending (a mark per node: linear, where sorting is not)."""
    if nodes.size < 2:
        return nodes
    marked = np.zeros(n, dtype=np.bool_)
    marked[nodes] = True
    return np.flatnonzero(marked).astype(np.int32)


def _distances(ix: ImpactIndex, fp: Fixpoint, failed: Sequence[int], min_rank: int) -> list[int]:
    """Breadth-first distances from the failed nodes along edges that carry trouble (``-1``: not in trouble).
    An edge to a node whose level is up always does; one to a node in trouble for some actors only does when
    :func:`_contributes_any` says so."""
    into = ix.in_edges(min_rank)
    levels = fp.levels()
    dist = np.full(ix.n, -1, dtype=np.int32)
    open_ = fp.in_trouble_all()
    frontier = np.array(sorted(set(failed)), dtype=np.int32)
    dist[frontier] = 0
    open_[frontier] = False
    d = 0
    while frontier.size:
        d += 1
        up = frontier[levels[frontier] > 0]
        found = [into.plain.sources(up), into.special.sources(up)]
        for m in frontier[levels[frontier] == 0].tolist():  # in trouble for some actors only
            found.append(
                np.array(
                    [
                        p
                        for p in into.special_of.get(m, ())
                        if open_[p] and _contributes_any(ix, fp, p, m, min_rank)
                    ],
                    dtype=np.int32,
                )
            )
        reached = np.concatenate(found)
        frontier = _distinct(reached[open_[reached]], ix.n)
        dist[frontier] = d
        open_[frontier] = False
    return dist.tolist()


def _all_scoped(edges: list[OutEdge], group: str, min_rank: int) -> bool:
    """Whether every edge of one source's alt ``group`` (at ``min_rank``) is scoped."""
    return all(bool(scope) for _, rank, _, g, scope in edges if g == group and rank >= min_rank)


def _contributes(
    ix: ImpactIndex, fp: Fixpoint, p: int, m: int, group: str | None, scope: tuple[str, ...], min_rank: int
) -> bool:
    """Whether an edge ``p -> m`` carries trouble to ``p``: its target is in trouble for ``p`` itself (an actor
    sees its own losses), or, for a scoped edge (or a member of an all-scoped alt group), for one of the
    actors in its scope. A target whose own level is up carries trouble over every edge."""
    if fp.level[m]:
        return True
    if scope and group is not None and not _all_scoped(ix.out_edges(p), group, min_rank):
        scope = ()
    if scope:
        return any(_view(fp.level, fp.pa, m, a) for a in scope)
    return _view(fp.level, fp.pa, m, ix.ids[p] if ix.actor[p] else None) > 0


def _contributes_any(ix: ImpactIndex, fp: Fixpoint, p: int, m: int, min_rank: int) -> bool:
    """Whether any of ``p``'s edges to ``m`` (at ``min_rank``) carries trouble."""
    return any(
        _contributes(ix, fp, p, m, group, scope, min_rank)
        for target, rank, _, group, scope in ix.out_edges(p)
        if target == m and rank >= min_rank
    )


# --------------------------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True)
class ImpactedNode(Shaped):
    """One node in trouble because of the failure, with its explanation.

    As JSON, the explanation ``path`` is spread out: ``path`` (node ids: this node first, a failed node last),
    ``edge_types``, ``evidence`` and ``hops``."""

    id: str
    name: str
    kind: str
    state: StateName
    distance: Annotated[int, Field(description="Hops from the nearest failed node.")]
    causes: tuple[str, ...]
    # the shortest explanation, best-evidenced hop first among equals (written out as the fields below)
    path: Annotated[Path, Field(exclude=True)]
    inferred: Annotated[bool, Field(description="Impacted only thanks to inferred edges.")]
    degraded_by: tuple[str, ...] = ()
    down_for: tuple[str, ...] = ()
    degraded_for: tuple[str, ...] = ()
    curated_path: Annotated[
        Path | None,
        Field(description="When `path` rests on an inferred edge but the node is impacted without one too."),
    ] = None

    @computed_field(  # type: ignore[prop-decorator]
        alias="path", description="The explanation: this node first, a failed node last."
    )
    @property
    def path_ids(self) -> list[str]:
        return list(self.path.nodes)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def edge_types(self) -> list[str]:
        return [h.type for h in self.path.hops]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def evidence(self) -> list[str]:
        return [h.evidence for h in self.path.hops]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hops(self) -> tuple[Hop, ...]:
        return self.path.hops

    @computed_field(  # type: ignore[prop-decorator]
        description="The documents the explanation's evidence comes from, in path order; more than one: the "
        "explanation crosses from one source's portfolio to another's."
    )
    @property
    def documents(self) -> tuple[str, ...]:
        """The documents the explanation's evidence comes from, in path order: more than one, and the
        explanation crosses from one organisation's portfolio to another's."""
        return tuple(dict.fromkeys(h.document for h in self.path.hops if h.document))


@dataclass(frozen=True, slots=True)
class Loss(Shaped):
    """A system an actor uses that is in trouble for it (``state``: ``down`` — it cannot use it —,
    ``degraded`` or ``delayed``), and what the actor uses it for (``capabilities``: the purpose phrases the
    document gives, e.g. "se og vedlikeholde praksisinformasjon"; empty when it names none)."""

    id: str
    name: str
    state: Annotated[
        StateName, Field(description="down: the actor cannot use it; degraded: with less; delayed: late.")
    ]
    capabilities: Annotated[
        tuple[str, ...],
        Field(
            description='What the document says the actor uses it for ("se og vedlikeholde praksisinformasjon").'
        ),
    ] = ()


@dataclass(frozen=True, slots=True)
class ActorImpact(Shaped):
    """Who notices: an affected actor and what it loses. An organisation or a group of people has no state of
    its own — it does not "go down" —; it loses the use of systems, and with them capabilities."""

    id: str
    name: str
    loses: tuple[Loss, ...]


class _Explainer:
    """One rank's fixpoint with what explains it, worked out for the nodes that are read: distances (all,
    up front), explanation parents (fewest inferred hops, then best evidence, then ids), paths and causes."""

    def __init__(self, ix: ImpactIndex, failed: tuple[int, ...], fp: Fixpoint, min_rank: int) -> None:
        self.ix, self.failed, self.fp, self.min_rank = ix, failed, fp, min_rank
        self.dist = dist = _distances(ix, fp, failed, min_rank)
        # Actors lose things (``Impact.actors``); they are not impacted nodes.
        self.impacted = impacted = fp.troubled[~ix.actors[fp.troubled]]
        self.distances = np.array(dist, dtype=np.int32)[impacted]
        if self.distances.size and self.distances.min() < 1:
            raise AssertionError("impact: a node in trouble has no distance")  # pragma: no cover
        self.sizes: list[int] = np.bincount(
            self.distances, minlength=1
        ).tolist()  # impacted nodes per distance
        self.before: list[int] = [
            0,
            *itertools.accumulate(self.sizes),
        ]  # impacted nodes nearer than each distance
        self.inferred_hops: dict[int, int] = dict.fromkeys(failed, 0)
        self.parent: dict[int, tuple[int, str]] = {}
        self._causes: dict[int, int] | None = None
        self._lock = threading.Lock()

    def _candidates(self, p: int) -> list[tuple[int, int, str]]:
        """``(m, rank, key)`` of every contributing edge from ``p`` one hop closer to the failure."""
        ix, fp, min_rank = self.ix, self.fp, self.min_rank
        want = self.dist[p] - 1
        pos, dist = ix.pos, self.dist
        out = []
        for v, keyed in successors(ix.graph)[ix.ids[p]].items():
            m = pos[v]
            if dist[m] != want:
                continue
            for key, d in keyed.items():
                rank = RANK.get(d.get("confidence") or "stated", _STATED)
                if rank < min_rank:
                    continue
                if fp.level[m] or _contributes(
                    ix, fp, p, m, d.get("alt_group"), tuple(d.get("scope") or ()), min_rank
                ):
                    out.append((m, rank, key))
        return out

    def _settle(self, nodes: Iterable[int]) -> None:
        """Explanation parents of ``nodes`` and of everything their choice depends on (nearest first)."""
        ih = self.inferred_hops
        cone: dict[int, list[tuple[int, int, str]]] = {}
        stack = [n for n in nodes if n not in ih]
        while stack:
            n = stack.pop()
            if n in ih or n in cone:
                continue
            cone[n] = found = self._candidates(n)
            stack.extend(m for m, _, _ in found if m not in ih and m not in cone)
        ids = self.ix.ids
        for n in sorted(cone, key=self.dist.__getitem__):
            m, rank, key = min(
                cone[n], key=lambda c: (ih[c[0]] + (c[1] == _INFERRED), -c[1], ids[c[0]], c[2])
            )
            ih[n] = ih[m] + (rank == _INFERRED)
            self.parent[n] = (m, key)

    def paths(self, nodes: Iterable[int], hop_rank: int) -> dict[int, Path]:
        """Explanation paths of ``nodes`` (to a failed node along the parents), sharing common tails."""
        nodes = list(nodes)
        with self._lock:
            self._settle(nodes)
        ix = self.ix
        G, ids = ix.graph, ix.ids
        done: dict[int, Path] = {f: Path((ids[f],), ()) for f in self.failed}
        for start in nodes:
            chain = []
            n = start
            while n not in done:
                chain.append(n)
                n = self.parent[n][0]
            for n in reversed(chain):
                m, key = self.parent[n]
                tail = done[m]
                here = hop(G, ids[n], ids[m], key, min_rank=hop_rank)
                done[n] = Path((ids[n], *tail.nodes), (here, *tail.hops))
        return done

    def causes(self, n: int) -> int:
        """The failed nodes ``n`` traces back to along contributing edges, as a bitset over ``failed``."""
        if len(self.failed) == 1:
            return 1
        with self._lock:
            if self._causes is None:
                self._causes = self._all_causes()
        return self._causes.get(n, 0)

    def layer(self, d: int) -> list[int]:
        """The impacted nodes ``d`` away, by id."""
        found = self.impacted[self.distances == d]
        by_id: list[int] = found[np.argsort(self.ix.order_array[found])].tolist()
        return by_id

    def _all_causes(self) -> dict[int, int]:
        ix, fp, min_rank = self.ix, self.fp, self.min_rank
        into = ix.in_edges(min_rank)
        plain = into.plain
        bits = {f: 1 << i for i, f in enumerate(self.failed)}
        fixed = set(self.failed)
        work = deque(self.failed)
        while work:
            m = work.popleft()
            have = bits[m]
            if fp.level[m]:
                sources: Iterable[int] = [
                    *plain.src[plain.ptr[m] : plain.ptr[m + 1]].tolist(),
                    *into.special_of.get(m, ()),
                ]
            else:
                sources = [p for p in into.special_of.get(m, ()) if _contributes_any(ix, fp, p, m, min_rank)]
            for p in sources:
                if p in fixed:
                    continue
                old = bits.get(p, 0)
                if old | have != old:
                    bits[p] = old | have
                    work.append(p)
        return bits


class _Answer:
    """Everything one impact question needs to build any of its impacted nodes on demand."""

    def __init__(self, ix: ImpactIndex, failed: tuple[str, ...], min_rank: int) -> None:
        self.ix, self.failed, self.min_rank = ix, failed, min_rank
        self.failed_ix = tuple(ix.pos[f] for f in failed)
        self.fp = fixpoint(ix, self.failed_ix, min_rank)
        self.main = _Explainer(ix, self.failed_ix, self.fp, min_rank)
        self.total = len(self.main.impacted)
        # Without batch flows: who is in trouble whatever arrives late (the others are only delayed).
        self.live = fixpoint(ix.live(), self.failed_ix, min_rank) if ix.has_batch else None
        # Ordered by distance, then id: the layers, each sorted by the ids' order when first read.
        self._ordered: list[int] = []
        self._sorted_layers = 0
        # Who would still be impacted without inferred edges (only asked when there are some).
        self.strict: Fixpoint | None = None
        if min_rank < _CURATED:
            self.strict = fixpoint(ix, self.failed_ix, _CURATED, reach=True) if ix.has_inferred else self.fp
        self._strict_explainer: _Explainer | None = None
        self._losses: dict[str, dict[int, int]] = {}
        self._loss_shared: dict[tuple[int, int], Loss] = {}
        self._lock = threading.Lock()

    def ordered(self, upto: int | None = None) -> list[int]:
        """The impacted nodes in order, at least the first ``upto`` of them (all: ``None``)."""
        want = self.total if upto is None else min(upto, self.total)
        with self._lock:
            while len(self._ordered) < want:
                self._sorted_layers += 1
                self._ordered.extend(self.main.layer(self._sorted_layers))
        return self._ordered

    def state(self, i: int) -> int:
        """The level behind the reported state: down, degraded (also when only some actors lose it), ok —
        from the run without batch flows when there are any (``-1``: delayed, in trouble only through them)."""
        fp = self.fp if self.live is None else self.live
        if fp is self.live and not fp.in_trouble(i):
            return -1
        lv = fp.level[i]
        return lv if lv or i not in fp.pa else DEGRADED

    def states(self, nodes: NDArray[np.int32]) -> NDArray[np.int8]:
        """:meth:`state` of each of ``nodes`` (nodes in trouble), at once."""
        fp = self.settled
        levels = fp.levels()[nodes].astype(np.int8)
        if self.live is None:
            return np.where(levels > 0, levels, np.int8(DEGRADED))  # level ok: in trouble for some actors
        troubled = fp.in_trouble_all()[nodes]
        return np.where(troubled, np.where(levels > 0, levels, np.int8(DEGRADED)), np.int8(-1))

    def state_name(self, i: int) -> str:
        lv = self.state(i)
        return State.DELAYED if lv < 0 else _NAMES[lv]

    @property
    def settled(self) -> Fixpoint:
        """The run states, reasons and per-actor levels are read from."""
        return self.fp if self.live is None else self.live

    def inferred(self, i: int) -> bool:
        return self.strict is not None and not self.strict.in_trouble(i)

    def build(self, positions: Sequence[int]) -> list[ImpactedNode]:
        """The impacted nodes at ``positions`` of the ordered answer, with their explanations."""
        ix, ids = self.ix, self.ix.ids
        ordered = self.ordered(max(positions, default=-1) + 1)
        nodes = [ordered[k] for k in positions]
        main_paths = self.main.paths(nodes, self.min_rank)
        curated: dict[int, Path] = {}
        if self.strict is not None:
            wanted = [n for n in nodes if self.strict.in_trouble(n) and main_paths[n].inferred]
            if wanted:
                found = self._strict().paths(wanted, self.min_rank)
                curated = {n: found[n] for n in wanted}
        out = []
        settled = self.settled
        for n in nodes:
            state = self.state(n)
            actor_levels = settled.pa.get(n, {}) if state >= 0 else {}
            reasons: set[str] = set()
            if state == DEGRADED:
                viewer = ids[n] if ix.actor[n] else None
                edges = ix.out_edges(n) if self.live is None else ix.live().out_edges(n)
                _evaluate(edges, viewer, settled.level, settled.pa, self.min_rank, reasons)
            bits = self.main.causes(n)
            out.append(
                ImpactedNode(
                    id=ids[n],
                    name=ix.names[n],
                    kind=ix.kinds[n],
                    state=self.state_name(n),
                    distance=self.main.dist[n],
                    causes=tuple(f for i, f in enumerate(self.failed) if bits >> i & 1),
                    path=main_paths[n],
                    curated_path=curated.get(n),
                    inferred=self.inferred(n),
                    degraded_by=tuple(sorted(reasons)) if state == DEGRADED else (),
                    down_for=tuple(sorted(a for a, v in actor_levels.items() if v == DOWN)),
                    degraded_for=tuple(sorted(a for a, v in actor_levels.items() if v == DEGRADED)),
                )
            )
        return out

    def _strict(self) -> _Explainer:
        with self._lock:
            if self._strict_explainer is None:
                assert self.strict is not None
                self._strict_explainer = _Explainer(self.ix, self.failed_ix, self.strict, _CURATED)
            return self._strict_explainer

    def impacted_states(self) -> Iterator[tuple[str, str]]:
        """``(id, state)`` of every impacted node (not actors, not the failed ones), in no particular order."""
        ids, nodes = self.ix.ids, self.main.impacted
        for i, k in zip(nodes.tolist(), _reported(self.states(nodes)).tolist(), strict=True):
            yield ids[i], _REPORTED[k]

    def affected_actors(self) -> list[str]:
        """Every actor that loses something (a system it uses in trouble for it, or a node down or degraded
        for it through scoped access), sorted."""
        ix, fp = self.ix, self.fp
        losses: dict[str, dict[int, int]] = {}
        for n, levels in fp.pa.items():
            for actor, v in levels.items():
                losses.setdefault(actor, {})[n] = max(v, fp.level[n])
        ids = ix.ids
        for n in fp.troubled[ix.actors[fp.troubled]].tolist():
            losses.setdefault(ids[n], {})
        for f in self.failed:
            losses.pop(f, None)
        self._losses = losses
        # An actor with an edge to a node whose level is up loses that node: no need to look further.
        src, dst, info = ix.actor_edges
        sure = np.zeros(ix.n, dtype=np.bool_)
        sure[src[((info & 3) >= self.min_rank) & (fp.levels()[dst] > 0)]] = True
        pos = ix.pos
        return sorted(a for a, lost in losses.items() if lost or (a in pos and sure[pos[a]]) or self._lost(a))

    def _lost(self, actor: str) -> dict[int, int]:
        """What ``actor`` loses, as levels: its direct dependencies in trouble for it, and nodes down or
        degraded for it through scoped access."""
        ix, fp, min_rank = self.ix, self.fp, self.min_rank
        level, pa = fp.level, fp.pa
        lost = dict(self._losses.get(actor, {}))
        a = ix.pos.get(actor)
        if a is not None and ix.actor[a]:
            for m, rank in ix.uses[a]:
                if rank >= min_rank:
                    seen = _view(level, pa, m, actor)
                    if seen:
                        lost[m] = max(seen, lost.get(m, OK))
        elif a is not None:  # pragma: no cover - scopes name actors, but a scope may name any node
            for m, rank, _, _, _ in ix.out_edges(a):
                if rank >= min_rank:
                    seen = _view(level, pa, m, actor)
                    if seen:
                        lost[m] = max(seen, lost.get(m, OK))
        return lost

    def actor(self, actor: str) -> ActorImpact:
        """An affected actor and what it loses, worst first, each with what the actor uses it for."""
        ix = self.ix
        lost = self._lost(actor)
        live = self.live
        order = ix.order

        def state(m: int, v: int) -> int:  # a position in ``_ORDER``
            if live is None:
                return v + 1
            seen = _view(live.level, live.pa, m, actor)
            return seen + 1 if seen else 1

        a = ix.pos.get(actor)
        shared = self._loss_shared  # the same loss for every actor that uses it for nothing in particular
        loses = []
        for key, _, m in sorted((-state(m, v), order[m], m) for m, v in lost.items()):
            if a is not None and ix.actor[a]:
                capabilities = ix.capabilities.get((a, m), ())
            else:
                capabilities = _capabilities(ix.graph, actor, ix.ids[m])
            loss = shared.get((m, key)) if not capabilities else None
            if loss is None:
                loss = Loss(ix.ids[m], ix.names[m], _ORDER[-key], capabilities)
                if not capabilities:
                    shared[m, key] = loss
            loses.append(loss)
        return ActorImpact(actor, ix.names[a] if a is not None else actor, tuple(loses))


def _capabilities(G: nx.MultiDiGraph, actor: str, node: str) -> tuple[str, ...]:
    """What ``actor`` uses ``node`` for, as the document says it (the ``capability`` of its edges)."""
    succ = successors(G)
    if actor not in succ or node not in succ[actor]:
        return ()
    found = (d.get("capability") for d in succ[actor][node].values())
    return tuple(sorted({c for c in found if c}))


class _Lazy(Sequence[T]):
    """A sequence whose items are built when first read, a batch at a time."""

    def __init__(self, size: int, build: Callable[[Sequence[int]], list[T]]) -> None:
        self._size = size
        self._build = build
        self._built: dict[int, T] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._items(range(self._size)[index]))
        return self._items([range(self._size)[index]])[0]

    def __iter__(self) -> Iterator[T]:
        step = 1000
        for start in range(0, self._size, step):
            yield from self._items(range(start, min(start + step, self._size)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{self._size} {type(self).__name__}>"

    def _items(self, positions: Sequence[int]) -> list[T]:
        with self._lock:
            missing = [k for k in positions if k not in self._built]
            if missing:
                for k, item in zip(missing, self._build(missing), strict=True):
                    self._built[k] = item
            return [self._built[k] for k in positions]


class ImpactedNodes(_Lazy[ImpactedNode]):
    """The impacted nodes of one answer, ordered by distance then id; each is built, with its explanation,
    when it is first read (a page of a large answer costs what the page needs)."""

    def __init__(self, answer: _Answer) -> None:
        super().__init__(answer.total, answer.build)
        self._answer = answer

    def ids(self) -> list[str]:
        ids = self._answer.ix.ids
        return [ids[i] for i in self._answer.ordered()]

    def states(self) -> dict[str, str]:
        answer = self._answer
        ids = answer.ix.ids
        return {ids[i]: answer.state_name(i) for i in answer.ordered()}

    def position(self, node_id: str) -> int:
        """Where ``node_id`` is in the order (``KeyError`` if it is not impacted)."""
        answer = self._answer
        i = answer.ix.pos.get(node_id)
        if i is None or not answer.fp.in_trouble(i) or i in answer.failed_ix or answer.ix.actor[i]:
            raise KeyError(node_id)
        d, order = answer.main.dist[i], answer.ix.order
        lo, hi = answer.main.before[d], answer.main.before[d + 1]
        ordered = answer.ordered(hi)
        key = order[i]
        while lo < hi:  # binary search on the id order within the node's layer
            mid = (lo + hi) // 2
            if order[ordered[mid]] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def counts(self) -> tuple[Counter[str], dict[str, dict[str, int]], int]:
        """``(by_state, by_kind, inferred)`` without building any node."""
        answer = self._answer
        ix, nodes = answer.ix, answer.main.impacted
        reported = _reported(answer.states(nodes))
        pairs = np.bincount(ix.kind_codes[nodes] * 3 + reported, minlength=3 * len(ix.kind_names))
        by_kind = {
            kind: dict(zip(_REPORTED, row, strict=True))
            for kind, row in zip(ix.kind_names, pairs.reshape(-1, 3).tolist(), strict=True)
            if any(row)
        }
        by_state = Counter(
            {s: n for s, n in zip(_REPORTED, pairs.reshape(-1, 3).sum(axis=0).tolist(), strict=True) if n}
        )
        inferred = 0
        strict = answer.strict
        if strict is not None and strict is not answer.fp:
            inferred = int(nodes.size - np.count_nonzero(strict.in_trouble_all()[nodes]))
        return by_state, by_kind, inferred


class ByState(TypedDict):
    down: int
    degraded: int
    delayed: int


class ShortestRto(TypedDict):
    id: str
    name: str
    hours: float


class RiskSummary(TypedDict):
    """What :func:`risk_summary` returns."""

    by_criticality: Annotated[
        dict[str, ByState], Field(description="Impacted systems per criticality class.")
    ]
    shortest_rto: Annotated[
        ShortestRto | None,
        Field(description="The shortest recovery time objective among the down or degraded systems."),
    ]
    text: Annotated[str | None, Field(description="“3 class-A systems degraded; shortest RTO 4 h (Kassa)”.")]


class ImpactSummary(TypedDict):
    """What :meth:`Impact.summary` returns: counts over the whole answer."""

    failed: int
    impacted: int
    by_state: ByState
    by_kind: dict[str, ByState]
    inferred: int
    possible: Annotated[
        int, Field(description="Nodes only inferred edges would put in trouble (listed in `possible`).")
    ]
    actors: int
    risk: Annotated[
        RiskSummary | None,
        Field(description="Impacted systems per criticality class and the shortest RTO (when any is set)."),
    ]


def _reported(states: NDArray[np.int8]) -> NDArray[np.int64]:
    """:meth:`_Answer.states` as positions in ``_REPORTED``."""
    return np.where(states == DOWN, 0, np.where(states == DEGRADED, 1, 2)).astype(np.int64)


def risk_summary(G: nx.MultiDiGraph, states: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """What a risk assessment reads first: impacted systems per criticality class, and the shortest recovery
    time objective among those down or degraded (``None`` when no impacted system has one).

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", name="Kassa", criticality="A", rto_hours=4.0)
    >>> G.add_node("b", name="Brev", criticality="A", rto_hours=1.0)
    >>> G.add_node("c", name="Rapport", criticality=None, rto_hours=None)
    >>> r = risk_summary(G, [("a", "degraded"), ("b", "delayed"), ("c", "down")])
    >>> r["by_criticality"], r["shortest_rto"]
    ({'A': {'down': 0, 'degraded': 1, 'delayed': 1}}, {'id': 'a', 'name': 'Kassa', 'hours': 4.0})
    >>> r["text"]
    '1 class-A system degraded, 1 delayed; shortest RTO 4 h (Kassa)'
    """
    by_class: dict[str, dict[str, int]] = {}
    shortest: tuple[float, str] | None = None
    nodes = G.nodes
    for node_id, state in states:
        data = nodes[node_id]
        cls = data.get("criticality")
        if cls:
            by_class.setdefault(str(cls), dict.fromkeys(_REPORTED, 0))[state] += 1
        rto = data.get("rto_hours")
        if (
            rto is not None
            and state in (State.DOWN, State.DEGRADED)
            and (shortest is None or (rto, node_id) < shortest)
        ):
            shortest = (float(rto), node_id)
    parts = []
    for cls in sorted(by_class):
        counts = [(n, s) for s, n in by_class[cls].items() if n]
        total = counts[0][0]
        noun = "system" if total == 1 else "systems"
        parts.append(
            ", ".join([f"{total} class-{cls} {noun} {counts[0][1]}", *(f"{n} {s}" for n, s in counts[1:])])
        )
    rto_out = None
    if shortest is not None:
        rto_out = {
            "id": shortest[1],
            "name": nodes[shortest[1]].get("name", shortest[1]),
            "hours": shortest[0],
        }
        parts.append(f"shortest RTO {show_hours(shortest[0])} ({rto_out['name']})")
    return {
        "by_criticality": {c: by_class[c] for c in sorted(by_class)},
        "shortest_rto": rto_out,
        "text": "; ".join(parts) or None,
    }


@dataclass(frozen=True, slots=True)
class Impact:
    """The impact of ``down`` failing together; ``impacted`` is ordered by distance, then id."""

    down: tuple[str, ...]
    min_confidence: str
    impacted: Sequence[ImpactedNode]
    actors: Sequence[ActorImpact]
    possible: Sequence[ImpactedNode] = ()  # impacted only through inferred edges, left out of ``impacted``
    risk: dict[str, Any] | None = None  # :func:`risk_summary` of the impacted nodes

    def by_id(self, node_id: str) -> ImpactedNode:
        """The impacted entry for ``node_id`` (``KeyError`` if it is not impacted)."""
        if isinstance(self.impacted, ImpactedNodes):
            return self.impacted[self.impacted.position(node_id)]
        for item in self.impacted:
            if item.id == node_id:
                return item
        raise KeyError(node_id)

    def states(self) -> dict[str, str]:
        """``{id: state}`` for the failed and the impacted nodes."""
        out = dict.fromkeys(self.down, State.DOWN)
        if isinstance(self.impacted, ImpactedNodes):
            out.update(self.impacted.states())
        else:
            out.update((i.id, i.state) for i in self.impacted)
        return out

    @property
    def blast_radius(self) -> int:
        """How many nodes besides the failed ones are down, degraded or delayed (actors are not counted:
        they lose things, they are not impacted)."""
        return len(self.impacted)

    def summary(self) -> dict[str, Any]:
        if isinstance(self.impacted, ImpactedNodes):
            by_state, by_kind, inferred = self.impacted.counts()
        else:
            by_state = Counter(i.state for i in self.impacted)
            by_kind = {}
            for i in self.impacted:
                counts = by_kind.setdefault(i.kind, dict.fromkeys(_REPORTED, 0))
                counts[i.state] += 1
            inferred = sum(i.inferred for i in self.impacted)
        return {
            "failed": len(self.down),
            "impacted": len(self.impacted),
            "by_state": {s: by_state.get(s, 0) for s in _REPORTED},
            "by_kind": {k: by_kind[k] for k in sorted(by_kind)},
            "inferred": inferred,
            "possible": len(self.possible),
            "actors": len(self.actors),
            "risk": self.risk,
        }

    def page(self, *, offset: int = 0, limit: int | None = None) -> ImpactPage:
        """The answer as it is written out; ``offset`` and ``limit`` page the impacted nodes and cap the actors
        (``summary`` always counts them all, ``total`` is the number of impacted nodes)."""
        end = None if limit is None else offset + limit
        return ImpactPage(
            down=self.down,
            min_confidence=self.min_confidence,
            total=len(self.impacted),
            offset=offset,
            limit=limit,
            impacted=tuple(self.impacted[offset:end]),
            summary=cast(ImpactSummary, self.summary()),
            actors=tuple(self.actors if limit is None else self.actors[:limit]),
            possible=tuple(self.possible if limit is None else self.possible[:limit]),
        )

    def to_dict(self, *, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
        """:meth:`page` as JSON data."""
        return self.page(offset=offset, limit=limit).to_dict()


@dataclass(frozen=True, slots=True)
class ImpactPage(Shaped):
    """One page of an :class:`Impact`: what ``eagraph impact --json`` prints (and ``/impact``, with the
    revision)."""

    down: tuple[str, ...]
    min_confidence: ConfidenceName
    total: Annotated[
        int, Field(description="How many nodes are impacted; `impacted` is the page from `offset`.")
    ]
    offset: Annotated[
        int, Field(description="The position of the first entry of `impacted` in the whole answer.")
    ]
    limit: Annotated[
        int | None,
        Field(description="At most this many entries in `impacted` (and in `actors`); null: all of them."),
    ]
    impacted: Annotated[tuple[ImpactedNode, ...], Field(description="Ordered by distance, then id.")]
    summary: Annotated[ImpactSummary, Field(description="Counts over the whole answer, not only the page.")]
    actors: Annotated[
        tuple[ActorImpact, ...], Field(description="Who loses what; actors are never impacted nodes.")
    ]
    possible: Annotated[
        tuple[ImpactedNode, ...],
        Field(
            description="At the default confidence: nodes only inferred edges (a rule's guesses) would put in "
            "trouble, explained; not counted in `summary.by_state` until an architect signs the edges off."
        ),
    ]


def impact(
    G: nx.MultiDiGraph,
    down: Iterable[str],
    *,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
    index: ImpactIndex | None = None,
) -> Impact:
    """What breaks when every node in ``down`` fails at once.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph built by :func:`graph.model.to_networkx`.
    down : iterable of str
        Node ids of the failed nodes (resolve names with :class:`graph.names.Resolver` first).
    min_confidence : {"inferred", "curated", "stated"}
        Ignore edges less certain than this.
    index : ImpactIndex, optional
        ``ImpactIndex(G)``, built once and passed to every question about the same graph (without it,
        each call builds its own).

    Returns
    -------
    Impact
        The failed nodes, the impacted ones (ordered by distance, then id; explanations are built as items
        are read) and the actors who notice.

    Raises
    ------
    NodeNotFound
        An id in ``down`` is not a node of ``G``.

    Examples
    --------
    >>> from graph.examples import letters
    >>> hit = impact(letters(), ["brevtjeneste"])
    >>> [(i.id, i.state) for i in hit.impacted]  # dip's and okonomimodulen's edges are inferred
    [('saksbehandling', 'down')]
    >>> [(i.id, i.state) for i in hit.possible]
    [('dip', 'down'), ('okonomimodulen', 'degraded')]
    >>> hit.by_id("saksbehandling").to_dict()["path"], hit.by_id("saksbehandling").to_dict()["edge_types"]
    (['saksbehandling', 'brevtjeneste'], ['USES'])
    >>> [(a.id, [loss.id for loss in a.loses]) for a in hit.actors]
    [('helfo', ['saksbehandling'])]
    >>> hit.summary()["by_kind"]
    {'system': {'down': 1, 'degraded': 0, 'delayed': 0}}
    """
    failed = require_nodes(G, down)
    min_rank = confidence_rank(min_confidence)
    if index is None:
        index = ImpactIndex(G)
    elif index.graph is not G:
        raise ValueError("the index was built for another graph")
    answer = _Answer(index, failed, min_rank)
    actors = answer.affected_actors()
    return Impact(
        down=failed,
        min_confidence=Confidence(min_confidence).value,
        impacted=ImpactedNodes(answer),
        actors=_Lazy(len(actors), lambda positions: [answer.actor(actors[k]) for k in positions]),
        possible=_possible(index, failed, answer),
        risk=risk_summary(G, answer.impacted_states()) if index.has_risk else None,
    )


def _possible(ix: ImpactIndex, failed: tuple[str, ...], answer: _Answer) -> Sequence[ImpactedNode]:
    """The nodes only inferred edges put in trouble, as the inferred answer explains them (``inferred``)."""
    if answer.min_rank <= _INFERRED or not ix.has_inferred:
        return ()
    wide = _Answer(ix, failed, _INFERRED)
    ordered = wide.ordered()
    positions = [k for k, i in enumerate(ordered) if not answer.fp.in_trouble(i)]
    return _Lazy(len(positions), lambda picked: wide.build([positions[k] for k in picked]))


def impact_states(
    G: nx.MultiDiGraph,
    down: Iterable[str],
    *,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
    index: ImpactIndex | None = None,
) -> dict[str, str]:
    """Only the states of :func:`impact` (failed and impacted nodes, sorted by id), without explanations.

    >>> from graph.examples import letters
    >>> impact_states(letters(), ["helseid"])
    {'helseid': 'down', 'praksisinfo': 'degraded', 'tjenesteportal-for-helseaktor': 'down'}
    """
    failed = require_nodes(G, down)
    ix = index if index is not None else ImpactIndex(G)
    failed_ix = [ix.pos[f] for f in failed]
    min_rank = confidence_rank(min_confidence)
    fp = fixpoint(ix, failed_ix, min_rank)
    live = fixpoint(ix.live(), failed_ix, min_rank) if ix.has_batch else fp
    out = dict.fromkeys(failed, State.DOWN)
    for i in fp.troubled.tolist():
        if ix.actor[i]:
            continue
        lv = live.level[i]
        out[ix.ids[i]] = _NAMES[lv] if lv else State.DEGRADED if live.in_trouble(i) else State.DELAYED
    return dict(sorted(out.items()))
