"""The API on ``--store neo4j`` while its Neo4j is stopped, paused and started again — a Neo4j of its own.

Reads keep answering from the last revision read, flagged stale; ``/ready`` is a 503 problem; no 5xx;
when Neo4j is back the answers are fresh again, without restarting the API.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from app.main import create_app
from graph.model import Portfolio
from tests.app.conftest import settings
from tests.app.reads import READS
from tests.own_neo4j import PASSWORD, USER, OwnNeo4j
from tests.reliability.test_concurrent_reload import wait_ready
from tests.serving import Served

pytestmark = pytest.mark.own_neo4j

TIMEOUT = 1.5  # EAGRAPH_STORE_TIMEOUT for these tests


@pytest.fixture
def api(own_neo4j: OwnNeo4j, seed: Portfolio) -> Iterator[httpx.Client]:
    with own_neo4j.store() as store:
        store.load(seed)
    options = settings(
        store="neo4j",
        neo4j_uri=own_neo4j.uri,
        neo4j_user=USER,
        neo4j_password=PASSWORD,
        store_timeout=TIMEOUT,
        store_recheck=0.2,
        store_recheck_max=1.0,
    )
    with Served(create_app(options)) as served, httpx.Client(base_url=served.url, timeout=30) as client:
        wait_ready(client, seed.revision)
        yield client


def every_read(client: httpx.Client) -> list[tuple[str, str, int]]:
    """(revision, stale, status) of every read; each must be a 200 whose body and headers agree."""
    seen = []
    for read in READS:
        response = read.request(client)
        revision, stale = response.headers.get("x-eagraph-revision"), response.headers.get("x-eagraph-stale")
        if read.json and response.status_code == 200:
            body = response.json()
            assert (body["revision"], body["stale"]) == (revision, stale == "true"), read
        seen.append((revision, stale, response.status_code))
    return seen


def wait_until_fresh(client: httpx.Client, limit: float = 60) -> float:
    started = time.monotonic()
    while True:
        response = client.get("/api/v1/impact", params={"down": "hint"})
        assert response.status_code == 200, response.text
        if response.json()["stale"] is False:
            return time.monotonic() - started
        assert time.monotonic() - started < limit, "still stale after Neo4j came back"
        time.sleep(0.2)


def test_with_neo4j_stopped_reads_answer_the_last_revision_flagged_stale_and_recover_when_it_is_back(
    own_neo4j: OwnNeo4j, api: httpx.Client, seed: Portfolio
) -> None:
    assert every_read(api) == [(seed.revision, "false", 200)] * len(READS)
    assert api.get("/api/v1/ready").status_code == 200

    own_neo4j.stop()
    assert every_read(api) == [(seed.revision, "true", 200)] * len(READS)
    ready = api.get("/api/v1/ready")
    assert ready.status_code == 503 and ready.headers["content-type"] == "application/problem+json"
    assert f"reads answer from revision {seed.revision}, stale" in ready.json()["detail"]
    assert api.get("/api/v1/nodes/hintt").status_code == 404  # questions are still checked against it
    assert api.get("/api/v1/health").status_code == 200

    own_neo4j.start()  # the API is not restarted
    wait_until_fresh(api)
    assert every_read(api) == [(seed.revision, "false", 200)] * len(READS)
    assert api.get("/api/v1/ready").json()["revision"] == seed.revision


def test_with_neo4j_paused_reads_answer_stale_within_the_timeout_instead_of_hanging(
    own_neo4j: OwnNeo4j, api: httpx.Client, seed: Portfolio
) -> None:
    assert api.get("/api/v1/graph").json()["stale"] is False
    with own_neo4j.paused():
        started = time.monotonic()
        assert every_read(api) == [(seed.revision, "true", 200)] * len(READS)
        assert api.get("/api/v1/ready").status_code == 503
        # One wait for the store's timeout; the others answer at once from the last revision.
        assert time.monotonic() - started < 3 * TIMEOUT + 3
    wait_until_fresh(api)
