"""What every portfolio must satisfy before anything uses it, whatever it was read from.

* **Names can be asked for.** Every node has an id (a name in another script makes none: ids are slugs of
  letters a–z and digits, :func:`graph.model.slugify`). An id, name, abbreviation or alias has at most :data:`MAX_NAME_LENGTH`
  characters — the longest name a query accepts (:data:`graph.names.MAX_QUERY_LENGTH`), and far below what
  a Neo4j index holds (a 10,000-character name would fail the load *in* the database, after some batches).
* **Text is safe to show.** No control characters (tab and newline excepted) and no bidirectional
  embeddings, overrides or isolates in any field: they rewrite terminals (``ESC [``) and reorder what a reader
  sees ("Trojan Source"). Emoji, right-to-left letters and the plain direction marks are text like any other.

A portfolio that breaks a rule is refused as a whole with a :class:`~loaders.errors.LoadError` naming the
file, the line and the field: exit code 2 in the CLI, nothing written anywhere.

>>> from graph.model import Node, NodeKind, Portfolio
>>> check_portfolio(Portfolio("d.txt", (Node("a", "A\\x1b[31m", NodeKind.SYSTEM, line=3),), ()), "d.txt")
Traceback (most recent call last):
...
loaders.errors.LoadError: d.txt:3: node 'a': name contains U+001B (a control character); control and bidirectional-override characters are refused
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.model import Edge, Node, Portfolio
from graph.names import MAX_QUERY_LENGTH
from loaders.errors import LoadError

__all__ = ["MAX_NAME_LENGTH", "check_portfolio", "unsafe_character"]

MAX_NAME_LENGTH = MAX_QUERY_LENGTH
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` that is not safe to show, described; ``None`` when all are.

    >>> unsafe_character("Rakett 🚀 \u200fsystem"), unsafe_character("evil\u202etxt.exe")
    (None, 'U+202E (a bidirectional override)')
    """
    found = _UNSAFE.search(text)
    if found is None:
        return None
    char = found.group()
    what = "a control character" if unicodedata.category(char) == "Cc" else "a bidirectional override"
    return f"U+{ord(char):04X} ({what})"


def _show(text: str) -> str:
    """A name as an error message shows it: at most 40 characters, escaped."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, path)


def _check_text(where: str, line: int | None, what: str, fields: Any) -> None:
    for path, text in _strings(fields, ""):
        bad = unsafe_character(text)
        if bad is not None:
            raise LoadError(
                where,
                line,
                f"{what}: {path} contains {bad}; control and bidirectional-override characters are refused",
            )


def _check_names(where: str, line: int | None, node: Node) -> None:
    if not node.id:
        raise LoadError(
            where, line, f"the name {_show(node.name)} makes no id: an id needs letters a–z or digits"
        )
    names = [("name", node.name), ("short", node.short or ""), *(("alias", a) for a in node.aliases)]
    names.append(("id", node.id))
    for field, value in names:
        if len(value) > MAX_NAME_LENGTH:
            raise LoadError(
                where,
                line,
                f"node {_show(node.id)}: {field} is {len(value)} characters long; "
                f"a name has at most {MAX_NAME_LENGTH}",
            )


def _edge(edge: Edge) -> str:
    return f"edge {_show(edge.source)} → {_show(edge.target)}"


def check_portfolio(portfolio: Portfolio, source: str) -> Portfolio:
    """``portfolio`` unchanged, or a :class:`LoadError` naming the first rule it breaks (see the module).

    Errors name ``source``, with the line of the node or edge when it came from ``source`` itself (an
    overlay's error about a node of the document has no line of the overlay to name).
    """
    name = Path(source).name

    def line_of(document: str | None, line: int | None) -> int | None:
        return line if document is None or Path(document).name == name else None

    for node in portfolio.nodes:
        line = line_of(node.document, node.line)
        _check_text(source, line, f"node {_show(node.id)}", node.to_dict())
        _check_names(source, line, node)
    for edge in portfolio.edges:
        _check_text(source, line_of(edge.document, edge.line), _edge(edge), edge.to_dict())
    for entry in portfolio.entries:
        _check_text(source, entry.line, "entry", entry.to_dict())
    for finding in portfolio.findings:
        _check_text(source, finding.line, "finding", finding.to_dict())
    _check_text(source, None, "document", [portfolio.document, portfolio.notes, portfolio.meta])
    return portfolio
