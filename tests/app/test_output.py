"""The CLI's printer: rich tables on a terminal, one row per line in TSV, CSV and Markdown."""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.table import Table

from app.output import Format, Printer, choose


def _table() -> Table:
    t = Table(title="[bold]What breaks[/]")
    for col in ("node", "loses", "evidence"):
        t.add_column(col)
    t.add_row("Portal", "login (down)\nletters (degraded)", "“Innlogging skjer via ID-porten | MinID.”")
    t.add_row("=SUM(A1)", "", "@lookup")
    return t


def _printed(fmt: Format, *things: object) -> str:
    buf = io.StringIO()
    printer = Printer(fmt, Console(file=buf, width=40))
    for thing in things:
        printer.print(thing)  # type: ignore[arg-type]
    return buf.getvalue()


def test_tsv_has_a_header_and_one_line_per_row_however_narrow_the_console() -> None:
    lines = _printed(Format.TSV, _table()).splitlines()
    assert lines == [
        "# What breaks",
        "node\tloses\tevidence",
        "Portal\tlogin (down); letters (degraded)\t“Innlogging skjer via ID-porten | MinID.”",
        "=SUM(A1)\t\t@lookup",
    ]


def test_lines_between_tables_are_comments_and_tables_are_set_apart_by_a_blank_line() -> None:
    text = _printed(Format.TSV, "[bold]Down:[/] Portal", _table(), _table())
    assert text.startswith("# Down: Portal\n\n# What breaks\nnode\t")
    assert text.count("\n\n# What breaks\n") == 2


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas() -> None:
    rows = list(csv.reader(io.StringIO(_printed(Format.CSV, _table()).split("\n", 1)[1])))
    assert rows[0] == ["node", "loses", "evidence"]
    assert rows[2] == ["'=SUM(A1)", "", "'@lookup"]


def test_markdown_escapes_the_pipes_inside_cells() -> None:
    md = _printed(Format.MD, _table())
    assert "| Portal | login (down); letters (degraded) | “Innlogging skjer via ID-porten \\| MinID.” |" in md
    assert md.startswith("**What breaks**\n\n| node | loses | evidence |\n|---|---|---|\n")


def test_a_table_on_a_terminal_is_drawn_by_rich_with_its_box() -> None:
    assert "┃" in _printed(Format.TABLE, _table()) or "│" in _printed(Format.TABLE, _table())


def test_json_is_chosen_by_the_flag_then_the_format_then_by_whether_stdout_is_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert choose(Format.MD, True) is Format.JSON
    assert choose(Format.MD, False, io.StringIO()) is Format.MD
    assert choose(None, False, Tty()) is Format.TABLE
    assert choose(None, False, io.StringIO()) is Format.TSV
