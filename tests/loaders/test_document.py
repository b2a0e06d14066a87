"""The table layout's quirks, one by one, on small documents written for each."""

from __future__ import annotations

import pytest

from loaders.document import MAX_BYTES, read
from loaders.errors import LoadError

HEADER = "System  Beskrivelse \n\n"


def entries(body: str) -> list[tuple[str, str]]:
    doc = read((HEADER + body).encode(), "t.txt")
    return [(e.name, e.description.text) for e in doc.entries]


def test_name_and_description_share_the_first_line_split_at_the_category_word() -> None:
    assert entries("Oppslag med Etat Saksbehandlingssystem. Benyttes av NAV.\n") == [
        ("Oppslag med Etat", "Saksbehandlingssystem. Benyttes av NAV.")
    ]


def test_a_wide_gap_separates_name_and_description() -> None:
    assert entries("Kalkulator  Et verktøy som regner.\n")[0][0] == "Kalkulator"


def test_a_name_spread_over_several_lines_is_joined() -> None:
    body = "Etatens \nintegrasjonsplattform (eINT) og \nAPI (eAPI) \n\nTjenesteplattform. Benyttes av fagsystemer.\n"
    assert entries(body) == [
        ("Etatens integrasjonsplattform (eINT) og API (eAPI)", "Tjenesteplattform. Benyttes av fagsystemer.")
    ]


def test_a_name_split_around_a_blank_line_before_its_description() -> None:
    body = "Bevillingssystem øl- og \n\nvin (BØV) \nSaksbehandlingssystem. Benyttes av\n\nkommuner.\n"
    assert entries(body) == [
        ("Bevillingssystem øl- og vin (BØV)", "Saksbehandlingssystem. Benyttes av kommuner.")
    ]


def test_two_names_in_one_block_each_get_their_own_description_in_order() -> None:
    body = "ABC \n \nABC2 \n\nSaksbehandlingssystem. Benyttes av NAV. \n\n \n\nPortal og skjema for søknader. Benyttes av kommuner.\n"
    assert entries(body) == [
        ("ABC", "Saksbehandlingssystem. Benyttes av NAV."),
        ("ABC2", "Portal og skjema for søknader. Benyttes av kommuner."),
    ]


def test_a_hyphenated_break_after_an_abbreviation_keeps_the_hyphen() -> None:
    body = "Landoppgjør Saksbehandlingssystem. Krav mellom EØS-\nland. \n"
    assert entries(body)[0][1] == "Saksbehandlingssystem. Krav mellom EØS-land."


def test_a_blank_line_inside_an_unfinished_sentence_is_a_scar_not_a_new_entry() -> None:
    body = "HESA Saksbehandlingsystem. Benyttes av Helfo for brukerens \n\nrettigheter til stønad. \n\nNESTE Register.\n"
    assert entries(body) == [
        ("HESA", "Saksbehandlingsystem. Benyttes av Helfo for brukerens rettigheter til stønad."),
        ("NESTE", "Register."),
    ]


def test_a_continuation_that_starts_with_a_capital_still_continues_an_open_sentence() -> None:
    body = "Modulen Komponent som sender data til økonomisystem hos \n\nDFØ for Helfo. \n"
    assert entries(body)[0][1] == "Komponent som sender data til økonomisystem hos DFØ for Helfo."


def test_url_lines_belong_to_the_entry_above() -> None:
    doc = read(
        (
            HEADER + "Nettstedet Nettsted som viser ting. \nhttps://www.example.org/  \n\nB Register.\n"
        ).encode(),
        "t",
    )
    assert doc.entries[0].urls == ("https://www.example.org/",)
    assert [e.name for e in doc.entries] == ["Nettstedet", "B"]


def test_a_closing_paragraph_is_a_note_not_a_system() -> None:
    body = "A Register. \n\n \n\nDette er i all hovedsak systemene per 15. Mai 2023.  Disse er i \n\nstor grad .Net.\n"
    doc = read((HEADER + body).encode(), "t")
    assert [e.name for e in doc.entries] == ["A"]
    assert (
        doc.notes[0].text == "Dette er i all hovedsak systemene per 15. Mai 2023. Disse er i stor grad .Net."
    )


def test_line_numbers_trace_back_to_the_source() -> None:
    doc = read((HEADER + "A Register. Benyttes av \n\nkommuner.\n").encode(), "t")
    desc = doc.entries[0].description
    assert doc.entries[0].line == 3
    assert desc.line_at(desc.text.index("kommuner")) == 5


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "document is empty"),
        (b"   \n\n", "document is empty"),
        (b"System  Beskrivelse\n\x00\x01binary", "binary file"),
        (b"just some text\nwithout a table\n", "no table header"),
        (b"System  Beskrivelse\n\nA B\xff\n", "invalid UTF-8"),
        (b"System  Beskrivelse\n\n", "no entries"),
    ],
)
def test_bad_input_is_one_clear_error(data: bytes, expected: str) -> None:
    with pytest.raises(LoadError) as err:
        read(data, "bad.txt")
    assert expected in str(err.value)
    assert str(err.value).startswith("bad.txt")
    assert "\n" not in str(err.value)


def test_an_oversized_file_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(LoadError, match="MB"):
        read(b"System  Beskrivelse\n" + b"x" * (MAX_BYTES + 1), "big.txt")


def test_invalid_utf8_names_its_line() -> None:
    with pytest.raises(LoadError) as err:
        read(b"System  Beskrivelse\n\nA Register.\nB \xc3\x28\n", "bad.txt")
    assert err.value.line == 4
