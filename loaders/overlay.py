"""The curated overlay: architects' additions, removals and corrections, each with a reason.

Format (``seed/overlay.yaml``)::

    version: 1
    document: hdir-systemportefolje-2023.txt     # the document it was written for
    nodes:
      add:    [{id, name, kind, aliases?, owner?, description?, reason}]
      update: [{id, name?, kind?, aliases?, owner?, description?, reason,     # aliases are added
                administrator?, operator?, criticality?, rto?, rpo?, mtd?, hosting?, fallback?}]
      remove: [{id, reason}]                                                 # and every edge touching it
      merge:  [{id, into, reason}]        # two names of one system: id's edges, name and aliases go to into
    entries:
      rename: [{line, name, reason}]     # the entry that starts on that line of the document, renamed before
                                         # anything is read from it (a doubtful or over-long name)
    edges:
      add:    [{source, target, type, strength?, alt_group?, scope?, mode?, tolerance?, capability?, reason}]
      update: [{source, target, type, strength?, alt_group?, scope?, mode?, tolerance?, capability?, reason}]
      remove: [{source, target, type, reason}]
      accept: [{source, target, type, reason}]   # an inferred edge signed off: confidence curated
    findings:
      dismiss: [{code, nodes?, reason}]          # a finding looked at and set aside (nodes: the ones it names)
    same_as:  [{a: "source:node", b: "source:node", reason}]   # only in a manifest's overlay: two nodes of
    not_same: [{a: "source:node", b: "source:node", reason}]   # different sources are one, or are not

``rto``, ``rpo`` and ``mtd`` (maximum tolerable downtime) are durations: ``4 h``, ``30 min``, ``2 d``, ``PT4H``.
A top-level ``sheets: [file.csv | file.xlsx]`` (beside the overlay) adds the same fields from a table, one row
per system (see :mod:`loaders.sheet`). Curated edges get ``confidence: curated``, the reason as evidence and the overlay's line as source line.
Every problem raises :class:`~loaders.errors.LoadError` naming the overlay line; nothing is half-applied.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from graph.durations import DurationError, hours
from graph.model import Confidence, Edge, Finding, Node, NodeKind, Portfolio, RelType, Strength
from loaders.errors import LoadError

__all__ = ["apply_overlay", "entry_names", "read_overlay"]

_FLOW = ("mode", "tolerance", "capability")  # how the need is met, how long it can wait, what it is for
_MODES = ("live", "message", "batch")
# What a risk assessment adds per system; the durations are written rto/rpo/mtd and kept in hours.
_TEXT_PROFILE = ("owner", "administrator", "operator", "criticality", "hosting", "fallback")
_DURATIONS = {"rto": "rto_hours", "rpo": "rpo_hours", "mtd": "mtd_hours"}
_PROFILE = {*_TEXT_PROFILE, *_DURATIONS}
_SECTIONS = {
    "entries": {"rename"},
    "nodes": {"add", "update", "remove", "merge"},
    "edges": {"add", "update", "remove", "accept"},
    "findings": {"dismiss"},
}
_FIELDS = {
    ("entries", "rename"): ({"line", "name", "reason"}, set()),
    ("nodes", "add"): ({"id", "name", "kind", "reason"}, {"aliases", "owner", "description", "labels"}),
    ("nodes", "update"): ({"id", "reason"}, {"name", "kind", "aliases", "description", "labels", *_PROFILE}),
    ("nodes", "remove"): ({"id", "reason"}, set()),
    ("edges", "add"): ({"source", "target", "type", "reason"}, {"strength", "alt_group", "scope", *_FLOW}),
    ("edges", "update"): ({"source", "target", "type", "reason"}, {"strength", "alt_group", "scope", *_FLOW}),
    ("edges", "remove"): ({"source", "target", "type", "reason"}, set()),
    ("nodes", "merge"): ({"id", "into", "reason"}, set()),
    ("edges", "accept"): ({"source", "target", "type", "reason"}, set()),
    ("findings", "dismiss"): ({"code", "reason"}, {"nodes"}),
}
_LISTS = {"aliases", "scope", "nodes"}
_NULLABLE = {"alt_group"}


def profile_changes(item: Any, source: str) -> dict[str, Any]:
    """The risk-assessment fields an overlay item (or a sheet row) sets, as :class:`Node` fields.

    >>> profile_changes({"criticality": "A", "rto": "4 h", "mtd": "2 d"}, "overlay.yaml")
    {'criticality': 'A', 'rto_hours': 4.0, 'mtd_hours': 48.0}
    """
    changes: dict[str, Any] = {}
    for fld in _TEXT_PROFILE:
        if fld in item and item[fld] is not None and str(item[fld]).strip():
            changes[fld] = str(item[fld]).strip()
    for fld, attr in _DURATIONS.items():
        if fld in item and item[fld] is not None and str(item[fld]).strip():
            try:
                changes[attr] = hours(item[fld])
            except DurationError as exc:
                raise LoadError(source, _line(item, fld), f"{fld}: {exc}") from None
    return changes


def _line(node: Any, key: str | int | None = None) -> int | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    if key is None:
        return int(lc.line) + 1
    try:
        pos = lc.key(key) if isinstance(node, CommentedMap) else lc.item(key)
        return int(pos[0]) + 1
    except (KeyError, IndexError, TypeError):
        return int(lc.line) + 1


def load_yaml(data: bytes, source: str) -> Any:
    """YAML with its line marks (ruamel's round-trip loader), or a :class:`LoadError` naming the line: not
    UTF-8, or not valid YAML."""
    try:
        return YAML(typ="rt").load(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise LoadError(source, data.count(b"\n", 0, exc.start) + 1, "invalid UTF-8") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(source, mark.line + 1 if mark else None, f"not valid YAML: {problem}") from None


def read_overlay(data: bytes, source: str) -> CommentedMap:
    """Parse and check the overlay's shape (not yet its ids: that needs the portfolio)."""
    doc = load_yaml(data, source)
    if not isinstance(doc, CommentedMap):
        raise LoadError(source, None, "the overlay must be a mapping with 'version', 'nodes' and 'edges'")
    unknown = set(doc) - {"version", "document", "sheets", "same_as", "not_same", *_SECTIONS}
    if unknown:
        key = sorted(unknown)[0]
        raise LoadError(
            source,
            _line(doc, key),
            f"unknown top-level key {key!r}; expected version, document, sheets, entries, nodes, edges, "
            "same_as, not_same",
        )
    sheets = doc.get("sheets", CommentedSeq())
    if not isinstance(sheets, CommentedSeq) or not all(isinstance(s, str) for s in sheets):
        raise LoadError(source, _line(doc, "sheets"), "'sheets' must be a list of file names (.csv or .xlsx)")
    if doc.get("version") != 1:
        raise LoadError(source, _line(doc, "version"), "'version: 1' is required")
    for section, ops in _SECTIONS.items():
        block = doc.get(section)
        if block is None:
            continue
        if not isinstance(block, CommentedMap):
            raise LoadError(source, _line(doc, section), f"'{section}' must be a mapping of {sorted(ops)}")
        for op, items in block.items():
            if op not in ops:
                raise LoadError(
                    source, _line(block, op), f"unknown operation '{section}.{op}'; expected {sorted(ops)}"
                )
            if not isinstance(items, CommentedSeq):
                raise LoadError(source, _line(block, op), f"'{section}.{op}' must be a list")
            for i, item in enumerate(items):
                _check_item(source, section, op, item, _line(items, i))
    return doc


def _check_item(source: str, section: str, op: str, item: Any, where: int | None) -> None:
    """One ``section.op`` item: a mapping with the required fields, no unknown ones, values of the right
    shape and a non-empty reason."""
    required, optional = _FIELDS[(section, op)]
    if not isinstance(item, CommentedMap):
        raise LoadError(source, where, f"each '{section}.{op}' item must be a mapping")
    missing = required - set(item)
    if missing:
        raise LoadError(source, where, f"'{section}.{op}' item lacks {', '.join(sorted(missing))}")
    extra = set(item) - required - optional
    if extra:
        raise LoadError(source, _line(item, sorted(extra)[0]), f"unknown field {sorted(extra)[0]!r}")
    _check_values(source, item)
    if not str(item["reason"]).strip():
        raise LoadError(source, _line(item, "reason"), "every change needs a non-empty reason")


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _check_values(source: str, item: CommentedMap) -> None:
    """Every field is text (a number reads as text), ``aliases`` and ``scope`` lists of text, ``alt_group``
    text or null: nothing nested, so an anchor-and-alias bomb cannot pass either."""
    for key, value in item.items():
        if key in _LISTS and isinstance(value, CommentedSeq):
            for i, v in enumerate(value):
                if not _is_text(v):
                    raise LoadError(
                        source,
                        _line(value, i),
                        f"{key} must be a list of names; item {i + 1} is {_yaml_kind(v)}",
                    )
        elif key in _LISTS:
            raise LoadError(
                source, _line(item, key), f"{key} must be a list of names, not {_yaml_kind(value)}"
            )
        elif not (_is_text(value) or (key in _NULLABLE and value is None)):
            raise LoadError(source, _line(item, key), f"{key} must be text, not {_yaml_kind(value)}")


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return "true/false" if isinstance(value, bool) else type(value).__name__


def _enum(source: str, item: CommentedMap, key: str, enum: type[Any]) -> Any:
    try:
        return enum(item[key])
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise LoadError(source, _line(item, key), f"{key} {item[key]!r} is not one of {allowed}") from None


def entry_names(doc: CommentedMap, source: str) -> tuple[dict[int, str], dict[int, int | None]]:
    """The overlay's ``entries.rename``: {document line: new name}, and {document line: overlay line}."""
    names: dict[int, str] = {}
    where: dict[int, int | None] = {}
    for item in (doc.get("entries") or {}).get("rename", []):
        line = str(item["line"])
        if not line.isdigit() or int(line) < 1:
            raise LoadError(
                source, _line(item, "line"), f"line must be a line number of the document, not {line!r}"
            )
        if not str(item["name"]).strip():
            raise LoadError(source, _line(item, "name"), "the new name is empty")
        names[int(line)] = str(item["name"])
        where[int(line)] = _line(item)
    return names, where


def _need(source: str, nodes: dict[str, Node], item: CommentedMap, key: str) -> str:
    node_id = str(item[key])
    if node_id not in nodes:
        close = difflib.get_close_matches(node_id, list(nodes), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise LoadError(source, _line(item, key), f"unknown node id {node_id!r}{hint}")
    return node_id


@dataclass
class _Work:
    """What :func:`apply_overlay` changes, operation by operation: copies of the portfolio's parts."""

    source: str  # the overlay, for errors
    name: str  # the overlay's file name, for the curated parts' document
    nodes: dict[str, Node]
    edges: dict[tuple[str, str, str], Edge]
    findings: list[Finding]


def apply_overlay(portfolio: Portfolio, doc: CommentedMap, source: str) -> Portfolio:
    """A new portfolio with the overlay applied. The input is never changed."""
    expected = doc.get("document")
    if expected and Path(str(expected)).name != Path(portfolio.document).name:
        raise LoadError(
            source,
            _line(doc, "document"),
            f"written for {expected!r}, not for {Path(portfolio.document).name!r}",
        )
    w = _Work(
        source=source,
        name=Path(source).name,
        nodes={n.id: n for n in portfolio.nodes},
        edges={e.key: e for e in portfolio.edges},
        findings=list(portfolio.findings),
    )
    for section, op, apply in _OPERATIONS:
        for item in (doc.get(section) or {}).get(op, []):
            apply(w, item)
    for e in w.edges.values():
        for actor in e.scope:
            if actor not in w.nodes:
                raise LoadError(
                    source, None, f"edge {e.source} -> {e.target} is scoped to unknown node {actor!r}"
                )
    return portfolio.with_(
        nodes=tuple(w.nodes.values()),
        edges=tuple(sorted(w.edges.values(), key=lambda e: (e.source, e.target, e.type.value))),
        findings=tuple(w.findings),
    )


def _rename_entry(w: _Work, item: CommentedMap) -> None:
    """``entries.rename``: already applied when the document was read; recorded here as a finding."""
    w.findings.append(
        Finding(
            "curated-rename",
            f"the entry on line {item['line']} is named “{item['name']}” by the overlay: {item['reason']}",
            (),
            _line(item),
        )
    )


def _add_node(w: _Work, item: CommentedMap) -> None:
    node_id = str(item["id"])
    if node_id in w.nodes:
        raise LoadError(w.source, _line(item, "id"), f"node {node_id!r} already exists; use nodes.update")
    w.nodes[node_id] = Node(
        id=node_id,
        name=str(item["name"]),
        kind=_enum(w.source, item, "kind", NodeKind),
        aliases=tuple(str(a) for a in item.get("aliases", [])),
        owner=item.get("owner"),
        description=item.get("description"),
        document=w.name,
        line=_line(item),
    )


def _update_node(w: _Work, item: CommentedMap) -> None:
    node_id = _need(w.source, w.nodes, item, "id")
    n = w.nodes[node_id]
    changes: dict[str, Any] = {}
    for fld in ("name", "description"):
        if fld in item:
            changes[fld] = str(item[fld])
    changes |= profile_changes(item, w.source)
    if "kind" in item:
        changes["kind"] = _enum(w.source, item, "kind", NodeKind)
    if "aliases" in item:
        changes["aliases"] = tuple(dict.fromkeys((*n.aliases, *(str(a) for a in item["aliases"]))))
    w.nodes[node_id] = replace(n, **changes)


def _remove_node(w: _Work, item: CommentedMap) -> None:
    node_id = _need(w.source, w.nodes, item, "id")
    del w.nodes[node_id]
    for touching in [k for k in w.edges if node_id in k[:2]]:
        del w.edges[touching]
    w.findings.append(
        Finding("curated-removal", f"node {node_id} removed: {item['reason']}", (node_id,), _line(item))
    )


def _add_edge(w: _Work, item: CommentedMap) -> None:
    source = w.source
    s, t = _need(source, w.nodes, item, "source"), _need(source, w.nodes, item, "target")
    rel = _enum(source, item, "type", RelType)
    if (s, t, rel.value) in w.edges:
        raise LoadError(source, _line(item), f"edge {s} -{rel.value}-> {t} already exists; use edges.update")
    w.edges[(s, t, rel.value)] = Edge(
        source=s,
        target=t,
        type=rel,
        evidence=str(item["reason"]),
        confidence=Confidence.CURATED,
        strength=_enum(source, item, "strength", Strength) if "strength" in item else Strength.HARD,
        document=w.name,
        line=_line(item),
        alt_group=item.get("alt_group"),
        scope=tuple(str(a) for a in item.get("scope", [])),
        rule="overlay",
        **_flow(source, item),
    )


def _update_edge(w: _Work, item: CommentedMap) -> None:
    key = _edge_key(w.source, w.nodes, w.edges, item)
    changes: dict[str, Any] = {"note": f"{item['reason']} ({w.name}:{_line(item)})"}
    if "strength" in item:
        changes["strength"] = _enum(w.source, item, "strength", Strength)
    if "alt_group" in item:
        changes["alt_group"] = item["alt_group"]
    if "scope" in item:
        changes["scope"] = tuple(str(a) for a in item["scope"])
    changes.update(_flow(w.source, item))
    w.edges[key] = replace(w.edges[key], **changes)


def _remove_edge(w: _Work, item: CommentedMap) -> None:
    key = _edge_key(w.source, w.nodes, w.edges, item)
    del w.edges[key]
    w.findings.append(
        Finding(
            "curated-removal",
            f"edge {key[0]} -{key[2]}-> {key[1]} removed: {item['reason']}",
            (key[0], key[1]),
            _line(item),
        )
    )


def _accept_edge(w: _Work, item: CommentedMap) -> None:
    key = _edge_key(w.source, w.nodes, w.edges, item)
    e = w.edges[key]
    if e.confidence is not Confidence.INFERRED:
        raise LoadError(
            w.source,
            _line(item),
            f"edge {key[0]} -{key[2]}-> {key[1]} is {e.confidence.value}, not inferred",
        )
    w.edges[key] = replace(
        e, confidence=Confidence.CURATED, note=f"{item['reason']} ({w.name}:{_line(item)})"
    )


def _merge_node(w: _Work, item: CommentedMap) -> None:
    """``nodes.merge``: node ``id`` is ``into`` under another name — its edges (and the scopes naming it) move
    to ``into``, its name and aliases become aliases of ``into``; a relation both had keeps ``into``'s."""
    source, nodes, edges = w.source, w.nodes, w.edges
    gone, into = _need(source, nodes, item, "id"), _need(source, nodes, item, "into")
    if gone == into:
        raise LoadError(source, _line(item), f"node {gone!r} cannot be merged into itself")
    old, keep = nodes.pop(gone), nodes[into]
    names = [old.name, *(x for x in (old.short,) if x), *old.aliases]
    nodes[into] = replace(
        keep, aliases=tuple(dict.fromkeys((*keep.aliases, *(n for n in names if n != keep.name))))
    )
    for key in [k for k in edges if gone in k[:2]]:
        e = edges.pop(key)
        s, t = (into if e.source == gone else e.source), (into if e.target == gone else e.target)
        if s != t and (s, t, key[2]) not in edges:
            edges[(s, t, key[2])] = replace(e, source=s, target=t)
    for key, e in list(edges.items()):
        if gone in e.scope:
            edges[key] = replace(e, scope=tuple(dict.fromkeys(into if a == gone else a for a in e.scope)))
    w.findings.append(
        Finding("curated-merge", f"node {gone} merged into {into}: {item['reason']}", (into,), _line(item))
    )


def _dismiss(w: _Work, item: CommentedMap) -> None:
    """``findings.dismiss``: the findings of ``code`` (naming every node of ``nodes``, when given) set aside."""
    wanted = {str(n) for n in item.get("nodes") or ()}
    keep = [f for f in w.findings if not (f.code == str(item["code"]) and wanted <= set(f.nodes))]
    if len(keep) == len(w.findings):
        raise LoadError(
            w.source,
            _line(item),
            f"no finding {item['code']!r} naming {sorted(wanted) or 'anything'} to dismiss",
        )
    w.findings = keep


def _flow(source: str, item: CommentedMap) -> dict[str, Any]:
    """The ``mode``, ``tolerance`` and ``capability`` an overlay item sets (``mode`` one of live, message,
    batch)."""
    out = {k: str(item[k]) for k in _FLOW if k in item}
    if "mode" in out and out["mode"] not in _MODES:
        raise LoadError(
            source, _line(item, "mode"), f"mode {out['mode']!r} is not one of {', '.join(_MODES)}"
        )
    return out


def _edge_key(
    source: str, nodes: dict[str, Node], edges: dict[tuple[str, str, str], Edge], item: CommentedMap
) -> tuple[str, str, str]:
    s, t = _need(source, nodes, item, "source"), _need(source, nodes, item, "target")
    rel = _enum(source, item, "type", RelType)
    key = (s, t, rel.value)
    if key not in edges:
        have = ", ".join(sorted(k[2] for k in edges if k[:2] == (s, t))) or "none"
        raise LoadError(
            source, _line(item), f"no edge {s} -{rel.value}-> {t} to change (types there: {have})"
        )
    return key


# The operations in the order they apply: a node is added before an edge can name it, edges are changed
# before a merge moves them, and findings are dismissed last, when every finding exists.
_OPERATIONS: tuple[tuple[str, str, Callable[[_Work, CommentedMap], None]], ...] = (
    ("entries", "rename", _rename_entry),
    ("nodes", "add", _add_node),
    ("nodes", "update", _update_node),
    ("nodes", "remove", _remove_node),
    ("edges", "add", _add_edge),
    ("edges", "update", _update_edge),
    ("edges", "remove", _remove_edge),
    ("nodes", "merge", _merge_node),
    ("edges", "accept", _accept_edge),
    ("findings", "dismiss", _dismiss),
)
