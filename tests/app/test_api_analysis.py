"""`/api/v1/impact`, `/paths`, `/analysis/*`, `/findings`, `/scenarios` — answers and errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.schemas import MAX_DOWN
from graph.model import Portfolio
from tests.app.conftest import problem


def test_impact_is_the_cli_json_plus_the_revision(client, seed: Portfolio):
    api = client.get("/api/v1/impact", params={"down": "hINT"}).json()
    cli = subprocess.run(
        [sys.executable, "-m", "app.cli", "impact", "hINT", "--json"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"}, check=True,
    )  # fmt: skip
    assert api.pop("revision") == seed.revision and api.pop("stale") is False
    everything = json.loads(cli.stdout)
    assert (api.pop("limit"), everything.pop("limit")) == (1000, None)  # the API pages, the CLI need not
    assert api == everything


def test_impact_of_hint_is_evidenced_hop_by_hop(client):
    data = client.get("/api/v1/impact", params={"down": "hint"}).json()
    hapi = next(i for i in data["impacted"] if i["id"] == "hapi")
    assert hapi["path"] == ["hapi", "hint"] and hapi["state"] == "down"
    assert all(h["evidence"] and h["line"] for h in hapi["hops"])
    assert "dip" not in {i["id"] for i in data["impacted"]}  # hAPI publishes DIP's content; DIP needs no hAPI
    assert data["summary"]["impacted"] == len(data["impacted"]) == 2  # hAPI down, FKR degraded: all curated
    assert data["summary"]["possible"] == len(data["possible"]) > 10  # "Benyttes av fagsystemer internt"
    assert all(p["inferred"] and p["hops"][0]["confidence"] == "inferred" for p in data["possible"])


def test_min_confidence_inferred_gives_the_wider_answer_labelled_possible(client):
    wide = client.get("/api/v1/impact", params={"down": "hint", "min_confidence": "inferred"}).json()
    default = client.get("/api/v1/impact", params={"down": "hint"}).json()
    assert wide["summary"]["impacted"] == default["summary"]["impacted"] + default["summary"]["possible"]
    assert {i["id"] for i in wide["impacted"] if i["inferred"]} == {i["id"] for i in default["possible"]}
    assert wide["possible"] == []


def test_several_nodes_down_at_once_repeat_the_parameter_and_fold_names(client):
    one = client.get("/api/v1/impact", params={"down": ["Helsenorge"]}).json()
    both = client.get(
        "/api/v1/impact", params={"down": ["helsenorge", "POST", "Elektronisk postkasse"]}
    ).json()
    assert both["down"] == ["elektronisk-postkasse", "helsenorge", "post"]
    states = {i["id"]: i["state"] for i in both["impacted"]}
    assert {i["id"]: i["state"] for i in one["impacted"]}["frikort-brevmodul"] == "degraded"
    assert states["frikort-brevmodul"] == "down"  # every alternative lost


def test_min_confidence_stated_leaves_out_what_rests_on_inferred_edges(client):
    stated = client.get("/api/v1/impact", params={"down": "hint", "min_confidence": "stated"}).json()
    assert stated["min_confidence"] == "stated" and not any(i["inferred"] for i in stated["impacted"])


def test_impact_errors_are_problems(client):
    assert problem(client.get("/api/v1/impact"), 422)["errors"][0]["loc"] == ["query", "down"]
    assert problem(client.get("/api/v1/impact", params={"down": "hintt"}), 404)["suggestions"] == ["hint"]
    too_many = [f"n{i}" for i in range(MAX_DOWN + 1)]
    assert problem(client.get("/api/v1/impact", params={"down": too_many}), 422)["errors"]
    assert problem(client.get("/api/v1/impact", params={"down": "x" * 5000}), 422)
    assert problem(client.get("/api/v1/impact", params={"down": "hint", "min_confidence": "x"}), 422)


def test_paths_explain_each_hop_and_say_which_way_they_run(client):
    forward = client.get("/api/v1/paths", params={"from": "Praksisinfo", "to": "HelseID"}).json()
    assert forward["direction"] == "forward"
    assert forward["paths"][0]["path"] == ["praksisinfo", "tjenesteportal-for-helseaktor", "helseid"]
    assert all(h["evidence"] for h in forward["paths"][0]["hops"])
    reverse = client.get("/api/v1/paths", params={"from": "HelseID", "to": "Praksisinfo"}).json()
    assert reverse["direction"] == "reverse" and reverse["paths"][0]["path"][0] == "praksisinfo"
    none = client.get("/api/v1/paths", params={"from": "NAV", "to": "HelseID"}).json()
    assert none["direction"] == "none" and none["paths"] == [] and none["length"] is None


def test_path_errors_are_problems(client):
    assert problem(client.get("/api/v1/paths", params={"from": "hint", "to": "hint"}), 400)["type"].endswith(
        "invalid-query"
    )
    assert problem(client.get("/api/v1/paths", params={"from": "hint"}), 422)["errors"][0]["loc"] == [
        "query",
        "to",
    ]
    assert problem(client.get("/api/v1/paths", params={"from": "hint", "to": "minidd"}), 404)["suggestions"]
    assert problem(client.get("/api/v1/paths", params={"from": "hint", "to": "dip", "limit": 0}), 422)


def test_critical_ranks_by_blast_radius_and_finds_the_login_pair(client, seed: Portfolio):
    crit = client.get("/api/v1/analysis/critical").json()
    radii = [n["blast_radius"] for n in crit["nodes"]]
    assert radii == sorted(radii, reverse=True) and crit["nodes"][0]["id"] == "enonic-xp"  # DIP's CMS
    assert ["helseid", "minid"] in [p["pair"] for p in crit["pairs"]]
    actors = {n.id for n in seed.nodes if n.kind.value == "actor"}
    assert not actors & {n["id"] for n in crit["nodes"]}  # organisations lose things; they are not SPOFs
    assert not actors & {s for n in crit["nodes"] for s in n["single_points_of_failure"]}
    wide = client.get("/api/v1/analysis/critical", params={"min_confidence": "inferred"}).json()
    assert "hint" in [n["id"] for n in wide["nodes"][:3]]  # only the blanket inferences put hINT on top


def test_the_seed_has_no_circular_dependency_and_a_bad_parameter_is_a_problem(client):
    # UVreg's "samhandling med Legeforeningen" is an organisation working in UVreg, not a loop of systems.
    assert client.get("/api/v1/analysis/cycles").json()["cycles"] == []
    assert problem(client.get("/api/v1/analysis/cycles", params={"min_confidence": 3}), 422)


def test_findings_report_the_document_problems(client, seed: Portfolio):
    data = client.get("/api/v1/findings").json()
    assert data["document"] == seed.document and len(data["items"]) == len(seed.findings)
    assert "misspelt-name" in {f["code"] for f in data["items"]}


LETTERS = {"op": "remove_edge", "source": "Frikort brevmodul", "target": "elektronisk postkasse",
           "type": "DELIVERS_VIA"}  # fmt: skip


def test_a_scenario_compares_before_and_after_with_names_resolved(client):
    body = {"down": ["Helsenorge", "post"], "edits": [LETTERS]}
    data = client.post("/api/v1/scenarios", json=body).json()
    assert data["down"] == ["helsenorge", "post"]
    assert data["edits"][0]["source"] == "frikort-brevmodul"
    assert "frikort-brevmodul" in data["diff"]["worse"] and data["diff"]["better"] == []
    before = {i["id"]: i["state"] for i in data["before"]["impacted"]}
    after = {i["id"]: i["state"] for i in data["after"]["impacted"]}
    assert (before["frikort-brevmodul"], after["frikort-brevmodul"]) == ("degraded", "down")


def test_an_added_alternative_softens_the_blow(client):
    edits = [
        {
            "op": "set_alt_group",
            "source": "DIP",
            "target": "Enonic XP",
            "type": "BUILT_ON",
            "alt_group": "cms",
        },
        {"op": "add_edge", "source": "DIP", "target": "hINT", "type": "BUILT_ON", "alt_group": "cms"},
    ]
    data = client.post("/api/v1/scenarios", json={"down": ["Enonic XP"], "edits": edits}).json()
    assert "dip" in data["diff"]["better"]
    assert data["diff"]["blast_radius"]["after"] <= data["diff"]["blast_radius"]["before"]


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        ({"down": ["hint"], "edits": [{**LETTERS, "target": "post", "type": "USES"}]}, 422, "invalid-edit"),
        ({"down": ["hint"], "edits": [{**LETTERS, "source": "frikortt"}]}, 404, "node-not-found"),
        ({"down": ["elsa"]}, 400, "ambiguous-name"),
        ({"down": []}, 422, "invalid-request"),
        ({"down": ["hint"], "edits": [{"op": "rename"}]}, 422, "invalid-request"),
        ({"down": ["hint"], "surprise": 1}, 422, "invalid-request"),
        ({"down": ["hint"], "edits": [{**LETTERS, "type": "LOVES"}]}, 422, "invalid-request"),
    ],
)
def test_scenario_errors_are_problems(client, body, status, kind):
    assert (
        problem(client.post("/api/v1/scenarios", json=body), status)["type"] == f"urn:eagraph:problem:{kind}"
    )


def test_a_scenario_body_that_is_not_json_is_a_422_problem(client):
    response = client.post(
        "/api/v1/scenarios", content=b"{not json", headers={"content-type": "application/json"}
    )
    problem(response, 422)


def test_a_body_over_the_limit_is_refused_with_413(client):
    huge = {"down": ["hint"], "edits": [{**LETTERS, "evidence": "x" * 70_000}]}
    body = problem(client.post("/api/v1/scenarios", json=huge), 413)
    assert "larger than" in body["detail"]


def test_a_streamed_body_over_the_limit_is_refused_with_413(client):
    def chunks():
        yield b'{"down": ["hint"], "pad": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    problem(
        client.post("/api/v1/scenarios", content=chunks(), headers={"content-type": "application/json"}), 413
    )


def test_a_large_impact_comes_a_page_at_a_time(client):
    wide = {"down": "hint", "min_confidence": "inferred"}  # the wide answer: enough nodes to page through
    whole = client.get("/api/v1/impact", params=wide).json()
    page = client.get("/api/v1/impact", params={**wide, "limit": 5, "offset": 3}).json()
    assert (page["total"], page["offset"], page["limit"]) == (whole["total"], 3, 5) and whole["total"] > 8
    assert page["impacted"] == whole["impacted"][3:8]
    assert page["summary"] == whole["summary"] and len(page["actors"]) <= 5
    again = client.get("/api/v1/impact", params={**wide, "limit": 5, "offset": 3})
    assert again.json() == page and again.headers["content-type"] == "application/json"
    assert problem(client.get("/api/v1/impact", params={"down": "hint", "limit": 0}), 422)
