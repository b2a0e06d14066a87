"""The fast engine (:mod:`graph.impact`) against the reference (:mod:`tests.graph.impact_reference`): the same
answers, field by field, on random graphs, on the seed and on a generated landscape."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.impact import ImpactIndex, impact, impact_states
from graph.model import Portfolio, to_networkx
from tests.graph.impact_reference import reference_impact, reference_states
from tests.graph.test_properties import LEVELS, failures, portfolios


def _same(G: nx.MultiDiGraph, down: list[str], level: str, index: ImpactIndex | None = None) -> None:
    fast = impact(G, down, min_confidence=level, index=index)
    reference = reference_impact(G, down, min_confidence=level)
    assert fast.to_dict() == reference.to_dict()
    assert fast == reference
    assert impact_states(G, down, min_confidence=level, index=index) == reference_states(
        G, down, min_confidence=level
    )


@settings(max_examples=400)
@given(st.data(), LEVELS)
def test_the_fast_engine_answers_as_the_reference_on_random_graphs(data: st.DataObject, level: str) -> None:
    p = data.draw(portfolios())
    G = to_networkx(p)
    _same(G, sorted(data.draw(failures(p))), level)


@settings(max_examples=100)
@given(st.data(), LEVELS)
def test_the_fast_engine_answers_as_the_reference_on_random_dags(data: st.DataObject, level: str) -> None:
    p = data.draw(portfolios(acyclic=True))
    G = to_networkx(p)
    _same(G, sorted(data.draw(failures(p))), level)


@pytest.mark.parametrize("level", ["inferred", "curated", "stated"])
def test_the_fast_engine_answers_as_the_reference_for_every_seed_node(seed: Portfolio, level: str) -> None:
    seed_graph = to_networkx(seed)
    ix = ImpactIndex(seed_graph)
    for n in sorted(seed_graph):
        _same(seed_graph, [n], level, ix)


def test_pages_are_slices_of_the_whole_answer(seed: Portfolio) -> None:
    seed_graph = to_networkx(seed)
    whole = impact(seed_graph, ["hint"]).to_dict()
    page = impact(seed_graph, ["hint"]).to_dict(offset=5, limit=7)
    assert page["impacted"] == whole["impacted"][5:12]
    assert (page["total"], page["offset"], page["limit"]) == (len(whole["impacted"]), 5, 7)
    assert page["summary"] == whole["summary"]


def test_trouble_crossing_alternatives_and_plain_nodes_by_turns_answers_as_the_reference() -> None:
    # The sweep alternates: plain nodes in bulk, then the special ones one by one, then plain again. Here
    # each special node (an alternatives group) sits between plain ones, so the answer needs several rounds.
    from graph.model import Edge, Node, NodeKind, RelType, Strength

    ids = ["db", "app", "gw", "site", "spare", "portal", "user"]
    nodes = tuple(Node(i, i.title(), NodeKind.ACTOR if i == "user" else NodeKind.SYSTEM) for i in ids)
    uses = RelType.USES
    edges = (
        Edge("app", "db", uses, "App bruker db."),
        Edge("gw", "app", uses, "Gw bruker app.", alt_group="out"),
        Edge("gw", "spare", uses, "Gw bruker spare.", alt_group="out"),
        Edge("spare", "db", uses, "Spare bruker db."),
        Edge("site", "gw", uses, "Site bruker gw."),
        Edge("portal", "site", uses, "Portal bruker site.", alt_group="web"),
        Edge("portal", "gw", uses, "Portal bruker gw.", alt_group="web", strength=Strength.SOFT),
        Edge("user", "portal", uses, "User bruker portal."),
    )
    G = to_networkx(Portfolio("d", nodes, edges))
    for level in ("inferred", "curated", "stated"):
        _same(G, ["db"], level)
    assert impact_states(G, ["db"]) == {
        "app": "down",
        "db": "down",
        "gw": "down",
        "portal": "down",
        "site": "down",
        "spare": "down",
    }
