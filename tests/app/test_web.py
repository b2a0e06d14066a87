"""The explorer page, the offline API docs, the drawing endpoint and the OpenAPI document."""

from __future__ import annotations

import re

import pytest

from app.web import STATIC
from graph.model import Portfolio

EXTERNAL_URL = re.compile(r"""(?:src|href|url|import|fetch)\s*[=(]\s*["']?(?:https?:)?//""", re.I)


def test_the_explorer_page_is_served_with_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert '<script src="/static/explorer.js"' in response.text


def test_the_page_and_its_files_load_nothing_from_elsewhere(client):
    files = sorted(p for p in STATIC.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {"index.html", "explorer.js", "explorer.css", "favicon.svg"}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not EXTERNAL_URL.search(text), path.name
        assert client.get(f"/static/{path.relative_to(STATIC).as_posix()}").status_code == 200


def test_the_explorer_never_turns_data_into_markup():
    script = (STATIC / "explorer.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", script)


def test_swagger_ui_is_served_from_local_files(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text.lower()


def test_the_drawing_places_every_node_and_routes_edges_left_to_right(client, seed: Portfolio):
    drawing = client.get("/api/v1/graph").json()
    assert drawing["revision"] == seed.revision
    assert {n["id"] for n in drawing["nodes"]} == {n.id for n in seed.nodes}
    boxes = {n["id"]: n for n in drawing["nodes"]}
    for n in drawing["nodes"]:
        assert n["x"] >= 0 and n["x"] + n["width"] <= drawing["width"]
        assert n["y"] >= 0 and n["y"] + n["height"] <= drawing["height"]
    for e in drawing["edges"]:
        if e["back"]:
            continue
        xs = [p["x"] for p in e["points"]]
        assert xs == sorted(xs), e
        assert boxes[e["source"]]["column"] < boxes[e["target"]]["column"]


def test_no_two_boxes_overlap(client):
    nodes = client.get("/api/v1/graph").json()["nodes"]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            )  # fmt: skip
            assert apart, (a["id"], b["id"])


@pytest.fixture(scope="module")
def openapi(client) -> dict:
    return client.get("/openapi.json").json()


def test_every_operation_documents_its_problems_as_problem_json(openapi):
    for path, methods in openapi["paths"].items():
        for method, op in methods.items():
            statuses = set(op["responses"])
            success = statuses & {"200", "201"}  # 201: a decision made
            assert len(success) == 1, (method, path)
            errors = statuses - success
            if path != "/api/v1/health":
                assert errors >= {"500", "503"}, (method, path)
            for status in errors:
                content = op["responses"][status]["content"]
                assert set(content) == {"application/problem+json"}, (method, path, status)


def test_the_openapi_document_carries_examples_and_the_api_key_scheme(openapi):
    impact = openapi["paths"]["/api/v1/impact"]["get"]
    down = next(p for p in impact["parameters"] if p["name"] == "down")
    assert down["examples"]["hint"]["value"] == ["hINT"]
    schemas = openapi["components"]["schemas"]
    assert schemas["ImpactResult"]["examples"] and schemas["ScenarioRequest"]["examples"]
    assert schemas["Problem"]["examples"][0]["suggestions"] == ["hint"]
    assert openapi["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    assert openapi["paths"]["/api/v1/admin/reload"]["post"]["security"] == [{"APIKeyHeader": []}]
