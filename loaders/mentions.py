"""Find what a sentence mentions: portfolio entries, actors, the entry itself, unnamed groups of systems, and
things outside the portfolio — known ones (the national components and public bodies of
``loaders/gazetteer.yaml``) and new ones (capitalised names, acronyms, hyphenated and multi-word names).

A sentence is cut into :class:`Token` words, and every name is looked up in one trie of folded tokens, so
tagging is linear in the sentence whatever the number of names (a 28,000-entry document once took minutes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

from graph.model import fold, slugify
from loaders.lexicon import (
    ACTOR_LEMMAS,
    ACTORS,
    CHANNELS,
    GENERIC_WORDS,
    GROUP_TERMS,
    NOT_NAMES,
    ORG_UNIT_SUFFIXES,
    PREPOSITIONS,
    SELF_REFERENCES,
)
from loaders.text import is_common_word, lemma

__all__ = [
    "GAZETTEER",
    "Gazetteer",
    "Known",
    "Mention",
    "MentionKind",
    "Tagged",
    "Token",
    "inflections",
    "tokenize",
]

GAZETTEER = Path(__file__).with_name("gazetteer.yaml")
_WORD = re.compile(r"[\w'’][\w'’]*(?:(?:[-./+&]|-/|\.-)[\w][\w'’]*)*-?|[^\s\w]")
_WEBSITE = re.compile(r"^(?:[\w-]+\.)+(?:no|com|org|net|eu|se|dk|io)$", re.IGNORECASE)


class MentionKind(StrEnum):
    NODE = "node"  # a portfolio entry
    ACTOR = "actor"
    SELF = "self"  # "Løsningen", "denne": the entry being described
    GROUP = "group"  # "fagsystemene": an unnamed group of systems
    CHANNEL = "channel"  # "elektronisk postkasse", "posten"
    WEBSITE = "website"
    PROPER = "proper"  # a name of something outside the portfolio (known, or new)


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # character offsets in the sentence
    end: int

    @property
    def key(self) -> str:
        return _key(self.text)

    @property
    def lemma(self) -> str:
        return lemma(self.text.strip("'’"))

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


def _key(text: str) -> str:
    return fold(text.rstrip("'’"))


@lru_cache(maxsize=4096)
def tokenize(sentence: str) -> tuple[Token, ...]:
    """Words (with their inner hyphens, slashes and dots) and single punctuation marks.

    >>> [t.text for t in tokenize("Sak-/arkiv i DIPS' arkiv (S/4HANA), via ID-porten.")]
    ['Sak-/arkiv', 'i', "DIPS'", 'arkiv', '(', 'S/4HANA', ')', ',', 'via', 'ID-porten', '.']
    """
    out = []
    for m in _WORD.finditer(sentence):
        text = m.group()
        if len(text) > 1 and text.endswith(".") and not _WEBSITE.match(text):
            out.append(Token(text[:-1], m.start(), m.end() - 1))  # "Azure." ends the sentence
            out.append(Token(".", m.end() - 1, m.end()))
        else:
            out.append(Token(text, m.start(), m.end()))
    return tuple(out)


@dataclass(frozen=True)
class Known:
    """A name from the gazetteer: what it is, and how else it is written."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def known_names() -> tuple[Known, ...]:
    data = YAML(typ="safe", pure=True).load(GAZETTEER.read_text(encoding="utf-8"))
    return tuple(Known(d["name"], d["kind"], tuple(d.get("aliases") or ())) for d in data)


@dataclass(frozen=True)
class Mention:
    start: int  # token indices [start, end)
    end: int
    text: str
    kind: MentionKind
    target: str  # node id, actor id, group term, channel id, or the slug of an outside name
    name: str  # display name for a node created from this mention
    known: str | None = None  # the gazetteer kind of an outside name; None when guessed from its shape

    @property
    def is_system(self) -> bool:
        """Can a system depend on it? (An entry, an outside thing, a channel, a web site.)"""
        return self.kind in (MentionKind.NODE, MentionKind.PROPER, MentionKind.CHANNEL, MentionKind.WEBSITE)


@dataclass(frozen=True)
class Tagged:
    sentence: str
    tokens: tuple[Token, ...]
    mentions: tuple[Mention, ...]
    at: tuple[int | None, ...] = field(default=(), repr=False)  # token index -> index of its mention

    def mention_at(self, i: int) -> Mention | None:
        j = self.at[i] if 0 <= i < len(self.at) else None
        return self.mentions[j] if j is not None else None

    def words(self, start: int, end: int) -> str:
        return " ".join(t.text for t in self.tokens[start:end])


def inflections(word: str) -> list[str]:
    """Norwegian definite and genitive forms of a noun, enough to recognise "Kundeportalen".

    >>> inflections("Kundeportal")
    ['Kundeportal', 'Kundeportalen', 'Kundeportalens', 'Kundeportalet', 'Kundeportals']
    >>> inflections("Arbeidsflate")
    ['Arbeidsflate', 'Arbeidsflaten', 'Arbeidsflatens', 'Arbeidsflatet', 'Arbeidsflates']
    """
    if word.endswith("e"):
        return [word, word + "n", word + "ns", word + "t", word + "s"]
    return [word, word + "en", word + "ens", word + "et", word + "s"]


@dataclass(frozen=True)
class _Form:
    pattern: str  # as written (case-sensitive forms must match it exactly)
    kind: MentionKind
    target: str
    name: str
    case_sensitive: bool
    known: str | None = None
    rank: int = 0  # among equally long matches the higher wins: entries > known > actors > the rest


@dataclass
class _Trie:
    """Names by their folded words: each node one more word, with the names that end there."""

    children: dict[str, _Trie] = field(default_factory=dict)
    forms: list[_Form] = field(default_factory=list)


class Gazetteer:
    """Every known way of naming something, in a trie of folded tokens; matched longest-first.

    >>> g = Gazetteer()
    >>> g.add_node("tp", "Kundeportal for helseaktør", ["Kundeportal"], short=None, head="Kundeportal")
    >>> t = g.tag("Benyttes av helseaktører via Kundeportalen og ID-porten.")
    >>> [(m.text, m.kind.value, m.target) for m in t.mentions]
    [('helseaktører', 'actor', 'helseaktor'), ('Kundeportalen', 'node', 'tp'), ('ID-porten', 'proper', 'id-porten')]
    """

    def __init__(self) -> None:
        self._trie = _Trie()
        for actor in ACTORS:
            for f in actor.forms:
                self._add(_Form(f, MentionKind.ACTOR, actor.id, actor.name, False, rank=3))
        for f in SELF_REFERENCES:
            self._add(_Form(f, MentionKind.SELF, "", "", False, rank=2))
        for f, term in GROUP_TERMS.items():
            self._add(_Form(f, MentionKind.GROUP, term, f, False, rank=2))
        for f, (cid, cname) in CHANNELS.items():
            self._add(_Form(f, MentionKind.CHANNEL, cid, cname, False, rank=2))
        for k in known_names():
            target = slugify(k.name)
            kind = MentionKind.ACTOR if k.kind == "public-body" else MentionKind.PROPER
            for f in (k.name, *k.aliases):
                cs = len(f) <= 3 and f.isupper()
                self._add(_Form(f, kind, target, k.name, cs, known=k.kind, rank=5))
                if not cs and not f.endswith("s"):
                    self._add(_Form(f + "s", kind, target, k.name, False, known=k.kind, rank=5))
        self.vocabulary: set[str] = set()  # the document's words written in lower case (see learn)
        self.names_midsentence: set[str] = set()

    def _add(self, form: _Form) -> None:
        node = self._trie
        for tok in tokenize(form.pattern):
            node = node.children.setdefault(tok.key, _Trie())
        node.forms.append(form)

    def learn(self, text: str) -> None:
        """What the document writes: its lower-case words, and the capitalised words it writes mid-sentence. A
        capitalised word that starts a sentence is a name only when the document also writes it capitalised
        mid-sentence, or it looks like one (an acronym, camel case, a digit): "Epikriser" and "Mobilnr." that
        start a sentence are common nouns."""
        tokens = tokenize(text)
        self.vocabulary |= {t.key for t in tokens if t.text[:1].islower()}
        self.names_midsentence |= {
            t.key
            for k, t in enumerate(tokens)
            if k and t.text[:1].isupper() and tokens[k - 1].text not in ".:;!?"
        }

    def add_node(
        self,
        node_id: str,
        name: str,
        aliases: Iterable[str],
        *,
        short: str | None,
        head: str | None,
        words: Iterable[str] = (),
    ) -> None:
        """Register a portfolio entry under its name, aliases, abbreviation, head word and distinctive words
        (``words``: the words of its name that name it alone — "PACS" of "Sectra PACS")."""
        for f in sorted({name, *aliases}):
            cs = len(f) <= 6 and " " not in f and any(c.isupper() for c in f)  # "ABC", "eAPI"
            self._add(_Form(f, MentionKind.NODE, node_id, name, cs, rank=6))
            if not cs and " " not in f and f.isalpha() and len(f) >= 5:
                for inflected in inflections(f)[1:]:  # "Datavarehus": "datavarehuset"
                    self._add(_Form(inflected, MentionKind.NODE, node_id, name, False, rank=6))
        if short:
            self._add(_Form(short, MentionKind.NODE, node_id, name, True, rank=6))
        for word in (head, *words):
            if (
                word
            ):  # as written: "PACS", "Arbeidsflaten" (a head word of a "X for Y" name also in lower case)
                cs = word != head
                for f in [word] if word.isupper() else inflections(word):
                    self._add(_Form(f, MentionKind.NODE, node_id, name, cs, rank=1))

    # --- tagging -------------------------------------------------------------------------------------------
    def _match(self, tokens: Sequence[Token], i: int) -> tuple[int, _Form] | None:
        """The longest known name starting at token ``i``: (end index, form)."""
        best: tuple[int, _Form] | None = None
        node: _Trie | None = self._trie
        j = i
        while node is not None and j < len(tokens):
            tok = tokens[j]
            for key, text in _variants(tok):
                nxt = node.children.get(key)
                if nxt is None or not nxt.forms:
                    continue
                written = " ".join(t.text for t in tokens[i:j]) + (" " if j > i else "")
                for form in sorted(nxt.forms, key=lambda f: -f.rank):
                    if form.case_sensitive and written + text != form.pattern:
                        continue
                    if best is None or j + 1 > best[0] or (j + 1 == best[0] and form.rank > best[1].rank):
                        best = (j + 1, form)
                    break
            node = node.children.get(tok.key)
            j += 1
        return best

    def tag(self, sentence: str) -> Tagged:
        tokens = tokenize(sentence)
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = self._match(tokens, i) if tokens[i].is_word else None
            if hit is not None and hit[1].kind is MentionKind.SELF and _capitalised_midsentence(tokens, i):
                hit = None  # "fra Registeret over reelle rettighetshavere": a name, not "the register"
            guess = _website(tokens, i) or _actor(tokens, i) or _proper(tokens, i, self)
            if hit is not None and not (guess is not None and _longer_name(guess, hit, tokens)):
                end, form = hit
                if form.target == "allmennheten" and end < len(tokens) and tokens[end].is_word:
                    i += 1  # "alle klinikker": "alle" is a determiner here, not "everyone"
                    continue
                if (
                    form.kind is MentionKind.SELF
                    and tokens[i].text.lower() in ("den", "det")
                    and not _pronoun(tokens, end)
                ):
                    i += 1  # "den nasjonale oversikten": a determiner, not "it"
                    continue
                text = sentence[tokens[i].start : tokens[end - 1].end]
                known = form.known
                if form.kind is MentionKind.NODE and _described(tokens, i):
                    known = "described"  # "et felles kontaktregister": a thing like the entry, not its name
                found.append(Mention(i, end, text, form.kind, form.target, form.name, known))
                i = end
                continue
            if guess is not None:
                found.append(_with_text(_widened(guess, tokens, found), sentence, tokens))
                i = guess.end
                continue
            i += 1
        at: list[int | None] = [None] * len(tokens)
        for k, m in enumerate(found):
            for j in range(m.start, m.end):
                at[j] = k
        return Tagged(sentence, tokens, tuple(found), tuple(at))


# What cannot follow a genitive ("Redis som …", "Sikris og …"): the "s" belongs to the name.
_NOT_AFTER_GENITIVE = frozenset(
    {"som", "og", "eller", "er", "har", "kan", "skal", "vil", "blir", "var", "der", "hvor", "men", "samt", "ble",
     *PREPOSITIONS}
)  # fmt: skip


def _described(tokens: Sequence[Token], i: int) -> bool:
    """Is the entry's name written as a description — lower case after an indefinite article?"""
    return i > 0 and tokens[i - 1].text.lower() in {"en", "ei", "et"} and tokens[i].text[:1].islower()


def _capitalised_midsentence(tokens: Sequence[Token], i: int) -> bool:
    return i > 0 and tokens[i - 1].text not in {".", ":", ";", "(", "«", '"'} and tokens[i].text[:1].isupper()


def _longer_name(guess: Mention, hit: tuple[int, _Form], tokens: Sequence[Token]) -> bool:
    """Does a name guessed from its shape go on past a known one? Past a word of an entry's name ("Nordfjell"
    of an entry, in "Nordfjell IKT"), or past a known name by more capitalised words ("Azure Integration
    Services"), the guess is the name."""
    end, form = hit
    if guess.end <= end:
        return False
    return form.rank <= 1 or all(_namelike(tok) for tok in tokens[end : guess.end])


def _widened(m: Mention, tokens: Sequence[Token], found: Sequence[Mention]) -> Mention:
    """An actor with the adjective before it: "klinisk personell", "kommunale saksbehandlere"."""
    if m.kind is not MentionKind.ACTOR or m.start == 0:
        return m
    prev = tokens[m.start - 1]
    taken = bool(found) and found[-1].end > m.start - 1
    low = prev.text.lower()
    if taken or not prev.text[:1].islower() or low in _NOT_ADJECTIVES or not low.endswith(_ADJECTIVE_ENDINGS):
        return m
    words = " ".join(t.text for t in tokens[m.start - 1 : m.end])
    name = words[:1].upper() + words[1:]
    return Mention(m.start - 1, m.end, "", m.kind, slugify(name), name, m.known)


_ADJECTIVE_ENDINGS = (
    "isk",
    "iske",
    "ig",
    "ige",
    "lig",
    "lige",
    "ell",
    "elle",
    "al",
    "ale",
    "ende",
    "ern",
    "erne",
)
_NOT_ADJECTIVES = frozenset({"alle", "andre", "egne", "enkelte", "flere", "mange", "noen", "øvrige", "ulike"})


def _pronoun(tokens: Sequence[Token], end: int) -> bool:
    """Is "den"/"det" a pronoun here (the entry: "er avhengige av den, siden …"), not a determiner?"""
    return (
        end >= len(tokens) or not tokens[end].is_word or tokens[end].text.lower() in {"og", "eller", "siden"}
    )


def _variants(tok: Token) -> list[tuple[str, str]]:
    """(key, text) pairs a token may match a name's last word by: itself, its genitive, the name before a
    hyphenated suffix ("Altinn-tjenesten", "Feide-innlogging")."""
    text = tok.text.rstrip("'’")
    out = [(tok.key, text)]
    if len(text) > 2 and text[-1] in "sS" and not text.endswith("ss"):
        out.append((_key(text[:-1]), text[:-1]))  # "Altinns", "NHNs", "DIPS'"
    head, sep, tail = text.partition("-")
    if sep and head and tail[:1].islower():
        out.append((_key(head), head))
    return out


def _with_text(m: Mention, sentence: str, tokens: Sequence[Token]) -> Mention:
    text = sentence[tokens[m.start].start : tokens[m.end - 1].end]
    name = m.name or text.rstrip("'’")
    return Mention(m.start, m.end, text, m.kind, m.target or slugify(name), name, m.known)


def _website(tokens: Sequence[Token], i: int) -> Mention | None:
    t = tokens[i].text
    if _WEBSITE.match(t):
        return Mention(i, i + 1, t, MentionKind.WEBSITE, slugify(t), t)
    return None


def _actor(tokens: Sequence[Token], i: int) -> Mention | None:
    """A person or organisation by the word used for it: "saksbehandlere", "klinikkledere", "HR-avdelingen",
    "Seksjon for integrasjon"."""
    tok = tokens[i]
    if not tok.is_word:
        return None
    low = tok.text.lower()
    if tok.text[:1].isupper() and low in {"seksjon", "avdeling", "klinikk", "kontor", "enhet"}:
        end = i + 1
        if end + 1 < len(tokens) and tokens[end].text == "for" and tokens[end + 1].is_word:
            end += 2
            while end + 1 < len(tokens) and tokens[end].text == "og" and tokens[end + 1].text[:1].islower():
                end += 2
        return _actor_mention(tokens, i, end)
    if low.endswith(ORG_UNIT_SUFFIXES) and len(low) > 6:
        return _actor_mention(tokens, i, i + 1)
    if tok.lemma == "utvalg" and i + 1 < len(tokens) and tokens[i + 1].text == "av":
        return None  # "utvalget av tilsynsobjekter": a selection, not a committee
    for lem in (tok.lemma, *_plural_stems(low)):
        if lem in ACTOR_LEMMAS or any(lem[-k:] in ACTOR_LEMMAS for k in _ACTOR_LENGTHS if len(lem) - k >= 3):
            return _actor_mention(tokens, i, i + 1)  # a person word, or a compound ending in one
    if _user_group(tokens, i):
        return _actor_mention(tokens, i, i + 1)
    return None


_ACTOR_LENGTHS = sorted({len(a) for a in ACTOR_LEMMAS})


def _user_group(tokens: Sequence[Token], i: int) -> bool:
    """A plural noun right after "brukes av" ("Brukes av renovatørene", "av leger og andre behandlere"): whoever
    a system is used by is a group of people, whatever the word for them."""
    low = tokens[i].text.lower()
    if not tokens[i].text[:1].islower() or not low.endswith(("ne", "er", "en", "re")) or len(low) < 6:
        return False
    if tokens[i].lemma == low:
        return False  # "herunder", "eller": not a plural or definite noun
    k = i - 1
    while k >= max(1, i - 6) and (
        tokens[k].text in {",", "og"}
        or tokens[k].text in _USER_FILLERS
        or tokens[k].text.endswith(("er", "ene"))
    ):
        k -= 1  # over the rest of a list of people: "av leger og andre behandlere"
    if k < 1 or tokens[k].text != "av":
        return False
    # "Brukes av …", "Brukes hver dag av …", "benyttes særlig av …"
    return any(tokens[j].lemma in _USE_LEMMAS for j in range(max(0, k - 3), k))


_USE_LEMMAS = frozenset({"bruke", "benytte", "brukes", "benyttes"})
_USER_FILLERS = frozenset(
    {"andre", "alle", "både", "de", "enkelte", "flere", "mange", "noen", "våre", "ulike"}
)


def _plural_stems(low: str) -> list[str]:
    """Singular stems a plural or definite noun may have ("controllere" -> "controller")."""
    return [
        low[: -len(s)]
        for s in ("ene", "erne", "ne", "er", "e", "en", "et")
        if low.endswith(s) and len(low) > len(s) + 2
    ]


def _actor_mention(tokens: Sequence[Token], i: int, end: int) -> Mention:
    # "søkere av tilskudd": an actor named with what it seeks or supplies (one plain noun after "av").
    if (
        end + 1 < len(tokens)
        and tokens[end].text == "av"
        and tokens[end + 1].text[:1].islower()
        and is_common_word(tokens[end + 1].text)
        and (end + 2 >= len(tokens) or not tokens[end + 2].is_word or tokens[end + 2].text in {"som", "og"})
    ):
        end += 2
    elif (
        end + 1 < len(tokens)
        and tokens[end].text in {"på", "i", "ved", "hos"}
        and tokens[end + 1].is_word
        and (tokens[end + 1].text[:1].isupper() or tokens[end + 1].text[:1].isdigit())
    ):
        # "operatørene på 110-sentralen", "revisorene i Kommunerevisjonen Midt": people of a named place.
        end += 2
        while end < len(tokens) and _continues_name(tokens[end]):
            end += 1
    words = " ".join(t.text for t in tokens[i:end])
    name = words[:1].upper() + words[1:]
    return Mention(i, end, words, MentionKind.ACTOR, slugify(name), name)


def _namelike(tok: Token) -> bool:
    """A word that can be (part of) a proper name: capitalised, an acronym, camel case, with digits. Not a
    common noun with a prefix ("KITH-XML-meldinger", "Lab-rekvisisjoner") nor half a compound ("v2-")."""
    t = tok.text.rstrip("'’")
    if not t or not tok.is_word or t in GENERIC_WORDS or fold(t) in NOT_NAMES or t.endswith("-"):
        return False
    if not any(c.isalpha() for c in t) or len(t) < 2:
        return False  # "5", "24/7", the "C" of "70 °C"
    _head, sep, tail = t.rpartition("-")
    if sep and _head in GENERIC_WORDS and tail[:1].islower():
        return False  # "IAM-løsning", "CRM-system": a kind of system
    if sep and tail[:1].islower() and is_common_word(tail) and not tail.endswith(_NAMED_THINGS):
        return False  # "ADT-meldinger" is data; "DATEX-tjeneste", "SMS-gateway" are things with a name
    if "/" in t and all(is_common_word(part) for part in t.split("/") if part):
        return False  # "Sak/arkiv"
    return t[:1].isupper() or any(c.isupper() for c in t[1:]) or any(c.isdigit() for c in t)


_NAMED_THINGS = ("tjeneste", "tjenesten", "løsning", "løsningen", "portal", "portalen", "plattform", "plattformen",
                 "register", "registeret", "gateway", "system", "systemet", "app", "appen", "api", "api-et")  # fmt: skip


_NAMED_THING_HEADS = ("register", "registeret", "system", "systemet", "portal", "portalen", "basen", "arkiv",
                      "arkivet", "plattform", "plattformen", "katalog", "katalogen")  # fmt: skip


_NAME_CONNECTORS = frozenset({"with", "of", "and", "for", "&"})


def _looks_like_a_name(tok: Token) -> bool:
    """An acronym, camel case or a word with a digit: a name wherever it stands."""
    t = tok.text.rstrip("'’")
    return (t.isupper() and len(t) > 1) or any(c.isupper() for c in t[1:]) or any(c.isdigit() for c in t)


def _continues_name(tok: Token) -> bool:
    """A word that goes on a name already started: a name-like word, an acronym ("Nordfjell IKT"), a number
    ("Dynamics 365")."""
    t = tok.text.rstrip("'’")
    # A generic acronym after a name is the product's ("Optimizely CMS", "Unit4 ERP", "Power BI", "Visma AS").
    generic = t in GENERIC_WORDS and t not in {"ID", "BI", "CMS", "ERP", "CRM", "AS", "IKT", "API", "IT"}
    return _namelike(tok) or (tok.is_word and (t.isupper() or t.isdigit()) and not generic)


def _proper(tokens: Sequence[Token], i: int, doc: Gazetteer | None = None) -> Mention | None:
    """A name of something outside the portfolio, guessed from its shape.

    A run of name-like words ("Infor Cloverleaf", "Dynamics 365 Field Service", "S/4HANA"), or a capitalised
    word and the lower-case words up to a parenthesised abbreviation ("Kommunalt pasient- og brukerregister
    (KPR)"). A capitalised word that starts a sentence is a name only if it looks like one or the document
    writes it capitalised mid-sentence too.
    """
    tok = tokens[i]
    if not _namelike(tok):
        return None
    if 0 < i < len(tokens) - 1 and tokens[i - 1].text == "(" and tokens[i + 1].text == ")" and i >= 2:
        before = tokens[i - 2].text
        if before[:1].islower() or is_common_word(before):
            return None  # "Læringsplattformen (LMS)": the noun's abbreviation, not a name of its own
    sentence_start = i == 0 or tokens[i - 1].text in {".", ":", "(", "«", '"', ";"}
    if sentence_start and not _looks_like_a_name(tok):
        written_as_name = doc is not None and tok.key in doc.names_midsentence
        if is_common_word(tok.text) or doc is None or not written_as_name or tok.key in doc.vocabulary:
            return None
    end = i + 1
    while end < len(tokens):
        if _continues_name(tokens[end]):
            end += 1
        elif tokens[end].text in _NAME_CONNECTORS and end + 1 < len(tokens) and _namelike(tokens[end + 1]):
            end += 2  # "RISE with SAP", "Dynamics 365 for Finance"
        else:
            break
    # "Kommunalt pasient- og brukerregister (KPR)": up to five lower-case words, then "(ABBR)".
    j = end
    while j < len(tokens) and j - end < 5 and tokens[j].text[:1].islower() and tokens[j].is_word:
        j += 1
    if j > end and j + 2 < len(tokens) and tokens[j].text == "(" and tokens[j + 2].text == ")":
        abbr = tokens[j + 1].text
        if abbr.isupper() or any(c.isupper() for c in abbr[1:]):
            end = j + 3
    last = tokens[end - 1].text
    if (
        end < len(tokens)
        and tokens[end].is_word
        and last.endswith("s")
        and not last.endswith("ss")
        and len(last) > 3
        and last[:-1][-1:].islower()
        and tokens[end].text.lower() not in _NOT_AFTER_GENITIVE
        and (tokens[end].text[:1].islower() or "-" in tokens[end].text)
    ):
        # "Telenors SMS-gateway", "Sikris datasenter": the owner named in the genitive.
        words = " ".join(t.text for t in tokens[i:end])[:-1]
        return Mention(i, end, "", MentionKind.PROPER, slugify(words), words)
    if (
        end == i + 1
        and end < len(tokens)
        and tokens[end].text[:1].islower()
        and tokens[end].text.endswith(_NAMED_THING_HEADS)
        and is_common_word(tok.text)
    ):
        # "Nasjonalt tolkeregister", "Felles studentsystem": a capitalised word and a kind of system.
        return Mention(i, end + 1, "", MentionKind.PROPER, "", "")
    if end == i + 1 and is_common_word(tok.text) and not tok.text.isupper() and len(tok.text) > 3:
        # One capitalised dictionary word mid-sentence ("Servicetorget") names an organisation unit or a
        # thing at best; it makes a name only where nothing better is known.
        return Mention(i, end, "", MentionKind.PROPER, "", "", known="guessed-word")
    return Mention(i, end, "", MentionKind.PROPER, "", "")
