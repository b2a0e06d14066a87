"""A new revision is readied for what the one it replaces was asked (app.service.Snapshot.warm)."""

from __future__ import annotations

import gc
import weakref

from app.service import Snapshot
from graph.examples import letters_portfolio


def test_a_new_revision_answers_the_last_questions_from_its_cache_once_warmed() -> None:
    before = Snapshot.of(letters_portfolio())
    before.impact_page(("print",), "curated", 0, 10)
    after = Snapshot.of(letters_portfolio().with_(edges=letters_portfolio().edges[1:]))
    assert after.revision != before.revision
    assert after._pages.recent(5) == []
    after.warm(before)
    assert after._pages.recent(5) == [(("print",), "curated", 0, 10, False)]


def test_a_question_that_no_longer_resolves_is_skipped_when_warming() -> None:
    before = Snapshot.of(letters_portfolio())
    before.impact_page(("print",), "curated", 0, 10)
    gone = letters_portfolio()
    after = Snapshot.of(
        gone.with_(
            nodes=tuple(n for n in gone.nodes if n.id != "print"),
            edges=tuple(e for e in gone.edges if "print" not in (e.source, e.target)),
        )
    )
    after.warm(before)
    assert after._pages.recent(5) == []


def test_a_replaced_snapshot_is_freed_without_the_cyclic_collector() -> None:
    snapshot = Snapshot.of(letters_portfolio())
    snapshot.warm(None)
    snapshot.impact_page(("print",), "curated", 0, 10)
    snapshot.node("print")
    gone = weakref.ref(snapshot.graph)
    gc.disable()
    try:
        del snapshot
        assert gone() is None
    finally:
        gc.enable()
