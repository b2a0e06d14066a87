"""The CLI as scripts use it: a table on a terminal, one row per line when piped, --format on every query,
--version, completion, exit codes, and docs/cli.md generated from the CLI itself."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

OLD = "examples/hdir-systemportefolje-2022-oppdiktet.txt"
NEW = "seed/hdir-systemportefolje-2023.txt"
CYCLIC = "examples/nhn-tjenesteportefolje.txt"  # two circular dependencies
QUERIES = {
    "impact": ["impact", "hINT"],
    "deps": ["deps", "Praksisinfo"],
    "dependents": ["dependents", "HelseID"],
    "path": ["path", "Praksisinfo", "HelseID"],
    "critical": ["critical"],
    "cycles": ["cycles", "--portfolio", CYCLIC],
    "parse": ["parse"],
    "diff": ["diff", OLD, NEW],
}
BOX = re.compile("[┃│━─┏┡╇]")
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7])(?:;[0-9;]*)?m")


EAGRAPH = str(Path(sys.executable).parent / "eagraph")  # the console entry point: completion keys on its name


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI with stdout piped (not a terminal)."""
    return subprocess.run(
        [EAGRAPH, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def on_terminal(*args: str, columns: int = 100, env: dict[str, str] | None = None) -> str:
    """The CLI's stdout when it is a terminal ``columns`` wide (a pseudo-terminal)."""
    main, sub = pty.openpty()
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    proc = subprocess.Popen(
        [EAGRAPH, *args],
        stdout=sub,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**base, "TERM": "xterm-256color", **(env or {})},
    )
    os.close(sub)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("command", QUERIES)
def test_piped_output_is_tab_separated_with_one_row_per_line_and_no_box(command: str) -> None:
    res = run(*QUERIES[command])
    assert res.returncode == 0, res.stderr
    assert not BOX.search(res.stdout) and "\x1b[" not in res.stdout
    rows = [line for line in res.stdout.splitlines() if line and not line.startswith("#")]
    assert rows, res.stdout
    width = {}
    for block in re.split(r"\n\n+", res.stdout):  # one table per block; a header, then rows as wide
        lines = [line for line in block.splitlines() if line and not line.startswith("#")]
        if lines:
            width = {line.count("\t") for line in lines}
            assert len(width) == 1, block


@pytest.mark.parametrize("command", QUERIES)
def test_csv_parses_and_every_row_of_a_table_has_its_header_width(command: str) -> None:
    res = run(*QUERIES[command], "--format", "csv")
    assert res.returncode == 0, res.stderr
    for block in re.split(r"\n\n+", res.stdout):
        body = "\n".join(line for line in block.splitlines() if not line.startswith("# "))
        rows = list(csv.reader(io.StringIO(body)))
        if rows:
            assert {len(r) for r in rows} == {len(rows[0])}, block
    assert not re.search(r"(^|,)[=+@]", res.stdout, re.M)  # no cell a spreadsheet would run


@pytest.mark.parametrize("command", QUERIES)
def test_markdown_has_a_pipe_table(command: str) -> None:
    res = run(*QUERIES[command], "-f", "md")
    assert res.returncode == 0, res.stderr
    assert re.search(r"^\|---", res.stdout, re.M), res.stdout[:500]


@pytest.mark.parametrize("command", QUERIES)
def test_json_by_format_is_the_same_as_by_the_json_flag(command: str) -> None:
    by_format, by_flag = run(*QUERIES[command], "--format", "json"), run(*QUERIES[command], "--json")
    assert by_format.returncode == by_flag.returncode == 0, by_format.stderr
    assert json.loads(by_format.stdout) == json.loads(by_flag.stdout)


@pytest.mark.parametrize("command", QUERIES)
def test_on_a_terminal_the_answer_is_a_table_sized_to_the_terminal(command: str) -> None:
    text = on_terminal(*QUERIES[command], columns=100)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert BOX.search(plain), plain[:500]
    assert max(len(line) for line in plain.splitlines()) <= 100


def test_a_table_can_be_asked_for_when_piped_too() -> None:
    assert BOX.search(run("deps", "Praksisinfo", "--format", "table").stdout)


def test_a_piped_impact_keeps_every_evidence_sentence_on_one_line() -> None:
    data = json.loads(run("impact", "hINT", "--json").stdout)
    sentences = {sentence for item in (*data["impacted"], *data["possible"]) for sentence in item["evidence"]}
    assert sentences
    lines = run("impact", "hINT").stdout.splitlines()
    for sentence in sentences:
        assert any(sentence in line for line in lines), sentence


def test_colour_goes_with_no_color_and_with_the_no_color_variable() -> None:
    assert COLOUR.search(on_terminal("impact", "hINT"))
    assert not COLOUR.search(on_terminal("--no-color", "impact", "hINT"))
    assert not COLOUR.search(on_terminal("impact", "hINT", env={"NO_COLOR": "1"}))


def test_version_names_the_package_python_networkx_and_the_driver() -> None:
    res = run("--version")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert lines[0].startswith("eagraph ")
    assert [line.split()[0] for line in lines[1:]] == ["python", "networkx", "neo4j-driver"]


def test_completion_offers_node_ids_and_names_from_the_portfolio() -> None:
    bash = run(
        env={"_EAGRAPH_COMPLETE": "complete_bash", "COMP_WORDS": "eagraph deps Praks", "COMP_CWORD": "2"}
    )
    assert bash.returncode == 0 and "Praksisinfo" in bash.stdout.split()
    zsh = run(env={"_EAGRAPH_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "eagraph impact Praks"})
    assert "Praksisinfo" in zsh.stdout
    fish = run(
        env={
            "_EAGRAPH_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_ARGS": "eagraph path Praks",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
    )
    assert "Praksisinfo" in fish.stdout


def test_bad_input_is_exit_2_on_stderr_with_nothing_on_stdout() -> None:
    for args in (
        ["impact", "no-such-system"],
        ["deps", "Praksisinfo", "--format", "xml"],
        ["parse", "nope.txt"],
    ):
        res = run(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert res.stdout == "" and res.stderr.strip(), args
        assert "Traceback" not in res.stderr


def test_the_exit_codes_are_documented_in_the_help() -> None:
    help_text = " ".join(run("--help").stdout.split())
    assert "Exit codes: 0 ok; 1 a failure" in help_text and "2 bad input" in help_text


def test_docs_cli_md_is_what_the_cli_says_now() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "typer", "app.cli", "utils", "docs", "--name", "eagraph"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
    )
    assert res.returncode == 0, res.stderr
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").rstrip() == res.stdout.rstrip(), (
        "docs/cli.md is out of date: run `make cli-docs`"
    )
