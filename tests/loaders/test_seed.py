"""The shipped seed: the 26 entries, the edges architects rely on, and a golden file of everything."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from graph.model import Confidence, Portfolio
from loaders import SEED_OVERLAY

GOLDEN = Path(__file__).parent / "golden" / "seed.json"

ENTRY_NAMES = [
    "Praksisinfo", "Oppgjør med Helfo", "ELSA Rinaintegrasjon", "ELSA Landoppgjør", "ELSA Helserettigheter",
    "Blåresept", "Nøkkelinfo", "Nasjonale Kvalitetsindikatorer (NKI)", "Tjenesteportal for helseaktør",
    "Digital Innholdsplattform (DIP)", "Snakk om forbedring", "Kostholdsplanleggeren",
    "Helsedirektoratets integrasjonsplattform (hINT) og API (hAPI)", "Felles kontaktregister (FKR)", "HEGO",
    "HESA", "UVreg", "TIFO", "TIFO2", "Fastlegeordningen (FLO)", "Frikort brevmodul", "Biovigilans",
    "Økonomimodulen", "Fristbrudd (FRIDA)", "Bevillingssystem tobakk- og alkohol (BESTA)", "TBR",
]  # fmt: skip


def edge_set(p: Portfolio) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.type.value) for e in p.edges}


def names_of(p: Portfolio, entry_name: str) -> set[str]:
    for e in p.entries:
        nodes = [p.node(i) for i in e.nodes]
        if entry_name in {e.name, *(n.name for n in nodes), *(a for n in nodes for a in n.aliases)}:
            return set(e.nodes)
    return set()


def test_all_26_entries_are_found_under_their_exact_names(seed: Portfolio) -> None:
    assert len(seed.entries) == 26
    for name in ENTRY_NAMES:
        assert names_of(seed, name), name
    node_names = {n.name for n in seed.nodes}
    assert "ELSA Helserettigheter" in node_names  # the misspelt name, corrected
    assert "TBR" in node_names


def test_hint_and_hapi_are_two_nodes_and_both_names_resolve(seed: Portfolio) -> None:
    entry = next(e for e in seed.entries if "hINT" in e.name)
    assert entry.nodes == ("hint", "hapi")
    assert seed.node("hint").short == "hINT" and seed.node("hapi").short == "hAPI"
    assert entry.name in seed.node("hint").aliases


def test_abbreviations_in_parentheses_become_aliases(seed: Portfolio) -> None:
    for node_id, abbr in [("nki", "NKI"), ("dip", "DIP"), ("fkr", "FKR"), ("flo", "FLO"), ("frida", "FRIDA"),
                          ("besta", "BESTA"), ("hint", "hINT"), ("hapi", "hAPI")]:  # fmt: skip
        assert abbr in seed.node(node_id).aliases, node_id
    assert "Tobakkssalgs- og bevillingsregisteret" in seed.node("tbr").aliases


def test_the_stated_edges_architects_rely_on_are_there_in_the_dependency_direction(seed: Portfolio) -> None:
    edges = edge_set(seed)
    portal = "tjenesteportal-for-helseaktor"
    expected = {
        ("praksisinfo", portal, "ACCESSED_VIA"),
        ("oppgjor-med-helfo", portal, "ACCESSED_VIA"),
        (portal, "helseid", "AUTHENTICATES_WITH"),
        (portal, "minid", "AUTHENTICATES_WITH"),
        ("elsa-helserettigheter", "elsa-rinaintegrasjon", "INTEGRATES_VIA"),
        ("elsa-landoppgjor", "elsa-rinaintegrasjon", "INTEGRATES_VIA"),
        ("elsa-rinaintegrasjon", "rina", "TRANSFERS_TO"),
        ("dip", "enonic-xp", "BUILT_ON"),
        ("hapi", "dip", "PUBLISHES"),
        ("nki", "power-bi", "DELIVERS_VIA"),
        ("flo", "helsenorge", "ACCESSED_VIA"),
        ("frikort-brevmodul", "nav-tjenester", "RECEIVES_FROM"),
        ("okonomimodulen", "dfo-tjenester", "TRANSFERS_TO"),
        ("helseaktor", "praksisinfo", "USES"),
        ("lege", "blaresept", "USES"),
        ("apotek", "blaresept", "USES"),
        ("kommune", "tifo2", "USES"),
        ("frivillige-organisasjoner", "tifo2", "USES"),
        ("legeforeningen", "uvreg", "USES"),
    }
    assert expected <= edges, expected - edges
    assert all(next(e for e in seed.edges if e.key == k).confidence is Confidence.STATED for k in expected)


def test_a_register_referred_to_by_its_description_is_inferred_not_stated(seed: Portfolio) -> None:
    """“… og et felles kontaktregister” describes FKR rather than naming it: a reader draws the edge, but signs it."""
    edge = next(
        e for e in seed.edges if e.key == ("tjenesteportal-for-helseaktor", "fkr", "AUTHENTICATES_WITH")
    )
    assert edge.confidence is Confidence.INFERRED
    assert "describes rather than names" in (edge.note or "")


def test_letters_reach_citizens_through_three_alternative_channels(seed: Portfolio) -> None:
    delivery = [e for e in seed.edges if e.source == "frikort-brevmodul" and e.type.value == "DELIVERS_VIA"]
    assert {e.target for e in delivery} == {"helsenorge", "elektronisk-postkasse", "post"}
    assert len({e.alt_group for e in delivery}) == 1 and delivery[0].alt_group


def test_portal_access_is_scoped_to_the_actors_who_go_through_it(seed: Portfolio) -> None:
    praksis = next(
        e for e in seed.edges if e.key == ("praksisinfo", "tjenesteportal-for-helseaktor", "ACCESSED_VIA")
    )
    assert praksis.scope == ("helseaktor",)
    flo = next(e for e in seed.edges if e.key == ("flo", "helsenorge", "ACCESSED_VIA"))
    assert flo.scope == ("innbygger",)


def test_case_processing_systems_depend_on_hint_by_inference(seed: Portfolio) -> None:
    inferred = {e.source for e in seed.edges if e.target == "hint" and e.confidence is Confidence.INFERRED}
    assert {"praksisinfo", "blaresept", "hesa", "flo", "tbr"} <= inferred
    assert "dip" not in inferred and "nokkelinfo" not in inferred


def test_no_edge_between_snakk_om_forbedring_and_dip(seed: Portfolio) -> None:
    assert not [e for e in seed.edges if {e.source, e.target} == {"snakk-om-forbedring", "dip"}]
    assert any(f.code == "stated-non-dependency" and "snakk-om-forbedring" in f.nodes for f in seed.findings)


def test_every_edge_cites_evidence_found_in_the_document_or_the_overlay(
    seed: Portfolio, seed_text: str
) -> None:
    flat = re.sub(r"\s+", " ", seed_text)
    overlay = re.sub(r"\s+", " ", SEED_OVERLAY.read_text(encoding="utf-8"))
    for e in seed.edges:
        assert e.evidence and e.line, e
        if e.confidence is Confidence.CURATED:
            assert e.evidence in overlay, e
        else:
            joined = e.evidence.replace("EØS-land", "EØS- land")
            assert e.evidence in flat or joined in flat, e


def test_data_quality_findings_name_the_known_problems(seed: Portfolio) -> None:
    codes = {(f.code, f.nodes) for f in seed.findings}
    assert ("copied-description", ("frida", "frikort-brevmodul")) in codes
    assert ("repeated-sentence", ("elsa-helserettigheter",)) in codes
    assert any(f.code == "misspelt-name" and "Helsererettigheter" in f.message for f in seed.findings)
    assert "ELSA Helsererettigheter" in seed.node("elsa-helserettigheter").aliases
    assert any(f.code == "spelling" and "tilskuddsssøknader" in f.message for f in seed.findings)


def test_the_closing_paragraph_dates_the_portfolio(seed: Portfolio) -> None:
    assert seed.meta["as_of"] == "2023-05-15"
    assert seed.notes and seed.notes[0].startswith("Dette er i all hovedsak")


def test_parsing_twice_gives_the_same_revision(seed: Portfolio) -> None:
    from loaders import load_portfolio

    assert load_portfolio().revision == seed.revision


def test_the_seed_matches_its_golden_file(seed: Portfolio) -> None:
    """Any change to what is extracted shows up here; regenerate with EAGRAPH_UPDATE_GOLDEN=1 after review."""
    current = json.loads(json.dumps(seed.to_dict(), ensure_ascii=False))
    if os.environ.get("EAGRAPH_UPDATE_GOLDEN"):
        GOLDEN.write_text(
            json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    assert current == json.loads(GOLDEN.read_text(encoding="utf-8"))
