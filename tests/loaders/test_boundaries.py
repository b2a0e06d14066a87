"""Where an entry's name ends and its description begins: every cue on its own, the doubtful case, and
documents whose names are adjectives or a single capitalised word. Each first line is written with one cue
only (single spaces unless the cue is the gap), so a test fails when that cue stops counting."""

from __future__ import annotations

from loaders import parse_document
from loaders.document import _Cues, read, split_name

HEADER = "System  Beskrivelse \n\n"
WIDTH = 95.0  # a description line of the column's usual width


def entries(*blocks: str) -> list[tuple[str, str]]:
    doc = read((HEADER + "\n\n".join(blocks) + "\n").encode(), "b.txt")
    return [(e.name, e.description.text) for e in doc.entries]


def test_a_wide_gap_ends_the_name_whatever_word_follows() -> None:
    assert split_name("Kompass Vekst  Gir ledere oversikt over budsjettet.").name == "Kompass Vekst"


def test_a_parenthesised_abbreviation_ends_the_name() -> None:
    assert split_name("Regional Oversikt Kvalitet (ROK) Samler indikatorer fra alle avdelinger.").name == (
        "Regional Oversikt Kvalitet (ROK)"
    )


def test_a_category_noun_starts_the_description() -> None:
    assert split_name("Brage Nord Fagsystem for tilskudd til idrettslag.").name == "Brage Nord"


def test_a_capitalised_word_opening_a_sentence_of_common_words_starts_the_description() -> None:
    # "Alle" is neither a category nor a verb: the lower-case sentence it opens marks it.
    assert split_name("Lunde Alle ansatte registrerer timer og fravær her.").name == "Lunde"


def test_a_description_verb_starts_the_description() -> None:
    assert split_name("Mimir Beregner risikoscore for hver virksomhet.").name == "Mimir"


def test_a_name_written_again_elsewhere_in_the_document_is_the_name() -> None:
    line = "Orakel Norge Gir svar på spørsmål fra publikum."
    without = split_name(line, _Cues("Ingen andre linjer her."))
    with_recurrence = split_name(line, _Cues(f"{line}\nSvar hentes fra Orakel Norge hver dag."))
    assert with_recurrence.name == "Orakel Norge"
    assert with_recurrence.score > without.score


def test_the_column_width_favours_the_cut_whose_description_fills_a_line() -> None:
    line = "Saga Arkiv Løsning for langtidslagring av dokumenter fra alle fagsystemene i virksomheten vår."
    narrow = split_name(line, _Cues("", width=20.0))
    usual = split_name(line, _Cues("", width=float(len(line) - len("Saga Arkiv "))))
    assert usual.name == "Saga Arkiv" and usual.score > narrow.score


def test_a_doubtful_cut_is_taken_and_reported_with_its_runner_up() -> None:
    # An acronym then a capitalised word, and a description opening with another acronym: "KVIST" or
    # "KVIST Arena"? Either could be right; the better one is taken and the other named in a finding.
    p = parse_document((HEADER + "KVIST Arena JRN/PAS, somatikk og psykisk helsevern.\n").encode(), "d.txt")
    assert [e.name for e in p.entries] == ["KVIST Arena"]
    doubt = [f for f in p.findings if f.code == "name-boundary-uncertain"]
    assert [f.line for f in doubt] == [3] and "“KVIST”" in doubt[0].message


def test_a_document_of_names_that_start_with_adjectives_parses_whole() -> None:
    got = entries(
        "Elektronisk søknadsmottak Skjemaløsning for tilskudd fra lag og foreninger i fylket.",
        "Felles brukerkatalog Katalogtjeneste for alle ansatte og innleide konsulenter.",
        "Lokal kartløsning (LKL) Temakart for planlegging og byggesak i kommunen.",
        "Sentral rapportering  Nøkkeltall til ledelsen hver måned.",
        "Digitalt arkiv Arkivsystem for avsluttede saker.",
    )
    assert [name for name, _ in got] == [
        "Elektronisk søknadsmottak",
        "Felles brukerkatalog",
        "Lokal kartløsning (LKL)",
        "Sentral rapportering",
        "Digitalt arkiv",
    ]


def test_names_of_one_capitalised_word_before_a_verb_are_cut_there() -> None:
    got = entries(
        "Atlas Gir oversikt over alle bygg og eiendommer.",
        "Kilden Publiserer åpne data om vedtak og tilskudd.",
        "Merkur Sender fakturaer til kundene hver måned.",
    )
    assert [name for name, _ in got] == ["Atlas", "Kilden", "Merkur"]


def test_an_overlong_name_is_a_finding_on_that_entry_and_the_rest_is_read() -> None:
    long_line = "Tjeneste" + "-langnavn" * 30  # one 278-character word: no place to cut it
    p = parse_document(
        (HEADER + long_line + "\nRegister for noe.\n\nKorta  Kortsystem for adgang.\n").encode(), "l.txt"
    )
    assert [n.name for n in p.nodes if n.kind.value == "system"] == ["Korta"]
    assert any(f.code == "name-too-long" and f.line == 3 for f in p.findings)


def test_a_paragraph_with_no_name_in_it_continues_the_description_above() -> None:
    got = entries(
        "Fagsak  Saksbehandlingssystem for stønader.",
        "Godkjente vedtak overføres til utbetaling i en nattlig kjøring, og brev sendes til kundene.",
        "Kasse  Utbetalingssystem.",
    )
    assert [name for name, _ in got] == ["Fagsak", "Kasse"]
    assert "Godkjente vedtak" in got[0][1]
