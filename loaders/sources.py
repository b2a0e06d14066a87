"""Several portfolios, one graph: the documents of several organisations, merged by the names they share.

An organisation's portfolio names the outside services it leans on; another organisation describes those
services in its own portfolio. :func:`merge` makes one graph of both: a node of one source and a node of
another are **one node** when an id, name, abbreviation or alias of each is the same name once case, accents
and punctuation are folded (:func:`graph.names.normalize`), or once Norwegian definite and genitive endings
are set aside as well (``Helsenorges`` is *Helsenorge*). A name that could be either of two nodes
(ambiguous), or that is only a part of another (``Helsenett`` of ``Norsk helsenett SF``), is **not** merged:
finding ``possible-same`` names both candidates and why, and the overlay of the manifest settles it with
``same_as`` or ``not_same``, each with a reason. Nodes of one source are never merged with each other: the
document itself told them apart.

Every node lists the sources that describe or mention it (``Node.sources``); an entry described by two
sources keeps both descriptions (``Node.descriptions``, "source: text") and gets finding ``sources-disagree``
when its kind, owner, category or URL differ. An edge keeps its document and line; the same relation read
from two documents is one edge, the second sentence kept in ``also``.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> hdir = Portfolio("hdir.txt", (Node("portal", "Portal", NodeKind.SYSTEM, entry="Portal"),
...                               Node("helseid", "HelseID", NodeKind.EXTERNAL)),
...                  (Edge("portal", "helseid", RelType.AUTHENTICATES_WITH, "Innlogging med HelseID."),))
>>> nhn = Portfolio("nhn.txt", (Node("helseid", "HelseID", NodeKind.SYSTEM, entry="HelseID"),
...                             Node("id-porten", "ID-porten", NodeKind.EXTERNAL)),
...                 (Edge("helseid", "id-porten", RelType.DEPENDS_ON, "HelseID bruker ID-porten."),))
>>> p = merge([(Source("hdir", "hdir.txt"), hdir), (Source("nhn", "nhn.txt"), nhn)])
>>> [(n.id, n.kind.value, n.sources) for n in p.nodes]
[('portal', 'system', ('hdir',)), ('helseid', 'system', ('hdir', 'nhn')), ('id-porten', 'external', ('nhn',))]
>>> [(e.source, e.target, e.document) for e in p.edges]
[('portal', 'helseid', 'hdir.txt'), ('helseid', 'id-porten', 'nhn.txt')]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.model import Edge, Entry, Finding, Node, Portfolio, slugify
from graph.names import normalize, stem
from graph.store import SourcePart

__all__ = [
    "Resolution",
    "Source",
    "SourceRef",
    "combine",
    "merge",
    "name_keys",
    "portfolio_sources",
    "resolutions_of",
]

SOURCES_META = "sources"  # the key of Portfolio.meta that lists the sources, as JSON
RESOLUTIONS_META = "resolutions"  # the key of Portfolio.meta that keeps the same_as / not_same decisions
_ABBREVIATION = re.compile(r"\s*\(([^()\s]*[A-ZÆØÅ][^()\s]*)\)\s*")  # "(NHN)", "(hINT)": not "(tjenester)"
_MIN_PART = 4  # a name shorter than this (once folded) is never reported as part of another


@dataclass(frozen=True, slots=True)
class Source:
    """One document of a manifest: its id (a slug), the file, whose portfolio it is, and its own overlay."""

    id: str
    file: str
    organisation: str | None = None
    overlay: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What a graph records of a source it was made from (``Portfolio.meta["sources"]``)."""

    id: str
    document: str
    organisation: str | None = None
    sha256: str | None = None  # of the file's bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "organisation": self.organisation,
            "sha256": self.sha256,
        }


@dataclass(frozen=True, slots=True)
class Resolution:
    """An architect's decision on two nodes of different sources: the same thing (``same``) or not."""

    a: tuple[str, str]  # (source id, node id)
    b: tuple[str, str]
    same: bool
    reason: str


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def portfolio_sources(p: Portfolio) -> tuple[SourceRef, ...]:
    """The sources ``p`` was made from; a portfolio of one document without a manifest is one source, named
    after its document.

    >>> portfolio_sources(Portfolio("hdir-2023.txt", (), ()))
    (SourceRef(id='hdir-2023', document='hdir-2023.txt', organisation=None, sha256=None),)
    """
    raw = p.meta.get(SOURCES_META)
    if raw:
        return tuple(SourceRef(**d) for d in json.loads(raw))
    return (SourceRef(source_id_of(p.document), p.document),)


def source_id_of(document: str) -> str:
    """A source id for a document named ``document``: the slug of its file name without the extension."""
    return slugify(Path(document).stem) or "source"


# ------------------------------------------------------------------------------------------------- names


def _labels(n: Node) -> Iterable[str]:
    yield n.id.replace("-", " ")
    yield n.name
    yield from (x for x in (n.short, n.entry) if x)
    yield from n.aliases
    for text in (n.name, n.entry):
        if text and _ABBREVIATION.search(text):  # "Norsk helsenett (NHN)": also "Norsk helsenett" and "NHN"
            yield _ABBREVIATION.sub(" ", text)
            yield from _ABBREVIATION.findall(text)


def _inflected(key: str) -> str:
    """A folded name with definite endings set aside (:func:`graph.names.stem`) and a genitive ``-s``."""
    words = key.split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    return stem(" ".join(words))


def name_keys(n: Node) -> tuple[frozenset[str], frozenset[str]]:
    """The exact keys of a node (its labels folded) and its inflected keys.

    >>> from graph.model import NodeKind
    >>> exact, inflected = name_keys(Node("norsk-helsenett-nhn", "Norsk helsenett (NHN)", NodeKind.SYSTEM))
    >>> sorted(exact), sorted(inflected)
    (['nhn', 'norsk helsenett', 'norsk helsenett nhn'], ['nhn', 'norsk helsenett', 'norsk helsenett nhn'])
    """
    exact = frozenset(k for k in map(normalize, _labels(n)) if k)
    return exact, frozenset(_inflected(k) for k in exact)


def _part_of(short: frozenset[str], long: frozenset[str]) -> str | None:
    """Why a name of one node may be a part of a name of the other: its words, all among the other's."""
    for a in sorted(short):
        words = a.split()
        if len(a) < _MIN_PART:
            continue
        for b in sorted(long):
            other = b.split()
            if len(other) > len(words) and all(w in other for w in words):
                return f"'{a}' is part of '{b}'"
    return None


# ------------------------------------------------------------------------------------------------- merge


class _Merged:
    """The merged nodes so far, the index of their keys, and where each source's node went."""

    def __init__(self, decisions: Sequence[Resolution]) -> None:
        self.nodes: dict[str, Node] = {}  # merged id -> node
        self.members: dict[str, set[tuple[str, str]]] = {}  # merged id -> (source, node id) merged into it
        self.exact: dict[str, set[str]] = {}
        self.inflected: dict[str, set[str]] = {}
        self.keys: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.where: dict[tuple[str, str], str] = {}  # (source, node id) -> merged id
        self.findings: list[Finding] = []
        self.same = {frozenset((d.a, d.b)) for d in decisions if d.same}
        self.not_same = {frozenset((d.a, d.b)) for d in decisions if not d.same}

    def _decided(
        self, item: tuple[str, str], merged_id: str, decided: set[frozenset[tuple[str, str]]]
    ) -> bool:
        return any(frozenset((item, m)) in decided for m in self.members[merged_id])

    def candidates(self, source: str, n: Node) -> tuple[list[str], str]:
        """The merged nodes ``n`` may be, and how they were found; nodes of ``n``'s own source are never."""
        item = (source, n.id)
        forced = [m for m in self.nodes if self._decided(item, m, self.same)]
        if forced:
            return forced, "same_as"
        exact, inflected = name_keys(n)
        for how, keys, index in (("name", exact, self.exact), ("inflected name", inflected, self.inflected)):
            found = sorted(
                {
                    m
                    for k in keys
                    for m in index.get(k, ())
                    if source not in self.nodes[m].sources and not self._decided(item, m, self.not_same)
                }
            )
            if found:
                return found, how
        return [], ""

    def add(self, source: str, n: Node) -> str:
        merged_id = n.id
        if merged_id in self.nodes:  # an id another source's different node has
            merged_id = f"{n.id}-{source}"
            self.findings.append(
                Finding(
                    "id-renamed",
                    f"'{n.name}' of source {source} has id '{n.id}', which names another node; it is "
                    f"'{merged_id}' in the merged graph",
                    (merged_id,),
                    n.line,
                )
            )
        self.nodes[merged_id] = replace(n, id=merged_id, sources=(source,))
        self.members[merged_id] = set()
        self._index(merged_id)
        return merged_id

    def _index(self, merged_id: str) -> None:
        exact, inflected = self.keys[merged_id] = name_keys(self.nodes[merged_id])
        for k in exact:
            self.exact.setdefault(k, set()).add(merged_id)
        for k in inflected:
            self.inflected.setdefault(k, set()).add(merged_id)

    def join(self, merged_id: str, source: str, n: Node) -> None:
        old = self.nodes[merged_id]
        self.nodes[merged_id] = _joined(old, n, source, self.findings)
        self._index(merged_id)

    def possibly_same(self, source: str, n: Node, merged_id: str) -> None:
        """Finding ``possible-same`` when a name of ``n`` is a part of another's, or the other of it."""
        exact, _ = name_keys(n)
        for m, (keys, _) in self.keys.items():
            if m == merged_id or source in self.nodes[m].sources:
                continue
            if self._decided((source, n.id), m, self.not_same):
                continue
            why = _part_of(exact, keys) or _part_of(keys, exact)
            if why:
                other = self.nodes[m]
                self.findings.append(
                    Finding(
                        "possible-same",
                        f"'{n.name}' ({source}) and '{other.name}' ({', '.join(other.sources)}) may be one "
                        f"thing: {why}; not merged — settle it with same_as or not_same in the manifest's "
                        "overlay",
                        (merged_id, m),
                        n.line,
                    )
                )


def _joined(old: Node, new: Node, source: str, findings: list[Finding]) -> Node:
    """``old`` with what ``new`` (of ``source``) adds: an entry's description and kind win over a mention."""
    first, second = (new, old) if new.entry and not old.entry else (old, new)
    aliases = [a for a in (*first.aliases, *second.aliases) if a]
    for name in (second.name, second.short):
        if name and name != first.name and name not in aliases:
            aliases.append(name)
    descriptions = old.descriptions
    if old.entry and new.entry:
        descriptions = (
            *(old.descriptions or (f"{', '.join(old.sources)}: {old.description or ''}",)),
            f"{source}: {new.description or ''}",
        )
        differ = [
            f
            for f in ("kind", "owner", "category", "url")
            if getattr(old, f) and getattr(new, f) and getattr(old, f) != getattr(new, f)
        ]
        if differ:
            findings.append(
                Finding(
                    "sources-disagree",
                    f"'{old.name}' is described by {', '.join(old.sources)} and {source}, which disagree on "
                    + ", ".join(f"{f} ({getattr(old, f)!s} / {getattr(new, f)!s})" for f in differ),
                    (old.id,),
                    new.line,
                )
            )
    return replace(
        first,
        id=old.id,
        labels=tuple(dict.fromkeys((*first.labels, *second.labels))),
        aliases=tuple(dict.fromkeys(aliases)),
        short=first.short or second.short,
        description=first.description or second.description,
        owner=first.owner or second.owner,
        url=first.url or second.url,
        descriptions=descriptions,
        sources=(*old.sources, source),
    )


def merge(
    parts: Sequence[tuple[Source, Portfolio]],
    decisions: Sequence[Resolution] = (),
    document: str | None = None,
    hashes: Mapping[str, str] | None = None,
) -> Portfolio:
    """One portfolio of several sources' portfolios, in the order given (see the module's docstring)."""
    m = _Merged(decisions)
    for source, p in parts:
        for n in p.nodes:
            found, how = m.candidates(source.id, n)
            if len(found) == 1:
                m.join(found[0], source.id, n)
                m.members[found[0]].add((source.id, n.id))
                m.where[source.id, n.id] = found[0]
                continue
            merged_id = m.add(source.id, n)
            m.members[merged_id].add((source.id, n.id))
            m.where[source.id, n.id] = merged_id
            if len(found) > 1:
                names = ", ".join(f"'{m.nodes[c].name}' ({', '.join(m.nodes[c].sources)})" for c in found)
                m.findings.append(
                    Finding(
                        "possible-same",
                        f"'{n.name}' ({source.id}) has the {how} of {names}: ambiguous, not merged — settle it "
                        "with same_as or not_same in the manifest's overlay",
                        (merged_id, *found),
                        n.line,
                    )
                )
            elif not found:
                m.possibly_same(source.id, n, merged_id)
    edges = _edges(parts, m.where)
    entries, findings, notes = _rest(parts, m.where, len(parts) > 1)
    refs = [SourceRef(s.id, p.document, s.organisation, (hashes or {}).get(s.id)).to_dict() for s, p in parts]
    as_of = sorted({p.meta["as_of"] for _, p in parts if "as_of" in p.meta})
    meta = {SOURCES_META: json.dumps(refs, ensure_ascii=False)}
    if decisions:
        meta[RESOLUTIONS_META] = json.dumps([_resolution_dict(d) for d in decisions], ensure_ascii=False)
    if as_of:
        meta["as_of"] = as_of[-1]
    return Portfolio(
        document=document or " + ".join(p.document for _, p in parts),
        nodes=tuple(m.nodes.values()),
        edges=edges,
        findings=(*findings, *m.findings),
        entries=entries,
        notes=notes,
        meta=meta,
    )


def _edges(
    parts: Sequence[tuple[Source, Portfolio]], where: Mapping[tuple[str, str], str]
) -> tuple[Edge, ...]:
    """Every source's edges between merged nodes; one relation read twice is one edge with ``also``."""
    out: dict[tuple[str, str, str], Edge] = {}
    for source, p in parts:
        for e in p.edges:
            u, v = where[source.id, e.source], where[source.id, e.target]
            scope = tuple(where.get((source.id, a), a) for a in e.scope)
            edge = replace(e, source=u, target=v, scope=scope, document=e.document or p.document)
            seen = out.get(edge.key)
            if seen is None:
                out[edge.key] = edge
            elif seen.document != edge.document:
                said = f"{_cite(edge)}: {edge.evidence}" if edge.line else edge.evidence
                out[edge.key] = replace(seen, also=(*seen.also, said, *edge.also))
    return tuple(out.values())


def _cite(e: Edge) -> str:
    """Where an edge was read, as ``also`` cites it: ``doc.txt:12``, or ``doc.pdf, page 2, line 14``."""
    return f"{e.document}, page {e.page}, line {e.line}" if e.page else f"{e.document}:{e.line}"


def _rest(
    parts: Sequence[tuple[Source, Portfolio]], where: Mapping[tuple[str, str], str], several: bool
) -> tuple[tuple[Entry, ...], tuple[Finding, ...], tuple[str, ...]]:
    """Entries, findings and notes of every source, their nodes renamed; with several sources a finding's
    message names its document."""
    entries, findings, notes = [], [], []
    for source, p in parts:
        entries += [replace(e, nodes=tuple(where.get((source.id, n), n) for n in e.nodes)) for e in p.entries]
        findings += [
            replace(
                f,
                nodes=tuple(where.get((source.id, n), n) for n in f.nodes),
                message=f"{p.document}: {f.message}" if several else f.message,
            )
            for f in p.findings
        ]
        notes += list(p.notes)
    return tuple(entries), tuple(findings), tuple(notes)


# ------------------------------------------------------------------------------------ sources of a store


def resolutions_of(p: Portfolio) -> tuple[Resolution, ...]:
    """The decisions a merged portfolio was made with."""
    return tuple(
        Resolution(tuple(d["a"]), tuple(d["b"]), d["same"], d["reason"])
        for d in json.loads(p.meta.get(RESOLUTIONS_META) or "[]")
    )


def combine(
    current: Sequence[SourcePart],
    add: Sequence[tuple[Source, Portfolio, str | None]] = (),
    remove: Sequence[str] = (),
    decisions: Sequence[Resolution] = (),
    now: str | None = None,
    finish: Callable[[Portfolio], Portfolio] = lambda p: p,
) -> tuple[Portfolio, tuple[SourcePart, ...]]:
    """The graph and source parts after loading ``add`` (replacing sources of the same id) and unloading
    ``remove`` from the ``current`` parts; the others are kept as they were loaded. ``finish`` is applied to
    the merged graph (a manifest's overlay).

    >>> from graph.model import Node, NodeKind
    >>> a = Portfolio("a.txt", (Node("x", "X", NodeKind.SYSTEM, entry="X"),), ())
    >>> b = Portfolio("b.txt", (Node("y", "Y", NodeKind.SYSTEM, entry="Y"),), ())
    >>> _, parts = combine((), [(Source("a", "a.txt"), a, None)], now="t1")
    >>> p, parts = combine(parts, [(Source("b", "b.txt"), b, None)], now="t2")
    >>> [(s.id, s.loaded_at) for s in parts], [n.id for n in p.nodes]
    ([('a', 't1'), ('b', 't2')], ['x', 'y'])
    >>> p, parts = combine(parts, remove=["a"])
    >>> [n.id for n in p.nodes]
    ['y']
    """
    unknown = [r for r in remove if r not in {part.id for part in current}]
    if unknown:
        known = ", ".join(part.id for part in current) or "none"
        raise LookupError(f"no source {unknown[0]!r} is loaded (loaded: {known})")
    replaced = {s.id: (s, p, h) for s, p, h in add}
    kept = [part for part in current if part.id not in replaced and part.id not in remove]
    order = [part.id for part in current if part.id not in remove]
    order += [s.id for s, _, _ in add if s.id not in order]
    by_id = {part.id: part for part in kept}
    parts: list[tuple[Source, Portfolio]] = []
    hashes: dict[str, str] = {}
    for source_id in order:
        if source_id in replaced:
            s, p, h = replaced[source_id]
        else:
            old = by_id[source_id]
            s, p, h = Source(old.id, old.document, old.organisation), old.portfolio, old.sha256
        parts.append((s, p))
        if h:
            hashes[source_id] = h
    if not parts:
        raise LookupError("that would unload every source; load another first, or load a whole portfolio")
    merged = finish(merge(parts, decisions, hashes=hashes))
    stamp = now or datetime.now(UTC).isoformat(timespec="seconds")
    out = tuple(
        by_id[s.id]
        if s.id in by_id
        else SourcePart(s.id, p.document, s.organisation, hashes.get(s.id), merged.revision, stamp, p)
        for s, p in parts
    )
    return merged, out


def _resolution_dict(d: Resolution) -> dict[str, Any]:
    return {"a": list(d.a), "b": list(d.b), "same": d.same, "reason": d.reason}
