"""GET /api/v1/export/{format}: the same files as `eagraph export`, through the app factory."""

from __future__ import annotations

from contextlib import AbstractContextManager

import networkx as nx
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from graph.exports import FORMATS
from tests.app.conftest import started
from tests.conftest import SEED_COUNTS


def client() -> AbstractContextManager[TestClient]:
    return started(create_app(Settings(store="memory")))


def test_every_export_format_is_served_with_its_media_type() -> None:
    with client() as c:
        for name, fmt in FORMATS.items():
            res = c.get(f"/api/v1/export/{name}")
            assert res.status_code == 200, name
            assert res.headers["content-type"].split(";")[0] == fmt.media_type.split(";")[0]
            assert res.headers["x-eagraph-revision"] and res.text


def test_graphml_over_http_reads_back_into_networkx() -> None:
    with client() as c:
        text = c.get("/api/v1/export/graphml").text
    G = nx.parse_graphml(text)
    assert (G.number_of_nodes(), G.number_of_edges()) == SEED_COUNTS


def test_an_unknown_format_is_a_422_problem() -> None:
    with client() as c:
        res = c.get("/api/v1/export/visio")
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
