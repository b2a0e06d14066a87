"""The changes view of the web explorer in Debian's headless chromium: two revisions picked, the diff drawn over
the graph and the impact delta beside it — each checked against GET /api/v1/diff.

The store holds two loads: the invented 2022 edition of the portfolio, then the seed with its overlay.
The screenshot goes to test-artifacts/ (git-ignored) and is copied to docs/img/diff-view.png.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from graph.store import MemoryStore
from loaders.interchange import load_any
from tests.app.conftest import settings
from tests.app.test_browser import ARTIFACTS, EVIL, SCRIPT, Visit, browser  # noqa: F401 (the fixture)
from tests.serving import Served

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def stored(*portfolios: Portfolio) -> MemoryStore:
    store = MemoryStore()
    for portfolio in portfolios:
        store.load(portfolio)
    return store


@pytest.fixture(scope="module")
def two_years() -> Iterator[Served]:
    old = load_any(REPO / "examples" / "hdir-systemportefolje-2022-oppdiktet.txt")
    new = load_any(None)  # the seed with its overlay
    with Served(create_app(settings(), store=stored(old, new))) as served:
        yield served


def api(served: Served, path: str, **params: str) -> Any:
    return httpx.get(f"{served.url}/api/v1/{path}", params=params, timeout=30).json()


def cells(page: Any) -> list[tuple[Any, ...]]:
    return page.eval_on_selector_all(
        "#radius tbody tr",
        """rows => rows.map(r => [r.dataset.id, r.querySelector('th').textContent,
            ...['before', 'after'].flatMap(c => [r.querySelector(`td.${c} .blast`).textContent,
                                                 r.querySelector(`td.${c} .split`).textContent]),
            r.querySelector('td.change .blast').textContent])""",
    )


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else f"−{-n}" if n < 0 else "±0"


def test_the_changes_since_2022_are_drawn_and_the_impact_delta_matches_the_api(
    browser: object,  # noqa: F811
    two_years: Served,
):
    revisions = api(two_years, "revisions")["items"]
    assert len(revisions) == 2 and revisions[0]["current"]
    old, now = revisions[1]["revision"], revisions[0]["revision"]
    visit = Visit(browser, two_years.url)
    page = visit.page
    page.click("#changes-toggle")
    page.wait_for_selector("#changes-body:not([hidden])")
    # the default: the revision before the current one, against the current one
    assert page.input_value("#diff-from") == old and page.input_value("#diff-to") == now
    assert page.is_visible("#legend .diff-key") and "view=changes" in page.url
    assert page.get_attribute("#changes", "data-from") == old

    diff = api(two_years, "diff", **{"from": old})
    drawing = api(two_years, "graph")
    expected = [
        (r["id"], r["name"], *(v for side in ("before", "after")
         for v in (str(r[side]["blast_radius"]), f"{r[side]['down']}\u00a0down · {r[side]['degraded']}\u00a0degraded")),
         signed(r["delta"]))
        for r in diff["impact"]["radius"]
    ]  # fmt: skip
    assert [tuple(row) for row in cells(page)] == expected and len(expected) > 3

    spof = diff["impact"]["single_points_of_failure"]
    assert (
        page.eval_on_selector_all("#spof li[data-state=new]", "l => l.map(e => e.dataset.ids)") == spof["new"]
    )
    assert (
        page.eval_on_selector_all("#spof li[data-state=gone]", "l => l.map(e => e.dataset.ids)")
        == spof["gone"]
    )
    assert spof["new"] == ["hint"] and "minid" in spof["gone"]
    assert diff["impact"]["fatal_pairs"]["new"] == [["helseid", "minid"]]
    assert page.text_content("#pairs li[data-state=new] .names") == "HelseID + MinID"

    edges = diff["edges"]
    for how in ("added", "removed", "changed"):
        assert visit.count(f"#edges-{how} > li.diff-edge") == len(edges[how]) > 0, how
    # every added edge is one of the drawing's own paths, painted; a removed one is drawn dashed between boxes
    boxes = {n["id"] for n in drawing["nodes"]}
    added_paths = {(e["source"], e["target"]) for e in edges["added"]}
    assert visit.count("#graph-svg .edge.diff-added") == len(added_paths)
    drawable = [e for e in edges["removed"] if e["source"] in boxes and e["target"] in boxes]
    assert visit.count("#graph-svg .diff-removed") == len(drawable)
    assert visit.count("#edges-removed > li[data-drawn=true]") == len(drawable)
    assert visit.count("#edges-removed > li[data-drawn=false]") == len(edges["removed"]) - len(drawable)
    assert visit.count("#graph-svg .node.diff-added") == len(diff["nodes"]["added"])
    changed_paths = {(c["source"], c["target"]) for c in edges["changed"]} - added_paths
    assert visit.count("#graph-svg .edge.diff-changed") == len(changed_paths)
    # a changed edge says each field before and after, and both sentences when the sentence changed
    letters = "#edges-changed li[data-source=frikort-brevmodul][data-target=post]"
    assert page.text_content(f"{letters} .fields") == "alt_group: none → frikort-brevmodul/via-channel"
    assert page.text_content(f"{letters} .evidence.before q") == "Innbyggere mottar brev i posten."
    assert visit.count("#edges-added q.evidence") == len(edges["added"])

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "diff-view.png"))
    (REPO / "docs" / "img").mkdir(exist_ok=True)
    shutil.copyfile(ARTIFACTS / "diff-view.png", REPO / "docs" / "img" / "diff-view.png")

    # the other way round: the drawing is the old revision's, and what was added is now removed
    page.select_option("#diff-to", old)
    page.select_option("#diff-from", now)
    page.wait_for_selector(f"#changes[data-from='{now}'][data-to='{old}']:not([aria-busy])")
    assert visit.count("#graph-svg .node") == revisions[1]["nodes"]
    assert visit.count("#edges-removed > li.diff-edge") == len(edges["added"])
    page.click("#changes-toggle")  # closed: the current graph again, unmarked
    page.wait_for_selector("#intro:not([hidden])")
    page.wait_for_function(
        "n => document.querySelectorAll('#graph-svg .node').length === n", arg=revisions[0]["nodes"]
    )
    assert visit.count("#graph-svg.diff, #graph-svg .diff-removed") == 0
    assert not visit.errors and not visit.foreign
    page.close()


def test_with_one_revision_kept_the_changes_view_says_there_is_nothing_to_compare(browser: object):  # noqa: F811
    with Served(create_app(settings(), store=stored(load_any(None)))) as served:
        visit = Visit(browser, served.url)
        page = visit.page
        page.click("#changes-toggle")
        page.wait_for_function(
            "() => document.querySelector('#changes-note').textContent.includes('nothing to compare')"
        )
        assert page.is_disabled("#diff-from") and page.is_disabled("#diff-to")
        assert page.is_hidden("#changes-body")
        assert not visit.errors and not visit.foreign
        page.close()


def test_names_and_evidence_containing_markup_are_shown_as_text_in_the_changes(browser: object):  # noqa: F811
    nodes = (Node("evil", EVIL, NodeKind.SYSTEM), Node("base", f"Base {SCRIPT}", NodeKind.SYSTEM))
    before = Portfolio(
        "evil.txt", nodes, (Edge("evil", "base", RelType.USES, f"It says {SCRIPT} here.", line=1),)
    )
    after = Portfolio(
        "evil.txt",
        (*nodes, Node("new", f"New {EVIL}", NodeKind.SYSTEM)),
        (Edge("new", "base", RelType.USES, f"Now {EVIL} too.", line=2),),
    )
    with Served(create_app(settings(), store=stored(before, after))) as served:
        visit = Visit(browser, served.url)
        page = visit.page
        page.click("#changes-toggle")
        page.wait_for_selector("#edges-removed li[data-source=evil]")
        assert page.evaluate("window.__pwned") is None
        assert visit.count("#panel img, #graph img, #panel script") == 0
        assert f"It says {SCRIPT} here." in page.text_content("#edges-removed")
        assert f"Now {EVIL} too." in page.text_content("#edges-added")
        assert f"New {EVIL}" in page.text_content("#diff-nodes")
        assert not visit.errors and not visit.foreign
        page.close()
