"""Every phrase family of the frame table (``loaders/frames.csv``), each in at least four phrasings of our own,
written the way Norwegian public-sector portfolio overviews, architecture descriptions and procurement texts
put it ("Personopplysninger hentes fra Folkeregisteret", "Påkoblingen gjøres ved å bruke ID-porten", "gjør
oppslag i registeret") — not copied from the seed nor from the gold corpus.

Each sentence stands in the description of one invented entry, *Fagsak*, beside two other invented entries
(*Tidbank*, *Kvasir*) and a shared integration component (*Integrasjonsbussen (IB)*). The assertion is on the
pair, the direction (``A → B``: A depends on B) and the family of the rule that read it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Portfolio
from loaders import parse_document
from loaders.frames import frames_page

HEADER = "System  Beskrivelse \n\n"
OTHERS = (
    "Tidbank  Timeregistrering for ansatte. \n\n"
    "Kvasir  Analyseverktøy for styringsdata. \n\n"
    "Integrasjonsbussen (IB)  Integrasjonsplattform. \n\n"
)


def parse(sentence: str, entry: str = "Fagsak") -> Portfolio:
    text = f"{HEADER}{entry}  Saksbehandlingssystem. {sentence} \n\n{OTHERS}"
    return parse_document(text.encode(), "frames.txt")


def named(p: Portfolio) -> set[tuple[str, str, str]]:
    """(dependent, dependency, family) by node name, for stated edges."""
    names = {n.id: n.name for n in p.nodes}
    return {(names[e.source], names[e.target], (e.rule or "").split(":")[0]) for e in p.edges}


def has(p: Portfolio, dependent: str, dependency: str, family: str) -> bool:
    """An edge ``dependent → dependency`` of ``family``; names match by prefix ("Skatteetaten (tjenester)")."""
    return any(a.startswith(dependent) and b.startswith(dependency) and f == family for a, b, f in named(p))


# family -> (sentence, dependent, dependency)
PHRASINGS: dict[str, list[tuple[str, str, str]]] = {
    "gets-data-from": [
        ("Personopplysninger hentes fra Folkeregisteret.", "Fagsak", "Folkeregisteret"),
        ("Mottar timelister fra Tidbank hver natt.", "Fagsak", "Tidbank"),
        ("Får oppdaterte adresser fra Matrikkelen.", "Fagsak", "Matrikkelen"),
        ("Importerer elevdata fra Vigo.", "Fagsak", "Vigo"),
        ("Opplysninger om vedtak leses fra Kvasir.", "Fagsak", "Kvasir"),
    ],
    "sends-to": [
        ("Sender vedtaksbrev til Digipost.", "Fagsak", "Digipost"),
        ("Utbetalingsgrunnlag overføres til Tidbank hver natt.", "Fagsak", "Tidbank"),
        ("Leverer regnskapsdata til Kvasir.", "Fagsak", "Kvasir"),
        ("Eksporterer uttrekk til Qlik Sense.", "Fagsak", "Qlik Sense"),
        ("Rapporterer månedlig til Statistikkbanken.", "Fagsak", "Statistikkbanken"),
    ],
    "looks-up-in": [
        ("Slår opp adresser i Matrikkelen.", "Fagsak", "Matrikkelen"),
        (
            "Gjør oppslag mot Enhetsregisteret for å kontrollere organisasjonsnummer.",
            "Fagsak",
            "Enhetsregisteret",
        ),
        (
            "Kontaktinformasjon slås opp i Kontakt- og reservasjonsregisteret.",
            "Fagsak",
            "Kontakt- og reservasjonsregisteret",
        ),
        ("Sjekker reservasjonsstatus i KRR før utsending.", "Fagsak", "Kontakt- og reservasjonsregisteret"),
        ("Foretar oppslag i Fastlegeregisteret.", "Fagsak", "Fastlegeregisteret"),
    ],
    "stores-in": [
        ("Dokumentene arkiveres i Public 360.", "Fagsak", "Public 360"),
        ("Lagrer vedlegg i Azure Blob Storage.", "Fagsak", "Azure Blob Storage"),
        ("Alle saksdokumenter journalføres i Elements.", "Fagsak", "Elements"),
        ("Data lagres i PostgreSQL.", "Fagsak", "PostgreSQL"),
        ("Arkiverer inngående post i ePhorte.", "Fagsak", "ePhorte"),
    ],
    "logs-in-with": [
        ("Innbyggere logger inn med ID-porten.", "Fagsak", "ID-porten"),
        ("Innlogging skjer via Feide.", "Fagsak", "Feide"),
        ("Ansatte autentiseres mot Entra ID.", "Fagsak", "Microsoft Entra ID"),
        ("Krever pålogging med BankID.", "Fagsak", "BankID"),
        ("Påloggingen gjøres ved å bruke HelseID.", "Fagsak", "HelseID"),
    ],
    "runs-on": [
        ("Driftes i Microsoft Azure.", "Fagsak", "Microsoft Azure"),
        ("Kjører på servere hos Sopra Steria.", "Fagsak", "Sopra Steria"),
        ("Driftes av Intility.", "Fagsak", "Intility"),
        ("Leveres som skytjeneste fra Visma.", "Fagsak", "Visma"),
        ("Hostes hos Basefarm.", "Fagsak", "Basefarm"),
    ],
    "built-on": [
        ("Bygget på Microsoft Dynamics 365.", "Fagsak", "Microsoft Dynamics 365"),
        ("Løsningen er basert på Acos Websak.", "Fagsak", "Acos Websak"),
        ("En tilpasset versjon av Gecko.", "Fagsak", "Gecko"),
        ("Utviklet i OutSystems.", "Fagsak", "OutSystems"),
        ("Standardsystemet er en konfigurasjon av SAP S/4HANA.", "Fagsak", "SAP S/4HANA"),
    ],
    "exchanges-with": [
        ("Utveksler data med Tidbank.", "Fagsak", "Tidbank"),
        ("Er integrert med Kvasir.", "Fagsak", "Kvasir"),
        ("Synkroniserer kunderegisteret toveis med Salesforce.", "Fagsak", "Salesforce"),
        ("Har integrasjon mot Tidbank.", "Fagsak", "Tidbank"),
        ("Samhandler med Kvasir om styringsdata.", "Fagsak", "Kvasir"),
    ],
    "depends-on": [
        ("Er avhengig av Azure Service Bus.", "Fagsak", "Azure Service Bus"),
        ("Benytter Redis som hurtigbuffer.", "Fagsak", "Redis"),
        ("Bruker Azure Service Bus som meldingskø.", "Fagsak", "Azure Service Bus"),
        ("Forutsetter Maskinporten for tilgang til API-ene.", "Fagsak", "Maskinporten"),
        ("Er helt avhengig av at Kvasir er oppe.", "Fagsak", "Kvasir"),
    ],
    "used-by": [
        ("Benyttes av saksbehandlere i regionkontorene.", "Saksbehandlere", "Fagsak"),
        ("Brukes av fastleger og legevakter.", "Fastleger", "Fagsak"),
        ("Saksbehandlerne bruker systemet daglig.", "Saksbehandlerne", "Fagsak"),
        ("Tas i bruk av alle kommuner.", "Kommuner", "Fagsak"),
        ("Brukes av jordmødrene.", "Jordmødrene", "Fagsak"),
    ],
    "via-channel": [
        ("Innbyggerne får tilgang via Helsenorge.", "Fagsak", "Helsenorge"),
        ("Tjenesten nås gjennom Tidbank.", "Fagsak", "Tidbank"),
        ("Tilgjengelig via Altinn.", "Fagsak", "Altinn"),
        ("Skjemaene tilbys gjennom Altinn.", "Fagsak", "Altinn"),
        ("Meldinger går over Norsk helsenett.", "Fagsak", "Norsk helsenett"),
    ],
}
# "between": the parties an integration joins depend on it.
BETWEEN = [
    "Formidler meldinger mellom Tidbank og Kvasir.",
    "Overfører filer mellom Tidbank og Kvasir hver natt.",
    "Integrasjon mellom Tidbank og Kvasir.",
    "Sørger for dataflyt mellom Kvasir og Tidbank.",
]
ALTERNATIVES = [
    ("Innlogging med BankID, MinID eller Buypass.", {"BankID", "MinID", "Buypass"}),
    ("Brev sendes via Digipost eller e-Boks.", {"Digipost", "e-Boks"}),
    ("Brukerne kan logge inn med enten Feide eller ID-porten.", {"Feide", "ID-porten"}),
    ("Varsler sendes som SMS gjennom Link Mobility eller som e-post gjennom SendGrid.", {"Link Mobility", "SendGrid"}),
]  # fmt: skip

CASES = [(family, *case) for family, cases in PHRASINGS.items() for case in cases]


def test_every_family_has_at_least_four_phrasings() -> None:
    assert all(len(cases) >= 4 for cases in PHRASINGS.values())
    assert len(BETWEEN) >= 4 and len(ALTERNATIVES) >= 4


@pytest.mark.parametrize(("family", "sentence", "dependent", "dependency"), CASES, ids=[c[1] for c in CASES])
def test_a_phrasing_makes_its_family_s_edge_the_right_way(
    family: str, sentence: str, dependent: str, dependency: str
) -> None:
    p = parse(sentence)
    assert has(p, dependent, dependency, family), sorted(named(p))
    if family == "exchanges-with":  # an exchange both ways: each side depends on the other
        assert has(p, dependency, dependent, family), "and the other way"
    else:
        assert not has(p, dependency, dependent, family), "and not the other way"


@pytest.mark.parametrize("sentence", BETWEEN)
def test_the_parts_an_integration_joins_depend_on_it(sentence: str) -> None:
    p = parse(sentence, entry="Meldingsnavet")
    assert has(p, "Tidbank", "Meldingsnavet", "between") and has(p, "Kvasir", "Meldingsnavet", "between")


@pytest.mark.parametrize(("sentence", "choices"), ALTERNATIVES, ids=[a[0] for a in ALTERNATIVES])
def test_names_joined_by_eller_are_alternatives_of_one_group(sentence: str, choices: set[str]) -> None:
    p = parse(sentence)
    names = {n.id: n.name for n in p.nodes}
    groups = {e.alt_group for e in p.edges if names[e.target] in choices and names[e.source] == "Fagsak"}
    chosen = {names[e.target] for e in p.edges if e.alt_group in groups}
    assert len(groups) == 1 and None not in groups and chosen == choices, sorted(named(p))


def test_the_frames_page_in_the_docs_is_the_table_as_it_is() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "frames.md"
    assert page.read_text(encoding="utf-8") == frames_page(), "run: python -m loaders.frames > docs/frames.md"
