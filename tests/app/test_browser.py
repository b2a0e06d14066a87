"""The web explorer in Debian's headless chromium, driven by Playwright, against uvicorn on a loopback port.

Never downloads a browser: the test uses /usr/bin/chromium, and skips when it is missing (fails under CI,
where the Makefile installs it). Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.main import create_app
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from tests.app.conftest import seeded, settings
from tests.serving import Served

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(seed: Portfolio) -> Iterator[Served]:
    with Served(create_app(settings(), store=seeded(seed))) as s:
        yield s


class Visit:
    """A page that may only talk to the server under test; it records anything else and page errors."""

    def __init__(self, browser: object, base: str) -> None:
        self.page = browser.new_page(viewport={"width": 1600, "height": 1000})  # type: ignore[attr-defined]
        self.foreign: list[str] = []
        self.errors: list[str] = []
        origin = urlsplit(base).netloc

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if urlsplit(url).netloc == origin or url.startswith("data:"):
                route.continue_()  # type: ignore[attr-defined]
            else:
                self.foreign.append(url)
                route.abort()  # type: ignore[attr-defined]

        self.page.route("**/*", guard)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(base + "/")
        self.page.wait_for_selector("body[data-ready=true]", timeout=20_000)

    def count(self, selector: str) -> int:
        return int(self.page.locator(selector).count())


@pytest.fixture
def visit(browser: object, served: Served) -> Iterator[Visit]:
    v = Visit(browser, served.url)
    yield v
    v.page.close()


def test_marking_hint_down_highlights_as_many_nodes_as_the_api_impacts(visit: Visit, served: Served):
    page = visit.page
    page.fill("#q", "hINT")
    page.wait_for_selector("#suggestions li[data-id=hint]")
    page.click("#suggestions li[data-id=hint]")
    page.wait_for_selector("#result:not([hidden])")
    page.wait_for_selector("#graph-svg.impact")

    api = httpx.get(f"{served.url}/api/v1/impact", params={"down": "hint"}).json()
    highlighted = sum(visit.count(f"#graph-svg .node.{s}") for s in ("down", "degraded", "delayed"))
    assert highlighted == api["summary"]["impacted"] == len(api["impacted"]) > 0
    # the blanket inferences ("Benyttes av fagsystemer internt") are listed apart, not painted
    assert visit.count("#possible > li") == len(api["possible"]) > 0
    assert visit.count("#graph-svg .node.failed") == 1
    assert page.get_attribute("#graph-svg .node[data-id=hint]", "data-state") == "failed"
    assert visit.count("#impacted > li") == len(api["impacted"])
    assert visit.count("#impacted q.evidence") == len(api["impacted"])  # one sentence per impacted node
    assert page.locator(".chip[data-id=hint]").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-hint-down.png"))

    dip = max(api["impacted"], key=lambda i: len(i["hops"]))  # the longest path the view explains
    page.click(f"#impacted li[data-id={dip['id']}]")
    page.wait_for_selector("#path-view:not([hidden])")
    assert visit.count("#path-hops > li q.evidence") == len(dip["hops"])
    assert page.text_content("#path-hops") and dip["hops"][0]["evidence"] in page.text_content("#path-hops")
    assert visit.count("#graph-svg .node.on-path") == len(dip["path"])
    page.screenshot(path=str(ARTIFACTS / "explorer-path-view.png"))
    assert not visit.errors and not visit.foreign


def test_each_user_loses_capabilities_and_every_hop_is_one_click_away(visit: Visit, served: Served):
    page = visit.page
    page.goto(f"{served.url}/?a#down=tjenesteportal-for-helseaktor")  # a new query: a fresh page
    page.wait_for_selector("#actors li")
    losses = " ".join(page.text_content("#actors").split())
    assert "cannot se og vedlikeholde praksisinformasjon via Praksisinfo" in losses
    assert visit.count("#actors .badge.down") >= 1 and "down for them" in losses
    page.goto(f"{served.url}/?b#down=enonic-xp")
    page.wait_for_selector("#impacted details.hops-all")
    api = httpx.get(f"{served.url}/api/v1/impact", params={"down": "enonic-xp"}).json()
    longest = max(api["impacted"], key=lambda i: len(i["hops"]))
    item = f"#impacted li[data-id={longest['id']}]"
    assert not page.is_visible(f"{item} details.hops-all ol")  # collapsed by default
    page.click(f"{item} details.hops-all summary")
    assert visit.count(f"{item} details.hops-all ol q.evidence") == len(longest["hops"]) > 1
    page.goto(f"{served.url}/?c#down=nav-tjenester")
    page.wait_for_selector("#graph-svg.impact")
    assert page.get_attribute("#graph-svg .node[data-id=frikort-brevmodul]", "data-state") == "delayed"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-delayed.png"))
    assert not visit.errors and not visit.foreign


def test_clicking_a_box_marks_it_down_and_clicking_again_brings_it_back(visit: Visit):
    page = visit.page
    page.click("#graph-svg .node[data-id=enonic-xp]")
    page.wait_for_selector("#graph-svg.impact")
    assert visit.count("#graph-svg .node.down") == 5  # DIP and the four sites hosted on it
    assert "enonic-xp" in page.url  # the state is in the address, to share it
    page.click("#graph-svg .node[data-id=enonic-xp]")
    page.wait_for_selector("#intro:not([hidden])")
    assert visit.count("#graph-svg .node.down, #graph-svg .node.degraded, #graph-svg .node.failed") == 0
    assert not visit.errors


def test_the_page_and_the_api_docs_fetch_nothing_from_outside(visit: Visit, served: Served):
    page = visit.page
    page.goto(served.url + "/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert visit.count(".opblock") >= 14
    assert not visit.foreign and not visit.errors


EVIL = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "<script>window.__pwned=1</script>"


def test_names_and_evidence_containing_markup_are_shown_as_text(browser: object):
    portfolio = Portfolio(
        "evil.txt",
        (Node("evil", EVIL, NodeKind.SYSTEM), Node("base", f"Base {SCRIPT}", NodeKind.SYSTEM)),
        (Edge("evil", "base", RelType.USES, f"It says {SCRIPT} here.", line=1),),
    )
    with Served(create_app(settings(), store=seeded(portfolio))) as served:
        visit = Visit(browser, served.url)
        page = visit.page
        page.click("#graph-svg .node[data-id=base]")
        page.wait_for_selector("#impacted li[data-id=evil]")
        assert page.evaluate("window.__pwned") is None
        assert visit.count("#panel img, #graph img, #panel script") == 0
        assert SCRIPT in page.text_content("#impacted")
        assert EVIL in page.text_content("#impacted")
        page.close()


def test_with_two_sources_the_page_fades_what_a_source_does_not_describe_and_says_when_an_answer_crosses(
    browser: object,
):
    from loaders.interchange import load_any

    merged = load_any(Path(__file__).resolve().parents[2] / "examples" / "portfolio.yaml")
    with Served(create_app(settings(), store=seeded(merged))) as served:
        visit = Visit(browser, served.url)
        page = visit.page
        page.wait_for_selector("#source-filter:not([hidden])")
        page.select_option("#source", "nhn")
        page.wait_for_selector("#graph-svg .node.other-source")
        nhn = {n.id for n in merged.nodes if "nhn" in n.sources}
        faded = {e.get_attribute("data-id") for e in page.query_selector_all("#graph-svg .node.other-source")}
        assert faded == {n.id for n in merged.nodes} - nhn
        page.click("#graph-svg .node[data-id=id-porten]")  # the second portfolio's login service
        page.wait_for_selector("#impacted li[data-id=flo]")
        api = httpx.get(f"{served.url}/api/v1/impact", params={"down": "id-porten"}).json()
        crossing = [i for i in api["impacted"] if len(i["documents"]) > 1]
        assert crossing and visit.count("#impacted .crosses") == len(crossing)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer-two-sources.png"))
        assert not visit.errors and not visit.foreign
        page.close()
