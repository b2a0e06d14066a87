"""Dependencies, dependents, paths between nodes and cycles."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import InvalidQuery, NodeNotFound
from graph.model import RelType
from graph.traverse import _shortest_paths_in_order, cycles, dependencies, dependents, paths
from tests.graph.builders import INFERRED, build, chain, edge


def test_dependencies_lists_direct_and_transitive_targets_with_distance_and_edge():
    G = build([*chain("a", "b", "c", "d"), edge("a", "c", RelType.HOSTED_ON, evidence="A runs on C.")])
    reach = dependencies(G, "a")
    assert [(r.id, r.distance) for r in reach.items] == [("b", 1), ("c", 1), ("d", 2)]
    assert reach.direct == ("b", "c")
    c = reach.items[1]
    assert (c.via.source, c.via.target, c.via.type, c.via.evidence) == ("a", "c", "HOSTED_ON", "A runs on C.")


def test_depth_limits_how_far_the_walk_goes():
    G = build(chain("a", "b", "c", "d"))
    assert [r.id for r in dependencies(G, "a", depth=2).items] == ["b", "c"]
    assert dependencies(G, "a", depth=0).items == ()


def test_dependents_walks_against_the_edges_and_via_points_towards_the_start():
    G = build([*chain("a", "b", "c"), edge("x", "c")])
    reach = dependents(G, "c")
    assert [(r.id, r.distance) for r in reach.items] == [("b", 1), ("x", 1), ("a", 2)]
    a = reach.items[2]
    assert (a.via.source, a.via.target) == ("a", "b")


def test_walks_skip_edges_below_the_requested_confidence():
    G = build([edge("a", "b", confidence=INFERRED), edge("a", "c")])
    assert [r.id for r in dependencies(G, "a", min_confidence="curated").items] == ["c"]
    assert [r.id for r in dependents(G, "b", min_confidence="stated").items] == []


def test_via_prefers_the_best_evidenced_of_parallel_routes():
    G = build([edge("a", "x", confidence=INFERRED), edge("a", "y"), edge("x", "t"), edge("y", "t")])
    t = dependencies(G, "a").items[-1]
    assert (t.id, t.via.source) == ("t", "y")


def test_paths_returns_every_shortest_path_with_types_and_evidence():
    G = build(
        [
            edge("a", "b", evidence="A uses B."),
            edge("a", "c", RelType.INTEGRATES_VIA, evidence="A integrates via C."),
            edge("b", "d"),
            edge("c", "d"),
            edge("a", "e"),
            *chain("e", "f", "d"),
        ]
    )
    found = paths(G, "a", "d")
    assert found.direction == "forward" and found.length == 2
    assert [p.nodes for p in found.paths] == [("a", "b", "d"), ("a", "c", "d")]
    assert found.paths[1].to_dict()["edge_types"] == ["INTEGRATES_VIA", "USES"]
    assert found.paths[1].to_dict()["evidence"][0] == "A integrates via C."


def test_paths_are_capped_by_limit_and_say_so():
    G = build([edge("a", m) for m in "bcd"] + [edge(m, "z") for m in "bcd"])
    found = paths(G, "a", "z", limit=2)
    assert [p.nodes[1] for p in found.paths] == ["b", "c"] and found.truncated


def test_paths_falls_back_to_the_reverse_direction_and_says_so():
    G = build(chain("a", "b", "c"))
    found = paths(G, "c", "a")
    assert found.direction == "reverse"
    assert found.paths[0].nodes == ("a", "b", "c")
    assert "a depends on c" in found.message


def test_paths_between_unrelated_nodes_is_empty_not_an_error():
    G = build([edge("a", "b"), edge("c", "d")])
    found = paths(G, "a", "d")
    assert (found.direction, found.paths, found.length) == ("none", (), None)


def test_parallel_relation_types_are_reported_on_the_hop():
    G = build([edge("a", "b"), edge("a", "b", RelType.HOSTED_ON)])
    (hop,) = paths(G, "a", "b").paths[0].hops
    assert (hop.type, hop.also) == ("HOSTED_ON", ("USES",))


def test_unknown_nodes_and_same_node_queries_are_errors():
    G = build([edge("a", "b")])
    with pytest.raises(NodeNotFound):
        paths(G, "a", "nope")
    with pytest.raises(InvalidQuery):
        paths(G, "a", "a")
    with pytest.raises(NodeNotFound):
        dependencies(G, "nope")


def test_cycles_are_listed_once_from_their_smallest_node_with_their_edges():
    G = build([*chain("c", "a", "b", "c"), edge("x", "x"), edge("a", "z")])
    found = cycles(G)
    assert [c.nodes for c in found.cycles] == [("x",), ("a", "b", "c")]
    assert [(h.source, h.target) for h in found.cycles[1].path.hops] == [("a", "b"), ("b", "c"), ("c", "a")]
    assert not found.truncated


def test_cycles_are_bounded_by_limit_and_length():
    G = build([*chain("a", "b", "a"), *chain("c", "d", "e", "c")])
    assert len(cycles(G, limit=1).cycles) == 1 and cycles(G, limit=1).truncated
    assert [c.nodes for c in cycles(G, max_length=2).cycles] == [("a", "b")]


def test_a_two_way_exchange_is_a_mutual_exchange_not_a_circular_dependency():
    ex = RelType.EXCHANGES_WITH
    G = build([edge("a", "b", ex), edge("b", "a", ex), *chain("c", "d", "c")])
    found = cycles(G)
    assert found.mutual == (("a", "b"),)
    assert [c.nodes for c in found.cycles] == [("c", "d")]  # a real loop of dependencies stays one


def test_no_cycles_in_a_dag():
    assert cycles(build(chain("a", "b", "c"))).cycles == ()


@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=25))
def test_shortest_paths_come_in_lexicographic_order_and_are_exactly_networkx_s(pairs):
    H = nx.MultiDiGraph()
    H.add_nodes_from(str(i) for i in range(8))
    H.add_edges_from((str(a), str(b)) for a, b in pairs if a != b)
    for a, b in (("0", "7"), ("1", "5")):
        if nx.has_path(H, a, b):
            assert list(_shortest_paths_in_order(H, a, b)) == sorted(nx.all_shortest_paths(H, a, b))


def test_a_path_thousands_of_hops_long_is_found_without_recursion():
    G = build(chain(*(f"n{i:04}" for i in range(3001))))
    found = paths(G, "n0000", "n3000")
    assert found.direction == "forward" and found.length == 3000
