"""API fixtures: apps built through ``create_app`` with the seed in a memory store (parsed once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from graph.model import Portfolio
from graph.store import MemoryStore

API_KEY = "test-admin-key-0123456789"


def settings(**overrides: Any) -> Settings:
    """Settings for a test: never a developer's .env, only what the test says."""
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def seeded(portfolio: Portfolio) -> MemoryStore:
    store = MemoryStore()
    store.load(portfolio)
    return store


@pytest.fixture(scope="session")
def seed_app(seed: Portfolio) -> FastAPI:
    return create_app(settings(api_key=API_KEY), store=seeded(seed))


@contextmanager
def started(app: FastAPI, **options: Any) -> Iterator[TestClient]:
    """A client of ``app`` once its first snapshot build has finished (built or failed): the server starts
    answering before that, with 503s, and a test of a ready service should not race the build."""
    with TestClient(app, **options) as c:
        assert app.state.service.wait_idle(60), "the first snapshot build did not finish"
        yield c


@pytest.fixture(scope="session")
def client(seed_app: FastAPI) -> Iterator[TestClient]:
    with started(seed_app, raise_server_exceptions=False) as c:
        yield c


def problem(response: Any, status: int) -> dict[str, Any]:
    """The problem+json body of ``response``, checked for the RFC 9457 members and no stack trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body
