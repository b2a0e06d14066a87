"""Curation: architects' decisions on the graph, kept as data, signed, reasoned and reversible.

A decision is one overlay operation (:mod:`loaders.overlay`: ``nodes.add|update|remove|merge``,
``edges.add|update|remove|accept``, ``findings.dismiss``, ``entries.rename``) with its author, time and
reason; or a ``revert`` naming the decision it undoes (a revert of a revert redoes it). Decisions are
append-only. The curated graph is the sources' graph (the *base*) with every decision in force applied in
order (:func:`curated`); a decision that no longer applies (its edge is gone from a new version of the
document) is kept and reported as finding ``stale-decision``.

Every change is a :data:`graph.store.Change`: the store runs it under its writer lock with its current state
(source parts and decisions), so the base is never lost and two writers never lose each other's decision.
Where a graph was loaded whole (no source parts), the first decision keeps it as the base.

>>> from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType
>>> base = Portfolio("d.txt", (Node("a", "A", NodeKind.SYSTEM), Node("b", "B", NodeKind.SYSTEM)),
...                  (Edge("a", "b", RelType.USES, "A bruker B.", Confidence.INFERRED),))
>>> d1 = decision(1, "edges.accept", {"source": "a", "target": "b", "type": "USES"}, "ola", "Sagt i møtet.")
>>> [e.confidence.value for e in curated(base, [d1]).edges]
['curated']
>>> d2 = revert_of(2, d1, "kari", "Ikke bekreftet.")
>>> [e.confidence.value for e in curated(base, [d1, d2]).edges]
['inferred']
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from graph.model import Finding, Portfolio
from graph.store import Change, Decision, SourcePart, StoreState
from loaders.errors import LoadError
from loaders.overlay import apply_overlay, read_overlay
from loaders.sources import Resolution, Source, combine, portfolio_sources, resolutions_of

__all__ = [
    "OPS",
    "CurationError",
    "active",
    "curated",
    "decide",
    "decide_all",
    "decision",
    "export_overlay",
    "import_overlay",
    "in_force",
    "load_whole",
    "revert",
    "revert_of",
]

# Every operation a decision may be, with the fields its item has (required, optional): the overlay's.
OPS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "nodes.add": (
        frozenset({"id", "name", "kind"}),
        frozenset({"aliases", "owner", "description", "labels"}),
    ),
    "nodes.update": (
        frozenset({"id"}),
        frozenset(
            {
                "name",
                "kind",
                "aliases",
                "description",
                "owner",
                "administrator",
                "operator",
                "criticality",
                "rto",
                "rpo",
                "mtd",
                "hosting",
                "fallback",
            }
        ),
    ),
    "nodes.remove": (frozenset({"id"}), frozenset()),
    "nodes.merge": (frozenset({"id", "into"}), frozenset()),
    "edges.add": (
        frozenset({"source", "target", "type"}),
        frozenset({"strength", "alt_group", "scope", "mode", "tolerance", "capability"}),
    ),
    "edges.update": (
        frozenset({"source", "target", "type"}),
        frozenset({"strength", "alt_group", "scope", "mode", "tolerance", "capability"}),
    ),
    "edges.remove": (frozenset({"source", "target", "type"}), frozenset()),
    "edges.accept": (frozenset({"source", "target", "type"}), frozenset()),
    "findings.dismiss": (frozenset({"code"}), frozenset({"nodes"})),
    "entries.rename": (frozenset({"line", "name"}), frozenset()),
}
_DOCUMENT_LEVEL = {"entries.rename"}  # applied when the document is read: kept for the overlay export
CURATION = "curation"  # the document name curated edges cite


class CurationError(ValueError):
    """A decision that cannot be made: its shape (``status`` 422) or the graph it would apply to (409)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def decision(
    seq: int, op: str, item: dict[str, Any], author: str, reason: str, at: str | None = None
) -> Decision:
    """A new decision, its shape checked (:class:`CurationError`, 422, when it is wrong)."""
    if op not in OPS:
        raise CurationError(f"unknown operation {op!r}; expected one of {', '.join(sorted(OPS))}")
    required, optional = OPS[op]
    missing = sorted(required - item.keys())
    if missing:
        raise CurationError(f"{op} needs {', '.join(missing)}")
    extra = sorted(item.keys() - required - optional)
    if extra:
        raise CurationError(f"{op} has no field {extra[0]!r}")
    if not reason or not reason.strip():
        raise CurationError("every decision needs a reason")
    if not author or not author.strip():
        raise CurationError("every decision needs an author")
    return Decision(f"d-{uuid.uuid4().hex[:12]}", seq, op, dict(item), author, at or _now(), reason.strip())


def revert_of(seq: int, target: Decision, author: str, reason: str, at: str | None = None) -> Decision:
    """The decision that undoes ``target`` (or, ``target`` being a revert, redoes what it undid)."""
    if not reason or not reason.strip():
        raise CurationError("every decision needs a reason")
    return Decision(
        f"d-{uuid.uuid4().hex[:12]}", seq, "revert", {}, author, at or _now(), reason.strip(), target.id
    )


def _undone(decisions: Sequence[Decision]) -> set[str]:
    undone: set[str] = set()
    for d in reversed(decisions):  # the last word on a decision is the latest revert still in force
        if d.op == "revert" and d.id not in undone and d.reverts is not None:
            undone.add(d.reverts)
    return undone


def active(decisions: Sequence[Decision]) -> list[Decision]:
    """The decisions in force, in order: every one not undone by a revert (a revert of a revert redoes)."""
    undone = _undone(decisions)
    return [d for d in decisions if d.op != "revert" and d.id not in undone]


def in_force(decisions: Sequence[Decision]) -> set[str]:
    """The ids of the decisions in force, reverts included (a revert undone by another is not)."""
    undone = _undone(decisions)
    return {d.id for d in decisions if d.id not in undone}


def _apply(p: Portfolio, d: Decision) -> Portfolio:
    """``p`` with decision ``d`` applied (a :class:`~loaders.errors.LoadError` when it does not apply)."""
    section, _, action = d.op.partition(".")
    doc = {section: {action: [{**d.item, "reason": d.reason}]}}
    out = apply_overlay(p, doc, CURATION)  # type: ignore[arg-type]
    signed = f"{d.reason} ({d.author}, {d.at}, decision {d.id})"
    if section == "edges" and action in ("add", "update", "accept"):
        key = (str(d.item["source"]), str(d.item["target"]), str(d.item["type"]))
        out = out.with_(
            edges=tuple(
                replace(e, note=signed, rule=CURATION if action == "add" else e.rule) if e.key == key else e
                for e in out.edges
            )
        )
    return out


def curated(base: Portfolio, decisions: Sequence[Decision]) -> Portfolio:
    """``base`` with every decision in force applied in order; one that no longer applies is a finding."""
    p = base
    stale: list[Finding] = []
    for d in active(decisions):
        if d.op in _DOCUMENT_LEVEL:
            continue
        try:
            p = _apply(p, d)
        except LoadError as exc:
            names = tuple(str(d.item[k]) for k in ("id", "source", "target") if k in d.item)
            stale.append(
                Finding(
                    "stale-decision",
                    f"decision {d.id} ({d.op} by {d.author}, {d.at}: {d.reason}) no longer applies: {exc.message}",
                    tuple(n for n in names if any(x.id == n for x in p.nodes)),
                )
            )
    return p.with_(findings=(*p.findings, *stale)) if stale else p


# ------------------------------------------------------------------------------------------- changes


def _base(
    state: StoreState, read_current: Callable[[], Portfolio | None]
) -> tuple[tuple[SourcePart, ...], Portfolio | None]:
    """The source parts the curated graph rests on; a graph loaded whole (no parts, no decision yet) is
    kept as its one part, and ``None`` when nothing is loaded."""
    if state.parts:
        return state.parts, None
    if state.decisions:
        raise CurationError(
            "the store has decisions but no base graph to apply them to; load the portfolio", 409
        )
    whole = read_current()
    if whole is None:
        raise CurationError("nothing is loaded yet: load a portfolio first", 409)
    ref = portfolio_sources(whole)[0]
    return (
        SourcePart(ref.id, whole.document, ref.organisation, ref.sha256, whole.revision, "", whole),
    ), whole


def _merged(
    parts: tuple[SourcePart, ...], whole: Portfolio | None, resolutions: Sequence[Resolution]
) -> Portfolio:
    if whole is not None:
        return whole
    if len(parts) == 1 and parts[0].loaded_at == "":  # a graph loaded whole, kept as its base
        return parts[0].portfolio
    merged, _ = combine(parts, decisions=resolutions, now="")
    return merged


def decide(make: Callable[[int], Decision], read_current: Callable[[], Portfolio | None]) -> Change:
    """The change that appends the decision ``make(seq)`` and applies it; refused (409) when it does not
    apply to the current graph."""
    return decide_all([make], read_current)


def decide_all(
    makes: Sequence[Callable[[int], Decision]], read_current: Callable[[], Portfolio | None]
) -> Change:
    """The change that appends the decisions ``make(seq)`` in order, as one revision; refused as a whole
    (409, naming the first) when one of them does not apply."""

    def change(state: StoreState) -> tuple[Portfolio, StoreState]:
        parts, whole = _base(state, read_current)
        base = _merged(parts, whole, resolutions_of(whole) if whole else ())
        decisions = list(state.decisions)
        current = curated(base, decisions)
        for make in makes:
            new = make(len(decisions) + 1)
            if new.op == "revert":
                if not any(d.id == new.reverts for d in decisions):
                    raise CurationError(f"no decision {new.reverts!r} to revert", 404)
                current = curated(base, [*decisions, new])
            elif new.op not in _DOCUMENT_LEVEL:
                try:
                    current = _apply(current, new)
                except LoadError as exc:
                    raise CurationError(f"{new.op} does not apply: {exc.message}", 409) from None
            decisions.append(new)
        return curated(base, decisions), StoreState(parts, tuple(decisions))

    return change


def revert(
    decision_id: str,
    author: str,
    reason: str,
    read_current: Callable[[], Portfolio | None],
    decisions: Sequence[Decision],
) -> Change:
    """The change that undoes decision ``decision_id`` (404 when there is none)."""
    target = next((d for d in decisions if d.id == decision_id), None)
    if target is None:
        raise CurationError(f"no decision {decision_id!r}", 404)
    return decide(lambda seq: revert_of(seq, target, author, reason), read_current)


def load_whole(portfolio: Portfolio) -> Change:
    """Replace the base with ``portfolio`` (a new version of the document) and apply the decisions again:
    those that no longer apply become ``stale-decision`` findings."""

    def change(state: StoreState) -> tuple[Portfolio, StoreState]:
        if not state.decisions:
            return portfolio, StoreState((), ())
        ref = portfolio_sources(portfolio)[0]
        part = SourcePart(
            ref.id, portfolio.document, ref.organisation, ref.sha256, portfolio.revision, "", portfolio
        )
        return curated(portfolio, state.decisions), StoreState((part,), state.decisions)

    return change


def load_sources(
    add: Sequence[tuple[Source, Portfolio, str | None]],
    remove: Sequence[str],
    resolutions: Sequence[Resolution],
    finish: Callable[[Portfolio], Portfolio],
    read_current: Callable[[], Portfolio | None],
) -> Change:
    """Add or replace sources (``add``) and unload others (``remove``), keep the rest, merge, and apply the
    decisions again. Without new ``resolutions`` the current graph's same_as / not_same stay."""

    def change(state: StoreState) -> tuple[Portfolio, StoreState]:
        parts = state.parts
        chosen = list(resolutions)
        if not parts:
            whole = read_current()
            if whole is not None:
                ref = portfolio_sources(whole)[0]
                parts = (SourcePart(ref.id, whole.document, None, None, whole.revision, "", whole),)
        elif not chosen:
            current = read_current()
            chosen = list(resolutions_of(current)) if current else []
        try:
            merged, new_parts = combine(parts, add, remove, decisions=chosen, finish=finish)
        except LookupError as exc:
            raise CurationError(str(exc), 404) from None
        return curated(merged, state.decisions), StoreState(new_parts, state.decisions)

    return change


# ----------------------------------------------------------------------------------- the overlay format


def _identity(op: str, item: Any) -> tuple[Any, ...]:
    """What names the thing an overlay item is about (two items alike in it are one)."""
    keys = {"entries.rename": ("line",), "findings.dismiss": ("code", "nodes"), "nodes.merge": ("id", "into")}
    fields = keys.get(op) or (("source", "target", "type") if op.startswith("edges.") else ("id",))
    return (op, *(str(item.get(f)) for f in fields))


def export_overlay(
    decisions: Sequence[Decision], existing: str | None = None, document: str | None = None
) -> str:
    """The decisions in force as overlay YAML. Given an ``existing`` overlay, its items that are still in
    force stay where they are with their comments, those no longer in force go, and new ones are appended."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # the overlay's own layout: list items indented under keys
    doc = yaml.load(existing) if existing else None
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap(version=1)
        if document:
            doc["document"] = document
    wanted: dict[tuple[Any, ...], Decision] = {}
    for d in active(decisions):
        wanted[_identity(d.op, d.item)] = d  # a later decision on the same thing wins
    seen: set[tuple[Any, ...]] = set()
    for section in ("entries", "nodes", "edges", "findings"):
        block = doc.get(section)
        if not isinstance(block, CommentedMap):
            continue
        for action in list(block):
            items = block[action]
            op = f"{section}.{action}"
            for i in reversed(range(len(items))):
                key = _identity(op, items[i])
                if key in wanted and key not in seen:
                    seen.add(key)
                else:
                    del items[i]
            if not items:
                del block[action]
        if not block:
            del doc[section]
    for key, d in wanted.items():
        if key in seen:
            continue
        section, _, action = d.op.partition(".")
        block = doc.setdefault(section, CommentedMap())
        items = block.setdefault(action, CommentedSeq())
        items.append(CommentedMap({**d.item, "reason": d.reason}))
    out = StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def import_overlay(
    data: bytes, source: str, author: str, first_seq: int, at: str | None = None
) -> list[Decision]:
    """One decision per item of the overlay (its shape checked as any overlay's), signed by ``author``."""
    doc = read_overlay(data, source)
    out: list[Decision] = []
    stamp = at or _now()
    for section in ("entries", "nodes", "edges", "findings"):
        for action, items in (doc.get(section) or {}).items():
            for item in items:
                fields = {k: _plain(v) for k, v in item.items() if k != "reason"}
                out.append(
                    decision(
                        first_seq + len(out),
                        f"{section}.{action}",
                        fields,
                        author,
                        str(item["reason"]),
                        stamp,
                    )
                )
    return out


def _plain(value: Any) -> Any:
    return [str(v) for v in value] if isinstance(value, list) else value
