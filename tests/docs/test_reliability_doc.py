"""RELIABILITY.md names, for each guarantee, the tests that prove it: every one named must exist, and every
reliability test must be named."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO

DOC = (REPO / "RELIABILITY.md").read_text(encoding="utf-8")
NAMED = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", DOC)


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


def test_every_test_reliability_md_names_exists():
    assert len(NAMED) > 40
    missing = [f"{path}::{name}" for path, name in NAMED if name not in defined_tests(REPO / path)]
    assert missing == []


def test_every_test_of_tests_reliability_is_named_in_reliability_md():
    named = {(path, name) for path, name in NAMED}
    unnamed = [
        f"{path.relative_to(REPO)}::{name}"
        for path in sorted((REPO / "tests" / "reliability").glob("test_*.py"))
        for name in sorted(defined_tests(path))
        if (path.relative_to(REPO).as_posix(), name) not in named
    ]
    assert unnamed == []
