"""Two CSV files, ``nodes.csv`` and ``edges.csv``: the portfolio for spreadsheets, and back (``loaders.tabular``).

Columns (the first ones of each file are required on import, the rest optional):

``nodes.csv``: ``id, name, kind`` · ``labels, aliases, short, category, description, owner, url, document,
line, entry, administrator, operator, criticality, rto_hours, rpo_hours, mtd_hours, hosting, fallback``

``edges.csv``: ``source, target, type, evidence`` · ``confidence, strength, document, line, alt_group,
scope, rule, note, mode, tolerance, capability, also``

Each file starts with a UTF-8 byte-order mark (:data:`BOM`): without it Excel on Windows reads the file as
the locale's code page and garbles æøå. The separator is a comma; Excel set to a ``;`` list separator (as
in Norway) opens the file in one column on a double click, so import it there with Data › From Text/CSV,
which finds the comma. Python's ``utf-8-sig`` codec and :mod:`loaders.tabular` skip the mark.

List cells (``labels``, ``aliases``, ``scope``) join their items with ``|`` (a ``|`` or ``\\`` inside an
item is escaped with ``\\``). An empty cell is "not stated".

A cell a spreadsheet would run as a formula — one starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``) — is written with a single quote before it, as
OWASP recommends against CSV injection: a spreadsheet shows it as text. So is one that starts with quotes
before such a character, so that the importer (:mod:`loaders.tabular`), which takes exactly that one quote
off again, gives back every value as it was ("-5" included): :func:`escape_formula`, :func:`unescape_formula`.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM, aliases=("Alpha", "A|1")),
...                        Node("b", "B", NodeKind.SYSTEM)), (Edge("a", "b", RelType.USES, "A uses B."),))
>>> to_nodes_csv(p).startswith(BOM + "id,name,kind,")
True
>>> print(to_nodes_csv(p).splitlines()[1])
a,A,system,system,Alpha|A\\|1,,,,,,,,,,,,,,,,
>>> join_list(["x|y", "z"]), split_list("x\\\\|y|z")
('x\\\\|y|z', ['x|y', 'z'])
>>> escape_formula("=cmd|' /C calc'!A0"), escape_formula("-5"), escape_formula("'=1"), escape_formula("'a")
("'=cmd|' /C calc'!A0", "'-5", "''=1", "'a")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from graph.model import OPTIONAL_EDGE_FIELDS, STEWARDSHIP, Portfolio

__all__ = [
    "BOM",
    "EDGE_COLUMNS",
    "EDGE_REQUIRED",
    "FORMULA_STARTS",
    "LIST_COLUMNS",
    "NODE_COLUMNS",
    "NODE_REQUIRED",
    "escape_formula",
    "join_list",
    "split_list",
    "to_edges_csv",
    "to_nodes_csv",
    "unescape_formula",
]

NODE_COLUMNS = (
    "id",
    "name",
    "kind",
    "labels",
    "aliases",
    "short",
    "category",
    "description",
    "owner",
    "url",
    "document",
    "line",
    "entry",
    *STEWARDSHIP,
)
NODE_REQUIRED = ("id", "name", "kind")
EDGE_COLUMNS = ("source", "target", "type", "evidence", "confidence", "strength", *OPTIONAL_EDGE_FIELDS)
EDGE_REQUIRED = ("source", "target", "type", "evidence")
LIST_COLUMNS = frozenset({"labels", "aliases", "scope", "also", "sources", "descriptions"})
BOM = "\ufeff"  # UTF-8's byte-order mark: Excel reads the file as UTF-8 only with it


def join_list(items: Iterable[str]) -> str:
    return "|".join(i.replace("\\", "\\\\").replace("|", "\\|") for i in items)


def split_list(cell: str) -> list[str]:
    """The items of a list cell; an empty cell is an empty list."""
    if not cell:
        return []
    items, current, chars = [], [], iter(cell)
    for c in chars:
        if c == "\\":
            current.append(next(chars, "\\"))
        elif c == "|":
            items.append("".join(current))
            current = []
        else:
            current.append(c)
    items.append("".join(current))
    return items


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell that starts so (OWASP)


def _formula(cell: str) -> bool:
    """Would a spreadsheet run the cell, once the quotes before it are taken off?"""
    return cell.lstrip("'").startswith(FORMULA_STARTS)


def escape_formula(cell: str) -> str:
    """The cell with a ``'`` before it when a spreadsheet would run it as a formula (see the module)."""
    return "'" + cell if _formula(cell) else cell


def unescape_formula(cell: str) -> str:
    """The cell as it was before :func:`escape_formula`: the one ``'`` it added taken off.

    >>> [unescape_formula(c) for c in ("'=1", "''=1", "'-5", "'a", "=1")]
    ['=1', "'=1", '-5', "'a", '=1']
    """
    return cell[1:] if cell.startswith("'") and _formula(cell[1:]) else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return join_list(value)
    return str(value)


def _table(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\n")
    # A lone "\r" ends a row for a spreadsheet but is not quoted with "\n" rows: a row with one is all quoted.
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        cells = [escape_formula(_cell(row[c])) for c in columns]
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
    return buf.getvalue()


def to_nodes_csv(portfolio: Portfolio) -> str:
    return _table(NODE_COLUMNS, (n.to_dict() for n in portfolio.nodes))


def to_edges_csv(portfolio: Portfolio) -> str:
    return _table(EDGE_COLUMNS, (e.to_dict() for e in portfolio.edges))
