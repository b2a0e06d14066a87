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
``min_confidence="curated"`` — computed by running the fixpoint again without inferred edges). ``actors``
lists who notices: every affected actor with its own state and what it loses (its direct dependencies in
trouble for it, and nodes down or degraded for it through scoped access).

Examples
--------
>>> from graph.examples import letters
>>> G = letters()
>>> result = impact(G, ["print"])
>>> [(i.id, i.state, i.degraded_by) for i in result.impacted]
[('brevtjeneste', 'degraded', ('alternative',)), ('dip', 'degraded', ('impaired',)), \
('saksbehandling', 'degraded', ('impaired',)), ('helfo', 'degraded', ('impaired',)), \
('okonomimodulen', 'degraded', ('impaired',))]
>>> both = impact(G, ["print", "digipost"])
>>> [(i.id, i.state, i.distance) for i in both.impacted][:3]
[('brevtjeneste', 'down', 1), ('dip', 'down', 2), ('saksbehandling', 'down', 2)]
>>> both.by_id("dip").inferred, both.by_id("saksbehandling").inferred
(True, False)
>>> portal = impact(G, ["helseid"])
>>> p = portal.by_id("praksisinfo")
>>> p.state, p.down_for, p.degraded_by
('degraded', ('helseaktor',), ('scoped',))
>>> [(a.id, a.state, [loss.id for loss in a.loses]) for a in portal.actors]
[('helseaktor', 'down', ['praksisinfo'])]
>>> "helfo" in {i.id for i in portal.impacted}
False
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.edges import RANK, Path, confidence_rank, edge_rank, hop, node_label, require_nodes
from graph.model import Confidence, NodeKind

__all__ = ["ActorImpact", "Impact", "ImpactedNode", "Loss", "State", "impact", "impact_states", "state_rank"]

OK, DEGRADED, DOWN = 0, 1, 2
_NAMES = ("ok", "degraded", "down")
_ACTOR = NodeKind.ACTOR.value
_STATED = RANK["stated"]


class State:
    """State names, in order: ``State.OK < State.DEGRADED < State.DOWN`` by :func:`state_rank`."""

    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"


def state_rank(state: str) -> int:
    """0, 1, 2 for ok, degraded, down.

    >>> sorted(["down", "ok", "degraded"], key=state_rank)
    ['ok', 'degraded', 'down']
    """
    return _NAMES.index(state)


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


# --------------------------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True)
class ImpactedNode:
    """One node in trouble because of the failure, with its explanation."""

    id: str
    name: str
    kind: str
    state: str
    distance: int
    causes: tuple[str, ...]
    path: Path  # the shortest explanation, best-evidenced hop first among equals
    inferred: bool
    degraded_by: tuple[str, ...] = ()
    down_for: tuple[str, ...] = ()
    degraded_for: tuple[str, ...] = ()
    curated_path: Path | None = None  # when ``path`` has an inferred hop but the node is impacted without any

    def to_dict(self) -> dict[str, Any]:
        main = self.path.to_dict()
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "state": self.state,
            "distance": self.distance,
            "path": main["path"],
            "edge_types": main["edge_types"],
            "evidence": main["evidence"],
            "hops": main["hops"],
            "curated_path": self.curated_path.to_dict() if self.curated_path else None,
            "inferred": self.inferred,
            "causes": list(self.causes),
            "down_for": list(self.down_for),
            "degraded_for": list(self.degraded_for),
            "degraded_by": list(self.degraded_by),
        }


@dataclass(frozen=True, slots=True)
class Loss:
    """Something an actor can no longer use (``down``) or uses with trouble (``degraded``)."""

    id: str
    name: str
    state: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "state": self.state}


@dataclass(frozen=True, slots=True)
class ActorImpact:
    """Who notices: an affected actor, its own state, and what it loses."""

    id: str
    name: str
    state: str
    loses: tuple[Loss, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "loses": [x.to_dict() for x in self.loses],
        }


@dataclass(frozen=True, slots=True)
class Impact:
    """The impact of ``down`` failing together; ``impacted`` is ordered by distance, then id."""

    down: tuple[str, ...]
    min_confidence: str
    impacted: tuple[ImpactedNode, ...]
    actors: tuple[ActorImpact, ...]

    def by_id(self, node_id: str) -> ImpactedNode:
        """The impacted entry for ``node_id`` (``KeyError`` if it is not impacted)."""
        for item in self.impacted:
            if item.id == node_id:
                return item
        raise KeyError(node_id)

    def states(self) -> dict[str, str]:
        """``{id: state}`` for the failed and the impacted nodes."""
        out = dict.fromkeys(self.down, State.DOWN)
        out.update((i.id, i.state) for i in self.impacted)
        return out

    @property
    def blast_radius(self) -> int:
        """How many nodes besides the failed ones are down or degraded."""
        return len(self.impacted)

    def summary(self) -> dict[str, Any]:
        by_state = Counter(i.state for i in self.impacted)
        by_kind: dict[str, dict[str, int]] = {}
        for i in self.impacted:
            counts = by_kind.setdefault(i.kind, {State.DOWN: 0, State.DEGRADED: 0})
            counts[i.state] += 1
        return {
            "failed": len(self.down),
            "impacted": len(self.impacted),
            "by_state": {s: by_state.get(s, 0) for s in (State.DOWN, State.DEGRADED)},
            "by_kind": {k: by_kind[k] for k in sorted(by_kind)},
            "inferred": sum(i.inferred for i in self.impacted),
            "actors": len(self.actors),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "down": list(self.down),
            "min_confidence": self.min_confidence,
            "impacted": [i.to_dict() for i in self.impacted],
            "summary": self.summary(),
            "actors": [a.to_dict() for a in self.actors],
        }


def impact(
    G: nx.MultiDiGraph, down: Iterable[str], *, min_confidence: Confidence | str = Confidence.INFERRED
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

    Returns
    -------
    Impact
        The failed nodes, the impacted ones (ordered by distance, then id) and the actors who notice.

    Raises
    ------
    NodeNotFound
        An id in ``down`` is not a node of ``G``.

    Examples
    --------
    >>> from graph.examples import letters
    >>> hit = impact(letters(), ["brevtjeneste"], min_confidence="curated")
    >>> [(i.id, i.state) for i in hit.impacted]  # dip's and okonomimodulen's edges are inferred
    [('saksbehandling', 'down'), ('helfo', 'down')]
    >>> hit.by_id("helfo").to_dict()["path"], hit.by_id("helfo").to_dict()["edge_types"]
    (['helfo', 'saksbehandling', 'brevtjeneste'], ['USES', 'USES'])
    >>> hit.summary()["by_kind"]
    {'actor': {'down': 1, 'degraded': 0}, 'system': {'down': 1, 'degraded': 0}}
    """
    failed = require_nodes(G, down)
    min_rank = confidence_rank(min_confidence)
    run = _run(G, failed, min_rank)
    main_paths = run.paths(G, run.troubled, min_rank)
    curated_paths: dict[str, Path] = {}
    strict = None
    if min_rank < RANK["curated"]:  # who would still be impacted without inferred edges, and how
        strict = _run(G, failed, RANK["curated"], explain=False)
        wanted = [n for n in run.troubled if n in strict.troubled and main_paths[n].inferred]
        if wanted:
            _explain(G, strict, RANK["curated"])
            curated_paths = strict.paths(G, wanted, min_rank)
    items = []
    for n in run.troubled:
        name, kind = node_label(G, n)
        state = run.state(n)
        actor_levels = run.per_actor.get(n, {})
        items.append(
            ImpactedNode(
                id=n,
                name=name,
                kind=kind,
                state=_NAMES[state],
                distance=run.distance[n],
                causes=tuple(f for i, f in enumerate(failed) if run.causes[n] >> i & 1),
                path=main_paths[n],
                curated_path=curated_paths.get(n),
                inferred=strict is not None and n not in strict.troubled,
                degraded_by=tuple(sorted(run.reasons[n])) if state == DEGRADED else (),
                down_for=tuple(sorted(a for a, v in actor_levels.items() if v == DOWN)),
                degraded_for=tuple(sorted(a for a, v in actor_levels.items() if v == DEGRADED)),
            )
        )
    items.sort(key=lambda i: (i.distance, i.id))
    return Impact(
        down=failed,
        min_confidence=Confidence(min_confidence).value,
        impacted=tuple(items),
        actors=_actors(G, run, min_rank),
    )


def impact_states(
    G: nx.MultiDiGraph, down: Iterable[str], *, min_confidence: Confidence | str = Confidence.INFERRED
) -> dict[str, str]:
    """Only the states of :func:`impact` (failed and impacted nodes, sorted by id), without explanations.

    >>> from graph.examples import letters
    >>> impact_states(letters(), ["helseid"])  # doctest: +NORMALIZE_WHITESPACE
    {'helseaktor': 'down', 'helseid': 'down', 'praksisinfo': 'degraded',
     'tjenesteportal-for-helseaktor': 'down'}
    """
    failed = require_nodes(G, down)
    level, per_actor = _fixpoint(G, failed, confidence_rank(min_confidence))
    out = {n: _NAMES[v] for n, v in level.items()}
    for n in per_actor:
        out.setdefault(n, State.DEGRADED)
    return dict(sorted(out.items()))


def _actors(G: nx.MultiDiGraph, run: _Run, min_rank: int) -> tuple[ActorImpact, ...]:
    """Every affected actor (in trouble itself, or named in a node's per-actor state) and what it loses."""
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
        name, _ = node_label(G, actor)
        loses = tuple(
            Loss(m, node_label(G, m)[0], _NAMES[v])
            for m, v in sorted(lost.items(), key=lambda t: (-t[1], t[0]))
        )
        own = run.state(actor) if actor in G else OK
        out.append(ActorImpact(actor, name, _NAMES[own], loses))
    return tuple(out)
