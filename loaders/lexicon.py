"""Domain words: actors, channels, category words and relation phrases of Norwegian portfolio documents.

Nothing here names a system of any one portfolio: these are the words such documents are written *with*.
A different portfolio in the same layout is parsed with the same lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ABBREVIATIONS",
    "ACTORS",
    "CATEGORY_SUFFIXES",
    "CHANNELS",
    "GENERIC_WORDS",
    "GROUP_TERMS",
    "HEADER_WORDS",
    "INTEGRATION_WORDS",
    "MONTHS",
    "NOTE_OPENERS",
    "OPENER_WORDS",
    "PLANNED_MARKERS",
    "SELF_REFERENCES",
    "ActorTerm",
]

# The table header the layout starts with.
HEADER_WORDS = ("System", "Beskrivelse")


@dataclass(frozen=True)
class ActorTerm:
    id: str
    name: str
    forms: tuple[str, ...]  # matched case-insensitively, whole words


# Who uses, owns or receives from systems. Forms include plural and definite inflections.
ACTORS: tuple[ActorTerm, ...] = (
    ActorTerm("helseaktor", "Helseaktører", ("helseaktør", "helseaktøren", "helseaktører", "helseaktørene")),
    ActorTerm("helfo", "Helfo", ("helfo", "helfos")),
    ActorTerm("helsedirektoratet", "Helsedirektoratet", ("helsedirektoratet", "hdir", "hdirs")),
    ActorTerm("nav", "NAV", ("nav",)),
    ActorTerm("dfo", "DFØ", ("dfø",)),
    ActorTerm("lege", "Leger", ("lege", "legen", "leger", "legene")),
    ActorTerm("apotek", "Apotek", ("apotek", "apoteket", "apotekene")),
    ActorTerm("helsepersonell", "Helsepersonell", ("helsepersonell", "helsepersonellet")),
    ActorTerm("innbygger", "Innbyggere", ("innbygger", "innbyggere", "innbyggerne", "innbyggeren")),
    ActorTerm("kommune", "Kommuner", ("kommune", "kommuner", "kommunene", "kommunen")),
    ActorTerm(
        "frivillige-organisasjoner",
        "Frivillige organisasjoner",
        ("frivillige organisasjoner", "frivillig organisasjon"),
    ),
    ActorTerm("legeforeningen", "Legeforeningen", ("legeforeningen",)),
    ActorTerm("helsesektoren", "Helsesektoren", ("helsesektoren",)),
    ActorTerm("spesialisthelsetjenesten", "Spesialisthelsetjenesten", ("spesialisthelsetjenesten",)),
    ActorTerm("allmennheten", "Allmennheten", ("alle", "allmennheten", "publikum")),
)

# Channels written in lower case that still name something a system depends on.
# form -> (id, display name)
CHANNELS: dict[str, tuple[str, str]] = {
    "elektronisk postkasse": ("elektronisk-postkasse", "Elektronisk postkasse"),
    "posten": ("post", "Post (papirbrev)"),
    "post": ("post", "Post (papirbrev)"),
    "papirpost": ("post", "Post (papirbrev)"),
    "sms": ("sms", "SMS"),
    "e-post": ("e-post", "E-post"),
}

# Capitalised words of the trade that name no system on their own ("API", "CMS", "EU").
GENERIC_WORDS = frozenset(
    {"API", "CMS", "BI", "GDPR", "IT", "EU", "EØS", "PDF", "SMS", "ID", "IKT", "AS", "CRM", "ERP"}
)

# Words a description starts with: "Saksbehandlingssystem.", "Portal for …", "Et verktøy …".
OPENER_WORDS = frozenset(
    {
        "er",
        "et",
        "en",
        "portal",
        "løsning",
        "komponent",
        "nettsted",
        "nettside",
        "verktøy",
        "register",
        "tjeneste",
        "automatisk",
        "saksbehandling",
        "system",
        "applikasjon",
        "plattform",
        "database",
        "modul",
        "app",
        "fagsystem",
        "integrasjon",
    }
)
# …or a compound ending in one of these ("Integrasjonskomponent", "Datavarehus", "Publiseringsløsning").
CATEGORY_SUFFIXES = (
    "system",
    "systemet",
    "løsning",
    "komponent",
    "plattform",
    "varehus",
    "register",
    "portal",
    "tjeneste",
    "modul",
    "verktøy",
    "database",
    "applikasjon",
)

# A first sentence with one of these makes an entry an integration (a shared platform or channel).
INTEGRATION_WORDS = ("integrasjon", "tjenesteplattform", "portal", "transporterer", "formidle")

# Collective terms for a class of entries. term -> the category word its members carry.
GROUP_TERMS: dict[str, str] = {
    "fagsystem": "saksbehandling",
    "fagsystemet": "saksbehandling",
    "fagsystemer": "saksbehandling",
    "fagsystemene": "saksbehandling",
}

# Words an entry uses to refer to itself ("Portalen ivaretar …", "På denne driftes …").
SELF_REFERENCES = frozenset(
    {
        "portalen",
        "plattformen",
        "løsningen",
        "systemet",
        "denne",
        "verktøyet",
        "komponenten",
        "tjenesten",
        "registeret",
        "modulen",
        "nettstedet",
    }
)

# A paragraph starting with one of these is prose about the table, not an entry.
NOTE_OPENERS = frozenset(
    {"dette", "disse", "det", "den", "de", "her", "vi", "merk", "oversikten", "tabellen"}
)

# A sentence that states an intention, not the present: no dependency edges from it.
PLANNED_MARKERS = ("et mål at", "er et mål", "planlagt", "planlegges", "skal etter hvert", "på sikt")

# Abbreviations that end with a full stop without ending the sentence.
ABBREVIATIONS = frozenset(
    {"inkl", "f.eks", "bl.a", "dvs", "evt", "ca", "jf", "mht", "pga", "nr", "ref", "mv", "ev"}
)

MONTHS = {
    "januar": 1,
    "februar": 2,
    "mars": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}
