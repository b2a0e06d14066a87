"""Data-quality findings: what a careful reader of the document would flag.

Each check is generic: it looks at the shape of the text (copies, repeats, spellings), not at names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from graph.model import Edge, Entry, Finding, Node, NodeKind, Portfolio, RelType, fold
from loaders.document import RawDocument
from loaders.lexicon import ACTORS
from loaders.text import lemma, split_sentences

__all__ = ["document_findings", "edit_distance", "misspelt_names", "with_relation_findings"]

_WORD = re.compile(r"[A-Za-zÆØÅæøå]+")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance.

    >>> edit_distance("helserettigheter", "helsererettigheter")
    2
    """
    return int(Levenshtein.distance(a, b))


def _words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def _near(word: str, by_length: dict[int, list[str]], most: int) -> list[str]:
    """The words within ``most`` edits of ``word`` (only words of a length that could be)."""
    out = []
    for n in range(len(word) - most, len(word) + most + 1):
        for other, _, _ in process.extract_iter(
            word, by_length.get(n, ()), scorer=Levenshtein.distance, score_cutoff=most
        ):
            if other != word:
                out.append(other)
    return out


def _by_length(words: Iterable[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for w in words:
        out[len(w)].append(w)
    return out


def misspelt_names(doc: RawDocument) -> tuple[dict[str, str], list[Finding]]:
    """Name words written once, while a close spelling recurs in the document: the name is misspelt.

    Returns corrections (as written -> corrected, keeping the capital) and a finding for each.
    """
    counts = _words(doc.text)
    recurring = _by_length(w for w, c in counts.items() if c >= 2)
    corrections: dict[str, str] = {}
    found: list[Finding] = []
    for entry in doc.entries:
        for word in _WORD.findall(entry.name):
            low = word.lower()
            if len(word) < 8 or counts[low] != 1:
                continue
            candidates = [  # not another form of the same word ("Nasjonalt"/"nasjonale")
                w
                for w in _near(low, recurring, 2)
                if not w.startswith(low) and not low.startswith(w) and lemma(w) != lemma(low)
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


def _by_entry(entries: Sequence[Entry]) -> dict[str, Entry]:
    return {nid: e for e in entries for nid in e.nodes}


def _copied_descriptions(doc: RawDocument, entries: Sequence[Entry]) -> list[Finding]:
    out = []
    seen: list[tuple[str, Entry]] = []
    for raw, entry in zip(doc.entries, entries, strict=True):
        text = re.sub(r"\s+", " ", raw.description.text.strip().lower())
        if len(text) < 40:
            continue
        for other_text, other in seen:
            if fuzz.ratio(text, other_text, score_cutoff=95) >= 95:
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
    by_length = _by_length(counts)
    for w, c in sorted(counts.items()):
        if not 10 <= len(w) <= 60 or w in known:  # longer than any word: not a spelling question
            continue
        if re.search(r"([a-zæøå])\1\1", w):
            out.append(Finding("spelling", f"“{w}” has a tripled letter", (), first_line(w)))
            continue
        for v in _near(w, by_length, 1):
            cv = counts[v]
            # Differences in the last two letters are inflections ("fagsystemet"/"fagsystemer").
            inflection = v.startswith(w) or w.startswith(v) or v[:-2] == w[:-2]
            if cv > c and not inflection:
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
    written = Counter(m.group() for m in _ACTOR_FORMS.finditer(doc.text))  # one pass over the text
    for actor in ACTORS:
        for form in actor.forms:
            spellings = Counter({s: n for s, n in written.items() if s.lower() == form.lower()})
            if len(spellings) > 1 and any(s.isupper() for s in spellings):
                variants = ", ".join(f"“{s}” ({n}×)" for s, n in spellings.most_common())
                out.append(
                    Finding("inconsistent-name", f"{actor.name} is written as {variants}", (actor.id,))
                )
    return out


_ACTOR_FORMS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(f) for a in ACTORS for f in sorted(a.forms, key=len, reverse=True))
    + r")(?![\w]|\.\w)",
    re.IGNORECASE,
)


def _isolated(nodes: Sequence[Node], edges: Sequence[Edge], entries: Sequence[Entry]) -> list[Finding]:
    touched = {e.source for e in edges} | {e.target for e in edges}
    by_entry = _by_entry(entries)
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


def document_findings(doc: RawDocument, nodes: Sequence[Node], entries: Sequence[Entry]) -> list[Finding]:
    names = {w.lower() for n in nodes for w in _WORD.findall(" ".join((n.name, *n.aliases)))}
    copied = _copied_descriptions(doc, entries)
    whole = {f.line for f in copied}
    return [
        *copied,
        *_copied_sentences(doc, entries, whole),
        *_repeated_sentences(doc, entries),
        *_open_lists(doc, entries),
        *_spelling_variants(doc, names),
        *_inconsistent_actor_case(doc),
    ]


# Words that say a list goes on beyond what it names: "f.eks HelseID, MinID", "bl.a.", "i all hovedsak".
_OPEN_LIST = re.compile(
    r"(?<!\w)(f\.\s?eks\.?|for eksempel|bl\.\s?a\.?|blant annet|blant andre|i all hovedsak|hovedsakelig|m\.\s?m\.?"
    r"|med mer|o\.\s?l\.?|og lignende|osv\.?|etc\.?)(?!\w)",
    re.IGNORECASE,
)


def _open_lists(doc: RawDocument, entries: Sequence[Entry]) -> list[Finding]:
    """A list the document says is not complete: the named items are examples, others may exist."""
    out = []
    for raw, entry in zip(doc.entries, entries, strict=True):
        for s in split_sentences(raw.description):
            m = _OPEN_LIST.search(s.text)
            if m:
                out.append(
                    Finding(
                        "open-list",
                        f"“{entry.name}”: “{m.group(0)}” says the list is not complete; what else belongs to it? "
                        f"(“{s.text}”)",
                        entry.nodes,
                        s.line,
                    )
                )
    return out


def _copied_sentences(doc: RawDocument, entries: Sequence[Entry], whole: set[int | None]) -> list[Finding]:
    """A sentence of one entry's description written again, word for word, in another's: what it says was
    perhaps not checked for the second (entries whose whole description is a copy are reported already)."""
    first: dict[str, Entry] = {}
    out = []
    for raw, entry in zip(doc.entries, entries, strict=True):
        for s in split_sentences(raw.description):
            key = re.sub(r"\s+", " ", s.text.strip().lower())
            if len(key) < 40:
                continue
            earlier = first.setdefault(key, entry)
            if earlier is not entry and entry.line not in whole:
                out.append(
                    Finding(
                        "copied-sentence",
                        f"“{entry.name}” (line {s.line}) repeats a sentence of “{earlier.name}” (line "
                        f"{earlier.line}) word for word: “{s.text}”",
                        entry.nodes + earlier.nodes,
                        s.line,
                    )
                )
    return out


def with_relation_findings(portfolio: Portfolio) -> Portfolio:
    """Recompute the findings that depend on the final edges (after an overlay changed them). An entry that
    says it stands alone is not reported as having no relations."""
    kept = tuple(f for f in portfolio.findings if f.code != "no-relations")
    alone = {n for f in kept if f.code == "standalone" for n in f.nodes}
    nodes = [n for n in portfolio.nodes if n.id not in alone]
    kept = tuple(f for f in kept if f.code != "owner-is-user")
    extra = [*_isolated(nodes, portfolio.edges, portfolio.entries), *_owners_who_only_use(portfolio)]
    return portfolio.with_(findings=kept + tuple(extra))


def _owners_who_only_use(portfolio: Portfolio) -> list[Finding]:
    """An owner that the document names as a user of the same system: was a user made the owner?"""
    actors = {
        fold(text): n.id for n in portfolio.nodes if n.kind is NodeKind.ACTOR for text in (n.name, *n.aliases)
    }
    uses = {(e.source, e.target): e for e in portfolio.edges if e.type is RelType.USES}
    out = []
    for n in portfolio.nodes:
        actor = actors.get(fold(n.owner)) if n.owner else None
        use = uses.get((actor, n.id)) if actor else None
        if use is not None:
            out.append(
                Finding(
                    "owner-is-user",
                    f"{n.owner} is set as the owner of “{n.name}”, and the document names it as a user "
                    f"(“{use.evidence}”, line {use.line}): is it the system owner, or only a user?",
                    (n.id,),
                    n.line,
                )
            )
    return out
