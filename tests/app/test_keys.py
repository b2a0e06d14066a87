"""Who may do what: named keys with roles (`eagraph keys`), checked by the API against the role a route needs."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from app.auth import CuratorCaller
from app.keys import KeysFile
from app.main import create_app
from graph.model import Portfolio
from tests.app.conftest import API_KEY, problem, seeded, settings, started
from tests.conftest import REPO

EAGRAPH = [sys.executable, "-m", "app.cli"]
SECRET = re.compile(r"eag_[A-Za-z0-9_-]{32}")
RELOAD = "/api/v1/admin/reload"


def eagraph(keys_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EAGRAPH_")}
    env["EAGRAPH_KEYS_FILE"] = str(keys_file)
    return subprocess.run([*EAGRAPH, *args], capture_output=True, text=True, timeout=120, env=env, cwd=REPO)


def key(secret: str) -> dict[str, str]:
    return {"X-API-Key": secret}


# ------------------------------------------------------------------------------------ the CLI


def test_keys_add_shows_the_secret_once_and_the_file_keeps_only_a_salted_hash_with_mode_0600(tmp_path):
    keys_file = tmp_path / "state" / "keys.json"
    added = eagraph(keys_file, "keys", "add", "kari-nordmann", "--role", "curator")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert SECRET.fullmatch(secret), added.stdout
    assert "shown only now" in added.stderr
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    text = keys_file.read_text()
    assert secret not in text and secret[12:] not in text  # neither the secret nor its unstored part
    [record] = json.loads(text)["keys"]
    assert record["name"] == "kari-nordmann" and record["role"] == "curator" and record["revoked"] is None
    assert len(record["salt"]) == 32 and len(record["hash"]) == 64 and record["kdf"] == "scrypt"
    listed = eagraph(keys_file, "keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert secret not in listed.stdout
    [row] = json.loads(listed.stdout)
    assert set(row) == {"name", "role", "id", "created", "revoked"} and secret.startswith(f"eag_{row['id']}")


def test_keys_revoke_keeps_the_record_with_the_time_it_was_revoked(tmp_path):
    keys_file = tmp_path / "keys.json"
    assert eagraph(keys_file, "keys", "add", "ci-reader").returncode == 0
    assert eagraph(keys_file, "keys", "add", "ola", "--role", "admin").returncode == 0
    revoked = eagraph(keys_file, "keys", "revoke", "ci-reader")
    assert revoked.returncode == 0 and "key 'ci-reader' revoked at" in revoked.stdout
    rows = {r["name"]: r for r in json.loads(eagraph(keys_file, "keys", "list", "--json").stdout)}
    assert rows["ci-reader"]["role"] == "reader" and rows["ci-reader"]["revoked"] is not None
    assert rows["ola"]["role"] == "admin" and rows["ola"]["revoked"] is None
    table = eagraph(keys_file, "keys", "list")
    assert table.returncode == 0 and "ci-reader" in table.stdout and "ola" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "kari", "--role", "curator"), "a key named 'kari' exists already"),
        (("add", "ola", "--role", "owner"), "unknown role 'owner': one of reader, curator, admin"),
        (("add", "Kari Nordmann"), "is not a key name"),
        (("add", "admin", "--role", "admin"), "taken by EAGRAPH_API_KEY"),
        (("revoke", "nobody"), "no key named 'nobody' (keys: kari)"),
    ],
)
def test_a_taken_name_an_unknown_role_or_an_unknown_key_is_one_line_and_exit_2(tmp_path, args, message):
    keys_file = tmp_path / "keys.json"
    assert eagraph(keys_file, "keys", "add", "kari", "--role", "curator").returncode == 0
    before = keys_file.read_bytes()
    res = eagraph(keys_file, "keys", *args)
    assert res.returncode == 2 and res.stdout == ""
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert keys_file.read_bytes() == before


# ------------------------------------------------------------------------------------ the API


@pytest.fixture
def keys(tmp_path: Path) -> KeysFile:
    return KeysFile(tmp_path / "keys.json")


@pytest.fixture
def secrets_(keys: KeysFile) -> dict[str, str]:
    """One valid key of each role, and a revoked admin key."""
    made = {role: keys.add(f"{role}-key", role)[1] for role in ("reader", "curator", "admin")}
    made["revoked"] = keys.add("revoked-admin", "admin")[1]
    keys.revoke("revoked-admin")
    return made


@pytest.fixture
def served(seed: Portfolio, keys: KeysFile, secrets_: dict[str, str]) -> Iterator[TestClient]:  # noqa: ARG001  (secrets_: the keys must be in the file before the app starts)
    with started(create_app(settings(keys_file=keys.path), store=seeded(seed))) as c:
        yield c


def test_reload_refuses_a_missing_unknown_or_revoked_key_with_401_and_www_authenticate(served, secrets_):
    unknown = "eag_" + "A" * 32
    forged = secrets_["admin"][:12] + "B" * 24  # a valid key's id with another secret
    for headers in ({}, key("wrong"), key(unknown), key(forged), key(secrets_["revoked"])):
        response = served.post(RELOAD, headers=headers)
        assert problem(response, 401)["detail"] == "a valid X-API-Key header is required"
        assert response.headers["www-authenticate"] == "ApiKey"


def test_a_reader_or_curator_key_cannot_reload_and_the_403_names_the_admin_role(served, secrets_):
    for role in ("reader", "curator"):
        body = problem(served.post(RELOAD, headers=key(secrets_[role])), 403)
        assert body["detail"] == f"this needs the admin role; the key '{role}-key' has the {role} role"


def test_an_admin_key_reloads(served, secrets_, seed: Portfolio):
    response = served.post(RELOAD, headers=key(secrets_["admin"]))
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == seed.revision


def test_eagraph_api_key_is_still_an_admin_key_named_admin_beside_the_keys_file(seed, keys, secrets_):
    app = create_app(settings(keys_file=keys.path, api_key=API_KEY), store=seeded(seed))
    whoami(app)
    with started(app) as c:
        assert c.post(RELOAD, headers=key(API_KEY)).status_code == 200
        assert c.get("/test/whoami", headers=key(API_KEY)).json() == {"name": "admin", "role": "admin"}
        problem(c.post(RELOAD, headers=key(secrets_["curator"])), 403)


def test_admin_is_disabled_when_neither_the_keys_file_nor_eagraph_api_key_holds_an_admin_key(seed, keys):
    _, curator = keys.add("kari", "curator")
    keys.add("gone", "admin")
    keys.revoke("gone")
    with started(create_app(settings(keys_file=keys.path), store=seeded(seed))) as c:
        body = problem(c.post(RELOAD, headers=key(curator)), 403)
        assert "admin endpoints are disabled: no API key is configured" in body["detail"]


def test_a_key_revoked_while_the_server_runs_is_refused_from_the_next_request(served, keys, secrets_):
    assert served.post(RELOAD, headers=key(secrets_["admin"])).status_code == 200
    keys.revoke("admin-key")
    problem(served.post(RELOAD, headers=key(secrets_["admin"])), 403)  # no admin key is left: disabled
    _, other = keys.add("other-admin", "admin")
    problem(served.post(RELOAD, headers=key(secrets_["admin"])), 401)
    assert served.post(RELOAD, headers=key(other)).status_code == 200


def test_reads_are_open_by_default(served):
    assert served.get("/api/v1/nodes").status_code == 200


def test_reads_need_a_key_of_any_role_when_eagraph_read_api_key_is_true(seed, keys, secrets_):
    app = create_app(settings(keys_file=keys.path, read_api_key=True), store=seeded(seed))
    with started(app) as c:
        response = c.get("/api/v1/nodes")
        problem(response, 401)
        assert response.headers["www-authenticate"] == "ApiKey"
        problem(c.get("/api/v1/nodes", headers=key(secrets_["revoked"])), 401)
        for role in ("reader", "curator", "admin"):
            assert c.get("/api/v1/nodes", headers=key(secrets_[role])).status_code == 200
        problem(c.post(RELOAD, headers=key(secrets_["reader"])), 403)
        assert c.get("/api/v1/health").status_code == 200  # probes stay open


def test_an_unreadable_keys_file_is_a_503_that_does_not_show_where_it_is(seed, keys, secrets_):
    keys.path.write_text("{not json")
    with started(create_app(settings(keys_file=keys.path), store=seeded(seed))) as c:
        body = problem(c.post(RELOAD, headers=key(secrets_["admin"])), 503)
    assert body["type"] == "urn:eagraph:problem:keys-unreadable" and str(keys.path) not in str(body)


def whoami(app: FastAPI) -> None:
    """A tiny route needing the curator role, answering with who called it."""

    @app.get("/test/whoami")
    def get_whoami(caller: CuratorCaller, request: Request) -> dict[str, str]:
        assert request.state.key_name == caller.name
        return {"name": caller.name, "role": caller.role.value}


def test_a_curator_dependency_gives_the_route_the_callers_name(seed, keys, secrets_):
    app = create_app(settings(keys_file=keys.path), store=seeded(seed))
    whoami(app)
    with started(app) as c:
        answer = c.get("/test/whoami", headers=key(secrets_["curator"]))
        assert answer.json() == {"name": "curator-key", "role": "curator"}
        assert c.get("/test/whoami", headers=key(secrets_["admin"])).json()["name"] == "admin-key"
        body = problem(c.get("/test/whoami", headers=key(secrets_["reader"])), 403)
        assert "needs the curator role" in body["detail"]
        problem(c.get("/test/whoami"), 401)
