"""The impact rules, one literal graph per rule."""

from __future__ import annotations

import json

import pytest

from graph.errors import InvalidQuery, NodeNotFound
from graph.examples import letters
from graph.impact import impact
from graph.model import RelType
from tests.graph.builders import ACTOR, CURATED, INFERRED, SOFT, build, chain, edge, node


def states(G, down, **kw):
    return impact(G, down, **kw).states()


def test_hard_chain_takes_every_dependent_down_with_growing_distance():
    G = build(chain("a", "b", "c", "d"))
    result = impact(G, ["d"])
    assert [(i.id, i.state, i.distance) for i in result.impacted] == [
        ("c", "down", 1),
        ("b", "down", 2),
        ("a", "down", 3),
    ]
    assert result.by_id("a").path.nodes == ("a", "b", "c", "d")
    assert result.by_id("a").causes == ("d",)


def test_dependencies_of_the_failed_node_are_not_impacted():
    G = build(chain("a", "b", "c"))
    assert states(G, ["b"]) == {"b": "down", "a": "down"}


def test_soft_edge_lost_only_degrades_and_says_so():
    G = build([edge("app", "stats", strength=SOFT), edge("user-app", "app")])
    result = impact(G, ["stats"])
    app = result.by_id("app")
    assert (app.state, app.degraded_by) == ("degraded", ("soft",))
    user = result.by_id("user-app")
    assert (user.state, user.degraded_by, user.distance) == ("degraded", ("impaired",), 2)


def test_alternative_channel_keeps_letters_flowing_when_one_channel_is_down():
    G = build(
        [
            edge("letters", "print", RelType.DELIVERS_VIA, alt="channel"),
            edge("letters", "digipost", RelType.DELIVERS_VIA, alt="channel"),
            edge("case", "letters"),
        ]
    )
    one = impact(G, ["print"])
    assert (one.by_id("letters").state, one.by_id("letters").degraded_by) == ("degraded", ("alternative",))
    assert one.by_id("case").state == "degraded"


def test_losing_every_alternative_takes_the_source_down():
    G = build(
        [
            edge("letters", "print", alt="channel"),
            edge("letters", "digipost", alt="channel", strength=SOFT),
            edge("case", "letters"),
        ]
    )
    assert states(G, ["print", "digipost"]) == {
        "print": "down",
        "digipost": "down",
        "letters": "down",
        "case": "down",
    }


def test_losing_an_all_soft_alternatives_group_only_degrades():
    G = build([edge("x", "p", alt="g", strength=SOFT), edge("x", "q", alt="g", strength=SOFT)])
    result = impact(G, ["p", "q"])
    assert (result.by_id("x").state, result.by_id("x").degraded_by) == ("degraded", ("soft",))


def test_alternative_groups_are_per_source_node():
    # Both sources call their group "g"; y's group is fully lost, x keeps its own member.
    G = build([edge("x", "p", alt="g"), edge("x", "q", alt="g"), edge("y", "p", alt="g"), edge("y", "r")])
    assert states(G, ["p"]) == {"p": "down", "x": "degraded", "y": "down"}


def _portal_graph():
    nodes = [node("helseaktor", ACTOR), node("helfo", ACTOR), node("apotek", ACTOR)]
    return build(
        [
            edge("portal", "helseid", RelType.AUTHENTICATES_WITH),
            edge("praksisinfo", "portal", RelType.ACCESSED_VIA, scope=["helseaktor"]),
            edge("helseaktor", "praksisinfo"),
            edge("helfo", "praksisinfo"),
            edge("rapport", "praksisinfo"),
            edge("apotek", "portal", strength=SOFT),
        ],
        nodes,
    )


def test_portal_down_degrades_the_system_and_makes_it_down_for_its_scoped_actor():
    result = impact(_portal_graph(), ["portal"])
    info = result.by_id("praksisinfo")
    assert (info.state, info.down_for, info.degraded_by) == ("degraded", ("helseaktor",), ("scoped",))
    helseaktor = next(a for a in result.actors if a.id == "helseaktor")
    assert [(x.id, x.state) for x in helseaktor.loses] == [("praksisinfo", "down")]


def test_another_actor_and_a_system_using_the_scoped_system_are_not_affected():
    impacted = {i.id for i in impact(_portal_graph(), ["portal"]).impacted}
    assert "helfo" not in impacted
    assert "rapport" not in impacted


def test_who_notices_lists_each_affected_actor_with_what_it_loses():
    result = impact(_portal_graph(), ["helseid"])
    actors = {a.id: a for a in result.actors}
    assert sorted(actors) == ["apotek", "helseaktor"]
    assert [(x.id, x.state) for x in actors["helseaktor"].loses] == [("praksisinfo", "down")]
    assert [(x.id, x.state) for x in actors["apotek"].loses] == [("portal", "down")]


def test_an_organisation_has_no_state_of_its_own_and_is_not_an_impacted_node():
    result = impact(_portal_graph(), ["helseid"])
    assert not {"apotek", "helseaktor", "helfo"} & {i.id for i in result.impacted}
    assert all("state" not in a.to_dict() for a in result.actors)
    assert "actor" not in result.summary()["by_kind"]


def test_a_system_down_for_everyone_is_down_for_the_scoped_actor_too():
    G = build(
        [
            edge("praksisinfo", "portal", scope=["helseaktor"]),
            edge("praksisinfo", "db"),
            edge("helseaktor", "praksisinfo"),
            edge("helfo", "praksisinfo"),
        ],
        [node("helseaktor", ACTOR), node("helfo", ACTOR)],
    )
    assert states(G, ["portal", "db"]) == {"portal": "down", "db": "down", "praksisinfo": "down"}
    loses = {a.id: [(x.id, x.state) for x in a.loses] for a in impact(G, ["portal", "db"]).actors}
    assert loses == {"helseaktor": [("praksisinfo", "down")], "helfo": [("praksisinfo", "down")]}


def test_scoped_access_chains_carry_the_actor_through_a_portal_that_is_itself_only_down_for_it():
    G = build(
        [
            edge("portal", "helseid", scope=["helseaktor"]),
            edge("praksisinfo", "portal", scope=["helseaktor"]),
            edge("helseaktor", "praksisinfo"),
        ],
        [node("helseaktor", ACTOR)],
    )
    result = impact(G, ["helseid"])
    assert result.by_id("portal").down_for == ("helseaktor",)
    assert result.by_id("praksisinfo").down_for == ("helseaktor",)
    assert [(a.id, [x.id for x in a.loses]) for a in result.actors] == [
        ("helseaktor", ["portal", "praksisinfo"])
    ]


def test_min_confidence_curated_ignores_inferred_edges():
    G = build([edge("a", "b", confidence=INFERRED), edge("c", "b", confidence=CURATED)])
    assert states(G, ["b"], min_confidence="inferred") == {"b": "down", "a": "down", "c": "down"}
    assert states(G, ["b"], min_confidence="curated") == {"b": "down", "c": "down"}
    assert states(G, ["b"], min_confidence="stated") == {"b": "down"}


def test_the_default_answer_leaves_inferred_consequences_apart_as_possible():
    G = build([edge("a", "b", confidence=INFERRED), edge("x", "a"), edge("c", "b")])
    result = impact(G, ["b"])
    assert result.min_confidence == "curated" and [i.id for i in result.impacted] == ["c"]
    assert [(i.id, i.inferred) for i in result.possible] == [("a", True), ("x", True)]
    assert result.possible[0].path.hops[0].confidence == "inferred"
    assert result.summary()["possible"] == 2 and not impact(G, ["b"], min_confidence="inferred").possible


def test_inferred_flag_marks_nodes_impacted_only_through_inferred_edges():
    G = build(
        [
            edge("a", "b", confidence=INFERRED),
            edge("c", "a"),
            edge("d", "b", confidence=INFERRED),
            edge("d", "e"),
            edge("e", "b", confidence=CURATED),
        ]
    )
    result = impact(G, ["b"], min_confidence="inferred")
    assert result.by_id("a").inferred
    assert result.by_id("c").inferred
    d = result.by_id("d")
    assert not d.inferred
    assert d.path.nodes == ("d", "b") and d.path.inferred
    assert d.curated_path is not None and d.curated_path.nodes == ("d", "e", "b")
    assert result.summary()["inferred"] == 2


def test_inferred_flag_is_false_for_everyone_when_inferred_edges_are_already_excluded():
    G = build([edge("a", "b", confidence=CURATED)])
    assert not impact(G, ["b"], min_confidence="curated").by_id("a").inferred


def test_explanation_path_prefers_the_better_evidenced_edge_among_equally_short_ones():
    G = build([edge("a", "x", confidence=INFERRED), edge("a", "y"), edge("x", "f"), edge("y", "f")])
    assert impact(G, ["f"]).by_id("a").path.nodes == ("a", "y", "f")


def test_causes_list_every_failed_node_a_node_traces_back_to():
    G = build([edge("a", "p"), edge("a", "q", strength=SOFT), edge("b", "q")])
    result = impact(G, ["p", "q"])
    assert result.by_id("a").causes == ("p", "q")
    assert result.by_id("b").causes == ("q",)


def test_cycles_converge_and_every_member_goes_down():
    G = build([edge("a", "b"), edge("b", "a"), edge("b", "c")])
    assert states(G, ["c"]) == {"c": "down", "b": "down", "a": "down"}


def test_summary_counts_by_kind_and_state_and_the_dict_is_json():
    result = impact(letters(), ["print", "digipost"], min_confidence="inferred")
    summary = result.summary()
    assert summary["by_state"] == {"down": 3, "degraded": 1, "delayed": 0}
    assert summary["by_kind"]["system"] == {"down": 3, "degraded": 1, "delayed": 0}
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["down"] == ["digipost", "print"]
    first = payload["impacted"][0]
    assert {"id", "name", "kind", "state", "distance", "path", "edge_types", "evidence", "inferred"} <= set(
        first
    )
    assert first["evidence"] == ["Brev sendes på papir"] or first["evidence"] == ["eller digitalt."]


def test_impacted_nodes_are_ordered_by_distance_then_id():
    G = build([edge("z", "f"), edge("a", "f"), edge("m", "z")])
    assert [i.id for i in impact(G, ["f"]).impacted] == ["a", "z", "m"]


def test_unknown_failed_node_raises_with_suggestions():
    with pytest.raises(NodeNotFound) as err:
        impact(letters(), ["helseidd"])
    assert err.value.suggestions[0] == "helseid"


def test_unknown_confidence_level_is_an_invalid_query():
    with pytest.raises(InvalidQuery):
        impact(letters(), ["print"], min_confidence="sure")


def test_impact_does_not_modify_the_graph():
    G = letters()
    before = (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)))
    impact(G, ["print", "helseid"])
    assert before == (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)))


def test_explanation_path_avoids_inferred_hops_further_along_when_it_can():
    G = build([edge("a", "x"), edge("a", "y"), edge("x", "f", confidence=INFERRED), edge("y", "f")])
    path = impact(G, ["f"]).by_id("a").path
    assert path.nodes == ("a", "y", "f") and not path.inferred


def test_explanations_never_pass_through_trouble_the_dependent_does_not_feel():
    # praksisinfo is only down for helseaktør; rapport (a system) is hit through x -> y instead.
    G = build(
        [
            edge("praksisinfo", "portal", RelType.ACCESSED_VIA, scope=["helseaktor"]),
            edge("rapport", "praksisinfo"),
            *chain("rapport", "x", "y", "portal"),
        ],
        [node("helseaktor", ACTOR)],
    )
    rapport = impact(G, ["portal"]).by_id("rapport")
    assert (rapport.distance, rapport.path.nodes) == (3, ("rapport", "x", "y", "portal"))


def test_a_batch_flow_from_a_failed_node_delays_its_reader_and_what_reads_from_it():
    G = build([edge("lonn", "tid", mode="batch"), edge("rapport", "lonn"), edge("portal", "tid")])
    assert states(G, ["tid"]) == {"tid": "down", "lonn": "delayed", "rapport": "delayed", "portal": "down"}


def test_a_node_in_trouble_through_a_live_edge_too_is_not_only_delayed():
    G = build([edge("lonn", "tid", mode="batch"), edge("lonn", "db", strength=SOFT), edge("x", "lonn")])
    assert states(G, ["tid", "db"]) == {"tid": "down", "db": "down", "lonn": "degraded", "x": "degraded"}


def test_an_actor_whose_system_is_only_late_loses_it_as_delayed():
    G = build([edge("lonn", "tid", mode="batch"), edge("hr", "lonn")], [node("hr", ACTOR)])
    result = impact(G, ["tid"])
    assert [(a.id, [(x.id, x.state) for x in a.loses]) for a in result.actors] == [
        ("hr", [("lonn", "delayed")])
    ]
