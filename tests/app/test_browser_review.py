"""The review view of the web explorer in Debian's headless chromium: the queue, a decision with its reason
and impact preview, the history and a revert — each checked against the API.

A curator key for "kari" is made in a temporary keys file; the page asks for it once (window.prompt), which
the test answers. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.keys import KeysFile
from app.main import create_app
from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength
from loaders import load_portfolio
from tests.app.conftest import seeded, settings
from tests.app.test_browser import ARTIFACTS, EVIL, SCRIPT, Visit, browser  # noqa: F401 (the fixture)
from tests.serving import Served

pytestmark = pytest.mark.browser

EDGE = {"source": "besta", "target": "hint", "type": "INTEGRATES_VIA"}
ITEM = "#review-list li.review-item[data-source=besta][data-target=hint]"
REASON = "BESTA has no integration through hINT (asked the system owner)."
UNDO = "The owner was wrong: BESTA does use hINT."


def keyed(tmp: Path, role: str, portfolio: Portfolio | None = None) -> tuple[Served, str]:
    path = tmp / "keys.json"
    secret = KeysFile(path).add("kari", role)[1]
    app = create_app(settings(keys_file=path), store=seeded(portfolio or load_portfolio()))
    return Served(app), secret


@pytest.fixture
def curator(tmp_path: Path) -> Iterator[tuple[Served, str]]:
    served, secret = keyed(tmp_path, "curator")
    with served:
        yield served, secret


def impacted_by_hint(served: Served) -> int:
    answer = httpx.get(f"{served.url}/api/v1/impact", params={"down": "hint", "min_confidence": "inferred"})
    return int(answer.json()["summary"]["impacted"])


def status_says(page: Any, *words: str) -> None:
    page.wait_for_function(
        "words => words.every(w => document.querySelector('#status').textContent.includes(w))",
        arg=list(words),
        timeout=30_000,
    )


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_rejecting_an_inferred_edge_shrinks_the_impact_of_hint_and_a_revert_brings_it_back(
    browser: object,  # noqa: F811
    curator: tuple[Served, str],
):
    served, secret = curator
    visit = Visit(browser, served.url)
    page = visit.page
    prompts: list[str] = []
    page.on("dialog", lambda d: (prompts.append(d.message), d.accept(secret)))

    page.select_option("#min-confidence", "inferred")  # "all, incl. inferred": the edge counts
    page.fill("#q", "hINT")
    page.click("#suggestions li[data-id=hint]")
    page.wait_for_selector("#result:not([hidden])")
    before = impacted_by_hint(served)
    assert visit.count("#impacted > li") == before == 15

    page.click("#review-toggle")
    page.wait_for_selector(ITEM)
    assert page.get_attribute("#review-toggle", "aria-pressed") == "true"
    assert page.is_hidden("#result") and page.is_visible("#review")
    queue = httpx.get(f"{served.url}/api/v1/review").json()
    assert visit.count("#review-list > li.review-item") == len(queue["items"]) == queue["total"]
    assert page.get_attribute("#review-impact", "data-impacted") == str(before)
    # each item: kind, blast radius, the proposed edge by name beside its sentence and where it is
    at = [i["edge"] for i in queue["items"]].index(EDGE)
    item = queue["items"][at]
    shown = " ".join(page.text_content(ITEM).split())
    assert "BESTA —INTEGRATES_VIA→ hINT" in shown and f"blast radius {item['blast_radius']}" in shown
    assert item["evidence"]["text"] in shown
    assert f"{item['evidence']['document']}, line {item['evidence']['line']}" in shown
    assert visit.count("#review-list .badge.finding") == sum(i["kind"] == "finding" for i in queue["items"])

    # j and k move the item the keys act on
    current = "#review-list li[aria-current=true]"
    first = queue["items"][0]["edge"]
    assert page.get_attribute(current, "data-key") == f"{first['source']} {first['type']} {first['target']}"
    for _ in range(at + 1):
        page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.get_attribute(current, "data-source") == "besta"
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "true"
    assert (
        visit.count("#graph-svg .edge.reviewed[data-source=besta][data-target=hint]") == 1
    )  # in the graph too
    shot(page, "review-queue.png")

    # r: the reject form, with the impact preview from /scenarios before anything is saved
    page.keyboard.press("r")
    preview = f"{ITEM} form.decide[data-action=reject] .preview[data-ready=true]"
    page.wait_for_selector(preview)
    scenario = httpx.post(
        f"{served.url}/api/v1/scenarios",
        json={"down": ["hint"], "edits": [{"op": "remove_edge", **EDGE}], "min_confidence": "inferred"},
    ).json()["diff"]["blast_radius"]
    assert page.get_attribute(preview, "data-before") == str(scenario["before"]) == str(before)
    assert page.get_attribute(preview, "data-after") == str(scenario["after"]) == str(before - 1)
    assert "without this edge" in page.text_content(preview)  # it says what it compares
    assert page.locator(f"{preview} .changes li[data-id=besta]").count() == 1

    # a reason is required: nothing is sent without one
    page.click(f"{ITEM} form.decide button[type=submit]")
    status_says(page, "reason is required")
    assert page.get_attribute(f"{ITEM} form.decide textarea", "aria-invalid") == "true"
    assert prompts == [] and httpx.get(f"{served.url}/api/v1/decisions").json()["items"] == []

    page.fill(f"{ITEM} form.decide textarea", REASON)
    shot(page, "review-preview.png")
    page.keyboard.press("Enter")
    status_says(page, "Saved", "answers now")
    assert len(prompts) == 1  # the key, asked once
    assert impacted_by_hint(served) == before - 1
    assert page.get_attribute("#review-impact", "data-impacted") == str(before - 1)
    assert visit.count("#impacted > li") == before - 1
    assert visit.count(ITEM) == 0  # settled: out of the queue
    assert page.get_attribute("#graph-svg .node[data-id=besta]", "data-state") == "ok"

    # the history of hINT: who, when, why, in force, with a revert button
    page.click("#review-impact button[data-node=hint]")
    entry = "#history-list li.decision[data-op='edges.remove']"
    page.wait_for_selector(entry)
    text = " ".join(page.text_content(entry).split())
    assert "kari" in text and REASON in text and "in force" in text and "BESTA —INTEGRATES_VIA→ hINT" in text
    (decision,) = httpx.get(f"{served.url}/api/v1/history", params=EDGE).json()["items"]
    assert decision["author"] == "kari" and decision["reason"] == REASON and decision["active"]
    assert page.get_attribute(entry, "data-id") == decision["id"]
    shot(page, "review-history.png")

    page.click(f"{entry} button.revert")
    page.fill(f"{entry} form.decide textarea", "")
    page.click(f"{entry} form.decide button[type=submit]")
    status_says(page, "reason is required")
    page.fill(f"{entry} form.decide textarea", UNDO)
    page.click(f"{entry} form.decide button[type=submit]")
    status_says(page, "revert of edges.remove", "answers now")
    assert impacted_by_hint(served) == before
    assert page.get_attribute("#review-impact", "data-impacted") == str(before)
    assert visit.count("#impacted > li") == before
    assert visit.count(ITEM) == 1  # back in the queue
    assert page.get_attribute(f"{entry} .badge", "class") == "badge undone"
    revert = " ".join(page.text_content("#history-list li.decision[data-op=revert]").split())
    assert "kari" in revert and UNDO in revert and "undoes edges.remove BESTA" in revert
    history = httpx.get(f"{served.url}/api/v1/history", params=EDGE).json()["items"]
    assert [(d["op"], d["active"]) for d in history] == [("edges.remove", False), ("revert", True)]
    assert len(prompts) == 1
    assert not visit.errors and not visit.foreign
    page.close()


def test_accept_previews_the_default_answer_with_the_edge_curated_and_edit_sends_only_what_changed(
    browser: object,  # noqa: F811
    curator: tuple[Served, str],
):
    served, secret = curator
    visit = Visit(browser, served.url)
    page = visit.page
    page.on("dialog", lambda d: d.accept(secret))
    page.goto(f"{served.url}/?a#down=hint&view=review")
    page.wait_for_selector(ITEM)
    page.click(f"{ITEM} .proposal")
    page.click(f"{ITEM} button[data-action=accept]")
    preview = f"{ITEM} form.decide[data-action=accept] .preview[data-ready=true]"
    page.wait_for_selector(preview)
    # the default answer (stated and curated edges) now, and with the edge counted as curated
    now = httpx.get(f"{served.url}/api/v1/impact", params={"down": "hint"}).json()
    assert page.get_attribute(preview, "data-before") == str(now["summary"]["impacted"]) == "2"
    assert page.get_attribute(preview, "data-after") == "3"  # BESTA: its soft edge kept soft
    assert page.locator(f"{preview} .changes li[data-id=besta] .badge.degraded").count() == 1
    assert "accepted as curated" in page.text_content(preview)
    page.keyboard.press("Escape")
    assert visit.count("form.decide") == 0

    page.keyboard.press("e")
    form = f"{ITEM} form.decide[data-action=edit]"
    page.wait_for_selector(f"{form} .now:has-text('Now: soft')")
    page.select_option(f"{form} select", "hard")
    page.wait_for_selector(f"{form} .preview[data-ready=true][data-after]")
    assert page.locator(f"{form} .preview .changes li[data-id=besta] .badge.down").count() == 1
    page.fill(f"{form} textarea", "BESTA stops without hINT.")
    page.keyboard.press("Enter")
    status_says(page, "Saved", "edges.update", "answers now")
    (decision,) = httpx.get(f"{served.url}/api/v1/decisions").json()["items"]
    assert decision["op"] == "edges.update" and decision["item"] == {**EDGE, "strength": "hard"}
    assert not visit.errors and not visit.foreign
    page.close()


def test_a_refused_decision_says_why_in_the_status_line_and_keeps_the_form(browser: object, tmp_path: Path):  # noqa: F811
    served, secret = keyed(tmp_path, "reader")
    with served:
        visit = Visit(browser, served.url)
        page = visit.page
        page.on("dialog", lambda d: d.accept(secret))
        page.click("#review-toggle")
        page.wait_for_selector("#review-list li[aria-current=true]")
        page.keyboard.press("d")  # an edge: nothing to dismiss
        status_says(page, "does not apply to this item")
        page.keyboard.press("r")
        page.fill("#review-list li[aria-current=true] form.decide textarea", "Not a curator.")
        page.keyboard.press("Enter")
        status_says(page, "Not saved", "curator")  # the 403's detail
        assert page.get_attribute("#status", "data-tone") == "error"
        assert visit.count("#review-list form.decide") == 1
        assert httpx.get(f"{served.url}/api/v1/decisions").json()["items"] == []
        assert not visit.foreign
        assert all("403" in e for e in visit.errors), visit.errors  # chromium logs the refused request
        page.close()


def test_names_and_evidence_in_the_queue_containing_markup_are_shown_as_text(browser: object):  # noqa: F811
    portfolio = Portfolio(
        "evil.txt",
        (Node("evil", EVIL, NodeKind.SYSTEM), Node("base", f"Base {SCRIPT}", NodeKind.SYSTEM)),
        (
            Edge(
                "evil",
                "base",
                RelType.USES,
                f"It says {SCRIPT} here.",
                Confidence.INFERRED,
                Strength.SOFT,
                document=f"{EVIL}.txt",
                line=1,
            ),
        ),
    )
    with Served(create_app(settings(), store=seeded(portfolio))) as served:
        visit = Visit(browser, served.url)
        page = visit.page
        page.click("#review-toggle")
        page.wait_for_selector("#review-list li[data-source=evil]")
        page.keyboard.press("r")
        page.wait_for_selector("#review-list .preview[data-ready=true]")
        assert page.evaluate("window.__pwned") is None
        assert visit.count("#panel img, #panel script") == 0
        shown = page.text_content("#review-list")
        assert SCRIPT in shown and EVIL in shown and f"{EVIL}.txt, line 1" in shown
        assert not visit.errors and not visit.foreign
        page.close()
