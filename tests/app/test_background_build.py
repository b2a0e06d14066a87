"""Snapshots are built in the background: no request waits for a build, the previous revision answers until
the new one is ready, and /ready is 200 only when a snapshot can answer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from graph.store import MemoryStore
from tests.app.conftest import problem, settings

TINY = Portfolio(
    "tiny.txt",
    (Node("a", "Alpha", NodeKind.SYSTEM), Node("b", "Beta", NodeKind.SYSTEM)),
    (Edge("a", "b", RelType.USES, "Alpha uses Beta.", line=1),),
)
NO_WAIT = 20.0  # a request that waited for the build would wait for ever: the gate never opens by itself


class Gated(MemoryStore):
    """A memory store whose reads (what a snapshot build does first) block until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def read(self) -> Portfolio:
        assert self.gate.wait(60), "the test never opened the gate"
        return super().read()


def promptly(call: Callable[[], Any]) -> Any:
    """``call()`` on another thread; fails if it has not returned after NO_WAIT seconds."""
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(call()), daemon=True)
    worker.start()
    worker.join(NO_WAIT)
    assert box, "the request waited for the snapshot build"
    return box[0]


@pytest.fixture
def gated() -> Iterator[tuple[Gated, TestClient]]:
    store = Gated()
    store.load(TINY)
    app = create_app(settings(), store=store)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield store, c
        store.gate.set()


def test_until_the_first_snapshot_is_built_ready_and_reads_are_503_problems_at_once(gated) -> None:
    store, c = gated
    ready = promptly(lambda: c.get("/api/v1/ready"))
    assert problem(ready, 503)["type"] == "urn:eagraph:problem:graph-building"
    nodes = promptly(lambda: c.get("/api/v1/nodes"))
    assert problem(nodes, 503)["type"] == "urn:eagraph:problem:graph-building"
    assert nodes.headers["retry-after"] == "1"
    assert c.get("/api/v1/health").json() == {"status": "ok"}
    store.gate.set()
    assert c.app.state.service.wait_idle(30)  # type: ignore[attr-defined]
    assert c.get("/api/v1/ready").json()["revision"] == TINY.revision


def test_while_a_new_revision_is_built_the_previous_one_answers_and_names_the_next(gated, seed) -> None:
    store, c = gated
    store.gate.set()
    service = c.app.state.service  # type: ignore[attr-defined]
    assert service.wait_idle(30)
    store.gate.clear()
    store.load(seed)  # a new revision; its build blocks on the gate
    for path in ("/api/v1/nodes", "/api/v1/impact?down=a", "/api/v1/ready"):
        response = promptly(lambda path=path: c.get(path))
        assert response.status_code == 200, response.text
        assert response.json()["revision"] == TINY.revision
    nodes = c.get("/api/v1/nodes")
    assert nodes.headers["x-eagraph-revision"] == TINY.revision
    assert nodes.headers["x-eagraph-latest-revision"] == seed.revision
    store.gate.set()
    assert service.wait_idle(60)
    after = c.get("/api/v1/nodes")
    assert after.json()["revision"] == seed.revision and "x-eagraph-latest-revision" not in after.headers
