"""Shared fixtures: the seed portfolio is parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Portfolio
from loaders import SEED, load_portfolio

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def seed() -> Portfolio:
    return load_portfolio()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
