"""The Neo4j adapter against the real server: what the graph looks like in Neo4j, and loads that die midway."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from neo4j import Driver

from graph.model import NodeKind, Portfolio, RelType
from graph.neo4j_store import COMMON_LABEL, Neo4jStore, _labels, _rel_type
from graph.store import StoreState, StoreUnavailable
from tests.conftest import SEED_EDGES, SEED_NODES, Neo4jServer
from tests.graph.test_store_contract import smaller
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.neo4j


def scalar(driver: Driver, query: str, **params: object) -> object:
    return driver.execute_query(query, params).records[0][0]


def test_two_loads_leave_one_node_per_parsed_node_and_one_relationship_per_edge(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    neo4j_store.load(seed)
    assert scalar(empty_neo4j, f"MATCH (n:{COMMON_LABEL}) RETURN count(n)") == len(seed.nodes) == SEED_NODES
    assert scalar(empty_neo4j, "MATCH ()-[r]->() RETURN count(r)") == len(seed.edges) == SEED_EDGES
    assert (
        scalar(empty_neo4j, "MATCH ()-[r]->() WHERE r.evidence IS NULL OR r.evidence = '' RETURN count(r)")
        == 0
    )
    # Besides the nodes: one :Finding per finding and the one :Revision node (documented in the README).
    assert scalar(empty_neo4j, "MATCH (n) RETURN count(n)") == SEED_NODES + len(seed.findings) + 1


def test_every_node_has_the_common_label_and_one_label_per_kind(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    records = empty_neo4j.execute_query("MATCH (n:Node) RETURN n.id AS id, labels(n) AS labels").records
    labels = {r["id"]: set(r["labels"]) for r in records}
    assert labels["hint"] == {"Node", "Integration", "System"}
    assert labels["helseaktor"] == {"Node", "Actor"}
    assert all(labels[n.id] == {"Node", *(k.label for k in n.labels)} for n in seed.nodes)


def test_relationship_types_are_the_relation_types_with_every_edge_property(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    types = {
        r["t"] for r in empty_neo4j.execute_query("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t").records
    }
    assert types == {e.type.value for e in seed.edges} and types <= {t.value for t in RelType}
    edge_props = empty_neo4j.execute_query(
        "MATCH (a:Node)-[r]->(b:Node) WHERE a.id IN ['tjenesteportal-for-helseaktor', 'praksisinfo'] "
        "AND b.id IN ['helseid', 'tjenesteportal-for-helseaktor'] RETURN b.id AS target, properties(r) AS p"
    ).records
    props = {r["target"]: r["p"] for r in edge_props}
    login, via = props["helseid"], props["tjenesteportal-for-helseaktor"]
    assert {"evidence", "confidence", "strength", "alt_group", "document", "line", "rule", "revision"} <= set(
        login
    )
    assert (login["alt_group"], login["rule"], login["confidence"]) == (
        "tjenesteportal-for-helseaktor/login",
        "logs-in-with:bruke+-",
        "stated",
    )
    assert via["scope"] == ["helseaktor"] and "via Tjenesteportalen" in via["evidence"]


def test_every_row_is_stamped_with_the_loaded_revision(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    neo4j_store.load(seed)
    stamps = empty_neo4j.execute_query(
        "MATCH (n) WHERE NOT n:Revision RETURN DISTINCT n.revision AS r "
        "UNION MATCH ()-[x]->() RETURN DISTINCT x.revision AS r"
    ).records
    assert [r["r"] for r in stamps] == [seed.revision]
    current = empty_neo4j.execute_query(
        "MATCH (r:Revision) RETURN r.revision AS rev, r.current AS cur"
    ).records
    assert [(r["rev"], r["cur"]) for r in current] == [(seed.revision, True)]


def test_a_load_creates_the_constraints_and_indexes_it_relies_on(
    neo4j_store: Neo4jStore, empty_neo4j: Driver, seed: Portfolio
) -> None:
    for name in ("eagraph_node_id", "eagraph_finding_seq", "eagraph_revision"):
        empty_neo4j.execute_query(f"DROP CONSTRAINT {name} IF EXISTS")
    neo4j_store.load(seed)
    constraints = {r["name"]: r["properties"] for r in empty_neo4j.execute_query("SHOW CONSTRAINTS").records}
    assert constraints["eagraph_node_id"] == ["id", "revision"]
    assert constraints["eagraph_revision"] == ["revision"]
    indexes = {r["name"] for r in empty_neo4j.execute_query("SHOW INDEXES").records}
    assert {"eagraph_node_revision", "eagraph_node_name"} <= indexes


@pytest.mark.usefixtures("empty_neo4j")
def test_rows_are_written_in_batches_not_one_statement_per_row(
    neo4j_server: Neo4jServer, seed: Portfolio
) -> None:
    calls: list[int] = []
    with neo4j_server.store(batch_size=20) as store:
        store.load(seed, progress=lambda done, _total: calls.append(done))
    rows = len(seed.nodes) + len(seed.edges) + len(seed.findings)
    steps = [b - a for a, b in zip([0, *calls], calls, strict=False)]
    assert len(calls) < rows / 4
    assert max(steps) == 20 and sum(steps) == rows


def test_a_failure_after_some_batches_keeps_readers_on_the_previous_revision(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    newer = smaller(seed)
    seen_midway: list[Portfolio] = []
    with neo4j_server.store(batch_size=10) as store, neo4j_server.store() as reader:
        store.load(seed)

        def fail_after_three_batches(_done: int, _total: int) -> None:
            seen_midway.append(reader.read())
            if len(seen_midway) == 3:
                raise RuntimeError("injected failure")

        with pytest.raises(RuntimeError, match="injected"):
            store.load(newer, progress=fail_after_three_batches)
        partial = scalar(empty_neo4j, "MATCH (n:Node {revision: $r}) RETURN count(n)", r=newer.revision)
        assert 0 < partial < len(newer.nodes)  # it really died midway
        assert seen_midway == [seed] * 3
        assert reader.revision() == seed.revision and reader.read() == seed

        store.load(newer)  # the next good load completes the revision it began
        assert reader.read() == newer
        assert scalar(empty_neo4j, "MATCH (n:Node {revision: $r}) RETURN count(n)", r=newer.revision) == len(
            newer.nodes
        )
        kept = [seed.revision, newer.revision]  # the previous revision is kept for reads as of it and diffs
        assert (
            scalar(empty_neo4j, "MATCH (n:Node) WHERE NOT n.revision IN $kept RETURN count(n)", kept=kept)
            == 0
        )


@pytest.mark.usefixtures("empty_neo4j")
def test_a_connection_lost_for_good_midway_is_store_unavailable_and_keeps_the_previous_revision(
    neo4j_server: Neo4jServer, seed: Portfolio
) -> None:
    target = urlsplit(neo4j_server.uri)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 7687)
    proxied = Neo4jStore(
        f"bolt://127.0.0.1:{proxy.port}",
        neo4j_server.user,
        neo4j_server.password,
        batch_size=10,
        retry_time=1.0,
    )
    try:
        proxied.load(seed)

        def cut_after_two_batches(done: int, _total: int) -> None:
            if done >= 20:
                proxy.cut()

        with pytest.raises(StoreUnavailable, match=rf"127\.0\.0\.1:{proxy.port}") as caught:
            proxied.load(smaller(seed), progress=cut_after_two_batches)
        assert "\n" not in str(caught.value)
    finally:
        proxy.cut()
        proxied.close()
    with neo4j_server.store() as direct:
        assert direct.revision() == seed.revision
        assert direct.read() == seed


def test_a_connection_killed_by_the_server_midway_is_retried_and_the_load_completes(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    killed: list[str] = []

    def kill_store_connections(_done: int, _total: int) -> None:
        if not killed:
            records = empty_neo4j.execute_query(
                "CALL dbms.listConnections() YIELD connectionId, userAgent WHERE userAgent = 'eagraph' "
                "CALL dbms.killConnection(connectionId) YIELD connectionId AS id RETURN id"
            ).records
            killed.extend(r["id"] for r in records)

    with neo4j_server.store(batch_size=10) as store:
        store.load(seed, progress=kill_store_connections)
        assert killed, "the store's connection was found and killed"
        assert store.read() == seed


def test_a_revision_made_incomplete_behind_the_loads_back_is_never_made_current(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    newer = smaller(seed)

    def concurrent_cleanup(done: int, total: int) -> None:
        if done == total:  # every batch is in: another process deletes one of the new rows
            empty_neo4j.execute_query(
                "MATCH (n:Node {revision: $r}) WITH n LIMIT 1 DETACH DELETE n", r=newer.revision
            )

    with neo4j_server.store() as store:
        store.load(seed)
        with pytest.raises(StoreUnavailable, match="previous revision stays current"):
            store.load(newer, progress=concurrent_cleanup)
        assert store.revision() == seed.revision and store.read() == seed


def test_a_wrong_password_is_store_unavailable_naming_the_uri(neo4j_server: Neo4jServer) -> None:
    with (
        Neo4jStore(neo4j_server.uri, neo4j_server.user, "not-the-password") as store,
        pytest.raises(
            StoreUnavailable, match=f"refused user '{neo4j_server.user}': wrong NEO4J_USER or NEO4J_PASSWORD"
        ) as caught,
    ):
        store.ping()
    assert neo4j_server.uri in str(caught.value)


def test_labels_and_relationship_types_come_only_from_the_enums() -> None:
    assert _labels([NodeKind.WEBSITE]) == ":Website" and _rel_type(RelType.PART_OF) == "PART_OF"
    with pytest.raises(ValueError, match="not a node kind"):
        _labels(["Node`) DETACH DELETE (n"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="not a relation type"):
        _rel_type("USES")  # type: ignore[arg-type]


@pytest.mark.parametrize("writers", [1, 3])
@pytest.mark.usefixtures("empty_neo4j")
def test_one_writer_or_several_at_once_load_the_same_graph(
    neo4j_server: Neo4jServer, seed: Portfolio, writers: int
) -> None:
    with neo4j_server.store(batch_size=7) as store:
        store.writers = writers
        store.load(seed)
        assert store.read() == seed
        assert store.counts() == (len(seed.nodes), len(seed.edges))


@pytest.mark.usefixtures("empty_neo4j")
def test_sources_load_and_unload_one_by_one_and_readers_see_one_whole_graph_at_every_read(
    neo4j_server: Neo4jServer, seed: Portfolio
) -> None:
    """Load A (the seed), load B (a second organisation's document naming A's things), unload A: after each
    step the counts are the in-memory result's, and a reader reading all along sees only whole revisions."""
    from loaders import parse_document
    from loaders.sources import Source, combine

    other = Path(__file__).parents[2] / "examples" / "nhn-tjenesteportefolje.txt"
    b = parse_document(other.read_bytes(), other.name)
    steps = [
        ([(Source("hdir", seed.document), seed, None)], []),
        ([(Source("nhn", other.name), b, None)], []),
        ([], ["hdir"]),
    ]
    expected: dict[str, Portfolio] = {}
    reads: list[Portfolio] = []
    with neo4j_server.store(batch_size=20) as store, neo4j_server.store() as reader:
        for add, remove in steps:
            want, _ = combine(store.sources(), add, remove, now="t")
            expected[want.revision] = want
            store.update(
                lambda state, add=add, remove=remove: (
                    lambda graph, parts: (graph, StoreState(parts, state.decisions))
                )(*combine(state.parts, add, remove, now="t")),
                progress=lambda _done, _total: reads.append(reader.read()) if store.revision() else None,
            )
            assert store.read() == want
            assert store.counts() == (len(want.nodes), len(want.edges))
        assert [p.id for p in store.sources()] == ["nhn"]
    assert len(reads) > 10
    for seen in reads:  # every read is a whole revision some step made, never a mix
        assert seen.revision in expected and seen == expected[seen.revision]


def test_three_loads_with_two_kept_drop_the_oldest_and_the_two_kept_read_and_diff_as_loaded(
    neo4j_server: Neo4jServer, empty_neo4j: Driver, seed: Portfolio
) -> None:
    from graph.diff import diff
    from graph.store import RevisionNotFound

    first, second = smaller(smaller(seed)), smaller(seed)
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, revisions_kept=2)
    try:
        for p in (first, second, seed):
            store.load(p)
        kept = store.revisions()
        assert [(r.revision, r.current) for r in kept] == [(seed.revision, True), (second.revision, False)]
        assert kept[0].made_by == f"load of {seed.document}" and kept[0].nodes == len(seed.nodes)
        assert store.read(revision=second.revision) == second and store.read() == seed
        with pytest.raises(RevisionNotFound):
            store.read(revision=first.revision)
        assert scalar(empty_neo4j, "MATCH (n:Node {revision: $r}) RETURN count(n)", r=first.revision) == 0
        d = diff(store.read(revision=second.revision), store.read())
        assert [n.id for n in d.nodes_added] == [seed.nodes[-1].id]
        assert d.to_dict() == diff(second, seed).to_dict()
    finally:
        store.close()
