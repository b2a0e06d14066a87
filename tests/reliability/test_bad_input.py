"""The bad-input corpus (``tests/corpus/``): malformed documents and overlays, hostile names and parameters.

Expected everywhere: one clear line and exit code 2 from the CLI, a 4xx problem from the API, never a 5xx
nor a traceback, and nothing written — the Neo4j store's revision and counts do not move.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from app.main import create_app
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders import LoadError, load_portfolio
from loaders.document import MAX_BYTES
from tests.app.conftest import API_KEY, problem, seeded, settings, started
from tests.conftest import REPO, Neo4jServer
from tests.serving import Served

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# file: (line, what the one line says)
DOCUMENTS: dict[str, tuple[int | None, str]] = {
    "empty.txt": (None, "document is empty"),
    "blank.txt": (None, "document is empty"),
    "binary.txt": (2, "binary file (NUL byte at offset 20), expected UTF-8 text"),
    "utf16.txt": (1, "binary file (NUL byte at offset 3), expected UTF-8 text"),
    "latin1.txt": (3, "invalid UTF-8 at byte 77: invalid start byte"),
    "truncated-utf8.txt": (3, "invalid UTF-8 at byte 77: unexpected end of data"),
    "no-header.txt": (None, "no table header 'System  Beskrivelse' found; is this a portfolio table?"),
    "many-controls.txt": (None, "binary file (80 control characters), expected UTF-8 text"),
    "escape-in-name.txt": (3, "name contains U+001B (a control character)"),
    "bidi-override-in-name.txt": (3, "name contains U+202E (a bidirectional override)"),
    "escape-in-description.txt": (3, "description contains U+001B (a control character)"),
}
OVERLAYS: dict[str, tuple[int | None, str]] = {
    "not-yaml.yaml": (3, "not valid YAML: expected ',' or ']'"),
    "list-root.yaml": (None, "the overlay must be a mapping with 'version', 'nodes' and 'edges'"),
    "wrong-version.yaml": (1, "'version: 1' is required"),
    "unknown-key.yaml": (2, "unknown top-level key 'systems'"),
    "unknown-node.yaml": (4, "unknown node id 'hintt'; did you mean hint?"),
    "missing-reason.yaml": (4, "'nodes.update' item lacks reason"),
    "blank-reason.yaml": (4, "every change needs a non-empty reason"),
    "bad-kind.yaml": (4, "kind 'planet' is not one of system, integration, actor, external, website"),
    "existing-node.yaml": (4, "node 'hint' already exists; use nodes.update"),
    "nested-value.yaml": (4, "owner must be text, not a list"),
    "alias-bomb.yaml": (6, "aliases must be a list of names; item 1 is a list"),
    "python-tag.yaml": (2, "'nodes' must be a mapping"),
    "duplicate-key.yaml": (2, 'found duplicate key "version"'),
    "bad-utf8.yaml": (4, "invalid UTF-8"),
    "escape-in-reason.yaml": (4, "evidence contains U+001B (a control character)"),
    "long-alias.yaml": (None, "node 'hint': alias is 300 characters long; a name has at most 200"),
    "cypher-in-id.yaml": (4, 'unknown node id "hint\'}) DETACH DELETE (n"'),
}


def expected_line(shown: str, line: int | None, message: str) -> str:
    where = f"{shown}:{line}" if line is not None else shown
    return f"error: {where}: {message}"


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "\x1b" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def oversized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "oversized.txt"
    path.write_bytes(
        b"System  Beskrivelse\n\n" + b"Praksisinfo  Saksbehandlingssystem.\n\n" * (MAX_BYTES // 36)
    )
    return path


# ------------------------------------------------------------------------------------ loaders, in process


@pytest.mark.parametrize(("name", "expected"), DOCUMENTS.items(), ids=list(DOCUMENTS))
def test_each_malformed_document_is_refused_with_its_line_and_reason(name: str, expected: tuple) -> None:
    path = CORPUS / "documents" / name
    with pytest.raises(LoadError) as caught:
        load_portfolio(path)
    line, message = expected
    assert (caught.value.source, caught.value.line) == (str(path), line)
    assert message in caught.value.message and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "code", "node_ids"),
    [("long-name.txt", "name-too-long", []), ("no-id.txt", "name-without-id", ["entry-3"])],
)
def test_one_doubtful_entry_is_a_finding_on_that_entry_not_a_refused_document(
    name: str, code: str, node_ids: list[str]
) -> None:
    portfolio = load_portfolio(CORPUS / "documents" / name)
    assert [n.id for n in portfolio.nodes if n.kind is NodeKind.SYSTEM] == node_ids
    assert [(f.code, f.line) for f in portfolio.findings if f.code == code] == [(code, 3)]


@pytest.mark.parametrize(("name", "expected"), OVERLAYS.items(), ids=list(OVERLAYS))
def test_each_malformed_overlay_is_refused_with_its_line_and_reason(name: str, expected: tuple) -> None:
    with pytest.raises(LoadError) as caught:
        load_portfolio(None, CORPUS / "overlays" / name)
    line, message = expected
    assert (caught.value.source, caught.value.line) == (name, line)
    assert message in caught.value.message and "\n" not in str(caught.value)


def test_a_document_over_2_mb_is_refused_before_it_is_parsed(oversized: Path) -> None:
    with pytest.raises(LoadError, match=r"document is 2\.2 MB; a portfolio table is at most 2 MB"):
        load_portfolio(oversized)


# ------------------------------------------------------------------------------------ CLI, against Neo4j


def eagraph(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO,
    )


def snapshot_of(driver: Driver) -> dict[str, Any]:
    """Everything a rejected load could have changed: revisions, and every node and relationship."""
    records = driver.execute_query(
        "CALL () { MATCH (n) RETURN count(n) AS nodes } "
        "CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships } "
        "CALL () { MATCH (r:Revision) RETURN collect([r.revision, r.current]) AS revisions } "
        "RETURN nodes, relationships, revisions"
    ).records
    return records[0].data()


@pytest.fixture(scope="module")
def loaded_neo4j(neo4j_server: Neo4jServer, neo4j_driver: Driver, seed: Portfolio) -> dict[str, Any]:
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    with neo4j_server.store() as store:
        store.load(seed)
    return snapshot_of(neo4j_driver)


CLI_CASES = [("--portfolio", "documents", n, e) for n, e in DOCUMENTS.items()]
CLI_CASES += [("--overlay", "overlays", n, e) for n, e in OVERLAYS.items()]


@pytest.mark.neo4j
@pytest.mark.parametrize(("option", "folder", "name", "expected"), CLI_CASES, ids=[c[2] for c in CLI_CASES])
def test_eagraph_load_of_bad_input_is_one_line_exit_2_and_writes_nothing(
    neo4j_server: Neo4jServer, neo4j_driver: Driver, loaded_neo4j: dict[str, Any], option: str, folder: str,
    name: str, expected: tuple[int | None, str],
) -> None:  # fmt: skip
    path = CORPUS / folder / name
    done = eagraph("load", option, str(path), env=neo4j_server.env())
    assert done.returncode == 2 and done.stdout == ""
    line, message = expected
    assert one_line(done.stderr).startswith(
        expected_line(str(path) if folder == "documents" else name, line, "")
    )
    assert message in done.stderr
    assert "eagraph-pwned" not in done.stdout + done.stderr
    assert snapshot_of(neo4j_driver) == loaded_neo4j


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<script>alert(1)</script>", "no node matches '<script>alert(1)</script>'"),
        ("hint'}) DETACH DELETE (n) //", 'no node matches "hint\'}) DETACH DELETE (n) //"'),
        ("x" * 10_000, "name longer than 200 characters"),
        ("hint\x07\x1b[31m", "no node matches 'hint\\x07\\x1b[31m'; did you mean: hint?"),
        ("🔥💥", "no node matches '🔥💥'"),
    ],
    ids=["markup", "cypher", "10k", "escape", "emoji"],
)
def test_eagraph_impact_of_a_hostile_name_is_one_line_and_exit_2(name: str, message: str) -> None:
    done = eagraph("impact", name, env=dict(os.environ))
    assert done.returncode == 2 and done.stdout == ""
    assert one_line(done.stderr) == f"error: {message}"


@pytest.mark.neo4j
def test_an_admin_reload_of_a_bad_document_is_a_problem_and_writes_nothing(
    neo4j_server: Neo4jServer, neo4j_driver: Driver, loaded_neo4j: dict[str, Any], seed: Portfolio
) -> None:
    for name in ("binary.txt", "no-header.txt", "escape-in-name.txt"):
        options = settings(
            store="neo4j",
            neo4j_uri=neo4j_server.uri,
            neo4j_user=neo4j_server.user,
            neo4j_password=neo4j_server.password,
            portfolio=str(CORPUS / "documents" / name),
            api_key=API_KEY,
        )
        with started(create_app(options), raise_server_exceptions=False) as c:
            body = problem(c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY}), 503)
            assert body["type"] == "urn:eagraph:problem:portfolio-unreadable" and name in body["detail"]
            assert c.get("/api/v1/nodes/hint").json()["revision"] == seed.revision  # still serving
        assert snapshot_of(neo4j_driver) == loaded_neo4j


# ------------------------------------------------------------------------------------ hostile but valid


HOSTILE_DOC = CORPUS / "hostile-names.txt"
HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    "Tjenesteportal <img src=x onerror=alert(1)>",
    "Robert'); DROP TABLE systems;--",
    "Evil`) DETACH DELETE (n",
    "Rakett 🚀 system \u200f",
    "Betaling نظام الدفع",
]


def test_hostile_names_that_are_still_names_are_read_verbatim() -> None:
    portfolio = load_portfolio(HOSTILE_DOC)
    assert set(HOSTILE_NAMES) <= {n.name for n in portfolio.nodes}
    evidence = " ".join(e.evidence for e in portfolio.edges)
    assert "Robert'); DROP TABLE systems;--" in evidence and "<img src=x onerror=alert(1)>" in evidence


@pytest.mark.neo4j
def test_hostile_names_go_into_neo4j_and_come_back_verbatim_deleting_nothing(
    neo4j_server: Neo4jServer, empty_neo4j: Driver
) -> None:
    portfolio = load_portfolio(HOSTILE_DOC)
    with neo4j_server.store() as store:
        store.load(portfolio)
        assert store.read() == portfolio
    counts = empty_neo4j.execute_query(
        "CALL () { MATCH (n:Node) RETURN count(n) AS nodes } CALL () { MATCH ()-[r]->() RETURN count(r) AS edges } "
        "CALL () { MATCH (n) RETURN count(n) AS everything } RETURN nodes, edges, everything"
    ).records[0]
    assert (counts["nodes"], counts["edges"]) == (len(portfolio.nodes), len(portfolio.edges))
    assert counts["everything"] == len(portfolio.nodes) + len(portfolio.findings) + 1


def test_the_api_returns_hostile_names_as_json_strings_and_the_page_never_as_markup() -> None:
    portfolio = load_portfolio(HOSTILE_DOC)
    with started(create_app(settings(), store=seeded(portfolio))) as c:
        for node in portfolio.nodes:
            response = c.get(f"/api/v1/nodes/{node.id}")
            assert response.headers["content-type"] == "application/json"
            assert response.json()["name"] == node.name
        drawing = c.get("/api/v1/graph").json()
        assert set(HOSTILE_NAMES) <= {n["name"] for n in drawing["nodes"]}
        page = c.get("/")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert all(name not in page.text for name in HOSTILE_NAMES)  # the page holds no data, only code


# ------------------------------------------------------------------------------------ hostile parameters


@pytest.fixture(scope="module")
def client(seed: Portfolio) -> Iterator[TestClient]:
    with started(create_app(settings(), store=seeded(seed)), raise_server_exceptions=False) as c:
        yield c


# name: the statuses any endpoint may answer it with (200: it is, after folding, a real name)
HOSTILE_PARAMETERS: dict[str, set[int]] = {
    "<script>alert(1)</script>": {404},
    "hint'}) DETACH DELETE (n) //": {404},
    "x' OR 1=1 RETURN n //": {404},
    "$rows {props} `labels`": {404},
    "x" * 10_000: {422},
    "hint\x00\x07\x1b[31m": {422},  # a control character in a name: refused, never stripped
    "hint\r\nX-Injected: 1": {422},
    # Bidi controls fold away: it is hINT (400: a path from hINT to hINT; 422: there is no edge hINT → hINT).
    "\u202ehint\u202c": {200, 400, 422},
    "\u200f": {404},
    "🔥💥": {404},
    "../../etc/passwd": {404},
    "   ": {400, 422},
}


def hostile_requests(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("GET", f"/api/v1/nodes/{quote(name, safe='')}", {}),
        ("GET", f"/api/v1/nodes/{quote(name, safe='')}/dependents", {}),
        ("GET", "/api/v1/impact", {"params": {"down": ["hint", name]}}),
        ("GET", "/api/v1/paths", {"params": {"from": name, "to": "hint"}}),
        ("POST", "/api/v1/scenarios", {"json": {"down": [name]}}),
        ("POST", "/api/v1/scenarios", {"json": {"down": ["dip"], "edits": [
            {"op": "remove_edge", "source": name, "target": "hint", "type": "USES"}]}}),
    ]  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_PARAMETERS, ids=[repr(n[:20]) for n in HOSTILE_PARAMETERS])
def test_hostile_names_in_parameters_and_bodies_are_4xx_problems_that_do_not_echo_them_raw(client, name: str):
    for method, url, kwargs in hostile_requests(name):
        response = client.request(method, url, **kwargs)
        assert response.status_code in HOSTILE_PARAMETERS[name] | {200}, (url, response.text)
        assert response.status_code < 500
        assert "\x1b" not in response.text and "\r\n" not in response.text
        assert "X-Injected" not in response.headers and len(response.text) < 300_000
        if response.status_code >= 400:
            body = problem(response, response.status_code)
            assert "\n" not in body["detail"] and "x" * 300 not in response.text
    assert client.get("/api/v1/nodes", params={"q": name}).status_code in {200, 400, 422}


def test_a_hundred_down_values_are_answered_and_more_are_a_422_naming_the_parameter(client, seed: Portfolio):
    ids = [n.id for n in seed.nodes]
    hundred = (ids * 2)[:100]
    assert client.get("/api/v1/impact", params={"down": hundred}).json()["summary"]["failed"] == len(ids)
    for count in (101, 500):
        body = problem(client.get("/api/v1/impact", params={"down": (ids * 10)[:count]}), 422)
        assert body["errors"][0]["loc"] == ["query", "down"]
    body = problem(client.post("/api/v1/scenarios", json={"down": (ids * 10)[:101]}), 422)
    assert body["errors"][0]["loc"] == ["body", "down"]


def test_hundreds_of_long_down_values_in_one_url_are_refused_by_the_server_which_keeps_serving(
    seed: Portfolio,
) -> None:
    import httpx

    with Served(create_app(settings(), store=seeded(seed))) as served:
        url = f"{served.url}/api/v1/impact?" + "&".join(f"down=hint{i:04}{'x' * 60}" for i in range(300))
        assert 400 <= httpx.get(url, timeout=30).status_code < 500
        assert (
            httpx.get(f"{served.url}/api/v1/impact", params={"down": "hint"}, timeout=30).status_code == 200
        )


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/docs/assets/..%2f..%2f..%2fpyproject.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/nodes/" + "a/" * 1000,
        "/api/v1/nodes/hint/" + "dependents/" * 200,
    ],
)
def test_deep_and_traversing_paths_are_404_problems_that_never_serve_a_file(client, path: str):
    response = client.get(path)
    problem(response, 404)
    assert "[build-system]" not in response.text and "root:" not in response.text


def test_deeply_nested_json_is_a_400_problem_not_a_crash(client):
    for body in ("[" * 30_000 + "]" * 30_000, '{"down": ' + "[" * 5_000 + "]" * 5_000 + "}"):
        response = client.post(
            "/api/v1/scenarios", content=body, headers={"content-type": "application/json"}
        )
        assert problem(response, 400)["detail"] == "There was an error parsing the body"


def chain(length: int) -> Portfolio:
    ids = [f"n{i:04}" for i in range(length + 1)]
    nodes = tuple(Node(i, f"System {i}", NodeKind.SYSTEM) for i in ids)
    edges = tuple(Edge(a, b, RelType.USES, f"{a} uses {b}.") for a, b in itertools.pairwise(ids))
    return Portfolio("chain.txt", nodes, edges)


def test_a_dependency_chain_1500_hops_deep_is_walked_and_explained_without_recursion_errors():
    with started(create_app(settings(), store=seeded(chain(1500))), raise_server_exceptions=False) as c:
        found = c.get("/api/v1/paths", params={"from": "n0000", "to": "n1500"}).json()
        assert found["length"] == 1500 and len(found["paths"][0]["hops"]) == 1500
        assert len(c.get("/api/v1/nodes/n0000/dependencies").json()["items"]) == 1500
        assert len(c.get("/api/v1/nodes/n1500/dependents").json()["items"]) == 1500
        assert c.get("/api/v1/analysis/cycles").json()["cycles"] == []
        assert len(c.get("/api/v1/graph").json()["nodes"]) == 1501
        assert json.loads(c.get("/api/v1/nodes/n0750").text)["dependencies"][0]["id"] == "n0751"
