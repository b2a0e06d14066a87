"""Blast radius, single points of failure (exact and by dominators), fatal pairs, betweenness."""

from __future__ import annotations

import pytest

from graph.critical import critical, dominator_tree, required_units
from graph.errors import NodeNotFound
from graph.impact import impact_states
from tests.graph.builders import SOFT, build, chain, edge


def test_blast_radius_counts_what_goes_down_or_degrades_when_a_node_fails_alone():
    G = build([*chain("app", "db", "disk"), edge("report", "app", strength=SOFT)])
    crit = critical(G)
    disk = crit.node("disk")
    assert (disk.blast_radius, disk.down, disk.degraded) == (3, 2, 1)
    assert [c.id for c in crit.nodes][:3] == ["disk", "db", "app"]


def test_single_points_of_failure_follow_the_dependency_direction_not_just_articulation():
    # disk is no articulation point of the undirected graph (b also reaches disk through c),
    # yet its failure alone takes a down.
    G = build([edge("a", "b"), edge("b", "disk"), edge("a", "c"), edge("c", "disk")])
    crit = critical(G)
    assert crit.node("a").single_points_of_failure == ("b", "c", "disk")
    assert crit.node("a").dominators == ("disk",)


def test_alternatives_are_no_single_point_of_failure_but_what_they_share_is():
    G = build([edge("svc", "p", alt="g"), edge("svc", "q", alt="g"), edge("p", "net"), edge("q", "net")])
    crit = critical(G)
    assert crit.node("svc").single_points_of_failure == ("net",)
    assert crit.node("svc").dominators == ("net",)
    assert crit.node("net").dominates == 3


def test_dominators_match_the_exact_single_points_of_failure_when_every_node_has_one_required_unit():
    G = build(
        [
            edge("a", "b", alt="g"),
            edge("a", "c", alt="g"),
            edge("b", "d"),
            edge("c", "d"),
            edge("d", "e"),
            edge("x", "a"),
        ]
    )
    crit = critical(G)
    for c in crit.nodes:
        assert set(c.dominators) == set(c.single_points_of_failure), c.id


def test_dominators_are_a_subset_of_the_exact_set_when_a_node_needs_two_things():
    G = build([edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")])
    crit = critical(G)
    a = crit.node("a")
    assert set(a.dominators) == {"d"}
    assert set(a.single_points_of_failure) == {"b", "c", "d"}


def test_every_reported_single_point_of_failure_really_takes_the_node_down():
    G = build([*chain("a", "b", "c"), edge("a", "x", alt="g"), edge("a", "y", alt="g"), edge("y", "c")])
    for c in critical(G).nodes:
        for x in c.single_points_of_failure:
            assert impact_states(G, [x])[c.id] == "down"


def test_required_units_ignore_soft_and_scoped_edges_and_group_alternatives():
    G = build(
        [
            edge("n", "hard"),
            edge("n", "soft", strength=SOFT),
            edge("n", "portal", scope=["actor-x"]),
            edge("n", "p", alt="g"),
            edge("n", "q", alt="g", strength=SOFT),
            edge("n", "s1", alt="s", strength=SOFT),
            edge("n", "s2", alt="s", strength=SOFT),
        ]
    )
    assert required_units(G, "n") == [("hard",), ("p", "q")]


def test_a_foundationless_hard_cycle_has_no_dominator():
    G = build([*chain("a", "b", "a"), edge("c", "d")])
    tree = dominator_tree(G)
    assert "a" not in tree and "b" not in tree
    assert tree["c"] == "d"


def test_pairs_find_two_nodes_that_only_together_break_something():
    G = build(
        [
            edge("letters", "print", alt="channel"),
            edge("letters", "digipost", alt="channel"),
            edge("case", "letters"),
            edge("other", "print"),
        ]
    )
    crit = critical(G)
    assert [(p.pair, p.breaks) for p in crit.pairs] == [(("digipost", "print"), ("case", "letters"))]


def test_pairs_reach_through_what_kills_each_alternative():
    G = build(
        [edge("svc", "p", alt="g"), edge("svc", "q", alt="g"), edge("p", "p-host"), edge("q", "q-host")]
    )
    pairs = {p.pair: p.breaks for p in critical(G).pairs}
    assert pairs[("p-host", "q-host")] == ("svc",)
    assert pairs[("p", "q-host")] == ("svc",)
    assert set(pairs) == {("p", "q"), ("p", "q-host"), ("p-host", "q"), ("p-host", "q-host")}


def test_pair_search_is_bounded():
    G = build(
        [edge("svc", m, alt="g") for m in "pq"] + [edge(m, f"{m}-host{i}") for m in "pq" for i in range(5)]
    )
    crit = critical(G, max_pairs=3)
    assert crit.pairs_checked == 3 and crit.pairs_truncated


def test_betweenness_is_reported_for_nodes_in_the_middle():
    crit = critical(build(chain("a", "b", "c")))
    assert crit.node("b").betweenness > 0 and crit.node("a").betweenness == 0


def test_candidates_restrict_which_nodes_are_failed_one_by_one():
    G = build(chain("a", "b", "c"))
    crit = critical(G, candidates=["c"])
    assert crit.node("c").blast_radius == 2 and crit.node("b").blast_radius == 0
    assert crit.node("a").single_points_of_failure == ("c",)
    with pytest.raises(NodeNotFound):
        critical(G, candidates=["nope"])


def test_critical_to_dict_is_plain_data():
    d = critical(build(chain("a", "b"))).to_dict()
    assert d["nodes"][0]["id"] == "b" and d["nodes"][0]["blast_radius"] == 1
    assert d["pairs"] == [] and d["pairs_truncated"] is False
