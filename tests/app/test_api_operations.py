"""Probes, admin reload, the store seam, the per-revision cache, and the errors nobody asked for."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from app.main import create_app
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from graph.store import MemoryStore, StoreUnavailable
from tests.app.conftest import API_KEY, problem, seeded, settings, started

TINY = Portfolio(
    "tiny.txt",
    (Node("a", "Alpha", NodeKind.SYSTEM), Node("b", "Beta", NodeKind.SYSTEM)),
    (Edge("a", "b", RelType.USES, "Alpha uses Beta.", line=1),),
)


def test_health_is_ok_even_when_the_store_is_unreachable():
    app = create_app(settings(store="neo4j", neo4j_uri="bolt://127.0.0.1:1"))
    with started(app) as c:
        assert c.get("/api/v1/health").json() == {"status": "ok"}


def test_ready_reports_the_store_revision_and_counts(client, seed: Portfolio):
    assert client.get("/api/v1/ready").json() == {
        "status": "ready",
        "store": "memory",
        "revision": seed.revision,
        "nodes": len(seed.nodes),
        "edges": len(seed.edges),
    }


class Unreachable(MemoryStore):
    name = "flaky"

    def ping(self) -> None:
        raise StoreUnavailable("flaky: connection refused at 127.0.0.1:1")

    def revision(self) -> str | None:
        raise StoreUnavailable("flaky: connection refused at 127.0.0.1:1")


def test_an_unreachable_store_is_a_503_problem_with_retry_after():
    with started(create_app(settings(), store=Unreachable())) as c:
        body = problem(c.get("/api/v1/ready"), 503)
        assert body["type"] == "urn:eagraph:problem:store-unavailable" and "refused" in body["detail"]
        response = c.get("/api/v1/impact", params={"down": "hint"})
        problem(response, 503)
        assert response.headers["retry-after"] == "5"


def test_an_empty_store_is_not_ready():
    with started(create_app(settings(), store=MemoryStore())) as c:
        assert "holds no portfolio" in problem(c.get("/api/v1/ready"), 503)["detail"]
        assert "holds no portfolio" in problem(c.get("/api/v1/nodes"), 503)["detail"]


def test_nothing_connects_at_import_or_creation():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        uri = f"bolt://127.0.0.1:{s.getsockname()[1]}"
    app = create_app(settings(store="neo4j", neo4j_uri=uri))  # would raise here if it connected
    with started(app) as c:
        body = problem(c.get("/api/v1/ready"), 503)
        assert body["type"] == "urn:eagraph:problem:store-unavailable"


def test_the_memory_store_is_built_from_the_configured_portfolio():
    doc = Path(__file__).parents[1] / "fixtures" / "kommune-portefolje.txt"
    with started(create_app(settings(portfolio=str(doc)))) as c:
        assert c.get("/api/v1/findings").json()["document"] == doc.name


def test_an_unreadable_portfolio_is_a_503_problem_naming_the_file(tmp_path: Path):
    missing = tmp_path / "gone.txt"
    with started(create_app(settings(portfolio=str(missing)))) as c:
        body = problem(c.get("/api/v1/nodes"), 503)
        assert body["type"] == "urn:eagraph:problem:portfolio-unreadable" and "gone.txt" in body["detail"]


class Counting(MemoryStore):
    reads = 0

    def read(self) -> Portfolio:
        self.reads += 1
        return super().read()


def test_the_graph_is_built_once_per_revision_not_per_request(seed: Portfolio):
    store = Counting()
    store.load(seed)
    app = create_app(settings(), store=store)
    with started(app) as c:
        first = app.state.service.snapshot()
        for _ in range(3):
            c.get("/api/v1/impact", params={"down": "hint"})
            c.get("/api/v1/analysis/critical")
        assert store.reads == 1 and app.state.service.snapshot() is first
        store.load(TINY)
        # The new revision is built in the background; until then answers come, whole, from the old one.
        revisions = {c.get("/api/v1/nodes").json()["revision"]}
        assert app.state.service.wait_idle(30)
        assert c.get("/api/v1/nodes").json()["revision"] == TINY.revision
        assert revisions <= {seed.revision, TINY.revision}
        assert store.reads == 2 and app.state.service.snapshot() is not first


def test_admin_reload_needs_the_key_and_compares_it_safely(client):
    assert problem(client.post("/api/v1/admin/reload"), 401)["detail"].startswith("a valid X-API-Key")
    problem(client.post("/api/v1/admin/reload", headers={"X-API-Key": "wrong"}), 401)
    problem(client.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY[:-1]}), 401)
    non_ascii = client.post("/api/v1/admin/reload", headers={"X-API-Key": "nøkkel".encode()})
    problem(non_ascii, 401)


def test_admin_reload_loads_the_portfolio_again(seed: Portfolio):
    store = seeded(TINY)
    with started(create_app(settings(api_key=API_KEY), store=store)) as c:
        assert c.get("/api/v1/ready").json()["revision"] == TINY.revision
        reloaded = c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY}).json()
        assert reloaded == {"revision": seed.revision, "nodes": len(seed.nodes), "edges": len(seed.edges),
                            "changed": True}  # fmt: skip
        assert c.get("/api/v1/nodes/hint").status_code == 200
        again = c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY}).json()
        assert again["changed"] is False


def test_admin_is_refused_when_no_key_is_configured(seed: Portfolio):
    with started(create_app(settings(), store=seeded(seed))) as c:
        body = problem(c.post("/api/v1/admin/reload", headers={"X-API-Key": "anything"}), 403)
        assert "no API key is configured" in body["detail"]


def test_reads_can_require_the_key_too(seed: Portfolio):
    app = create_app(settings(api_key=API_KEY, read_api_key=True), store=seeded(seed))
    with started(app) as c:
        problem(c.get("/api/v1/nodes"), 401)
        assert c.get("/api/v1/nodes", headers={"X-API-Key": API_KEY}).status_code == 200
        assert c.get("/api/v1/health").status_code == 200  # probes stay open


def test_cors_is_off_unless_origins_are_listed(client, seed: Portfolio):
    origin = {"Origin": "http://localhost:5173"}
    assert "access-control-allow-origin" not in client.get("/api/v1/health", headers=origin).headers
    app = create_app(settings(cors_origins=["http://localhost:5173"]), store=seeded(seed))
    with started(app) as c:
        allowed = c.get("/api/v1/health", headers=origin).headers
        assert allowed["access-control-allow-origin"] == "http://localhost:5173"


class Broken(MemoryStore):
    def read(self) -> Portfolio:
        raise RuntimeError("secret internals: /srv/eagraph/config.py line 12")


def test_an_unexpected_error_is_a_500_problem_without_details(caplog: pytest.LogCaptureFixture):
    store = Broken()
    store.load(TINY)
    with started(create_app(settings(), store=store), raise_server_exceptions=False) as c:
        body = problem(c.get("/api/v1/nodes"), 500)
    assert body["type"] == "urn:eagraph:problem:internal" and "secret" not in str(body)
    assert "secret internals" in caplog.text  # logged for the operator


def test_unknown_routes_and_wrong_methods_are_problems_too(client):
    assert problem(client.get("/api/v1/nope"), 404)["type"] == "about:blank"
    response = client.delete("/api/v1/impact")
    problem(response, 405)
    assert response.headers["allow"] == "GET"
