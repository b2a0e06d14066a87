"""A second portfolio in the same layout, written for these tests, is parsed with no code change."""

from __future__ import annotations

from graph.model import Confidence
from loaders import load_portfolio
from tests.conftest import FIXTURES


def test_a_different_portfolio_in_the_same_layout_parses_with_the_same_rules() -> None:
    p = load_portfolio(FIXTURES / "kommune-portefolje.txt")
    assert [e.name for e in p.entries] == [
        "Innsynsportal for innbyggere", "Vedtaksmotor", "Arkivkjernen (ARK)", "Meldingsformidler",
        "Felles utsendingstjeneste (FUT)", "Statistikkbanken", "Tilskuddsportalen (TP)",
        "Meldingsarkiv", "Meldingsarkiv2",
    ]  # fmt: skip
    edges = {(e.source, e.target, e.type.value) for e in p.edges}
    assert {
        ("innbygger", "innsynsportal-for-innbyggere", "USES"),
        ("innsynsportal-for-innbyggere", "minid", "AUTHENTICATES_WITH"),
        ("vedtaksmotor", "innsynsportal-for-innbyggere", "ACCESSED_VIA"),
        ("vedtaksmotor", "meldingsformidler", "INTEGRATES_VIA"),
        ("meldingsformidler", "altinn", "TRANSFERS_TO"),
        ("fut", "nav-tjenester", "RECEIVES_FROM"),
        ("fut", "digipost", "DELIVERS_VIA"),
        ("frivillige-organisasjoner", "tp", "USES"),
        ("nav", "meldingsarkiv2", "USES"),
    } <= edges
    assert not [e for e in p.edges if e.source == "statistikkbanken" and e.target == "ark"]
    inferred = [e for e in p.edges if e.target == "ark"]
    assert [(e.source, e.confidence) for e in inferred] == [("vedtaksmotor", Confidence.INFERRED)]
    assert p.meta["as_of"] == "2025-01-01"


def test_the_seed_overlay_is_not_applied_to_another_document() -> None:
    p = load_portfolio(FIXTURES / "kommune-portefolje.txt")
    assert not [e for e in p.edges if e.confidence is Confidence.CURATED]
