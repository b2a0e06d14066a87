"""Curation decisions: every operation applies as the overlay's would, reverts undo (and redo), a decision
the document no longer supports is kept and flagged, and the overlay format round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Confidence, Edge, Finding, Node, NodeKind, Portfolio, RelType
from graph.store import MemoryStore
from loaders import SEED, SEED_OVERLAY, load_portfolio, parse_document
from loaders.curation import (
    CurationError,
    active,
    curated,
    decide,
    decision,
    export_overlay,
    import_overlay,
    load_whole,
    revert_of,
)


def base() -> Portfolio:
    return Portfolio(
        "d.txt",
        (
            Node("portal", "Portal", NodeKind.SYSTEM),
            Node("case", "Case", NodeKind.SYSTEM),
            Node("login", "Login", NodeKind.EXTERNAL),
            Node("innlogging", "Innlogging", NodeKind.EXTERNAL),
            Node("clerk", "Clerk", NodeKind.ACTOR),
        ),
        (
            Edge("case", "portal", RelType.ACCESSED_VIA, "Case via Portal.", scope=("clerk",)),
            Edge("portal", "login", RelType.AUTHENTICATES_WITH, "Logs in."),
            Edge("case", "innlogging", RelType.AUTHENTICATES_WITH, "Innlogging."),
            Edge("clerk", "case", RelType.USES, "Brukes av saksbehandlere.", Confidence.INFERRED),
        ),
        (Finding("possible-same", "Login and Innlogging may be one.", ("login", "innlogging")),),
    )


def _d(seq: int, op: str, author: str = "kari", reason: str = "why", **item: object) -> object:
    return decision(seq, op, dict(item), author, reason, at="2026-12-05T10:00:00+00:00")


def _keys(p: Portfolio) -> set[tuple[str, str, str]]:
    return {e.key for e in p.edges}


def test_removing_an_edge_removes_it_and_says_who_and_why() -> None:
    p = curated(base(), [_d(1, "edges.remove", source="portal", target="login", type="AUTHENTICATES_WITH")])
    assert ("portal", "login", "AUTHENTICATES_WITH") not in _keys(p)
    assert any(f.code == "curated-removal" and "why" in f.message for f in p.findings)


def test_an_added_edge_is_curated_and_cites_the_decision() -> None:
    d = _d(1, "edges.add", source="portal", target="case", type="DEPENDS_ON", strength="soft")
    (edge,) = [e for e in curated(base(), [d]).edges if e.key == ("portal", "case", "DEPENDS_ON")]
    assert (edge.confidence, edge.strength.value, edge.evidence, edge.rule) == (
        Confidence.CURATED,
        "soft",
        "why",
        "curation",
    )
    assert "kari" in (edge.note or "") and d.id in (edge.note or "")  # type: ignore[attr-defined]


def test_accepting_an_inferred_edge_makes_it_curated_and_only_an_inferred_one_can_be() -> None:
    p = curated(base(), [_d(1, "edges.accept", source="clerk", target="case", type="USES")])
    assert next(e for e in p.edges if e.key == ("clerk", "case", "USES")).confidence is Confidence.CURATED
    stale = curated(
        base(), [_d(1, "edges.accept", source="portal", target="login", type="AUTHENTICATES_WITH")]
    )
    assert [f.code for f in stale.findings].count("stale-decision") == 1


def test_merging_two_names_of_one_system_moves_edges_and_keeps_the_name_as_an_alias() -> None:
    p = curated(base(), [_d(1, "nodes.merge", id="innlogging", into="login")])
    assert "innlogging" not in {n.id for n in p.nodes}
    assert "Innlogging" in p.node("login").aliases
    assert ("case", "login", "AUTHENTICATES_WITH") in _keys(p)


def test_dismissing_a_finding_removes_it_and_a_dismissal_of_nothing_is_stale() -> None:
    p = curated(base(), [_d(1, "findings.dismiss", code="possible-same", nodes=["login", "innlogging"])])
    assert not [f for f in p.findings if f.code == "possible-same"]
    again = curated(p, [_d(1, "findings.dismiss", code="possible-same")])
    assert [f.code for f in again.findings] == ["stale-decision"]


def test_updating_a_node_and_renaming_it_keep_its_id() -> None:
    p = curated(base(), [_d(1, "nodes.update", id="portal", name="Portalen", owner="Hdir", rto="4 h")])
    n = p.node("portal")
    assert (n.name, n.owner, n.rto_hours) == ("Portalen", "Hdir", 4.0)


def test_a_revert_undoes_a_decision_and_a_revert_of_the_revert_redoes_it() -> None:
    d1 = _d(1, "edges.remove", source="portal", target="login", type="AUTHENTICATES_WITH")
    d2 = revert_of(2, d1, "ola", "Was right.")  # type: ignore[arg-type]
    d3 = revert_of(3, d2, "kari", "Was wrong after all.")
    assert ("portal", "login", "AUTHENTICATES_WITH") in _keys(curated(base(), [d1, d2]))
    assert ("portal", "login", "AUTHENTICATES_WITH") not in _keys(curated(base(), [d1, d2, d3]))
    assert [d.id for d in active([d1, d2, d3])] == [d1.id]  # type: ignore[attr-defined]


def test_a_decision_the_new_document_no_longer_supports_is_kept_and_flagged_stale() -> None:
    d = _d(1, "edges.remove", source="portal", target="login", type="AUTHENTICATES_WITH")
    newer = base().with_(edges=tuple(e for e in base().edges if e.target != "login"))
    p = curated(newer, [d])
    (stale,) = [f for f in p.findings if f.code == "stale-decision"]
    assert d.id in stale.message and "kari" in stale.message and stale.nodes == ("portal", "login")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("op", "item", "reason", "message"),
    [
        ("edges.delete", {}, "x", "unknown operation 'edges.delete'"),
        ("edges.remove", {"source": "a"}, "x", "edges.remove needs target, type"),
        (
            "edges.remove",
            {"source": "a", "target": "b", "type": "USES", "colour": "red"},
            "x",
            "no field 'colour'",
        ),
        ("edges.remove", {"source": "a", "target": "b", "type": "USES"}, "  ", "needs a reason"),
    ],
)
def test_a_malformed_decision_is_refused_before_anything_is_stored(op, item, reason, message) -> None:
    with pytest.raises(CurationError, match=message) as caught:
        decision(1, op, item, "kari", reason)
    assert caught.value.status == 422


def test_a_decision_that_does_not_apply_is_refused_with_409_and_nothing_is_stored() -> None:
    store = MemoryStore()
    store.load(base())
    d = _d(1, "edges.remove", source="portal", target="case", type="USES")
    with pytest.raises(CurationError, match="does not apply") as caught:
        store.update(decide(lambda _seq: d, lambda: store.read()))  # type: ignore[arg-type, return-value]
    assert caught.value.status == 409 and store.decisions() == () and store.read() == base()


def test_decisions_survive_a_new_version_of_the_document_in_the_store(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "decisions.jsonl")
    store.load(base())
    d = _d(1, "edges.remove", source="portal", target="login", type="AUTHENTICATES_WITH")
    store.update(decide(lambda _seq: d, store.read))  # type: ignore[arg-type, return-value]
    newer = base().with_(nodes=(*base().nodes, Node("new", "New", NodeKind.SYSTEM)))
    store.update(load_whole(newer))
    assert ("portal", "login", "AUTHENTICATES_WITH") not in _keys(store.read())
    assert "new" in {n.id for n in store.read().nodes}
    again = MemoryStore(tmp_path / "decisions.jsonl")  # another process, the same file
    assert [x.id for x in again.decisions()] == [d.id]  # type: ignore[attr-defined]


def test_the_shipped_overlay_round_trips_byte_for_byte_through_decisions() -> None:
    text = SEED_OVERLAY.read_text(encoding="utf-8")
    decisions = import_overlay(text.encode(), SEED_OVERLAY.name, "import", 1)
    assert len(decisions) == 17
    assert export_overlay(decisions, text) == text


def test_the_overlay_exported_from_scratch_gives_the_same_graph(tmp_path: Path) -> None:
    decisions = import_overlay(SEED_OVERLAY.read_bytes(), SEED_OVERLAY.name, "import", 1)
    exported = tmp_path / "overlay.yaml"
    exported.write_text(export_overlay(decisions, None, SEED.name), encoding="utf-8")
    ours, theirs = load_portfolio(SEED, exported), load_portfolio(SEED, SEED_OVERLAY)

    def node(n: Node) -> dict[str, object]:  # a node the overlay adds cites its line too
        return {k: v for k, v in n.to_dict().items() if not (k == "line" and n.document == "overlay.yaml")}

    assert {n.id: node(n) for n in ours.nodes} == {n.id: node(n) for n in theirs.nodes}

    def strip(e: Edge) -> tuple[object, ...]:  # a curated edge cites its overlay line, which moved
        return (e.key, e.evidence, e.confidence, e.strength, e.alt_group, e.scope, e.mode)

    assert sorted(map(strip, ours.edges)) == sorted(map(strip, theirs.edges))


def test_decisions_on_the_document_give_the_graph_the_overlay_gives() -> None:
    """The overlay as decisions over the bare document: the same edges as the overlay applied on reading
    (but for the renamed entries, which only a document read can do)."""
    bare = parse_document(SEED.read_bytes(), SEED.name)
    decisions = import_overlay(SEED_OVERLAY.read_bytes(), SEED_OVERLAY.name, "import", 1)
    assert not [f for f in curated(bare, decisions).findings if f.code == "stale-decision"]
