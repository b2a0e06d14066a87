"""The store contract: one behaviour suite, run against every adapter (in memory, and the real Neo4j)."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.model import (
    Confidence,
    Edge,
    Entry,
    Finding,
    Node,
    NodeKind,
    Portfolio,
    RelType,
    Strength,
    to_networkx,
)
from graph.store import GraphStore, SourcePart, StoreState, StoreUnavailable
from tests.conftest import SEED_COUNTS


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> GraphStore:
    if request.param == "memory":
        from graph.store import MemoryStore

        return MemoryStore()
    result: GraphStore = request.getfixturevalue("neo4j_store")
    return result


def tiny() -> Portfolio:
    """Every field in use at least once, and every optional one left empty somewhere."""
    nodes = (
        Node(
            "portal",
            "Portal",
            NodeKind.INTEGRATION,
            labels=(NodeKind.SYSTEM,),
            aliases=("Portalen",),
            url="x.no",
        ),
        Node(
            "case",
            "Case system",
            NodeKind.SYSTEM,
            category="Saksbehandling",
            owner="Helfo",
            document="d",
            line=3,
            page=2,
            sources=("d", "e"),
            descriptions=("d: Case.", "e: Case system."),
        ),
        Node("login", "Login", NodeKind.EXTERNAL),
        Node("clerk", "Saksbehandler", NodeKind.ACTOR),
    )
    edges = (
        Edge(
            "case",
            "portal",
            RelType.ACCESSED_VIA,
            "Case via Portal.",
            scope=("clerk",),
            document="d",
            line=3,
            page=2,
        ),
        Edge(
            "portal", "login", RelType.AUTHENTICATES_WITH, "Logs in.", Confidence.CURATED, alt_group="login"
        ),
        Edge("clerk", "case", RelType.USES, "Brukes av saksbehandlere.", Confidence.INFERRED, Strength.SOFT),
    )
    return Portfolio(
        "tiny.txt",
        nodes,
        edges,
        findings=(
            Finding("copied-description", "Case copies Portal.", ("case", "portal"), 3),
            Finding("x", "y"),
        ),
        entries=(Entry("Portal", 1, ("portal",)), Entry("Case system", 3, ("case",))),
        notes=("A closing paragraph.",),
        meta={"as_of": "2023-05-15"},
    )


def smaller(p: Portfolio) -> Portfolio:
    """The same portfolio less its last node (and that node's edges), one description changed."""
    gone = p.nodes[-1].id
    first = p.nodes[0]
    return p.with_(
        nodes=(Node.from_dict({**first.to_dict(), "description": "Changed."}), *p.nodes[1:-1]),
        edges=tuple(e for e in p.edges if gone not in (e.source, e.target)),
    )


def test_an_empty_store_has_no_revision_and_nothing_to_read(store: GraphStore) -> None:
    assert store.revision() is None
    with pytest.raises(LookupError):
        store.read()


def test_reading_back_gives_the_loaded_portfolio_exactly(store: GraphStore, seed: Portfolio) -> None:
    store.load(seed)
    back = store.read()
    assert back == seed
    assert nx.utils.graphs_equal(to_networkx(back), to_networkx(seed))


def test_every_field_and_every_empty_field_survives_the_round_trip(store: GraphStore) -> None:
    p = tiny()
    store.load(p)
    back = store.read()
    assert back.nodes == p.nodes and back.edges == p.edges
    assert (back.findings, back.entries, back.notes, back.meta) == (p.findings, p.entries, p.notes, p.meta)
    assert back.node("login").aliases == () and back.node("login").owner is None


def test_the_networkx_graphs_agree_on_every_edge_attribute(store: GraphStore, seed: Portfolio) -> None:
    store.load(seed)
    G, H = to_networkx(store.read()), to_networkx(seed)
    assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    assert G.graph == H.graph == {"document": seed.document, "revision": seed.revision, **seed.meta}


def test_the_store_reports_the_revision_it_loaded(store: GraphStore, seed: Portfolio) -> None:
    result = store.load(seed)
    assert result.revision == seed.revision == store.revision()
    assert (result.nodes, result.edges, result.changed) == (len(seed.nodes), len(seed.edges), True)


def test_counts_are_the_portfolios_nodes_and_edges(store: GraphStore, seed: Portfolio) -> None:
    store.load(seed)
    assert store.counts() == (len(seed.nodes), len(seed.edges)) == SEED_COUNTS


def test_loading_the_same_portfolio_twice_changes_nothing(store: GraphStore, seed: Portfolio) -> None:
    store.load(seed)
    again = store.load(seed)
    assert again.changed is False
    assert store.counts() == SEED_COUNTS
    assert store.read() == seed


def test_a_new_revision_replaces_the_old_one_entirely(store: GraphStore, seed: Portfolio) -> None:
    store.load(seed)
    newer = smaller(seed)
    result = store.load(newer)
    assert result.changed and result.revision == newer.revision != seed.revision
    assert store.revision() == newer.revision
    assert store.read() == newer
    assert store.counts() == (len(newer.nodes), len(newer.edges))


def test_a_load_aborted_midway_leaves_the_previous_revision_whole(store: GraphStore, seed: Portfolio) -> None:
    store.load(seed)

    def abort(done: int, total: int) -> None:
        raise RuntimeError(f"killed after {done} of {total} rows")

    with pytest.raises(RuntimeError, match="killed after"):
        store.load(smaller(seed), progress=abort)
    assert store.revision() == seed.revision
    assert store.read() == seed
    assert store.counts() == SEED_COUNTS


def test_progress_ends_at_every_row_written(store: GraphStore, seed: Portfolio) -> None:
    calls: list[tuple[int, int]] = []
    store.load(seed, progress=lambda done, total: calls.append((done, total)))
    rows = len(seed.nodes) + len(seed.edges) + len(seed.findings)
    assert calls[-1] == (rows, rows)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_ping_answers_when_the_store_is_up(store: GraphStore) -> None:
    try:
        store.ping()
    except StoreUnavailable as exc:  # pragma: no cover - the assertion names the failure
        pytest.fail(f"ping failed: {exc}")
    assert store.name in {"memory", "neo4j"}


# ------------------------------------------------------------------------------- sources loaded one by one


def _part(name: str, entry: str, uses: str) -> Portfolio:
    """A one-entry document whose entry uses an outside thing."""
    e_id, u_id = entry.lower(), uses.lower()
    return Portfolio(
        f"{name}.txt",
        (Node(e_id, entry, NodeKind.SYSTEM, entry=entry, document=f"{name}.txt", line=2),
         Node(u_id, uses, NodeKind.EXTERNAL)),
        (Edge(e_id, u_id, RelType.USES, f"{entry} bruker {uses}.", document=f"{name}.txt", line=2),),
    )  # fmt: skip


def _with_parts(
    state: StoreState, graph: Portfolio, parts: tuple[SourcePart, ...]
) -> tuple[Portfolio, StoreState]:
    return graph, StoreState(parts, state.decisions)


def test_loading_source_b_keeps_a_and_unloading_a_keeps_b_as_in_memory(store: GraphStore) -> None:
    from loaders.sources import Source, combine

    a, b = _part("a", "Alfa", "Beta"), _part("b", "Beta", "Gamma")  # b describes what a only names
    steps = [
        ([(Source("a", "a.txt"), a, "1")], []),
        ([(Source("b", "b.txt"), b, "2")], []),
        ([], ["a"]),
    ]
    expected_parts: tuple[str, ...] = ()
    for add, remove in steps:
        expected, parts = combine(store.sources(), add, remove, now="t")
        store.update(
            lambda state, add=add, remove=remove: _with_parts(
                state, *combine(state.parts, add, remove, now="t")
            )
        )
        expected_parts = tuple(p.id for p in parts)
        back = store.read()
        assert back == expected
        assert tuple(p.id for p in store.sources()) == expected_parts
        assert store.counts() == (len(expected.nodes), len(expected.edges))
    assert [n.id for n in store.read().nodes] == ["beta", "gamma"] and expected_parts == ("b",)
    assert store.read().node("beta").kind == NodeKind.SYSTEM  # b's description, not a's mention


def test_a_whole_load_drops_the_source_parts(store: GraphStore) -> None:
    from loaders.sources import Source, combine

    store.update(
        lambda state: _with_parts(
            state, *combine(state.parts, [(Source("a", "a.txt"), _part("a", "Alfa", "Beta"), None)])
        )
    )
    assert [p.id for p in store.sources()] == ["a"]
    store.load(tiny())
    assert store.sources() == ()
