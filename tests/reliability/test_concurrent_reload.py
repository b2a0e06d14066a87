"""Readers hammering the API while ``/admin/reload`` swaps between two revisions: every answer is wholly the
old revision or wholly the new one, never a mix — in memory and in the real Neo4j."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from graph.analysis import impact
from graph.model import Portfolio, to_networkx
from loaders import SEED, parse_document
from tests.app.conftest import API_KEY, settings
from tests.conftest import Neo4jServer
from tests.serving import Served

READERS = 6
SECONDS = 5.0


def without_first_entry(text: str) -> str:
    """The seed less its first entry (Praksisinfo): fewer nodes, and hINT takes down fewer things."""
    entries = parse_document(text.encode(), "seed.txt").entries
    lines = text.split("\n")
    return "\n".join(lines[: entries[0].line - 1] + lines[entries[1].line - 1 :])


def expectations(portfolio: Portfolio) -> dict[str, frozenset[str]]:
    # the wide answer (inferred edges too): without the overlay the document alone hangs little on hINT
    impacted = impact(to_networkx(portfolio), ["hint"], min_confidence="inferred").impacted
    return {"nodes": frozenset(n.id for n in portfolio.nodes), "impact": frozenset(i.id for i in impacted)}


def answer(client: httpx.Client, kind: str) -> tuple[str, frozenset[str]]:
    if kind == "nodes":
        response = client.get("/api/v1/nodes", params={"limit": 500})
        response.raise_for_status()
        body = response.json()
        assert body["total"] == len(body["items"]) and body["stale"] is False
        return body["revision"], frozenset(n["id"] for n in body["items"])
    response = client.get("/api/v1/impact", params={"down": "hint", "min_confidence": "inferred"})
    response.raise_for_status()
    body = response.json()
    assert body["stale"] is False
    return body["revision"], frozenset(i["id"] for i in body["impacted"])


def wait_ready(client: httpx.Client, revision: str, seconds: float = 60) -> None:
    """Until ``/ready`` answers 200 with ``revision`` (its snapshot is built in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        ready = client.get("/api/v1/ready")
        if ready.status_code == 200 and ready.json()["revision"] == revision:
            return
        assert time.monotonic() < deadline, f"not ready with {revision} after {seconds} s: {ready.text}"
        time.sleep(0.05)


def write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture(params=["memory", "neo4j"])
def store_settings(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    if request.param == "memory":
        yield {"store": "memory"}
        return
    server: Neo4jServer = request.getfixturevalue("neo4j_server")
    request.getfixturevalue("empty_neo4j")
    yield {
        "store": "neo4j",
        "neo4j_uri": server.uri,
        "neo4j_user": server.user,
        "neo4j_password": server.password,
    }


def test_readers_see_the_old_revision_or_the_new_one_never_a_mix_while_reloads_swap_them(
    tmp_path: Path, store_settings: dict[str, Any]
) -> None:
    texts = [SEED.read_text(encoding="utf-8")]
    texts.append(without_first_entry(texts[0]))
    portfolios = [parse_document(t.encode(), "portfolio.txt") for t in texts]
    expected = {p.revision: expectations(p) for p in portfolios}
    assert len(expected) == 2 and all(
        expected[portfolios[0].revision][k] != expected[portfolios[1].revision][k]
        for k in ("nodes", "impact")
    )
    document = tmp_path / "portfolio.txt"
    write(document, texts[0])
    app = create_app(settings(portfolio=str(document), api_key=API_KEY, **store_settings))

    seen: list[tuple[str, str, frozenset[str]]] = []
    errors: list[str] = []
    stop = threading.Event()

    def read(url: str, kind: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            while not stop.is_set():
                try:
                    seen.append((kind, *answer(client, kind)))
                except httpx.HTTPStatusError as exc:
                    errors.append(f"{kind}: {exc.response.status_code} {exc.response.text}")
                except (httpx.HTTPError, AssertionError, KeyError) as exc:
                    errors.append(f"{kind}: {exc!r}")

    with Served(app) as served, httpx.Client(base_url=served.url, timeout=60) as admin:
        reload = {"X-API-Key": API_KEY}
        assert admin.post("/api/v1/admin/reload", headers=reload).status_code == 200
        wait_ready(admin, portfolios[0].revision)
        readers = [
            threading.Thread(target=read, args=(served.url, "nodes" if i % 2 else "impact"))
            for i in range(READERS)
        ]
        for thread in readers:
            thread.start()
        swaps, deadline = 0, time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            swaps += 1
            write(document, texts[swaps % 2])
            reloaded = admin.post("/api/v1/admin/reload", headers=reload)
            assert reloaded.status_code == 200 and reloaded.json()["changed"], reloaded.text
        stop.set()
        for thread in readers:
            thread.join(30)

    assert errors == []
    assert swaps >= 2 and len(seen) > 50
    mixed = [(kind, revision) for kind, revision, ids in seen if expected[revision][kind] != ids]
    assert mixed == []
    assert {revision for _, revision, _ in seen} == set(expected)  # both revisions were really read
