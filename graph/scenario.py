"""What-if scenarios: several nodes down at once, on the graph as it is and as it would be after some edits.

Edits are plain data (and :func:`edit_from_dict` reads them from JSON): remove an edge, add one (an
alternative: give it the same ``alt_group`` as the edge it backs up, see :class:`SetAltGroup`), change an
edge's strength or alt group. The input graph is never modified: the *after* impact is computed on a copy of
just the part of the graph the failure can reach (ancestors of the failed nodes and of added edges' sources,
with their out-edges), so scenarios stay cheap on large graphs.

Examples
--------
>>> from graph.examples import letters
>>> G = letters()
>>> backup = [
...     AddEdge("saksbehandling", "print", "DELIVERS_VIA", alt_group="out", evidence="Kan skrive ut selv."),
...     SetAltGroup("saksbehandling", "brevtjeneste", "USES", "out"),
... ]
>>> result = scenario(G, ["brevtjeneste"], backup)
>>> result.before.states()["saksbehandling"], result.after.states()["saksbehandling"]
('down', 'degraded')
>>> result.blast_radius, [(c.id, c.before, c.after) for c in result.changed]
((1, 1), [('saksbehandling', 'down', 'degraded')])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import networkx as nx
from pydantic import WithJsonSchema, computed_field

from graph.edges import predecessors, require_nodes, successors
from graph.errors import InvalidEdit
from graph.impact import Impact, impact, state_rank
from graph.model import DEFAULT_CONFIDENCE, Confidence, Edge, RelType, Strength
from graph.shape import Shaped

__all__ = [
    "AddEdge",
    "BlastRadius",
    "Change",
    "Edit",
    "RemoveEdge",
    "Scenario",
    "SetAltGroup",
    "SetStrength",
    "StateChanges",
    "apply_edits",
    "edit_from_dict",
    "scenario",
]


@dataclass(frozen=True, slots=True)
class RemoveEdge:
    """Remove the edge ``source -> target`` of relation ``type``."""

    source: str
    target: str
    type: str

    def to_dict(self) -> dict[str, Any]:
        return {"op": "remove_edge", "source": self.source, "target": self.target, "type": self.type}


@dataclass(frozen=True, slots=True)
class AddEdge:
    """Add an edge ``source -> target`` (both must exist), with :class:`graph.model.Edge` attributes."""

    source: str
    target: str
    type: str = RelType.USES.value
    strength: str = Strength.HARD.value
    alt_group: str | None = None
    scope: tuple[str, ...] = ()
    evidence: str = "What-if: added in a scenario."
    confidence: str = Confidence.CURATED.value

    def edge(self) -> Edge:
        try:
            return Edge(
                self.source,
                self.target,
                RelType(self.type),
                self.evidence,
                confidence=Confidence(self.confidence),
                strength=Strength(self.strength),
                alt_group=self.alt_group,
                scope=tuple(self.scope),
                rule="scenario",
            )
        except ValueError as err:
            raise InvalidEdit(f"cannot add {self.source} -> {self.target}: {err}") from None

    def to_dict(self) -> dict[str, Any]:
        self.edge()  # validates
        return {
            "op": "add_edge",
            "source": self.source,
            "target": self.target,
            "type": self.type,
            "strength": self.strength,
            "alt_group": self.alt_group,
            "scope": list(self.scope),
            "evidence": self.evidence,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class SetStrength:
    """Make the edge ``source -> target`` of relation ``type`` hard or soft."""

    source: str
    target: str
    type: str
    strength: str

    def to_dict(self) -> dict[str, Any]:
        return {"op": "set_strength", "source": self.source, "target": self.target, "type": self.type,
                "strength": self.strength}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SetAltGroup:
    """Put the edge ``source -> target`` of relation ``type`` in an alt group (``None``: out of any group)."""

    source: str
    target: str
    type: str
    alt_group: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"op": "set_alt_group", "source": self.source, "target": self.target, "type": self.type,
                "alt_group": self.alt_group}  # fmt: skip


Edit = RemoveEdge | AddEdge | SetStrength | SetAltGroup
_OPS: dict[str, type[Edit]] = {
    "remove_edge": RemoveEdge,
    "add_edge": AddEdge,
    "set_strength": SetStrength,
    "set_alt_group": SetAltGroup,
}


def edit_from_dict(d: Mapping[str, Any]) -> Edit:
    """An edit from its JSON form ``{"op": "remove_edge" | "add_edge" | "set_strength" | "set_alt_group", …}``

    >>> edit_from_dict({"op": "set_strength", "source": "a", "target": "b", "type": "USES",
    ...                 "strength": "soft"})
    SetStrength(source='a', target='b', type='USES', strength='soft')
    >>> edit_from_dict({"op": "rename"})
    Traceback (most recent call last):
    ...
    graph.errors.InvalidEdit: unknown edit op 'rename' (remove_edge, add_edge, set_strength, set_alt_group)
    """
    op = d.get("op")
    cls = _OPS.get(op) if isinstance(op, str) else None
    if cls is None:
        raise InvalidEdit(f"unknown edit op {op!r} ({', '.join(_OPS)})")
    fields = {k: v for k, v in d.items() if k != "op"}
    if "scope" in fields:
        fields["scope"] = tuple(fields["scope"] or ())
    try:
        return cls(**fields)
    except TypeError as err:
        raise InvalidEdit(f"bad {op} edit: {err}") from None


def _existing(H: nx.MultiDiGraph, source: str, target: str, key: str) -> Mapping[str, Any]:
    try:
        data: Mapping[str, Any] = H.succ[source][target][key]
    except KeyError:
        raise InvalidEdit(f"no edge {source} -{key}-> {target}") from None
    return data


def _writable(H: nx.MultiDiGraph, source: str, target: str, key: str) -> dict[str, Any]:
    """The edge's data as a dictionary of its own that an edit may change (the graph of
    :func:`~graph.model.to_networkx` holds read-only edges)."""
    data = _existing(H, source, target, key)
    if isinstance(data, dict):
        return data
    keyed = successors(H)[source][target]
    if not isinstance(keyed, dict):  # graph.model.OneEdge: read-only too
        keyed = successors(H)[source][target] = predecessors(H)[target][source] = dict(keyed)
    mine = keyed[key] = dict(data)  # _succ[u][v] and _pred[v][u] share one key dict
    return mine


def apply_edits(H: nx.MultiDiGraph, edits: Sequence[Edit]) -> None:
    """Apply ``edits`` in order to ``H`` **in place** (give it a copy). Raises :class:`InvalidEdit`.

    >>> from graph.examples import letters
    >>> H = letters()
    >>> apply_edits(H, [SetStrength("saksbehandling", "brevtjeneste", "USES", "soft")])
    >>> H.edges["saksbehandling", "brevtjeneste", "USES"]["strength"]
    'soft'
    >>> apply_edits(H, [RemoveEdge("saksbehandling", "print", "USES")])
    Traceback (most recent call last):
    ...
    graph.errors.InvalidEdit: no edge saksbehandling -USES-> print
    """
    for e in edits:
        if isinstance(e, RemoveEdge):
            _existing(H, e.source, e.target, e.type)
            H.remove_edge(e.source, e.target, key=e.type)
        elif isinstance(e, AddEdge):
            edge = e.edge()
            if H.has_edge(edge.source, edge.target, key=edge.type.value):
                raise InvalidEdit(f"edge {edge.source} -{edge.type.value}-> {edge.target} exists already")
            H.add_edge(edge.source, edge.target, key=edge.type.value, **edge.to_dict())
        elif isinstance(e, SetStrength):
            if e.strength not in {s.value for s in Strength}:
                raise InvalidEdit(f"strength must be hard or soft, not {e.strength!r}")
            _writable(H, e.source, e.target, e.type)["strength"] = e.strength
        else:
            _writable(H, e.source, e.target, e.type)["alt_group"] = e.alt_group


def _relevant(G: nx.MultiDiGraph, seeds: Iterable[str]) -> set[str]:
    """The seeds and their ancestors (the only nodes a failure of the seeds can reach)."""
    seen = set(seeds)
    stack = list(seen)
    while stack:
        for p in G.pred[stack.pop()]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


_Outcome = Annotated[str, WithJsonSchema({"type": "string", "enum": ["ok", "down", "degraded", "delayed"]})]


@dataclass(frozen=True, slots=True)
class Change(Shaped):
    """A node whose state differs between before and after (``ok`` when not impacted)."""

    id: str
    name: str
    before: _Outcome
    after: _Outcome


@dataclass(frozen=True, slots=True)
class BlastRadius(Shaped):
    before: int
    after: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class StateChanges(Shaped):
    """What the edits did: the blast radius before and after, and the nodes whose state changed."""

    blast_radius: BlastRadius
    changed: tuple[Change, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def better(self) -> list[str]:
        return [c.id for c in self.changed if state_rank(c.after) < state_rank(c.before)]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def worse(self) -> list[str]:
        return [c.id for c in self.changed if state_rank(c.after) > state_rank(c.before)]


@dataclass(frozen=True, slots=True)
class Scenario:
    """Impact of ``down`` before and after ``edits``, and the nodes whose state changed, sorted by id."""

    down: tuple[str, ...]
    edits: tuple[Edit, ...]
    before: Impact
    after: Impact
    changed: tuple[Change, ...]

    @property
    def blast_radius(self) -> tuple[int, int]:
        return self.before.blast_radius, self.after.blast_radius

    def diff(self) -> StateChanges:
        """The blast radius before and after, the nodes whose state changed, and which got better or worse."""
        return StateChanges(BlastRadius(*self.blast_radius), self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "down": list(self.down),
            "edits": [e.to_dict() for e in self.edits],
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "diff": self.diff().to_dict(),
        }


def scenario(
    G: nx.MultiDiGraph,
    down: Iterable[str],
    edits: Iterable[Edit] = (),
    *,
    min_confidence: Confidence | str = DEFAULT_CONFIDENCE,
) -> Scenario:
    """The impact of ``down`` on ``G`` and on ``G`` after ``edits``, and what changed.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph built by :func:`graph.model.to_networkx`; not modified.
    down : iterable of str
        Failed node ids.
    edits : iterable of Edit
        Applied in order. Edge endpoints must be nodes of ``G``.
    min_confidence : {"inferred", "curated", "stated"}
        Ignore edges less certain than this (an added edge is ``curated`` unless it says otherwise).

    Raises
    ------
    NodeNotFound
        A failed node or an edit's endpoint is not in ``G``.
    InvalidEdit
        An edit does not apply.

    Examples
    --------
    >>> from graph.examples import letters
    >>> G = letters()
    >>> cut = scenario(G, ["print"], [RemoveEdge("brevtjeneste", "digipost", "DELIVERS_VIA")])
    >>> cut.blast_radius, [(c.id, c.after) for c in cut.changed]
    ((2, 2), [('brevtjeneste', 'down'), ('saksbehandling', 'down')])
    >>> G.has_edge("brevtjeneste", "digipost")
    True
    """
    failed = require_nodes(G, down)
    edits = tuple(edits)
    require_nodes(G, [end for e in edits for end in (e.source, e.target)])
    before = impact(G, failed, min_confidence=min_confidence)
    keep = _relevant(G, [*failed, *(e.source for e in edits if isinstance(e, AddEdge))])
    keep |= {m for n in list(keep) for m in G.succ[n]}
    H = G.subgraph(keep).copy()
    H.add_nodes_from((e.target, dict(G.nodes[e.target])) for e in edits if isinstance(e, AddEdge))
    removed: set[tuple[str, str, str]] = set()
    for e in edits:  # edits of edges outside the copied part cannot change the outcome, but must still apply
        if not isinstance(e, AddEdge) and e.source not in keep:
            if (e.source, e.target, e.type) in removed:
                raise InvalidEdit(f"no edge {e.source} -{e.type}-> {e.target}")
            _existing(G, e.source, e.target, e.type)
            if isinstance(e, RemoveEdge):
                removed.add((e.source, e.target, e.type))
    apply_edits(H, [e for e in edits if isinstance(e, AddEdge) or e.source in keep])
    after = impact(H, failed, min_confidence=min_confidence)
    b, a = before.states(), after.states()
    changed = tuple(
        Change(n, str(G.nodes[n].get("name") or n), b.get(n, "ok"), a.get(n, "ok"))
        for n in sorted(set(b) | set(a))
        if b.get(n, "ok") != a.get(n, "ok")
    )
    return Scenario(failed, edits, before, after, changed)
