"""The Mermaid export rendered by @mermaid-js/mermaid-cli (mmdc) in Debian's chromium: it parses, and the
drawing has every node with its kind's class and every edge. No browser is downloaded: puppeteer is told
to use /usr/bin/chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from graph.exports.mermaid import mermaid_id, to_mermaid
from graph.model import Node, NodeKind, Portfolio
from loaders import load_portfolio
from tests.conftest import FIXTURES, REPO
from tests.interchange.conftest import CHROMIUM, NODE_MODULES, need, node

MMDC = NODE_MODULES / "@mermaid-js" / "mermaid-cli" / "src" / "cli.js"
SEED = load_portfolio()


def _render(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = node()
    need(MMDC.is_file(), "@mermaid-js/mermaid-cli", "make interchange-deps")
    need(CHROMIUM.exists(), str(CHROMIUM), "make browser-deps (apt-get install chromium)")
    config = tmp_path / "puppeteer.json"
    config.write_text(
        json.dumps({"executablePath": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu"]}),
        encoding="utf-8",
    )
    source = tmp_path / "graph.mmd"
    source.write_text(text, encoding="utf-8")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1", "HOME": str(tmp_path)}
    return subprocess.run(
        [runtime, str(MMDC), "-i", str(source), "-o", str(tmp_path / "graph.svg"), "-p", str(config), "-q"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("portfolio", [SEED, load_portfolio(FIXTURES / "kommune-portefolje.txt")])
def test_mermaid_cli_renders_every_node_with_its_kind_and_every_edge(
    portfolio: Portfolio, tmp_path: Path
) -> None:
    done = _render(to_mermaid(portfolio), tmp_path)
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    drawn = {
        mid: kind
        for kind, mid in re.findall(r'<g class="node default (\w+)" id="my-svg-flowchart-(\w+)-\d+"', svg)
    }
    assert drawn == {mermaid_id(n.id): n.kind.value for n in portfolio.nodes}
    assert svg.count('data-edge="true"') == len(portfolio.edges)


def test_mermaid_cli_refuses_a_broken_diagram_so_the_check_is_real(tmp_path: Path) -> None:
    done = _render('flowchart LR\n    a["A"] -->|USES\n', tmp_path)
    assert done.returncode != 0 and "Parse error" in done.stderr


def test_labels_with_quotes_and_markup_render_as_their_text(tmp_path: Path) -> None:
    p = Portfolio(
        "t", (Node("end", 'Evil"] --> x[<b>#', NodeKind.SYSTEM), Node("o", "Æ & Ø", NodeKind.ACTOR)), ()
    )
    done = _render(to_mermaid(p), tmp_path)
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert "<b>" not in svg and "Æ &amp; Ø" in svg
