"""Curation over HTTP: every operation, signed by the key's name with a required reason; reverts; roles;
stale decisions and the review queue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.keys import KeysFile
from app.main import create_app
from graph.model import Portfolio
from graph.store import MemoryStore
from loaders.curation import load_whole
from tests.app.conftest import problem, settings, started


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("keys") / "keys.json"
    f = KeysFile(path)
    return {
        "path": path,
        "curator": f.add("kari", "curator")[1],
        "reader": f.add("per", "reader")[1],
        "admin": f.add("ops", "admin")[1],
    }


@pytest.fixture
def api(seed: Portfolio, keys: dict[str, Any]) -> Iterator[TestClient]:
    store = MemoryStore()
    store.load(seed)
    with started(
        create_app(settings(keys_file=keys["path"]), store=store), raise_server_exceptions=False
    ) as c:
        yield c


def _as(keys: dict[str, Any], role: str) -> dict[str, str]:
    return {"X-API-Key": keys[role]}


def _decide(
    api: TestClient,
    keys: dict[str, Any],
    op: str,
    item: dict[str, Any],
    reason: str = "Checked with the owner.",
) -> Any:
    return api.post(
        "/api/v1/decisions", json={"op": op, "item": item, "reason": reason}, headers=_as(keys, "curator")
    )


def _settled(api: TestClient) -> None:
    assert api.app.state.service.wait_idle(60)  # type: ignore[attr-defined]


def _impacted(api: TestClient, down: str = "hint") -> set[str]:
    return {i["id"] for i in api.get("/api/v1/impact", params={"down": down}).json()["impacted"]}


INFERRED = {"source": "praksisinfo", "target": "hint", "type": "INTEGRATES_VIA"}


@pytest.mark.parametrize(
    ("op", "item", "check"),
    [
        ("edges.remove", {"source": "hAPI", "target": "hINT", "type": "PART_OF"},
         lambda api: "hapi" not in _impacted(api)),
        ("edges.accept", INFERRED, lambda api: "praksisinfo" in _impacted(api)),
        ("edges.add", {"source": "snakk-om-forbedring", "target": "hint", "type": "INTEGRATES_VIA"},
         lambda api: "snakk-om-forbedring" in _impacted(api)),
        ("edges.update", {"source": "praksisinfo", "target": "tjenesteportal-for-helseaktor", "type": "ACCESSED_VIA",
                          "strength": "soft"},
         lambda api: api.get("/api/v1/nodes/praksisinfo").status_code == 200),
        ("nodes.update", {"id": "FKR", "owner": "Helfo"}, lambda api: api.get("/api/v1/nodes/fkr").json()["owner"] == "Helfo"),
        ("nodes.add", {"id": "ny-tjeneste", "name": "Ny tjeneste", "kind": "system"},
         lambda api: api.get("/api/v1/nodes/ny-tjeneste").status_code == 200),
        ("nodes.remove", {"id": "snakk-om-forbedring"}, lambda api: api.get("/api/v1/nodes/snakk-om-forbedring").status_code == 404),
        ("nodes.merge", {"id": "hapi", "into": "hint"},
         lambda api: api.get("/api/v1/nodes/hapi").json()["id"] == "hint"),  # the old name is an alias now
        ("findings.dismiss", {"code": "no-relations"},
         lambda api: "no-relations" not in {f["code"] for f in api.get("/api/v1/findings").json()["items"]}),
    ],
)  # fmt: skip
def test_every_operation_changes_what_the_api_answers_and_is_signed_by_the_key(api, keys, op, item, check):
    res = _decide(api, keys, op, item)
    assert res.status_code == 201, res.text
    made = res.json()["decision"]
    assert (made["op"], made["author"], made["reason"], made["active"]) == (
        op,
        "kari",
        "Checked with the owner.",
        True,
    )
    _settled(api)
    assert api.get("/api/v1/impact", params={"down": "hint"}).json()["revision"] == res.json()["revision"]
    assert check(api)


def test_names_in_a_decision_are_resolved_to_ids(api, keys):
    res = _decide(api, keys, "edges.remove", {"source": "hAPI", "target": "hINT", "type": "PART_OF"})
    assert res.json()["decision"]["item"] == {"source": "hapi", "target": "hint", "type": "PART_OF"}


def test_a_reason_is_required_and_a_malformed_decision_is_422(api, keys):
    body = problem(
        api.post(
            "/api/v1/decisions",
            json={"op": "edges.remove", "item": INFERRED, "reason": ""},
            headers=_as(keys, "curator"),
        ),
        422,
    )
    assert "reason" in body["detail"]
    body = problem(_decide(api, keys, "edges.remove", {"source": "praksisinfo"}), 422)
    assert body["detail"] == "edges.remove needs target, type"
    assert api.get("/api/v1/decisions").json()["items"] == []


def test_a_decision_that_does_not_apply_is_409_and_changes_nothing(api, keys):
    before = api.get("/api/v1/impact", params={"down": "hint"}).json()["revision"]
    body = problem(
        _decide(api, keys, "edges.remove", {"source": "hint", "target": "praksisinfo", "type": "USES"}), 409
    )
    assert "does not apply" in body["detail"]
    assert api.get("/api/v1/decisions").json()["items"] == []
    assert api.get("/api/v1/impact", params={"down": "hint"}).json()["revision"] == before


def test_a_revert_restores_the_graph_and_the_history_shows_both(api, keys):
    before = _impacted(api)
    made = _decide(
        api,
        keys,
        "edges.remove",
        {"source": "hapi", "target": "hint", "type": "PART_OF"},
    ).json()
    _settled(api)
    assert _impacted(api) < before
    res = api.post(
        f"/api/v1/decisions/{made['decision']['id']}/revert",
        json={"reason": "The owner was wrong."},
        headers=_as(keys, "curator"),
    )
    assert res.status_code == 201 and res.json()["decision"]["reverts"] == made["decision"]["id"]
    _settled(api)
    assert _impacted(api) == before
    history = api.get("/api/v1/history", params={"node": "hAPI"}).json()["items"]
    assert [(h["op"], h["active"]) for h in history] == [("edges.remove", False), ("revert", True)]
    problem(
        api.post("/api/v1/decisions/d-nothere/revert", json={"reason": "x"}, headers=_as(keys, "curator")),
        404,
    )


def test_roles_reader_cannot_decide_curator_cannot_reload_and_no_key_is_401(api, keys):
    item = {"op": "edges.accept", "item": INFERRED, "reason": "x"}
    assert problem(api.post("/api/v1/decisions", json=item), 401)["status"] == 401
    assert problem(api.post("/api/v1/decisions", json=item, headers={"X-API-Key": "eag_wrong"}), 401)
    assert (
        "curator"
        in problem(api.post("/api/v1/decisions", json=item, headers=_as(keys, "reader")), 403)["detail"]
    )
    problem(api.post("/api/v1/admin/reload", headers=_as(keys, "curator")), 403)
    assert (
        api.post("/api/v1/decisions", json=item, headers=_as(keys, "admin")).json()["decision"]["author"]
        == "ops"
    )


def test_the_review_queue_ranks_by_blast_radius_and_offers_the_decisions_that_settle_each(api, keys):
    queue = api.get("/api/v1/review").json()
    items = queue["items"]
    assert queue["total"] >= len(items) > 0
    assert [i["blast_radius"] for i in items] == sorted((i["blast_radius"] for i in items), reverse=True)
    inferred = next(i for i in items if i["kind"] == "inferred-edge")
    assert {s["op"] for s in inferred["settle"]} == {"edges.accept", "edges.remove"}
    assert inferred["evidence"]["text"] and inferred["evidence"]["line"]
    settle = inferred["settle"][0]
    assert _decide(api, keys, settle["op"], settle["item"]).status_code == 201
    _settled(api)
    assert inferred["edge"] not in [
        i["edge"] for i in api.get("/api/v1/review", params={"limit": 1000}).json()["items"]
    ]


def test_a_decision_left_behind_by_a_new_document_is_stale_and_in_the_queue(seed: Portfolio, keys):
    store = MemoryStore()
    store.load(seed)
    with started(
        create_app(settings(keys_file=keys["path"]), store=store), raise_server_exceptions=False
    ) as api:
        edge = {"source": "hapi", "target": "hint", "type": "PART_OF"}
        assert _decide(api, keys, "edges.remove", edge).status_code == 201
        newer = seed.with_(edges=tuple(e for e in seed.edges if e.key != ("hapi", "hint", "PART_OF")))
        store.update(load_whole(newer))
        api.app.state.service._builder.ask()  # type: ignore[attr-defined]
        _settled(api)
        stale = [
            i
            for i in api.get("/api/v1/review", params={"limit": 1000}).json()["items"]
            if i["code"] == "stale-decision"
        ]
        assert len(stale) == 1 and "kari" in stale[0]["message"]
        assert api.get("/api/v1/decisions").json()["items"][0]["active"] is True  # kept, not dropped


def test_decisions_in_the_memory_store_are_kept_in_a_file_beside_the_portfolio(tmp_path: Path, keys):
    doc = tmp_path / "portefolje.txt"
    doc.write_text(
        "System  Beskrivelse\n\nAlfa Saksbehandlingssystem. Benyttes av Helfo, via Beta.\n\n"
        "Beta Portal for saksbehandlere.\n",
        encoding="utf-8",
    )
    app = create_app(settings(keys_file=keys["path"], portfolio=str(doc)))
    with started(app, raise_server_exceptions=False) as api:
        edges = api.get("/api/v1/graph").json()["edges"]
        first = edges[0]
        res = _decide(
            api,
            keys,
            "edges.remove",
            {"source": first["source"], "target": first["target"], "type": first["types"][0]},
        )
        assert res.status_code == 201, res.text
    kept = (tmp_path / "portefolje.decisions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(kept) == 1 and '"author": "kari"' in kept[0]
    with started(
        create_app(settings(keys_file=keys["path"], portfolio=str(doc))), raise_server_exceptions=False
    ) as again:
        assert len(again.get("/api/v1/graph").json()["edges"]) == len(edges) - 1  # applied again on start


def test_with_read_keys_on_the_queue_and_history_need_a_reader_key_too(seed: Portfolio, keys):
    store = MemoryStore()
    store.load(seed)
    app = create_app(settings(keys_file=keys["path"], read_api_key=True), store=store)
    with started(app, raise_server_exceptions=False) as api:
        for path in ("/api/v1/review", "/api/v1/decisions", "/api/v1/history?node=hint"):
            problem(api.get(path), 401)
            assert api.get(path, headers=_as(keys, "reader")).status_code == 200, path
