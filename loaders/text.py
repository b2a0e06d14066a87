"""Text from a PDF table: hard line breaks joined, sentences split, every offset traced to its source line."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from loaders.lexicon import ABBREVIATIONS

__all__ = ["Sentence", "SourceText", "ends_sentence", "join_lines", "split_sentences"]

_WORD_BEFORE_HYPHEN = re.compile(r"(\S+)-$")


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
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[(\"«A-ZÆØÅ0-9])|(?<=\))\s+(?=[A-ZÆØÅ])")


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
        if last.endswith(".") and (last.rstrip(".").lower() in ABBREVIATIONS or last.rstrip(".").isdigit()):
            continue
        if before.strip():
            out.append(Sentence(before.strip(), start, src.line_at(start)))
        start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(Sentence(rest, start, src.line_at(start)))
    return out
