"""The exports read by each ecosystem's own tools: pyArchimate, python-igraph, @backstage/catalog-model,
@mermaid-js/mermaid-cli with Debian's chromium.

``make test`` installs them all (``make interchange-deps``: the Python ones from requirements.lock, the Node
ones by ``npm ci`` into the repo's node_modules/, chromium from Debian). A missing tool skips its tests with
the command that installs it; under ``CI=true`` it fails them instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, ci

NODE_MODULES = REPO / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")


def need(ok: bool, what: str, install: str) -> None:
    """Skip (locally) or fail (under CI=true) when a tool is missing."""
    if ok:
        return
    message = f"{what} is missing: {install}"
    if ci():
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


def node() -> str:
    """The ``node`` executable, with the repo's Node packages installed."""
    path = shutil.which("node")
    need(path is not None, "node", "apt-get install nodejs npm")
    need((NODE_MODULES / "@backstage" / "catalog-model").is_dir(), "node_modules/", "make interchange-deps")
    assert path is not None
    return path
