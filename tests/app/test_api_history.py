"""`/revisions`, reads as of a kept revision, and `/diff` between two of them."""

from __future__ import annotations

from pathlib import Path

from app.main import create_app
from graph.store import MemoryStore
from loaders.interchange import load_any
from tests.app.conftest import problem, settings, started

EARLIER = Path(__file__).resolve().parents[2] / "examples" / "hdir-systemportefolje-2022-oppdiktet.txt"


def test_revisions_are_listed_and_read_as_of_one_and_diffed_and_a_dropped_one_is_404():
    store = MemoryStore(revisions_kept=2)
    oldest, old, new = load_any(EARLIER).with_(notes=("x",)), load_any(EARLIER), load_any(None)
    oldest = oldest.with_(edges=oldest.edges[:-1])
    for p in (oldest, old, new):
        store.load(p)
    with started(create_app(settings(), store=store), raise_server_exceptions=False) as api:
        listed = api.get("/api/v1/revisions").json()["items"]
        assert [(r["revision"], r["current"]) for r in listed] == [
            (new.revision, True),
            (old.revision, False),
        ]
        as_of = api.get("/api/v1/impact", params={"down": "minid", "revision": old.revision}).json()
        now = api.get("/api/v1/impact", params={"down": "minid"}).json()
        assert as_of["revision"] == old.revision and now["revision"] == new.revision
        assert as_of["summary"]["by_state"]["down"] == 1 and now["summary"]["by_state"]["down"] == 0
        d = api.get("/api/v1/diff", params={"from": old.revision}).json()
        assert (d["from"], d["to"]) == (old.revision, new.revision)
        assert d["impact"]["fatal_pairs"]["new"] == [["helseid", "minid"]]
        assert "minid" in d["impact"]["single_points_of_failure"]["gone"]
        body = problem(api.get("/api/v1/nodes", params={"revision": oldest.revision}), 404)
        assert body["type"].endswith("revision-not-found")
        problem(api.get("/api/v1/diff", params={"from": oldest.revision}), 404)
