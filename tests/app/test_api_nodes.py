"""`/api/v1/nodes…`: listing, search, one node, dependencies and dependents — and their errors."""

from __future__ import annotations

import pytest

from graph.model import Portfolio
from tests.app.conftest import problem


def test_listing_pages_through_every_node_sorted_by_id(client, seed: Portfolio):
    first = client.get("/api/v1/nodes", params={"limit": 20}).json()
    rest = client.get("/api/v1/nodes", params={"limit": 500, "offset": 20}).json()
    ids = [n["id"] for n in first["items"] + rest["items"]]
    assert first["total"] == len(seed.nodes) == len(ids)
    assert ids == sorted(n.id for n in seed.nodes)
    assert first["revision"] == seed.revision and (first["limit"], first["offset"]) == (20, 0)


def test_kind_filter_uses_labels_so_integrations_count_as_systems(client):
    actors = client.get("/api/v1/nodes", params={"kind": "actor", "limit": 500}).json()["items"]
    systems = client.get("/api/v1/nodes", params={"kind": "system", "limit": 500}).json()["items"]
    assert actors and all(n["kind"] == "actor" for n in actors)
    assert "hint" in {n["id"] for n in systems}  # kind integration, labelled system too
    assert not {n["id"] for n in actors} & {n["id"] for n in systems}


@pytest.mark.parametrize(
    ("q", "first"),
    [("tjenesteportalen", "tjenesteportal-for-helseaktor"), ("HAPI", "hapi"), ("okonomi", "okonomimodulen"),
     ("hin", "hint")],
)  # fmt: skip
def test_search_folds_names_and_puts_the_best_match_first(client, q, first):
    page = client.get("/api/v1/nodes", params={"q": q}).json()
    assert page["items"][0]["id"] == first
    assert page["total"] == len(page["items"])


def test_search_combines_with_kind_and_paging(client):
    everything = client.get("/api/v1/nodes", params={"q": "elsa"}).json()
    assert everything["total"] >= 3
    second = client.get("/api/v1/nodes", params={"q": "elsa", "limit": 1, "offset": 1}).json()
    assert second["items"][0]["id"] == everything["items"][1]["id"] and second["total"] == everything["total"]
    assert client.get("/api/v1/nodes", params={"q": "elsa", "kind": "actor"}).json()["total"] == 0


@pytest.mark.parametrize("ref", ["hint", "hINT", "Helsedirektoratets integrasjonsplattform (hINT)"])
def test_a_node_is_found_by_id_name_or_alias(client, ref):
    node = client.get(f"/api/v1/nodes/{ref}").json()
    assert node["id"] == "hint" and node["kind"] == "integration"
    assert "system" in node["labels"]
    dependents = {r["id"] for r in node["dependents"]}
    assert {"hapi", "fkr"} <= dependents
    assert all(r["direct"] and r["via"]["evidence"] for r in node["dependents"])


def test_dependencies_are_transitive_unless_a_depth_is_given(client):
    deep = client.get("/api/v1/nodes/hAPI/dependencies").json()
    assert {i["id"] for i in deep["items"]} == {"dip", "enonic-xp", "hint"}
    near = client.get("/api/v1/nodes/hAPI/dependencies", params={"depth": 1}).json()
    assert near["direct"] == ["dip", "hint"] and len(near["items"]) == 2
    assert near["direction"] == "dependencies" and near["revision"] == deep["revision"]


def test_dependents_walk_the_other_way_and_respect_min_confidence(client):
    everything = client.get("/api/v1/nodes/hint/dependents", params={"min_confidence": "inferred"}).json()
    curated = client.get("/api/v1/nodes/hint/dependents").json()  # stated and curated: the default
    assert len(curated["items"]) < len(everything["items"])
    assert all(i["via"]["confidence"] != "inferred" for i in curated["items"])
    fkr = client.get("/api/v1/nodes/FKR/dependents", params={"depth": 1, "min_confidence": "inferred"})
    assert fkr.json()["direct"] == ["tjenesteportal-for-helseaktor"]


def test_unknown_name_is_a_404_problem_with_suggestions(client):
    body = problem(client.get("/api/v1/nodes/hintt"), 404)
    assert body["type"] == "urn:eagraph:problem:node-not-found"
    assert body["suggestions"] == ["hint"] and body["instance"] == "/api/v1/nodes/hintt"
    for path in ("/api/v1/nodes/hintt/dependencies", "/api/v1/nodes/hintt/dependents"):
        assert problem(client.get(path), 404)["suggestions"] == ["hint"]


def test_an_ambiguous_name_is_a_400_problem_listing_the_candidates(client):
    body = problem(client.get("/api/v1/nodes/elsa"), 400)
    assert body["type"] == "urn:eagraph:problem:ambiguous-name"
    assert {"elsa-landoppgjor", "elsa-rinaintegrasjon"} <= set(body["candidates"])


def test_a_blank_name_is_a_400_problem(client):
    assert problem(client.get("/api/v1/nodes/%20%20"), 400)["type"] == "urn:eagraph:problem:invalid-query"


def test_a_5000_character_name_is_a_422_whose_detail_and_errors_do_not_repeat_it(client):
    name = "x" * 5000
    for response in (client.get(f"/api/v1/nodes/{name}"), client.get("/api/v1/nodes", params={"q": name})):
        body = problem(response, 422)
        assert body["type"] == "urn:eagraph:problem:invalid-request"
        assert name not in str(body["errors"]) and name not in body["detail"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "ten"}, {"kind": "planet"}, {"q": ""}],
)
def test_malformed_list_parameters_are_422_problems_naming_the_parameter(client, params):
    body = problem(client.get("/api/v1/nodes", params=params), 422)
    (name,) = params
    assert any(e["loc"] == ["query", name] for e in body["errors"])


@pytest.mark.parametrize("params", [{"depth": 0}, {"depth": 101}, {"min_confidence": "sure"}])
def test_malformed_walk_parameters_are_422_problems(client, params):
    problem(client.get("/api/v1/nodes/hint/dependents", params=params), 422)
