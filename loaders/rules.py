"""Extraction rules: Norwegian relation phrases in a tagged sentence become dependency drafts.

Each rule is a small function over a :class:`~loaders.mentions.Tagged` clause. It yields :class:`Draft`
edges between *references* (a mention, or the entry being described) and never looks at a particular
system's name. Direction follows the model: ``source`` depends on ``target``.

| rule | phrase (examples) | edge |
|---|---|---|
| used-by | "Benyttes av X og av Y", "Kan brukes av alle" | X USES entry |
| used-by-group | "Benyttes av fagsystemer" | every case-processing entry INTEGRATES_VIA/USES entry (inferred) |
| actor-verb | "Helfo benytter …", "Helfo vedlikeholder …" | actor USES entry |
| via | "… via Kundeportalen" | entry ACCESSED_VIA X (scoped to the clause's users); "eksponere … via X": EXPOSES_VIA |
| uses-list | "ved å bruke f.eks BankID, ID-porten" | entry AUTHENTICATES_WITH X (login sentence) or USES X |
| built-on | "versjon av X", "basert på X" | entry BUILT_ON X |
| hosts | "På denne driftes A, B og C" | A HOSTED_ON entry |
| hosted-on | "Driftes i X" | entry HOSTED_ON X ("Driftes ikke i X": no edge) |
| published-via | "tilgjengeliggjøres ved X" | entry DELIVERS_VIA X (soft) |
| delivers-alternatives | "Innbyggere mottar brev på A, B eller C" | entry DELIVERS_VIA A/B/C as alternatives; innbyggere RECEIVES_FROM entry |
| receives-from | "får … fra X", "henter … fra X" | entry RECEIVES_FROM X |
| sends-to | "sende … til Helfo", "utsendelse … til innbyggere" | actor RECEIVES_FROM entry; system: entry TRANSFERS_TO it |
| serves | "Portal for X", "for både X og Y", "tilgjengeliggjør … til X" | actor X USES entry |
| between | "(flyt/transport) mellom A og B og C" | portfolio parts INTEGRATES_VIA entry; outside parts: entry TRANSFERS_TO them |
| exchange | "samhandling med X" | entry EXCHANGES_WITH X and back (soft) |
| owner | "utviklet av X", "forvaltes av X" | the entry's owner (no edge) |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from graph.model import Confidence, RelType, Strength
from loaders.mentions import Mention, MentionKind, Tagged

__all__ = ["RULES", "Draft", "Owner", "Ref", "Unresolved", "apply_rules"]


@dataclass(frozen=True)
class Ref:
    """The entry being described (``SELF``) or something a sentence mentions."""

    kind: MentionKind
    target: str
    name: str
    description: str | None = None

    @classmethod
    def of(cls, m: Mention, description: str | None = None) -> Ref:
        return cls(m.kind, m.target, m.name, description)


SELF = Ref(MentionKind.SELF, "", "")


@dataclass(frozen=True)
class Draft:
    source: Ref
    target: Ref
    type: RelType
    rule: str
    strength: Strength | None = None  # None: the relation type's default
    confidence: Confidence = Confidence.STATED
    alt_group: str | None = None
    scope: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Owner:
    actor: Ref
    rule: str = "owner"


@dataclass(frozen=True)
class Unresolved:
    """A phrase that should name something but names nothing known ("Benyttes av sakbehandling")."""

    phrase: str
    rule: str


Fact = Draft | Owner | Unresolved

_ITEM = r"⟦\d+⟧(?:\s+⟦\d+⟧)?"
_LEAD = r"(?:(?:et|en|ei|den|det|de)\s+)?(?:[a-zæøå]+\s+hos\s+)?"
_SEP = r"(?:\s*,\s*(?:og\s+|eller\s+)?|\s+(?:og|eller|samt)\s+|\s*/\s*)(?:(?:i|på)\s+)?" + _LEAD
LIST = rf"{_LEAD}{_ITEM}(?:{_SEP}{_ITEM})*"

_USE_VERB = re.compile(r"\b(?:[Bb]enyttes|[Bb]rukes|[Bb]enyttet|[Bb]rukt)\b")
_USER_CLAUSE = re.compile(rf"\bav\s+(?:(?:[\wæøå]+\s+){{1,4}}?som\s+)?(?P<list>{LIST})")
_LOGIN = re.compile(r"innlogging|autentisering|pålogging|login", re.IGNORECASE)
_EXPOSE = re.compile(r"eksponere|publisere|tilgjengeliggjøre", re.IGNORECASE)
_FLOW = re.compile(r"flyt|transporter|integrasjon|formidle|overfør", re.IGNORECASE)

DEFAULT_STRENGTH: dict[RelType, Strength] = {
    RelType.EXPOSES_VIA: Strength.SOFT,
    RelType.INTEGRATES_VIA: Strength.SOFT,
    RelType.EXCHANGES_WITH: Strength.SOFT,
}


def items(t: Tagged, fragment: str) -> list[Mention]:
    """Mentions of a list; a collective word in apposition ("fagsystemet ABC X") yields to the name."""
    ms = t.items(fragment)
    out = []
    for i, m in enumerate(ms):
        nxt = ms[i + 1] if i + 1 < len(ms) else None
        if (
            m.kind is MentionKind.GROUP
            and nxt is not None
            and re.search(rf"⟦\d+⟧\s+⟦{t.mentions.index(nxt)}⟧", fragment)
        ):
            continue
        out.append(m)
    return out


def _paren_after(t: Tagged, m: Mention, sentence: str) -> str | None:
    """The parenthesis right after a mention: "RINA (Applikasjon utviklet av EU …)"."""
    rest = sentence[m.end :]
    pm = re.match(r"\s*\(([^()]+)\)", rest)
    return pm.group(1).strip() if pm else None


# ---------------------------------------------------------------------------------------------------------
# Rules. Each takes (tagged clause, context) and yields facts.


@dataclass(frozen=True)
class Context:
    entry_id: str
    is_integration: bool
    sentence: str  # the original sentence (for parentheses after mentions)
    whole: Tagged  # the whole sentence, tagged


def _user_clauses(t: Tagged, clause: str) -> list[tuple[int, int, list[Mention]]]:
    """(start, end, users) of each "av X" user clause after a use verb."""
    verb = _USE_VERB.search(clause)
    if not verb:
        return []
    found: list[tuple[int, list[Mention]]] = []
    for m in _USER_CLAUSE.finditer(clause, verb.end()):
        before = clause[: m.start()].rstrip()
        if before.endswith((verb.group(), "og", ",")) or before == clause[: verb.end()].rstrip():
            found.append((m.start(), items(t, m.group("list"))))
    return [(s, found[i + 1][0] if i + 1 < len(found) else len(clause), u) for i, (s, u) in enumerate(found)]


def used_by(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    verb = _USE_VERB.search(clause)
    if not verb:
        return
    clauses = _user_clauses(t, clause)
    if not clauses:
        after = clause[verb.end() :].strip()
        if after.startswith("av ") and not after[3:].startswith("⟦"):
            yield Unresolved(re.sub(r"⟦\d+⟧", "…", clause[verb.start() :])[:80], "used-by")
        return
    for _, _, users in clauses:
        for u in users:
            if u.kind is MentionKind.GROUP:
                kind = RelType.INTEGRATES_VIA if ctx.is_integration else RelType.USES
                yield Draft(Ref.of(u), SELF, kind, "used-by-group", Strength.SOFT, Confidence.INFERRED)
            elif u.kind in (MentionKind.ACTOR, MentionKind.NODE):
                yield Draft(Ref.of(u), SELF, RelType.USES, "used-by")


def actor_verb(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    m = re.match(r"\s*(⟦\d+⟧)\s+(?:benytter|bruker|vedlikeholder|forvalter|oppdaterer)\b", clause)
    if m:
        (actor,) = t.items(m.group(1))
        if actor.kind is MentionKind.ACTOR:
            yield Draft(Ref.of(actor), SELF, RelType.USES, "actor-verb")


def via(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    clauses = _user_clauses(t, clause)
    for m in re.finditer(rf"\bvia\s+(?P<list>{LIST})", clause):
        scope = tuple(
            Ref.of(u)
            for s, e, users in clauses
            if s <= m.start() < e
            for u in users
            if u.kind is MentionKind.ACTOR
        )
        exposes = bool(_EXPOSE.search(clause[: m.start()]))
        for target in items(t, m.group("list")):
            if target.kind in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
                continue
            if exposes:
                yield Draft(SELF, Ref.of(target), RelType.EXPOSES_VIA, "via")
            else:
                yield Draft(SELF, Ref.of(target), RelType.ACCESSED_VIA, "via", scope=scope)


def uses_list(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(rf"\bbruke[r]?\s+(?:f\.\s?eks\.?\s+)?(?P<list>{LIST})", clause):
        kind = RelType.AUTHENTICATES_WITH if _LOGIN.search(clause) else RelType.USES
        for target in items(t, m.group("list")):
            if target.kind not in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
                yield Draft(SELF, Ref.of(target, _paren_after(t, target, ctx.sentence)), kind, "uses-list")


def built_on(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(r"\b(?:versjon av|basert på|bygget på|bygger på)\s+(⟦\d+⟧)", clause):
        (target,) = t.items(m.group(1))
        if target.kind not in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
            yield Draft(SELF, Ref.of(target), RelType.BUILT_ON, "built-on")


def hosts(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(
        rf"\b[Pp]å\s+(?P<self>⟦\d+⟧)\s+(?:driftes|kjører|hostes)\s+(?P<list>{LIST})", clause
    ):
        (host,) = t.items(m.group("self"))
        if host.kind is MentionKind.SELF:
            for hosted in items(t, m.group("list")):
                if hosted.kind not in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
                    yield Draft(Ref.of(hosted), SELF, RelType.HOSTED_ON, "hosts")


def hosted_on(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(r"\b(?:[Dd]riftes|[Kk]jører|[Ll]igger|[Hh]ostes)\s+(?:i|på)\s+(⟦\d+⟧)", clause):
        (host,) = t.items(m.group(1))
        if host.kind not in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
            yield Draft(SELF, Ref.of(host), RelType.HOSTED_ON, "hosted-on")


def published_via(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    rx = rf"\b(?:tilgjengeliggjøres|publiseres|presenteres)\s+(?:ved|via|i|på|gjennom)\s+(?P<list>{LIST})"
    for m in re.finditer(rx, clause):
        for target in items(t, m.group("list")):
            if target.kind not in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
                yield Draft(SELF, Ref.of(target), RelType.DELIVERS_VIA, "published-via", Strength.SOFT)


def delivers_alternatives(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    rx = rf"(?P<subj>⟦\d+⟧)\s+(?:mottar|får)\s+[\wæøå]+\s+(?:på|via|i|gjennom)\s+(?P<list>{LIST})"
    for m in re.finditer(rx, clause):
        (subj,) = t.items(m.group("subj"))
        channels = items(t, m.group("list"))
        alternatives = " eller " in m.group("list") and len(channels) > 1
        group = f"{ctx.entry_id}/delivery" if alternatives else None
        if subj.kind is MentionKind.ACTOR:
            yield Draft(Ref.of(subj), SELF, RelType.RECEIVES_FROM, "delivers-alternatives")
        for ch in channels:
            if ch.kind not in (MentionKind.ACTOR, MentionKind.SELF, MentionKind.GROUP):
                yield Draft(SELF, Ref.of(ch), RelType.DELIVERS_VIA, "delivers-alternatives", alt_group=group)


def receives_from(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(r"\b(?:får|henter|mottar)\b[^⟦.]*?\bfra\s+(⟦\d+⟧)", clause):
        (source,) = t.items(m.group(1))
        if source.kind not in (MentionKind.SELF, MentionKind.GROUP):
            yield Draft(SELF, Ref.of(source), RelType.RECEIVES_FROM, "receives-from")


def sends_to(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    rx = rf"\b(?:sende|sender|utsendelse|overføre|overfører|levere|leverer)\b.*?\btil\s+(?P<list>{LIST})"
    for m in re.finditer(rx, clause):
        for r in items(t, m.group("list")):
            if r.kind is MentionKind.ACTOR:
                yield Draft(Ref.of(r), SELF, RelType.RECEIVES_FROM, "sends-to")
            elif r.kind not in (MentionKind.SELF, MentionKind.GROUP):
                yield Draft(SELF, Ref.of(r), RelType.TRANSFERS_TO, "sends-to")


def serves(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    patterns = (rf"\bfor\s+(?:både\s+)?(?P<list>{LIST})", rf"\btilgjengeliggjør\b.*?\btil\s+(?P<list>{LIST})")
    for rx in patterns:
        for m in re.finditer(rx, clause):
            for actor in items(t, m.group("list")):
                if actor.kind is MentionKind.ACTOR:
                    yield Draft(Ref.of(actor), SELF, RelType.USES, "serves")


def between(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    if not (ctx.is_integration or _FLOW.search(clause)):
        return
    for m in re.finditer(rf"\bmellom\s+(?P<list>{LIST})", clause):
        for part in items(t, m.group("list")):
            if part.kind is MentionKind.NODE:
                yield Draft(Ref.of(part), SELF, RelType.INTEGRATES_VIA, "between")
            elif part.kind is MentionKind.GROUP:
                yield Draft(
                    Ref.of(part), SELF, RelType.INTEGRATES_VIA, "between", Strength.SOFT, Confidence.INFERRED
                )
            elif part.kind is not MentionKind.SELF:
                desc = _paren_after(t, part, ctx.sentence)
                yield Draft(SELF, Ref.of(part, desc), RelType.TRANSFERS_TO, "between")


def exchange(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(rf"\b[Ss]amhandling\s+med\s+(?P<list>{LIST})", clause):
        for other in items(t, m.group("list")):
            if other.kind in (MentionKind.ACTOR, MentionKind.NODE, MentionKind.PROPER):
                yield Draft(SELF, Ref.of(other), RelType.EXCHANGES_WITH, "exchange")
                yield Draft(Ref.of(other), SELF, RelType.EXCHANGES_WITH, "exchange")


def owner(t: Tagged, clause: str, ctx: Context) -> Iterator[Fact]:
    for m in re.finditer(r"\b(?:utviklet|eies|forvaltes|driftes)\s+av\s+(⟦\d+⟧)", clause):
        (actor,) = t.items(m.group(1))
        if actor.kind is MentionKind.ACTOR:
            yield Owner(Ref.of(actor))


Rule = Callable[[Tagged, str, Context], Iterator[Fact]]
RULES: tuple[Rule, ...] = (
    used_by,
    actor_verb,
    via,
    uses_list,
    built_on,
    hosts,
    hosted_on,
    published_via,
    delivers_alternatives,
    receives_from,
    sends_to,
    serves,
    between,
    exchange,
    owner,
)

_CLAUSE_BREAK = re.compile(r",\s+men\s+|;\s+")
_NEGATION = re.compile(r"\b(?:ikke|aldri|ingen)\b", re.IGNORECASE)


def clauses(tagged: Tagged) -> list[tuple[str, bool]]:
    """The tagged sentence cut at ", men" and ";", each with whether it is negated."""
    parts = _CLAUSE_BREAK.split(tagged.text)
    return [(p, bool(_NEGATION.search(p))) for p in parts]


def apply_rules(tagged: Tagged, ctx: Context) -> tuple[list[Fact], list[Draft]]:
    """Facts from the sentence's affirmative clauses, and the drafts its negated clauses deny."""
    facts: list[Fact] = []
    denied: list[Draft] = []
    for clause, negated in clauses(tagged):
        found = [f for rule in RULES for f in rule(tagged, clause, ctx)]
        if negated:
            denied.extend(f for f in found if isinstance(f, Draft))
            # "Driftes ikke i X": the negated verb phrase still names what it denies.
            unneg = _NEGATION.sub("", clause)
            denied.extend(
                f
                for rule in RULES
                for f in rule(tagged, re.sub(r"\s+", " ", unneg), ctx)
                if isinstance(f, Draft)
            )
        else:
            facts.extend(found)
    return facts, denied
