"""`eagraph export`, `eagraph import` and `--portfolio FILE`: the usual questions on imported portfolios;
hostile or broken files are one line on stderr, exit code 2, nothing on stdout and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_COUNTS, SEED_EDGES, SEED_NODES
from tests.loaders.test_hostile_xml import BILLION_LAUGHS, XXE

EAGRAPH = [sys.executable, "-m", "app.cli"]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EAGRAPH, *map(str, args)], capture_output=True, text=True, timeout=120)


def assert_one_line_error(res: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert res.returncode == 2, res.stderr
    assert res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert res.stderr.startswith("error: ")
    assert "Traceback" not in res.stderr
    for fragment in fragments:
        assert fragment in res.stderr, res.stderr


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed in every format, written by `eagraph export -o`."""
    folder = tmp_path_factory.mktemp("exported")
    for fmt, name in [
        ("archimate", "model.xml"),
        ("graphml", "seed.graphml"),
        ("node-link", "seed.json"),
        ("csv-nodes", "nodes.csv"),
        ("csv-edges", "edges.csv"),
        ("backstage", "catalog.yaml"),
        ("mermaid", "seed.mmd"),
        ("cypher", "seed.cypher"),
    ]:
        res = run("export", "--format", fmt, "-o", folder / name)
        assert res.returncode == 0, res.stderr
        assert (
            res.stdout == ""
            and f"wrote {folder / name} ({fmt}: {SEED_NODES} nodes, {SEED_EDGES} edges)" in res.stderr
        )
    return folder


def test_export_without_a_file_writes_to_standard_output() -> None:
    res = run("export", "-f", "mermaid")
    assert res.returncode == 0 and res.stdout.startswith("flowchart LR\n")


def test_export_lists_its_formats_with_media_types() -> None:
    res = run("export", "--list", "--json")
    assert res.returncode == 0
    formats = {f["name"]: f["media_type"] for f in json.loads(res.stdout)}
    assert formats["archimate"] == "application/xml" and formats["backstage"] == "application/yaml"
    assert set(formats) == {
        "archimate",
        "backstage",
        "graphml",
        "node-link",
        "mermaid",
        "cypher",
        "csv-nodes",
        "csv-edges",
    }


def test_an_unknown_export_format_is_one_line_naming_the_choices(tmp_path: Path) -> None:
    res = run("export", "-f", "visio", "-o", tmp_path / "out.vsdx")
    assert_one_line_error(res, "unknown export format 'visio'", "archimate")
    assert not (tmp_path / "out.vsdx").exists()


@pytest.mark.parametrize(
    "files", [["model.xml"], ["seed.graphml"], ["seed.json"], ["nodes.csv", "edges.csv"]]
)
def test_import_json_has_the_shape_of_parse_json(exported: Path, files: list[str]) -> None:
    res = run("import", *(exported / f for f in files), "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert {"document", "revision", "nodes", "edges", "findings"} <= data.keys()
    assert (len(data["nodes"]), len(data["edges"])) == SEED_COUNTS
    hint = next(n for n in data["nodes"] if n["id"] == "hint")
    assert hint["kind"] == "integration" and "hINT" in hint["aliases"]


def test_import_prints_a_summary_by_kind_and_type(exported: Path) -> None:
    res = run("import", exported / "model.xml")
    assert res.returncode == 0
    assert (
        f"{SEED_NODES} nodes, {SEED_EDGES} edges" in res.stdout
        and "INTEGRATES_VIA" in res.stdout
        and "actor" in res.stdout
    )


@pytest.mark.parametrize(
    "portfolio", ["model.xml", "seed.graphml", "seed.json", "nodes.csv", "edges.csv", "."]
)
def test_impact_on_an_imported_portfolio_answers_as_on_the_document(exported: Path, portfolio: str) -> None:
    expected = run("impact", "hINT", "--json")
    res = run("impact", "hINT", "--json", "--portfolio", exported / portfolio)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == json.loads(expected.stdout)


def test_the_other_queries_take_an_imported_portfolio_too(exported: Path) -> None:
    res = run("path", "Praksisinfo", "HelseID", "--portfolio", exported / "model.xml", "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["paths"]
    res = run("critical", "-p", exported / "nodes.csv", "--json", "--top", "3")
    assert res.returncode == 0 and json.loads(res.stdout)["nodes"]


def test_a_csv_portfolio_needs_its_partner_file(tmp_path: Path, exported: Path) -> None:
    (tmp_path / "nodes.csv").write_bytes((exported / "nodes.csv").read_bytes())
    assert_one_line_error(run("impact", "hint", "-p", tmp_path / "nodes.csv"), "edges.csv: no such file")


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (XXE, [":2: refused: the file declares a DOCTYPE"]),
        (BILLION_LAUGHS, [":2: refused: the file declares a DOCTYPE"]),
        (b"<model>\n<elements>\n</model>\n", [":3: malformed XML: Opening and ending tag mismatch"]),
        (b"<svg/>", ["neither an ArchiMate exchange file nor GraphML"]),
    ],
    ids=["xxe-etc-passwd", "billion-laughs", "malformed", "other-xml"],
)
@pytest.mark.parametrize(
    "command", [["import"], ["impact", "hint", "--portfolio"]], ids=["import", "portfolio"]
)
def test_hostile_or_broken_xml_is_one_line_and_exit_2(
    tmp_path: Path, content: bytes, fragments: list[str], command: list[str]
) -> None:
    path = tmp_path / "model.xml"
    path.write_bytes(content)
    res = run(*command, path)
    assert_one_line_error(res, str(path), *fragments)
    assert "root:" not in res.stderr  # nothing of /etc/passwd


@pytest.mark.parametrize(
    ("nodes", "edges", "fragments"),
    [
        (
            b"id,name,kind,colour\na,A,system,red\n",
            b"source,target,type,evidence\n",
            ["nodes.csv:1: unknown column(s) 'colour'"],
        ),
        (
            b"id,name,kind\na,A,system\na,Again,system\n",
            b"source,target,type,evidence\n",
            ["nodes.csv:3: duplicate id 'a' (first at line 2)"],
        ),
        (
            b"id,name,kind\na,A,system\n",
            b"source,target,type,evidence\na,b,USES,A uses B.\n",
            ["edges.csv:2: target 'b' is not in"],
        ),
    ],
    ids=["unknown-column", "duplicate-id", "edge-to-missing-node"],
)
def test_csv_mistakes_are_one_line_with_the_line_number_and_exit_2(
    tmp_path: Path, nodes: bytes, edges: bytes, fragments: list[str]
) -> None:
    (tmp_path / "nodes.csv").write_bytes(nodes)
    (tmp_path / "edges.csv").write_bytes(edges)
    assert_one_line_error(run("import", tmp_path / "nodes.csv", tmp_path / "edges.csv"), *fragments)
    assert_one_line_error(run("deps", "a", "--portfolio", tmp_path), *fragments)


def test_a_failed_export_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "model.xml"
    bad.write_bytes(XXE)
    out = tmp_path / "out.graphml"
    assert_one_line_error(run("export", "-f", "graphml", "-p", bad, "-o", out), "refused")
    assert list(tmp_path.iterdir()) == [bad]
