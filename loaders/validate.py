"""What every imported node and edge must be, whatever format it came in (node-link JSON, GraphML, ArchiMate,
the CSV pair): the importers' one set of rules.

* **Fields have their types.** Text is text (safe to show: :func:`loaders.checks.unsafe_character`), an enum
  field one of its values, a list field a list of text (or of kinds), ``line`` a whole number from 1 to
  :data:`MAX_LINE`, an ``*_hours`` field a finite number of 0 or more. ``None`` is an absent field. The
  checks follow the fields of :class:`~graph.model.Node` and :class:`~graph.model.Edge` as declared, so a
  field added to the model is checked by its type at once. Fields the model does not have are ignored.
* **Ids are slugs** (:func:`graph.model.slugify`): lower-case letters a–z and digits, joined by single
  hyphens. ``PORTAL``, ``a b`` or ``../../etc/passwd`` are not ids: they would answer for the wrong node, or
  reach a file name or a URL as they are.
* **The graph holds together** (:func:`check_graph`): node ids are unique, and every edge's ends and scope
  name nodes of the same file; no two edges have one source, target and type.
* **Nothing is nested deeper than** :data:`MAX_DEPTH` lists or objects (:func:`nested_too_deeply`): a deeper
  file ends in a ``RecursionError`` somewhere, so a reader refuses it first.

Each rule broken is a :class:`~loaders.errors.LoadError` naming the file, the line when the format has one,
the node or edge and the field.

>>> node_from_dict({"id": "portal", "name": "Portal", "kind": "system", "line": 3}, "p.json").line
3
>>> node_from_dict({"id": "portal", "name": "Portal", "kind": "system", "line": float("nan")}, "p.json")
Traceback (most recent call last):
...
loaders.errors.LoadError: p.json: node 'portal': line nan is not a whole number from 1 to 10,000,000
>>> node_from_dict({"id": "PORTAL", "name": "Portal", "kind": "system"}, "p.json")
Traceback (most recent call last):
...
loaders.errors.LoadError: p.json: node 'PORTAL': id 'PORTAL' is not a slug (lower-case letters a–z and digits, joined by single hyphens)
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from graph.model import Edge, Node
from loaders.checks import MAX_NAME_LENGTH, unsafe_character
from loaders.errors import LoadError

__all__ = [
    "MAX_DEPTH",
    "MAX_LINE",
    "check_graph",
    "check_id",
    "check_line",
    "edge_from_dict",
    "edge_name",
    "flat",
    "is_slug",
    "nested_too_deeply",
    "node_from_dict",
    "show",
]

MAX_LINE = 10_000_000
MAX_DEPTH = 32
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NAMES = frozenset({"id", "name", "short", "aliases"})  # what a query may ask for: at most MAX_NAME_LENGTH
T = TypeVar("T", Node, Edge)


class _Invalid(Exception):
    """A field's value is not what the field holds; the message names the field."""


Check = Callable[[Any, str], Any]


def show(value: object) -> str:
    """A value as an error message shows it: a list or object by its kind, anything else escaped and at most
    40 characters.

    >>> show("../../etc/passwd"), show("x" * 50), show(float("inf")), show([[1]]), show(True)
    ("'../../etc/passwd'", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…", 'inf', 'a list', 'True')
    """
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    try:
        text = repr(value)
    except ValueError:  # an integer of more digits than Python converts
        return "a very large number"
    return text if len(text) <= 40 else text[:40] + "…"


def is_slug(value: object) -> bool:
    """Whether ``value`` is an id: a slug as :func:`graph.model.slugify` makes them.

    >>> is_slug("kunde-portal-for-alle"), is_slug("PORTAL"), is_slug("a--b"), is_slug("../x")
    (True, False, False, False)
    """
    return isinstance(value, str) and _SLUG.fullmatch(value) is not None


def edge_name(source: object, target: object) -> str:
    """How messages name an edge: ``edge 'a' → 'b'``."""
    return f"edge {show(source)} → {show(target)}"


# ------------------------------------------------------------------------------------------- field checks


def _text(value: Any, field: str) -> str:
    if type(value) is not str:
        raise _Invalid(f"{field} must be text, got {show(value)}")
    if value.isprintable():  # every refused character is a control or format character: none is printable
        return value
    bad = unsafe_character(value)
    if bad is not None:
        raise _Invalid(f"{field} contains {bad}; control and bidirectional-override characters are refused")
    return value


def _slug(value: Any, field: str) -> str:
    _text(value, field)
    if _SLUG.fullmatch(value) is None:
        raise _Invalid(
            f"{field} {show(value)} is not a slug (lower-case letters a–z and digits, joined by single hyphens)"
        )
    return str(value)


def _whole(value: Any, field: str) -> int:
    if type(value) is not int or not 1 <= value <= MAX_LINE:
        raise _Invalid(f"{field} {show(value)} is not a whole number from 1 to {MAX_LINE:,}")
    return value


def _amount(value: Any, field: str) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or value < 0:
        raise _Invalid(f"{field} {show(value)} is not a number of 0 or more")
    return typing.cast(float, value)


def _enum(cls: type[StrEnum]) -> Check:
    allowed = ", ".join(m.value for m in cls)

    members: dict[str, StrEnum] = {m.value: m for m in cls}

    def check(value: Any, field: str) -> StrEnum:
        found = members.get(value) if isinstance(value, str) else None
        if found is None:
            raise _Invalid(f"{field} {show(value)} is not one of: {allowed}")
        return found

    return check


def _list(item: Check) -> Check:
    def check(value: Any, field: str) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _Invalid(f"{field} must be a list, got {show(value)}")
        return tuple(item(v, f"{field} item {i + 1}") for i, v in enumerate(value))

    return check


def _named(check: Check) -> Check:
    """``check``, and at most :data:`~loaders.checks.MAX_NAME_LENGTH` characters in the name (or each)."""

    def named(value: Any, field: str) -> Any:
        checked = check(value, field)
        for name in checked if isinstance(checked, tuple) else (checked,):
            if len(name) > MAX_NAME_LENGTH:
                raise _Invalid(
                    f"{field} is {len(name)} characters long; a name has at most {MAX_NAME_LENGTH}"
                )
        return checked

    return named


def _check_for(declared: Any) -> Check:
    """The check of a model field declared as ``declared`` (``str``, ``int | None``, ``tuple[str, ...]`` …)."""
    args = typing.get_args(declared)
    if type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return _check_for(inner)
    if typing.get_origin(declared) is tuple:
        return _list(_check_for(args[0]))
    if isinstance(declared, type) and issubclass(declared, StrEnum):
        return _enum(declared)
    checks: dict[Any, Check] = {str: _text, int: _whole, float: _amount}
    if declared not in checks:
        raise TypeError(f"no import check for a field of type {declared}")
    return checks[declared]


def _spec(cls: type[Any], overrides: Mapping[str, Check]) -> tuple[tuple[str, Check, bool], ...]:
    """(field, check, required) for every field of the model class ``cls``, in declaration order."""
    hints = typing.get_type_hints(cls)
    spec = []
    for f in dataclasses.fields(cls):
        check = overrides.get(f.name) or _check_for(hints[f.name])
        if cls is Node and f.name in _NAMES:
            check = _named(check)
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        spec.append((f.name, check, required))
    return tuple(spec)


_NODE = _spec(Node, {"id": _slug})
_EDGE = _spec(Edge, {})
_CHECKS: dict[type[Any], dict[str, Check]] = {
    cls: {field: check for field, check, _ in spec} for cls, spec in ((Node, _NODE), (Edge, _EDGE))
}


def _build(
    cls: type[T],
    spec: tuple[tuple[str, Check, bool], ...],
    d: Any,
    what: Callable[[], str],
    source: str,
    line: int | None,
) -> T:
    """The ``cls`` that ``d`` describes; ``what`` names it in an error (called only then: a million edges
    each naming itself in advance is seconds).

    The fields ``d`` has are checked first, in its order (a million edges: most of their sixteen fields are
    not there); anything wrong, and the fields are checked again in declaration order, so the error names
    the first of them, whatever order the file wrote them in."""
    if type(d) is dict:
        checks = _CHECKS[cls]
        try:
            return cls(**{f: checks[f](v, f) for f, v in d.items() if v is not None and f in checks})
        except (_Invalid, TypeError):  # TypeError: a required field is missing
            pass
    if not isinstance(d, dict):
        raise LoadError(source, line, f"{what()} must be an object, got {show(d)}")
    values: dict[str, Any] = {}
    for field, check, required in spec:
        value = d.get(field)
        if value is None:
            if required:
                raise LoadError(source, line, f"{what()}: {field} is missing")
            continue
        try:
            values[field] = check(value, field)
        except _Invalid as exc:
            raise LoadError(source, line, f"{what()}: {exc}") from None
    return cls(**values)


def node_from_dict(d: Any, source: str, line: int | None = None) -> Node:
    """The node ``d`` describes (as :meth:`Node.to_dict` writes it), every field checked; fields the model
    does not have are ignored."""

    def what() -> str:
        node_id = d.get("id") if isinstance(d, dict) else None
        return "a node" if node_id is None else f"node {show(node_id)}"

    return _build(Node, _NODE, d, what, source, line)


def edge_from_dict(d: Any, source: str, line: int | None = None) -> Edge:
    """The edge ``d`` describes (as :meth:`Edge.to_dict` writes it), every field checked.

    >>> edge_from_dict({"source": "a", "target": "b", "type": "USES", "evidence": "x", "scope": "b"}, "p.json")
    Traceback (most recent call last):
    ...
    loaders.errors.LoadError: p.json: edge 'a' → 'b': scope must be a list, got 'b'
    """

    def what() -> str:
        return edge_name(d.get("source"), d.get("target")) if isinstance(d, dict) else "an edge"

    return _build(Edge, _EDGE, d, what, source, line)


def check_id(value: Any, source: str, line: int | None) -> str:
    """``value``, when it is a node id (a slug of at most the longest name), else a :class:`LoadError`."""
    try:
        return str(_NODE[0][1](value, "id"))
    except _Invalid as exc:
        raise LoadError(source, line, f"node {show(value)}: {exc}") from None


def check_line(value: int | None, what: str, source: str, line: int | None) -> int | None:
    """``value`` when it is ``None`` or a line number from 1 to :data:`MAX_LINE`, else a :class:`LoadError`
    naming ``what`` (``node 'portal'``)."""
    if value is None:
        return None
    try:
        return _whole(value, "line")
    except _Invalid as exc:
        raise LoadError(source, line, f"{what}: {exc}") from None


# ------------------------------------------------------------------------------------------- the graph


def _at(lines: Sequence[int | None], i: int) -> int | None:
    return lines[i] if i < len(lines) else None


def _suggest(word: str, choices: Mapping[str, int]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=2, cutoff=0.6) if len(choices) < 10_000 else []
    return f"; did you mean {', '.join(close)}?" if close else ""


def check_graph(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    source: str,
    node_lines: Sequence[int | None] = (),
    edge_lines: Sequence[int | None] = (),
) -> None:
    """A :class:`LoadError` for the first node whose id is not a slug or is taken, the first edge whose ends
    or scope are not nodes of ``nodes``, or that repeats an earlier edge's source, target and type.
    ``node_lines`` and ``edge_lines`` give each one's line in ``source``, when the format has lines.

    >>> from graph.model import NodeKind, RelType
    >>> check_graph([Node("a", "A", NodeKind.SYSTEM)], [Edge("a", "b", RelType.USES, "A uses B.")], "p.json")
    Traceback (most recent call last):
    ...
    loaders.errors.LoadError: p.json: edge 'a' → 'b': target 'b' is not a node of the file
    """
    first: dict[str, int] = {}
    for i, node in enumerate(nodes):
        line = _at(node_lines, i)
        check_id(node.id, source, line)
        if node.id in first:
            earlier = _at(node_lines, first[node.id])
            where = f" (first at line {earlier})" if earlier is not None else ""
            raise LoadError(source, line, f"duplicate node id {show(node.id)}{where}")
        first[node.id] = i
    seen: dict[tuple[str, str, str], int] = {}
    for i, edge in enumerate(edges):
        line = _at(edge_lines, i)
        ends = (("source", edge.source), ("target", edge.target), *(("scope", a) for a in edge.scope))
        for end, ref in ends:
            if ref not in first:
                raise LoadError(
                    source,
                    line,
                    f"{edge_name(edge.source, edge.target)}: {end} {show(ref)} is not a node of the file"
                    f"{_suggest(ref, first)}",
                )
        if edge.key in seen:
            earlier = _at(edge_lines, seen[edge.key])
            where = f" (first at line {earlier})" if earlier is not None else ""
            raise LoadError(
                source,
                line,
                f"duplicate edge {show(edge.source)} -{edge.type.value}-> {show(edge.target)}{where}",
            )
        seen[edge.key] = i


def flat(value: Any) -> bool:
    """Whether ``value`` is an object of plain values and lists of plain values (a node or an edge as files
    hold them): two levels, checked without building a stack.

    >>> flat({"id": "a", "labels": ["system"]}), flat({"id": "a", "x": [[1]]}), flat([1])
    (True, False, False)
    """
    if type(value) is not dict:
        return False
    for child in value.values():
        if type(child) is list:
            for item in child:
                if type(item) is list or type(item) is dict:
                    return False
        elif type(child) is dict:
            return False
    return True


def nested_too_deeply(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` deep (found without recursion).

    >>> nested_too_deeply({"nodes": [{"labels": ["system"]}]}, 4), nested_too_deeply([[[[]]]], 3)
    (False, True)
    """
    if not isinstance(value, list | dict):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, list | dict))
    return False
