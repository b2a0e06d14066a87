"""Entry names: abbreviations in parentheses become aliases, joint names become several nodes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.lexicon import CATEGORY_SUFFIXES

__all__ = ["NamePart", "is_abbreviation", "parse_entry_name"]

_PAREN = re.compile(r"^(?P<base>.+?)\s*\((?P<paren>[^()]+)\)$")
_JOINT = re.compile(r"^(?P<a>.+?\([^()]+\))\s+(?:og|&)\s+(?P<b>.+?\([^()]+\))$")


@dataclass(frozen=True)
class NamePart:
    name: str  # the node's name
    short: str | None  # its abbreviation
    aliases: tuple[str, ...]
    head: str | None  # a head noun that names it alone ("Kundeportal" of "Kundeportal for helseaktør")


def is_abbreviation(text: str) -> bool:
    """One token with capitals and no spaces: "ABC", "eINT", "REG2".

    >>> is_abbreviation("eAPI"), is_abbreviation("Alfa- og betaregisteret")
    (True, False)
    """
    return " " not in text and len(text) <= 10 and any(c.isupper() for c in text) and text[:1].isalnum()


def _head(name: str) -> str | None:
    """The first word, when it is a compound category noun followed by a qualifier ("X-portal for Y")."""
    words = name.split()
    if len(words) >= 3 and words[1] in {"for", "til", "i"}:
        low = words[0].lower()
        if any(low.endswith(s) for s in CATEGORY_SUFFIXES) and len(words[0]) >= 8:
            return words[0]
    return None


def _single(text: str) -> NamePart:
    m = _PAREN.match(text)
    if not m:
        return NamePart(text, None, (), _head(text))
    base, paren = m.group("base"), m.group("paren")
    if is_abbreviation(paren):
        return NamePart(text, paren, (base, paren), _head(base))
    # The parenthesis spells the name out: "TBR (Tobakkssalgs- og bevillingsregisteret)".
    return NamePart(base, base if is_abbreviation(base) else None, (paren,), _head(base))


def parse_entry_name(text: str) -> list[NamePart]:
    """One entry name becomes one node, or several when it joins named parts with "og".

    >>> [(p.name, p.short, p.aliases) for p in parse_entry_name("Nasjonale Kvalitetsindikatorer (NKI)")]
    [('Nasjonale Kvalitetsindikatorer (NKI)', 'NKI', ('Nasjonale Kvalitetsindikatorer', 'NKI'))]
    >>> [(p.name, p.short) for p in parse_entry_name("Etatens integrasjonsplattform (eINT) og API (eAPI)")]
    [('Etatens integrasjonsplattform (eINT)', 'eINT'), ('Etatens API (eAPI)', 'eAPI')]
    >>> [(p.name, p.aliases) for p in parse_entry_name("ABC (Alfa- og betaregisteret)")]
    [('ABC', ('Alfa- og betaregisteret',))]
    >>> parse_entry_name("Kundeportal for helseaktør")[0].head
    'Kundeportal'
    """
    m = _JOINT.match(text)
    if m and all(_single(p).short for p in (m.group("a"), m.group("b"))):
        first, second = _single(m.group("a")), _single(m.group("b"))
        owner = first.name.split()[0]
        if owner.endswith("s") and owner[:1].isupper() and not second.name.startswith(owner):
            # "Etatens integrasjonsplattform (X) og API (Y)": the possessive belongs to both parts.
            raw = second.name
            second = NamePart(f"{owner} {raw}", second.short, (raw, *second.aliases), second.head)
        first = NamePart(first.name, first.short, (*first.aliases, text), first.head)
        return [first, second]
    return [_single(text)]
