"""While the store does not answer, reads answer from the last revision read, flagged stale; it recovers alone.

A memory store that can be switched off (or made to hang) stands in for Neo4j here; the same behaviour
against a real Neo4j that is stopped, killed and restarted is in ``tests/reliability/test_outage.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.resilience import LastGood
from graph.model import Portfolio
from graph.store import MemoryStore, StoreUnavailable
from tests.app.conftest import problem, settings, started
from tests.app.reads import READS, Read


class Switchable(MemoryStore):
    """A memory store that refuses every call while ``down``, or blocks in it while ``hung`` is clear."""

    name = "switchable"

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.hung = threading.Event()
        self.hung.set()  # set: not hung
        self.calls = 0

    def _answer(self) -> None:
        self.calls += 1
        self.hung.wait(30)
        if self.down:
            raise StoreUnavailable("switchable: connection refused at 127.0.0.1:1")

    def revision(self) -> str | None:
        self._answer()
        return super().revision()

    def read(self) -> Portfolio:
        self._answer()
        return super().read()

    def ping(self) -> None:
        self._answer()

    def counts(self) -> tuple[int, int]:
        self._answer()
        return super().counts()


@pytest.fixture
def store(seed: Portfolio) -> Iterator[Switchable]:
    store = Switchable()
    store.load(seed)
    yield store
    store.hung.set()


def app_service(c: TestClient) -> Any:
    return c.app.state.service  # type: ignore[attr-defined]


def client_for(store: Switchable, **overrides: Any) -> AbstractContextManager[TestClient]:
    options = {"store_timeout": 0.5, "store_recheck": 0.0, **overrides}
    return started(create_app(settings(**options), store=store), raise_server_exceptions=False)


def stale_of(read: Read, response: Any) -> tuple[str, str]:
    """(revision, stale) of an answer, from its body and its headers, which must agree."""
    assert response.status_code == 200, (read, response.text)
    revision, stale = response.headers["x-eagraph-revision"], response.headers["x-eagraph-stale"]
    if read.json:
        body = response.json()
        assert (body["revision"], body["stale"]) == (revision, stale == "true"), read
    return revision, stale


def test_every_read_says_which_revision_it_answers_from_and_that_it_is_fresh(store, seed: Portfolio):
    with client_for(store) as c:
        for read in READS:
            assert stale_of(read, read.request(c)) == (seed.revision, "false")


def test_every_read_answers_from_the_last_revision_flagged_stale_while_the_store_is_down(
    store, seed: Portfolio
):
    with client_for(store) as c:
        fresh = [read.request(c) for read in READS]
        store.down = True
        for read, before in zip(READS, fresh, strict=True):
            response = read.request(c)
            assert stale_of(read, response) == (seed.revision, "true")
            if read.json:  # the same answer, but for the flag
                assert {**response.json(), "stale": False} == before.json()
            else:
                assert response.content == before.content


def test_ready_is_a_503_problem_naming_the_stale_revision_while_the_store_is_down(store, seed: Portfolio):
    with client_for(store) as c:
        assert c.get("/api/v1/ready").status_code == 200
        store.down = True
        body = problem(c.get("/api/v1/ready"), 503)
        assert body["type"] == "urn:eagraph:problem:store-unavailable"
        assert "connection refused" in body["detail"]
        assert f"reads answer from revision {seed.revision}, stale" in body["detail"]
        assert c.get("/api/v1/health").json() == {"status": "ok"}


def test_answers_are_fresh_again_once_the_store_answers_without_a_restart(store):
    with client_for(store) as c:
        c.get("/api/v1/nodes")
        store.down = True
        assert c.get("/api/v1/impact", params={"down": "hint"}).json()["stale"] is True
        store.down = False  # a re-check in the background notices; the answers after it are fresh
        deadline = time.monotonic() + 5
        while c.get("/api/v1/impact", params={"down": "hint"}).json()["stale"]:
            assert time.monotonic() < deadline, "still stale 5 s after the store came back"
            time.sleep(0.01)
        assert c.get("/api/v1/ready").status_code == 200


def test_a_store_that_hangs_is_answered_stale_after_the_timeout_not_waited_for(store):
    with client_for(store, store_timeout=0.3) as c:
        c.get("/api/v1/nodes")
        store.hung.clear()
        started = time.monotonic()
        assert c.get("/api/v1/nodes").json()["stale"] is True
        assert time.monotonic() - started < 2
        problem(c.get("/api/v1/ready"), 503)
        assert time.monotonic() - started < 4


def test_during_an_outage_the_store_is_asked_again_only_after_the_back_off(store):
    with client_for(store, store_recheck=60.0) as c:
        c.get("/api/v1/nodes")
        store.down = True
        assert c.get("/api/v1/nodes").json()["stale"] is True
        asked = store.calls
        for _ in range(20):
            assert c.get("/api/v1/nodes").json()["stale"] is True
        assert store.calls == asked  # 20 answers, not one more call to a store that is down


def test_with_nothing_read_yet_a_down_store_is_a_503_problem_not_an_empty_answer(store):
    store.down = True
    with client_for(store) as c:
        response = c.get("/api/v1/impact", params={"down": "hint"})
        assert problem(response, 503)["type"] == "urn:eagraph:problem:store-unavailable"
        assert response.headers["retry-after"] == "5"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_back_off_doubles_up_to_its_maximum_and_resets_when_the_store_answers():
    clock, asked = Clock(), []
    outcomes = iter(["r1", "down", "down", "down", "down", "down", "r2"])

    def fresh() -> str:
        asked.append(clock.now)
        outcome = next(outcomes)
        if outcome == "down":
            raise StoreUnavailable("refused")
        return outcome

    guard = LastGood(
        lambda v: f"{v}*",
        deadline=1.0,
        recheck=1.0,
        recheck_max=4.0,
        clock=clock,
        spawn=lambda probe: probe(),
    )
    answers = [guard.get(fresh)]
    while answers[-1] != "r2" and len(answers) < 100:
        clock.now += 0.5
        answers.append(guard.get(fresh))
    assert [t - 100.0 for t in asked] == [0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5]  # +1, +2, +4, +4, +4
    assert answers[:3] == ["r1", "r1*", "r1*"] and answers[-1] == "r2" and guard.outage is None


def refused() -> str:
    raise StoreUnavailable("refused")


def test_during_an_outage_no_request_waits_for_the_store_the_re_check_runs_in_the_background():
    guard = LastGood(lambda v: f"{v}*", deadline=5.0, recheck=0.0)
    assert guard.get(lambda: "r1") == "r1"
    assert guard.get(refused) == "r1*" and guard.outage is not None
    release = threading.Event()
    started = time.monotonic()
    for _ in range(5):  # the first starts a re-check that hangs; none of them waits for it
        assert guard.get(lambda: release.wait(5) and "r2") == "r1*"
    assert time.monotonic() - started < 0.5
    release.set()
    deadline = time.monotonic() + 5
    while guard.get(lambda: "r2") != "r2":
        assert time.monotonic() < deadline, "the background re-check never brought the store back"
        time.sleep(0.01)
    assert guard.outage is None


def test_a_store_empty_at_start_up_answers_as_soon_as_something_is_loaded(seed: Portfolio):
    store = Switchable()  # nothing loaded: the warm-up finds nothing, and there is no last revision
    with client_for(store, store_recheck=60.0) as c:
        problem(c.get("/api/v1/nodes"), 503)
        store.load(seed)  # no back-off: with nothing to answer from, every request asks the store ...
        building = c.get("/api/v1/nodes")  # ... and the first one after the load has the graph built
        if building.status_code == 503:
            assert problem(building, 503)["type"] == "urn:eagraph:problem:graph-building"
            assert building.headers["retry-after"] == "1"
        assert app_service(c).wait_idle(30)
        assert c.get("/api/v1/nodes").json() | {"items": []} == {
            "revision": seed.revision, "stale": False, "total": len(seed.nodes), "limit": 50, "offset": 0,
            "items": []}  # fmt: skip
