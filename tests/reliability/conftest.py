"""A Neo4j of the reliability tests' own (``tests/own_neo4j.py``): started once per session, brought back
up and emptied before each test that asks for it, stopped and removed at the end."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import ci
from tests.own_neo4j import OwnNeo4j


@pytest.fixture(scope="session")
def own_neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnNeo4j]:
    if shutil.which("java") is None:
        message = "java is missing: the tests that stop and kill Neo4j need a server of their own"
        if ci():
            pytest.fail(message)
        pytest.skip(message)
    server = OwnNeo4j(tmp_path_factory.mktemp("own-neo4j") / "home")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def own_neo4j(own_neo4j_server: OwnNeo4j) -> OwnNeo4j:
    """The own server, running and empty."""
    if not own_neo4j_server.running():
        own_neo4j_server.start()
    own_neo4j_server.wipe()
    return own_neo4j_server
