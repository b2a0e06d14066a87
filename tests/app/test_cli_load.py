"""`eagraph load`: the seed into Neo4j, twice, with the documented counts; one-line errors without a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import Driver

from graph.model import Portfolio
from tests.conftest import REPO, SEED_EDGES, SEED_NODES, Neo4jServer

EAGRAPH = [sys.executable, "-m", "app.cli"]
# Earlier revisions are kept (EAGRAPH_REVISIONS_KEPT): count the current one's nodes.
CURRENT_NODES = "MATCH (r:Revision {current: true}) MATCH (n:Node {revision: r.revision}) RETURN count(n)"


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
    assert f"revision {seed.revision} (new revision): {SEED_NODES} nodes, {SEED_EDGES} edges" in first.stdout
    assert f"revision {seed.revision} (unchanged): {SEED_NODES} nodes, {SEED_EDGES} edges" in second.stdout
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


SCRIPT = REPO / "dev" / "neo4j" / "neo4j.sh"


def _bare_env() -> dict[str, str]:
    """The environment without any Neo4j or eagraph setting: what a newcomer's shell has."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "EAGRAPH_"))}


def _write_env(file: Path, server: Neo4jServer) -> subprocess.CompletedProcess[str]:
    """What `make neo4j-start` runs after the server is up (dev/neo4j/neo4j.mk)."""
    env = {
        **_bare_env(),
        "NEO4J_URI": server.uri,
        "NEO4J_USER": server.user,
        "NEO4J_PASSWORD": server.password,
    }
    return subprocess.run(
        ["bash", str(SCRIPT), "write-env", str(file)], capture_output=True, text=True, timeout=30, env=env
    )


@pytest.mark.neo4j
@pytest.mark.usefixtures("empty_neo4j")
def test_after_make_neo4j_start_a_plain_eagraph_load_reaches_the_dev_server_with_no_hand_copying(
    neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    assert _write_env(tmp_path / ".env", neo4j_server).returncode == 0
    res = subprocess.run(
        [*EAGRAPH, "load"], capture_output=True, text=True, timeout=120, env=_bare_env(), cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert f"{neo4j_server.uri}: revision" in res.stdout
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0  # a password: readable by its owner only


@pytest.mark.neo4j
def test_without_an_env_file_the_password_must_come_from_the_environment(
    neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    res = subprocess.run(
        [*EAGRAPH, "load", "--neo4j-uri", neo4j_server.uri],
        capture_output=True, text=True, timeout=120, env=_bare_env(), cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        f"error: Neo4j at {neo4j_server.uri} refused user 'neo4j': NEO4J_PASSWORD is not set"
    ]


def test_make_neo4j_start_never_overwrites_an_existing_env_file(tmp_path: Path) -> None:
    mine = tmp_path / ".env"
    mine.write_text("NEO4J_PASSWORD=my-own-secret\n")
    server = Neo4jServer("bolt://127.0.0.1:7687", "neo4j", "dev-password")
    done = _write_env(mine, server)
    assert done.returncode == 0 and "left as it is" in done.stdout
    assert mine.read_text() == "NEO4J_PASSWORD=my-own-secret\n"


@pytest.mark.neo4j
@pytest.mark.parametrize("fmt, name", [("graphml", "seed.graphml"), ("node-link", "seed.json")])
def test_eagraph_load_takes_every_format_portfolio_promises(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio, tmp_path: Path, fmt: str, name: str
) -> None:
    exported = run("export", "--format", fmt, "--output", str(tmp_path / name))
    assert exported.returncode == 0, exported.stderr
    res = run("load", "--portfolio", str(tmp_path / name), env=neo4j_server.env())
    assert res.returncode == 0, res.stderr
    assert f"{len(seed.nodes)} nodes, {len(seed.edges)} edges" in res.stdout
    assert count(empty_neo4j, "MATCH (n:Node) RETURN count(n)") == len(seed.nodes)
    assert count(empty_neo4j, "MATCH ()-[r]->() RETURN count(r)") == len(seed.edges)


def test_eagraph_parse_reads_an_exported_graph_as_well_as_a_document(seed: Portfolio, tmp_path: Path) -> None:
    assert run("export", "--format", "graphml", "--output", str(tmp_path / "seed.graphml")).returncode == 0
    res = run("parse", str(tmp_path / "seed.graphml"), "--json")
    assert res.returncode == 0, res.stderr
    assert '"edges"' in res.stdout and res.stdout.count('"evidence"') == len(seed.edges)


@pytest.mark.neo4j
def test_sources_load_one_by_one_list_with_their_hashes_and_unload_to_the_other(
    neo4j_server: Neo4jServer, empty_neo4j: Driver
) -> None:
    """`eagraph load A`, `eagraph load B` keeps A, `eagraph sources --neo4j`, `eagraph unload A` leaves B."""
    from loaders.interchange import load_any

    seed_txt = REPO / "seed" / "hdir-systemportefolje-2023.txt"
    nhn_txt = REPO / "examples" / "nhn-tjenesteportefolje.txt"
    env = neo4j_server.env()
    a = run("load", str(seed_txt), env=env)
    b = run("load", str(nhn_txt), env=env)
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    both = load_any([seed_txt, nhn_txt])
    assert f"{len(both.nodes)} nodes, {len(both.edges)} edges" in b.stdout
    assert count(empty_neo4j, CURRENT_NODES) == len(both.nodes)

    listed = run("sources", "--neo4j", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    import hashlib
    import json

    rows = json.loads(listed.stdout)
    assert [(r["id"], r["sha256"]) for r in rows] == [
        ("hdir-systemportefolje-2023", hashlib.sha256(seed_txt.read_bytes()).hexdigest()),
        ("nhn-tjenesteportefolje", hashlib.sha256(nhn_txt.read_bytes()).hexdigest()),
    ]
    assert rows[0]["revision"] != rows[1]["revision"] and all(r["loaded_at"] for r in rows)

    gone = run("unload", "hdir-systemportefolje-2023", env=env)
    assert gone.returncode == 0, gone.stderr
    alone = load_any([nhn_txt])
    assert count(empty_neo4j, CURRENT_NODES) == len(alone.nodes)
    again = run("unload", "hdir-systemportefolje-2023", env=env)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "no source" in again.stderr
