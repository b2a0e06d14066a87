"""Extraction: a tagged sentence, cut into clauses, becomes dependency drafts through the verb frames.

The steps, each generic (no rule knows a name of any portfolio):

1. **Clauses.** The sentence is cut at ``;``, at ", men/mens", before a subordinate clause (", som", ", slik
   at", ", der", ", hvorav", ", i tillegg til at" …) and before ", og" + a new subject. A relative "som"
   clause's subject is the name right before it.
2. **Modality.** A clause that denies (``ikke``, ``ingen``, ``uten``), plans (``planlagt``, ``målet er``,
   ``skal``), lies ahead (``vil … fra 2027``), lies behind (``tidligere``, ``før 2021``, a past tense) or is
   hypothetical (``ved behov``, ``dersom``) makes no edge: it makes a finding (:class:`Denied`). "ikke" right
   before a preposition denies only that argument ("ligger i A, ikke i B").
3. **Subject.** The names before the clause's first cue word (not behind a preposition) are its subject; a
   name behind "fra" there ("Hendelser fra X formidles til Y") is the one that acts. After a fronted
   adverbial (V2: "På denne driftes A og B") the subject follows the verb. No subject: the entry itself
   (verb-first sentences, the -s passive with a thing as subject: "Personalia slås opp i X").
4. **Frames.** Every other name is an argument: the nearest cue before it (a verb by its lemma, in its voice,
   or a noun such as "innlogging") that takes one of the prepositions between them makes the relation,
   as ``loaders/frames.csv`` says; a bare "via", "fra", "til" … where no cue takes it. Lists distribute
   ("av A, B og C"); "A, B eller C" are alternatives.

Direction follows the model: ``source`` depends on ``target``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from graph.model import Confidence, RelType, Strength
from loaders.frames import Frame, frames, frames_starting
from loaders.lexicon import (
    BATCH_MARKERS,
    BROKER_WORDS,
    CATEGORY_SUFFIXES,
    FUTURE_MARKERS,
    HYPOTHETICAL_MARKERS,
    INTENTION_MARKERS,
    LOGIN_WORDS,
    MESSAGE_MARKERS,
    NEGATIONS,
    OPENER_WORDS,
    PAST_MARKERS,
    PREPOSITIONS,
    STANDALONE_MARKERS,
    SUBORDINATORS,
)
from loaders.mentions import Mention, MentionKind, Tagged, Token

__all__ = [
    "SELF",
    "Context",
    "Denied",
    "Draft",
    "Fact",
    "Owner",
    "Ref",
    "Standalone",
    "Unresolved",
    "apply_rules",
]


@dataclass(frozen=True)
class Ref:
    """The entry being described (``SELF``) or something a sentence mentions."""

    kind: MentionKind
    target: str
    name: str
    description: str | None = None
    known: str | None = None
    text: str | None = field(default=None, compare=False)  # as the sentence wrote it

    @classmethod
    def of(cls, m: Mention, description: str | None = None) -> Ref:
        if m.kind is MentionKind.SELF:
            return SELF
        return cls(m.kind, m.target, m.name, description, m.known, m.text)


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
    mode: str | None = None  # live | message | batch


@dataclass(frozen=True)
class Owner:
    actor: Ref
    role: str = "owner"  # owner (eies av, systemeier er) | administrator (forvaltes av); never a user


@dataclass(frozen=True)
class Unresolved:
    """A phrase that should name something but names nothing known ("Benyttes av sakbehandling")."""

    phrase: str
    rule: str


@dataclass(frozen=True)
class Denied:
    """A relation a clause states is not (or not yet, or no longer) there: negation, intention, future, past,
    hypothetical."""

    draft: Draft
    why: str
    marker: str


@dataclass(frozen=True)
class Standalone:
    """The entry says it has no integrations at all."""

    phrase: str


Fact = Draft | Owner | Unresolved | Denied | Standalone


@dataclass(frozen=True)
class Context:
    entry_id: str
    is_integration: bool
    sentence: str
    first: bool = False  # the entry's first sentence (where it says what it is)


# ---------------------------------------------------------------------------------------------------------
# Clauses


@dataclass
class Clause:
    start: int  # token range of the tagged sentence
    end: int
    antecedent: Mention | None = None  # the name a relative "som" clause is about
    modality: tuple[str, str] | None = None  # (why, marker) when the clause states no present relation
    relative: bool = False  # a relative clause ("som …", "der …")
    coordinated: bool = False  # a verb phrase joined to the clause before ("…, brukes av X og vil …")
    broker: bool = False  # the entry carries other systems' data (set from the context)
    inherited: list[Mention] = field(default_factory=list)  # the subject a coordinated clause shares


def _low(tok: Token) -> str:
    return tok.text.lower()


_PRONOUNS = frozenset({"man", "vi", "de", "den", "det", "han", "hun", "dette", "disse", "alle"})
_UNREAL = frozenset({"intention", "future", "hypothetical"})
_CONSEQUENCE = frozenset({"slik", "så", "for", "fordi", "ved", "at"})
_ADVERBS = frozenset(
    {
        "også",
        "bare",
        "kun",
        "ikke",
        "deretter",
        "dessuten",
        "normalt",
        "i",
        "dag",
        "nå",
        "så",
        "ennå",
        "enda",
        "fortsatt",
        "allerede",
        "alltid",
        "aldri",
        "fremdeles",
        "likevel",
        "da",
        "automatisk",
        "jevnlig",
    }
)


def _verb_after(t: Tagged, i: int, span: int = 3) -> bool:
    """Does a finite verb follow within ``span`` words (adverbs and a fronted time, "fra 2027", skipped)?"""
    j, end = i, min(i + span, len(t.tokens))
    while j < end:
        tok = t.tokens[j]
        if _is_verb(tok):
            return True
        if _low(tok) in PREPOSITIONS and j + 1 < len(t.tokens) and t.tokens[j + 1].text.isdigit():
            j, end = j + 2, min(end + 2, len(t.tokens))  # "…, og fra 2027 vil RIMO hente …"
            continue
        if _low(tok) not in _ADVERBS:
            return False
        j += 1
    return False


def _subject_then_verb(t: Tagged, i: int) -> bool:
    """Do names ("både TIBE og ETV", "Altinn") and then a finite verb follow — a clause of its own?"""
    j = i
    while j < len(t.tokens) and j < i + 12:
        m = t.mention_at(j)
        if m is not None:
            j = m.end
        elif _low(t.tokens[j]) in {"både", "og", "eller", ","} or _low(t.tokens[j]) in _PRONOUNS:
            j += 1
        else:
            break
    return j > i and t.mention_at(j - 1) is not None and _verb_after(t, j, 2)


def _noun_then_verb(t: Tagged, i: int) -> bool:
    """A short noun phrase and a finite verb: "…, og resultatet leses av ETV" is a clause of its own."""
    for j in range(i, min(i + 4, len(t.tokens))):
        tok = t.tokens[j]
        if _is_verb(tok):
            return j > i
        if not tok.is_word or _low(tok) in PREPOSITIONS or _low(tok) in SUBORDINATORS:
            return False
    return False


def clauses(t: Tagged) -> list[Clause]:
    """The sentence cut into clauses: at ";", before subordinate and relative clauses, and before a verb
    phrase joined by "," or "og" ("…, brukes av X og vil bli avlevert …"). Each keeps its relative
    antecedent, and a joined verb phrase shares the subject of the main clause before it."""
    cuts: dict[int, Clause] = {0: Clause(0, 0)}
    for i in range(len(t.tokens)):
        _cut(t, cuts, i)
    return _joined(t, cuts)


def _cut(t: Tagged, cuts: dict[int, Clause], i: int) -> None:
    """The clause that starts at token ``i`` (or right after it, at a punctuation mark), if one does, into
    ``cuts`` (the clauses found before it, by start)."""
    toks = t.tokens
    tok = toks[i]
    low = _low(tok)
    nxt = _low(toks[i + 1]) if i + 1 < len(toks) else ""
    two = f"{nxt} {_low(toks[i + 2])}" if i + 2 < len(toks) else nxt
    if tok.text == ";":
        cuts[i + 1] = Clause(i + 1, 0)
    elif tok.text == "," and (nxt in SUBORDINATORS or two in SUBORDINATORS):
        cuts[i + 1] = Clause(i + 1, 0, relative=nxt in {"som", "der", "hvor", "hvorfra"})
        if nxt == "som":
            cuts[i + 1].antecedent = _antecedent(t, i)
    elif (
        tok.text == ","
        and nxt in {"og", "men", "mens"}
        and (_verb_after(t, i + 2, 5) or _subject_then_verb(t, i + 2) or _noun_then_verb(t, i + 2))
    ):
        cuts[i + 1] = Clause(i + 1, 0, coordinated=True)
    elif tok.text == "," and _verb_after(t, i + 1, 2):
        cuts[i + 1] = Clause(i + 1, 0, coordinated=True)  # "…, brukes av X"
    elif (
        low == "og"
        and i > 0
        and toks[i - 1].text != ","
        and _verb_after(t, i + 1, 2)
        and _has_verb(t, cuts, i)
    ):
        cuts[i] = Clause(i, 0, coordinated=True)  # "… og vil bli avlevert …"
    elif (
        low == "at"
        and i > 0
        and _low(toks[i - 1]) not in {"slik", "så"} | PREPOSITIONS
        and (_subject_then_verb(t, i + 1) or _noun_then_verb(t, i + 1))
    ):
        cuts[i] = Clause(i, 0)  # "Det er et mål at fagsystemene henter …": the names after "at" act
    elif low == "og" and nxt in _PRONOUNS and _verb_after(t, i + 2, 2):
        cuts[i] = Clause(i, 0)  # "… genereres fra CMS og man bruker ikke …": a clause of its own
    elif low == "som" and i > 0 and toks[i - 1].text != "," and _verb_after(t, i + 1, 4):
        cuts[i] = Clause(i, 0, relative=True, antecedent=_bare_antecedent(t, i))


def _joined(t: Tagged, cuts: dict[int, Clause]) -> list[Clause]:
    """The clauses from their starts ``cuts``, each with its end, its modality (a consequence clause takes an
    unreal one's from the clause before) and, joined to a main clause, that clause's subject."""
    toks = t.tokens
    out: list[Clause] = []
    main: Clause | None = None
    for a, b in itertools.pairwise([*sorted(cuts), len(toks)]):
        if b <= a:
            continue
        clause = cuts[a]
        clause.start, clause.end = a, b
        clause.modality = _modality(t, a, b + (b < len(toks) and _low(toks[b]) == "at"))  # "… mål | at …"
        before = out[-1].modality if out else None
        if clause.modality is None and _low(toks[a]) in _CONSEQUENCE and before and before[0] in _UNREAL:
            clause.modality = before  # "Målet er at X skal …, slik at Y henter …": Y too
        if clause.coordinated and main is not None:
            clause.inherited = main.inherited or _leading_subject(t, main)
        if not clause.relative:
            main = clause
        out.append(clause)
    return out


def _bare_antecedent(t: Tagged, i: int) -> Mention | None:
    """The name a "som" clause without a comma is about: the one right before it — not the doer of a
    participle ("et verktøy utviklet av Hdir som viser …" is about the tool)."""
    m = t.mention_at(i - 1)
    if m is not None and m.start > 0 and _low(t.tokens[m.start - 1]) == "av" and m.kind is MentionKind.ACTOR:
        return None
    return m


def _has_verb(t: Tagged, cuts: dict[int, Clause], i: int) -> bool:
    """Has the clause "og" stands in a verb before it (so that "og" + verb starts a verb phrase of its own)?"""
    start = max(k for k in cuts if k <= i)
    return any(_is_verb(t.tokens[k]) for k in range(start, i))


def _antecedent(t: Tagged, comma: int) -> Mention | None:
    """The name a ", som" clause is about: the one right before the comma — not a member of a list ("med e-post,
    Teams og SharePoint, som …" is about what the list belongs to)."""
    k = comma - 1
    if k >= 0 and t.tokens[k].text == ")":
        k = max(0, k - 2)
    m = t.mention_at(k)
    if m is None or m.start == 0:
        return m
    before = _low(t.tokens[m.start - 1])
    if before in {"og", "eller", ","}:
        return None
    # "bygget på Azure Integration Services, som formidler …": a product something is built on does not act.
    built = {"bygget", "basert", "bygd", "versjon", "realisert", "utviklet"}
    if before in {"på", "av", "med", "i"} and m.start >= 2 and _low(t.tokens[m.start - 2]) in built:
        return None
    return m


def _leading_subject(t: Tagged, c: Clause) -> list[Mention]:
    first_verb = next((k for k in range(c.start, c.end) if _is_verb(t.tokens[k])), None)
    if first_verb is None:
        return []
    subj, _ = _subject(t, c, first_verb)
    return subj


_IRREGULAR_FINITE = frozenset(
    {"er", "var", "blir", "ble", "har", "hadde", "kan", "kunne", "skal", "skulle", "vil", "ville", "må", "måtte",
     "går", "gikk", "får", "fikk", "tar", "tok", "gir", "ga", "ser", "står", "gjør", "gjorde", "kommer", "kom",
     "ligger", "lå", "nås", "fås", "tas", "gis", "sies", "finnes", "fins", "brukes", "trengs"}
)  # fmt: skip
# Verbs that are not relation cues but often carry a clause ("Håndterer …", "Beregner …"): their lemmas.
_COMMON_VERBS = frozenset(
    {"håndtere", "beregne", "behandle", "støtte", "understøtte", "sikre", "tilby", "holde", "samle", "inneholde",
     "omfatte", "dekke", "registrere", "planlegge", "administrere", "forvalte", "gjennomføre", "dokumentere",
     "oppdatere", "opprette", "fatte", "utstede", "vedlikeholde", "følge", "kontrollere", "beholde", "kopiere",
     "etablere", "ivareta", "tilrettelegge", "produsere", "generere", "varsle", "overvåke", "fordele", "lese",
     "ønske", "jobbe", "arbeide", "kjøre", "betale", "motta", "bestille", "søke", "undersøke", "trykke",
     "implementere", "eie", "drifte", "levere", "tilpasse", "erstatte", "lage", "bruke", "benytte"}
)  # fmt: skip
_FINITE = re.compile(r"(?:er|es|te|de|et|r|s)$")


def _is_verb(tok: Token) -> bool:
    """A finite verb, roughly: an auxiliary or common irregular verb, or a finite form (present -r, passive
    -s, past -te/-de/-et) of a relation verb or a common description verb. (A plural noun such as "kommuner"
    has the same ending, so only verbs known as verbs count.)"""
    low = _low(tok)
    if low in _IRREGULAR_FINITE:
        return True
    if not tok.is_word or not low.isalpha() or not _FINITE.search(low):
        return False
    lemma_ = tok.lemma
    if lemma_ == low:
        return False
    return (
        lemma_ in _COMMON_VERBS
        or any(f.voice != "any" or len(f.words) > 1 for f in frames_starting(lemma_))
        or (
            bool(frames_starting(lemma_))
            and lemma_.endswith("e")
            and not frames_starting(lemma_)[0].is_fallback
            and any(f.prep != "-" or f.roles != "subj>arg" for f in frames_starting(lemma_))
            and lemma_ not in _NOUN_CUES
        )
    )


_NOUN_CUES = frozenset({"tjeneste", "løsning", "plattform", "portal", "kilde", "bro"})


_PAST_FORMS = frozenset({"gikk", "var", "hadde", "fikk", "tok", "kom", "lå", "gjorde", "ga", "bygde", "ble"})


def _modality(t: Tagged, a: int, b: int) -> tuple[str, str] | None:
    """Why a clause states no present relation, and the word that says so; ``None`` when it does. What stands in
    parentheses is left out ("via Entra ID (tidligere Azure AD)" is present)."""
    words: list[str] = []
    present: list[bool] = []  # a present-tense finite verb so far ("leser …, gir … oppdaterte nøkkeltall")
    depth = 0
    for tok in t.tokens[a:b]:
        depth += tok.text == "("
        if depth == 0:
            words.append(_low(tok))
            present.append(
                bool(present and present[-1]) or (_is_verb(tok) and _low(tok).endswith(("r", "s")))
            )
        depth -= tok.text == ")" and depth > 0
    text = " " + " ".join(words) + " "
    for why, markers, pattern in _MARKERS:
        for hit in pattern.finditer(text):
            marker = next(m for m in markers if re.fullmatch(m, hit.group()))
            if " " in marker or not _attributive(text[: hit.start()]):
                return why, hit.group().strip()  # the words as written: "fra 2027 vil"
    for k, w in enumerate(words):
        if (w in _PAST_FORMS and w != "ble") or (
            w == "ble" and k + 1 < len(words) and words[k + 1] != "brukt"
        ):
            return "past", w
        if (
            w.endswith("te")
            and k
            and words[k - 1] not in _AUX_PRESENT
            and not present[k - 1]  # one finite verb to a clause: after a present one, "-te" is an adjective
            and not _attributive(" ".join(words[:k]))
            and frames_starting(w[:-2] + "e")
        ):
            return "past", w  # "sendte", "brukte" (a past tense of a relation verb)
    for k, w in enumerate(words):
        if w in NEGATIONS:
            nxt = words[k + 1] if k + 1 < len(words) else ""
            if nxt in PREPOSITIONS:  # "ikke i Elements": only that argument (handled with the arguments)
                continue
            return "negation", w
    return None


_MARKERS = [  # one pattern for each kind of marker, in the order they are tried
    (why, markers, re.compile(r"(?<![\w-])(?:" + "|".join(markers) + r")(?![\w-])"))
    for why, markers in (
        ("intention", INTENTION_MARKERS),
        ("hypothetical", HYPOTHETICAL_MARKERS),
        ("future", FUTURE_MARKERS),
        ("past", PAST_MARKERS),
    )
]


def _attributive(before: str) -> bool:
    """Does a determiner stand right before, so the participle that follows describes a noun ("en planlagt
    jobb", "alle registrerte organisasjoner") rather than saying when or whether the clause holds?"""
    words = before.split()
    return bool(words) and words[-1] in _BEFORE_ATTRIBUTE


_BEFORE_ATTRIBUTE = frozenset(
    {"en", "ei", "et", "alle", "hver", "hvert", "noen", "flere", "mange", "disse", "dette",
     "denne", "sine", "sin", "sitt", "våre", "vår", "vårt", "andre", "samtlige", "enkelte", "nye"}
)  # fmt: skip
_AUX_PRESENT = frozenset({"er", "blir", "har", "vil", "kan", "skal", "må", "blitt", "vært"})


# ---------------------------------------------------------------------------------------------------------
# Cues, subjects, arguments


@dataclass(frozen=True)
class Cue:
    start: int
    end: int  # the token after the cue's last word
    frames: tuple[Frame, ...]
    passive: bool


_AUX = {"er", "var", "blir", "ble", "blitt", "vært", "være", "bli"}


def _cues(t: Tagged, c: Clause) -> list[Cue]:
    out = []
    toks = t.tokens
    for i in range(c.start, c.end):
        tok = toks[i]
        if tok.text.endswith("-"):
            continue  # "Samhandlings- og kontorstøtteplattform": half a compound, no verb
        if not tok.is_word or t.mention_at(i) is not None:
            m = t.mention_at(i)
            suffix = _hyphen_suffix(tok) if m is not None else None
            if suffix is None:
                continue
            words, lemma_ = [suffix], suffix
        else:
            words, lemma_ = [], tok.lemma
        candidates = next((fs for w in (lemma_, *_verb_forms(_low(tok))) if (fs := frames_starting(w))), ())
        if not candidates:
            continue
        matched: list[Frame] = []
        end = i + 1
        for frame in candidates:
            rest = frame.words[1:]
            j = i + 1
            ok = True
            for w in rest:  # the other words of a phrase, within the next three tokens
                k = next(
                    (k for k in range(j, min(j + 3, c.end)) if toks[k].lemma == w or _low(toks[k]) == w), None
                )
                if k is None:
                    ok = False
                    break
                j = k + 1
            if ok:
                matched.append(frame)
                end = max(end, j)
        if not matched:
            continue
        low = _low(tok)
        passive = (
            (low.endswith("s") and not low.endswith("ss") and low != tok.lemma and not words)
            or any(_low(toks[k]) in _AUX for k in range(max(c.start, i - 2), i))
            or _participle_before_av(t, i)
        )
        # The longest phrase wins ("slå opp" over "slå"); among equals every frame stays.
        longest = max(len(f.words) for f in matched)
        out.append(Cue(i, end, tuple(f for f in matched if len(f.words) == longest), passive))
    return out


def _participle_before_av(t: Tagged, i: int) -> bool:
    """A past participle with its doer after "av" ("driftet av DFØ", "levert og driftet av DFØ"): a passive."""
    tok = t.tokens[i]
    low = _low(tok)
    if not low.endswith(("et", "t", "dd")) or low == tok.lemma:
        return False
    k = i + 1
    while k < len(t.tokens) and k <= i + 3 and _low(t.tokens[k]) != "av":
        if _low(t.tokens[k]) not in {"og", "eller", *_ADVERBS} and not _low(t.tokens[k]).endswith(
            ("et", "t")
        ):
            return False
        k += 1
    return k < len(t.tokens) and _low(t.tokens[k]) == "av"


def _verb_forms(low: str) -> list[str]:
    """Base forms a word may come from when the lemmatiser does not know it: a verb it reads as a noun
    ("formidler", "synker"), a definite noun ("innloggingen", "påloggingen")."""
    out = [low]
    if low.endswith(("er", "es")):
        out.append(low[:-1])  # formidler -> formidle, hentes -> hente
    if low.endswith(("er", "es", "te", "de")):
        out.append(low[:-2] + "e")  # leste -> lese
    for suffix in ("en", "et", "ene", "a"):
        if low.endswith(suffix) and len(low) > len(suffix) + 3:
            out.append(low[: -len(suffix)])  # innloggingen -> innlogging
    return out


def _hyphen_suffix(tok: Token) -> str | None:
    """The lemma after the hyphen of "Feide-innlogging", "SharePoint Online-løsning": a cue inside a name."""
    _, sep, tail = tok.text.rpartition("-")
    if not sep or not tail[:1].islower() or tail.startswith("bruker"):
        return None  # "Feide-bruker" is a user account, not "bruke"
    return Token(tail, 0, len(tail)).lemma


def _voice_ok(frame: Frame, cue: Cue) -> bool:
    return frame.voice == "any" or (frame.voice == "passive") == cue.passive


@dataclass
class _Parties:
    subj: list[Ref] = field(default_factory=list)
    agent: list[Ref] = field(default_factory=list)  # the "av" phrase of a passive


def _mentions_in(t: Tagged, a: int, b: int) -> list[Mention]:
    return [m for m in t.mentions if a <= m.start < b]


def _prep_before(t: Tagged, m: Mention, floor: int) -> list[str]:
    """The prepositions between ``floor`` and the mention, nearest first (the words of a list are skipped)."""
    out = []
    if _low(t.tokens[m.start]) in _HERE:
        return [_HERE[_low(t.tokens[m.start])]]  # "sendes hit": to the entry; "hentes herfra": from it
    for k in range(m.start - 1, floor - 1, -1):
        low = _low(t.tokens[k])
        if low == "som" and k == floor:
            out.append(low)  # "kjører som en Azure Function": "som" right after the verb is "as"
        elif low in PREPOSITIONS:
            two = f"{low} {_low(t.tokens[k + 1])}" if k + 1 < m.start else low
            out.append(two if two in PREPOSITIONS else low)
    return out


_HERE = {"hit": "til", "herfra": "fra", "her": "i"}


def _subject(t: Tagged, c: Clause, first_cue: int | None) -> tuple[list[Mention], Mention | None]:
    """The subject names of the clause, and a name behind "fra" in the subject ("Hendelser fra X …").

    The subject is the clause's opening noun phrase up to its verb (or its first preposition): only when that
    phrase is names alone ("DIPS Arena og eKurve nås …"), not a list of things with a name among them
    ("Kurs, studenter og roller provisjoneres …").
    """
    if c.antecedent is not None:
        return [c.antecedent], None
    if first_cue is None:
        return [], None  # a clause without a verb ("Timeliste fra X som nattlig fil") is about the entry
    first = c.start
    while first < first_cue and _low(t.tokens[first]) in {"som", "slik", "og", "men", "mens", ",", "at"}:
        first += 1
    if first < c.end and _low(t.tokens[first]) in PREPOSITIONS and _low(t.tokens[first]) != "fra":
        return [], None  # a fronted adverbial: the subject follows the verb (V2)
    subj: list[Mention] = []
    source: Mention | None = None
    k = first
    plain = True
    while k < first_cue:
        tok = t.tokens[k]
        m = t.mention_at(k)
        low = _low(tok)
        if m is not None:
            subj.append(m)
            k = m.end
            continue
        if low in PREPOSITIONS:
            break
        if tok.is_word and low not in _DETERMINERS and low not in _ADVERBS and low not in {"og", "eller"}:
            plain = False
        k += 1
    if k < first_cue and _low(t.tokens[k]) == "fra":
        m = t.mention_at(k + 1)
        if m is not None:
            source = m  # "Hendelser fra X formidles til Y": X acts
    return (subj if plain else []), source


_DETERMINERS = frozenset(
    {"den", "det", "de", "en", "et", "ei", "alle", "både", "enten", "hver", "vår", "våre"}
)


def _own_subject(t: Tagged, c: Clause, first_verb: int | None) -> bool:
    """Does a noun stand before the clause's verb ("…, og regnskapsposteringer overføres til X"), so that the
    clause has a subject of its own — not a fronted adverbial ("På denne driftes …") nor none ("…, og sender")?"""
    if first_verb is None:
        return False
    k = c.start
    while k < first_verb and (_low(t.tokens[k]) in _CONNECTORS or not t.tokens[k].is_word):
        k += 1
    return k < first_verb and _low(t.tokens[k]) not in PREPOSITIONS and _low(t.tokens[k]) not in _ADVERBS


_CONNECTORS = frozenset({"og", "men", "mens", "som", "slik", "at", "samt", "eller"})


def _fronted_adverbial(t: Tagged, c: Clause) -> bool:
    k = c.start
    while k < c.end and _low(t.tokens[k]) in _CONNECTORS | {","}:
        k += 1
    return k < c.end and _low(t.tokens[k]) in PREPOSITIONS


def _inverted_subject(t: Tagged, c: Clause, k: int) -> list[Mention]:
    """V2: after a fronted adverbial the subject names follow the verb that ends before ``k`` ("På denne
    driftes A, B og C", "Fra 2027 vil RIMO hente …")."""
    return _names_listed(t, k, c.end)


def _names_listed(t: Tagged, k: int, end: int) -> list[Mention]:
    """The names listed from token ``k`` ("A, B og C") before ``end``."""
    out = []
    while k < end:
        m = t.mention_at(k)
        if m is not None:
            out.append(m)
            k = m.end
        elif _low(t.tokens[k]) in {",", "og", "eller", "samt"}:
            k += 1
        else:
            break
    return out


def _alternatives(t: Tagged, group: Sequence[Mention]) -> bool:
    """Are these names joined by "eller" (a choice), not "og"?"""
    if len(group) < 2:
        return False
    between = {_low(x) for m1, m2 in itertools.pairwise(group) for x in t.tokens[m1.end : m2.start]}
    return "eller" in between


# ---------------------------------------------------------------------------------------------------------
# Applying the frames to one clause


@dataclass
class _Hit:
    mention: Mention
    frame: Frame
    cue: Cue | None
    prep: str


def _assign(t: Tagged, c: Clause, cues: list[Cue], subject_ids: set[int]) -> list[_Hit]:
    """Each argument name with the frame that takes it: a cue inside its word, the nearest cue that takes its
    preposition, the frame of the name it is listed with ("via A eller som SMS fra B"), or a bare
    preposition's fallback."""
    hits: list[_Hit] = []
    for m in _mentions_in(t, c.start, c.end):
        if (
            id(m) in subject_ids
            or _possessive(t, m)
            or _parenthesised_part(t, m)
            or _on_behalf(t, m)
            or _apposition(t, m)
        ):
            continue
        hit = (
            _inside(m, cues)
            or _fronted(t, c, m, cues)
            or _governed(t, m, cues)
            or _coordinated(t, m, hits)
            or _fallback(t, c, m, cues)
        )
        if hit is not None:
            hits.append(hit)
    return hits


def _apposition(t: Tagged, m: Mention) -> bool:
    """ "fagsystemet ELSA helserettigheter": a group word right before a name is that name's category."""
    nxt = t.mention_at(m.end)
    return m.kind is MentionKind.GROUP and nxt is not None and nxt.kind is MentionKind.NODE


def _on_behalf(t: Tagged, m: Mention) -> bool:
    """ "… på vegne av pasient": whom it is done for, not who does it."""
    return m.start >= 2 and _low(t.tokens[m.start - 1]) == "av" and _low(t.tokens[m.start - 2]) == "vegne"


def _paren_after(t: Tagged, m: Mention) -> str | None:
    """What a parenthesis right after an outside name says it is: "RINA (Applikasjon utviklet av EU …)"."""
    if m.kind is not MentionKind.PROPER or m.end >= len(t.tokens) or t.tokens[m.end].text != "(":
        return None
    close = next((k for k in range(m.end + 1, len(t.tokens)) if t.tokens[k].text == ")"), None)
    if close is None or close - m.end < 3:
        return None  # "(NHN)": an abbreviation, not a description
    return t.sentence[t.tokens[m.end + 1].start : t.tokens[close - 1].end]


def _possessive(t: Tagged, m: Mention) -> bool:
    """ "Hdirs plattform", "NAVs Aa-register": an organisation's genitive names whose thing it is, not the
    thing."""
    return (
        m.kind is MentionKind.ACTOR
        and m.text.endswith("s")
        and m.end < len(t.tokens)
        and t.tokens[m.end].is_word
        and _low(t.tokens[m.end]) not in PREPOSITIONS | {"og", "eller", "som"}
    )


def _parenthesised_part(t: Tagged, m: Mention) -> bool:
    """ "Azure Integration Services (Service Bus, Logic Apps …)", "Entra ID (tidligere Azure AD)": names in
    parentheses right after a name say what it is made of, or was called."""
    k = m.start - 1
    while k >= 0 and t.tokens[k].text != "(":
        if t.tokens[k].text == ")":
            return False
        k -= 1
    return k > 0 and t.mention_at(k - 1) is not None


def _fronted(t: Tagged, c: Clause, m: Mention, cues: list[Cue]) -> _Hit | None:
    """A prepositional phrase before the verb (V2: "På denne driftes A og B", "I arkivet lagres …"): the verb
    after it takes it."""
    first = c.start
    while first < c.end and _low(t.tokens[first]) in {"og", "men", ",", "så"}:
        first += 1
    prep = _low(t.tokens[first]) if first < c.end else ""
    if prep not in PREPOSITIONS or m.start - first > 3 or any(cu.start < m.start for cu in cues):
        return None
    after = next((cu for cu in cues if cu.start >= m.end), None)
    if after is None:
        return None
    frame = next(
        (f for f in after.frames if f.prep == prep and _voice_ok(f, after) and not f.is_fallback), None
    )
    return _Hit(m, frame, after, prep) if frame is not None else None


def _inside(m: Mention, cues: list[Cue]) -> _Hit | None:
    """A cue inside the name's own word: "Feide-innlogging", "SharePoint Online-løsning"."""
    for cue in cues:
        if m.start <= cue.start < m.end:
            frame = next((f for f in cue.frames if f.prep == "-"), None)
            if frame is not None:
                return _Hit(m, frame, cue, "-")
    return None


def _governed(t: Tagged, m: Mention, cues: list[Cue]) -> _Hit | None:
    """The nearest cue before the name that takes the preposition before it (a direct object when there is
    none). "X fra Y" right after a name is its maker ("Elements fra Sikri"), no relation."""
    if _vendor(t, m):
        return None
    before = [cu for cu in cues if cu.end <= m.start]
    for cue in reversed(before[-3:]):
        preps = _governing_preps(t, m, cue.end)
        if not preps and m.start - cue.end > 3:
            continue
        for prep in preps or ["-"]:
            frame = next(
                (f for f in cue.frames if f.prep == prep and _voice_ok(f, cue) and not f.is_fallback), None
            )
            if frame is not None and (frame.cue != "være" or _is_what_it_is(t, m, cue)):
                return _Hit(m, frame, cue, prep)
    return None


def _vendor(t: Tagged, m: Mention) -> bool:
    """Is the name the maker of the product before it ("Elements fra Sikri")? Not after people: "henter
    studenter fra Studia" is where the students come from."""
    if m.start < 2 or _low(t.tokens[m.start - 1]) != "fra":
        return False
    before = t.mention_at(m.start - 2)
    return before is not None and before.kind is not MentionKind.ACTOR


def _fallback(t: Tagged, c: Clause, m: Mention, cues: list[Cue]) -> _Hit | None:
    """A bare preposition's frame ("Timeliste fra X", "SSO via Y", "Portal for Z") where no cue takes it — not
    in the noun phrase before the clause's verb ("Innholdet på X genereres …" is X's content)."""
    fronted = c.start < c.end and _low(t.tokens[c.start]) in PREPOSITIONS
    in_subject = not fronted and any(_is_verb(tok) for tok in t.tokens[m.end : c.end])
    if _vendor(t, m) or (in_subject and not any(_is_verb(tok) for tok in t.tokens[c.start : m.start])):
        return None
    before = [cu for cu in cues if cu.end <= m.start]
    for prep in _governing_preps(t, m, before[-1].end if before else c.start)[:1]:
        frame = next((f for f in frames_starting(prep) if f.prep == prep), None)
        if frame is None:
            continue
        everyone = m.start > 0 and _low(t.tokens[m.start - 1]) == "alle"  # "… for alle ansatte"
        if prep == "for" and not (m.kind is MentionKind.ACTOR and (_after_category(t, m) or everyone)):
            continue  # "Portal for helseaktører": whom a system is for — not "til beste for pasienter"
        if prep == "til" and m.kind is MentionKind.ACTOR:
            continue  # "fordeles til en saksbehandler": a person is no receiving system
        return _Hit(m, frame, None, prep)
    return None


def _after_category(t: Tagged, m: Mention) -> bool:
    """Does "for" before the name follow a category noun ("Nettportal for fastleger", "… løsning for alle")?"""
    k = m.start - 1
    while k > 0 and _low(t.tokens[k]) in {"for", "alle", "både", "de"}:
        k -= 1
    word = _low(t.tokens[k]) if k >= 0 else ""
    return word in OPENER_WORDS or word.endswith((*CATEGORY_SUFFIXES, "flate", "flaten", "portalen"))


def _is_what_it_is(t: Tagged, m: Mention, cue: Cue) -> bool:
    """ "Løsningen er Inspera Assessment": a product name right after "er", said of the entry itself."""
    subject = t.mention_at(cue.start - 1)
    return (
        m.kind is MentionKind.PROPER
        and m.start == cue.end
        and subject is not None
        and subject.kind is MentionKind.SELF
    )


def _governing_preps(t: Tagged, m: Mention, floor: int) -> list[str]:
    """The preposition that governs the name: the one right before it (over a list it is part of). Inside a
    noun phrase the one before that governs: "til reskontro i X" (til), "økonomisystem hos X" (the
    preposition before "økonomisystem")."""
    preps = _prep_before(t, m, floor)
    if len(preps) >= 2 and preps[0] == "hos":
        return [preps[1], preps[0]]  # "mellom A og økonomisystem hos X": X's system, a member of the list
    if len(preps) < 2 or preps[0] not in {"i", "på"}:
        return preps[:1]
    # Only a plain noun between the two prepositions: no other name, no verb.
    k = m.start - 1
    while k >= floor and _low(t.tokens[k]) not in PREPOSITIONS:
        k -= 1
    j = k - 1
    while j >= floor and _low(t.tokens[j]) not in PREPOSITIONS:
        if t.mention_at(j) is not None or _is_verb(t.tokens[j]):
            return preps[:1]
        j -= 1
    return preps[:2]


def _coordinated(t: Tagged, m: Mention, hits: list[_Hit]) -> _Hit | None:
    """A name joined by "eller"/"og" to a name a frame took, with no cue between: the same frame ("… via A
    eller, for innleide, B")."""
    if not hits:
        return None
    last = hits[-1]
    between = [_low(x) for x in t.tokens[last.mention.end : m.start]]
    if last.mention.kind is m.kind is MentionKind.ACTOR and "som" in between and len(between) <= 4:
        return _Hit(m, last.frame, last.cue, last.prep)  # "søkere av tilskudd som kommuner": examples
    joined = set(between) & {"eller", "og", "samt"}
    listed = all(w in _LIST_WORDS or w in PREPOSITIONS for w in between)
    if joined and m.start - last.mention.end <= 6 and (listed or "eller" in joined):
        return _Hit(m, last.frame, last.cue, last.prep)
    return None


_LIST_WORDS = frozenset(
    {",", "og", "eller", "samt", "enten", "som", "med", "den", "det", "de", "en", "et", "alle"}
)


def _negated_argument(t: Tagged, m: Mention) -> str | None:
    """ "… ligger i A, ikke i B": "ikke" right before the argument's preposition denies that argument."""
    k = m.start - 1
    while k >= 0 and _low(t.tokens[k]) in PREPOSITIONS:
        k -= 1
    return _low(t.tokens[k]) if k >= 0 and _low(t.tokens[k]) in NEGATIONS else None


def _mode(t: Tagged, c: Clause, frame: Frame) -> str | None:
    text = " " + " ".join(_low(x) for x in t.tokens[c.start : c.end]) + " "
    if _BATCH.search(text):
        return "batch"
    if _MESSAGE.search(text):
        return "message"
    return frame.mode


_BATCH = re.compile("|".join(rf"(?<!\w){m}(?!\w)" for m in BATCH_MARKERS))
_MESSAGE = re.compile("|".join(rf"(?<!\w){m}" for m in MESSAGE_MARKERS))


def r_is_broker(c: Clause) -> bool:
    return c.broker


def _rel_type(frame: Frame, source: Ref, target: Ref, t: Tagged, c: Clause) -> RelType:
    """The frame's type, refined by what the parties are: an actor using a system USES it; a system using a
    login service in a login clause AUTHENTICATES_WITH it."""
    if frame.type in (RelType.DEPENDS_ON, RelType.USES):
        if source.kind is MentionKind.ACTOR:
            return RelType.USES
        if frame.family == "used-by" and target is SELF and r_is_broker(c):
            return RelType.INTEGRATES_VIA  # "Benyttes av fagsystemer" of an integration platform
        words = {_low(x) for x in t.tokens[c.start : c.end]}
        if words & LOGIN_WORDS or any(w.endswith(tuple(LOGIN_WORDS)) for w in words) or target.known == "eid":
            return RelType.AUTHENTICATES_WITH
        return RelType.DEPENDS_ON
    return frame.type


@dataclass
class _Clause:
    """One clause, read: its subject and the arguments its frames take."""

    t: Tagged
    c: Clause
    ctx: Context
    cues: list[Cue]
    subj: list[Ref]
    subj_mentions: list[Mention]
    hits: list[_Hit]

    def users_of(self, channel: Mention) -> tuple[Ref, ...]:
        """The actors whose use goes through a channel: the users named in the "av …" phrase the channel ends
        ("Benyttes av Helfo til X og av innbyggere til å bytte fastlege via Helsenorge": innbyggere)."""
        users = [
            h.mention
            for h in self.hits
            if h.frame.family == "used-by"
            and h.mention.kind is MentionKind.ACTOR
            and h.mention.end <= channel.start
        ]
        if not users:
            return ()
        last_av = max(
            (k for k in range(self.c.start, channel.start) if _low(self.t.tokens[k]) == "av"),
            default=self.c.start,
        )
        return tuple(Ref.of(m) for m in users if m.start > last_av)

    @property
    def flow_parties(self) -> list[Ref]:
        """The systems data flows to or from in this clause (both ends of a flow through a broker)."""
        return [
            Ref.of(h.mention)
            for h in self.hits
            if h.frame.family in ("sends-to", "gets-data-from", "exchanges-with")
            and h.mention.kind is MentionKind.NODE
        ]


def _read_clause(t: Tagged, c: Clause, ctx: Context) -> _Clause:
    cues = [cu for cu in _cues(t, c) if not all(f.is_fallback for f in cu.frames)]
    first_verb = next((cu.start for cu in cues), None)
    subj_mentions, source = _subject(t, c, first_verb)
    own = _own_subject(t, c, first_verb)
    if not subj_mentions and cues and cues[0].passive and not own:
        subj_mentions = _inverted_subject(t, c, cues[0].end)  # "På denne driftes A, B og C"
    if not subj_mentions and not own and _fronted_adverbial(t, c):
        finite = next((k for k in range(c.start, c.end) if _is_verb(t.tokens[k])), None)
        if finite is not None:
            subj_mentions = _inverted_subject(t, c, finite + 1)  # "Fra 2027 vil RIMO hente …"
    if not subj_mentions and source is None and c.coordinated and not own:
        subj_mentions = list(c.inherited)  # "…, og sender …": the subject before
    fetched: list[_Hit] = []
    if source is not None and not subj_mentions and cues and cues[0].passive:
        # "Nattlige feeds fra A og B lastes inn": the entry fetches from A and B, they do not act.
        gets = next((f for f in cues[0].frames if f.family == "gets-data-from" and f.prep == "fra"), None)
        if gets is not None:
            listed = _names_listed(t, source.start, cues[0].start)
            fetched = [_Hit(m, gets, cues[0], "fra") for m in listed]
            source = None
    taken = {id(m) for m in subj_mentions} | {id(h.mention) for h in fetched}
    taken |= {id(source)} if source is not None else set()
    hits = fetched + _assign(t, c, cues, taken)
    subj = [Ref.of(m) for m in subj_mentions]
    if not subj and source is not None:
        subj = [Ref.of(source)]
    elif not subj:
        # A flow with "fra A" after its verb and no named subject: A sends ("overføres fra A til B").
        sender = next(
            (h for h in hits if h.prep == "fra" and h.frame.family != "gets-data-from" and h.cue is not None),
            None,
        )
        if sender is not None and any(h.frame.family == "sends-to" for h in hits):
            subj = [Ref.of(sender.mention)]
            hits = [h for h in hits if h is not sender]
        else:
            subj = [SELF]
    return _Clause(t, c, ctx, cues, subj, subj_mentions, hits)


def _pairs(roles: str, subj: list[Ref], arg: Ref) -> list[tuple[Ref, Ref]]:
    """(dependent, what it depends on) for a frame's roles."""
    if roles in ("subj>arg", "subj>agent", "subj>obj"):
        return [(s, arg) for s in subj]
    if roles in ("arg>subj", "agent>subj", "obj>subj"):
        return [(arg, s) for s in subj]
    return [(s, arg) for s in subj] + [(arg, s) for s in subj]  # mutual


def _as_provider(ref: Ref) -> Ref | None:
    """What a system depends on when the name is an organisation: a public body's services (an outside system
    of its own, "NAV (tjenester)"); a person or an unnamed organisation provides nothing (None)."""
    if ref.kind is not MentionKind.ACTOR:
        return ref
    if ref.known == "public-body" or ref.target in _SERVICE_ACTORS:
        return Ref(
            MentionKind.PROPER, f"{ref.target}-tjenester", f"{ref.name} (tjenester)", known="public-service"
        )
    return None


def _oriented(
    source: Ref, target: Ref, frame: Frame, r: _Clause
) -> tuple[Ref, Ref, RelType | None, str | None] | None:
    """The pair as the model has it: (dependent, dependency, a type that replaces the frame's, a family).

    * Actors use and receive; they are never what a system depends on. A system that sends to a person or
      an organisation: the actor RECEIVES_FROM it. A public body a system exchanges data with stands for its
      services ("NAV (tjenester)", an outside system of its own).
    * Between the parts an integration component joins ("mellom A, B og C"), the portfolio's systems depend
      on the component, and the component on the outside parties it delivers to.
    * An integration component that receives from a portfolio system carries it: the system depends on it.
    * Documents received "for arkivering" are stored by the sender in the receiver.
    """
    if (
        frame.family == "between"
        and target is SELF
        and source.kind not in (MentionKind.NODE, MentionKind.GROUP)
    ):
        provider = _as_provider(source)
        return (SELF, provider, RelType.TRANSFERS_TO, "between") if provider is not None else None
    if frame.family == "gets-data-from" and source is SELF and target.kind is MentionKind.NODE:
        words = {_low(x) for x in r.t.tokens[r.c.start : r.c.end]}
        if any(w.startswith(_ARCHIVING) for w in words):
            return target, SELF, RelType.STORES_IN, "stores-in"
        if r.ctx.is_integration:
            return target, SELF, RelType.INTEGRATES_VIA, "between"
    if source.kind is MentionKind.ACTOR and frame.family in _DATA_FAMILIES:
        return None  # handled in _drafts: the entry does it for the actor
    if source.kind is MentionKind.ACTOR or target.kind is not MentionKind.ACTOR:
        return source, target, None, None
    provider = _as_provider(target)
    if provider is not None:
        return source, provider, None, None
    if frame.family == "sends-to":
        return target, source, RelType.RECEIVES_FROM, None
    if frame.roles == "mutual" and source is SELF:
        return target, SELF, RelType.USES, "used-by"  # "samhandling med Legeforeningen": they work in it
    return None


_ARCHIVING = ("arkiv", "journalfør", "lagring")
# The family a relation belongs to when the parties changed the frame's type ("bruker BankID til pålogging").
_REFINED = {
    RelType.AUTHENTICATES_WITH: "logs-in-with",
    RelType.USES: "used-by",
    RelType.INTEGRATES_VIA: "between",
    RelType.DEPENDS_ON: "depends-on",
}
# Relations a system has, not a person: "Helsedirektoratet får vedtak fra NAV" in a system's description says
# what the system does for them.
_DATA_FAMILIES = frozenset(
    {
        "gets-data-from",
        "sends-to",
        "looks-up-in",
        "stores-in",
        "exchanges-with",
        "via-channel",
        "logs-in-with",
    }
)


_LOOKUP = next(f for f in frames() if f.family == "looks-up-in" and f.cue == "oppslag")


def _for_lookups(t: Tagged, c: Clause) -> bool:
    """Does the sentence say the exchange is for lookups ("… mot X, som …, for oppslag av …")?"""
    return any(_low(x) in {"oppslag", "oppslagene", "oppslaget"} for x in t.tokens[c.start :])


def _drafts(r: _Clause) -> Iterator[Fact]:
    t, c, ctx = r.t, r.c, r.ctx
    # The arguments one cue takes in one role, together: "på A, B eller i C" are alternatives of one another.
    together: dict[tuple[str, str, int], list[_Hit]] = {}
    for h in r.hits:
        together.setdefault((h.frame.family, h.frame.roles, h.cue.start if h.cue else -1), []).append(h)
    for group_hits in together.values():
        alternatives = _alternatives(t, [h.mention for h in group_hits])
        for h in group_hits:
            frame, m = h.frame, h.mention
            arg = Ref.of(m, _paren_after(t, m))
            if frame.roles == "mutual" and _for_lookups(t, c):
                frame = _LOOKUP  # "integrerer mot X for oppslag av …": one way, a lookup
            pairs = _pairs(frame.roles, r.subj, arg)
            if frame.family == "via-channel" and (
                any(h.frame.roles == "mutual" for h in r.hits) or _is_broker(m)
            ):
                pairs += [(p, arg) for p in r.flow_parties if p != arg]
            for source_ref, target_ref in pairs:
                if source_ref == target_ref:
                    continue
                if frame.family in _DATA_FAMILIES and source_ref.kind is MentionKind.ACTOR:
                    # "Kundene logger inn med BankID", "Innbyggere mottar brev på Helsenorge": the entry does it
                    # for them, and they use it (or receive from it). "Hdir får vedtak fra NAV": the entry does.
                    if frame.family in ("logs-in-with", "via-channel"):
                        kind = RelType.RECEIVES_FROM if frame.family == "via-channel" else RelType.USES
                        yield Draft(source_ref, SELF, kind, f"used-by:{frame.rule.split(':', 1)[1]}")
                    source_ref = SELF
                oriented = _oriented(source_ref, target_ref, frame, r)
                if oriented is None:
                    continue
                source_ref, target_ref, forced, family = oriented
                group = f"{ctx.entry_id}/{frame.family}" if alternatives and source_ref is SELF else None
                scope = r.users_of(m) if frame.family == "via-channel" and source_ref is SELF else ()
                inferred = MentionKind.GROUP in (source_ref.kind, target_ref.kind)
                # A component delivering to the outside party it exists for needs it: hard.
                delivers = forced is RelType.TRANSFERS_TO and family == "between"
                rel = forced or _rel_type(frame, source_ref, target_ref, t, c)
                family = family or (_REFINED.get(rel) if rel is not frame.type else None)
                draft = Draft(
                    source_ref,
                    target_ref,
                    rel,
                    frame.rule if family is None else f"{family}:{frame.rule.split(':', 1)[1]}",
                    Strength.SOFT if inferred else Strength.HARD if delivers else frame.strength,
                    Confidence.INFERRED if inferred else Confidence.STATED,
                    alt_group=group,
                    scope=scope,
                    mode=_mode(t, c, frame),
                )
                negated = _negated_argument(t, m)
                if c.modality is not None:
                    yield Denied(draft, *c.modality)
                elif negated is not None:
                    yield Denied(draft, "negation", negated)
                else:
                    yield draft


def _user_subject(r: _Clause) -> Iterator[Draft]:
    """ "Helfo benytter opplysningene", "Controllerne jobber daglig": an actor that uses something the clause
    does not name uses the entry."""
    actors = [m for m in r.subj_mentions if m.kind is MentionKind.ACTOR]
    if not actors:
        return
    for cue in r.cues:
        used = next((f for f in cue.frames if f.family == "used-by" and f.voice != "passive"), None)
        if used is None or cue.passive or any(h.cue is cue for h in r.hits):
            continue
        for m in actors:
            yield Draft(Ref.of(m), SELF, RelType.USES, used.rule, Strength.HARD)
        return


def _fetched_subject(r: _Clause) -> Iterator[Draft]:
    """ "FEST lastes ned hver natt": a passive fetch whose subject is a system, with no source named — the
    subject is what is fetched from."""
    for cue in r.cues:
        gets = next((f for f in cue.frames if f.family == "gets-data-from"), None)
        if gets is None or not cue.passive or any(h.cue is cue for h in r.hits):
            continue
        for m in r.subj_mentions:
            if m.is_system and m.end <= cue.start:
                yield Draft(SELF, Ref.of(m), gets.type, gets.rule, gets.strength, mode=_mode(r.t, r.c, gets))


def _login_purpose(r: _Clause) -> Iterator[Draft]:
    """ "ID-porten for innbyggerpålogging", "BankID til pålogging": a system named for logging in."""
    taken = {id(h.mention) for h in r.hits}
    toks = r.t.tokens
    for m in _mentions_in(r.t, r.c.start, r.c.end):
        if id(m) in taken or not m.is_system or m.end + 1 >= r.c.end:
            continue
        if _low(toks[m.end]) in {"for", "til"} and any(w in _low(toks[m.end + 1]) for w in _LOGIN_STEMS):
            yield Draft(SELF, Ref.of(m), RelType.AUTHENTICATES_WITH, "logs-in-with:purpose", Strength.HARD)


def _made_with(r: _Clause) -> Iterator[Draft]:
    """In the entry's first sentence, without a verb: "Rapportering i Power BI" — what it is made with."""
    if not r.ctx.first or r.cues:
        return
    taken = {id(h.mention) for h in r.hits}
    for m in _mentions_in(r.t, r.c.start, r.c.end):
        if id(m) in taken or m.kind is not MentionKind.PROPER or m.known not in (None, "product", "platform"):
            continue
        if m.start > r.c.start and _low(r.t.tokens[m.start - 1]) == "i":
            yield Draft(SELF, Ref.of(m), RelType.BUILT_ON, "built-on:i", Strength.HARD)


def _mutual_subjects(r: _Clause) -> Iterator[Draft]:
    """ "A og B utveksler data begge veier": an exchange between the subjects themselves, each way."""
    if len(r.subj) < 2 or not r.cues:
        return
    frame = next((f for f in r.cues[0].frames if f.roles == "mutual"), None)
    if frame is None or any(h.cue is r.cues[0] for h in r.hits):
        return
    for a, b in itertools.permutations(r.subj, 2):
        if a.kind is not MentionKind.ACTOR and b.kind is not MentionKind.ACTOR:
            yield Draft(a, b, frame.type, frame.rule, frame.strength)


def _clause_facts(t: Tagged, c: Clause, ctx: Context) -> Iterator[Fact]:
    c.broker = ctx.is_integration
    r = _read_clause(t, c, ctx)
    yield from _drafts(r)
    if c.modality is None:
        yield from _mutual_subjects(r)
        yield from _fetched_subject(r)
        yield from _user_subject(r)
        yield from _login_purpose(r)
        yield from _made_with(r)
    yield from _unresolved_users(t, c, r.cues, r.hits)


_LOGIN_STEMS = ("innlogging", "pålogging", "autentisering", "login")
_SERVICE_ACTORS = frozenset({"nav", "dfo", "helfo", "helsedirektoratet"})  # lexicon actors that run services


def _is_broker(m: Mention) -> bool:
    """An integration platform, a message queue, a network: both ends of a flow through it depend on it."""
    low = m.text.lower()
    return any(w in low for w in BROKER_WORDS)


def _unresolved_users(t: Tagged, c: Clause, cues: list[Cue], hits: list[_Hit]) -> Iterator[Fact]:
    """ "Benyttes av <no known name>": a used-by phrase that names nothing is a finding."""
    for cue in cues:
        if not cue.passive or not any(f.family == "used-by" for f in cue.frames):
            continue
        k = cue.end
        named = k + 1 < c.end and t.mention_at(k + 1) is not None
        if k < c.end and _low(t.tokens[k]) == "av" and not named and not any(h.cue is cue for h in hits):
            phrase = t.words(cue.start, min(c.end, k + 6))
            yield Unresolved(phrase[:80], "used-by")


def _standalone(t: Tagged) -> Standalone | None:
    text = " ".join(_low(x) for x in t.tokens)
    for marker in STANDALONE_MARKERS:
        if re.search(rf"(?<!\w){marker}(?!\w)", text):
            return Standalone(marker)
    return None


_OWNING = {
    "eies": "owner",
    "eid": "owner",
    "utviklet": "owner",  # an organisation's own development ("utviklet av Hdir"); a vendor is no actor
    "utvikles": "owner",
    "forvaltes": "administrator",
    "forvaltet": "administrator",
    "administreres": "administrator",
    "administrert": "administrator",
}


def _owners(t: Tagged, c: Clause) -> Iterator[Owner]:
    """ "Eies av X", "Systemeier er X": the owner; "Forvaltes av X": the administrator (no edge). Only these
    words make one: who *uses* a system is not its owner."""
    toks = t.tokens
    for i in range(c.start, c.end):
        low = _low(toks[i])
        role = _OWNING.get(low)
        if role is not None:
            if i + 2 < c.end and _low(toks[i + 1]) == "av":
                m = t.mention_at(i + 2)
                if m is not None and m.kind is MentionKind.ACTOR:
                    yield Owner(Ref.of(m), role)
        elif low in {"systemeier", "eier"} and i + 2 < c.end and _low(toks[i + 1]) == "er":
            m = t.mention_at(i + 2)
            if m is not None and m.kind is MentionKind.ACTOR:
                yield Owner(Ref.of(m), "owner")


def apply_rules(tagged: Tagged, ctx: Context) -> list[Fact]:
    """Every fact a sentence states: drafts, denied relations, owners, unresolved phrases, stand-alone."""
    facts: list[Fact] = []
    alone = _standalone(tagged)
    if alone is not None:
        facts.append(alone)
    for clause in clauses(tagged):
        facts.extend(_owners(tagged, clause))
        facts.extend(_clause_facts(tagged, clause, ctx))
    return facts
