"""Read a portfolio document: text extracted from a two-column PDF table headed ``System  Beskrivelse``.

``read(data, source)`` checks the bytes, finds the table and cuts it into entries. It knows the *layout*
(names at the start of a block, descriptions after, extraction scars) and nothing of any one portfolio.

Layout rules, each tested in ``tests/loaders/test_document.py``:

* entries are separated by blank lines, but a blank line inside an unfinished sentence is a PDF scar;
* the name starts the first line, and ends where the description starts: at a wide gap, after a
  parenthesised abbreviation, or before a category word ("Saksbehandlingssystem.", "Portal for …");
* a name may fill several lines before its description ("… (eINT) og" / "API (eAPI)");
* a block may hold several names followed by one description each, in order;
* URL lines belong to the entry above; a closing paragraph of prose is kept as a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.errors import LoadError
from loaders.lexicon import CATEGORY_SUFFIXES, HEADER_WORDS, NOTE_OPENERS, OPENER_WORDS
from loaders.text import SourceText, ends_sentence, join_lines

__all__ = ["MAX_BYTES", "RawDocument", "RawEntry", "read", "split_name"]

MAX_BYTES = 2 * 1024 * 1024  # a portfolio table is a few kB; anything near this is not one
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*" + r"\s+".join(HEADER_WORDS) + r"\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RawEntry:
    name: str  # exactly as written, lines joined
    line: int  # the line the name starts on
    description: SourceText
    urls: tuple[str, ...] = ()


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


def _is_opener(token: str, following: str | None) -> bool:
    """Can a description start at this token? ("Saksbehandlingssystem.", "Portal for", "Et verktøy")."""
    word = token.rstrip(".,:;")
    if not word or not word[0].isupper() or (following or "").startswith("("):
        return False
    low = word.lower()
    last = low.rsplit("/", 1)[-1]
    known = low in OPENER_WORDS or any(last.endswith(s) for s in CATEGORY_SUFFIXES)
    return known and (token.endswith(".") or following is None or following[:1].islower())


def split_name(line: str) -> tuple[str, str | None]:
    """Split an entry's first line into its name and the start of its description (None: name only).

    >>> split_name("Oppslag med Etat Saksbehandlingssystem. Benyttes av NAV.")
    ('Oppslag med Etat', 'Saksbehandlingssystem. Benyttes av NAV.')
    >>> split_name("Felles register (FR) Register for kontakter.")
    ('Felles register (FR)', 'Register for kontakter.')
    >>> split_name("Digital Webplattform (DWP) Er en versjon av X.")
    ('Digital Webplattform (DWP)', 'Er en versjon av X.')
    >>> split_name("Kalkulator  Et verktøy som regner.")
    ('Kalkulator', 'Et verktøy som regner.')
    >>> split_name("Nasjonale Kvalitetsindikatorer")
    ('Nasjonale Kvalitetsindikatorer', None)
    """
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", line)]
    for i in range(1, len(tokens)):
        pos, tok = tokens[i]
        prev_pos, prev = tokens[i - 1]
        following = tokens[i + 1][1] if i + 1 < len(tokens) else None
        wide_gap = pos - (prev_pos + len(prev)) >= 2 and tok[:1].isupper()
        after_abbrev = prev.endswith(")") and "(" in line[: prev_pos + len(prev)] and tok[:1].isupper()
        if wide_gap or after_abbrev or _is_opener(tok, following):
            return line[: prev_pos + len(prev)].strip(), line[pos:].strip()
    return line.strip(), None


def _name_incomplete(name: str) -> bool:
    """A name line that must go on: "… (eINT) og", "ABC (Alfa- og", "Bevillingssystem øl-"."""
    n = name.rstrip()
    return n.endswith((" og", " eller", "-", ",", "&")) or n.count("(") > n.count(")")


def _starts_description(line: str) -> bool:
    tokens = line.split()
    return bool(tokens) and _is_opener(tokens[0], tokens[1] if len(tokens) > 1 else None)


def _is_note(line: str) -> bool:
    first = line.split()[0].strip(".,").lower() if line.split() else ""
    return first in NOTE_OPENERS


# ---------------------------------------------------------------------------------------------------------
# The block state machine


@dataclass
class _Block:
    names: list[list[tuple[int, str]]] = field(default_factory=list)
    descriptions: list[list[tuple[int, str]]] = field(default_factory=list)
    urls: list[list[str]] = field(default_factory=list)

    def current_name(self) -> str:
        return " ".join(t for _, t in self.names[-1]) if self.names else ""

    def pending(self) -> bool:
        return len(self.descriptions) < len(self.names)

    def start_description(self, no: int, text: str) -> None:
        self.descriptions.append([(no, text)])
        self.urls.append([])

    def entries(self, source: str) -> list[RawEntry]:
        out = []
        for i, parts in enumerate(self.names):
            name = join_lines(parts).text
            desc = join_lines(self.descriptions[i]) if i < len(self.descriptions) else join_lines([])
            urls = tuple(self.urls[i]) if i < len(self.urls) else ()
            out.append(RawEntry(name=name, line=parts[0][0], description=desc, urls=urls))
        return out


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

    entries: list[RawEntry] = []
    notes: list[SourceText] = []
    block: _Block | None = None
    note: list[tuple[int, str]] | None = None
    mode = "start"  # start | name | desc | note
    ended = True  # did the last description line end a sentence?
    blank = True  # was there a blank line since the last content line?

    def close() -> None:
        nonlocal block, note
        if block is not None:
            entries.extend(block.entries(source))
        if note:
            notes.append(join_lines(note))
        block, note = None, None

    def open_entry(no: int, line: str) -> str:
        nonlocal block, note
        close()
        if _is_note(line):
            note = [(no, line)]
            return "note"
        block = _Block()
        name, desc = split_name(line)
        block.names.append([(no, name)])
        if desc is None:
            return "name"
        block.start_description(no, desc)
        return "desc"

    for idx in range(header + 1, len(lines)):
        no, line = idx + 1, lines[idx].strip()
        if not line:
            blank = True
            continue
        if mode == "start":
            mode = open_entry(no, line)
        elif mode == "note":
            assert note is not None
            if blank and ended:
                mode = open_entry(no, line)
            else:
                note.append((no, line))
        elif mode == "name":
            assert block is not None
            if _is_url(line):
                block.urls.append([line])
            elif _name_incomplete(block.current_name()) or line[:1].islower() or line.startswith("("):
                block.names[-1].append((no, line))
            elif _starts_description(line):
                block.start_description(no, line)
                mode = "desc"
            else:
                block.names.append([(no, line)])  # another name in the same block
        else:  # desc
            assert block is not None
            if _is_url(line):
                block.urls[-1].append(line)
                ended = True
                blank = False
                continue
            if (not ended and not (blank and _looks_like_new_entry(line))) or not blank:
                block.descriptions[-1].append((no, line))
            elif block.pending() and _starts_description(line):
                block.start_description(no, line)
            else:
                mode = open_entry(no, line)
        if mode == "desc" and block is not None and block.descriptions:
            ended = ends_sentence(block.descriptions[-1][-1][1])
        elif mode == "note" and note:
            ended = ends_sentence(note[-1][1])
        blank = False
    close()
    if not entries:
        raise LoadError(source, header + 1, "the table has a header but no entries")
    return RawDocument(source=source, text=text, entries=tuple(entries), notes=tuple(notes))


def _is_url(line: str) -> bool:
    return bool(_URL.match(line))


def _looks_like_new_entry(line: str) -> bool:
    """After a blank line, does this start a new entry even though the last sentence never ended?"""
    name, desc = split_name(line)
    if desc is None or not desc.split() or name[-1:] in ".,;:" or len(name.split()) > 6:
        return False  # "Legeforeningen. Skyløsning." ends a sentence; it does not name an entry
    return desc.split()[0].endswith(".") and name[:1].isupper()
