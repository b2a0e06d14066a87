"""What a sentence states beyond its verb: what makes no edge but a finding (negation, intention and plans,
the future, the past, the hypothetical), an entry that stands alone, coordination, statements about other
entries, a relation stated twice, and names of things outside the portfolio."""

from __future__ import annotations

import pytest

from graph.model import NodeKind, Portfolio
from loaders import parse_document

HEADER = "System  Beskrivelse \n\n"
OTHERS = "Tidbank  Timeregistrering for ansatte. \n\nKvasir  Analyseverktøy for styringsdata. \n\n"


def parse(*entries: str) -> Portfolio:
    return parse_document((HEADER + "\n\n".join(entries) + "\n\n" + OTHERS).encode(), "s.txt")


def pairs(p: Portfolio) -> set[tuple[str, str]]:
    names = {n.id: n.name for n in p.nodes}
    return {(names[e.source], names[e.target]) for e in p.edges}


# (sentence, the finding's code, the pair that must not become an edge)
NOT_NOW = [
    ("Henter ikke lenger data fra Tidbank.", "past-relation", ("Fagsak", "Tidbank")),
    ("Har ingen kobling mot Kvasir.", "stated-non-dependency", ("Fagsak", "Kvasir")),
    ("Sender ikke data til Tidbank.", "stated-non-dependency", ("Fagsak", "Tidbank")),
    ("Det er planlagt å hente data fra Tidbank.", "planned-relation", ("Fagsak", "Tidbank")),
    ("Målet er at Fagsak skal sende rapporter til Kvasir.", "planned-relation", ("Fagsak", "Kvasir")),
    ("Vi vurderer å ta i bruk Kvasir for analyse.", "planned-relation", ("Fagsak", "Kvasir")),
    ("Fra 2027 vil Fagsak hente timelister fra Tidbank.", "future-relation", ("Fagsak", "Tidbank")),
    ("Vil bli integrert med Kvasir i løpet av 2026.", "future-relation", ("Fagsak", "Kvasir")),
    ("Hentet tidligere timelister fra Tidbank.", "past-relation", ("Fagsak", "Tidbank")),
    ("Fram til 2022 ble data sendt til Kvasir.", "past-relation", ("Fagsak", "Kvasir")),
    ("Ved behov kan data hentes fra Tidbank.", "hypothetical-relation", ("Fagsak", "Tidbank")),
    ("Eventuelt kan rapporter sendes til Kvasir.", "hypothetical-relation", ("Fagsak", "Kvasir")),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "code", "pair"), NOT_NOW, ids=[s for s, _, _ in NOT_NOW])
def test_a_relation_not_stated_for_the_present_makes_no_edge_but_a_finding(
    sentence: str, code: str, pair: tuple[str, str]
) -> None:
    p = parse(f"Fagsak  Saksbehandlingssystem. {sentence}")
    assert pair not in pairs(p)
    assert any(f.code == code and f.line == 3 for f in p.findings), [(f.code, f.message) for f in p.findings]


def test_a_planned_jobb_or_registered_organisations_are_words_not_plans_or_the_past() -> None:
    p = parse("Fagsak  Saksbehandlingssystem. Kjører som en planlagt jobb i Azure og henter alle registrerte "
              "timer fra Tidbank.")  # fmt: skip
    assert {("Fagsak", "Tidbank"), ("Fagsak", "Microsoft Azure")} <= pairs(p)


@pytest.mark.parametrize(
    "sentence",
    ["Har ingen integrasjoner mot andre systemer.", "Frittstående løsning uten integrasjoner.",
     "Systemet står alene og er ikke koblet til noen andre systemer."],
)  # fmt: skip
def test_an_entry_that_says_it_stands_alone_is_standalone_not_no_relations(sentence: str) -> None:
    p = parse(f"Fagsak  Regneark for budsjett. {sentence}")
    codes = {f.code for f in p.findings if f.nodes == ("fagsak",)}
    assert "standalone" in codes and "no-relations" not in codes


def test_coordinated_subjects_each_make_the_edge() -> None:
    p = parse("Varsling  Varslingstjeneste. Både Tidbank og Kvasir er avhengige av den.")
    assert {("Tidbank", "Varsling"), ("Kvasir", "Varsling")} <= pairs(p)


def test_coordinated_objects_each_make_the_edge() -> None:
    p = parse("Fagsak  Saksbehandlingssystem. Henter data fra Tidbank, Kvasir og Folkeregisteret.")
    assert {("Fagsak", "Tidbank"), ("Fagsak", "Kvasir"), ("Fagsak", "Folkeregisteret")} <= pairs(p)


def test_coordinated_verb_phrases_share_the_subject() -> None:
    p = parse("Fagsak  Saksbehandlingssystem. Henter timer fra Tidbank og sender rapporter til Kvasir.")
    assert {("Fagsak", "Tidbank"), ("Fagsak", "Kvasir")} <= pairs(p)


def test_a_statement_about_other_entries_makes_the_edge_between_them() -> None:
    p = parse("Fagsak  Saksbehandlingssystem. Tidbank sender timelister til Kvasir hver natt.")
    assert ("Tidbank", "Kvasir") in pairs(p)
    assert ("Fagsak", "Kvasir") not in pairs(p)


def test_a_relation_stated_in_both_entries_is_one_edge_with_both_sentences() -> None:
    p2 = parse_document(
        (HEADER + "Fagsak  Saksbehandlingssystem. Henter timelister fra Tidbank. \n\n"
         "Tidbank  Timeregistrering. Timelistene hentes av Fagsak hver natt. \n").encode(), "twice.txt",
    )  # fmt: skip
    edge = [e for e in p2.edges if (e.source, e.target) == ("fagsak", "tidbank")]
    assert len(edge) == 1 and edge[0].also, "one edge, the second sentence kept as evidence"
    assert edge[0].line == 3 and edge[0].also[0].startswith("twice.txt:5: Timelistene hentes av Fagsak")


def test_known_outside_names_get_their_kind_from_the_gazetteer_and_new_ones_a_finding() -> None:
    p = parse("Fagsak  Saksbehandlingssystem. Slår opp i Kontakt- og reservasjonsregisteret (KRR) og sender "
              "brev gjennom Fjordpost Ekspress og KVX-gateway.")  # fmt: skip
    by_name = {n.name: n for n in p.nodes}
    krr = by_name["Kontakt- og reservasjonsregisteret"]
    assert krr.kind is NodeKind.EXTERNAL and "KRR" in (krr.short, *krr.aliases)
    new = {f.message.split("”")[0].lstrip("“") for f in p.findings if f.code == "new-outside-name"}
    assert {"Fjordpost Ekspress", "KVX-gateway"} <= new
    assert "Kontakt- og reservasjonsregisteret" not in new
    assert {("Fagsak", "Fjordpost Ekspress"), ("Fagsak", "KVX-gateway")} <= pairs(p)


def test_a_word_that_only_starts_a_sentence_is_not_taken_for_a_name() -> None:
    p = parse("Fagsak  Saksbehandlingssystem. Godkjente vedtak sendes til Kvasir.")
    assert not any(n.name.startswith("Godkjente") for n in p.nodes)
    assert ("Fagsak", "Kvasir") in pairs(p)


def test_an_entry_is_recognised_by_its_inflected_and_lower_case_forms() -> None:
    p = parse_document(
        (HEADER + "Datavarehuset (DVH)  Samler data fra alle fagsystemer. \n\n"
         "Styring  Rapporteringsløsning som leser fra datavarehuset. \n\n"
         "Måling  Dashbord som henter tall fra DVH-et. \n").encode(), "forms.txt",
    )  # fmt: skip
    assert {(e.source, e.target) for e in p.edges} >= {("styring", "dvh"), ("maling", "dvh")}
