"""What-if scenarios: several nodes down, edits, before/after."""

from __future__ import annotations

import pytest

from graph.errors import InvalidEdit, NodeNotFound
from graph.impact import impact
from graph.scenario import (
    AddEdge,
    RemoveEdge,
    SetAltGroup,
    SetStrength,
    apply_edits,
    edit_from_dict,
    scenario,
)
from tests.graph.builders import SOFT, build, chain, edge, node


def _letters():
    return build(
        [edge("case", "letters"), edge("letters", "print"), edge("web", "case", strength=SOFT)],
        [node("digipost")],
    )


def test_adding_an_alternative_turns_down_into_degraded():
    G = _letters()
    result = scenario(
        G,
        ["print"],
        [
            AddEdge("letters", "digipost", "DELIVERS_VIA", alt_group="channel"),
            SetAltGroup("letters", "print", "USES", "channel"),
        ],
    )
    assert result.before.states() == {"print": "down", "letters": "down", "case": "down", "web": "degraded"}
    assert result.after.states() == {
        "print": "down",
        "letters": "degraded",
        "case": "degraded",
        "web": "degraded",
    }
    assert [(c.id, c.before, c.after) for c in result.changed] == [
        ("case", "down", "degraded"),
        ("letters", "down", "degraded"),
    ]
    assert result.to_dict()["diff"]["better"] == ["case", "letters"]


def test_removing_an_edge_can_shrink_the_blast_radius():
    result = scenario(_letters(), ["print"], [RemoveEdge("case", "letters", "USES")])
    assert result.blast_radius == (3, 1)
    assert {c.id: c.after for c in result.changed} == {"case": "ok", "web": "ok"}


def test_softening_an_edge_degrades_instead_of_taking_down():
    result = scenario(_letters(), ["print"], [SetStrength("letters", "print", "USES", "soft")])
    assert result.after.states()["letters"] == "degraded"
    assert result.after.by_id("letters").degraded_by == ("soft",)


def test_several_nodes_down_at_once_without_edits_changes_nothing():
    G = build([edge("a", "p", alt="g"), edge("a", "q", alt="g")])
    result = scenario(G, ["p", "q"])
    assert result.before.states()["a"] == "down" and result.changed == ()
    assert result.before.to_dict() == result.after.to_dict()


def test_an_added_edge_into_the_failure_pulls_in_new_dependents():
    G = build([edge("a", "b"), edge("x", "y"), edge("w", "x")])
    result = scenario(G, ["b"], [AddEdge("x", "b")])
    assert result.after.states() == {"b": "down", "a": "down", "x": "down", "w": "down"}
    assert result.to_dict()["diff"]["worse"] == ["w", "x"]


def test_the_scenario_matches_impact_on_a_fully_edited_copy():
    G = build(
        [
            *chain("a", "b", "c"),
            edge("b", "d", alt="g"),
            edge("b", "e", alt="g"),
            edge("f", "a", strength=SOFT),
            edge("e", "z"),
        ]
    )
    edits = [
        SetAltGroup("b", "c", "USES", "g"),
        RemoveEdge("b", "e", "USES"),
        AddEdge("f", "z", alt_group="h"),
    ]
    full = G.copy()
    apply_edits(full, edits)
    assert scenario(G, ["c", "d"], edits).after.to_dict() == impact(full, ["c", "d"]).to_dict()


def test_the_input_graph_is_not_modified():
    G = _letters()
    before = list(G.edges(keys=True, data=True))
    scenario(
        G, ["print"], [SetStrength("letters", "print", "USES", "soft"), RemoveEdge("case", "letters", "USES")]
    )
    assert list(G.edges(keys=True, data=True)) == before


def test_edits_that_do_not_apply_are_rejected():
    G = _letters()
    with pytest.raises(InvalidEdit):
        scenario(G, ["print"], [RemoveEdge("web", "print", "USES")])
    with pytest.raises(InvalidEdit):
        scenario(G, ["print"], [AddEdge("case", "letters")])
    with pytest.raises(InvalidEdit):
        scenario(G, ["print"], [SetStrength("letters", "print", "USES", "medium")])
    with pytest.raises(InvalidEdit):
        scenario(G, ["print"], [AddEdge("case", "print", type="LIKES")])
    with pytest.raises(NodeNotFound):
        scenario(G, ["print"], [AddEdge("case", "nowhere")])


def test_removing_the_same_unrelated_edge_twice_is_rejected():
    G = build([edge("a", "b"), edge("x", "y")])
    with pytest.raises(InvalidEdit):
        scenario(G, ["b"], [RemoveEdge("x", "y", "USES"), RemoveEdge("x", "y", "USES")])


def test_edits_round_trip_through_their_json_form():
    edits = [
        RemoveEdge("a", "b", "USES"),
        AddEdge("a", "c", "DELIVERS_VIA", alt_group="g", scope=("actor-x",)),
        SetStrength("a", "b", "USES", "soft"),
        SetAltGroup("a", "b", "USES", None),
    ]
    assert [edit_from_dict(e.to_dict()) for e in edits] == edits
    with pytest.raises(InvalidEdit):
        edit_from_dict({"op": "remove_edge", "source": "a"})
