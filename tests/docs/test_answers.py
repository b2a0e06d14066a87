"""docs/answers.md is what the tool answers today: its tables are regenerated and compared."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO


def test_the_answers_page_matches_what_the_tool_answers_for_the_seed() -> None:
    spec = importlib.util.spec_from_file_location("answers", REPO / "dev" / "answers.py")
    assert spec and spec.loader
    answers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(answers)
    page = (REPO / "docs" / "answers.md").read_text(encoding="utf-8")
    assert page == answers.page(), (
        "re-read the reasoning, then: .venv/bin/python dev/answers.py > docs/answers.md"
    )


def test_every_answer_comes_with_reasoning_that_cites_the_document() -> None:
    page = (REPO / "docs" / "answers.md").read_text(encoding="utf-8")
    sections = page.split("\n## ")[1:]
    assert len(sections) == 10
    assert all("**Reasoning.**" in s and "line" in s.split("**Reasoning.**")[1] for s in sections)
