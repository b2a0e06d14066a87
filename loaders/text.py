"""Text from a PDF table: hard line breaks joined, sentences split, every offset traced to its source line."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import simplemma

from loaders.lexicon import ABBREVIATIONS, MONTHS

__all__ = [
    "ABBREVIATIONS",
    "Sentence",
    "SourceText",
    "ends_sentence",
    "is_common_word",
    "join_lines",
    "lemma",
    "split_sentences",
]

_WORD_BEFORE_HYPHEN = re.compile(r"(\S+)-$")


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The Bokmål lemma of a word, lower-cased (simplemma's data ships in its wheel: nothing is fetched).

    >>> lemma("Hentes"), lemma("arkiveres"), lemma("Folkeregisteret")
    ('hente', 'arkivere', 'folkeregister')
    """
    low = word.lower()
    return _IRREGULAR.get(low) or str(simplemma.lemmatize(low, lang="nb"))


# Forms simplemma's Bokmål data leaves as they are.
_IRREGULAR = {"går": "gå", "gikk": "gå", "gått": "gå"}


@lru_cache(maxsize=65536)
def is_common_word(word: str) -> bool:
    """Is this a word of the language (a dictionary word or a compound of them), rather than a name?

    >>> is_common_word("Fagsystem"), is_common_word("saksbehandlingssystemet"), is_common_word("Unilab")
    (True, True, False)
    """
    bare = word.strip(".,:;()«»\"'")
    if not bare or any(c.isupper() for c in bare[1:]) or any(c.isdigit() for c in bare):
        return False  # "ProSang", "eKurve", "NAV", "Unit4"
    return _known(bare.lower(), 3)


def _known(word: str, depth: int) -> bool:
    """A known word, or a compound of known words (with the linking -s- or -e-), up to ``depth`` parts."""
    if simplemma.is_known(word, lang="nb") or simplemma.is_known(lemma(word), lang="nb"):
        return True
    if depth <= 1 or len(word) < 7:
        return False
    for k in range(len(word) - 3, 2, -1):
        head, tail = word[:k], word[k:]
        if not _known(tail, 1):
            continue
        for stem in (head, head[:-1] if head[-1:] in "se" else None):
            if stem and len(stem) >= 3 and _known(stem, depth - 1):
                return True
    return False


def _join_pair(left: str, right: str) -> tuple[str, str]:
    """The separator to put between two physical lines, and the right part (possibly changed)."""
    m = _WORD_BEFORE_HYPHEN.search(left)
    if m and m.group(1)[-1:].isalpha():
        word = m.group(1)
        nxt = right.split(" ", 1)[0]
        if nxt in {"og", "eller"}:  # a suspended compound: "tobakk-" / "og alkohol"
            return " ", right
        if word.isupper() or nxt[:1].isupper():  # "EØS-" / "land" stays "EØS-land"
            return "", right
        bare = word.split("-")[-1].strip('(«"')
        before = left[: m.start(1)].rstrip()
        midsentence = bool(before) and before[-1] not in ".!?:"
        if bare[:1].isupper() and (midsentence or not is_common_word(bare)):
            # A name and a suffix: "Altinn-" / "tjenester" stays "Altinn-tjenester", and so does a capitalised
            # word inside a sentence ("Krever Feide-" / "innlogging").
            return "", right
        return "\x00", right  # a soft hyphen: drop it ("integra-" / "sjon")
    return " ", right


@dataclass(frozen=True)
class SourceText:
    """Physical lines joined into one text; ``line_at`` maps an offset back to its line number."""

    text: str
    starts: tuple[int, ...]
    lines: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]

    @property
    def first_line(self) -> int:
        return self.lines[0]

    def __bool__(self) -> bool:
        return bool(self.text)


def join_lines(parts: Sequence[tuple[int, str]]) -> SourceText:
    """Join (line number, text) pairs the way a reader of the PDF would.

    >>> join_lines([(1, "mellom EØS-"), (2, "land.")]).text
    'mellom EØS-land.'
    >>> join_lines([(1, "Bevillingssystem tobakk- og"), (3, "alkohol")]).text
    'Bevillingssystem tobakk- og alkohol'
    >>> join_lines([(1, "integra-"), (2, "sjon og  samhandling")]).text
    'integrasjon og samhandling'
    >>> t = join_lines([(4, "Benyttes av"), (7, "helseaktører.")])
    >>> t.line_at(t.text.index("helse"))
    7
    """
    text = ""
    starts: list[int] = []
    lines: list[int] = []
    for no, raw in parts:
        part = re.sub(r"\s+", " ", raw.strip())
        if not part:
            continue
        if text:
            sep, part = _join_pair(text, part)
            if sep == "\x00":
                text, sep = text[:-1], ""
            text += sep
        starts.append(len(text))
        lines.append(no)
        text += part
    return SourceText(text, tuple(starts), tuple(lines))


def ends_sentence(text: str) -> bool:
    """Does this (partial) text end a sentence? Abbreviations and open parentheses do not.

    >>> ends_sentence("om helserettigheter, inkl."), ends_sentence("Europeisk Helsetrygdkort.")
    (False, True)
    >>> ends_sentence("(Applikasjon utviklet av EU for å"), ends_sentence("mellom EU land)")
    (False, True)
    """
    t = text.rstrip()
    if not t:
        return True
    if t.endswith(")"):
        return t.count("(") <= t.count(")")
    if t[-1] not in ".!?:":
        return False
    last = t.split()[-1].rstrip(".").lower()
    return last not in ABBREVIATIONS


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the SourceText
    line: int


# A boundary: end punctuation, whitespace, then something that can start a sentence.
# (A name in camel case starts a sentence too: "… og RIS. eKurve får …")
_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+(?=[(\"«A-ZÆØÅ0-9]|[a-zæøå][A-ZÆØÅ])|(?<=\))\s+(?=[A-ZÆØÅ]|[a-zæøå][A-ZÆØÅ])"
)


def split_sentences(src: SourceText) -> list[Sentence]:
    """Sentences with the line each starts on.

    >>> src = join_lines([(5, "Er en versjon av X. På denne driftes A.no"), (6, "og B.no. (Driftes ikke i Y)")])
    >>> [(s.text, s.line) for s in split_sentences(src)]
    [('Er en versjon av X.', 5), ('På denne driftes A.no og B.no.', 5), ('(Driftes ikke i Y)', 6)]
    >>> [s.text for s in split_sentences(join_lines([(1, "Bruk f.eks. BankID. Per 15. Mai 2023 ok.")]))]
    ['Bruk f.eks. BankID.', 'Per 15. Mai 2023 ok.']
    """
    text = src.text
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()]
        last = before.split()[-1] if before.split() else ""
        after = text[m.end() :].split(" ", 1)[0].strip(".,").lower()
        dated = last.rstrip(".").isdigit() and (after in MONTHS or not after[:1].isalpha())
        if last.endswith(".") and (last.rstrip(".").lower() in ABBREVIATIONS or dated):
            continue  # "f.eks. BankID", "15. mai 2023"; but "Noark 5. Inngående post …" ends a sentence
        if before.strip():
            out.append(Sentence(before.strip(), start, src.line_at(start)))
        start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(Sentence(rest, start, src.line_at(start)))
    return out
