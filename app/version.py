"""``eagraph --version``: the package, the git commit when run from a checkout, and what it runs on."""

from __future__ import annotations

import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def git_commit(root: Path = CHECKOUT) -> str | None:
    """The checkout's commit (short, ``+dirty`` when changed), or None outside a git checkout."""
    if not (root / ".git").exists():
        return None
    try:
        run = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty=+dirty", "--abbrev=12"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout.strip() or None


def version_text() -> str:
    """One line per part, ``name version``; the first is eagraph's own.

    >>> version_text().splitlines()[0].startswith("eagraph ")
    True
    """
    commit = git_commit()
    lines = [
        f"eagraph {_version('eagraph')}" + (f" (commit {commit})" if commit else ""),
        f"python {platform.python_version()}",
        f"networkx {_version('networkx')}",
        f"neo4j-driver {_version('neo4j')}",
    ]
    return "\n".join(lines)
