"""Shared fixtures: the seed portfolio is parsed once per session; the real Neo4j for tests marked ``neo4j``.

Neo4j settings come from NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD (the dev defaults of ``make neo4j-start``
otherwise). An unreachable server skips the Neo4j tests, except under ``CI=true``, where it fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase

from graph.model import Portfolio
from graph.neo4j_store import Neo4jStore
from graph.store import StoreUnavailable
from loaders import SEED, load_portfolio

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
_SEED = load_portfolio()
# (nodes, edges) of the shipped seed with its overlay: pinned by tests/loaders/golden/seed.json; other tests
# check that loads, exports and imports keep them.
SEED_COUNTS = (len(_SEED.nodes), len(_SEED.edges))
SEED_NODES, SEED_EDGES = SEED_COUNTS


@pytest.fixture(scope="session")
def seed() -> Portfolio:
    return load_portfolio()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Neo4jServer:
    uri: str
    user: str
    password: str

    def env(self) -> dict[str, str]:
        """The environment a subprocess needs to reach this server."""
        return {**os.environ, "NEO4J_URI": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}

    def store(self, *, batch_size: int = 500, retry_time: float = 5.0) -> Neo4jStore:
        return Neo4jStore(self.uri, self.user, self.password, batch_size=batch_size, retry_time=retry_time)


def ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def neo4j_server() -> Neo4jServer:
    """The server the Neo4j tests use; skipped when unreachable, a failure under CI=true."""
    server = Neo4jServer(
        uri=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", "eagraph-dev-password"),
    )
    store = server.store(retry_time=2.0)
    try:
        store.ping()
    except StoreUnavailable as exc:
        if ci():
            pytest.fail(
                f"CI=true needs a running Neo4j ({exc}); `make test` starts one with `make neo4j-start`"
            )
        pytest.skip(f"Neo4j is not running ({exc}); start it with `make neo4j-start`")
    finally:
        store.close()
    return server


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_server: Neo4jServer) -> Iterator[Driver]:
    """A raw driver, to look at the database behind the store's back."""
    with GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password), notifications_min_severity="OFF"
    ) as driver:
        yield driver


@pytest.fixture
def empty_neo4j(neo4j_driver: Driver) -> Driver:
    """The database emptied (Community has one user database, so tests share it and start from nothing)."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    return neo4j_driver


@pytest.fixture
def neo4j_store(neo4j_server: Neo4jServer, empty_neo4j: Driver) -> Iterator[Neo4jStore]:  # noqa: ARG001  (an empty database)
    store = neo4j_server.store()
    yield store
    store.close()
