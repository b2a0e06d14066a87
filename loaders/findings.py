"""Data-quality findings: what a careful reader of the document would flag.

Each check is generic: it looks at the shape of the text (copies, repeats, spellings), not at names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from graph.model import Edge, Entry, Finding, Node, NodeKind, Portfolio
from loaders.document import RawDocument
from loaders.lexicon import ACTORS
from loaders.text import split_sentences

__all__ = ["document_findings", "edit_distance", "misspelt_names", "with_relation_findings"]

_WORD = re.compile(r"[A-Za-zÆØÅæøå]+")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance.

    >>> edit_distance("helserettigheter", "helsererettigheter")
    2
    """
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def misspelt_names(doc: RawDocument) -> tuple[dict[str, str], list[Finding]]:
    """Name words written once, while a close spelling recurs in the document: the name is misspelt.

    Returns corrections (as written -> corrected, keeping the capital) and a finding for each.
    """
    counts = _words(doc.text)
    corrections: dict[str, str] = {}
    found: list[Finding] = []
    for entry in doc.entries:
        for word in _WORD.findall(entry.name):
            low = word.lower()
            if len(word) < 8 or counts[low] != 1:
                continue
            candidates = [
                w
                for w, c in counts.items()
                if c >= 2 and not w.startswith(low) and not low.startswith(w) and edit_distance(w, low) <= 2
            ]
            if len(candidates) == 1:
                right = candidates[0]
                fixed = right[0].upper() + right[1:] if word[0].isupper() else right
                corrections[word] = fixed
                found.append(
                    Finding(
                        "misspelt-name",
                        f"“{word}” in the entry name “{entry.name}” is written “{right}” "
                        f"{counts[right]} times elsewhere; the name is read as “{fixed}” and the spelling "
                        "as written is kept as an alias",
                        (),
                        entry.line,
                    )
                )
    return corrections, found


def _by_entry(nodes: Sequence[Node], entries: Sequence[Entry]) -> dict[str, Entry]:
    return {nid: e for e in entries for nid in e.nodes}


def _copied_descriptions(doc: RawDocument, entries: Sequence[Entry]) -> list[Finding]:
    out = []
    seen: list[tuple[str, Entry]] = []
    for raw, entry in zip(doc.entries, entries, strict=True):
        text = re.sub(r"\s+", " ", raw.description.text.strip().lower())
        if len(text) < 40:
            continue
        for other_text, other in seen:
            if SequenceMatcher(None, text, other_text).ratio() >= 0.95:
                out.append(
                    Finding(
                        "copied-description",
                        f"the description of “{entry.name}” (line {entry.line}) is a copy of “{other.name}”'s "
                        f"(line {other.line}); edges read from it describe “{other.name}” and are suspect",
                        entry.nodes + other.nodes,
                        entry.line,
                    )
                )
                break
        seen.append((text, entry))
    return out


def _repeated_sentences(doc: RawDocument, entries: Sequence[Entry]) -> list[Finding]:
    out = []
    for raw, entry in zip(doc.entries, entries, strict=True):
        counts = Counter(s.text for s in split_sentences(raw.description))
        for sentence, n in counts.items():
            if n > 1:
                out.append(
                    Finding(
                        "repeated-sentence",
                        f"“{entry.name}” says the same sentence {n} times: “{sentence}”",
                        entry.nodes,
                        entry.line,
                    )
                )
    return out


def _spelling_variants(doc: RawDocument, known: set[str]) -> list[Finding]:
    """Words one letter away from a more frequent word of the document, and tripled letters."""
    counts = _words(doc.text)
    lines = doc.text.split("\n")

    def first_line(word: str) -> int | None:
        rx = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        return next((i + 1 for i, line in enumerate(lines) if rx.search(line)), None)

    out = []
    for w, c in sorted(counts.items()):
        if len(w) < 10 or w in known:
            continue
        if re.search(r"([a-zæøå])\1\1", w):
            out.append(Finding("spelling", f"“{w}” has a tripled letter", (), first_line(w)))
            continue
        for v, cv in counts.items():
            # Differences in the last two letters are inflections ("fagsystemet"/"fagsystemer").
            inflection = v.startswith(w) or w.startswith(v) or v[:-2] == w[:-2]
            if cv > c and not inflection and edit_distance(v, w) == 1:
                out.append(
                    Finding(
                        "spelling",
                        f"“{w}” ({c}×) is probably “{v}” ({cv}×)",
                        (),
                        first_line(w),
                    )
                )
                break
    return out


def _inconsistent_actor_case(doc: RawDocument) -> list[Finding]:
    out = []
    for actor in ACTORS:
        for form in actor.forms:
            spellings = Counter(
                re.findall(rf"(?<!\w){re.escape(form)}(?![\w]|\.\w)", doc.text, re.IGNORECASE)
            )
            if len(spellings) > 1 and any(s.isupper() for s in spellings):
                variants = ", ".join(f"“{s}” ({n}×)" for s, n in spellings.most_common())
                out.append(
                    Finding("inconsistent-name", f"{actor.name} is written as {variants}", (actor.id,))
                )
    return out


def _isolated(nodes: Sequence[Node], edges: Sequence[Edge], entries: Sequence[Entry]) -> list[Finding]:
    touched = {e.source for e in edges} | {e.target for e in edges}
    by_entry = _by_entry(nodes, entries)
    return [
        Finding(
            "no-relations",
            f"“{n.name}” has no dependencies, users or dependents the rules could read; "
            "an architect should add them in the overlay",
            (n.id,),
            by_entry[n.id].line if n.id in by_entry else n.line,
        )
        for n in nodes
        if n.kind in (NodeKind.SYSTEM, NodeKind.INTEGRATION) and n.id not in touched
    ]


def document_findings(
    doc: RawDocument, nodes: Sequence[Node], edges: Sequence[Edge], entries: Sequence[Entry]
) -> list[Finding]:
    names = {w.lower() for n in nodes for w in _WORD.findall(" ".join((n.name, *n.aliases)))}
    return [
        *_copied_descriptions(doc, entries),
        *_repeated_sentences(doc, entries),
        *_spelling_variants(doc, names),
        *_inconsistent_actor_case(doc),
    ]


def with_relation_findings(portfolio: Portfolio) -> Portfolio:
    """Recompute the findings that depend on the final edges (after an overlay changed them)."""
    kept = tuple(f for f in portfolio.findings if f.code != "no-relations")
    extra = _isolated(portfolio.nodes, portfolio.edges, portfolio.entries)
    return portfolio.with_(findings=kept + tuple(extra))
