"""The saved architect queries in docs/cypher/ run against the loaded seed and answer something."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from neo4j import Driver

from graph.model import Portfolio, to_networkx
from graph.neo4j_store import Neo4jStore
from loaders.interchange import load_any
from tests.conftest import REPO, Neo4jServer

QUERIES = sorted((REPO / "docs" / "cypher").glob("*.cypher"))
EXAMPLE_MANIFEST = REPO / "examples" / "portfolio.yaml"


def test_there_are_at_least_ten_saved_queries_each_named_by_a_comment() -> None:
    assert len(QUERIES) >= 10
    assert all(q.read_text(encoding="utf-8").startswith("// ") for q in QUERIES)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_each_saved_query_returns_rows_for_the_seed(
    query: Path, neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    """The seed alone; a query about several sources, the example manifest (the seed and a second
    organisation's portfolio)."""
    neo4j_store.load(load_any(EXAMPLE_MANIFEST) if "cross-source" in query.name else seed)
    records = empty_neo4j.execute_query(query.read_text(encoding="utf-8")).records
    assert records, f"{query.name} returned nothing"


@pytest.mark.neo4j
def test_the_hint_impact_query_finds_exactly_the_ancestors_of_hint(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    text = (REPO / "docs" / "cypher" / "01-what-breaks-if-hint-is-down.cypher").read_text(encoding="utf-8")
    records = empty_neo4j.execute_query(text).records
    impacted = {r["p"].start_node["id"] for r in records}
    G = to_networkx(seed)
    curated = nx.subgraph_view(G, filter_edge=lambda u, v, k: G.edges[u, v, k]["confidence"] != "inferred")
    assert impacted == nx.ancestors(curated, "hint")  # the default answer's edges: stated and curated
    assert all(r["p"].end_node["id"] == "hint" for r in records)


@pytest.mark.neo4j
def test_the_losses_query_names_what_each_user_uses_the_system_for(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    text = (REPO / "docs" / "cypher" / "15-what-each-user-loses.cypher").read_text(encoding="utf-8")
    rows = {(r["actor"], r["through"], r["loses"]) for r in empty_neo4j.execute_query(text).records}
    assert ("Helseaktører", "Praksisinfo", "se og vedlikeholde praksisinformasjon") in rows
    assert all(actor != "Helfo" for actor, _, _ in rows)  # Helfo works in Praksisinfo, not through the portal


@pytest.mark.neo4j
def test_the_saved_queries_read_nothing_of_a_revision_that_is_not_current(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    """A half-written next revision (a load that died) must not show in an architect's answer."""
    with neo4j_server.store(batch_size=10) as store:
        store.load(seed)
        before = empty_neo4j.execute_query(QUERIES[0].read_text(encoding="utf-8")).records

        def die_midway(done: int, total: int) -> None:
            if done >= total // 2:
                raise RuntimeError("killed")

        newer = seed.with_(edges=seed.edges[1:])
        with pytest.raises(RuntimeError):
            store.load(newer, progress=die_midway)
    after = empty_neo4j.execute_query(QUERIES[0].read_text(encoding="utf-8")).records
    assert len(after) == len(before) > 0


@pytest.mark.neo4j
def test_the_cross_source_query_lists_the_hdir_edges_into_what_the_second_portfolio_describes(
    neo4j_store: Neo4jStore, empty_neo4j: Driver
) -> None:
    p = load_any(EXAMPLE_MANIFEST)
    neo4j_store.load(p)
    text = (REPO / "docs" / "cypher" / "16-cross-source-dependencies.cypher").read_text(encoding="utf-8")
    rows = {(r["dependent"], r["depends_on"]) for r in empty_neo4j.execute_query(text).records}
    entries = {n.id: n for n in p.nodes if n.entry}
    expected = {
        (next(n.name for n in p.nodes if n.id == e.source), entries[e.target].name)
        for e in p.edges
        if e.target in entries
        and e.confidence.value != "inferred"
        and e.document != entries[e.target].document
    }
    assert rows == expected and ("Tjenesteportal for helseaktør", "HelseID") in rows
