"""Two CSV files in (``nodes.csv``, ``edges.csv``), portfolio out: an organisation's own list, no document needed.

The columns are those of :mod:`graph.exports.tabular` (``id, name, kind`` and ``source, target, type,
evidence`` required; the rest optional, in any order). Everything is checked before anything is built, and
the first problem is a :class:`LoadError` with the file and line: unknown or missing columns, an empty
required cell, an unknown kind/type/confidence/strength, an id that is not a slug, a duplicate id or edge,
an edge to a node that is not in ``nodes.csv``, a line that is not a whole number from 1 to 10,000,000 (the
rules of every importer: :mod:`loaders.validate`). Defaults: confidence ``stated``, strength ``hard``;
when a file has no ``document``/``line`` columns, each row's provenance is the CSV file and row itself.

>>> nodes = b"id,name,kind\\nportal,Portal,system\\nlogin,Login,external\\n"
>>> edges = b"source,target,type,evidence,confidence\\nportal,login,AUTHENTICATES_WITH,Workshop 2024,curated\\n"
>>> p = read_csv_pair(nodes, "nodes.csv", edges, "edges.csv")
>>> [(e.source, e.target, e.type.value, e.confidence.value, e.document, e.line) for e in p.edges]
[('portal', 'login', 'AUTHENTICATES_WITH', 'curated', 'edges.csv', 2)]
>>> read_csv_pair(nodes, "nodes.csv", b"source,target,type,evidence\\nportal,logn,USES,x\\n", "edges.csv")
Traceback (most recent call last):
...
loaders.errors.LoadError: edges.csv:2: target 'logn' is not in nodes.csv; did you mean login?
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from graph.durations import DurationError, hours
from graph.exports.tabular import (
    EDGE_COLUMNS,
    EDGE_REQUIRED,
    NODE_COLUMNS,
    NODE_REQUIRED,
    split_list,
    unescape_formula,
)
from graph.model import (
    HOURS_FIELDS,
    STEWARDSHIP,
    Confidence,
    Edge,
    Node,
    NodeKind,
    Portfolio,
    RelType,
    Strength,
)
from loaders.errors import LoadError
from loaders.validate import check_id, check_line, edge_name, show

__all__ = ["MAX_CSV_BYTES", "is_edges_header", "read_csv_pair"]

MAX_CSV_BYTES = 32 * 1024 * 1024
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class _Row:
    source: str
    line: int
    cells: dict[str, str]
    columns: frozenset[str]

    def get(self, column: str) -> str | None:
        """The cell, or None when empty or the column is absent."""
        value = self.cells.get(column, "").strip()
        return value or None

    def required(self, column: str) -> str:
        value = self.get(column)
        if value is None:
            raise LoadError(self.source, self.line, f"{column} is empty")
        return value

    def text(self, column: str) -> str | None:
        """Free text, kept as written (only an empty cell is None)."""
        value = self.cells.get(column, "")
        return value if value.strip() else None

    def enum(self, column: str, cls: type[E], default: E | None = None) -> E:
        value = self.get(column)
        if value is None:
            if default is None:
                raise LoadError(self.source, self.line, f"{column} is empty")
            return default
        return self.enum_value(value, column, cls)

    def enum_value(self, value: str, column: str, cls: type[E]) -> E:
        """``value`` as a member of ``cls``, in any letter case."""
        for candidate in (value, value.lower(), value.upper()):
            try:
                return cls(candidate)
            except ValueError:
                continue
        allowed = ", ".join(m.value for m in cls)
        raise LoadError(self.source, self.line, f"{column} {value!r} is not one of: {allowed}")

    def hours(self, column: str) -> float | None:
        value = self.get(column)
        if value is None:
            return None
        try:
            return hours(value)
        except DurationError as exc:
            raise LoadError(self.source, self.line, f"{column}: {exc}") from None

    def number(self, column: str, what: str) -> int | None:
        """A line number (1 to 10,000,000) of ``what`` (``node 'portal'``), or None when the cell is empty."""
        value = self.get(column)
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise LoadError(self.source, self.line, f"{column} {value!r} is not a whole number") from None
        return check_line(number, what, self.source, self.line)

    def items(self, column: str) -> tuple[str, ...]:
        return tuple(i.strip() for i in split_list(self.cells.get(column, "").strip()) if i.strip())


def _decode(data: bytes, source: str) -> str:
    if len(data) > MAX_CSV_BYTES:
        raise LoadError(
            source, None, f"file is {len(data) / 1e6:.1f} MB; the limit is {MAX_CSV_BYTES / 1e6:.0f} MB"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise LoadError(source, None, f"binary file (NUL byte at offset {nul}), expected CSV text")
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's BOM is fine
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError(source, line, f"invalid UTF-8 at byte {exc.start}; save the CSV as UTF-8") from None
    if not text.strip():
        raise LoadError(source, None, "file is empty")
    return text


def _rows(data: bytes, source: str, known: Sequence[str], required: Sequence[str]) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(_decode(data, source)))
    try:
        header = [h.strip().lower() for h in next(reader)]
        unknown = [h for h in header if h not in known]
        if unknown:
            raise LoadError(
                source,
                1,
                f"unknown column(s) {', '.join(map(repr, unknown))}; the columns are: {', '.join(known)}",
            )
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated:
            raise LoadError(source, 1, f"column(s) {', '.join(duplicated)} appear twice")
        missing = [c for c in required if c not in header]
        if missing:
            raise LoadError(source, 1, f"missing required column(s): {', '.join(missing)}")
        columns = frozenset(header)
        start = reader.line_num + 1
        for cells in reader:
            if not any(c.strip() for c in cells):
                start = reader.line_num + 1
                continue
            if len(cells) != len(header):
                raise LoadError(source, start, f"{len(cells)} cells, the header has {len(header)}")
            values = map(unescape_formula, cells)  # the quote the export put before a formula-like cell
            yield _Row(source, start, dict(zip(header, values, strict=True)), columns)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LoadError(source, reader.line_num, f"malformed CSV: {exc}") from None


def _node(row: _Row) -> Node:
    has_provenance = "document" in row.columns or "line" in row.columns
    profile: dict[str, Any] = {f: row.hours(f) if f in HOURS_FIELDS else row.get(f) for f in STEWARDSHIP}
    node_id = check_id(row.required("id"), row.source, row.line)
    return Node(
        id=node_id,
        name=row.required("name"),
        kind=row.enum("kind", NodeKind),
        labels=tuple(row.enum_value(v, "labels", NodeKind) for v in row.items("labels")),
        aliases=row.items("aliases"),
        short=row.get("short"),
        category=row.get("category"),
        description=row.text("description"),
        owner=row.get("owner"),
        url=row.get("url"),
        document=row.get("document") if has_provenance else row.source,
        line=row.number("line", f"node {show(node_id)}") if has_provenance else row.line,
        entry=row.get("entry"),
        **profile,
    )


def _edge(row: _Row) -> Edge:
    has_provenance = "document" in row.columns or "line" in row.columns
    source, target = row.required("source"), row.required("target")
    return Edge(
        source=source,
        target=target,
        type=row.enum("type", RelType),
        evidence=row.required("evidence"),
        confidence=row.enum("confidence", Confidence, Confidence.STATED),
        strength=row.enum("strength", Strength, Strength.HARD),
        document=row.get("document") if has_provenance else row.source,
        line=row.number("line", edge_name(source, target)) if has_provenance else row.line,
        alt_group=row.get("alt_group"),
        scope=row.items("scope"),
        rule=row.get("rule"),
        note=row.text("note"),
        mode=row.get("mode"),
        tolerance=row.get("tolerance"),
        capability=row.get("capability"),
        also=row.items("also"),
    )


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=2, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def is_edges_header(data: bytes) -> bool:
    """Whether a CSV's header names edge columns (``source`` and ``target``) rather than node columns."""
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    cols = {c.strip().strip('"') for c in first.split(",")}
    return {"source", "target"} <= cols


def read_csv_pair(nodes_csv: bytes, nodes_source: str, edges_csv: bytes, edges_source: str) -> Portfolio:
    """A complete portfolio from the two files, or a :class:`LoadError` (nothing partial)."""
    nodes: dict[str, Node] = {}
    first_line: dict[str, int] = {}
    for row in _rows(nodes_csv, nodes_source, NODE_COLUMNS, NODE_REQUIRED):
        node = _node(row)
        if node.id in nodes:
            raise LoadError(
                nodes_source, row.line, f"duplicate id {node.id!r} (first at line {first_line[node.id]})"
            )
        nodes[node.id] = node
        first_line[node.id] = row.line
    edges: dict[tuple[str, str, str], Edge] = {}
    edge_line: dict[tuple[str, str, str], int] = {}
    ids = sorted(nodes)
    for row in _rows(edges_csv, edges_source, EDGE_COLUMNS, EDGE_REQUIRED):
        edge = _edge(row)
        for end in ("source", "target"):
            ref = getattr(edge, end)
            if ref not in nodes:
                raise LoadError(
                    edges_source, row.line, f"{end} {ref!r} is not in {nodes_source}{_suggest(ref, ids)}"
                )
        for actor in edge.scope:
            if actor not in nodes:
                raise LoadError(edges_source, row.line, f"scope {actor!r} is not in {nodes_source}")
        if edge.key in edges:
            raise LoadError(
                edges_source,
                row.line,
                f"duplicate edge {edge.source} -{edge.type.value}-> {edge.target} "
                f"(first at line {edge_line[edge.key]})",
            )
        edges[edge.key] = edge
        edge_line[edge.key] = row.line
    return Portfolio(document=nodes_source, nodes=tuple(nodes.values()), edges=tuple(edges.values()))
