"""Each extraction rule on a sentence written for it, inside a one-entry portfolio of invented names."""

from __future__ import annotations

from graph.model import Confidence, Portfolio, Strength
from loaders import parse_document

HEADER = "System  Beskrivelse \n\n"
PLATFORM = "Delt plattform (DP) Tjenesteplattform. Benyttes av fagsystemer internt. \n\n"


def parse(*entries: str) -> Portfolio:
    return parse_document((HEADER + "\n\n".join(entries) + "\n").encode(), "t.txt")


def edges(p: Portfolio) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.type.value) for e in p.edges}


def test_benyttes_av_makes_each_named_actor_a_user() -> None:
    p = parse("Saksmotor Saksbehandlingssystem. Benyttes av leger for å søke, og av apotek for oppslag.")
    assert {("lege", "saksmotor", "USES"), ("apotek", "saksmotor", "USES")} <= edges(p)


def test_a_phrase_that_is_not_an_actor_is_not_taken_as_a_user() -> None:
    p = parse("Saksmotor Saksbehandlingssystem. Benyttes av leger på vegne av pasient.")
    assert edges(p) == {("lege", "saksmotor", "USES")}


def test_an_unknown_user_phrase_becomes_a_finding_not_an_edge() -> None:
    p = parse("Saksmotor Saksbehandlingssystem. Benyttes av sakbehandling av noe.")
    assert not p.edges
    assert any(f.code == "unresolved-reference" for f in p.findings)


def test_via_makes_the_system_reached_through_the_portal_for_the_clause_users() -> None:
    p = parse(
        "Portalen for brukere  Portal for helseaktører.",
        "Saksmotor Saksbehandlingssystem. Benyttes av Helfo til saksbehandling og av innbyggere til å søke via Portalen for brukere.",
    )
    via = next(e for e in p.edges if e.type.value == "ACCESSED_VIA")
    assert (via.source, via.target, via.scope) == ("saksmotor", "portalen-for-brukere", ("innbygger",))


def test_exposing_content_via_an_api_makes_the_api_depend_on_the_content_not_the_other_way() -> None:
    p = parse(
        PLATFORM,
        "Nettmotor Er en versjon av Acme CMS. Implementerer komponenter for å eksponere innhold via DP.",
    )
    e = next(e for e in p.edges if {e.source, e.target} == {"nettmotor", "dp"})
    assert (e.source, e.target, e.type.value, e.strength) == ("dp", "nettmotor", "PUBLISHES", Strength.SOFT)
    assert ("nettmotor", "acme", "BUILT_ON") in edges(p) or ("nettmotor", "acme-cms", "BUILT_ON") in edges(p)


def test_login_sentences_make_authentication_edges() -> None:
    p = parse(
        "Portal X  Portal for innbyggere. Portalen ivaretar innlogging ved å bruke f.eks BankID og MinID."
    )
    assert {
        ("portal-x", "bankid", "AUTHENTICATES_WITH"),
        ("portal-x", "minid", "AUTHENTICATES_WITH"),
    } <= edges(p)
    assert ("innbygger", "portal-x", "USES") in edges(p)


def test_hosted_sites_depend_on_their_platform_and_a_negation_makes_no_edge() -> None:
    p = parse(
        "Webplattform (WP) Er en versjon av Acme. På denne driftes etat.no og annen.no.",
        "Nettsted A Nettsted som viser ting. (Driftes ikke i WP)",
    )
    assert {("etat-no", "wp", "HOSTED_ON"), ("annen-no", "wp", "HOSTED_ON")} <= edges(p)
    assert not [e for e in p.edges if e.source == "nettsted-a"]
    assert any(f.code == "stated-non-dependency" for f in p.findings)


def test_eller_makes_alternatives_and_the_receiver_an_actor_edge() -> None:
    p = parse(
        "Brevmodul Løsning for utsendelse av brev til innbyggere. Innbyggere mottar brev på Digipost, SvarUt eller i posten."
    )
    alt = [e for e in p.edges if e.type.value == "DELIVERS_VIA"]
    assert {e.target for e in alt} == {"digipost", "svarut", "post"}
    assert len({e.alt_group for e in alt}) == 1 and alt[0].alt_group is not None
    assert ("innbygger", "brevmodul", "RECEIVES_FROM") in edges(p)


def test_og_lists_are_not_alternatives() -> None:
    p = parse("Brevmodul Løsning. Innbyggere mottar brev på Digipost og SvarUt.")
    assert all(e.alt_group is None for e in p.edges)


def test_a_system_depends_on_the_services_of_a_public_body_it_gets_from_or_sends_to() -> None:
    p = parse("Brevmodul Løsning for utsendelse. Direktoratet får ferdige vedtak fra NAV for utsending.",
              "Oppgjør Saksbehandlingssystem. Benyttes av helseaktører for å sende inn krav til Helfo.")  # fmt: skip
    assert {
        ("brevmodul", "nav-tjenester", "RECEIVES_FROM"),
        ("oppgjor", "helfo-tjenester", "TRANSFERS_TO"),
    } <= edges(p)
    assert p.node("nav-tjenester").name == "NAV (tjenester)"  # the organisation's services, not NAV itself
    assert ("direktoratet", "brevmodul", "RECEIVES_FROM") not in edges(p)


def test_a_collective_word_infers_edges_from_every_case_processing_entry() -> None:
    p = parse(
        PLATFORM,
        "Saksmotor Saksbehandlingssystem. Benyttes av Helfo.",
        "Kartet Datavarehus. Benyttes av NAV.",
    )
    inferred = [e for e in p.edges if e.target == "dp"]
    assert [(e.source, e.confidence, e.strength) for e in inferred] == [
        ("saksmotor", Confidence.INFERRED, Strength.SOFT)
    ]


def test_an_integration_component_sits_between_the_systems_it_connects() -> None:
    p = parse(
        "Saksmotor Saksbehandlingssystem. Benyttes av Helfo.",
        "Broen Integrasjonskomponent som ivaretar flyt mellom fagsystemet Saksmotor og EUSYS (Applikasjon fra EU).",
    )
    assert {("saksmotor", "broen", "INTEGRATES_VIA"), ("broen", "eusys", "TRANSFERS_TO")} <= edges(p)
    assert p.node("eusys").description == "Applikasjon fra EU"
    assert p.node("broen").kind.value == "integration"


def test_samhandling_med_a_system_goes_both_ways() -> None:
    p = parse("Reg Saksbehandling og samhandlingsystem. Samhandling med Kildebasen.", "Kildebasen Register.")
    assert {("reg", "kildebasen", "EXCHANGES_WITH"), ("kildebasen", "reg", "EXCHANGES_WITH")} <= edges(p)


def test_samhandling_med_an_organisation_makes_it_a_user_not_a_dependency() -> None:
    p = parse("Reg Saksbehandling og samhandlingsystem. Samhandling med Legeforeningen.")
    assert edges(p) == {("legeforeningen", "reg", "USES")}


def test_a_planned_relation_makes_no_edge_but_a_finding() -> None:
    p = parse(PLATFORM, "Kontakter (KR) Register. Det er videre et mål at fagsystemene henter data fra KR.")
    assert not [e for e in p.edges if e.target == "kr"]
    assert any(f.code == "planned-relation" for f in p.findings)


def test_utviklet_av_sets_the_owner_without_an_edge() -> None:
    p = parse("Planleggeren Et verktøy utviklet av Hdir som hjelper. Kan brukes av alle.")
    assert p.node("planleggeren").owner == "Helsedirektoratet"
    assert edges(p) == {("allmennheten", "planleggeren", "USES")}


def test_forvaltes_av_names_the_administrator_not_the_owner() -> None:
    p = parse("Kassa Økonomisystem som forvaltes av Helfo. Benyttes av Helfo til utbetaling.")
    assert p.node("kassa").administrator == "Helfo"
    assert p.node("kassa").owner is None


def test_a_user_is_never_made_the_owner() -> None:
    p = parse(
        "Kassa Økonomisystem. Helfo benytter opplysningene til utbetaling. Benyttes av NAV for oppslag."
    )
    assert p.node("kassa").owner is None
    assert ("helfo", "kassa", "USES") in edges(p)
