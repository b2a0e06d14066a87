"""Driver errors reach callers as one-line StoreUnavailable naming the URI; nothing connects until asked."""

from __future__ import annotations

import socket

import pytest

from graph.neo4j_store import Neo4jStore
from graph.store import StoreUnavailable
from graph.stores import open_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_creating_a_store_does_not_connect() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    store = Neo4jStore(uri, "neo4j", "secret-password")  # nothing listens there, and nothing fails yet
    assert store.uri == uri
    store.close()


def test_an_unreachable_server_is_one_line_naming_the_uri() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    with (
        Neo4jStore(uri, "neo4j", "secret-password", retry_time=0.5) as store,
        pytest.raises(StoreUnavailable) as caught,
    ):
        store.ping()
    message = str(caught.value)
    assert message.startswith(f"Neo4j at {uri}: cannot connect: ServiceUnavailable")
    assert "\n" not in message


def test_reading_an_unreachable_server_is_store_unavailable_too() -> None:
    with (
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "x", retry_time=0.5) as store,
        pytest.raises(StoreUnavailable, match="cannot read the current revision"),
    ):
        store.revision()


def test_a_uri_that_is_not_bolt_is_refused_up_front() -> None:
    with pytest.raises(StoreUnavailable, match=r"http://127\.0\.0\.1:7474: unsupported URI"):
        Neo4jStore("http://127.0.0.1:7474", "neo4j", "x")


def test_open_store_reads_the_neo4j_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.settings import Settings

    monkeypatch.setenv("NEO4J_URI", "bolt://db.internal:7687")
    monkeypatch.setenv("NEO4J_USER", "eagraph")
    monkeypatch.setenv("NEO4J_PASSWORD", "from-the-env")
    store = open_store(Settings(store="neo4j", _env_file=None))  # type: ignore[call-arg]
    assert isinstance(store, Neo4jStore)
    assert (store.uri, store.user, store.name) == ("bolt://db.internal:7687", "eagraph", "neo4j")
    store.close()


def test_open_store_gives_the_memory_store_by_default() -> None:
    from app.settings import Settings

    assert open_store(Settings(_env_file=None)).name == "memory"  # type: ignore[call-arg]
