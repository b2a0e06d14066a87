"""Turn parsed table entries into typed nodes and evidence-backed edges."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from graph.model import (
    Confidence,
    Edge,
    Entry,
    Finding,
    Node,
    NodeKind,
    Portfolio,
    RelType,
    Strength,
    fold,
    slugify,
)
from loaders import findings as quality
from loaders.checks import MAX_NAME_LENGTH
from loaders.document import RawDocument, RawEntry
from loaders.lexicon import (
    ABBREVIATIONS,
    ACTORS,
    BROKER_CATEGORY_WORDS,
    GENERIC_WORDS,
    INTEGRATION_WORDS,
    MONTHS,
    NOT_NAMES,
)
from loaders.mentions import Gazetteer, MentionKind, known_names
from loaders.names import NamePart, parse_entry_name
from loaders.rules import Context, Denied, Draft, Owner, Ref, Standalone, Unresolved, apply_rules
from loaders.text import Sentence, is_common_word, split_sentences

__all__ = ["transform"]

_ACTORS = {a.id: a for a in ACTORS}
_KNOWN = {k.name: k for k in known_names()}
# Strength of a relation type when its frame does not say.
DEFAULT_STRENGTH: dict[RelType, Strength] = {
    RelType.EXPOSES_VIA: Strength.SOFT,
    RelType.INTEGRATES_VIA: Strength.SOFT,
    RelType.EXCHANGES_WITH: Strength.SOFT,
    RelType.PUBLISHES: Strength.SOFT,
}
# What a denied relation is reported as: the finding's code, and how the message says it.
DENIED = {
    "negation": ("stated-non-dependency", "the document says there is no"),
    "intention": ("planned-relation", "states an intention, not the present; no edge made for"),
    "future": ("future-relation", "states the future, not the present; no edge made for"),
    "past": ("past-relation", "states the past, not the present; no edge made for"),
    "hypothetical": ("hypothetical-relation", "states a possibility, not the present; no edge made for"),
}
# How an outside name is guessed to be: its gazetteer kind, else by the end of its name.
_GUESSES = (
    (("registeret", "register"), "register"),
    (("porten", "id"), "login service"),
    (("portalen", "portal"), "portal"),
    ((" as", " asa", " iks", " sf", " hf"), "organisation"),
)


@dataclass
class _Build:
    document: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (node, owner|administrator) -> who
    new_names: dict[str, int] = field(default_factory=dict)  # outside names the gazetteer did not know

    def ensure(self, ref: Ref, line: int) -> str:
        """The node id a reference stands for, creating actors and outside things on first mention."""
        if ref.kind is MentionKind.NODE:
            return ref.target
        if ref.kind is MentionKind.ACTOR:
            if ref.target not in self.nodes:
                term = _ACTORS.get(ref.target)
                self.nodes[ref.target] = Node(
                    ref.target,
                    term.name if term else ref.name,
                    NodeKind.ACTOR,
                    aliases=term.forms if term else (),
                    category=_category_of(ref),
                    document=self.document,
                    line=line,
                )
            return ref.target
        node_id = ref.target or slugify(ref.name)
        if node_id not in self.nodes:
            kind = NodeKind.WEBSITE if ref.kind is MentionKind.WEBSITE else NodeKind.EXTERNAL
            known = _KNOWN.get(ref.name) if ref.known else None
            aliases = known.aliases if known else (ref.text,) if ref.text and ref.text != ref.name else ()
            self.nodes[node_id] = Node(
                node_id,
                ref.name,
                kind,
                aliases=aliases,
                category=_category_of(ref),
                description=ref.description,
                document=self.document,
                line=line,
            )
            if ref.kind is MentionKind.PROPER and ref.known is None:
                self.new_names[node_id] = line
        elif ref.description and not self.nodes[node_id].description:
            self.nodes[node_id] = replace(self.nodes[node_id], description=ref.description)
        return node_id

    def add(self, edge: Edge) -> None:
        """One edge per (source, target, type): a relation stated twice keeps both sentences as evidence."""
        if edge.source == edge.target:
            return
        old = self.edges.get(edge.key)
        if old is None:
            self.edges[edge.key] = edge
            return
        keep, other = (edge, old) if edge.confidence.rank > old.confidence.rank else (old, edge)
        cite = f"{other.document}:{other.line}: {other.evidence}"
        if other.evidence != keep.evidence and cite not in keep.also:
            keep = replace(keep, also=(*keep.also, cite))
        self.edges[edge.key] = keep


def _category_of(ref: Ref) -> str | None:
    if ref.kind is MentionKind.CHANNEL:  # paper mail, a digital mailbox: a channel, not software
        return "channel"
    if ref.known:
        return ref.known
    low = f" {ref.name.lower()}"
    for ends, guess in _GUESSES:
        if low.endswith(ends):
            return guess
    return None


def _category(description: str) -> str | None:
    """The entry's own label for itself: the first sentence up to "som"/"for"/"av"."""
    first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0].rstrip(".")
    head = re.split(r"\s+(?:som|for|av|til)\s+|,", first, maxsplit=1)[0]
    return head.strip() or None


def _is_broker(node: Node) -> bool:
    """Does the entry carry other systems' data (an integration component, a message broker)?"""
    first = re.split(r"(?<=[.!?])\s", node.description or "", maxsplit=1)[0]
    text = fold(f"{node.name} {first}")
    return any(w in text for w in BROKER_CATEGORY_WORDS)


def _is_integration(part: NamePart, description: str) -> bool:
    first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0]
    text = fold(first + " " + part.name.split()[0])
    return any(w in text for w in INTEGRATION_WORDS)


def _entry_nodes(raw: RawEntry, document: str, corrections: dict[str, str]) -> list[Node]:
    nodes = []
    parts = parse_entry_name(_correct(raw.name, corrections))
    for part in parts:
        aliases = list(part.aliases)
        if _correct(raw.name, corrections) != raw.name:
            aliases.append(raw.name)
        integration = _is_integration(part, raw.description.text)
        kind = NodeKind.INTEGRATION if integration else NodeKind.SYSTEM
        labels = (NodeKind.INTEGRATION, NodeKind.SYSTEM) if integration else (NodeKind.SYSTEM,)
        nodes.append(
            Node(
                id=slugify(part.short or part.name) or f"entry-{raw.line}",  # a name in another script
                name=part.name,
                kind=kind,
                labels=labels,
                aliases=tuple(dict.fromkeys(a for a in aliases if a != part.name and a not in GENERIC_WORDS)),
                short=part.short,
                category=_category(raw.description.text),
                description=raw.description.text or None,
                url=raw.urls[0] if raw.urls else None,
                document=document,
                line=raw.line,
                entry=raw.name,
            )
        )
    return nodes


def _correct(text: str, corrections: dict[str, str]) -> str:
    for wrong, right in corrections.items():
        text = re.sub(rf"\b{re.escape(wrong)}\b", right, text)
    return text


def _heads(doc: RawDocument, corrections: dict[str, str]) -> dict[str, str | None]:
    return {p.name: p.head for e in doc.entries for p in parse_entry_name(_correct(e.name, corrections))}


def _distinctive_words(nodes: list[Node]) -> dict[str, tuple[str, ...]]:
    """The words of entry names that name one entry alone: an acronym or a word that is no dictionary word
    ("PACS" of "Sectra PACS", "Unit4"), or a capitalised last word ("Arbeidsflate" of "Nordfjell
    Arbeidsflate"), written in no other entry's name."""
    words_of = {
        n.id: [w for w in re.findall(r"[\w-]+", re.sub(r"\([^()]*\)", " ", n.name)) if len(w) >= 3]
        for n in nodes
    }
    counts = Counter(fold(w) for ws in words_of.values() for w in set(ws))
    out: dict[str, tuple[str, ...]] = {}
    for node_id, words in words_of.items():
        if len(words) < 2:
            continue
        picked = [
            w
            for k, w in enumerate(words)
            if counts[fold(w)] == 1
            and w not in GENERIC_WORDS
            and fold(w) not in NOT_NAMES
            and (
                w.isupper()
                or not is_common_word(w)
                or (k == len(words) - 1 and w[:1].isupper() and len(w) >= 5)
            )
        ]
        if picked:
            out[node_id] = tuple(picked)
    return out


def _members(nodes: Iterable[Node], category_word: str) -> list[str]:
    return sorted(n.id for n in nodes if n.category and category_word in fold(n.category))


def _edge(b: _Build, d: Draft, evidence: str, line: int, source: str, target: str) -> Edge:
    strength = d.strength or DEFAULT_STRENGTH.get(d.type, Strength.HARD)
    note = None
    if "described" in (d.source.known, d.target.known):
        # "et felles kontaktregister": the sentence describes something like the entry rather than naming it.
        d = replace(d, confidence=Confidence.INFERRED)
        described = d.target if d.target.known == "described" else d.source
        note = f"“{described.text}” describes rather than names {described.name}: inferred until an architect signs it off"
    if d.confidence is Confidence.INFERRED:
        strength = Strength.SOFT
    scope = tuple(sorted({b.ensure(s, line) for s in d.scope}))
    capability = None
    if d.type is RelType.USES and d.source.kind is MentionKind.ACTOR and d.source.text:
        capability = purpose(evidence, d.source.text)
    return Edge(
        source=source,
        target=target,
        type=d.type,
        evidence=evidence,
        confidence=d.confidence,
        strength=strength,
        document=b.document,
        line=line,
        alt_group=d.alt_group,
        scope=scope,
        rule=d.rule,
        note=note,
        mode=d.mode,
        capability=capability,
    )


# What a user uses a system for: "av helseaktører for å se og vedlikeholde praksisinformasjon, via …",
# "av Helfo til saksbehandling og veiledning", "av leger og sykepleiere for å …".
_PURPOSE = re.compile(
    r"^(?:\s*(?:,|og|samt|eller)\s+[\w-]+)*\s*(?:\s(?:benytter|bruker)\s+(?:\w+\s+){0,2}?)?,?\s*"
    r"(?:for å|til å|for|til|i arbeidet med|innenfor|ved)\s+"
    r"(?P<what>.+?)(?=,?\s+via\s|,\s*og\s+av\s|,\s*(?:og|men|mens|samt|som)\s|\s+samt\s|\s+og\s+av\s|[;:]|\.(?:\s|$)|\)|$)"
)


_HIDDEN_STOP = "\u2024"  # ONE DOT LEADER: a full stop that is part of an abbreviation
_ABBREVIATION_STOP = re.compile(
    r"\b(?:" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\.",
    re.IGNORECASE,
)


def purpose(sentence: str, actor_text: str) -> str | None:
    """What the actor written ``actor_text`` in ``sentence`` uses the system for, as the sentence says it.

    >>> purpose("Benyttes av helseaktører for å se og vedlikeholde praksisinformasjon, via Tjenesteportalen.",
    ...         "helseaktører")
    'se og vedlikeholde praksisinformasjon'
    >>> purpose("Benyttes av Helfo til saksbehandling og veiledning.", "Helfo")
    'saksbehandling og veiledning'
    >>> purpose("Benyttes av leger for å søke, og av apotek for oppslag.", "apotek")
    'oppslag'
    >>> purpose("Brukes av Helfo til utstedelse av kort, inkl. reservekort.", "Helfo")
    'utstedelse av kort, inkl. reservekort'
    >>> purpose("Helfo benytter opplysningene til saksbehandling.", "Helfo")
    'saksbehandling'
    >>> purpose("Benyttes av NAV innenfor arbeidsrettet oppfølging samt statistikk.", "NAV")
    'arbeidsrettet oppfølging'
    >>> purpose("Benyttes av Fylket for å behandle søknader om løyve til drosje og buss og for å føre tilsyn "
    ...         "med alle løyvehavere i fylket, samt klager.", "Fylket")
    'behandle søknader om løyve til drosje og buss og for å føre tilsyn med alle løyvehavere i fylket'
    >>> purpose("Brukes av controllere.", "controllere") is None
    True
    """
    at = sentence.find(actor_text)
    if at < 0:
        return None
    # an abbreviation's full stop ("inkl.", "bl.a.") does not end the purpose: hide it while matching
    rest = _ABBREVIATION_STOP.sub(lambda m: m.group(0)[:-1] + _HIDDEN_STOP, sentence[at + len(actor_text) :])
    m = _PURPOSE.match(rest)
    if m is None:
        return None
    what = m.group("what").strip(" ,")
    if len(what.split()) > 14:  # a long purpose: its first clause says it
        what = what.split(",")[0].strip()
    what = what.replace(_HIDDEN_STOP, ".")
    return what if 0 < len(what.split()) <= 20 else None


def _resolve(b: _Build, ref: Ref, entry_id: str, line: int, all_nodes: list[Node]) -> list[str]:
    if ref.kind is MentionKind.SELF:
        return [entry_id]
    if ref.kind is MentionKind.GROUP:
        return [m for m in _members(all_nodes, ref.target) if m != entry_id] if ref.target else []
    return [b.ensure(ref, line)]


def _as_of(doc: RawDocument) -> str | None:
    for note in doc.notes:
        m = re.search(r"\b(?:per|oppdatert)\s+(\d{1,2})\.\s*([A-Za-zæøåÆØÅ]+)\s+(\d{4})", note.text)
        if m and m.group(2).lower() in MONTHS:
            return f"{int(m.group(3)):04d}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return None


def _name_of(b: _Build, ref: Ref, entry_id: str) -> str:
    if ref.kind is MentionKind.GROUP:
        return f"“{ref.text or ref.name}”"
    if ref.kind is MentionKind.SELF:
        return b.nodes[entry_id].name
    if ref.kind is MentionKind.NODE and ref.target in b.nodes:
        return b.nodes[ref.target].name
    return ref.name


class _Entries:
    """Entry nodes of the document, and the entries whose name could not make a node."""

    def __init__(self, b: _Build, doc: RawDocument, corrections: dict[str, str]) -> None:
        self.entries: list[Entry] = []
        self.with_nodes: list[tuple[RawEntry, list[Node]]] = []
        for raw in doc.entries:
            if len(raw.name) > MAX_NAME_LENGTH:
                b.findings.append(
                    Finding(
                        "name-too-long",
                        f"the entry at line {raw.line} has a name of {len(raw.name)} characters "
                        f"(“{raw.name[:60]}…”); no node was made for it: rename it in the overlay",
                        (),
                        raw.line,
                    )
                )
                self.entries.append(Entry(raw.name, raw.line, ()))
                continue
            nodes = _entry_nodes(raw, doc.source, corrections)
            b.findings += [
                Finding(
                    "name-without-id",
                    f"the name “{n.name}” at line {raw.line} has no letter a–z or digit to make an id from, "
                    f"so its id is {n.id!r}; give it another in the overlay if you like",
                    (n.id,),
                    raw.line,
                )
                for n in nodes
                if n.id == f"entry-{raw.line}"
            ]
            for i, n in enumerate(nodes):
                if n.id in b.nodes:
                    b.findings.append(
                        Finding("duplicate-id", f"two entries give the id {n.id!r}", (n.id,), raw.line)
                    )
                    nodes[i] = n = replace(n, id=f"{n.id}-{raw.line}")
                b.nodes[n.id] = n
            if raw.boundary is not None and raw.boundary.uncertain and raw.boundary.runner_up is not None:
                b.findings.append(
                    Finding(
                        "name-boundary-uncertain",
                        f"line {raw.line}: read the name as “{raw.name}”; “{raw.boundary.runner_up[0]}” was "
                        "nearly as likely (rename the entry by its line in the overlay if that is right)",
                        tuple(n.id for n in nodes),
                        raw.line,
                    )
                )
            self.with_nodes.append((raw, nodes))
            self.entries.append(Entry(raw.name, raw.line, tuple(n.id for n in nodes)))


def _sentence_facts(
    b: _Build,
    gazetteer: Gazetteer,
    sentence: Sentence,
    entry_id: str,
    is_integration: bool,
    portfolio: list[Node],
    first: bool = False,
) -> None:
    """What one sentence of an entry's description states: edges, findings, owners."""
    tagged = gazetteer.tag(sentence.text)
    ctx = Context(entry_id, is_integration, sentence.text, first=first)
    for fact in apply_rules(tagged, ctx):
        if isinstance(fact, Owner):
            b.owners.setdefault((entry_id, fact.role), fact.actor.name)
        elif isinstance(fact, Unresolved):
            b.findings.append(
                Finding(
                    "unresolved-reference",
                    f"“{fact.phrase}” names no known actor or system ({fact.rule})",
                    (entry_id,),
                    sentence.line,
                )
            )
        elif isinstance(fact, Standalone):
            b.findings.append(
                Finding(
                    "standalone",
                    f"{b.nodes[entry_id].name} says it stands alone (“{fact.phrase}”): no integrations",
                    (entry_id,),
                    sentence.line,
                )
            )
        elif isinstance(fact, Denied):
            _denied(b, fact, sentence, entry_id)
        else:
            for ref in (fact.source, fact.target):
                if ref.kind is MentionKind.GROUP:
                    b.findings.append(
                        Finding(
                            "unnamed-group",
                            f"“{ref.name}” stands for systems the document does not name; which are they? "
                            f"(“{sentence.text}”)",
                            (entry_id,),
                            sentence.line,
                        )
                    )
            sources = _resolve(b, fact.source, entry_id, sentence.line, portfolio)
            targets = _resolve(b, fact.target, entry_id, sentence.line, portfolio)
            for s in sources:
                for t in targets:
                    b.add(_edge(b, fact, sentence.text, sentence.line, s, t))


def _denied(b: _Build, fact: Denied, sentence: Sentence, entry_id: str) -> None:
    d = fact.draft
    same = {entry_id if r.kind is MentionKind.SELF else r.target or r.name for r in (d.source, d.target)}
    if len(same) == 1:
        return  # the entry and itself
    code, says = DENIED[fact.why]
    a, z = _name_of(b, d.source, entry_id), _name_of(b, d.target, entry_id)
    nodes = tuple(
        r.target if r.kind is MentionKind.NODE else entry_id
        for r in (d.source, d.target)
        if r.kind in (MentionKind.NODE, MentionKind.SELF)
    )
    b.findings.append(
        Finding(
            code,
            f"{b.nodes[entry_id].name}: {says} {d.type.value} relation {a} → {z} (“{fact.marker}”: "
            f"“{sentence.text}”)",
            tuple(dict.fromkeys(nodes)),
            sentence.line,
        )
    )


def _gazetteer(b: _Build, doc: RawDocument, corrections: dict[str, str]) -> Gazetteer:
    """The names the sentences are tagged with: the document's own words, and every entry node (with its
    name's head word when no other entry shares it, and its distinctive words)."""
    gazetteer = Gazetteer()
    gazetteer.learn(doc.text)
    heads = _heads(doc, corrections)
    head_counts = Counter(h for h in heads.values() if h)
    distinctive = _distinctive_words(list(b.nodes.values()))
    for n in list(b.nodes.values()):
        head = heads.get(n.name)
        unique_head = head if head is not None and head_counts[head] == 1 else None
        gazetteer.add_node(
            n.id, n.name, n.aliases, short=n.short, head=unique_head, words=distinctive.get(n.id, ())
        )
    return gazetteer


def _owners_and_new_names(b: _Build) -> None:
    """Set the owners and administrators the sentences named; a finding for every outside name made up."""
    for (node_id, role), who in b.owners.items():
        role_field: dict[str, Any] = {role: who}  # owner or administrator
        b.nodes[node_id] = replace(b.nodes[node_id], **role_field)
    for node_id, line in b.new_names.items():
        b.findings.append(
            Finding(
                "new-outside-name",
                f"“{b.nodes[node_id].name}” (line {line}) is outside the portfolio and not a known national "
                f"component or public body; it became an outside node ({b.nodes[node_id].category or 'kind unknown'})",
                (node_id,),
                line,
            )
        )


def transform(doc: RawDocument) -> Portfolio:
    """Turn a read document into a portfolio: entry nodes, actors and outside things, edges with evidence.

    Rules are documented in :mod:`loaders.rules`; data-quality findings in :mod:`loaders.findings`.
    """
    b = _Build(document=doc.source)
    corrections, spelling = quality.misspelt_names(doc)
    b.findings.extend(spelling)
    table = _Entries(b, doc, corrections)
    gazetteer = _gazetteer(b, doc, corrections)
    portfolio_nodes = list(b.nodes.values())
    for raw, nodes in table.with_nodes:
        entry_id = nodes[0].id
        is_integration = _is_broker(nodes[0])
        for k, sentence in enumerate(split_sentences(raw.description)):
            _sentence_facts(b, gazetteer, sentence, entry_id, is_integration, portfolio_nodes, first=k == 0)
    _owners_and_new_names(b)
    b.findings = list(dict.fromkeys(b.findings))  # one finding per thing said, however often it was found
    all_nodes = tuple(b.nodes.values())
    edges = tuple(sorted(b.edges.values(), key=lambda e: (e.source, e.target, e.type.value)))
    b.findings.extend(quality.document_findings(doc, all_nodes, table.entries))
    meta = {"as_of": as_of} if (as_of := _as_of(doc)) else {}
    return Portfolio(
        document=doc.source,
        nodes=all_nodes,
        edges=edges,
        findings=tuple(b.findings),
        entries=tuple(table.entries),
        notes=tuple(n.text for n in doc.notes),
        meta=meta,
    )
