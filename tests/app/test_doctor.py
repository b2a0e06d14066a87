"""`eagraph doctor`: each check finds what is there, and a failing one says how to fix it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from app import doctor
from app.settings import Settings
from tests.conftest import Neo4jServer


def test_a_port_something_listens_on_is_taken_and_the_fix_names_another_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        check = doctor.port_free("127.0.0.1", port)
    assert not check.ok
    assert f"127.0.0.1:{port} is taken" in check.detail
    assert f"--port {port + 1}" in check.fix


def test_a_free_port_passes() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert doctor.port_free("127.0.0.1", port).ok


def test_neo4j_that_does_not_answer_fails_with_the_uri_and_how_to_start_it() -> None:
    check = doctor.neo4j(Settings(neo4j_uri="bolt://127.0.0.1:1"), timeout=1.0)
    assert not check.ok
    assert "bolt://127.0.0.1:1" in check.detail
    assert "make neo4j-start" in check.fix


def test_neo4j_that_answers_passes_with_the_server_version(neo4j_server: Neo4jServer) -> None:
    settings = Settings(neo4j_uri=neo4j_server.uri, neo4j_user=neo4j_server.user,
                        neo4j_password=neo4j_server.password)  # fmt: skip
    check = doctor.neo4j(settings)
    assert check.ok, check.detail
    assert "Neo4j/" in check.detail


def test_a_portfolio_that_does_not_parse_fails_with_the_loaders_message(tmp_path: Path) -> None:
    bad = tmp_path / "tom.txt"
    bad.write_text("", encoding="utf-8")
    check = doctor.portfolio(Settings(portfolio=str(bad)))
    assert not check.ok
    assert "tom.txt" in check.detail
    assert check.fix.startswith("`eagraph parse ")


def test_the_shipped_seed_parses_and_the_count_of_findings_is_told() -> None:
    check = doctor.portfolio(Settings())
    assert check.ok
    assert "nodes" in check.detail and "findings" in check.detail


def test_a_missing_chromium_fails_with_the_apt_get_line(tmp_path: Path) -> None:
    check = doctor.chromium(str(tmp_path / "chromium"))
    assert not check.ok
    assert "apt-get install chromium" in check.fix


def test_an_old_python_fails_and_a_current_one_passes() -> None:
    assert not doctor.python_version((3, 9, 1)).ok
    assert doctor.python_version((3, 12, 0)).ok


def _doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    with socket.socket() as s:  # a port free now, so the port check passes wherever the suite runs
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    return subprocess.run(
        [str(Path(sys.executable).parent / "eagraph"), "doctor", "--port", port, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_doctor_on_a_healthy_setup_passes_every_check_and_exits_0(neo4j_server: Neo4jServer) -> None:
    res = _doctor(neo4j_server.env(), "--json")
    report = json.loads(res.stdout)
    assert res.returncode == 0, report
    assert report["ok"] and [c["name"] for c in report["checks"]] == [
        "python", "venv", "portfolio", "neo4j", "java", "chromium", "port"
    ]  # fmt: skip


def test_doctor_with_neo4j_stopped_exits_1_and_says_how_to_start_it() -> None:
    res = _doctor({**os.environ, "NEO4J_URI": "bolt://127.0.0.1:1"})
    assert res.returncode == 1
    neo4j = next(line for line in res.stdout.splitlines() if "\tneo4j\t" in line)
    assert neo4j.startswith("FAIL\t") and "make neo4j-start" in neo4j
    assert "checks failed: neo4j" in res.stdout
