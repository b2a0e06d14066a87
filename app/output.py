"""How the CLI's answers reach stdout: rich tables on a terminal, one row per line when piped.

The commands build what they show as rich :class:`~rich.table.Table` objects and short lines of console
markup, and hand each to :meth:`Printer.print`. The printer's :class:`Format` decides what comes out:

* ``table`` — rich tables sized to the terminal (the default on a terminal);
* ``tsv`` — the default when stdout is piped or redirected: a header and one row per line, tab-separated,
  nothing wrapped or cut, no box drawing and no colour; a table's title and the lines between tables are
  comment lines starting with ``#``, and tables are separated by a blank line;
* ``csv`` — the same as RFC 4180 CSV, with cells a spreadsheet would run as a formula neutralised as the CSV
  export does (:func:`graph.exports.tabular.escape_formula`);
* ``md`` — Markdown: a paragraph per line, a pipe table per table;
* ``json`` — the commands print their JSON themselves (:func:`print_json`), never through the printer.

A cell's line breaks (a list of losses, say) become ``"; "`` outside ``table``, so a row stays one line.

>>> from rich.table import Table
>>> t = Table(title="Deps")
>>> for c in ("node", "evidence"):
...     t.add_column(c)
>>> t.add_row("[bold]hINT[/]", "“Sender\\tbrev via hINT.”")
>>> Printer(Format.TSV).lines(t)
['# Deps', 'node\\tevidence', 'hINT\\t“Sender brev via hINT.”']
>>> Printer(Format.CSV).lines("[bold]Down:[/] =hINT")
['# Down: =hINT']
>>> Printer(Format.MD).lines(t)
['**Deps**', '', '| node | evidence |', '|---|---|', '| hINT | “Sender brev via hINT.” |', '']
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from graph.exports.tabular import escape_formula


class Format(StrEnum):
    TABLE = "table"
    TSV = "tsv"
    CSV = "csv"
    JSON = "json"
    MD = "md"


def choose(fmt: Format | None, as_json: bool, stream: TextIO | None = None) -> Format:
    """The format asked for; ``--json`` is a synonym of ``--format json``; else a table on a terminal, TSV when
    piped.

    >>> choose(None, True), choose(Format.CSV, False), choose(None, False, io.StringIO())
    (<Format.JSON: 'json'>, <Format.CSV: 'csv'>, <Format.TSV: 'tsv'>)
    """
    if as_json:
        return Format.JSON
    if fmt is not None:
        return fmt
    stream = stream or sys.stdout
    return Format.TABLE if stream.isatty() else Format.TSV


def print_json(data: Any, stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _plain(cell: RenderableType | None) -> str:
    """A cell as one line of plain text: markup dropped, line breaks and tabs as separators."""
    if cell is None:
        return ""
    text = cell.plain if isinstance(cell, Text) else Text.from_markup(str(cell)).plain
    return "; ".join(part.strip() for part in text.splitlines() if part.strip()).replace("\t", " ")


def _rows(table: Table) -> tuple[list[str], list[list[str]]]:
    header = [_plain(c.header) for c in table.columns]
    cells = [[_plain(cell) for cell in c.cells] for c in table.columns]
    return header, [list(row) for row in zip(*cells, strict=True)] if cells else []


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


class Printer:
    """Prints console markup and rich tables in one :class:`Format` (``table`` by default)."""

    def __init__(self, fmt: Format = Format.TABLE, console: Console | None = None) -> None:
        self.format = fmt
        self.console = console or Console(soft_wrap=False)
        self._written = False  # something was printed: the next table is set apart by a blank line

    def lines(self, what: RenderableType) -> list[str]:
        """What :meth:`print` writes for ``what`` outside ``table``, line by line."""
        if not isinstance(what, Table):
            text = _plain(what)
            if self.format is Format.MD:
                return [text, ""]
            return [f"# {text}"] if text else []
        header, rows = _rows(what)
        title = _plain(what.title) if what.title else ""
        if self.format is Format.MD:
            head = [f"**{_md(title)}**", ""] if title else []
            return [
                *head,
                "| " + " | ".join(map(_md, header)) + " |",
                "|" + "---|" * len(header),
                *("| " + " | ".join(map(_md, r)) + " |" for r in rows),
                "",
            ]
        lines = [f"# {title}"] if title else []
        if self.format is Format.CSV:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([escape_formula(c) for c in r] for r in rows)
            return [*lines, *buf.getvalue().splitlines()]
        return [*lines, "\t".join(header), *("\t".join(r) for r in rows)]

    def print(
        self, what: RenderableType = "", *, highlight: bool | None = None, soft_wrap: bool | None = None
    ) -> None:
        if self.format is Format.TABLE:
            self.console.print(what, highlight=highlight, soft_wrap=soft_wrap)
            return
        if isinstance(what, Group):  # a group of tables and lines: each in turn
            for part in what.renderables:
                self.print(part)
            return
        lines = self.lines(what)
        if isinstance(what, Table) and self._written and self.format is not Format.MD:
            lines = ["", *lines]
        if lines:
            self.console.file.write("\n".join(lines) + "\n")
            self._written = True
