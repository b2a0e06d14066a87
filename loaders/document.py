"""Read a portfolio document: text extracted from a two-column PDF table headed ``System  Beskrivelse``.

``read(data, source)`` checks the bytes, finds the table and cuts it into entries. It knows the *layout*
(names at the start of a block, descriptions after, extraction scars) and nothing of any one portfolio.

Layout rules, each tested in ``tests/loaders/test_document.py``:

* entries are separated by blank lines, but a blank line inside an unfinished sentence is a PDF scar;
* a page break — a page number or "Side 2 av 4" and the header repeated — is a scar too, even mid-sentence;
* the name starts the first line and ends where the description starts. No mark says where: every cue is
  scored together (:func:`boundaries`) — a wide gap, a parenthesised abbreviation, a category word
  ("Saksbehandlingssystem.", "Portal for …"), a capitalised word that starts a sentence of common words, a
  verb, a name that recurs elsewhere in the document, and the width of the description's other lines. The
  best split is taken; a doubtful one is reported (``uncertain``) with its runner-up;
* a name may fill several lines before its description ("… (eINT) og" / "API (eAPI)"), or be broken around
  it ("Bevillingssystem øl- og" / blank / "vin (BØV) Saksbehandlingssystem …");
* a block may hold several names followed by one description each, in order;
* URL lines belong to the entry above; a closing paragraph of prose is kept as a note.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from loaders.errors import LoadError
from loaders.lexicon import (
    CATEGORY_SUFFIXES,
    DESCRIPTION_VERBS,
    HEADER_WORDS,
    NAME_FUNCTION_WORDS,
    NOTE_OPENERS,
    OPENER_WORDS,
)
from loaders.text import ABBREVIATIONS, SourceText, ends_sentence, is_common_word, join_lines

__all__ = ["MAX_BYTES", "Boundary", "RawDocument", "RawEntry", "boundaries", "read", "renamed", "split_name"]

MAX_BYTES = 2 * 1024 * 1024  # a portfolio table is a few kB; anything near this is not one
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*" + r"\s+".join(HEADER_WORDS) + r"\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*)?(?:(?:side|page|s\.)\s*)?\d{1,4}(?:\s*(?:av|of|/)\s*\d{1,4})?(?:\s*-)?\s*$", re.IGNORECASE
)
SHORT_LINE = 48  # a line this short after a name is another piece of a name, not a description line
STRONG_CUT = 4.0  # a split this good after a name line means the line holds the rest of the name
PARAGRAPH_CUT = 0.0  # no split this good in a full line after a blank: the description's next paragraph
UNCERTAIN = 1.5  # a best split less than this ahead of its runner-up is reported as doubtful


@dataclass(frozen=True)
class Boundary:
    """Where an entry's first line was cut into name and description, and how sure the cut is."""

    name: str
    description: str | None
    score: float
    runner_up: tuple[str, float] | None = None  # the second-best name and its score

    @property
    def uncertain(self) -> bool:
        return self.runner_up is not None and self.score - self.runner_up[1] < UNCERTAIN


@dataclass(frozen=True)
class RawEntry:
    name: str  # exactly as written, lines joined
    line: int  # the line the name starts on
    description: SourceText
    urls: tuple[str, ...] = ()
    boundary: Boundary | None = None  # how the name was told from the description, when it shared a line


@dataclass(frozen=True)
class RawDocument:
    source: str
    text: str
    entries: tuple[RawEntry, ...]
    notes: tuple[SourceText, ...] = ()


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise LoadError(source, None, "document is empty")
    if len(data) > MAX_BYTES:
        raise LoadError(
            source,
            None,
            f"document is {len(data) / 1e6:.1f} MB; a portfolio table is at most {MAX_BYTES // 2**20} MB",
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise LoadError(source, line, f"binary file (NUL byte at offset {nul}), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError(source, line, f"invalid UTF-8 at byte {exc.start}: {exc.reason}") from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise LoadError(source, None, f"binary file ({controls} control characters), expected UTF-8 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------------------------------------
# Names and descriptions on one line


def _word(token: str) -> str:
    return token.strip(".,:;()«»\"'").lower()


def _is_category(word: str) -> bool:
    """A category noun: "saksbehandlingssystem", "portal", "integrasjonskomponent", "sak-/arkivsystem"."""
    last = re.split(r"[/-]", word)[-1] or word
    return word in OPENER_WORDS or last in OPENER_WORDS or any(last.endswith(s) for s in CATEGORY_SUFFIXES)


def _common_run(tokens: list[str]) -> float:
    """The share of lower-case words among the first words of a would-be description, up to its full stop."""
    words: list[str] = []
    for tok in tokens[1:9]:
        words.append(tok)
        if tok.endswith(".") and _word(tok) not in ABBREVIATIONS:
            break
    if not words:
        return 0.0
    return sum(1 for w in words if w[:1].islower() or w[:1] in "(-–") / len(words)


class _Cues:
    """What scores a split of a first line: the document's other text (names that recur) and the width of
    description lines (the column geometry of the PDF)."""

    def __init__(self, text: str = "", width: float | None = None) -> None:
        self.text = text
        self.width = width
        self._counts: dict[str, int] = {}
        self._starts: dict[str, list[int]] = {}  # where a name may start, by its first two characters
        self._sorted: set[str] = set()  # the keys of _starts whose offsets are in the order of their text
        for m in re.finditer(r"(?<![\w-])\S", text):
            self._starts.setdefault(text[m.start() : m.start() + 2], []).append(m.start())

    def recurs(self, name: str, line: str) -> bool:
        """Does the name (or its abbreviation) occur in the document outside this line?"""
        if not self.text or len(name) < 2:
            return False
        probes = [name]
        m = re.search(r"\(([^()]{2,12})\)\s*$", name)
        if m:
            probes.append(m.group(1))
        return any(self._count(p, self.text) > _occurrences(p, line) for p in probes)

    def _count(self, probe: str, text: str) -> int:
        """:func:`_occurrences` in the whole text, from the index of where names may start: the offsets that
        start with the probe's first characters are found by bisection, so a probe costs its own occurrences
        and not every name of the document that shares its first two letters ("Modul1" … "Modul28000")."""
        if probe not in self._counts:
            starts = self._starts.get(probe[:2], [])
            if probe[:2] not in self._sorted:
                starts.sort(key=lambda i: text[i : i + _WINDOW])  # so also by any shorter prefix
                self._sorted.add(probe[:2])
            window = probe[:_WINDOW]

            def head(i: int) -> str:
                return text[i : i + len(window)]

            lo = bisect.bisect_left(starts, window, key=head)
            hi = bisect.bisect_right(starts, window, lo, key=head)
            self._counts[probe] = sum(
                1
                for i in starts[lo:hi]
                if text.startswith(probe, i) and _ENDS_NAME.match(text, i + len(probe))
            )
        return self._counts[probe]


_WINDOW = 64  # characters of text the offsets of names are ordered by


_ENDS_NAME = re.compile(r"(?![\w-])(?! [A-ZÆØÅ])")


def _occurrences(probe: str, text: str) -> int:
    """How often ``probe`` stands in ``text`` as a name of its own — not as the start of a longer name ("KASSA"
    in "KASSA Oppgjør" says nothing of "KASSA Bankintegrasjon")."""
    n, i = 0, text.find(probe)
    while i >= 0:
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_-")) and _ENDS_NAME.match(
            text, i + len(probe)
        ):
            n += 1
        i = text.find(probe, i + 1)
    return n


def _score(tokens: list[tuple[int, str]], i: int, line: str, cues: _Cues) -> float:
    """How likely the description starts at token ``i`` (``i == len(tokens)``: the line is all name)."""
    names = [t for _, t in tokens[:i]]
    name = line[: tokens[i - 1][0] + len(tokens[i - 1][1])].strip()
    score = _name_score(names, name, line, cues)
    if i == len(tokens):  # no description on this line: a short line is all name (it may go on below)
        return score + (1.0 if len(line) < SHORT_LINE else -2.0)
    return _cut_score(score, tokens, i, name, line, cues)


def _name_score(names: list[str], name: str, line: str, cues: _Cues) -> float:
    """What the tokens before the cut say of it: does ``name`` (of tokens ``names``) read as a name?"""
    score = 0.0
    if any(t.endswith(".") and _word(t) not in ABBREVIATIONS and not re.search(r"\w\.\w", t) for t in names):
        score -= 3  # a name does not end sentences ("Sak-/arkivsystem." belongs to the description)
    score -= 0.5 * max(0, len(names) - 4) + (3 if len(name) > 70 else 0)
    if cues.recurs(name, line):
        # A name written again elsewhere is a name; one common word recurring says little.
        score += 2.5 if len(names) > 1 or not is_common_word(names[0]) else 0.5
    if any(t.endswith((",", ";")) for t in names):
        score -= 2  # a list belongs to the description
    return score


def _cut_score(
    score: float, tokens: list[tuple[int, str]], i: int, name: str, line: str, cues: _Cues
) -> float:
    """``score`` plus what the cut itself says, with a description starting at token ``i``: the name's last
    token, the gap, the description's first words and its width (added in this order: floats)."""
    prev_pos, prev = tokens[i - 1]
    if _word(prev) in NAME_FUNCTION_WORDS or prev.endswith(("-", ",", "&", "/")):
        score -= 6  # "Elektronisk kurve og", "Sak-/"
    if name.count("(") > name.count(")"):
        score -= 6
    pos = tokens[i][0]
    if len(line[pos:].split()) < 3 and not ends_sentence(line):
        score -= 3  # a description does not stop after a word or two in mid-sentence
    if pos - (prev_pos + len(prev)) >= 2:
        score += 4  # a wide gap
    if prev.endswith(")") and "(" in name:
        score += 3  # after the abbreviation: "Felles register (FR) Register for …"
    score = _first_words_score(score, [t for _, t in tokens[i:]])
    if cues.width:
        desc = line[pos:].rstrip()
        score += max(0.0, 1.0 - abs(len(desc) - cues.width) / cues.width * 4)
    return score


def _first_words_score(score: float, following: list[str]) -> float:
    """``score`` plus how the description's first words (``following``: the tokens from the cut on) read as
    its start."""
    tok = following[0]
    if tok[:1].islower():
        return score - 4
    if tok[:1] == "(":
        return score - 3
    if (
        len(following) > 1
        and re.match(r"[A-ZÆØÅ][a-zæøå]", following[1])
        and not tok.endswith((".", ":", ","))
    ):
        # Two capitalised words in a row go on a name ("ELSA Rinaintegrasjon Integrasjonskomponent").
        return score - 2
    word = _word(tok)
    nxt = following[1] if len(following) > 1 else None
    if _is_category(word) and (tok.endswith((".", ":", ",")) or nxt is None or nxt[:1].islower()):
        score += 3  # "Saksbehandlingssystem.", "Portal for …", "Integrasjonskomponent som …"
    elif word in DESCRIPTION_VERBS:
        score += 2.5  # "Håndterer …", "Brukes av …", "Er en versjon av …"
    score += 2.0 * _common_run(following)
    return score


def boundaries(line: str, cues: _Cues | None = None) -> list[Boundary]:
    """Every way to cut ``line`` into a name and a description, best first."""
    cues = cues or _Cues()
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", line)]
    out = []
    for i in range(1, len(tokens) + 1):
        name_end = tokens[i - 1][0] + len(tokens[i - 1][1])
        desc = line[tokens[i][0] :].strip() if i < len(tokens) else None
        out.append(Boundary(line[:name_end].strip(), desc, round(_score(tokens, i, line, cues), 2)))
    out.sort(key=lambda b: -b.score)
    return out


def split_name(line: str, cues: _Cues | None = None) -> Boundary:
    """Cut an entry's first line into its name and the start of its description (``None``: name only).

    >>> def cut(line: str) -> tuple[str, str | None]:
    ...     b = split_name(line)
    ...     return b.name, b.description
    >>> cut("Oppslag med Etat Saksbehandlingssystem. Benyttes av NAV.")
    ('Oppslag med Etat', 'Saksbehandlingssystem. Benyttes av NAV.')
    >>> cut("Felles register (FR) Register for kontakter.")
    ('Felles register (FR)', 'Register for kontakter.')
    >>> cut("Digital Webplattform (DWP) Er en versjon av X.")
    ('Digital Webplattform (DWP)', 'Er en versjon av X.')
    >>> cut("Kalkulator  Et verktøy som regner.")
    ('Kalkulator', 'Et verktøy som regner.')
    >>> cut("Nasjonale Kvalitetsindikatorer")
    ('Nasjonale Kvalitetsindikatorer', None)
    >>> cut("Skoleskyss Håndterer søknader om skyss for elever i grunnskolen.")
    ('Skoleskyss', 'Håndterer søknader om skyss for elever i grunnskolen.')
    """
    found = boundaries(line, cues)
    best = found[0]
    runner = found[1] if len(found) > 1 else None
    return Boundary(best.name, best.description, best.score, (runner.name, runner.score) if runner else None)


def _name_incomplete(name: str) -> bool:
    """A name line that must go on: "… (eINT) og", "ABC (Alfa- og", "Bevillingssystem øl-"."""
    n = name.rstrip()
    return n.endswith((" og", " eller", "-", ",", "&", "/")) or n.count("(") > n.count(")")


def _starts_description(line: str) -> bool:
    """Does this line begin a description (a category word or a verb, or a sentence of common words)?"""
    tokens = line.split()
    if not tokens or not tokens[0][:1].isupper():
        return False
    word = _word(tokens[0])
    nxt = tokens[1] if len(tokens) > 1 else None
    category = _is_category(word) and (
        tokens[0].endswith((".", ":", ",")) or nxt is None or nxt[:1].islower()
    )
    return category or word in DESCRIPTION_VERBS or (len(line) >= SHORT_LINE and _common_run(tokens) >= 0.6)


def _is_note(line: str) -> bool:
    first = line.split()[0].strip(".,").lower() if line.split() else ""
    return first in NOTE_OPENERS


def _is_url(line: str) -> bool:
    return bool(_URL.match(line))


# ---------------------------------------------------------------------------------------------------------
# Page breaks


def _without_page_breaks(lines: list[str], header: int) -> list[str]:
    """The lines with every page break — a page number or "Side 2 av 4", the header repeated, and the blank
    lines around them — turned into one blank line (line numbers are kept: lines are blanked, not removed)."""
    out = list(lines)
    for i in range(header + 1, len(out)):
        if _PAGE_NUMBER.match(out[i]) or _HEADER.match(out[i]):
            out[i] = ""
    return out


# ---------------------------------------------------------------------------------------------------------
# The reader


@dataclass
class _Block:
    """One block of the table: names, then their descriptions in the same order."""

    names: list[list[tuple[int, str]]] = field(default_factory=list)
    descriptions: list[list[tuple[int, str]]] = field(default_factory=list)
    urls: list[list[str]] = field(default_factory=list)
    boundaries: list[Boundary | None] = field(default_factory=list)
    inline: list[bool] = field(default_factory=list)  # did the name share its line with a description?

    def current_name(self) -> str:
        return " ".join(t for _, t in self.names[-1]) if self.names else ""

    def pending(self) -> bool:
        return len(self.descriptions) < len(self.names)

    def add_name(self, no: int, text: str) -> None:
        self.names.append([(no, text)])
        self.boundaries.append(None)
        self.inline.append(False)

    def start_description(self, no: int, text: str) -> None:
        self.descriptions.append([(no, text)])
        self.urls.append([])

    def entries(self) -> list[RawEntry]:
        names, bounds = self.names, self.boundaries
        while len(names) > max(1, len(self.descriptions)):
            # More names than descriptions: a name broken around a blank line, not two names. The piece that
            # shared its line with the description continues the name before it.
            j = next((k for k in range(1, len(names)) if self.inline[k]), len(names) - 1)
            names = [*names[: j - 1], names[j - 1] + names[j], *names[j + 1 :]]
            bounds = [*bounds[: j - 1], bounds[j], *bounds[j + 1 :]]
            self.inline = [*self.inline[: j - 1], self.inline[j], *self.inline[j + 1 :]]
        out = []
        for i, parts in enumerate(names):
            name = join_lines(parts).text
            desc = join_lines(self.descriptions[i]) if i < len(self.descriptions) else join_lines([])
            urls = tuple(self.urls[i]) if i < len(self.urls) else ()
            out.append(RawEntry(name=name, line=parts[0][0], description=desc, urls=urls, boundary=bounds[i]))
        return out


class _Reader:
    """The table's lines, cut into entries and notes by a small state machine (``mode``)."""

    def __init__(self, lines: list[str], header: int, cues: _Cues) -> None:
        self.lines = lines
        self.header = header
        self.cues = cues
        self.entries: list[RawEntry] = []
        self.notes: list[SourceText] = []
        self.block: _Block | None = None
        self.note: list[tuple[int, str]] | None = None
        self.mode = "start"  # start | name | desc | note
        self.ended = True  # did the last description line end a sentence?
        self.blank = True  # was there a blank line since the last content line?

    def read(self) -> tuple[list[RawEntry], list[SourceText]]:
        for idx in range(self.header + 1, len(self.lines)):
            no, line = idx + 1, self.lines[idx].strip()
            if not line:
                self.blank = True
                continue
            getattr(self, f"_{self.mode}")(no, line)
            if _is_url(line):
                self.ended = True  # a URL line closes what is above it
            elif self.mode == "desc" and self.block is not None and self.block.descriptions:
                self.ended = ends_sentence(self.block.descriptions[-1][-1][1])
            elif self.mode == "note" and self.note:
                self.ended = ends_sentence(self.note[-1][1])
            self.blank = False
        self._close()
        return self.entries, self.notes

    def _close(self) -> None:
        if self.block is not None:
            self.entries.extend(self.block.entries())
        if self.note:
            self.notes.append(join_lines(self.note))
        self.block, self.note = None, None

    def _open(self, no: int, line: str) -> None:
        self._close()
        if _is_note(line):
            self.note = [(no, line)]
            self.mode = "note"
            return
        self.block = _Block()
        self._name_line(no, line)

    def _name_line(self, no: int, line: str) -> None:
        """A line that starts a name: all name, or a name and the start of its description."""
        assert self.block is not None
        cut = split_name(line, self.cues)
        self.block.add_name(no, cut.name)
        if cut.description is None:
            self.mode = "name"
            return
        self.block.boundaries[-1] = cut
        self.block.inline[-1] = True
        self.block.start_description(no, cut.description)
        self.mode = "desc"

    def _start(self, no: int, line: str) -> None:
        self._open(no, line)

    def _note(self, no: int, line: str) -> None:
        assert self.note is not None
        if self.blank and self.ended:
            self._open(no, line)
        else:
            self.note.append((no, line))

    def _name(self, no: int, line: str) -> None:
        """A line after a name line: the name goes on, its description starts, or another name follows."""
        block = self.block
        assert block is not None
        if _is_url(line):
            block.urls.append([line])
            return
        cut = split_name(line, self.cues)
        continuing = _name_incomplete(block.current_name()) or line[:1].islower() or line.startswith("(")
        # "Havlys" / "Klubb Kundeklubben, …": the joined name is written so elsewhere in the document.
        continuing = continuing or (
            cut.description is not None and self.cues.recurs(f"{block.current_name()} {cut.name}", line)
        )
        long = len(line) >= SHORT_LINE  # a stacked name is a short line of its own
        if continuing and (cut.description is not None or not long):
            self._more_name(no, cut)  # "vin (BØV) Saksbehandlingssystem …", "(NKI)"
        elif continuing or ((long or _starts_description(line)) and cut.score < STRONG_CUT):
            block.start_description(no, line)
            self.mode = "desc"
        elif cut.description is not None and cut.score >= STRONG_CUT and len(cut.name.split()) <= 3:
            self._more_name(no, cut)  # "Unit4" / blank / "ERP  Økonomisystem …": the rest of a broken name
        elif long or _starts_description(line):
            block.start_description(no, line)
            self.mode = "desc"
        else:
            self._name_line(no, line)  # another name in the same block

    def _more_name(self, no: int, cut: Boundary) -> None:
        """The rest of the current name, and maybe the start of its description."""
        block = self.block
        assert block is not None
        block.names[-1].append((no, cut.name))
        if cut.description is not None:
            block.boundaries[-1] = cut
            block.start_description(no, cut.description)
            self.mode = "desc"

    def _desc(self, no: int, line: str) -> None:
        block = self.block
        assert block is not None
        if _is_url(line):
            block.urls[-1].append(line)
            return
        if (not self.ended and not (self.blank and self._looks_like_new_entry(line))) or not self.blank:
            block.descriptions[-1].append((no, line))
        elif block.pending() and _starts_description(line):
            block.start_description(no, line)
        elif not _is_note(line) and self._new_paragraph(line):
            block.descriptions[-1].append((no, line))
        else:
            self._open(no, line)

    def _new_paragraph(self, line: str) -> bool:
        """After a blank line, a full-width line with no place a name could end ("Godkjente vedtak overføres til
        …"): the description's next paragraph, not an entry."""
        return len(line) >= SHORT_LINE and split_name(line, self.cues).score < PARAGRAPH_CUT

    def _looks_like_new_entry(self, line: str) -> bool:
        """After a blank line, does this start a new entry even though the last sentence never ended?"""
        cut = split_name(line, self.cues)
        name, desc = cut.name, cut.description
        if desc is None or not desc.split() or name[-1:] in ".,;:" or len(name.split()) > 6:
            return False  # "Legeforeningen. Skyløsning." ends a sentence; it does not name an entry
        return cut.score >= 4 and name[:1].isupper()


def _description_width(lines: list[str], header: int) -> float | None:
    """The usual width of a description line: the median of the long lines (names are short)."""
    widths = [len(line.rstrip()) for line in lines[header + 1 :] if len(line.strip()) >= SHORT_LINE]
    return statistics.median(widths) if len(widths) >= 5 else None


def renamed(
    doc: RawDocument, names: Mapping[int, str], where: Callable[[int], tuple[str, int | None]]
) -> RawDocument:
    """The document with the entries that start on the given lines renamed (the overlay's ``entries.rename``):
    the words the new name leaves over open the description, the words it takes are taken from it.

    ``where(line)`` names the overlay line to blame when no entry starts on ``line``.
    """
    by_line = {e.line: e for e in doc.entries}
    for line in names:
        if line not in by_line:
            source, at = where(line)
            starts = ", ".join(str(n) for n in sorted(by_line)[:12])
            raise LoadError(
                source, at, f"no entry starts on line {line} of {doc.source} (entries start on {starts} …)"
            )
    return replace(
        doc, entries=tuple(_renamed(e, names[e.line]) if e.line in names else e for e in doc.entries)
    )


def _renamed(entry: RawEntry, name: str) -> RawEntry:
    name = " ".join(name.split())
    desc = entry.description
    whole = f"{entry.name} {desc.text}".strip() if desc.text else entry.name
    if not whole.startswith(name) or whole == name:
        return replace(entry, name=name, boundary=None)
    rest = whole[len(name) :]
    text = rest.strip()
    shift = len(text) - len(desc.text)  # the offsets of the old description in the new one
    starts = [max(0, s + shift) for s in desc.starts] if desc.text else []
    lines = list(desc.lines) if desc.text else []
    if shift > 0 or not desc.text:
        starts, lines = [0, *starts], [entry.line, *lines]
    return replace(entry, name=name, description=SourceText(text, tuple(starts), tuple(lines)), boundary=None)


def read(data: bytes, source: str) -> RawDocument:
    """Check the bytes and cut the table into entries.

    Raises
    ------
    LoadError
        empty, binary, not UTF-8, too large, or no ``System  Beskrivelse`` header.
    """
    text = _decode(data, source)
    lines = text.split("\n")
    header = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
    if header is None:
        raise LoadError(
            source, None, f"no table header '{'  '.join(HEADER_WORDS)}' found; is this a portfolio table?"
        )
    lines = _without_page_breaks(lines, header)
    cues = _Cues("\n".join(lines[header + 1 :]), _description_width(lines, header))
    entries, notes = _Reader(lines, header, cues).read()
    if not entries:
        raise LoadError(source, header + 1, "the table has a header but no entries")
    return RawDocument(source=source, text=text, entries=tuple(entries), notes=tuple(notes))
