"""`eagraph parse`: JSON for machines, tables for people, one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EAGRAPH = [sys.executable, "-m", "app.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EAGRAPH, *args], capture_output=True, text=True, timeout=120)


def test_parse_json_has_nodes_edges_and_findings_in_the_documented_shape() -> None:
    res = run("parse", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert {"id", "name", "kind", "aliases"} <= set(data["nodes"][0])
    assert {"source", "target", "type", "evidence", "confidence", "strength", "line", "alt_group"} <= set(
        data["edges"][0]
    )
    assert {"code", "message", "nodes"} <= set(data["findings"][0])
    assert len(data["entries"]) == 26


def test_parse_prints_readable_tables() -> None:
    res = run("parse")
    assert res.returncode == 0
    assert "26 entries" in res.stdout and "Data-quality findings" in res.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "document is empty"),
        (b"\x00\x01\x02" * 100, "binary file"),
        (b"hello\n", "no table header"),
        (b"System  Beskrivelse\n\nA \xff\n", "invalid UTF-8"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_traceback(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    res = run("parse", str(path))
    assert res.returncode == 2
    assert res.stdout == ""
    assert message in res.stderr and str(path) in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_a_50_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"System  Beskrivelse\n" + b"x" * 50_000_000)
    res = run("parse", str(path))
    assert res.returncode == 2 and "50.0 MB" in res.stderr


def test_a_missing_file_is_a_clear_error() -> None:
    res = run("parse", "/nonexistent/portfolio.txt")
    assert res.returncode == 2 and "no such file" in res.stderr


REPO = Path(__file__).resolve().parents[2]
SEED_TXT = str(REPO / "seed" / "hdir-systemportefolje-2023.txt")
NHN_TXT = str(REPO / "examples" / "nhn-tjenesteportefolje.txt")
MANIFEST = str(REPO / "examples" / "portfolio.yaml")


def test_parsing_two_documents_gives_one_graph_whose_shared_nodes_list_both_sources() -> None:
    res = run("parse", SEED_TXT, NHN_TXT, "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    helseid = next(n for n in data["nodes"] if n["id"] == "helseid")
    assert helseid["sources"] == ["hdir-systemportefolje-2023", "nhn-tjenesteportefolje"]
    assert helseid["entry"] == "HelseID"  # the second portfolio describes what the first only names
    assert {e["document"] for e in data["edges"]} >= {
        "hdir-systemportefolje-2023.txt",
        "nhn-tjenesteportefolje.txt",
    }


def test_sources_lists_a_manifests_sources_with_their_organisations_and_file_hashes() -> None:
    res = run("sources", "--portfolio", MANIFEST, "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert [(r["id"], r["organisation"]) for r in rows] == [
        ("hdir", "Helsedirektoratet"),
        ("nhn", "Norsk helsenett SF (oppdiktet)"),
    ]
    assert all(len(r["sha256"]) == 64 for r in rows)


def test_an_overlay_beside_several_files_is_refused_in_one_line() -> None:
    res = run("parse", SEED_TXT, NHN_TXT, "--overlay", str(REPO / "seed" / "overlay.yaml"))
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {REPO / 'seed' / 'overlay.yaml'}: several sources: name each one's overlay in a manifest"
    ]
