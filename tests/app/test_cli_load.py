"""`eagraph load`: the seed into Neo4j, twice, with the documented counts; one-line errors without a server."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import Driver

from graph.model import Portfolio
from tests.conftest import REPO, Neo4jServer

EAGRAPH = [sys.executable, "-m", "app.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EAGRAPH, *args], capture_output=True, text=True, timeout=120, env=env, cwd=REPO)


def count(driver: Driver, query: str) -> int:
    return int(driver.execute_query(query).records[0][0])


@pytest.mark.neo4j
def test_loading_the_seed_twice_leaves_the_parsed_counts_with_evidence_on_every_relationship(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    first = run("load", env=neo4j_server.env())
    second = run("load", "--neo4j-uri", neo4j_server.uri, env=neo4j_server.env())
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert f"revision {seed.revision} (new revision): 54 nodes, 81 edges" in first.stdout
    assert f"revision {seed.revision} (unchanged): 54 nodes, 81 edges" in second.stdout
    assert count(empty_neo4j, "MATCH (n:Node) RETURN count(n)") == len(seed.nodes)
    assert count(empty_neo4j, "MATCH ()-[r]->() RETURN count(r)") == len(seed.edges)
    assert count(empty_neo4j, "MATCH ()-[r]->() WHERE r.evidence IS NULL RETURN count(r)") == 0


@pytest.mark.neo4j
def test_a_wrong_password_is_one_line_naming_the_uri_and_exit_1(neo4j_server: Neo4jServer) -> None:
    res = run("load", env={**neo4j_server.env(), "NEO4J_PASSWORD": "not-the-password"})
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        f"error: Neo4j at {neo4j_server.uri} refused user '{neo4j_server.user}': wrong NEO4J_USER or NEO4J_PASSWORD"
    ]


def test_an_unreachable_server_is_one_line_naming_the_uri_exit_1_and_no_traceback() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        uri = f"bolt://127.0.0.1:{s.getsockname()[1]}"
    res = run("load", "--neo4j-uri", uri)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: Neo4j at {uri}: cannot connect")
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_a_bad_document_is_refused_before_any_connection(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"hello\n")
    res = run("load", "--portfolio", str(bad), "--neo4j-uri", "bolt://127.0.0.1:1")
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"error: {bad}: no table header 'System  Beskrivelse' found; is this a portfolio table?"
    ]
