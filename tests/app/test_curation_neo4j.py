"""Curation against a real Neo4j: two API replicas over one database see each other's decisions; a decision
made while Neo4j cannot be reached is a 503 and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from app.keys import KeysFile
from app.main import create_app
from graph.model import Portfolio
from tests.app.conftest import problem, settings, started
from tests.conftest import Neo4jServer
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.neo4j

EDGE = {"source": "hapi", "target": "hint", "type": "PART_OF"}


@pytest.fixture
def curator(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "keys.json"
    return {"path": path, "secret": KeysFile(path).add("kari", "curator")[1]}


def _app(server: Neo4jServer, uri: str, keys: Path) -> Any:
    return create_app(
        settings(
            store="neo4j",
            neo4j_uri=uri,
            neo4j_user=server.user,
            neo4j_password=server.password,
            keys_file=keys,
            store_timeout=2.0,
            store_recheck=0.1,
            store_recheck_max=0.5,
        )
    )


def _fresh(api: TestClient) -> dict[str, Any]:
    """An answer once the replica has built the store's current revision (the first request notices it)."""
    api.get("/api/v1/health")
    api.get("/api/v1/impact", params={"down": "hint"})
    assert api.app.state.service.wait_idle(60)  # type: ignore[attr-defined]
    body: dict[str, Any] = api.get("/api/v1/impact", params={"down": "hint"}).json()
    return body


def test_a_decision_made_on_one_replica_is_seen_by_the_other_after_its_next_request(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio, curator: dict[str, Any]
) -> None:
    with neo4j_server.store() as store:
        store.load(seed)
    one, two = (
        _app(neo4j_server, neo4j_server.uri, curator["path"]),
        _app(neo4j_server, neo4j_server.uri, curator["path"]),
    )
    with started(one, raise_server_exceptions=False) as a, started(two, raise_server_exceptions=False) as b:
        assert "hapi" in {i["id"] for i in _fresh(b)["impacted"]}
        res = a.post(
            "/api/v1/decisions",
            json={"op": "edges.remove", "item": EDGE, "reason": "hAPI runs on its own since 2024."},
            headers={"X-API-Key": curator["secret"]},
        )
        assert res.status_code == 201, res.text
        seen = _fresh(b)
        assert seen["revision"] == res.json()["revision"]
        assert "hapi" not in {i["id"] for i in seen["impacted"]}
        (listed,) = b.get("/api/v1/decisions").json()["items"]
        assert (listed["author"], listed["op"], listed["item"]) == ("kari", "edges.remove", EDGE)
    count = empty_neo4j.execute_query("MATCH (d:Decision) RETURN count(d) AS n").records[0]["n"]
    assert count == 1


def test_a_decision_while_neo4j_cannot_be_reached_is_503_and_nothing_is_half_written(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio, curator: dict[str, Any]
) -> None:
    with neo4j_server.store() as store:
        store.load(seed)
    target = urlsplit(neo4j_server.uri)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 7687)
    try:
        app = _app(neo4j_server, f"bolt://127.0.0.1:{proxy.port}", curator["path"])
        with started(app, raise_server_exceptions=False) as api:
            before = _fresh(api)["revision"]
            proxy.cut()
            res = api.post(
                "/api/v1/decisions",
                json={"op": "edges.remove", "item": EDGE, "reason": "During the outage."},
                headers={"X-API-Key": curator["secret"]},
            )
            problem(res, 503)
    finally:
        proxy.cut()
    assert empty_neo4j.execute_query("MATCH (d:Decision) RETURN count(d) AS n").records[0]["n"] == 0
    with neo4j_server.store() as direct:
        assert direct.revision() == before == seed.revision
        assert direct.read() == seed


@pytest.mark.usefixtures("empty_neo4j")
def test_with_two_revisions_kept_the_api_answers_as_of_the_previous_and_404s_the_dropped_one(
    neo4j_server: Neo4jServer, seed: Portfolio, curator: dict[str, Any]
) -> None:
    from graph.neo4j_store import Neo4jStore
    from tests.graph.test_store_contract import smaller

    first, second = smaller(smaller(seed)), smaller(seed)
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, revisions_kept=2)
    try:
        for p in (first, second, seed):
            store.load(p)
    finally:
        store.close()
    app = create_app(
        settings(
            store="neo4j",
            neo4j_uri=neo4j_server.uri,
            neo4j_user=neo4j_server.user,
            neo4j_password=neo4j_server.password,
            keys_file=curator["path"],
            revisions_kept=2,
        )
    )
    with started(app, raise_server_exceptions=False) as api:
        _fresh(api)
        listed = [r["revision"] for r in api.get("/api/v1/revisions").json()["items"]]
        assert listed == [seed.revision, second.revision]
        as_of = api.get("/api/v1/nodes", params={"revision": second.revision, "limit": 500}).json()
        assert as_of["revision"] == second.revision and as_of["total"] == len(second.nodes)
        d = api.get("/api/v1/diff", params={"from": second.revision}).json()
        assert [n["id"] for n in d["nodes"]["added"]] == [seed.nodes[-1].id]
        body = problem(api.get("/api/v1/impact", params={"down": "hint", "revision": first.revision}), 404)
        assert body["type"].endswith("revision-not-found")
