"""The extraction holds its ground: every gold document's F1 stays at or above its floor (``floors.yaml``),
every document parses, and every entry name is read exactly."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from bench.extraction import FLOORS, DocScore, evaluate, gold_files, total

FLOOR = YAML(typ="safe", pure=True).load(FLOORS.read_text(encoding="utf-8"))
GOLD = gold_files()


@pytest.fixture(scope="module")
def scores() -> dict[str, DocScore]:
    return {s.document: s for s in evaluate(GOLD)}


def test_every_gold_document_has_a_floor() -> None:
    assert len(GOLD) >= 10
    assert {s.name.removesuffix(".gold.yaml") for s in GOLD} <= {d.removesuffix(".txt") for d in FLOOR}


@pytest.mark.parametrize("document", sorted(FLOOR))
def test_a_document_s_f1_does_not_drop_below_its_floor(scores: dict[str, DocScore], document: str) -> None:
    assert scores[document].f1 >= FLOOR[document], scores[document].misses


@pytest.mark.parametrize("document", sorted(FLOOR))
def test_every_entry_name_is_read_exactly(scores: dict[str, DocScore], document: str) -> None:
    s = scores[document]
    assert s.entry_names_exact == s.entries, s.wrong_names


def test_the_corpus_as_a_whole_holds_its_precision_recall_and_direction(scores: dict[str, DocScore]) -> None:
    everything = total(list(scores.values()))
    assert everything.precision >= 0.93 and everything.recall >= 0.89 and everything.direction >= 0.98
