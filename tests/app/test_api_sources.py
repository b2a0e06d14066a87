"""`/api/v1/sources`, `/nodes?source=` and the documents of each impacted item, over several portfolios."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from graph.model import Portfolio
from loaders.interchange import load_any
from tests.app.conftest import problem, seeded, settings, started

MANIFEST = Path(__file__).resolve().parents[2] / "examples" / "portfolio.yaml"


@pytest.fixture(scope="module")
def merged() -> Portfolio:
    return load_any(MANIFEST)


@pytest.fixture
def two(merged: Portfolio) -> Iterator[TestClient]:
    with started(create_app(settings(), store=seeded(merged))) as c:
        yield c


def test_sources_lists_each_with_its_organisation_hash_and_what_it_describes(two, merged: Portfolio):
    body = two.get("/api/v1/sources").json()
    rows = {s["id"]: s for s in body["items"]}
    assert list(rows) == ["hdir", "nhn"] and body["revision"] == merged.revision
    assert (
        rows["nhn"]["organisation"] == "Norsk helsenett SF (oppdiktet)" and len(rows["nhn"]["sha256"]) == 64
    )
    assert rows["nhn"]["nodes"] == sum("nhn" in n.sources for n in merged.nodes)
    assert rows["nhn"]["edges"] == sum(e.document == "nhn-tjenesteportefolje.txt" for e in merged.edges)


def test_the_source_filter_gives_the_nodes_a_source_describes_or_mentions(two, merged: Portfolio):
    page = two.get("/api/v1/nodes", params={"source": "nhn", "limit": 500}).json()
    assert {n["id"] for n in page["items"]} == {n.id for n in merged.nodes if "nhn" in n.sources}
    assert "helseid" in {n["id"] for n in page["items"]} and "praksisinfo" not in {
        n["id"] for n in page["items"]
    }
    assert two.get("/api/v1/nodes", params={"source": "nobody"}).json()["total"] == 0
    problem(two.get("/api/v1/nodes", params={"source": "Not A Slug"}), 422)


def test_an_impacted_item_names_the_documents_of_its_evidence_in_path_order(two):
    body = two.get("/api/v1/impact", params={"down": "id-porten"}).json()
    flo = next(i for i in body["impacted"] if i["id"] == "flo")
    assert flo["documents"] == ["hdir-systemportefolje-2023.txt", "nhn-tjenesteportefolje.txt"]
    assert [h["document"] for h in flo["hops"]] == flo["documents"]


def test_one_document_is_one_source_named_after_it(client, seed: Portfolio):
    (only,) = client.get("/api/v1/sources").json()["items"]
    assert (only["id"], only["document"], only["nodes"]) == (
        "hdir-systemportefolje-2023",
        seed.document,
        len(seed.nodes),
    )
    assert client.get("/api/v1/nodes", params={"source": only["id"]}).json()["total"] == len(seed.nodes)
