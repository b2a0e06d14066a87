"""Portfolio tables in PDF, Word (.docx), Excel (.xlsx) and CSV: the ``System | Beskrivelse`` table of a text
document, read from its cells instead of guessed from the text's layout.

What is read (each rule tested in ``tests/loaders/test_tables.py``):

* **the header** — a row whose cells are ``System`` (or systemnavn, navn, name) and ``Beskrivelse`` (or
  description), matched case- and accent-insensitively, with optional columns ``Eier`` (owner, systemeier),
  ``Kategori`` (category) and ``URL`` (lenke, nettside); other columns are left unread. A sheet or table
  without it is refused, naming the header it has;
* **a row** is an entry: the name cell as written (its lines joined, a hyphenated line break mended), the
  description cell through the same extraction as a text document's description (a line that is only a URL
  is the entry's URL). A row whose name cell is empty continues the row above it (a description broken over
  two rows or pages); empty rows and a repeated header row are skipped;
* **a PDF** is read from the positions of its words (pdfplumber). The columns start at the table's vertical
  ruling lines, or else where the header words ``System`` and ``Beskrivelse`` start, so a word belongs to the
  column its middle is in and a name is never cut from a description by guessing. A row ends at a horizontal
  rule between two lines; in a table without rules between rows, at a gap wider than the line spacing, and in
  a table without either (and at the top of a page) at a line whose name cell starts anew: it does not go on
  with the name above ("… for" / "smittevern"). A line whose name cell is empty continues the row above. The
  header repeated on every page, running headers and footers (the same text at the same height at the top or
  bottom of half the pages) and page numbers ("3", "Side 3 av 9") are dropped; text above the first header is
  a title; text under the table (a line that runs across a column edge no rule divides, or one further below
  the table than 2.5 line spacings and 1.6 row spacings) is a note, and so is everything after it;
* **where** — a PDF's ``page`` and ``line`` are the page and the line on it, counted from the top of the
  table (the header line is 1); a Word table's ``line`` is its row (the header row is 1, tables of one
  document counted on), a sheet's or a CSV file's is the row number a spreadsheet shows.

Optional columns set the owner, category and URL of the entry's nodes. Every problem is one
:class:`~loaders.errors.LoadError`: an encrypted PDF, one without text (a scan), a malformed or truncated
file, a zip that would unpack to too much, no header, no rows.

>>> p = parse_table("System;Beskrivelse;Eier\\nSkoleskyss;Henter elevdata fra Elevregisteret.;Oppvekst\\n"
...                 .encode(), "skoler.csv")
>>> [(n.name, n.line, n.owner) for n in p.nodes if n.entry]
[('Skoleskyss', 2, 'Oppvekst')]
>>> [(e.source, e.type.value, e.target, e.line) for e in p.edges]
[('skoleskyss', 'RECEIVES_FROM', 'elevregisteret', 2)]
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePath
from typing import Any, Literal

from graph.model import Portfolio, fold
from loaders import open_overlay, with_overlay
from loaders.checks import check_portfolio
from loaders.document import MAX_BYTES, RawDocument, RawEntry
from loaders.errors import LoadError
from loaders.findings import with_relation_findings
from loaders.lexicon import NAME_FUNCTION_WORDS
from loaders.overlay import entry_names
from loaders.text import join_lines
from loaders.transform import transform

__all__ = [
    "MAX_TABLE_FILE_BYTES",
    "MAX_UNZIPPED_BYTES",
    "TABLE_FORMATS",
    "TableFormat",
    "header_fields",
    "load_table",
    "parse_table",
    "read_table",
    "table_format",
]

TableFormat = Literal["pdf", "docx", "xlsx", "csv-table"]
TABLE_FORMATS: tuple[TableFormat, ...] = ("pdf", "docx", "xlsx", "csv-table")
MAX_TABLE_FILE_BYTES = 50 * 1024 * 1024  # a PDF, Word or Excel file; its text is held to MAX_BYTES
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # what a .docx or .xlsx may unpack to, by its zip directory
MAX_ZIP_MEMBERS = 10_000
MAX_ROWS = 100_000
_HEADER_SEARCH = 10  # a sheet's header is among its first rows (a title may stand above it)

_HEADERS = {
    "name": ("system", "systemnavn", "navn", "name"),
    "description": ("beskrivelse", "description"),
    "owner": ("owner", "eier", "systemeier"),
    "category": ("category", "kategori"),
    "url": ("url", "lenke", "nettside"),
}
_FIELD_OF = {h: f for f, names in _HEADERS.items() for h in names}
_WHAT: dict[TableFormat, str] = {
    "pdf": "a PDF",
    "docx": "a Word document (.docx)",
    "xlsx": "an Excel workbook (.xlsx)",
    "csv-table": "a CSV table",
}
_ZIP_PART: dict[TableFormat, str] = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
# pdfminer warns about every oddity of a damaged file through logging; with no handler configured (the CLI)
# Python would print each to stderr beside the one-line error. Handlers an application configures still get them.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
_TABLE_GAP = 2.5  # lines further apart than this many line spacings: the table has ended above
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*)?(?:(?:side|page|s\.)\s*)?\d{1,4}(?:\s*(?:av|of|/)\s*\d{1,4})?(?:\s*-)?\s*$", re.IGNORECASE
)


def header_fields(cells: Sequence[str]) -> list[str | None]:
    """The field each header cell names; ``None`` for a column that is not read.

    >>> header_fields(["Systemnavn", "BESKRIVELSE:", "Systemeier", "Merknad"])
    ['name', 'description', 'owner', None]
    """
    return [_FIELD_OF.get(" ".join(fold(c).strip(" .:*").split())) for c in cells]


def _is_header(fields: Sequence[str | None]) -> bool:
    return "name" in fields and "description" in fields


def _shown(cells: Sequence[str]) -> str:
    text = " | ".join(" ".join(c.split()) for c in cells if c.strip())
    return repr(text if len(text) <= 80 else text[:80] + "…")


def _no_header(source: str, line: int | None, found: str) -> LoadError:
    return LoadError(
        source,
        line,
        f"no 'System' and 'Beskrivelse' header row (the table starts {found}); is this a portfolio table?",
    )


# ---------------------------------------------------------------------------------------------------------
# What every format is read into


@dataclass
class _Row:
    """One entry of the table: the lines of its name and description cells, and its optional cells."""

    name: list[tuple[int, str]]
    description: list[tuple[int, str]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Table:
    """A table as read: its rows, the document's text by line, and for a PDF where each line is."""

    source: str
    rows: tuple[_Row, ...]
    lines: tuple[str, ...]  # line k of the document is lines[k - 1]
    notes: tuple[tuple[tuple[int, str], ...], ...] = ()
    pages: tuple[tuple[int, int], ...] | None = None  # line k is on page pages[k-1][0], at line pages[k-1][1]


def _raw(table: _Table) -> RawDocument:
    """The table as a text document's entries: what :func:`loaders.transform.transform` reads."""
    entries = []
    for row in table.rows:
        desc = [(no, text) for no, text in row.description if not _URL.match(text.strip())]
        urls = [text.strip() for _, text in row.description if _URL.match(text.strip())]
        if row.fields.get("url"):
            urls.insert(0, row.fields["url"])
        entries.append(
            RawEntry(
                name=join_lines(row.name).text,
                line=row.name[0][0],
                description=join_lines(desc),
                urls=tuple(dict.fromkeys(urls)),
            )
        )
    notes = tuple(join_lines(list(n)) for n in table.notes)
    return RawDocument(table.source, "\n".join(table.lines), tuple(entries), notes)


class _Rows:
    """Rows collected one cell row at a time: a row with an empty name cell continues the one above."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.rows: list[_Row] = []

    def add(self, line: int, cells: dict[str, list[str]], *, continues: bool = False) -> None:
        name = [(line, t) for t in cells.get("name", []) if t.strip()]
        desc = [(line, t) for t in cells.get("description", []) if t.strip()]
        extra = {
            f: " ".join(" ".join(v).split()) for f, v in cells.items() if f not in ("name", "description")
        }
        extra = {f: v for f, v in extra.items() if v}
        if not name and not desc and not extra:
            return
        if continues or not name:
            if not self.rows:
                raise LoadError(
                    self.source, line, "a description without a system name (the System cell is empty)"
                )
            row = self.rows[-1]
            row.name += name
            row.description += desc
            for f, v in extra.items():
                row.fields[f] = f"{row.fields[f]} {v}" if f in row.fields else v
            return
        if len(self.rows) >= MAX_ROWS:
            raise LoadError(
                self.source, line, f"more than {MAX_ROWS:,} rows; a portfolio table is not this long"
            )
        self.rows.append(_Row(name, desc, extra))


def _from_cells(rows: Sequence[tuple[int, list[str]]], source: str) -> tuple[list[_Row], list[str]]:
    """The entries of a table given as (row number, cells), and the document's text by line. The header is
    among the first non-empty rows."""
    filled = [(no, cells) for no, cells in rows if any(c.strip() for c in cells)]
    if not filled:
        raise LoadError(source, None, "the table is empty: expected a header row 'System | Beskrivelse'")
    at = next(
        (i for i, (_, cells) in enumerate(filled[:_HEADER_SEARCH]) if _is_header(header_fields(cells))), None
    )
    if at is None:
        raise _no_header(source, filled[0][0], _shown(filled[0][1]))
    header_line, header = filled[at]
    fields = header_fields(header)
    collected = _Rows(source)
    for no, cells in filled[at + 1 :]:
        if header_fields(cells) == fields:
            continue  # the header again (a table continued under its repeated header)
        by_field: dict[str, list[str]] = {}
        for f, cell in zip(fields, cells, strict=False):
            if f is not None and f not in by_field:
                by_field[f] = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        collected.add(no, by_field)
    if not collected.rows:
        raise LoadError(source, header_line, "the table has a header but no entries")
    last = max(no for no, _ in filled)
    lines = [""] * last
    for no, cells in filled:
        texts = {f: " ".join(c.split()) for f, c in zip(fields, cells, strict=False) if f is not None}
        lines[no - 1] = "  ".join(texts[f] for f in ("name", "description", "url") if texts.get(f))
    lines[header_line - 1] = "  ".join(" ".join(c.split()) for c in header if c.strip())
    return collected.rows, lines


# ---------------------------------------------------------------------------------------------------------
# CSV, Excel, Word


def _csv(data: bytes, source: str) -> _Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            source, data.count(b"\n", 0, exc.start) + 1, f"invalid UTF-8 at byte {exc.start}"
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        raise LoadError(source, None, f"malformed CSV: {exc}") from None
    # A quoted cell may hold line breaks: its row is the line it starts on, as a spreadsheet numbers it.
    numbered, line = [], 1
    for end, cells in rows:
        numbered.append((line, cells))
        line = end + 1
    entries, lines = _from_cells(numbered, source)
    return _Table(source, tuple(entries), tuple(lines))


def _checked_zip(data: bytes, source: str, kind: TableFormat) -> None:
    """Refuse a file that is not the zip ``kind`` is, or whose zip directory declares more than
    :data:`MAX_UNZIPPED_BYTES` (a zip bomb), before any library unpacks it."""
    what = _WHAT[kind]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise LoadError(source, None, f"not {what}: not a readable zip file ({exc})") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise LoadError(source, None, f"not {what}: the zip holds {len(infos):,} files")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNZIPPED_BYTES:
        raise LoadError(
            source,
            None,
            f"the zip would unpack to {unpacked / 2**20:,.0f} MB, over the limit of "
            f"{MAX_UNZIPPED_BYTES // 2**20} MB (a zip bomb?); refused unread",
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise LoadError(source, None, f"not {what}: the zip's files are encrypted")
    if _ZIP_PART[kind] not in {i.filename for i in infos}:
        raise LoadError(source, None, f"not {what}: the zip has no {_ZIP_PART[kind]}")


# What the zip, XML and Office libraries raise for a broken file.
_BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    OSError,
    EOFError,
    SyntaxError,
    NotImplementedError,
)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _xlsx(data: bytes, source: str) -> _Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _checked_zip(data, source, "xlsx")
    first: tuple[int, list[str]] | None = None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                rows = _sheet_rows(sheet.iter_rows(values_only=True), source)
                filled = [r for r in rows if any(c.strip() for c in r[1])]
                first = first or (filled[0] if filled else None)
                if any(_is_header(header_fields(cells)) for _, cells in filled[:_HEADER_SEARCH]):
                    break
            else:
                rows = []
        finally:
            book.close()
    except (*_BROKEN, InvalidFileException) as exc:
        raise LoadError(source, None, f"not {_WHAT['xlsx']} that can be read: {_reason(exc)}") from None
    if not rows:
        if first is None:
            raise LoadError(
                source, None, "the workbook is empty: expected a header row 'System | Beskrivelse'"
            )
        raise _no_header(source, first[0], _shown(first[1]))
    entries, lines = _from_cells(rows, source)
    return _Table(source, tuple(entries), tuple(lines))


def _sheet_rows(values: Iterator[tuple[Any, ...]], source: str) -> list[tuple[int, list[str]]]:
    rows = []
    for no, row in enumerate(values, start=1):
        if no > MAX_ROWS:
            raise LoadError(source, no, f"more than {MAX_ROWS:,} rows; a portfolio table is not this long")
        rows.append((no, [_cell_text(v) for v in row]))
    return rows


def _reason(exc: BaseException) -> str:
    """An exception as one short line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:160] + "…"


def _docx(data: bytes, source: str) -> _Table:
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _checked_zip(data, source, "docx")
    rows: list[tuple[int, list[str]]] = []
    after: list[str] = []  # the paragraphs after the last table with the header: notes
    first: list[str] | None = None
    try:
        for block in docx.Document(io.BytesIO(data)).iter_inner_content():
            if isinstance(block, Table):
                cells = _table_texts(block)
                first = first if first is not None or not cells else cells[0]
                if cells and _is_header(header_fields(cells[0])):
                    rows += [(len(rows) + k, r) for k, r in enumerate(cells, start=1)]
                    after = []
            elif isinstance(block, Paragraph) and rows and block.text.strip():
                after.append(block.text)
    except (*_BROKEN, OpcError) as exc:
        raise LoadError(source, None, f"not {_WHAT['docx']} that can be read: {_reason(exc)}") from None
    if not rows:
        if first is None:
            raise LoadError(
                source, None, "no table in the document: expected a table headed 'System | Beskrivelse'"
            )
        raise _no_header(source, 1, _shown(first))
    entries, lines = _from_cells(rows, source)
    notes = tuple(((len(lines) + k, text),) for k, text in enumerate(after, start=1))
    return _Table(source, tuple(entries), (*lines, *after), notes)


def _cell_lines(cell: Any) -> list[str]:
    return [line for p in cell.paragraphs for line in p.text.split("\n")]


def _table_texts(table: Any) -> list[list[str]]:
    """A Word table's cell texts, row by row. python-docx gives a merged cell in every column and row it
    spans: a cell merged down from the row above reads as empty there (so the row continues the one above),
    and a row that is one cell merged across the table is a heading within it, not an entry (all empty)."""
    out: list[list[str]] = []
    above: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        tcs = [c._tc for c in cells]  # the cell's XML element: the same one for every place it spans
        if len(cells) > 1 and all(tc is tcs[0] for tc in tcs):
            out.append(["" for _ in cells])
        else:
            merged = [k < len(above) and tc is above[k] for k, tc in enumerate(tcs)]
            out.append(["" if m else "\n".join(_cell_lines(c)) for c, m in zip(cells, merged, strict=True)])
        above = tcs
    return out


# ---------------------------------------------------------------------------------------------------------
# PDF: glyphs, lines, columns, rows


@dataclass(frozen=True)
class _Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def middle(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class _Rule:
    """A ruling line (or one edge of a drawn box)."""

    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class _Line:
    """Glyphs on one baseline, left to right."""

    glyphs: list[_Glyph]

    @cached_property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @cached_property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @cached_property
    def size(self) -> float:
        sizes = sorted(g.size for g in self.glyphs)
        return sizes[len(sizes) // 2]

    def text(self, lo: float = float("-inf"), hi: float = float("inf")) -> str:
        return _join([g for g in self.glyphs if lo <= g.middle < hi])

    def words(self) -> list[tuple[str, float, float]]:
        """(word, x0, x1), split at spaces and at gaps."""
        out: list[tuple[str, float, float]] = []
        word: list[_Glyph] = []
        for g in self.glyphs:
            if g.text.isspace() or (word and g.x0 - word[-1].x1 > 0.15 * g.size):
                if word:
                    out.append(("".join(w.text for w in word), word[0].x0, word[-1].x1))
                word = [] if g.text.isspace() else [g]
            else:
                word.append(g)
        if word:
            out.append(("".join(w.text for w in word), word[0].x0, word[-1].x1))
        return out


def _join(glyphs: Sequence[_Glyph]) -> str:
    """Glyphs (left to right) as text: a space where the PDF has one or leaves a gap."""
    parts: list[str] = []
    prev: _Glyph | None = None
    for g in glyphs:
        if prev is not None and g.x0 - prev.x1 > 0.15 * g.size:
            parts.append(" ")
        parts.append(g.text)
        prev = g
    return " ".join("".join(parts).split())


def _lines(glyphs: Sequence[_Glyph]) -> list[_Line]:
    """Glyphs grouped into lines by height, each left to right; a glyph drawn twice (fake bold) kept once."""
    out: list[_Line] = []
    current: list[_Glyph] = []
    for g in sorted(glyphs, key=lambda g: (g.top, g.x0)):
        if current and abs(g.top - current[0].top) > 0.4 * min(g.size, current[0].size):
            out.append(_Line(_deduplicated(current)))
            current = []
        current.append(g)
    if current:
        out.append(_Line(_deduplicated(current)))
    return out


def _deduplicated(glyphs: list[_Glyph]) -> list[_Glyph]:
    out: list[_Glyph] = []
    for g in sorted(glyphs, key=lambda g: g.x0):
        if out and g.text == out[-1].text and abs(g.x0 - out[-1].x0) < 0.1 * g.size:
            continue
        out.append(g)
    return out


@dataclass
class _Page:
    number: int
    lines: list[_Line]
    across: list[_Rule]  # horizontal rules
    down: list[_Rule]  # vertical rules
    images: int


@dataclass(frozen=True)
class _Columns:
    """Where each column starts, left to right (the first at the page's edge); a column not read is ``""``."""

    starts: tuple[tuple[str, float], ...]

    def of(self, x: float) -> str:
        found = self.starts[0][0]
        for f, start in self.starts:
            if x >= start:
                found = f
        return found

    @property
    def edges(self) -> list[float]:
        return [start for _, start in self.starts[1:]]

    @property
    def description_edge(self) -> float:
        return next(start for f, start in self.starts if f == "description")

    def span(self, f: str) -> tuple[float, float]:
        """Where column ``f`` starts and the next one starts."""
        i = next(k for k, (g, _) in enumerate(self.starts) if g == f)
        return self.starts[i][1], self.starts[i + 1][1] if i + 1 < len(self.starts) else float("inf")


def _header_words(line: _Line) -> list[tuple[str, float, float]] | None:
    """The field each word of a header line names, where the word starts and ends; None when the line is no
    header. A header names ``System`` and ``Beskrivelse`` once each, and its other words are header words too,
    or capitalised column names that are not read ("Ansvarlig": field ``""``)."""
    words = line.words()
    fields = header_fields([w for w, _, _ in words])
    known = [f for f in fields if f is not None]
    if not _is_header(known) or len(set(known)) != len(known):
        return None
    if None in fields and (len(words) > 8 or not all(w[:1].isupper() for w, _, _ in words)):
        return None
    return [(f or "", x0, x1) for f, (_, x0, x1) in zip(fields, words, strict=True)]


def _header_columns(line: _Line, page: _Page) -> _Columns | None:
    """The columns a header line names, or None when it is no header. A column starts at the vertical rule
    just left of its header word, or else where the word starts."""
    words = _header_words(line)
    if words is None:
        return None
    starts: list[tuple[str, float]] = []
    prev_end = float("-inf")
    for f, x0, x1 in words:
        rules = [r.x0 for r in page.down if prev_end < r.x0 <= x0 + 0.5 and r.bottom > line.top]
        starts.append((f, max(rules) if rules else x0 - 1.0))
        prev_end = x1
    starts[0] = (starts[0][0], float("-inf"))
    return _Columns(tuple(starts))


def _page_of(number: int, height: float, layout: Any) -> _Page:
    """A page's glyphs, ruling lines and images from pdfminer's layout of it (pdfplumber's ``page.layout``).

    Read from the layout objects rather than from pdfplumber's ``page.chars``: that turns every glyph into a
    dictionary of twenty attributes, twice the time of laying the page out, for the six read here.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect

    glyphs: list[_Glyph] = []
    across: list[_Rule] = []
    down: list[_Rule] = []
    images = 0
    stack = list(layout)
    while stack:
        obj = stack.pop()
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if obj.upright and text:
                glyphs.append(_Glyph(text, obj.x0, obj.x1, height - obj.y1, height - obj.y0, obj.size))
        elif isinstance(obj, LTImage):
            images += 1
        elif isinstance(obj, LTContainer):
            stack.extend(obj)
        elif isinstance(obj, LTRect) and obj.width > 2 and obj.height > 2:
            if obj.stroke:  # a filled box (a shaded cell) draws no rule
                top, bottom = height - obj.y1, height - obj.y0
                across += [_Rule(obj.x0, obj.x1, top, top), _Rule(obj.x0, obj.x1, bottom, bottom)]
                down += [_Rule(obj.x0, obj.x0, top, bottom), _Rule(obj.x1, obj.x1, top, bottom)]
        elif isinstance(obj, LTLine | LTRect) or (isinstance(obj, LTCurve) and len(obj.pts) == 2):
            top, bottom = height - obj.y1, height - obj.y0
            if obj.width >= obj.height:
                across.append(_Rule(obj.x0, obj.x1, (top + bottom) / 2, (top + bottom) / 2))
            else:
                down.append(_Rule((obj.x0 + obj.x1) / 2, (obj.x0 + obj.x1) / 2, top, bottom))
    return _Page(number, _lines(glyphs), across, down, images)


@contextmanager
def _pdf_errors(source: str) -> Iterator[None]:
    """pdfminer's and pdfplumber's exceptions as one :class:`LoadError`: encrypted, or malformed."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        yield
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
            raise LoadError(
                source, None, "encrypted PDF: it needs a password to be read; give an unprotected copy"
            ) from None
        raise LoadError(source, None, f"malformed PDF: {_reason(inner)}") from None
    # TypeError: pdfplumber takes a page without a MediaBox for one and fails on it.
    except (MalformedPDFException, PSException, *_BROKEN, TypeError, RecursionError) as exc:
        raise LoadError(source, None, f"malformed PDF: {_reason(exc)}") from None


def _pdf_pages(data: bytes, source: str) -> list[_Page]:
    """Every page's glyphs and rules, or a :class:`LoadError` for a PDF pdfminer cannot read."""
    import pdfplumber

    if b"%PDF-" not in data[:1024]:
        raise LoadError(source, None, "not a PDF: no '%PDF-' at the start of the file")
    if b"%%EOF" not in data[-2048:]:
        raise LoadError(source, None, "truncated PDF: the file does not end with '%%EOF'")
    pages: list[_Page] = []
    text = 0
    # Never closed: its stream is these bytes, and pdfplumber's close() reads the pages again (and fails again
    # on a damaged one).
    with _pdf_errors(source):
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
        listed = pdf.pages
    for page in listed:
        with _pdf_errors(source):
            number, height, layout = page.page_number, float(page.height), page.layout
        pages.append(_page_of(number, height, layout))
        page.close()  # its layout is not needed again
        text += sum(len(g.text) for line in pages[-1].lines for g in line.glyphs)
        if text > MAX_BYTES:
            raise LoadError(
                source,
                None,
                f"more than {MAX_BYTES // 2**20} MB of text by page {number}; a portfolio table is shorter",
            )
    if not pages:
        raise LoadError(source, None, "malformed PDF: no page could be read")
    if not any(p.lines for p in pages):
        images = sum(p.images for p in pages)
        what = f"only images ({images} on {len(pages)} pages)" if images else "no text"
        raise LoadError(
            source,
            None,
            f"no text layer: the PDF holds {what}, a scan? Run OCR on it first "
            "(e.g. ocrmypdf -l nor in.pdf out.pdf) and give the result",
        )
    return pages


def _chrome(pages: Sequence[_Page]) -> set[tuple[int, int]]:
    """(page, line index) of the running headers and footers: among the two top and two bottom lines of a
    page, the same text (digits aside) at the same height on half the pages or more (two at least). The
    table's header is not one of them."""
    seen: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for p in pages:
        edges = {0, 1, len(p.lines) - 2, len(p.lines) - 1}
        for i, line in enumerate(p.lines):
            if i in edges and _header_words(line) is None:
                seen[re.sub(r"\d+", "#", fold(line.text()))].append((p.number, i, line.top))
    least = max(2, (len(pages) + 1) // 2)
    out: set[tuple[int, int]] = set()
    for places in seen.values():
        for number, i, top in places:
            if len({n for n, _, t in places if abs(t - top) <= 2}) >= least:
                out.add((number, i))
    return out


@dataclass
class _Placed:
    """A line of the table as placed on its page."""

    number: int  # counted through the document
    top: float
    cells: dict[str, str]
    first_on_page: bool  # the first under the page's header, or at the top of a page without one
    ruled_above: bool  # a rule across the columns lies between it and the line above


def _crosses(line: _Line, columns: _Columns, page: _Page) -> bool:
    """Does the line run across a column edge that no rule divides (prose under the table)?"""
    for edge in columns.edges:
        if any(abs(r.x0 - edge) < 1 and r.top <= line.bottom and r.bottom >= line.top for r in page.down):
            continue
        left = [g for g in line.glyphs if g.middle < edge and not g.text.isspace()]
        right = [g for g in line.glyphs if g.middle >= edge and not g.text.isspace()]
        if left and right and right[0].x0 - left[-1].x1 < 0.35 * line.size:
            return True
    return False


class _PdfReader:
    """Every page's lines placed: header lines, table lines and notes, each numbered through the document
    (``text``, ``where``: its page and line on that page)."""

    def __init__(self, pages: Sequence[_Page], source: str) -> None:
        self.pages = pages
        self.source = source
        self.chrome = _chrome(pages)
        self.columns: _Columns | None = None
        self.text: list[str] = []
        self.where: list[tuple[int, int]] = []
        self.placed: list[_Placed] = []
        self.notes: list[list[tuple[int, str]]] = []
        pitches = sorted(
            b.top - a.top
            for p in pages
            for a, b in itertools.pairwise(self._kept(p))
            if b.top - a.top > 0.5 * b.size
        )
        self.leading = pitches[len(pitches) // 10] if pitches else 0.0
        spaced = [p for p in pitches if p > 1.3 * self.leading]  # between rows, when rows are spaced apart
        row = spaced[len(spaced) // 2] if spaced else self.leading
        self.gap = max(_TABLE_GAP * self.leading, 1.6 * row)  # further than this below the table: not in it

    def _kept(self, page: _Page) -> list[_Line]:
        """The page's lines without running text, and without page numbers at its top and bottom."""
        lines = [line for i, line in enumerate(page.lines) if (page.number, i) not in self.chrome]
        while lines and _PAGE_NUMBER.match(lines[-1].text()):
            lines.pop()
        while lines and _PAGE_NUMBER.match(lines[0].text()):
            lines.pop(0)
        return lines

    def _number(self, page: _Page, on_page: int, text: str) -> int:
        self.text.append(text)
        self.where.append((page.number, on_page))
        return len(self.text)

    def read(self) -> None:
        for page in self.pages:
            lines = self._kept(page)
            headers = [
                (i, c) for i, line in enumerate(lines) if (c := _header_columns(line, page)) is not None
            ]
            if headers:
                start, self.columns = headers[0]
                lines = lines[start:]
            elif self.columns is None:
                continue  # a title page: no table yet
            self._page(page, lines)

    def _page(self, page: _Page, lines: list[_Line]) -> None:
        columns = self.columns
        assert columns is not None
        edge = columns.description_edge
        across = [r for r in page.across if r.x0 - 1 <= edge <= r.x1 + 1]
        prev: _Line | None = None
        for on_page, line in enumerate(lines, start=1):
            below = prev is not None and line.top - prev.top > self.gap
            if self.notes or (self.placed and (below or _crosses(line, columns, page))):
                self._note(page, on_page, line, prev)
            elif _header_words(line) is not None:
                self._number(page, on_page, line.text())
                prev = None  # the row under it starts the page's table
                continue
            else:
                fields = {columns.of(g.middle) for g in line.glyphs if not g.text.isspace()} - {""}
                cells = {f: line.text(*columns.span(f)) for f in fields}
                shown = "  ".join(cells[f] for f in ("name", "description") if cells.get(f))
                number = self._number(page, on_page, shown)
                ruled = prev is not None and any(prev.bottom <= r.top <= line.top for r in across)
                self.placed.append(_Placed(number, line.top, cells, prev is None, ruled))
            prev = line

    def _note(self, page: _Page, on_page: int, line: _Line, prev: _Line | None) -> None:
        text = line.text()
        number = self._number(page, on_page, text)
        if not self.notes or prev is None or line.top - prev.bottom > line.size:
            self.notes.append([])  # a new paragraph
        self.notes[-1].append((number, text))

    def rows(self) -> list[_Row]:
        """The placed lines cut into rows (the module's rules)."""
        placed = self.placed
        ruled = any(p.ruled_above for p in placed)
        pitches = sorted(
            b.top - a.top for a, b in itertools.pairwise(placed) if not b.first_on_page and b.top > a.top
        )
        leading = pitches[len(pitches) // 10] if pitches else 0.0
        spaced = not ruled and any(p > 1.3 * leading for p in pitches)
        collected = _Rows(self.source)
        prev: _Placed | None = None
        for p in placed:
            name = p.cells.get("name", "")
            row = collected.rows[-1] if collected.rows else None
            if not name or row is None or prev is None:
                continues = False  # an empty name continues the row above whatever the layout
            elif p.first_on_page:
                continues = _continues_name(row, name)
            elif ruled:
                continues = not p.ruled_above
            elif spaced:
                continues = p.top - prev.top <= 1.3 * leading
            else:
                continues = _continues_name(row, name)
            collected.add(p.number, {f: [v] for f, v in p.cells.items()}, continues=continues)
            prev = p
        return collected.rows


def _continues_name(row: _Row, line: str) -> bool:
    """Does the name cell ``line`` go on with the name above, when no rule or gap says? Yes when the name
    above cannot end there ("Nasjonalt register for" / "smittevern", "Sanntids- og"), when the line cannot
    start one ("(NRS)", "og vin (BØV)", "and Supply Chain"), or when it reads on in lower case
    ("pasientjournal") while the description above is in mid-sentence (a name may start in lower case:
    "eKurve")."""
    name = join_lines(row.name).text
    last = name.split()[-1].lower() if name.split() else ""
    first = line.split()[0].lower() if line.split() else ""
    unfinished = (
        last in NAME_FUNCTION_WORDS
        or name.endswith(("-", ",", "&", "/"))
        or name.count("(") > name.count(")")
    )
    no_start = line.startswith("(") or first in NAME_FUNCTION_WORDS or first in ("and", "&")
    return unfinished or no_start or (line[:1].islower() and not _ended(row))


def _ended(row: _Row) -> bool:
    """Does the row's description so far end a sentence (or is it empty)?"""
    text = row.description[-1][1].rstrip() if row.description else ""
    return not text or text.endswith((".", "!", "?", ")"))


def _pdf(data: bytes, source: str) -> _Table:
    pages = _pdf_pages(data, source)
    reader = _PdfReader(pages, source)
    reader.read()
    if reader.columns is None:
        first = next(line.text() for p in pages for line in p.lines)
        raise _no_header(source, None, f"with the line {first[:80]!r}")
    rows = reader.rows()
    if not rows:
        raise LoadError(source, None, "the table has a header but no entries")
    return _Table(
        source,
        tuple(rows),
        tuple(reader.text),
        tuple(tuple(n) for n in reader.notes),
        tuple(reader.where),
    )


# ---------------------------------------------------------------------------------------------------------
# Recognising a table, and reading it into a portfolio


def _zip_kind(data: bytes) -> TableFormat | None:
    """docx or xlsx by the parts the zip holds (its directory, or the names in its first bytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        names = set()
    for kind, part in _ZIP_PART.items():
        if part in names or (not names and part.encode() in data):
            return kind
    return None


def _csv_header(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    return next(csv.reader([first], delimiter=delimiter), [])


def table_format(name: str, data: bytes) -> TableFormat | None:
    """Which table format ``data`` is (its first bytes are enough), or None: a PDF by its ``%PDF-`` header,
    Word and Excel by the zip's parts, a CSV table by its ``System | Beskrivelse`` header. A file named
    ``.pdf``, ``.docx`` or ``.xlsx`` is taken for one whatever it holds, so that reading it names what is wrong.

    >>> table_format("a.pdf", b"%PDF-1.7 ..."), table_format("t.csv", b"Systemnavn;Beskrivelse\\n")
    ('pdf', 'csv-table')
    >>> table_format("nodes.csv", b"id,name,kind\\n"), table_format("a.txt", b"System  Beskrivelse")
    (None, None)
    """
    suffix = PurePath(name).suffix.lower()
    # A PDF may have a few bytes before its header (readers look in the first 1,024): taken so only when the
    # name says PDF, or a JSON or text file quoting "%PDF-" would be one.
    if data.lstrip().startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind is not None:
            return kind
    if suffix in (".pdf", ".docx", ".xlsx"):
        return "pdf" if suffix == ".pdf" else "docx" if suffix == ".docx" else "xlsx"
    if suffix == ".csv":
        header = _csv_header(data[:4096])
        if _is_header(header_fields(header)) and "id" not in {fold(c).strip() for c in header}:
            return "csv-table"  # nodes.csv of the interchange pair has name and description too, and an id
    return None


_READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "csv-table": _csv}


def read_table(data: bytes, source: str, kind: TableFormat | None = None) -> RawDocument:
    """A table document's entries, as :func:`loaders.document.read` gives a text document's (line numbers are
    counted through a PDF; :func:`parse_table` turns them into pages and lines)."""
    return _raw(_read(data, source, kind))


def _read(data: bytes, source: str, kind: TableFormat | None) -> _Table:
    kind = kind or table_format(source, data)
    if kind is None:
        raise LoadError(source, None, "not a PDF, Word, Excel or CSV table")
    if not data.strip():
        raise LoadError(source, None, "document is empty")
    return _READERS[kind](data, source)


def parse_table(data: bytes, source: str, kind: TableFormat | None = None) -> Portfolio:
    """A portfolio from a table document's bytes: read as :func:`read_table`, then what
    :func:`loaders.parse_document` runs on a text document; the optional columns set the entries' owner,
    category and URL; a PDF's lines become pages and lines on them."""
    table = _read(data, source, kind)
    portfolio = transform(_raw(table))
    portfolio = with_relation_findings(_with_columns(portfolio, table.rows))
    if table.pages is not None:
        portfolio = _on_pages(portfolio, table.pages)
    return check_portfolio(portfolio, source)


def _with_columns(portfolio: Portfolio, rows: Sequence[_Row]) -> Portfolio:
    """The owner and category cells set on the nodes of their entry (the URL went in with the entry)."""
    changes: dict[str, dict[str, Any]] = {}
    for row in rows:
        wanted = {f: row.fields[f] for f in ("owner", "category") if row.fields.get(f)}
        if wanted:
            changes[join_lines(row.name).text] = wanted
    if not changes:
        return portfolio
    nodes = tuple(
        replace(n, **changes[n.entry]) if n.entry is not None and n.entry in changes else n
        for n in portfolio.nodes
    )
    return portfolio.with_(nodes=nodes)


_LINE_MENTION = re.compile(r"\bline (\d+)\b")


def _on_pages(portfolio: Portfolio, pages: Sequence[tuple[int, int]]) -> Portfolio:
    """Every line of the document (counted through it) as a page and the line on that page: nodes, edges,
    the ``also`` of edges ("doc, page 2, line 14: …"), entries, and findings (whose text says the page)."""
    document = portfolio.document

    def at(line: int | None) -> tuple[int | None, int | None]:
        if line is None or not 1 <= line <= len(pages):
            return None, line
        return pages[line - 1]

    def said(text: str) -> str:
        m = re.match(rf"{re.escape(document)}:(\d+): ", text)
        if m is None:
            return text
        page, line = at(int(m.group(1)))
        return f"{document}, page {page}, line {line}: {text[m.end() :]}"

    def mention(m: re.Match[str]) -> str:
        page, line = at(int(m.group(1)))
        return m.group() if page is None else f"page {page}, line {line}"

    nodes = []
    for n in portfolio.nodes:
        if n.document == document and n.line is not None:
            page, line = at(n.line)
            n = replace(n, page=page, line=line)
        nodes.append(n)
    edges = []
    for e in portfolio.edges:
        if e.document == document and e.line is not None:
            page, line = at(e.line)
            e = replace(e, page=page, line=line, also=tuple(said(a) for a in e.also))
        edges.append(e)
    findings = []
    for f in portfolio.findings:
        page, line = at(f.line)
        message = _LINE_MENTION.sub(mention, f.message)
        if page is not None and f"page {page}" not in message:
            message = f"page {page}: {message}"
        findings.append(replace(f, line=line, message=message))
    entries = tuple(replace(e, line=at(e.line)[1] or e.line) for e in portfolio.entries)
    return portfolio.with_(nodes=tuple(nodes), edges=tuple(edges), findings=tuple(findings), entries=entries)


def load_table(path: Path, data: bytes, overlay: Path | str | None = None) -> Portfolio:
    """The portfolio of the table document at ``path`` (its bytes read already), with ``overlay`` applied as
    to a text document: its nodes, edges and sheets. ``entries.rename`` is refused: it renames a text
    document's entries by line, and a table's names are its cells."""
    try:
        portfolio = parse_table(data, path.name)
    except LoadError as exc:  # name the file as the user gave it
        raise LoadError(str(path), exc.line, exc.message) from None
    if overlay is None:
        return portfolio
    ov_path = Path(overlay)
    ov = open_overlay(ov_path)
    names, where = entry_names(ov, ov_path.name)
    if names:
        first = min(names)
        raise LoadError(
            ov_path.name,
            where[first],
            f"entries.rename renames a text document's entries by line; {path.name} is a table, whose names "
            "are its cells: correct the cell instead",
        )
    return with_overlay(portfolio, ov, ov_path)
