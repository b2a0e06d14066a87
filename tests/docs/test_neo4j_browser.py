"""Neo4j Browser in headless Debian chromium: connect, drop the style sheet, run a saved query, see a graph.

The screenshot lands in test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from graph.model import Portfolio, to_networkx
from graph.neo4j_store import Neo4jStore
from tests.conftest import REPO, Neo4jServer, ci

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CYPHER = REPO / "docs" / "cypher"
ARTIFACTS = REPO / "test-artifacts"
INTEGRATION_COLOUR = "#F79767"  # node.Integration in eagraph.grass


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """Debian's chromium (never a downloaded build) with a fresh profile."""
    if not shutil.which(CHROMIUM):
        if ci():
            pytest.fail(f"CI=true needs {CHROMIUM}: `make browser-deps` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed; `make browser-deps` installs it")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            tmp_path / "profile",  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


def run_in_editor(page: Page, text: str) -> None:
    page.get_by_test_id("activeEditor").click()
    page.keyboard.insert_text(text)
    page.get_by_test_id("editor-Run").click()


def drop_file(page: Page, path: Path) -> None:
    """What a person does by dragging a file onto Browser."""
    transfer = page.evaluate_handle(
        "([name, text]) => { const t = new DataTransfer(); t.items.add(new File([text], name)); return t; }",
        [path.name, path.read_text(encoding="utf-8")],
    )
    for event in ("dragenter", "dragover", "drop"):
        page.get_by_test_id("main").dispatch_event(event, {"dataTransfer": transfer})


def test_browser_shows_what_breaks_if_hint_is_down_as_a_styled_graph(
    browser: BrowserContext, neo4j_server: Neo4jServer, neo4j_store: Neo4jStore, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    http_port = os.environ.get("NEO4J_HTTP_PORT", "7474")
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{http_port}/browser/?dbms={neo4j_server.uri}")

    page.get_by_test_id("username").fill(neo4j_server.user)
    page.get_by_test_id("password").fill(neo4j_server.password)
    page.get_by_test_id("connect").click()
    page.get_by_text("You are connected as user").wait_for(timeout=60_000)

    drop_file(page, CYPHER / "eagraph.grass")
    run_in_editor(page, (CYPHER / "01-what-breaks-if-hint-is-down.cypher").read_text(encoding="utf-8"))
    page.locator("g.node").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2_000)  # let the force layout settle before the picture

    frame = page.get_by_test_id("frame").first
    ARTIFACTS.mkdir(exist_ok=True)
    frame.screenshot(path=ARTIFACTS / "neo4j-browser-hint-impact.png")

    G = to_networkx(seed)  # the query follows stated and curated edges, as the default answer does
    curated = nx.subgraph_view(G, filter_edge=lambda u, v, k: G.edges[u, v, k]["confidence"] != "inferred")
    expected = len(nx.ancestors(curated, "hint")) + 1  # the impacted, and hINT itself
    assert page.locator("g.node").count() == expected
    assert (
        page.get_by_test_id("property-details-overview-node-label-Node").inner_text() == f"Node ({expected})"
    )
    fills = page.locator("g.node circle.b-outline").evaluate_all("cs => cs.map(c => c.getAttribute('fill'))")
    assert INTEGRATION_COLOUR in fills  # the dropped style sheet is in force
    captions = page.locator("g.node").all_text_contents()
    # captioned by name: "Felles kontaktregister (FKR)" (Browser shortens a long caption to fit its circle)
    assert any("Felles" in c for c in captions)
