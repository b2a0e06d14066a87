"""What a risk assessment needs from the reading, on invented sentences: how a need is met (live, message,
batch), references by description, open lists, copied sentences, purposes, unnamed groups."""

from __future__ import annotations

import pytest

from graph.model import Confidence, Portfolio
from loaders import parse_document

HEADER = "System  Beskrivelse \n\n"


def parse(*entries: str) -> Portfolio:
    return parse_document((HEADER + "\n\n".join(entries) + "\n").encode(), "t.txt")


def edge(p: Portfolio, source: str, target: str):  # type: ignore[no-untyped-def]
    return next(e for e in p.edges if (e.source, e.target) == (source, target))


@pytest.mark.parametrize(
    ("sentence", "mode"),
    [
        ("Lønn Lønnssystem. Bilag eksporteres hver natt til Regnskapet.", "batch"),
        ("Lønn Lønnssystem. Aktivitetsdata rapporteres månedlig til Regnskapet.", "batch"),
        ("Lønn Lønnssystem. Abonnerer på hendelser fra Regnskapet.", "message"),
        ("Lønn Lønnssystem. Slår opp i Regnskapet ved hver utbetaling.", "live"),
    ],
)
def test_the_verb_frame_says_whether_a_flow_is_live_a_message_or_a_batch(sentence: str, mode: str) -> None:
    p = parse(sentence, "Regnskapet Økonomisystem.")
    assert edge(p, "lonn", "regnskapet").mode == mode


def test_a_register_referred_to_by_what_it_is_is_an_inferred_edge_with_a_note() -> None:
    p = parse(
        "Innsyn Portal. Innlogging skjer ved å bruke ID-porten og et felles brukerregister.",
        "Felles brukerregister (FBR) Register over brukere.",
    )
    described = edge(p, "innsyn", "fbr")
    assert described.confidence is Confidence.INFERRED and "describes rather than names" in (
        described.note or ""
    )
    assert edge(p, "innsyn", "id-porten").confidence is Confidence.STATED


@pytest.mark.parametrize("marker", ["f.eks", "bl.a.", "blant annet", "i all hovedsak"])
def test_an_open_list_is_a_finding(marker: str) -> None:
    p = parse(f"Innsyn Portal. Innlogging med {marker} ID-porten og BankID.")
    assert any(f.code == "open-list" and "innsyn" in f.nodes for f in p.findings)


def test_a_sentence_copied_from_another_entry_is_a_finding() -> None:
    copied = "Benyttes av saksbehandlere i regionene for oppfølging av tilskudd til frivillige lag."
    p = parse(f"Tilskudd Saksbehandlingssystem. {copied}", f"Rapport Rapportverktøy for ledere. {copied}")
    assert any(f.code in ("copied-sentence", "repeated-sentence") for f in p.findings)


def test_an_unnamed_group_asks_for_names() -> None:
    p = parse("Bussen Integrasjonsplattform. Benyttes av fagsystemer internt.")
    assert any(f.code == "unnamed-group" and "fagsystemer" in f.message for f in p.findings)


def test_what_a_user_uses_a_system_for_becomes_the_capability_it_loses() -> None:
    p = parse("Timebok Bookingsystem. Benyttes av innbyggere for å bestille time hos legen.")
    assert edge(p, "innbygger", "timebok").capability == "bestille time hos legen"
