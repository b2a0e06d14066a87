"""A test oracle: :func:`graph.impact.impact` written as directly as the semantics are stated.

A worklist fixpoint that re-evaluates a node from all its out-edges whenever a dependency changes, then a
breadth-first explanation over the whole answer, then a second fixpoint without inferred edges, one without
batch edges (what is only delayed), and, at the default confidence, the inferred answer (what is possible).
Actors are left out of the impacted nodes and listed with what they lose. It is exact
and simple, and slow on large graphs (every impacted node is evaluated several times, every explanation is
built). :mod:`graph.impact` answers the same questions with precomputed adjacency; the differential tests
(``tests/graph/test_impact_fast.py``) hold the two to the same answers on random graphs and the seed.

>>> from graph.examples import letters
>>> from graph.impact import impact
>>> reference_impact(letters(), ["print", "digipost"]) == impact(letters(), ["print", "digipost"])
True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.edges import RANK, Path, confidence_rank, edge_rank, hop, node_label, require_nodes
from graph.impact import ActorImpact, Impact, ImpactedNode, Loss, State, _capabilities, state_rank
from graph.model import DEFAULT_CONFIDENCE, Confidence, NodeKind

__all__ = ["reference_impact", "reference_states"]

OK, DEGRADED, DOWN = 0, 1, 2
_NAMES = ("ok", "degraded", "down")
_ACTOR = NodeKind.ACTOR.value
_STATED = RANK["stated"]


# --------------------------------------------------------------------------------------------- the fixpoint


@dataclass(slots=True)
class _Eval:
    """One node's state from its out-edges: general level, per-actor levels above it, and why."""

    level: int = OK
    per_actor: dict[str, int] = field(default_factory=dict)
    reasons: set[str] = field(default_factory=set)


def _view(
    level: Mapping[str, int], per_actor: Mapping[str, Mapping[str, int]], m: str, actor: str | None
) -> int:
    """How ``m`` looks to ``actor`` (``None``: to a non-actor dependent)."""
    lm = level.get(m, OK)
    if actor is None or lm == DOWN:
        return lm
    pam = per_actor.get(m)
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


def _raise_actor(out: _Eval, actor: str, value: int) -> None:
    if value > out.per_actor.get(actor, OK):
        out.per_actor[actor] = value


def _evaluate(
    G: nx.MultiDiGraph,
    n: str,
    level: Mapping[str, int],
    per_actor: Mapping[str, Mapping[str, int]],
    min_rank: int,
) -> _Eval:
    """The state of ``n`` given the current states of its dependencies (see the module docstring).

    The hot loops read networkx's own adjacency dicts (``G._succ``, ``G._pred``, ``G._node``): the public
    views (``G.succ``) wrap every access and make the fixpoint several times slower on large graphs.
    """
    viewer = n if G._node[n].get("kind") == _ACTOR else None
    out = _Eval()
    groups: dict[str, list[tuple[str, bool, tuple[str, ...]]]] = {}
    for m, keyed in G._succ[n].items():
        lm = level.get(m, OK)
        pam = per_actor.get(m)
        for d in keyed.values():
            if min_rank > 1 and RANK.get(d.get("confidence") or "stated", _STATED) < min_rank:
                continue
            group = d.get("alt_group")
            if group is not None:
                groups.setdefault(group, []).append(
                    (m, d.get("strength") != "soft", tuple(d.get("scope") or ()))
                )
                continue
            if not lm and not pam:
                continue  # the common case: the target is fine
            scope = d.get("scope")
            if scope:
                for actor in scope:
                    v = lm if lm == DOWN or not pam else max(lm, pam.get(actor, OK))
                    if v:
                        _raise_actor(out, actor, v)
                        out.reasons.add("scoped")
                        if v == DEGRADED:
                            out.reasons.add("impaired")
                continue
            v = lm if viewer is None or lm == DOWN or not pam else max(lm, pam.get(viewer, OK))
            if v == DOWN:
                if d.get("strength") != "soft":
                    return _Eval(DOWN)  # the top: per-actor levels and reasons no longer matter
                else:
                    out.level = max(out.level, DEGRADED)
                    out.reasons.add("soft")
            elif v == DEGRADED:
                out.level = max(out.level, DEGRADED)
                out.reasons.add("impaired")
    for members in groups.values():
        _evaluate_group(members, level, per_actor, viewer, out)
    out.per_actor = {a: v for a, v in out.per_actor.items() if v > out.level}
    return out


def _evaluate_group(
    members: list[tuple[str, bool, tuple[str, ...]]],
    level: Mapping[str, int],
    per_actor: Mapping[str, Mapping[str, int]],
    viewer: str | None,
    out: _Eval,
) -> None:
    if all(scope for _, _, scope in members):
        for actor in sorted({a for _, _, scope in members for a in scope}):
            values = [_view(level, per_actor, m, actor) for m, _, scope in members if actor in scope]
            state, reason = _combine(values)
            if state:
                _raise_actor(out, actor, state)
                out.reasons.add("scoped")
                if reason:
                    out.reasons.add(reason)
        return
    values = [_view(level, per_actor, m, viewer) for m, _, _ in members]
    state, reason = _combine(values)
    if state == DOWN and not any(hard for _, hard, _ in members):
        state, reason = DEGRADED, "soft"
    out.level = max(out.level, state)
    if reason:
        out.reasons.add(reason)


def _all_scoped(succ: Mapping[str, Mapping[str, Mapping[str, Any]]], group: str, min_rank: int) -> bool:
    """Whether every edge of one source's alt ``group`` (at ``min_rank``) is scoped."""
    return all(
        bool(d.get("scope"))
        for keyed in succ.values()
        for d in keyed.values()
        if d.get("alt_group") == group and edge_rank(d) >= min_rank
    )


def _contributes(
    G: nx.MultiDiGraph,
    p: str,
    m: str,
    d: Mapping[str, Any],
    level: Mapping[str, int],
    per_actor: Mapping[str, Mapping[str, int]],
    min_rank: int,
    scoped_groups: dict[tuple[str, str], bool],
) -> bool:
    """Whether edge ``p -> m`` (attributes ``d``, at ``min_rank``) carries trouble to ``p``, as
    :func:`_evaluate` reads it: its target is in trouble for ``p`` itself (an actor sees its own losses), or,
    for a scoped edge (or a member of an all-scoped alt group), for one of the actors in its scope."""
    if level.get(m) == DOWN:
        return True
    scope = d.get("scope")
    group = d.get("alt_group")
    if scope and group is not None:
        key = (p, group)
        if key not in scoped_groups:
            scoped_groups[key] = _all_scoped(G._succ[p], group, min_rank)
        if not scoped_groups[key]:
            scope = None
    if scope:
        return any(_view(level, per_actor, m, a) for a in scope)
    viewer = p if G._node[p].get("kind") == _ACTOR else None
    return _view(level, per_actor, m, viewer) > 0


def _fixpoint(
    G: nx.MultiDiGraph, failed: tuple[str, ...], min_rank: int
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Least fixpoint: ``level`` of every node in trouble, and per-actor levels above it (worklist)."""
    fixed = set(failed)
    level: dict[str, int] = dict.fromkeys(failed, DOWN)
    per_actor: dict[str, dict[str, int]] = {}
    queue: deque[str] = deque()
    queued: set[str] = set()

    def push_dependents(x: str) -> None:
        for p in G._pred[x]:
            if p not in fixed and p not in queued:
                queued.add(p)
                queue.append(p)

    for f in failed:
        push_dependents(f)
    while queue:
        n = queue.popleft()
        queued.discard(n)
        if level.get(n) == DOWN:  # the top: nothing can change it any more
            continue
        ev = _evaluate(G, n, level, per_actor, min_rank)
        old_level = level.get(n, OK)
        old_actor = per_actor.get(n, {})
        new_level = max(old_level, ev.level)  # monotone already; the join guards the invariant
        merged = {a: max(v, old_actor.get(a, OK)) for a, v in ev.per_actor.items()}
        for a, v in old_actor.items():
            merged.setdefault(a, v)
        merged = {a: v for a, v in merged.items() if v > new_level}
        if new_level == old_level and merged == old_actor:
            continue
        if new_level:
            level[n] = new_level
        if merged:
            per_actor[n] = merged
        else:
            per_actor.pop(n, None)
        push_dependents(n)
    return level, per_actor


@dataclass(slots=True)
class _Run:
    """A fixpoint plus what explains it: reasons, distances, parents, causes."""

    failed: tuple[str, ...]
    level: dict[str, int]
    per_actor: dict[str, dict[str, int]]
    troubled: frozenset[str]  # every node in trouble except the failed ones
    reasons: dict[str, set[str]] = field(default_factory=dict)
    distance: dict[str, int] = field(default_factory=dict)
    parent: dict[str, tuple[str, str]] = field(default_factory=dict)
    causes: dict[str, int] = field(default_factory=dict)  # bitset over ``failed``

    def state(self, n: str) -> int:
        """The reported state: down, degraded (also when only some actors lose it), ok."""
        lv = self.level.get(n, OK)
        return lv if lv or n not in self.per_actor else DEGRADED

    def paths(self, G: nx.MultiDiGraph, nodes: Iterable[str], min_rank: int) -> dict[str, Path]:
        """Explanation paths of ``nodes`` (to a failed node along the parents), sharing common tails."""
        done: dict[str, Path] = {f: Path((f,), ()) for f in self.failed}
        for start in nodes:
            chain = []
            n = start
            while n not in done:
                chain.append(n)
                n = self.parent[n][0]
            for n in reversed(chain):
                m, key = self.parent[n]
                tail = done[m]
                done[n] = Path((n, *tail.nodes), (hop(G, n, m, key, min_rank=min_rank), *tail.hops))
        return done


def _run(G: nx.MultiDiGraph, failed: tuple[str, ...], min_rank: int, *, explain: bool = True) -> _Run:
    level, per_actor = _fixpoint(G, failed, min_rank)
    run = _Run(failed, level, per_actor, frozenset(level.keys() | per_actor.keys()) - set(failed))
    if explain:
        _explain(G, run, min_rank)
    return run


def _explain(G: nx.MultiDiGraph, run: _Run, min_rank: int) -> None:
    """Fill in reasons, distances, explanation parents and causes of a fixpoint."""
    failed, level, per_actor = run.failed, run.level, run.per_actor
    # Reasons, for the degraded only (a node that is down is simply down).
    for n in run.troubled:
        if level.get(n) != DOWN:
            run.reasons[n] = _evaluate(G, n, level, per_actor, min_rank).reasons
    # Layered BFS from the failed nodes against contributing edges: distance, and the explanation parent
    # (one hop closer; fewest inferred hops on the way, then best evidence, then ids).
    scoped_groups: dict[tuple[str, str], bool] = {}
    reverse: dict[str, list[str]] = {}
    run.distance = dict.fromkeys(failed, 0)
    inferred_hops = dict.fromkeys(failed, 0)
    best: dict[str, tuple[int, int, str, str]] = {}
    troubled, distance, multi = run.troubled, run.distance, len(failed) > 1
    layer = list(failed)
    while layer:
        following = []
        for m in layer:
            dist = distance[m] + 1
            down = level.get(m) == DOWN  # then every edge into it carries trouble
            for p, keyed in G._pred[m].items():
                if p not in troubled:
                    continue
                for key, d in keyed.items():
                    rank = RANK.get(d.get("confidence") or "stated", _STATED)
                    if rank < min_rank:
                        continue
                    if not down and not _contributes(G, p, m, d, level, per_actor, min_rank, scoped_groups):
                        continue
                    if multi:
                        reverse.setdefault(m, []).append(p)
                    if distance.setdefault(p, dist) != dist:
                        continue  # settled closer
                    option = (inferred_hops[m] + (rank == 1), -rank, m, key)
                    if p not in best:
                        following.append(p)
                        best[p] = option
                    elif option < best[p]:
                        best[p] = option
        for p in following:
            inferred_hops[p], _, m, key = best[p]
            run.parent[p] = (m, key)
        layer = following
    # Causes: which failed nodes each troubled node traces back to (bitsets, propagated to a fixpoint).
    if len(failed) == 1:
        run.causes = dict.fromkeys(run.troubled | set(failed), 1)
        return
    run.causes = {f: 1 << i for i, f in enumerate(failed)}
    work = deque(failed)
    while work:
        m = work.popleft()
        bits = run.causes[m]
        for p in reverse.get(m, ()):
            if run.causes.get(p, 0) | bits != run.causes.get(p, 0):
                run.causes[p] = run.causes.get(p, 0) | bits
                work.append(p)


def _live(G: nx.MultiDiGraph) -> nx.MultiDiGraph | None:
    """``G`` without its batch edges (``None`` when it has none)."""
    if not any(d.get("mode") == "batch" for _, _, d in G.edges(data=True)):
        return None
    H = nx.MultiDiGraph()
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d.get("mode") != "batch")
    return H


def _is_actor(G: nx.MultiDiGraph, n: str) -> bool:
    return bool(G._node[n].get("kind") == _ACTOR)


def reference_impact(
    G: nx.MultiDiGraph, down: Iterable[str], *, min_confidence: Confidence | str = DEFAULT_CONFIDENCE
) -> Impact:
    """:func:`graph.impact.impact`, computed the direct way (see the module docstring)."""
    failed = require_nodes(G, down)
    min_rank = confidence_rank(min_confidence)
    main = _answer(G, failed, min_rank)
    possible: tuple[ImpactedNode, ...] = ()
    if min_rank > RANK["inferred"] and any(
        edge_rank(d) == RANK["inferred"] for _, _, d in G.edges(data=True)
    ):
        shown = {i.id for i in main.impacted} | {n for n in _run(G, failed, min_rank, explain=False).troubled}
        wide = _answer(G, failed, RANK["inferred"])
        possible = tuple(i for i in wide.impacted if i.id not in shown)
    return Impact(main.down, Confidence(min_confidence).value, main.impacted, main.actors, possible)


def _answer(G: nx.MultiDiGraph, failed: tuple[str, ...], min_rank: int) -> Impact:
    """The answer at one rank, without ``possible``."""
    min_confidence = next(c for c in Confidence if c.rank == min_rank)
    run = _run(G, failed, min_rank)
    H = _live(G)
    live = _run(H, failed, min_rank) if H is not None else run
    main_paths = run.paths(G, run.troubled, min_rank)
    curated_paths: dict[str, Path] = {}
    strict = None
    if min_rank < RANK["curated"]:  # who would still be impacted without inferred edges, and how
        strict = _run(G, failed, RANK["curated"], explain=False)
        wanted = [
            n for n in run.troubled if n in strict.troubled and main_paths[n].inferred and not _is_actor(G, n)
        ]
        if wanted:
            _explain(G, strict, RANK["curated"])
            found = strict.paths(G, wanted, min_rank)
            curated_paths = {n: found[n] for n in wanted}
    items = []
    for n in run.troubled:
        if _is_actor(G, n):
            continue
        name, kind = node_label(G, n)
        delayed = n not in live.troubled
        state = live.state(n)
        actor_levels = live.per_actor.get(n, {}) if not delayed else {}
        reasons: set[str] = set()
        if state == DEGRADED and not delayed:
            reasons = live.reasons[n]
        items.append(
            ImpactedNode(
                id=n,
                name=name,
                kind=kind,
                state=State.DELAYED if delayed else _NAMES[state],
                distance=run.distance[n],
                causes=tuple(f for i, f in enumerate(failed) if run.causes[n] >> i & 1),
                path=main_paths[n],
                curated_path=curated_paths.get(n),
                inferred=strict is not None and n not in strict.troubled,
                degraded_by=tuple(sorted(reasons)),
                down_for=tuple(sorted(a for a, v in actor_levels.items() if v == DOWN)),
                degraded_for=tuple(sorted(a for a, v in actor_levels.items() if v == DEGRADED)),
            )
        )
    items.sort(key=lambda i: (i.distance, i.id))
    return Impact(
        down=failed,
        min_confidence=min_confidence.value,
        impacted=tuple(items),
        actors=_actors(G, run, live, min_rank),
    )


def reference_states(
    G: nx.MultiDiGraph, down: Iterable[str], *, min_confidence: Confidence | str
) -> dict[str, str]:
    """Only the states of :func:`reference_impact`, sorted by id."""
    failed = require_nodes(G, down)
    return {n: s for n, s in reference_impact(G, failed, min_confidence=min_confidence).states().items()}


def _actors(G: nx.MultiDiGraph, run: _Run, live: _Run, min_rank: int) -> tuple[ActorImpact, ...]:
    """Every actor that loses something, and what (``delayed`` where only batch flows carry the trouble)."""
    losses: dict[str, dict[str, int]] = {}
    for n, levels in run.per_actor.items():
        for actor, v in levels.items():
            losses.setdefault(actor, {})[n] = max(v, run.level.get(n, OK))
    for n in run.troubled:
        if G._node[n].get("kind") == _ACTOR:
            losses.setdefault(n, {})
    failed = set(run.failed)
    out = []
    for actor in sorted(losses):
        if actor in failed:
            continue
        lost = losses[actor]
        if actor in G:
            for m, keyed in G._succ[actor].items():
                if any(edge_rank(d) >= min_rank for d in keyed.values()):
                    v = _view(run.level, run.per_actor, m, actor)
                    if v:
                        lost[m] = max(v, lost.get(m, OK))
        if not lost:
            continue
        name, _ = node_label(G, actor)
        named = {}
        for m in lost:
            seen = _view(live.level, live.per_actor, m, actor)
            named[m] = State.DELAYED if not seen else _NAMES[seen]
        loses = tuple(
            Loss(m, node_label(G, m)[0], s, _capabilities(G, actor, m))
            for m, s in sorted(named.items(), key=lambda t: (-state_rank(t[1]), t[0]))
        )
        out.append(ActorImpact(actor, name, loses))
    return tuple(out)
