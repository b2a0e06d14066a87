"""Turn parsed table entries into typed nodes and evidence-backed edges."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

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
from loaders.document import RawDocument, RawEntry
from loaders.lexicon import ACTORS, GENERIC_WORDS, INTEGRATION_WORDS, MONTHS, PLANNED_MARKERS
from loaders.mentions import Gazetteer, MentionKind
from loaders.names import NamePart, parse_entry_name
from loaders.rules import DEFAULT_STRENGTH, Context, Draft, Owner, Ref, Unresolved, apply_rules
from loaders.text import split_sentences

__all__ = ["transform"]

_ACTORS = {a.id: a for a in ACTORS}


@dataclass
class _Build:
    document: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)

    def ensure(self, ref: Ref, line: int) -> str:
        """The node id a reference stands for, creating actors and outside things on first mention."""
        if ref.kind is MentionKind.NODE:
            return ref.target
        if ref.kind is MentionKind.ACTOR:
            if ref.target not in self.nodes:
                term = _ACTORS[ref.target]
                self.nodes[ref.target] = Node(
                    ref.target,
                    term.name,
                    NodeKind.ACTOR,
                    aliases=term.forms,
                    document=self.document,
                    line=line,
                )
            return ref.target
        node_id = ref.target or slugify(ref.name)
        if node_id not in self.nodes:
            kind = NodeKind.WEBSITE if ref.kind is MentionKind.WEBSITE else NodeKind.EXTERNAL
            self.nodes[node_id] = Node(
                node_id, ref.name, kind, description=ref.description, document=self.document, line=line
            )
        elif ref.description and not self.nodes[node_id].description:
            self.nodes[node_id] = replace(self.nodes[node_id], description=ref.description)
        return node_id

    def add(self, edge: Edge) -> None:
        if edge.source == edge.target:
            return
        old = self.edges.get(edge.key)
        if old is None or edge.confidence.rank > old.confidence.rank:
            self.edges[edge.key] = edge


def _category(description: str) -> str | None:
    """The entry's own label for itself: the first sentence up to "som"/"for"/"av"."""
    first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0].rstrip(".")
    head = re.split(r"\s+(?:som|for|av|til)\s+|,", first, maxsplit=1)[0]
    return head.strip() or None


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
                id=slugify(part.short or part.name),
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


def _members(nodes: Iterable[Node], category_word: str) -> list[str]:
    return sorted(n.id for n in nodes if n.category and category_word in fold(n.category))


def _edge(b: _Build, d: Draft, entry_id: str, evidence: str, line: int, source: str, target: str) -> Edge:
    strength = d.strength or DEFAULT_STRENGTH.get(d.type, Strength.HARD)
    if d.confidence is Confidence.INFERRED:
        strength = Strength.SOFT
    scope = tuple(sorted({b.ensure(s, line) for s in d.scope}))
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
    )


def _resolve(b: _Build, ref: Ref, entry_id: str, line: int, all_nodes: list[Node]) -> list[str]:
    if ref.kind is MentionKind.SELF:
        return [entry_id]
    if ref.kind is MentionKind.GROUP:
        return _members(all_nodes, ref.target)
    return [b.ensure(ref, line)]


def _as_of(doc: RawDocument) -> str | None:
    for note in doc.notes:
        m = re.search(r"\bper\s+(\d{1,2})\.\s*([A-Za-zæøåÆØÅ]+)\s+(\d{4})", note.text)
        if m and m.group(2).lower() in MONTHS:
            return f"{int(m.group(3)):04d}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return None


def transform(doc: RawDocument) -> Portfolio:
    """Turn a read document into a portfolio: entry nodes, actors and outside things, edges with evidence.

    Rules are documented in :mod:`loaders.rules`; data-quality findings in :mod:`loaders.findings`.
    """
    b = _Build(document=doc.source)
    corrections, spelling = quality.misspelt_names(doc)
    b.findings.extend(spelling)

    entries: list[Entry] = []
    entry_nodes: list[tuple[RawEntry, list[Node]]] = []
    for raw in doc.entries:
        nodes = _entry_nodes(raw, doc.source, corrections)
        for n in nodes:
            if n.id in b.nodes:
                b.findings.append(
                    Finding("duplicate-id", f"two entries give the id {n.id!r}", (n.id,), raw.line)
                )
                n = replace(n, id=f"{n.id}-{raw.line}")
            b.nodes[n.id] = n
        entry_nodes.append((raw, nodes))
        entries.append(Entry(raw.name, raw.line, tuple(n.id for n in nodes)))

    gazetteer = Gazetteer()
    heads = _heads(doc, corrections)
    head_counts = Counter(h for h in heads.values() if h)
    for n in list(b.nodes.values()):
        head = heads.get(n.name)
        unique_head = head if head is not None and head_counts[head] == 1 else None
        gazetteer.add_node(n.id, n.name, n.aliases, short=n.short, head=unique_head)
    portfolio_nodes = list(b.nodes.values())

    for raw, nodes in entry_nodes:
        entry_id = nodes[0].id
        is_integration = nodes[0].kind is NodeKind.INTEGRATION
        for sentence in split_sentences(raw.description):
            tagged = gazetteer.tag(sentence.text)
            if any(marker in sentence.text.lower() for marker in PLANNED_MARKERS):
                if any(m.kind in (MentionKind.NODE, MentionKind.GROUP) for m in tagged.mentions):
                    b.findings.append(
                        Finding(
                            "planned-relation",
                            f"states an intention, not the present; no edge made: “{sentence.text}”",
                            (entry_id,),
                            sentence.line,
                        )
                    )
                continue
            ctx = Context(entry_id, is_integration, sentence.text, tagged)
            facts, denied = apply_rules(tagged, ctx)
            for fact in facts:
                if isinstance(fact, Owner):
                    b.owners.setdefault(entry_id, fact.actor.name)
                elif isinstance(fact, Unresolved):
                    b.findings.append(
                        Finding(
                            "unresolved-reference",
                            f"“{fact.phrase}” names no known actor or system ({fact.rule})",
                            (entry_id,),
                            sentence.line,
                        )
                    )
                else:
                    sources = _resolve(b, fact.source, entry_id, sentence.line, portfolio_nodes)
                    targets = _resolve(b, fact.target, entry_id, sentence.line, portfolio_nodes)
                    for s in sources:
                        for t in targets:
                            b.add(_edge(b, fact, entry_id, sentence.text, sentence.line, s, t))
            for d in denied:
                other = d.target if d.source.kind is MentionKind.SELF else d.source
                if other.kind is MentionKind.NODE:
                    b.findings.append(
                        Finding(
                            "stated-non-dependency",
                            f"{b.nodes[entry_id].name}: the document says there is no {d.type.value} "
                            f"relation with {b.nodes[other.target].name} (“{sentence.text}”)",
                            (entry_id, other.target),
                            sentence.line,
                        )
                    )

    for node_id, owner in b.owners.items():
        b.nodes[node_id] = replace(b.nodes[node_id], owner=owner)

    all_nodes = tuple(b.nodes.values())
    edges = tuple(sorted(b.edges.values(), key=lambda e: (e.source, e.target, e.type.value)))
    b.findings.extend(quality.document_findings(doc, all_nodes, edges, entries))
    meta = {"as_of": as_of} if (as_of := _as_of(doc)) else {}
    return Portfolio(
        document=doc.source,
        nodes=all_nodes,
        edges=edges,
        findings=tuple(b.findings),
        entries=tuple(entries),
        notes=tuple(n.text for n in doc.notes),
        meta=meta,
    )


# Re-exported for callers that build edges by hand (the overlay).
__all__ += ["RelType"]
