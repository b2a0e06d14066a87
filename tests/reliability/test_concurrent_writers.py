"""Several writers at once on one Neo4j: loads are serialised by the writer lock, and no cleanup ever removes
the revision another load made current. Afterwards there is exactly one complete current revision, equal to
one of the inputs, and no reader saw a 5xx or a mixed graph meanwhile."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from app.main import create_app
from graph.model import Portfolio
from graph.neo4j_store import Neo4jStore, _Lease
from loaders import SEED, parse_document
from tests.app.conftest import settings
from tests.conftest import REPO, Neo4jServer
from tests.graph.test_store_contract import smaller
from tests.reliability.test_concurrent_reload import answer, expectations, wait_ready, without_first_entry
from tests.serving import Served

pytestmark = pytest.mark.neo4j


def scalar(driver: Driver, query: str, **params: object) -> object:
    return driver.execute_query(query, params).records[0][0]


class PausedBeforeCleanup(Neo4jStore):
    """A store whose load stops between its flip and its cleanup until ``resume`` is set."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.flipped = threading.Event()
        self.resume = threading.Event()

    def _cleanup(self, lease: _Lease) -> None:
        self.flipped.set()
        assert self.resume.wait(60)
        super()._cleanup(lease)


def assert_only(driver: Driver, portfolio: Portfolio) -> None:
    """Exactly one current revision, complete and equal to ``portfolio``; the earlier revisions kept beside it
    (``revisions_kept``) each complete; no row of a revision that is not kept."""
    assert scalar(driver, "MATCH (r:Revision {current: true}) RETURN count(r)") == 1
    assert scalar(driver, "MATCH (r:Revision {current: true}) RETURN r.revision") == portfolio.revision
    r = portfolio.revision
    assert scalar(driver, "MATCH (n:Node {revision: $r}) RETURN count(n)", r=r) == len(portfolio.nodes)
    assert scalar(
        driver, "MATCH (:Node {revision: $r})-[e]->() WHERE e.revision = $r RETURN count(e)", r=r
    ) == len(portfolio.edges)
    incomplete = """
    MATCH (r:Revision) OPTIONAL MATCH (n:Node {revision: r.revision})
    WITH r, count(n) AS found WHERE found <> r.nodes RETURN count(r)
    """
    assert scalar(driver, incomplete) == 0
    orphans = "MATCH (n:Node) WHERE NOT EXISTS { MATCH (:Revision {revision: n.revision}) } RETURN count(n)"
    assert scalar(driver, orphans) == 0
    assert scalar(driver, "MATCH (l:WriterLock) RETURN count(l)") == 0  # released


def test_a_second_load_waits_while_the_first_is_between_its_flip_and_its_cleanup(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    newer = smaller(seed)
    first = PausedBeforeCleanup(neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    second = neo4j_server.store()
    outcome: dict[str, object] = {}
    a = threading.Thread(target=lambda: outcome.setdefault("a", first.load(seed)))
    b = threading.Thread(target=lambda: outcome.setdefault("b", second.load(newer)))
    try:
        a.start()
        assert first.flipped.wait(60)
        b.start()
        b.join(2.0)
        assert b.is_alive() and "b" not in outcome  # B waits for the writer lock A holds
        assert second.revision() == seed.revision
        first.resume.set()
        a.join(60)
        b.join(60)
        assert "a" in outcome and "b" in outcome
        assert_only(empty_neo4j, newer)
        assert second.read() == newer
    finally:
        first.resume.set()
        first.close()
        second.close()


def test_a_cleanup_that_runs_after_another_loads_flip_keeps_that_revision(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    newer = smaller(seed)
    with neo4j_server.store() as a, neo4j_server.store() as b:
        a.load(seed)
        b.load(newer)  # B's load flips to its revision ...
        a._cleanup(_Lease("late", "a late cleanup", time.monotonic()))  # ... then A's cleanup runs late
        assert_only(empty_neo4j, newer)
        assert a.read() == newer


def test_a_lock_left_by_a_dead_writer_is_taken_over_once_its_lease_runs_out(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    empty_neo4j.execute_query(
        "CREATE (:WriterLock {name: 'eagraph', owner: 'gone:1:dead', what: 'a load that was killed', "
        "since: datetime(), expires: datetime() + duration({seconds: 2})})"
    )
    with neo4j_server.store() as store:
        started = time.monotonic()
        store.load(seed)
        assert time.monotonic() - started >= 1.0  # it waited for the lease, then took the lock over
    assert_only(empty_neo4j, seed)


def test_a_writer_that_cannot_get_the_lock_in_time_fails_in_one_line_naming_the_holder(
    neo4j_server: Neo4jServer, empty_neo4j: Driver
) -> None:
    empty_neo4j.execute_query(
        "CREATE (:WriterLock {name: 'eagraph', owner: 'host:42:abc', what: 'load of revision x (other.txt)', "
        "since: datetime(), expires: datetime() + duration({seconds: 600})})"
    )
    env = {**neo4j_server.env(), "EAGRAPH_LOCK_WAIT": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "load"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "another writer holds the lock" in lines[0], done.stderr
    assert "load of revision x (other.txt)" in lines[0] and "host:42:abc" in lines[0]
    assert scalar(empty_neo4j, "MATCH (n:Node) RETURN count(n)") == 0  # nothing written


def _start_load(path: Path, server: Neo4jServer) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "app.cli", "load", "--portfolio", str(path)]
    return subprocess.Popen(
        command, cwd=REPO, env=server.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _documents(tmp_path: Path) -> list[tuple[Path, Portfolio]]:
    text = SEED.read_text(encoding="utf-8")
    texts = [text, without_first_entry(text), without_first_entry(without_first_entry(text))]
    out = []
    for i, body in enumerate(texts):
        path = tmp_path / f"portfolio-{i}.txt"
        path.write_text(body, encoding="utf-8")
        out.append((path, parse_document(body.encode(), path.name)))
    return out


def test_three_loads_started_at_once_under_readers_leave_one_complete_revision_and_no_reader_saw_a_mix(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio, tmp_path: Path
) -> None:
    documents = _documents(tmp_path)
    expected = {p.revision: expectations(p) for p in [seed, *(p for _, p in documents)]}
    assert len(expected) == 4
    with neo4j_server.store() as store:
        store.load(seed)
    options = settings(
        store="neo4j", neo4j_uri=neo4j_server.uri, neo4j_user=neo4j_server.user,
        neo4j_password=neo4j_server.password,
    )  # fmt: skip
    seen: list[str] = []
    errors: list[str] = []
    stop = threading.Event()

    def read(url: str, kind: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                try:
                    revision, ids = answer(client, kind)
                    seen.append(revision)
                    if expected[revision][kind] != ids:
                        errors.append(f"{kind}: a mixed graph under revision {revision}")
                except httpx.HTTPStatusError as exc:
                    errors.append(f"{kind}: {exc.response.status_code} {exc.response.text}")
                except (httpx.HTTPError, AssertionError, KeyError) as exc:
                    errors.append(f"{kind}: {exc!r}")

    with Served(create_app(options)) as served, httpx.Client(base_url=served.url, timeout=30) as client:
        wait_ready(client, seed.revision)
        readers = [threading.Thread(target=read, args=(served.url, k)) for k in ("nodes", "impact") * 2]
        for thread in readers:
            thread.start()
        loads = [_start_load(path, neo4j_server) for path, _ in documents]
        results = [proc.communicate(timeout=300) for proc in loads]
        time.sleep(1.0)  # the readers see the last revision too
        stop.set()
        for thread in readers:
            thread.join(30)

    assert [proc.returncode for proc in loads] == [0, 0, 0], results
    assert errors == []
    assert len(seen) > 20
    final = scalar(empty_neo4j, "MATCH (r:Revision {current: true}) RETURN r.revision")
    (last,) = [p for _, p in documents if p.revision == final]
    assert_only(empty_neo4j, last)
