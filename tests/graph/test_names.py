"""Name resolution: what users type -> node ids."""

from __future__ import annotations

import pytest

from graph.errors import AmbiguousName, InvalidQuery, NodeNotFound
from graph.names import MAX_QUERY_LENGTH, Resolver, resolve, suggest
from tests.graph.builders import ACTOR, build, edge, node


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    nodes = [
        node("tjenesteportal-for-helseaktor", name="Tjenesteportal for helseaktør"),
        node("okonomimodulen", name="Økonomimodulen"),
        node("dip", name="Digital Innholdsplattform (DIP)", aliases=("hAPI",), short="DIP"),
        node("elsa-landoppgjor", name="ELSA Landoppgjør"),
        node("elsa-helserettigheter", name="ELSA Helsererettigheter", aliases=("ELSA Helserettigheter",)),
        node("blaresept", name="Blåresept"),
        node("nki", name="Nasjonale Kvalitetsindikatorer (NKI)", short="NKI"),
        node("helseaktor", ACTOR, name="Helseaktør"),
        node("utskrift", name="Utskriftstjeneste"),
    ]
    return Resolver(build([edge("helseaktor", "blaresept")], nodes))


def test_an_exact_id_resolves_to_itself(resolver):
    assert resolver.resolve("okonomimodulen") == "okonomimodulen"


def test_names_are_folded_so_ascii_spelling_finds_norwegian_letters(resolver):
    assert resolver.resolve("Okonomimodulen") == "okonomimodulen"
    assert resolver.resolve("BLARESEPT") == "blaresept"
    assert resolver.resolve("helseaktør") == "helseaktor"


def test_aliases_and_short_names_resolve_case_insensitively(resolver):
    assert resolver.resolve("HAPI") == "dip"
    assert resolver.resolve("nki") == "nki"
    assert resolver.resolve("Nasjonale kvalitetsindikatorer") == "nki"


def test_definite_form_finds_the_node_whose_name_starts_with_the_word(resolver):
    assert resolver.resolve("tjenesteportalen") == "tjenesteportal-for-helseaktor"
    assert resolver.resolve("Tjenesteportalen") == "tjenesteportal-for-helseaktor"


def test_definite_and_base_forms_meet_on_both_sides(resolver):
    assert resolver.resolve("Utskriftstjenesten") == "utskrift"
    assert resolver.resolve("økonomimodul") == "okonomimodulen"


def test_a_shared_leading_word_is_ambiguous_and_lists_the_candidates(resolver):
    with pytest.raises(AmbiguousName) as err:
        resolver.resolve("ELSA")
    assert err.value.candidates == ("elsa-helserettigheter", "elsa-landoppgjor")


def test_an_unknown_name_suggests_up_to_three_look_alikes(resolver):
    with pytest.raises(NodeNotFound) as err:
        resolver.resolve("Tjenesteportl for helseaktør")
    assert err.value.suggestions[0] == "tjenesteportal-for-helseaktor"
    assert len(resolver.suggest("elsa", limit=3)) <= 3


def test_a_hopeless_name_has_no_suggestions(resolver):
    with pytest.raises(NodeNotFound) as err:
        resolver.resolve("zzzzqqq")
    assert err.value.suggestions == ()


def test_overlong_or_blank_queries_are_rejected(resolver):
    with pytest.raises(InvalidQuery):
        resolver.resolve("x" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(InvalidQuery):
        resolver.resolve("   ")
    with pytest.raises(InvalidQuery):
        resolver.resolve(None)  # type: ignore[arg-type]


def test_one_off_helpers_match_the_resolver():
    G = build([edge("a-system", "okonomimodulen")], [node("okonomimodulen", name="Økonomimodulen")])
    assert resolve(G, "ØKONOMIMODULEN") == "okonomimodulen"
    assert suggest(G, "okonomi") == ("okonomimodulen",)


def test_search_puts_the_resolved_node_before_nodes_that_merely_contain_the_words(resolver):
    assert resolver.search("elsa")[:2] == ("elsa-helserettigheter", "elsa-landoppgjor")
    assert resolver.search("Helserettigheter")[0] == "elsa-helserettigheter"
    assert resolver.search("indikator") == ("nki",)


def test_search_falls_back_to_look_alikes_and_refuses_blank_or_long_queries(resolver):
    assert resolver.search("blarsept") == ("blaresept",)  # no label contains it: a look-alike
    assert resolver.search("zzzz") == ()
    with pytest.raises(InvalidQuery):
        resolver.search("   ")
    with pytest.raises(InvalidQuery):
        resolver.search("x" * (MAX_QUERY_LENGTH + 1))
