"""Secrets only from the environment, documented; a refused short key; locked dependency versions; an audit
target kept out of ``make test``."""

from __future__ import annotations

import hmac
import re
import tomllib
from importlib import metadata
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pydantic import ValidationError

from app.main import create_app
from app.settings import Settings
from tests.app.conftest import API_KEY, problem, seeded, settings, started
from tests.conftest import REPO

MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
LOCK = REPO / "requirements.lock"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DEV_PASSWORD = "eagraph-dev-password"


def env_names() -> set[str]:
    """The environment variable each setting is read from."""
    names = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        names.add(str(choices[0]) if choices else f"EAGRAPH_{field_name.upper()}")
    return names


def test_every_setting_is_documented_in_env_example():
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert env_names() - documented == set()


def test_secrets_have_no_default_and_the_dev_password_lives_only_in_dev_files(monkeypatch):
    for name in env_names():
        monkeypatch.delenv(name, raising=False)
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.api_key is None and defaults.neo4j_password is None
    shipped = [REPO / "docker-compose.yml", REPO / "Dockerfile"]
    shipped += [p for folder in ("app", "graph", "loaders", "seed") for p in (REPO / folder).rglob("*.*")]
    assert [p.name for p in shipped if p.is_file() and DEV_PASSWORD.encode() in p.read_bytes()] == []


@pytest.mark.parametrize("key", ["", None])
def test_an_empty_api_key_leaves_admin_off(seed, key):
    with started(create_app(settings(api_key=key), store=seeded(seed))) as c:
        problem(c.post("/api/v1/admin/reload", headers={"X-API-Key": ""}), 403)


def test_an_api_key_shorter_than_16_characters_is_refused_at_start():
    with pytest.raises(ValidationError, match="at least 16 characters"):
        settings(api_key="short-key")


def test_the_api_key_is_compared_in_constant_time(seed, monkeypatch):
    compared: list[tuple[Any, Any]] = []
    original = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr("app.keys.hmac.compare_digest", spy)
    with started(create_app(settings(api_key=API_KEY), store=seeded(seed))) as c:
        problem(c.post("/api/v1/admin/reload", headers={"X-API-Key": "x" * 20}), 401)
    assert compared == [(b"x" * 20, API_KEY.encode())]


def locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*", name) and version, f"not an exact pin: {line}"
            pins[name] = version
    return pins


def requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    texts = [
        *project["dependencies"],
        *(r for extra in project["optional-dependencies"].values() for r in extra),
    ]
    return [Requirement(t) for t in texts]


def test_every_dependency_is_pinned_in_the_lock_within_its_declared_range():
    pins = locked()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_the_direct_dependencies_installed_are_the_locked_versions():
    pins = locked()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # an extra this environment does not install (audit)
        assert installed == pins[name], f"{name} {installed} installed, {pins[name]} locked: run `make lock`"


def recipe(target: str) -> tuple[str, str]:
    """(prerequisites, recipe) of a Makefile target."""
    found = re.search(rf"^{target}:([^\n]*)\n((?:\t[^\n]*\n|#[^\n]*\n)*)", MAKEFILE, re.M)
    assert found, target
    return found.group(1), found.group(2)


def test_installs_take_every_version_from_the_lock():
    assert re.search(r"pip install --quiet -c requirements\.lock -e '\.\[dev\]'", MAKEFILE)
    assert "requirements.lock" in recipe(r"\$\(BIN\)/\.installed")[0]


def test_make_audit_runs_pip_audit_on_the_lock_strictly_and_make_test_does_not():
    _, commands = recipe("audit")
    assert "pip-audit --requirement requirements.lock" in commands and "--strict" in commands
    reached, todo = set(), ["test"]
    while todo:
        target = todo.pop()
        if target in reached:
            continue
        reached.add(target)
        found = re.search(rf"^{re.escape(target)}:([^=\n]*)$", MAKEFILE, re.M)
        todo += found.group(1).split() if found else []
        body = recipe(re.escape(target))[1] if found else ""
        todo += re.findall(r"\$\(MAKE\)[^\n]*?\b([a-z][a-z0-9-]+)\s*(?:;|$)", body, re.M)
    assert "audit" not in reached and "loadtest" not in reached, reached
