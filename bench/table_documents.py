"""Portfolio tables written as PDF, Word, Excel and CSV, for the tests of :mod:`loaders.tables` and the bench.

The PDF is laid out the way an office suite prints a two-column table: a title on the first page, a running
header and a "Side N av M" footer on every page, the header row repeated on each page, cells that wrap onto
several lines, and a row that does not fit broken across the page. ``ruled`` draws the grid (a rule under the
header, between rows and down the column edge); without it rows are told apart by the space between them.
Reportlab's standard Helvetica is enough: its WinAnsi encoding has æ ø å, « », – and “ ”; no font file is
needed. :func:`table_pdf` also says where it put every line (page, line on that page, counted from the
header), so a test knows where a sentence is without reading the PDF back.

>>> pdf = table_pdf([TableRow("Skoleskyss", "Håndterer søknader om skyss for elever.")])
>>> pdf.data[:5], pdf.pages, pdf.lines[:2]
(b'%PDF-', 1, [(1, 1, 'System', 'Beskrivelse'), (1, 2, 'Skoleskyss', 'Håndterer søknader om skyss for elever.')])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Pdf", "TableRow", "table_csv", "table_docx", "table_pdf", "table_xlsx"]

PAGE = (595.0, 842.0)  # A4, points
MARGIN = 56.0
PAD = 4.0
FONT, BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class TableRow:
    name: str
    description: str
    urls: tuple[str, ...] = ()
    owner: str | None = None
    category: str | None = None


@dataclass
class Pdf:
    data: bytes
    pages: int
    # (page, line on the page counted from the header line = 1, name cell text, description cell text)
    lines: list[tuple[int, int, str, str]] = field(default_factory=list)


@dataclass
class _Layout:
    """Where each line goes: the pages, and on each the draw operations."""

    size: float
    leading: float
    height: float
    bottom: float
    pages: list[list[tuple[str, float, float, str]]] = field(default_factory=list)  # (font, x, y, text)
    rules: list[list[tuple[float, float, float, float]]] = field(default_factory=list)
    lines: list[tuple[int, int, str, str]] = field(default_factory=list)
    y: float = 0.0
    on_page: int = 0


def table_pdf(
    rows: Sequence[TableRow],
    *,
    title: str | None = "Systemportefølje",
    running: str | None = "Systemoversikt – intern",
    note: str | None = None,
    ruled: bool = True,
    padding: float = PAD,
    name_width: float = 140.0,
    size: float = 9.0,
    page: tuple[float, float] = PAGE,
    encrypt: str | None = None,
) -> Pdf:
    """The rows as a PDF table (see the module); ``note`` is a paragraph under the table; ``padding`` is the
    space above and below the text of a row (0 and not ``ruled``: nothing tells rows apart but the text)."""
    from reportlab.lib.utils import simpleSplit

    width, height = page
    left, right = MARGIN, width - MARGIN
    edge = left + name_width
    lay = _Layout(size, size * 1.25, height, MARGIN + 10)

    def new_page() -> None:
        lay.pages.append([])
        lay.rules.append([])
        lay.on_page = 0
        lay.y = height - MARGIN
        if running:
            lay.pages[-1].append((FONT, left, height - 34, running))
        if title and len(lay.pages) == 1:
            lay.pages[-1].append((BOLD, left, lay.y, title))
            lay.y -= 2.5 * lay.leading
        header_top = lay.y
        lay.y -= PAD + size
        lay.pages[-1] += [(BOLD, left + PAD, lay.y, "System"), (BOLD, edge + PAD, lay.y, "Beskrivelse")]
        lay.on_page += 1
        lay.lines.append((len(lay.pages), lay.on_page, "System", "Beskrivelse"))
        lay.y -= PAD + (lay.leading - size)
        if ruled:
            lay.rules[-1] += [(left, header_top, right, header_top), (left, lay.y, right, lay.y)]

    def close_page(top: float) -> None:
        if ruled:
            lay.rules[-1] += [(left, lay.y, right, lay.y), (edge, top, edge, lay.y)]
            lay.rules[-1] += [(left, top, left, lay.y), (right, top, right, lay.y)]

    new_page()
    table_top = height - MARGIN - (2.5 * lay.leading if title else 0)
    for k, row in enumerate(rows):
        names = simpleSplit(row.name, FONT, size, name_width - 2 * PAD)
        desc = [
            line
            for part in (row.description, *row.urls)
            for line in simpleSplit(part, FONT, size, right - edge - 2 * PAD)
        ]
        if k and ruled:
            lay.rules[-1].append((left, lay.y, right, lay.y))
        lay.y -= padding
        for i in range(max(len(names), len(desc))):
            if lay.y - lay.leading < lay.bottom:  # the row goes on over the page
                close_page(table_top)
                new_page()
                table_top = height - MARGIN
                lay.y -= padding
            lay.y -= lay.leading
            name = names[i] if i < len(names) else ""
            text = desc[i] if i < len(desc) else ""
            lay.pages[-1] += [(FONT, left + PAD, lay.y, name), (FONT, edge + PAD, lay.y, text)]
            lay.on_page += 1
            lay.lines.append((len(lay.pages), lay.on_page, name, text))
        lay.y -= padding
    close_page(table_top)
    if note:
        lay.y -= 2 * lay.leading
        for line in simpleSplit(note, FONT, size, right - left):
            lay.y -= lay.leading
            lay.pages[-1].append((FONT, left, lay.y, line))
    return Pdf(_render(lay, page, encrypt), len(lay.pages), lay.lines)


def _render(lay: _Layout, page: tuple[float, float], encrypt: str | None) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=page, encrypt=encrypt, invariant=1)
    total = len(lay.pages)
    for number, (ops, rules) in enumerate(zip(lay.pages, lay.rules, strict=True), start=1):
        for font, x, y, text in ops:
            if text:
                c.setFont(font, lay.size)
                c.drawString(x, y, text)
        c.setLineWidth(0.5)
        for x0, y0, x1, y1 in rules:
            c.line(x0, y0, x1, y1)
        c.setFont(FONT, lay.size - 1)
        c.drawString(MARGIN, 30, "Utskrift fra porteføljeregisteret")
        c.drawRightString(page[0] - MARGIN, 30, f"Side {number} av {total}")
        c.showPage()
    c.save()
    return buf.getvalue()


def table_docx(rows: Sequence[TableRow], *, note: str | None = None, header: Sequence[str] = ()) -> bytes:
    """The rows as a Word table (``header``: the header cells; default System, Beskrivelse and the optional
    columns the rows use); URLs past the first go in the description cell, one paragraph each."""
    import docx

    cols = list(header) or _columns(rows)
    document = docx.Document()
    document.add_heading("Systemportefølje", level=1)
    document.add_paragraph("Oversikt over systemene.")
    table = document.add_table(rows=1, cols=len(cols))
    for cell, text in zip(table.rows[0].cells, cols, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, _cells(row, cols), strict=True):
            parts = text.split("\n")
            cell.text = parts[0]
            for part in parts[1:]:
                cell.add_paragraph(part)
    if note:
        document.add_paragraph(note)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def table_xlsx(rows: Sequence[TableRow], *, header: Sequence[str] = (), title: str | None = None) -> bytes:
    """The rows as the first sheet of a workbook (``title``: a row above the header)."""
    from openpyxl import Workbook

    cols = list(header) or _columns(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(cols)
    for row in rows:
        sheet.append(_cells(row, cols))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def table_csv(rows: Sequence[TableRow], *, header: Sequence[str] = (), delimiter: str = ";") -> bytes:
    cols = list(header) or _columns(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow(_cells(row, cols))
    return buf.getvalue().encode("utf-8")


def _columns(rows: Sequence[TableRow]) -> list[str]:
    cols = ["System", "Beskrivelse"]
    if any(r.urls for r in rows):
        cols.append("URL")
    if any(r.owner for r in rows):
        cols.append("Eier")
    if any(r.category for r in rows):
        cols.append("Kategori")
    return cols


# The header words the writers know, in Norwegian and English, and the field each one fills.
_FIELDS = {
    "system": "name",
    "systemnavn": "name",
    "navn": "name",
    "name": "name",
    "beskrivelse": "description",
    "description": "description",
    "url": "url",
    "lenke": "url",
    "nettside": "url",
    "eier": "owner",
    "systemeier": "owner",
    "owner": "owner",
    "kategori": "category",
    "category": "category",
}


def _cells(row: TableRow, cols: Sequence[str]) -> list[str]:
    by = {
        "name": row.name,
        "description": "\n".join([row.description, *row.urls[1:]]),
        "url": row.urls[0] if row.urls else "",
        "owner": row.owner or "",
        "category": row.category or "",
    }
    return [by.get(_FIELDS.get(c.lower(), ""), "") for c in cols]
