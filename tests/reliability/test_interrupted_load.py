"""Neo4j killed (SIGKILL) in the middle of a load: after its restart the previous revision is complete and
current, and the next load succeeds and leaves no debris. A Neo4j of its own, never the shared server."""

from __future__ import annotations

import pytest

from graph.model import Portfolio
from graph.store import StoreUnavailable
from tests.graph.test_store_contract import smaller
from tests.own_neo4j import OwnNeo4j

pytestmark = pytest.mark.own_neo4j


def count(server: OwnNeo4j, query: str, **params: object) -> int:
    with server.store() as store:
        return int(store._driver.execute_query(query, params).records[0][0])


def test_neo4j_killed_midway_through_a_load_keeps_the_previous_revision_whole_and_the_next_load_succeeds(
    own_neo4j: OwnNeo4j, seed: Portfolio
) -> None:
    newer = smaller(seed)
    batches: list[int] = []

    def kill_after_three_batches(done: int, _total: int) -> None:
        batches.append(done)
        if len(batches) == 3:
            own_neo4j.kill()

    with own_neo4j.store(batch_size=10) as store:
        store.load(seed)
        with pytest.raises(StoreUnavailable, match=own_neo4j.uri) as caught:
            store.load(newer, progress=kill_after_three_batches)
        assert "\n" not in str(caught.value)
    assert len(batches) == 3 and not own_neo4j.running()

    own_neo4j.start()  # crash recovery from the transaction log
    partial = count(own_neo4j, "MATCH (n:Node {revision: $r}) RETURN count(n)", r=newer.revision)
    assert 0 < partial < len(newer.nodes)  # it really died midway, and its batches survived the crash
    with own_neo4j.store() as store:
        assert store.revision() == seed.revision
        assert store.read() == seed
        assert store.counts() == (len(seed.nodes), len(seed.edges))

        assert store.load(newer).changed
        assert store.read() == newer
    everything = count(own_neo4j, "MATCH (n) RETURN count(n)")
    kept = sum(len(p.nodes) + len(p.findings) + 1 for p in (seed, newer))  # the previous revision is kept
    assert everything == kept  # and nothing else: the debris is gone
