"""Find what a sentence mentions: portfolio entries, actors, channels, web sites, the entry itself, and
capitalised names of things outside the portfolio.

A sentence is returned *tagged*: each mention replaced by ``⟦i⟧`` so the relation rules can be written as
plain regular expressions over it (``via ⟦3⟧``, ``Benyttes av ⟦0⟧ og ⟦1⟧``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from graph.model import fold, slugify
from loaders.lexicon import ACTORS, CHANNELS, GENERIC_WORDS, GROUP_TERMS, SELF_REFERENCES

__all__ = ["Gazetteer", "Mention", "MentionKind", "Tagged", "inflections"]

_PROPER = re.compile(r"(?<![\w.(/-])([A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*)*)")
_WEBSITE = re.compile(
    r"(?<![\w./@-])((?:[\w-]+\.)+(?:no|com|org|net|eu|se|dk|io))(?![\w.-]*\w)", re.IGNORECASE
)


class MentionKind(StrEnum):
    NODE = "node"  # a portfolio entry
    ACTOR = "actor"
    SELF = "self"  # "Portalen", "denne": the entry being described
    GROUP = "group"  # "fagsystemer": every entry of a category
    CHANNEL = "channel"  # "elektronisk postkasse", "posten"
    WEBSITE = "website"
    PROPER = "proper"  # a capitalised name of something outside the portfolio


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    kind: MentionKind
    target: str  # node id, actor id, group category, channel id, or the slug of a proper name
    name: str  # display name for a node created from this mention


@dataclass(frozen=True)
class Tagged:
    text: str  # the sentence with mentions replaced by ⟦i⟧
    mentions: tuple[Mention, ...]

    def items(self, fragment: str) -> list[Mention]:
        """The mentions inside a fragment of the tagged text, in order."""
        return [self.mentions[int(i)] for i in re.findall(r"⟦(\d+)⟧", fragment)]


def inflections(word: str) -> list[str]:
    """Norwegian definite and genitive forms of a noun, enough to recognise "Kundeportalen".

    >>> inflections("Kundeportal")
    ['Kundeportal', 'Kundeportalen', 'Kundeportalens', 'Kundeportalet', 'Kundeportals']
    """
    return [word, word + "en", word + "ens", word + "et", word + "s"]


@dataclass
class _Form:
    pattern: str
    kind: MentionKind
    target: str
    name: str
    case_sensitive: bool


class Gazetteer:
    """Every known way of naming something, matched longest-first on word boundaries.

    >>> g = Gazetteer()
    >>> g.add_node("tp", "Kundeportal for helseaktør", ["Kundeportal"], short=None, head="Kundeportal")
    >>> t = g.tag("Benyttes av helseaktører via Kundeportalen.")
    >>> t.text, [(m.kind.value, m.target) for m in t.mentions]
    ('Benyttes av ⟦0⟧ via ⟦1⟧.', [('actor', 'helseaktor'), ('node', 'tp')])
    """

    def __init__(self) -> None:
        self._forms: list[_Form] = []
        for actor in ACTORS:
            for f in actor.forms:
                self._forms.append(_Form(f, MentionKind.ACTOR, actor.id, actor.name, False))
        for f in SELF_REFERENCES:
            self._forms.append(_Form(f, MentionKind.SELF, "", "", False))
        for f, category in GROUP_TERMS.items():
            self._forms.append(_Form(f, MentionKind.GROUP, category, f, False))
        for f, (cid, cname) in CHANNELS.items():
            self._forms.append(_Form(f, MentionKind.CHANNEL, cid, cname, False))
        self._compiled: tuple[re.Pattern[str], re.Pattern[str]] | None = None

    def add_node(
        self, node_id: str, name: str, aliases: Iterable[str], *, short: str | None, head: str | None
    ) -> None:
        """Register a portfolio entry under its name, aliases, abbreviation and head word."""
        forms = {name, *aliases}
        for f in sorted(forms):
            # Short all-caps or mixed-case abbreviations are matched as written ("ABC", "eAPI").
            cs = len(f) <= 6 and " " not in f
            self._forms.append(_Form(f, MentionKind.NODE, node_id, name, cs))
            if not cs:
                self._forms.append(_Form(f + "s", MentionKind.NODE, node_id, name, False))
        if short:
            self._forms.append(_Form(short, MentionKind.NODE, node_id, name, True))
        if head:
            for f in inflections(head):
                self._forms.append(_Form(f, MentionKind.NODE, node_id, name, False))
        self._compiled = None

    def _patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        if self._compiled is None:

            def alternation(forms: list[_Form]) -> str:
                ordered = sorted({f.pattern for f in forms}, key=len, reverse=True)
                body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) or r"(?!x)x"
                return rf"(?<!\w)(?:{body})(?![\w]|\.\w)"

            ci = [f for f in self._forms if not f.case_sensitive]
            cs = [f for f in self._forms if f.case_sensitive]
            self._compiled = (re.compile(alternation(ci), re.IGNORECASE), re.compile(alternation(cs)))
        return self._compiled

    def _lookup(self, text: str) -> _Form | None:
        key = re.sub(r"\s+", " ", text)
        for f in self._forms:
            if f.case_sensitive and f.pattern == key:
                return f
        folded = fold(key)
        for f in self._forms:
            if not f.case_sensitive and fold(f.pattern) == folded:
                return f
        return None

    def tag(self, sentence: str) -> Tagged:
        ci, cs = self._patterns()
        spans: list[tuple[int, int, MentionKind, str, str]] = []
        for m in _WEBSITE.finditer(sentence):
            spans.append((m.start(1), m.end(1), MentionKind.WEBSITE, slugify(m.group(1)), m.group(1)))
        for rx in (cs, ci):
            for m in rx.finditer(sentence):
                form = self._lookup(m.group())
                if form is not None:
                    spans.append((m.start(), m.end(), form.kind, form.target, form.name))
        for m in _PROPER.finditer(sentence):
            run: list[str] = []
            words = m.group(1).split()
            lead = 0
            while lead < len(words) and words[lead].rstrip(".") in GENERIC_WORDS:
                lead += 1  # "API Foo": the generic word is not part of the name; "Acme BI" keeps "BI"
            for word in words[lead:]:
                word = word.rstrip(".")
                if not word or re.search(r"-[a-zæøå]", word):
                    break
                run.append(word)
            if not run or (m.start(1) == 0 and lead == 0 and len(run) == 1):  # sentences start capitalised
                continue
            start = m.start(1) + sum(len(w) + 1 for w in words[:lead])
            end = start + len(" ".join(run))
            if sentence[start:end] != " ".join(run):  # the run spanned several spaces: keep its first word
                end = start + len(run[0])
            spans.append((start, end, MentionKind.PROPER, slugify(sentence[start:end]), sentence[start:end]))
        chosen: list[tuple[int, int, MentionKind, str, str]] = []
        # Longest first; among equals, known things before guessed proper names.
        rank = {MentionKind.PROPER: 1}
        for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), rank.get(s[2], 0), s[0])):
            if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
                chosen.append(span)
        chosen.sort()
        out, mentions, pos = [], [], 0
        for i, (s, e, kind, target, name) in enumerate(chosen):
            out.append(sentence[pos:s])
            out.append(f"⟦{i}⟧")
            mentions.append(Mention(s, e, sentence[s:e], kind, target, name))
            pos = e
        out.append(sentence[pos:])
        return Tagged("".join(out), tuple(mentions))
