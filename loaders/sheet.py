"""A risk-assessment sheet: criticality, recovery objectives, roles, hosting and fallback per system.

Architects keep these in a spreadsheet, one row per system, keyed by id or name. CSV (``,`` or ``;``) and
Excel ``.xlsx`` are read; the header is matched case- and accent-insensitively, in Norwegian or English:

======================  ==========================================================
field                   header (any of)
======================  ==========================================================
key                     id, system, systemnavn, navn, name
criticality             criticality, kritikalitet, kritikalitetsklasse, klasse
rto / rpo / mtd         rto, rpo, mtd, maks tolererbar nedetid, maximum tolerable downtime
owner                   owner, eier, systemeier
administrator           administrator, forvalter, systemforvalter
operator                operator, drift, driftsleverandor, driftsleverandør
hosting                 hosting, driftsmiljo, driftsmiljø
fallback                fallback, reservelosning, reserveløsning, manuell reserve, beredskapsrutine
======================  ==========================================================

>>> rows = read_sheet("System;Kritikalitet;RTO\\nPost;A;4 t\\n".encode(), "risk.csv")
>>> rows[0].line, rows[0].key, dict(rows[0].fields)
(2, 'Post', {'criticality': 'A', 'rto': '4 t'})

Every problem is a :class:`~loaders.errors.LoadError` naming the sheet and its row; nothing is half-applied.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from graph.model import Node, Portfolio, fold
from loaders.errors import LoadError
from loaders.overlay import profile_changes

__all__ = ["SheetRow", "apply_sheet", "read_sheet"]

_HEADERS = {
    "key": ("id", "system", "systemnavn", "navn", "name"),
    "criticality": ("criticality", "kritikalitet", "kritikalitetsklasse", "klasse"),
    "rto": ("rto",),
    "rpo": ("rpo",),
    "mtd": ("mtd", "maks tolererbar nedetid", "maximum tolerable downtime"),
    "owner": ("owner", "eier", "systemeier"),
    "administrator": ("administrator", "forvalter", "systemforvalter"),
    "operator": ("operator", "drift", "driftsleverandor"),
    "hosting": ("hosting", "driftsmiljo"),
    "fallback": ("fallback", "reservelosning", "manuell reserve", "beredskapsrutine"),
}


def _plain(text: str) -> str:
    """Folded and single-spaced, so "Driftsleverandør " and "driftsleverandor" match."""
    return " ".join(fold(text).split())


_BY_HEADER = {h: field for field, names in _HEADERS.items() for h in names}


@dataclass(frozen=True)
class SheetRow:
    source: str
    line: int  # the sheet's row number, header = 1
    key: str
    fields: tuple[tuple[str, str], ...]


def _table(data: bytes, source: str) -> list[list[str]]:
    if PurePath(source).suffix.lower() == ".xlsx":
        return _xlsx(data, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(source, data.count(b"\n", 0, exc.start) + 1, "invalid UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise LoadError(source, None, f"malformed CSV: {exc}") from None


def _xlsx(data: bytes, source: str) -> list[list[str]]:
    from openpyxl import load_workbook  # only a sheet needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(source, None, f"not an Excel workbook (.xlsx): {exc}") from None
    sheet = book.worksheets[0]
    return [
        ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def read_sheet(data: bytes, source: str) -> list[SheetRow]:
    """The sheet's rows; the header must name the key column (id or system name) and one field at least."""
    table = _table(data, source)
    if not table:
        raise LoadError(source, None, "empty sheet: expected a header row such as 'System;Kritikalitet;RTO'")
    header = [_BY_HEADER.get(_plain(h)) for h in table[0]]
    if "key" not in header:
        raise LoadError(source, 1, "no 'id' or 'System' column in the header row")
    if len([h for h in header if h and h != "key"]) == 0:
        known = ", ".join(k for k in _HEADERS if k != "key")
        raise LoadError(source, 1, f"no known column besides the key; expected some of: {known}")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {f: c.strip() for f, c in zip(header, cells, strict=False) if f and c and c.strip()}
        if not values:
            continue
        key = values.pop("key", None)
        if key is None:
            raise LoadError(source, number, "the row names no system (the id or System cell is empty)")
        rows.append(SheetRow(source, number, key, tuple(values.items())))
    return rows


def _lookup(nodes: Iterable[Node]) -> dict[str, str]:
    index: dict[str, str] = {}
    for n in nodes:
        for text in (n.name, *n.aliases, *([n.short] if n.short else [])):
            index.setdefault(fold(text), n.id)
    for n in nodes:
        index[n.id] = n.id
    return index


def apply_sheet(portfolio: Portfolio, rows: list[SheetRow]) -> Portfolio:
    """The portfolio with each row's fields set on the node it names (by id, name, alias or abbreviation)."""
    index = _lookup(portfolio.nodes)
    changes: dict[str, dict[str, Any]] = {}
    for row in rows:
        node_id = index.get(row.key) or index.get(fold(row.key))
        if node_id is None:
            raise LoadError(row.source, row.line, f"{row.key!r} names no system of {portfolio.document}")
        try:
            changes.setdefault(node_id, {}).update(profile_changes(dict(row.fields), row.source))
        except LoadError as exc:
            raise LoadError(row.source, row.line, exc.message) from None
    nodes = tuple(replace(n, **changes[n.id]) if n.id in changes else n for n in portfolio.nodes)
    return replace(portfolio, nodes=nodes)
