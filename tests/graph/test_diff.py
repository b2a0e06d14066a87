"""The diff of two portfolios: every kind of change, and the impact delta it makes."""

from __future__ import annotations

from hypothesis import given, settings

from graph.critical import critical
from graph.diff import diff
from graph.model import Confidence, Edge, Finding, Node, NodeKind, Portfolio, RelType, Strength, to_networkx
from tests.graph.test_properties import portfolios

NODES = (
    Node("app", "App", NodeKind.SYSTEM),
    Node("portal", "Portal", NodeKind.SYSTEM),
    Node("minid", "MinID", NodeKind.EXTERNAL),
    Node("helseid", "HelseID", NodeKind.EXTERNAL),
)
BASE = Portfolio(
    "d.txt",
    NODES,
    (
        Edge("app", "portal", RelType.ACCESSED_VIA, "App via Portal."),
        Edge("portal", "minid", RelType.AUTHENTICATES_WITH, "Innlogging med MinID."),
    ),
    (Finding("no-relations", "HelseID has no relations.", ("helseid",)),),
)


def _edges(p: Portfolio, *edges: Edge) -> Portfolio:
    return p.with_(edges=(*p.edges, *edges))


def test_the_same_portfolio_has_no_changes() -> None:
    d = diff(BASE, BASE)
    assert d.empty and d.radius == () and d.spof_new == d.spof_gone == ()


def test_an_added_and_a_removed_node_and_edge_are_listed() -> None:
    after = BASE.with_(nodes=(*NODES[:3], Node("new", "New", NodeKind.SYSTEM)), edges=BASE.edges[:1])
    d = diff(BASE, after)
    assert [n.id for n in d.nodes_added] == ["new"] and [n.id for n in d.nodes_removed] == ["helseid"]
    assert [e.key for e in d.edges_removed] == [("portal", "minid", "AUTHENTICATES_WITH")]
    assert ("minid" in d.spof_gone) and any(r.id == "minid" and r.delta < 0 for r in d.radius)


def test_a_changed_node_names_each_field_with_both_values() -> None:
    after = BASE.with_(nodes=(Node("app", "App", NodeKind.SYSTEM, owner="Hdir"), *NODES[1:]))
    (change,) = diff(BASE, after).nodes_changed
    assert (change.key, change.fields) == ("app", (("owner", None, "Hdir"),))


def test_an_edge_that_changed_only_its_evidence_is_a_change_of_evidence_with_both_sentences() -> None:
    after = BASE.with_(
        edges=(
            BASE.edges[0],
            Edge("portal", "minid", RelType.AUTHENTICATES_WITH, "Pålogging skjer med MinID."),
        )
    )
    d = diff(BASE, after)
    (change,) = d.edges_changed
    assert change.fields == (("evidence", "Innlogging med MinID.", "Pålogging skjer med MinID."),)
    assert (change.evidence_before, change.evidence_after) == (
        "Innlogging med MinID.",
        "Pålogging skjer med MinID.",
    )
    assert d.radius == ()  # the graph is the same: no blast radius moved


def test_strength_scope_confidence_and_mode_changes_are_each_named() -> None:
    after = BASE.with_(
        edges=(
            Edge(
                "app",
                "portal",
                RelType.ACCESSED_VIA,
                "App via Portal.",
                strength=Strength.SOFT,
                scope=("app",),
                mode="batch",
            ),
            Edge("portal", "minid", RelType.AUTHENTICATES_WITH, "Innlogging med MinID.", Confidence.INFERRED),
        )
    )
    fields = {c.key[:2]: {f for f, _, _ in c.fields} for c in diff(BASE, after).edges_changed}
    assert fields == {("app", "portal"): {"strength", "scope", "mode"}, ("portal", "minid"): {"confidence"}}


def test_an_alternative_added_turns_a_single_point_of_failure_into_a_fatal_pair() -> None:
    after = BASE.with_(
        edges=(
            BASE.edges[0],
            Edge("portal", "minid", RelType.AUTHENTICATES_WITH, "Innlogging med MinID.", alt_group="login"),
            Edge("portal", "helseid", RelType.AUTHENTICATES_WITH, "Eller HelseID.", alt_group="login"),
        )
    )
    d = diff(BASE, after)
    assert "minid" in d.spof_gone and d.pairs_new == (("helseid", "minid"),)
    minid = next(r for r in d.radius if r.id == "minid")
    assert (minid.before.down, minid.after.down, minid.after.degraded) == (2, 0, 2)  # portal and app degraded
    assert [c.fields for c in d.edges_changed] == [(("alt_group", None, "login"),)]


def test_the_largest_change_of_blast_radius_comes_first() -> None:
    after = _edges(BASE, Edge("helseid", "app", RelType.DEPENDS_ON, "HelseID trenger App."))
    d = diff(BASE, after)
    deltas = [abs(r.delta) for r in d.radius]
    assert deltas == sorted(deltas, reverse=True) and d.radius[0].delta > 0


def test_findings_opened_and_resolved_are_told_apart_by_code_and_nodes_not_line() -> None:
    after = BASE.with_(findings=(Finding("no-relations", "HelseID has no relations.", ("helseid",), 9),
                                 Finding("spelling", "“sakbehandling”", ("app",))))  # fmt: skip
    d = diff(BASE, after)
    assert [f.code for f in d.findings_opened] == ["spelling"] and d.findings_resolved == ()


def test_the_json_form_carries_both_sides_and_the_impact() -> None:
    after = _edges(BASE, Edge("helseid", "app", RelType.DEPENDS_ON, "HelseID trenger App."))
    body = diff(BASE, after).to_dict()
    assert body["edges"]["added"][0]["evidence"] == "HelseID trenger App."
    assert {"radius", "single_points_of_failure", "fatal_pairs"} <= set(body["impact"])
    assert body["from"] == BASE.revision and body["to"] == after.revision


def _by_brute_force(p: Portfolio) -> dict[str, tuple[int, int, int]]:
    """Every node's (blast radius, down, degraded) when it fails alone, from :func:`critical`."""
    return {c.id: (c.blast_radius, c.down, c.degraded) for c in critical(to_networkx(p)).nodes}


@settings(max_examples=150, deadline=None)
@given(portfolios(), portfolios())
def test_the_impact_delta_equals_failing_every_node_in_both_revisions(one: Portfolio, two: Portfolio) -> None:
    d = diff(one, two)
    before, after = _by_brute_force(one), _by_brute_force(two)
    zero = (0, 0, 0)
    changed = {
        n: (before.get(n, zero), after.get(n, zero))
        for n in before.keys() | after.keys()
        if before.get(n, zero) != after.get(n, zero)
    }
    assert not d.truncated
    reported = {
        r.id: (
            (r.before.blast, r.before.down, r.before.degraded),
            (r.after.blast, r.after.down, r.after.degraded),
        )
        for r in d.radius
    }
    assert reported == changed
    spof_before = {n for n, (_, down, _) in before.items() if down}
    spof_after = {n for n, (_, down, _) in after.items() if down}
    assert set(d.spof_new) == spof_after - spof_before
    assert set(d.spof_gone) == spof_before - spof_after


@settings(max_examples=60, deadline=None)
@given(portfolios(), portfolios())
def test_when_the_work_budget_runs_out_the_diff_says_so_and_what_it_reports_is_still_exact(
    one: Portfolio, two: Portfolio
) -> None:
    import graph.diff

    full = diff(one, two)
    saved = graph.diff._BUDGET
    graph.diff._BUDGET = 0
    try:
        short = diff(one, two)
    finally:
        graph.diff._BUDGET = saved
    assert short.compared <= full.compared == full.candidates
    if short.compared < short.candidates:
        assert short.truncated
    assert set(short.radius) <= set(full.radius)
    assert set(short.spof_new) <= set(full.spof_new) and set(short.spof_gone) <= set(full.spof_gone)
    if not short.truncated:
        assert short == full
