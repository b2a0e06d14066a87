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
trouble from the relevant point of view; among equally short ones, the best-evidenced hop first) and, when
that path has an inferred hop but the node is impacted without inferred edges too, a ``curated_path``; the
failed nodes it traces back to (``causes``), its reasons (``degraded_by``: ``soft``, ``alternative``,
``scoped``, ``impaired``) and ``inferred``: whether it is impacted only thanks to inferred edges (it would not
be impacted at ``min_confidence="curated"`` — computed by running the fixpoint again without inferred edges).

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
    contributing: list[tuple[str, str]] = field(default_factory=list)


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
    """The state of ``n`` given the current states of its dependencies (see the module docstring)."""
    viewer = n if G.nodes[n].get("kind") == _ACTOR else None
    out = _Eval()
    groups: dict[str, list[tuple[str, str, bool, tuple[str, ...]]]] = {}
    for m, keyed in G.succ[n].items():
        troubled = m in level or m in per_actor
        for key, d in keyed.items():
            if min_rank > 1 and edge_rank(d) < min_rank:
                continue
            group = d.get("alt_group")
            if group is None and not troubled:
                continue
            hard = d.get("strength") != "soft"
            scope = tuple(d.get("scope") or ())
            if group is not None:
                groups.setdefault(group, []).append((m, key, hard, scope))
            elif scope:
                hit = False
                for actor in scope:
                    v = _view(level, per_actor, m, actor)
                    if v:
                        hit = True
                        _raise_actor(out, actor, v)
                        out.reasons.add("scoped")
                        if v == DEGRADED:
                            out.reasons.add("impaired")
                if hit:
                    out.contributing.append((m, key))
            else:
                v = _view(level, per_actor, m, viewer)
                if v == DOWN:
                    out.level = max(out.level, DOWN if hard else DEGRADED)
                    if not hard:
                        out.reasons.add("soft")
                elif v == DEGRADED:
                    out.level = max(out.level, DEGRADED)
                    out.reasons.add("impaired")
                if v:
                    out.contributing.append((m, key))
    for members in groups.values():
        _evaluate_group(members, level, per_actor, viewer, out)
    out.per_actor = {a: v for a, v in out.per_actor.items() if v > out.level}
    return out


def _evaluate_group(
    members: list[tuple[str, str, bool, tuple[str, ...]]],
    level: Mapping[str, int],
    per_actor: Mapping[str, Mapping[str, int]],
    viewer: str | None,
    out: _Eval,
) -> None:
    if all(scope for _, _, _, scope in members):
        hit: set[tuple[str, str]] = set()
        for actor in sorted({a for _, _, _, scope in members for a in scope}):
            relevant = [(m, key) for m, key, _, scope in members if actor in scope]
            values = [_view(level, per_actor, m, actor) for m, _ in relevant]
            state, reason = _combine(values)
            if state:
                _raise_actor(out, actor, state)
                out.reasons.add("scoped")
                if reason:
                    out.reasons.add(reason)
            hit.update(mk for mk, v in zip(relevant, values, strict=True) if v)
        out.contributing.extend(sorted(hit))
        return
    values = [_view(level, per_actor, m, viewer) for m, _, _, _ in members]
    state, reason = _combine(values)
    if state == DOWN and not any(hard for _, _, hard, _ in members):
        state, reason = DEGRADED, "soft"
    out.level = max(out.level, state)
    if reason:
        out.reasons.add(reason)
    out.contributing.extend((m, key) for (m, key, _, _), v in zip(members, values, strict=True) if v)


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
        for p in G.pred[x]:
            if p not in fixed and p not in queued:
                queued.add(p)
                queue.append(p)

    for f in failed:
        push_dependents(f)
    while queue:
        n = queue.popleft()
        queued.discard(n)
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
    """A fixpoint plus what explains it: reasons, contributing edges, distances, parents, causes."""

    failed: tuple[str, ...]
    level: dict[str, int]
    per_actor: dict[str, dict[str, int]]
    reasons: dict[str, set[str]]
    contributing: dict[str, list[tuple[str, str]]]
    distance: dict[str, int]
    parent: dict[str, tuple[str, str]]
    causes: dict[str, int]  # bitset over ``failed``

    @property
    def troubled(self) -> set[str]:
        return (set(self.level) | set(self.per_actor)) - set(self.failed)

    def state(self, n: str) -> int:
        """The reported state: down, degraded (also when only some actors lose it), ok."""
        lv = self.level.get(n, OK)
        return lv if lv or n not in self.per_actor else DEGRADED

    def path(self, G: nx.MultiDiGraph, n: str, min_rank: int) -> Path:
        """The explanation path from ``n`` to a failed node, following the chosen parent edges."""
        nodes, hops = [n], []
        while nodes[-1] in self.parent:
            m, key = self.parent[nodes[-1]]
            hops.append(hop(G, nodes[-1], m, key, min_rank=min_rank))
            nodes.append(m)
        return Path(tuple(nodes), tuple(hops))


def _run(G: nx.MultiDiGraph, failed: tuple[str, ...], min_rank: int) -> _Run:
    level, per_actor = _fixpoint(G, failed, min_rank)
    run = _Run(failed, level, per_actor, {}, {}, {}, {}, {})
    reverse: dict[str, list[str]] = {}
    for n in run.troubled:
        ev = _evaluate(G, n, level, per_actor, min_rank)
        run.reasons[n] = ev.reasons
        run.contributing[n] = ev.contributing
        for m, _ in ev.contributing:
            reverse.setdefault(m, []).append(n)
    # Shortest distance to a failed node along contributing edges (multi-source BFS).
    run.distance = dict.fromkeys(failed, 0)
    frontier = deque(failed)
    while frontier:
        m = frontier.popleft()
        for n in reverse.get(m, ()):
            if n not in run.distance:
                run.distance[n] = run.distance[m] + 1
                frontier.append(n)
    # Explanation parents: one hop closer; fewest inferred hops on the way, then best evidence, then ids.
    inferred_hops = dict.fromkeys(failed, 0)
    for n in sorted(run.troubled, key=lambda x: (run.distance[x], x)):
        d = run.distance[n]
        options = [
            (inferred_hops[m] + (rank == 1), -rank, m, key)
            for m, key in run.contributing[n]
            if run.distance.get(m) == d - 1
            for rank in (edge_rank(G.succ[n][m][key]),)
        ]
        inferred_hops[n], _, m, key = min(options)
        run.parent[n] = (m, key)
    # Causes: which failed nodes each troubled node traces back to (bitsets, propagated to a fixpoint).
    run.causes = {f: 1 << i for i, f in enumerate(failed)}
    work = deque(failed)
    while work:
        m = work.popleft()
        bits = run.causes[m]
        for n in reverse.get(m, ()):
            if n in run.causes and run.causes[n] | bits == run.causes[n]:
                continue
            run.causes[n] = run.causes.get(n, 0) | bits
            work.append(n)
    return run


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
    strict = _run(G, failed, RANK["curated"]) if min_rank < RANK["curated"] else None
    items = []
    for n in run.troubled:
        name, kind = node_label(G, n)
        main = run.path(G, n, min_rank)
        inferred = strict is not None and n not in strict.troubled
        curated_path = None
        if strict is not None and not inferred and main.inferred:
            curated_path = strict.path(G, n, min_rank)
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
                path=main,
                curated_path=curated_path,
                inferred=inferred,
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
        if G.nodes[n].get("kind") == _ACTOR:
            losses.setdefault(n, {})
    failed = set(run.failed)
    out = []
    for actor in sorted(losses):
        if actor in failed:
            continue
        lost = losses[actor]
        if actor in G:
            for m, keyed in G.succ[actor].items():
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
