"""The Cypher export run statement by statement on a real Neo4j builds exactly the portfolio's graph.

Reads NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD; skipped when no server answers, a failure under CI=true.
The database is emptied before and after (Community has one database, shared with the store suite).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph.exports.cypher import to_cypher
from graph.model import Edge, Node, Portfolio
from loaders import load_portfolio
from tests.conftest import FIXTURES, SEED_COUNTS

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def neo4j() -> Iterator[Driver]:
    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "eagraph-dev-password"))
    driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
    try:
        driver.verify_connectivity()
    except (ServiceUnavailable, AuthError, OSError) as exc:
        driver.close()
        reason = f"Neo4j at {uri} is not reachable ({exc}); start it with `make neo4j-start`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    driver.execute_query("MATCH (n) DETACH DELETE n")
    yield driver
    driver.execute_query("MATCH (n) DETACH DELETE n")
    driver.close()


def run_script(driver: Driver, script: str) -> int:
    """Run a script as cypher-shell would: comments dropped, statements split at ``;`` ending a line."""
    body = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("//"))
    statements = [s.strip() for s in body.split(";\n") if s.strip()]
    with driver.session() as session:
        for statement in statements:
            session.run(statement.removesuffix(";")).consume()
    return len(statements)


def read_back(driver: Driver, revision: str) -> tuple[set[tuple[Node, frozenset[str]]], set[Edge]]:
    records, _, _ = driver.execute_query(
        "MATCH (n:Node {revision: $rev}) RETURN properties(n) AS p, labels(n) AS labels", rev=revision
    )
    nodes = {(Node.from_dict(_without_revision(r["p"])), frozenset(r["labels"])) for r in records}
    records, _, _ = driver.execute_query(
        "MATCH (a:Node {revision: $rev})-[r]->(b:Node {revision: $rev}) "
        "RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS p",
        rev=revision,
    )
    edges = {
        Edge.from_dict(
            {**_without_revision(r["p"]), "source": r["source"], "target": r["target"], "type": r["type"]}
        )
        for r in records
    }
    return nodes, edges


def _without_revision(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "revision"}


def _expected(p: Portfolio) -> set[tuple[Node, frozenset[str]]]:
    return {(n, frozenset({"Node", *(k.label for k in n.labels)})) for n in p.nodes}


@pytest.mark.parametrize("path", [None, FIXTURES / "kommune-portefolje.txt"], ids=["seed", "kommune"])
def test_the_cypher_script_builds_the_same_nodes_labels_edges_and_properties(
    neo4j: Driver, path: Any
) -> None:
    p = load_portfolio(path)
    neo4j.execute_query("MATCH (n) DETACH DELETE n")
    assert run_script(neo4j, to_cypher(p)) >= 3
    nodes, edges = read_back(neo4j, p.revision)
    assert nodes == _expected(p)
    assert edges == set(p.edges)
    count, _, _ = neo4j.execute_query("MATCH (n) RETURN count(n) AS n")
    assert count[0]["n"] == len(p.nodes)


def test_running_the_script_twice_changes_nothing(neo4j: Driver) -> None:
    p = load_portfolio()
    neo4j.execute_query("MATCH (n) DETACH DELETE n")
    run_script(neo4j, to_cypher(p))
    run_script(neo4j, to_cypher(p))
    records, _, _ = neo4j.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r"
    )
    assert (records[0]["n"], records[0]["r"]) == SEED_COUNTS
