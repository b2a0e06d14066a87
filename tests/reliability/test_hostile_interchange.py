"""Hostile interchange files (issue 12, items 8, 9 and 14): node-link JSON, GraphML, ArchiMate and the CSV pair.

Expected of every importer: a field of the wrong type or out of range, a structure nested too deeply, an id
that is not a slug, a duplicate id and an edge to an unknown id are each one :class:`LoadError` naming the
file, the field and the node or edge (one line, exit code 2 in the CLI, a problem from the API), never a
portfolio that breaks something later, a RecursionError or a 500.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.main import create_app
from graph.exports import export
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders.errors import LoadError
from loaders.interchange import load_any, read_files
from tests.app.conftest import API_KEY, problem, seeded, settings, started
from tests.conftest import REPO

NODE_LINE, EDGE_LINE = 987654, 876543  # markers: each number appears once in every export
PORTFOLIO = Portfolio(
    "demo.txt",
    (
        Node("portal", "Portal", NodeKind.SYSTEM, line=NODE_LINE),
        Node("login", "Login", NodeKind.EXTERNAL, line=4),
        Node("users", "Users", NodeKind.ACTOR, line=5),
    ),
    (
        Edge("portal", "login", RelType.AUTHENTICATES_WITH, "Portal logs in with Login.", line=EDGE_LINE),
        Edge("users", "portal", RelType.USES, "Users use Portal.", line=9, scope=("users",)),
    ),
)
TEXT_FORMATS = ("graphml", "archimate", "csv")


def node_link(p: Portfolio = PORTFOLIO) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(export(p, "node-link")[1])
    return doc


def read_json(doc: dict[str, Any] | str, how: str, tmp_path: Path) -> Any:
    """The portfolio in ``doc`` by ``how``: ``read_files`` (in memory) or ``load_any`` (a file, the lean reader
    first)."""
    data = (doc if isinstance(doc, str) else json.dumps(doc)).encode()
    if how == "read_files":
        return read_files([("p.json", data)])
    path = tmp_path / "p.json"
    path.write_bytes(data)
    return load_any(path)


def refused(doc: dict[str, Any] | str, how: str, tmp_path: Path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        read_json(doc, how, tmp_path)
    error = caught.value
    assert error.source.endswith("p.json") and "\n" not in str(error)
    return error


def read_text(p: Portfolio, fmt: str, edit: tuple[str, str] | None = None) -> Portfolio:
    """``p`` exported as ``fmt`` (the two CSV files for ``csv``), with ``edit`` (old, new) applied, read back."""
    if fmt == "csv":
        files = [("nodes.csv", export(p, "csv-nodes")[1]), ("edges.csv", export(p, "csv-edges")[1])]
    else:
        files = [(f"p.{fmt}", export(p, fmt)[1])]
    if edit is not None:
        old, new = edit
        assert sum(text.count(old) for _, text in files) == 1, f"{old!r} must be in one place"
        files = [(name, text.replace(old, new)) for name, text in files]
    return read_files([(name, text.encode()) for name, text in files])


READERS = pytest.mark.parametrize("how", ["read_files", "load_any"])

# --------------------------------------------------------------------------------- item 8: field values

BAD_LINES = [10**30, 1.5, math.nan, math.inf, -math.inf, -3, 0, 10_000_001, True, "12", [3]]
BAD_LINE_IDS = ["1e30", "1.5", "nan", "inf", "-inf", "negative", "zero", "over-10M", "bool", "string", "list"]


@READERS
@pytest.mark.parametrize("bad", BAD_LINES, ids=BAD_LINE_IDS)
def test_a_node_link_edge_line_that_is_not_a_whole_number_from_1_to_10_million_is_refused_with_its_place(
    bad: Any, how: str, tmp_path: Path
) -> None:
    doc = node_link()
    doc["links"][0]["line"] = bad
    error = refused(doc, how, tmp_path)
    assert "edge 'portal' → 'login'" in error.message and "line" in error.message


@READERS
@pytest.mark.parametrize("bad", BAD_LINES, ids=BAD_LINE_IDS)
def test_a_node_link_node_line_that_is_not_a_whole_number_from_1_to_10_million_is_refused_with_its_place(
    bad: Any, how: str, tmp_path: Path
) -> None:
    doc = node_link()
    doc["nodes"][0]["line"] = bad
    error = refused(doc, how, tmp_path)
    assert "node 'portal'" in error.message and "line" in error.message


NODE_FIELDS: list[tuple[str, Any]] = [
    ("name", 5),
    ("name", None),
    ("kind", "planet"),
    ("kind", ["system"]),
    ("labels", "system"),
    ("labels", ["planet"]),
    ("aliases", "Alpha"),
    ("aliases", [1]),
    ("aliases", {"a": "b"}),
    ("description", {"a": 1}),
    ("owner", ["Someone"]),
    ("url", 7),
    ("rto_hours", math.nan),
    ("rto_hours", math.inf),
    ("rto_hours", -1),
    ("rto_hours", "4 h"),
    ("rto_hours", True),
]


@READERS
@pytest.mark.parametrize(("field", "bad"), NODE_FIELDS, ids=[f"{f}={v!r}" for f, v in NODE_FIELDS])
def test_a_node_link_node_field_of_the_wrong_type_or_value_is_refused_naming_field_and_node(
    field: str, bad: Any, how: str, tmp_path: Path
) -> None:
    doc = node_link()
    doc["nodes"][0][field] = bad
    error = refused(doc, how, tmp_path)
    assert "node 'portal'" in error.message and field in error.message


EDGE_FIELDS: list[tuple[str, Any]] = [
    ("type", "NOPE"),
    ("type", None),
    ("evidence", 5),
    ("evidence", None),
    ("confidence", "sure"),
    ("strength", 1),
    ("scope", "users"),
    ("scope", [["users"]]),
    ("also", [1]),
    ("note", ["x"]),
    ("alt_group", 3.5),
]


@READERS
@pytest.mark.parametrize(("field", "bad"), EDGE_FIELDS, ids=[f"{f}={v!r}" for f, v in EDGE_FIELDS])
def test_a_node_link_edge_field_of_the_wrong_type_or_value_is_refused_naming_field_and_edge(
    field: str, bad: Any, how: str, tmp_path: Path
) -> None:
    doc = node_link()
    doc["links"][-1][field] = bad
    error = refused(doc, how, tmp_path)
    assert "edge 'users' → 'portal'" in error.message and field in error.message


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("bad", ["1000000000000000000000000000000", "-1", "0", "10000001"])
@pytest.mark.parametrize("marker", [NODE_LINE, EDGE_LINE], ids=["node", "edge"])
def test_a_line_out_of_range_in_graphml_archimate_or_csv_is_refused_naming_the_field(
    fmt: str, bad: str, marker: int
) -> None:
    with pytest.raises(LoadError) as caught:
        read_text(PORTFOLIO, fmt, (str(marker), bad))
    assert "line" in caught.value.message and "\n" not in str(caught.value)
    assert caught.value.line is not None  # these formats have lines: the error names the place


def test_an_imported_portfolio_never_reaches_the_cypher_export_with_a_line_of_nan(tmp_path: Path) -> None:
    doc = node_link()
    doc["links"][0]["line"] = math.nan
    with pytest.raises(LoadError):
        read_json(doc, "load_any", tmp_path)


@READERS
def test_a_node_link_number_too_long_for_python_is_a_load_error_not_a_value_error(
    how: str, tmp_path: Path
) -> None:
    text = export(PORTFOLIO, "node-link")[1].replace(str(NODE_LINE), "9" * 5000)
    assert "malformed JSON" in refused(text, how, tmp_path).message


# --------------------------------------------------------------------------------- item 9: deep nesting


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


DEEP_PLACES = {
    "in-the-nodes": lambda deep: '{"nodes": [' + deep + '], "edges": []}',
    "in-a-node-field": lambda deep: (
        '{"nodes": [{"id": "a", "name": "A", "kind": "system", "x": ' + deep + '}], "edges": []}'
    ),
    "in-the-graph": lambda deep: '{"graph": {"x": ' + deep + '}, "nodes": [], "edges": []}',
    "in-an-unknown-key": lambda deep: '{"nodes": [], "edges": [], "extra": ' + deep + "}",
}


@READERS
@pytest.mark.parametrize("depth", [200, 1_000, 100_000])
@pytest.mark.parametrize("place", DEEP_PLACES, ids=list(DEEP_PLACES))
def test_a_node_link_file_nested_too_deeply_is_one_load_error_naming_the_file(
    place: str, depth: int, how: str, tmp_path: Path
) -> None:
    error = refused(DEEP_PLACES[place](nested(depth)), how, tmp_path)
    assert "nested too deeply" in error.message


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_graphml_list_field_nested_too_deeply_is_one_load_error_naming_the_node(depth: int) -> None:
    with pytest.raises(LoadError) as caught:
        read_text(PORTFOLIO, "graphml", ('["external"]', nested(depth)))
    assert "node 'login'" in caught.value.message and "\n" not in str(caught.value)


def eagraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, timeout=120, cwd=REPO
    )


def test_eagraph_import_of_a_node_link_file_nested_100000_deep_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP_PLACES["in-the-nodes"](nested(100_000)))
    done = eagraph("import", str(path))
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}") and "nested too deeply" in lines[0]


def test_an_admin_reload_of_a_node_link_file_nested_100000_deep_is_a_problem_not_a_500(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP_PLACES["in-the-nodes"](nested(100_000)))
    app = create_app(settings(portfolio=str(path), api_key=API_KEY), store=seeded(PORTFOLIO))
    with started(app, raise_server_exceptions=False) as c:
        response = c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY})
        body = problem(response, 503)
        assert body["type"] == "urn:eagraph:problem:portfolio-unreadable"
        assert "nested too deeply" in body["detail"] and "deep.json" in body["detail"]
        assert c.get("/api/v1/nodes/portal").status_code == 200  # still serving what it had


# --------------------------------------------------------------------------------- item 14: ids

BAD_IDS = ["../../etc/passwd", "<script>x</script>", "a b", "HINT", "Portal", "a--b", "-a", "a-", "ø", "a_b"]


def with_id(bad: str) -> Portfolio:
    """:data:`PORTFOLIO` with the node ``portal`` renamed to ``bad`` everywhere."""

    def swap(node_id: str) -> str:
        return bad if node_id == "portal" else node_id

    nodes = tuple(Node(swap(n.id), n.name, n.kind, line=n.line) for n in PORTFOLIO.nodes)
    edges = tuple(
        Edge(swap(e.source), swap(e.target), e.type, e.evidence, line=e.line, scope=e.scope)
        for e in PORTFOLIO.edges
    )
    return Portfolio(PORTFOLIO.document, nodes, edges)


@pytest.mark.parametrize("fmt", ["node-link", *TEXT_FORMATS])
@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_imported_id_that_is_not_a_slug_is_refused_naming_it_in_every_format(bad: str, fmt: str) -> None:
    with pytest.raises(LoadError) as caught:
        if fmt == "node-link":
            read_files([("p.json", export(with_id(bad), fmt)[1].encode())])
        else:
            read_text(with_id(bad), fmt)
    assert repr(bad) in caught.value.message and "slug" in caught.value.message
    assert "\n" not in str(caught.value)


@READERS
@pytest.mark.parametrize("bad", [" portal", "portal ", "\tportal"])
def test_a_node_link_id_with_surrounding_whitespace_is_refused(bad: str, how: str, tmp_path: Path) -> None:
    error = refused(export(with_id(bad), "node-link")[1], how, tmp_path)
    assert repr(bad) in error.message and "slug" in error.message


@READERS
def test_a_node_link_node_id_that_is_not_text_is_refused(how: str, tmp_path: Path) -> None:
    doc = node_link()
    doc["nodes"][0]["id"] = 7
    doc["links"] = []
    assert "id" in refused(doc, how, tmp_path).message


@READERS
def test_a_duplicate_node_link_node_id_is_refused_not_merged(how: str, tmp_path: Path) -> None:
    doc = node_link()
    doc["nodes"].append({**doc["nodes"][0], "name": "Another portal"})
    error = refused(doc, how, tmp_path)
    assert "duplicate node id 'portal'" in error.message


def test_a_duplicate_graphml_node_id_is_refused_with_its_line() -> None:
    text = export(PORTFOLIO, "graphml")[1]
    first = text.index('    <node id="login">')
    block = text[first : text.index("</node>", first) + len("</node>\n")]
    with pytest.raises(LoadError) as caught:
        read_files([("p.graphml", text.replace(block, block + block.replace("Login", "Other")).encode())])
    assert "duplicate node id 'login'" in caught.value.message and caught.value.line is not None


@pytest.mark.parametrize("fmt", ["archimate", "csv"])
def test_a_duplicate_node_id_in_archimate_or_csv_is_refused(fmt: str) -> None:
    twice = PORTFOLIO.with_(nodes=(*PORTFOLIO.nodes, Node("login", "Other", NodeKind.SYSTEM)))
    with pytest.raises(LoadError, match="duplicate"):
        read_text(twice, fmt)


@READERS
@pytest.mark.parametrize("end", ["source", "target"])
def test_a_node_link_edge_to_an_unknown_id_is_refused_naming_the_edge(
    end: str, how: str, tmp_path: Path
) -> None:
    doc = node_link()
    doc["links"][0][end] = "ghost"
    error = refused(doc, how, tmp_path)
    assert "'ghost'" in error.message and "edge" in error.message and end in error.message


def test_a_graphml_edge_to_an_unknown_id_is_refused_with_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        read_text(PORTFOLIO, "graphml", ('target="login"', 'target="ghost"'))
    assert "'ghost'" in caught.value.message and "target" in caught.value.message
    assert caught.value.line is not None


def test_a_csv_edge_to_an_unknown_id_is_refused() -> None:
    with pytest.raises(LoadError, match=r"target 'ghost' is not in nodes\.csv"):
        read_text(PORTFOLIO, "csv", ("portal,login,", "portal,ghost,"))


@READERS
def test_a_node_link_scope_naming_an_unknown_id_is_refused(how: str, tmp_path: Path) -> None:
    doc = node_link()
    doc["links"][-1]["scope"] = ["ghost"]
    error = refused(doc, how, tmp_path)
    assert "scope 'ghost'" in error.message and "edge 'users' → 'portal'" in error.message


@pytest.mark.parametrize("fmt", ["graphml", "archimate"])
def test_a_graphml_or_archimate_scope_naming_an_unknown_id_is_refused(fmt: str) -> None:
    ghostly = PORTFOLIO.with_(
        edges=(
            PORTFOLIO.edges[0],
            Edge("users", "portal", RelType.USES, "Users use Portal.", scope=("ghost",)),
        )
    )
    with pytest.raises(LoadError, match="scope 'ghost'"):
        read_text(ghostly, fmt)


@READERS
def test_a_duplicate_node_link_edge_is_refused_not_merged(how: str, tmp_path: Path) -> None:
    doc = node_link()
    doc["links"].append({**doc["links"][0], "evidence": "Said again, differently."})
    assert "duplicate edge" in refused(doc, how, tmp_path).message


@pytest.mark.parametrize("fmt", ["node-link", *TEXT_FORMATS])
def test_a_valid_portfolio_still_round_trips_through_every_format(fmt: str) -> None:
    if fmt == "node-link":
        back = read_files([("p.json", export(PORTFOLIO, fmt)[1].encode())])
    else:
        back = read_text(PORTFOLIO, fmt)
    assert {n.id for n in back.nodes} == {n.id for n in PORTFOLIO.nodes}
    assert {e.key for e in back.edges} == {e.key for e in PORTFOLIO.edges}
