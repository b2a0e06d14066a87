"""Domain words: actors, channels, category words and relation phrases of Norwegian portfolio documents.

Nothing here names a system of any one portfolio: these are the words such documents are written *with*.
A different portfolio in the same layout is parsed with the same lexicon.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ABBREVIATIONS",
    "ACTORS",
    "ACTOR_LEMMAS",
    "BATCH_MARKERS",
    "BROKER_CATEGORY_WORDS",
    "BROKER_WORDS",
    "CATEGORY_SUFFIXES",
    "CHANNELS",
    "DESCRIPTION_VERBS",
    "FUTURE_MARKERS",
    "GENERIC_WORDS",
    "GROUP_TERMS",
    "HEADER_WORDS",
    "HYPOTHETICAL_MARKERS",
    "INTEGRATION_WORDS",
    "INTENTION_MARKERS",
    "LOGIN_WORDS",
    "MESSAGE_MARKERS",
    "MONTHS",
    "NAME_FUNCTION_WORDS",
    "NEGATIONS",
    "NOTE_OPENERS",
    "NOT_NAMES",
    "OPENER_WORDS",
    "ORG_UNIT_SUFFIXES",
    "PAST_MARKERS",
    "PLANNED_MARKERS",
    "PREPOSITIONS",
    "SELF_REFERENCES",
    "STANDALONE_MARKERS",
    "SUBORDINATORS",
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
    "papirpost": ("post", "Post (papirbrev)"),
}

# Capitalised words of the trade that name no system on their own ("API", "CMS", "EU").
GENERIC_WORDS = frozenset(
    {
        "API",
        "CMS",
        "BI",
        "GDPR",
        "IT",
        "EU",
        "EØS",
        "PDF",
        "SMS",
        "ID",
        "IKT",
        "AS",
        "CRM",
        "ERP",
        # kinds of system, not names: "IAM-løsning", "ESB", "ETL"
        "IAM",
        "ESB",
        "ETL",
        "LMS",
        "HR",
        "EPJ",
        "DMS",
        "SSO",
        "MFA",
        "MDM",
        "GIS",
        "SaaS",
        "PaaS",
        "IaaS",
        "DW",
        "DWH",
        "SCADA",
        "PLS",
        "IoT",
        # protocols and formats: how data moves, not a system it moves to
        "WFS",
        "WMS",
        "SFTP",
        "FTP",
        "REST",
        "SOAP",
        "HTTP",
        "HTTPS",
        "XML",
        "JSON",
        "CSV",
        "EDI",
        "OPC",
        "UA",
        "AS2",
        "SMTP",
        "MQTT",
        "HL7",
        "FHIR",
        "ebXML",
        "SOSI",
        "ISO",
        "PDF/A",
    }
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
    "motor",
    "katalog",
    "journal",
    "arkiv",
    "base",
    "app",
    "nettsted",
    "kanal",
    "mottak",
    "skjema",
    "gateway",
    "knutepunkt",
    "kart",
    "portefølje",
)

# Words a description often starts with when it starts with a verb or an article ("Håndterer …", "Brukes av …",
# "Er en versjon av …"): a capitalised one of these after a name is the description's first word.
DESCRIPTION_VERBS = frozenset(
    {
        "er", "har", "håndterer", "brukes", "benyttes", "henter", "sender", "mottar", "tar", "gir", "viser",
        "samler", "lagrer", "leverer", "understøtter", "støtter", "dekker", "inneholder", "omfatter",
        "beregner", "publiserer", "formidler", "kjører", "driftes", "består", "tilbyr", "holder", "sikrer",
        "administrerer", "forvalter", "behandler", "registrerer", "planlegger", "brukt", "benyttet",
        "leveres", "nås", "en", "et", "ei", "den", "det", "de", "felles", "sentral", "sentralt", "nasjonal",
        "nasjonalt", "regional", "regionalt", "lokal", "lokalt", "intern", "internt", "ekstern", "eksternt",
        "digital", "digitalt", "elektronisk", "nettbasert", "webbasert", "skybasert", "frittstående",
        "offentlig", "historisk", "automatisk", "virtuell", "virtuelt", "standard", "kommunal", "kommunalt",
    }
)  # fmt: skip

# Words a name never ends with: "Elektronisk kurve og" goes on to the next line.
NAME_FUNCTION_WORDS = frozenset(
    {"og", "eller", "for", "i", "til", "av", "med", "på", "fra", "om", "ved", "mot", "samt", "the", "of"}
)

# A first sentence with one of these makes an entry an integration (a shared platform or channel).
INTEGRATION_WORDS = ("integrasjon", "tjenesteplattform", "portal", "transporterer", "formidle")
# …and one with one of these carries other systems' data between them: a broker, not a consumer.
BROKER_CATEGORY_WORDS = ("integrasjon", "formidl", "knutepunkt", "broker", "meldingsutveksl", "mellomvare",
                         "esb", "gateway", "transporterer", "meldingskø")  # fmt: skip

# Collective terms for a class of entries. term -> the category word its members carry.
GROUP_TERMS: dict[str, str] = {
    "fagsystem": "saksbehandling",
    "fagsystemet": "saksbehandling",
    "fagsystemer": "saksbehandling",
    "fagsystemene": "saksbehandling",
    "øvrige systemer": "",
    "øvrige systemene": "",
    "de øvrige systemene": "",
    "øvrige fagsystemer": "saksbehandling",
    "andre systemer": "",
    "andre fagsystemer": "saksbehandling",
    "eksterne systemer": "",
    "kildesystemene": "",
    "kildesystemer": "",
    "datakilder": "",
    "alle systemer": "",
    "systemene": "",
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
        "registerets",
        "modulen",
        "nettstedet",
        "journalen",
        "katalogen",
        "basen",
        "arkivet",
        "appen",
        "applikasjonen",
        "databasen",
        "motoren",
        "skjemaet",
        "løsningens",
        "systemets",
        "plattformens",
        "herfra",
        "hit",
        "her",
        "den",
        "det",
    }
)

# A paragraph starting with one of these is prose about the table, not an entry.
NOTE_OPENERS = frozenset(
    {"dette", "disse", "det", "den", "de", "her", "vi", "merk", "oversikten", "tabellen"}
)

# A sentence that states an intention, not the present: no dependency edges from it.
PLANNED_MARKERS = ("et mål at", "er et mål", "planlagt", "planlegges", "skal etter hvert", "på sikt")

# What makes a clause state something other than a present relation (regular expressions over the clause's
# lower-case words, joined by single spaces). Each becomes a finding instead of an edge.
NEGATIONS = frozenset({"ikke", "aldri", "ingen", "intet", "uten"})
INTENTION_MARKERS = (
    r"planlagt", r"planlegges", r"planlegger", r"målet er", r"mål at", r"er et mål", r"på sikt", r"skal etter hvert",
    r"skal (?!\w+ som)", r"ønsker å", r"ønskes", r"vurderes", r"vurderer å", r"besluttet at", r"tenkt å",
    r"tar sikte på", r"er under innføring", r"under utredning",
)  # fmt: skip
FUTURE_MARKERS = (r"vil (?:fra|i|etter|fra og med) \d{4}", r"vil bli", r"fra \d{4} vil", r"i løpet av \d{4}",
                  r"kommer til å", r"fra neste år", r"vil \w+ (?:fra|i) \d{4}", r"fra og med \d{4}")  # fmt: skip
PAST_MARKERS = (r"tidligere", r"før \d{4}", r"fram til \d{4}", r"frem til \d{4}", r"inntil \d{4}",
                r"ble faset ut", r"er faset ut", r"ble erstattet", r"ikke lenger", r"i sin tid", r"opprinnelig")  # fmt: skip
HYPOTHETICAL_MARKERS = (r"ved behov", r"dersom", r"hvis", r"eventuelt", r"om nødvendig", r"kan \w+ kobles",
                        r"kan kobles", r"kunne", r"ville")  # fmt: skip
# "Har ingen integrasjoner", "frittstående": the entry says it stands alone.
STANDALONE_MARKERS = (
    r"ingen integrasjoner", r"uten integrasjoner", r"ikke integrert med noen", r"ikke noen integrasjoner",
    r"frittstående", r"ikke koblet til noen", r"ingen koblinger", r"står alene", r"ingen grensesnitt",
)  # fmt: skip
# A clause with one of these moves data in batches (a nightly file) or as messages (a queue), not live.
BATCH_MARKERS = (r"hver natt", r"nattlig\w*", r"natt", r"som fil", r"filer", r"fil", r"daglig", r"ukentlig",
                 r"månedlig", r"årlig", r"hvert kvarter", r"batch\w*", r"uttrekk\w*", r"nattlige", r"per natt",
                 r"hver måned", r"hver uke", r"hvert år", r"sftp")  # fmt: skip
MESSAGE_MARKERS = (r"melding", r"meldings", r"kø", r"hendelse", r"asynkron", r"webhook", r"feed", r"ebxml",
                   r"hl7", r"push")  # fmt: skip
# Words of the login trade: a system that uses an e-ID in such a clause logs its users in with it.
LOGIN_WORDS = frozenset({"innlogging", "innloggingen", "pålogging", "påloggingen", "autentisering", "login",
                         "sso", "mfa", "tofaktorautentisering", "innbyggerpålogging", "logge", "logger",
                         "autentiseres", "identitetsforvaltning", "tilgangsstyring"})  # fmt: skip
# A name with one of these in it carries a flow for both of its ends (an integration platform, a queue).
BROKER_WORDS = ("plattform", "kø", "motor", "knutepunkt", "broker", "integrasjon", "bus", "gateway", "hub",
                "helsenett", "meldingskø", "formidling")  # fmt: skip
PREPOSITIONS = frozenset(
    {"fra", "til", "i", "på", "med", "mot", "via", "gjennom", "over", "av", "hos", "for", "ved", "mellom",
     "inn", "tilbake i", "om", "under", "etter", "fram", "frem"}
)  # fmt: skip
# After a comma, these open a subordinate clause of its own.
SUBORDINATORS = frozenset(
    {"som", "slik at", "slik", "der", "hvor", "hvorav", "hvorfra", "noe som", "siden", "fordi",
     "dersom", "når", "før", "etter at", "mens", "men", "i tillegg", "ved at", "så", "da", "samtidig",
     "hvilket", "og derfor", "avhengig av", "uten at"}
)  # fmt: skip

# Words for people and organisations that use or receive from systems, as lemmas (inflected and compound
# forms are found by their lemma: "lærerne", "klinikkledere", "lønnsmedarbeidere").
ACTOR_LEMMAS = frozenset(
    {
        "saksbehandler", "leder", "ansatt", "medarbeider", "lærer", "elev", "student", "foresatt", "forelder",
        "pasient", "pårørende", "innbygger", "bruker", "publikum", "journalist", "kontrollør", "revisor",
        "arkivar", "montør", "kunde", "leverandør", "søker", "fastlege", "lege", "sykepleier", "helsepersonell",
        "controller", "analytiker", "forsker", "utvikler", "administrator", "redaksjon", "folkevalgt",
        "politiker", "tannlege", "næringsliv", "instruktør", "sjåfør", "operatør", "innringer", "abonnent",
        "arbeidsgiver", "arbeidstaker", "kandidat", "sensor", "rektor", "veileder", "ledergruppe", "personell",
        "helseaktør", "søknadsbehandler", "skoleadministrasjon", "arkivtjeneste", "apotek",
        "kommune", "fylkeskommune", "tilskuddsmottaker", "organisasjon", "virksomhet", "mannskap",
        "vaktleder", "vakthavende", "kundesenter", "kundeservice", "servicesenter", "sentralbord",
        "forvalter", "systemforvalter", "lønnsmedarbeider", "økonomiavdeling",
        "konsulent", "rådgiver", "superbruker", "fagperson", "spesialist", "jurist", "tolk", "ledelse",
        "direktør", "sekretariat", "team", "stab", "utvalg", "styre", "prosjektleder",
    }
)  # fmt: skip
# Organisation units, by the end of the word ("HR-avdelingen", "Dokumentsenteret", "smittevernteamet").
ORG_UNIT_SUFFIXES = ("avdelingen", "avdelinga", "seksjonen", "kontoret", "teamet", "enheten", "staben",
                     "sekretariatet", "ledelsen", "torget", "tjenesten_")  # fmt: skip
# Capitalised words that are not names of anything a system depends on: formats, protocols, standards,
# places, months (folded).
NOT_NAMES = frozenset(
    {
        "hl7", "fhir", "xml", "json", "csv", "sftp", "ftp", "rest", "soap", "mqtt", "opc", "ua", "dicom",
        "ehf", "siri", "netex", "iccp", "saml", "oidc", "oauth", "oauth2", "sso", "mfa", "gps", "pdf",
        "http", "https", "smtp", "iso", "ns", "epj", "pas", "erp", "crm", "hr", "it", "ikt", "bi", "ai",
        "ml", "sql", "vpn", "adt", "iplos", "scada", "dms", "tcp", "ip", "dns", "ldap", "scim", "ebxml",
        "kith-xml", "kith", "noark", "noark-5", "ebix", "ediel", "camt.054", "pain.001", "iso 20022",
        "sverige", "danmark", "finland", "island", "tyskland", "irland", "nederland", "storbritannia", "usa",
        "norge", "norway", "norway east", "east", "west", "north", "central", "europe", "oslo", "bergen", "trondheim", "eu", "eøs", "eus", "norges",
        "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
        "november", "desember", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
        "a-melding", "a-meldingen", "ios", "android", "ipad", "iphone", "windows", "linux", "mac", "pc",
        "sms", "e-post", "api", "apier", "api-et", "api-er", "cms", "gdpr", "saas", "paas", "iaas", "id",
        "24/7", "mva", "kpi", "as", "asa", "iks", "sf", "hf", "ks", "nb", "nn", "no", "ok", "4g", "5g", "lte",
        "nb-iot", "cmdb", "itsm", "lms", "ipaas", "rest-api", "rest-api-er", "api-gateway", "mdm", "sla",
    }
)  # fmt: skip

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
