"""The portfolio model: typed nodes and evidence-backed edges, and the conventions every module shares.

Conventions (fixed once, relied on everywhere)
----------------------------------------------
* **Direction.** An edge ``A -> B`` means *A depends on B*: if B fails, A is impacted.
  So the impact of a failure of B is found among B's *ancestors*, and what A depends on among A's
  *descendants*. Actors point at what they use (``helseaktor -USES-> praksisinfo``).
* **Ids** are stable slugs derived from the document's names (:func:`slugify`): ``tjenesteportal-for-helseaktor``.
  Never random, so a second load of the same document yields the same ids.
* **Evidence.** Every edge carries the sentence it came from (after line-joining), the document and the line
  the sentence starts on, a ``confidence`` and the ``rule`` that produced it. Curated edges carry the
  overlay's reason as evidence and the overlay's line.
* **Confidence.** ``stated`` (a sentence says it), ``curated`` (an architect's overlay says it),
  ``inferred`` (a rule derived it from a generic phrase such as "Benyttes av fagsystemer").
  ``min_confidence`` orders them stated > curated > inferred.
* **Strength.** ``hard``: losing the target takes the source down. ``soft``: the source degrades.
* **Alternatives.** Edges of one source sharing an ``alt_group`` are alternatives: the group is lost only when
  every member is lost; losing some members degrades the source.
* **Scope.** An edge may name the actors whose *access* goes through it (``scope``): Praksisinfo is reached by
  helseaktører *via* the portal. Losing a scoped edge makes the source down *for those actors* and degraded
  for everyone else.

Examples
--------
>>> slugify("Tjenesteportal for helseaktør")
'tjenesteportal-for-helseaktor'
>>> slugify("Økonomimodulen")
'okonomimodulen'
>>> Confidence.INFERRED.rank < Confidence.CURATED.rank < Confidence.STATED.rank
True
"""

from __future__ import annotations

import functools
import gc
import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from itertools import islice
from operator import attrgetter
from typing import Annotated, Any, cast

import networkx as nx
import orjson
from pydantic import Field

from graph.shape import Shaped

__all__ = [
    "DEFAULT_CONFIDENCE",
    "HOURS_FIELDS",
    "OPTIONAL_EDGE_FIELDS",
    "STEWARDSHIP",
    "Confidence",
    "Edge",
    "Entry",
    "Finding",
    "Node",
    "NodeKind",
    "Portfolio",
    "RelType",
    "Strength",
    "content_hash",
    "fold",
    "from_networkx",
    "paused_gc",
    "slugify",
    "to_networkx",
]


class NodeKind(StrEnum):
    """What a node is. Portfolio entries are ``system`` or ``integration`` (an integration is also a system)."""

    SYSTEM = "system"
    INTEGRATION = "integration"
    ACTOR = "actor"
    EXTERNAL = "external"  # a system or channel outside the portfolio: RINA, HelseID, Helsenorge, post
    WEBSITE = "website"  # a site hosted on a portfolio platform

    @property
    def label(self) -> str:
        """The Neo4j label for this kind (``:System``, ``:Actor`` …)."""
        return self.value.capitalize()


class RelType(StrEnum):
    """Relation types. Every one reads *source depends on target*."""

    USES = "USES"  # an actor or system uses the target
    ACCESSED_VIA = (
        "ACCESSED_VIA"  # the source is reached by its users through the target (a portal, a channel)
    )
    AUTHENTICATES_WITH = "AUTHENTICATES_WITH"  # the source logs its users in with the target
    RECEIVES_FROM = "RECEIVES_FROM"  # the source gets data or documents from the target
    DELIVERS_VIA = "DELIVERS_VIA"  # the source delivers its output through the target
    EXPOSES_VIA = "EXPOSES_VIA"  # the source exposes content or an API through the target
    HOSTED_ON = "HOSTED_ON"  # the source runs on the target platform
    BUILT_ON = "BUILT_ON"  # the source is a version or customisation of the target product
    TRANSFERS_TO = "TRANSFERS_TO"  # the source moves data to the target and needs it to be there
    INTEGRATES_VIA = "INTEGRATES_VIA"  # the source's integrations run through the target
    EXCHANGES_WITH = "EXCHANGES_WITH"  # two parties collaborate through the source (both directions)
    PART_OF = "PART_OF"  # the source is a part of the target
    LOOKS_UP_IN = "LOOKS_UP_IN"  # the source looks things up in the target (a register) as it works
    STORES_IN = "STORES_IN"  # the source stores or archives its documents or data in the target
    DEPENDS_ON = "DEPENDS_ON"  # the source needs the target, as the document says, without saying for what
    PUBLISHES = "PUBLISHES"  # the source publishes or shows the target's content (a site, an API, a report)


class Confidence(StrEnum):
    """How sure we are an edge exists."""

    STATED = "stated"
    CURATED = "curated"
    INFERRED = "inferred"

    @property
    def rank(self) -> int:
        return {"inferred": 1, "curated": 2, "stated": 3}[self.value]


# What answers use unless asked otherwise: what the document states and what an architect curated. Inferred
# edges (a rule's guess from "Benyttes av fagsystemer") are reported apart, as possible, until signed off.
DEFAULT_CONFIDENCE = Confidence.CURATED


class Strength(StrEnum):
    HARD = "hard"
    SOFT = "soft"


# A node's risk-assessment fields, in the order exports write them; the *_hours ones are numbers.
STEWARDSHIP = (
    "administrator",
    "operator",
    "criticality",
    "rto_hours",
    "rpo_hours",
    "mtd_hours",
    "hosting",
    "fallback",
)
HOURS_FIELDS = frozenset({"rto_hours", "rpo_hours", "mtd_hours"})


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    name: str
    kind: NodeKind
    labels: tuple[NodeKind, ...] = ()  # every kind that applies; always contains ``kind``
    aliases: tuple[str, ...] = ()
    short: str | None = None  # the abbreviation, when the document gives one
    category: str | None = None  # the entry's own label for itself: "Saksbehandlingssystem"
    description: str | None = None
    owner: str | None = None  # the system owner (systemeier); a user is never made one by a rule
    url: str | None = None
    document: str | None = None
    line: int | None = None
    entry: str | None = None  # the exact name of the document entry the node came from
    # What an architect adds for a risk assessment (overlay or sheet); the document rarely says it.
    administrator: str | None = None  # forvalter
    operator: str | None = None  # who runs it (driftsleverandør)
    criticality: str | None = None  # the organisation's class, e.g. "A" (most critical) … "C"
    rto_hours: float | None = None  # recovery time objective
    rpo_hours: float | None = None  # recovery point objective (data that may be lost)
    mtd_hours: float | None = None  # maximum tolerable downtime
    hosting: str | None = None
    fallback: str | None = None  # the manual routine when the system is down
    page: int | None = None  # the page of a PDF the entry is on (``line`` is then the line on that page)
    sources: tuple[str, ...] = ()  # the ids of the sources (documents) that describe or mention the node
    descriptions: tuple[str, ...] = ()  # "source: text" for each, when several sources describe the entry

    def __post_init__(self) -> None:
        # Labels always lead with the node's own kind, without duplicates.
        labels = (self.kind, *(k for k in self.labels if k != self.kind))
        object.__setattr__(self, "labels", labels)

    def to_dict(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict (same keys, same order): asdict deep-copies every value
        # and is ten times slower, which a portfolio of a million edges notices.
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind._value_,  # _value_: the enum's stored value, without .value's descriptor call
            "labels": [k._value_ for k in self.labels],
            "aliases": list(self.aliases),
            "short": self.short,
            "category": self.category,
            "description": self.description,
            "owner": self.owner,
            "url": self.url,
            "document": self.document,
            "line": self.line,
            "entry": self.entry,
            **{f: getattr(self, f) for f in STEWARDSHIP},
            "page": self.page,
            "sources": list(self.sources),
            "descriptions": list(self.descriptions),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Node:
        return cls(
            id=d["id"],
            name=d["name"],
            kind=NodeKind(d["kind"]),
            labels=tuple(NodeKind(k) for k in d.get("labels") or (d["kind"],)),
            aliases=tuple(d.get("aliases") or ()),
            short=d.get("short"),
            category=d.get("category"),
            description=d.get("description"),
            owner=d.get("owner"),
            url=d.get("url"),
            document=d.get("document"),
            line=d.get("line"),
            entry=d.get("entry"),
            **{f: d.get(f) for f in STEWARDSHIP},
            page=d.get("page"),
            sources=tuple(d.get("sources") or ()),
            descriptions=tuple(d.get("descriptions") or ()),
        )


# An edge's fields after the six every edge has (see Edge.to_dict), in declaration order.
OPTIONAL_EDGE_FIELDS = (
    "document",
    "line",
    "alt_group",
    "scope",
    "rule",
    "note",
    "mode",
    "tolerance",
    "capability",
    "also",
    "page",
)


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    type: RelType
    evidence: str
    confidence: Confidence = Confidence.STATED
    strength: Strength = Strength.HARD
    document: str | None = None
    line: int | None = None
    alt_group: str | None = None
    scope: tuple[str, ...] = ()  # actor ids whose access goes through this edge
    rule: str | None = None  # the extraction rule, or "overlay"
    note: str | None = None
    mode: str | None = None  # live | message | batch: how the source's need is met (None: not read)
    tolerance: str | None = None  # how long the source can wait for a batch flow ("3 dager"), when known
    capability: str | None = (
        None  # what an actor uses the target for, as the document says ("bytte fastlege")
    )
    also: tuple[str, ...] = ()  # the same relation stated again elsewhere: "document:line: sentence" each
    page: int | None = None  # the page of a PDF the evidence is on (``line`` is then the line on that page)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.type.value)

    def _required(self) -> dict[str, Any]:
        """The fields every edge has, as plain values."""
        return {
            "source": self.source,
            "target": self.target,
            "type": self.type._value_,
            "evidence": self.evidence,
            "confidence": self.confidence._value_,
            "strength": self.strength._value_,
        }

    def to_dict(self) -> dict[str, Any]:
        d = self._required()  # then the rest in order, as dataclasses.asdict would give them (Node.to_dict)
        d.update(
            document=self.document,
            line=self.line,
            alt_group=self.alt_group,
            scope=list(self.scope),
            rule=self.rule,
            note=self.note,
            mode=self.mode,
            tolerance=self.tolerance,
            capability=self.capability,
            also=list(self.also),
            page=self.page,
        )
        return d

    def graph_dict(self) -> dict[str, Any]:
        """:meth:`to_dict` without the fields that are not stated (None, empty lists): the edge's data in the
        graph, where a million edges each carrying ten empty slots and two empty lists cost 300 MB.
        Readers use ``.get``; :meth:`from_dict` reads it back to the same edge."""
        d = self._required()
        for name in OPTIONAL_EDGE_FIELDS:
            value = getattr(self, name)
            if value is not None and value != ():
                d[name] = list(value) if isinstance(value, tuple) else value
        return d

    # The edge is its own data in the analysis graph (to_networkx): a read-only mapping of the fields it
    # states, with the values graph_dict() gives (plain strings; tuples for the lists). A million edges
    # without a dictionary each is 260 MB less and a second less to build.

    def get(self, key: str, default: Any = None) -> Any:
        """A stated field's value, as ``graph_dict().get(key, default)`` would give it.

        >>> e = Edge("a", "b", RelType.USES, "A uses B.", line=3)
        >>> e.get("type"), e["line"], e.get("alt_group", "none"), "scope" in e, sorted(e)[:3]
        ('USES', 3, 'none', False, ['confidence', 'evidence', 'line'])
        """
        if key not in _EDGE_KEYS:
            return default
        value = getattr(self, key)
        if value is None or value == ():
            return default
        return value._value_ if key in _ENUM_KEYS else value

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _UNSET)
        if value is _UNSET:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _UNSET) is not _UNSET

    def keys(self) -> list[str]:
        return [k for k in _EDGE_ORDER if self.get(k, _UNSET) is not _UNSET]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def items(self) -> list[tuple[str, Any]]:
        return [(k, self[k]) for k in self.keys()]

    def values(self) -> list[Any]:
        return [self[k] for k in self.keys()]

    def copy(self) -> dict[str, Any]:
        """The stated fields as a dictionary of their own (what ``G.copy()`` gives the copy)."""
        return dict(self.items())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Edge:
        return cls(
            source=d["source"],
            target=d["target"],
            type=RelType(d["type"]),
            evidence=d["evidence"],
            confidence=Confidence(d.get("confidence", "stated")),
            strength=Strength(d.get("strength", "hard")),
            document=d.get("document"),
            line=d.get("line"),
            alt_group=d.get("alt_group"),
            scope=tuple(d.get("scope") or ()),
            rule=d.get("rule"),
            note=d.get("note"),
            mode=d.get("mode"),
            tolerance=d.get("tolerance"),
            capability=d.get("capability"),
            also=tuple(d.get("also") or ()),
            page=d.get("page"),
        )


_UNSET: Any = object()
_EDGE_ORDER = ("source", "target", "type", "evidence", "confidence", "strength", *OPTIONAL_EDGE_FIELDS)
_EDGE_KEYS = frozenset(_EDGE_ORDER)
_ENUM_KEYS = frozenset({"type", "confidence", "strength"})
Mapping.register(Edge)


@dataclass(frozen=True, slots=True)
class Finding(Shaped):
    """A data-quality observation about the document: a copied description, a misspelt name …"""

    code: Annotated[str, Field(examples=["misspelt-name"])]
    message: str
    nodes: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the document's table, with the exact name it was written with."""

    name: str
    line: int
    nodes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "line": self.line, "nodes": list(self.nodes)}


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Everything a document (plus overlay) says: the unit loaded into a store."""

    document: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    findings: tuple[Finding, ...] = ()
    entries: tuple[Entry, ...] = ()
    notes: tuple[str, ...] = ()  # text of the document that is not an entry (a closing paragraph)
    meta: dict[str, str] = field(default_factory=dict)
    # The revision, once computed: not an argument (``with_`` starts afresh) and not compared.
    _revision: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def revision(self) -> str:
        """A content hash: the same nodes, edges and findings give the same revision (a finding dismissed by a
        decision is a new revision), computed once per portfolio (:func:`content_hash` of their fields)."""
        if self._revision is None:
            object.__setattr__(self, "_revision", content_hash(self.nodes, self.edges, self.findings))
        assert self._revision is not None
        return self._revision

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def with_(self, **changes: Any) -> Portfolio:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "revision": self.revision,
            "meta": dict(self.meta),
            "entries": [e.to_dict() for e in self.entries],
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Portfolio:
        """Back from :meth:`to_dict` (the revision is computed again).

        >>> p = Portfolio("d", (Node("a", "A", NodeKind.SYSTEM),), (), (Finding("x", "y", ("a",), 2),))
        >>> Portfolio.from_dict(p.to_dict()) == p
        True
        """
        return cls(
            document=d["document"],
            nodes=tuple(Node.from_dict(n) for n in d["nodes"]),
            edges=tuple(Edge.from_dict(e) for e in d["edges"]),
            findings=tuple(
                Finding(f["code"], f["message"], tuple(f.get("nodes") or ()), f.get("line"))
                for f in d["findings"]
            ),
            entries=tuple(Entry(e["name"], e["line"], tuple(e["nodes"])) for e in d.get("entries") or ()),
            notes=tuple(d.get("notes") or ()),
            meta=dict(d.get("meta") or {}),
        )


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-fold a name for matching: Norwegian letters become ASCII.

    >>> fold("Økonomimodulen"), fold("Blåresept"), fold("HAPI")
    ('okonomimodulen', 'blaresept', 'hapi')
    """
    text = text.translate(_FOLD)
    if text.isascii():  # the common case once æ, ø, å are gone: nothing to decompose
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def slugify(name: str) -> str:
    """A stable id from a name.

    >>> slugify("Helsedirektoratets integrasjonsplattform (hINT)")
    'helsedirektoratets-integrasjonsplattform-hint'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


_CHUNK = 4096
_EDGE_ROW = attrgetter(*_EDGE_ORDER)
_NODE_ROW = attrgetter(*(f.name for f in fields(Node)))


def content_hash(nodes: Iterable[Node], edges: Iterable[Edge], findings: Iterable[Finding] = ()) -> str:
    """The first 12 hex digits of the SHA-256 of the edges', the nodes' and the findings' fields as JSON
    arrays (in declaration order, orjson), fed to the hash a chunk at a time: a million edges never become one
    string, and none becomes a dictionary.

    >>> a, b = Node("a", "A", NodeKind.SYSTEM), Node("b", "A", NodeKind.SYSTEM)
    >>> content_hash([a], []) == content_hash([a], []) != content_hash([b], [])
    True
    """
    h = hashlib.sha256()
    for label, items, row in ((b"edges", edges, _EDGE_ROW), (b"nodes", nodes, _NODE_ROW)):
        h.update(label)
        it = iter(items)
        while chunk := list(islice(it, _CHUNK)):
            h.update(orjson.dumps(list(map(row, chunk))))
    rows = [[f.code, f.message, list(f.nodes), f.line] for f in findings]
    if rows:  # a portfolio without findings keeps the revision it had before findings were hashed
        h.update(b"findings")
        h.update(orjson.dumps(rows))
    return h.hexdigest()[:12]


def to_networkx(portfolio: Portfolio, *, complete: bool = False) -> nx.MultiDiGraph:
    """The portfolio as a MultiDiGraph: node attributes are the node's fields, edges are keyed by type.

    An edge's data is the :class:`Edge` itself, read like a dictionary of the fields it states (what
    :meth:`Edge.graph_dict` gives) and read-only: a million edges without a dictionary each. To change edge
    data, work on ``G.copy()`` (its edges are dictionaries). ``complete=True`` gives every edge a dictionary
    of every field, as the interchange exports write them. The graph is a :class:`PortfolioGraph`.

    >>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM), Node("b", "B", NodeKind.SYSTEM)),
    ...               (Edge("a", "b", RelType.USES, "A uses B."),))
    >>> G = to_networkx(p)
    >>> list(G.edges(keys=True))
    [('a', 'b', 'USES')]
    >>> from_networkx(G) == p.with_(meta={"revision": p.revision})
    True
    """
    with paused_gc():
        return _to_networkx(portfolio, complete)


_PAUSES = 0  # threads inside paused_gc()
_PAUSES_LOCK = threading.Lock()
_WAS_ENABLED = True


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while millions of acyclic objects are made: each full collection would
    walk all of them again (at a million edges that is most of the build time, and on a serving process each
    one is a pause every request waits out). Threads may pause at once: collection resumes when the last
    one is done, if it was enabled when the first began."""
    global _PAUSES, _WAS_ENABLED
    with _PAUSES_LOCK:
        if _PAUSES == 0:
            _WAS_ENABLED = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _PAUSES_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _WAS_ENABLED:
                gc.enable()


def _uncached(view: Any) -> property:
    """A networkx ``cached_property`` view as a plain property: made again on each use."""
    return property(view.func, doc=view.__doc__)


class PortfolioGraph(nx.MultiDiGraph):  # type: ignore[misc]
    """A MultiDiGraph whose views (``G.nodes``, ``G.edges`` …) are made on each use instead of cached on the
    graph. A cached view holds its graph, and that cycle keeps a replaced revision's graph alive until a full
    garbage collection: at a million edges seconds in which every request waits. Without it, a graph is
    freed the moment the last answer using it is done.

    >>> import gc, weakref
    >>> G = PortfolioGraph(); G.add_nodes_from("ab"); views = (G.nodes, G.edges, G.succ); del views
    >>> gone = weakref.ref(G); gc.disable(); del G
    >>> gone() is None
    True
    >>> gc.enable()
    """

    adj = _uncached(nx.MultiDiGraph.adj)
    degree = _uncached(nx.MultiDiGraph.degree)
    edges = _uncached(nx.MultiDiGraph.edges)
    in_degree = _uncached(nx.MultiDiGraph.in_degree)
    in_edges = _uncached(nx.MultiDiGraph.in_edges)
    nodes = _uncached(nx.MultiDiGraph.nodes)
    out_degree = _uncached(nx.MultiDiGraph.out_degree)
    out_edges = _uncached(nx.MultiDiGraph.out_edges)
    pred = _uncached(nx.MultiDiGraph.pred)
    succ = _uncached(nx.MultiDiGraph.succ)


def _to_networkx(portfolio: Portfolio, complete: bool) -> nx.MultiDiGraph:
    G = PortfolioGraph(document=portfolio.document, revision=portfolio.revision, **portfolio.meta)
    # Filled as add_node/add_edge would, without their per-call overhead (a million edges notice it): one
    # key dict shared by _succ[u][v] and _pred[v][u]. An edge's data is the Edge itself (a read-only
    # mapping), or with ``complete`` a dictionary of every field; a repeated (source, target, type) adds
    # what it states to the first.
    nodes, succ, pred = G._node, G._succ, G._pred
    for n in portfolio.nodes:
        d = n.to_dict()
        node_id = d["id"]
        if node_id in nodes:
            nodes[node_id].update(d)
        else:
            nodes[node_id], succ[node_id], pred[node_id] = d, {}, {}
    for e in portfolio.edges:
        u, v, key = e.source, e.target, e.type._value_
        if u not in nodes:
            nodes[u], succ[u], pred[u] = {}, {}, {}
        if v not in nodes:
            nodes[v], succ[v], pred[v] = {}, {}, {}
        data: Mapping[str, Any] = e.to_dict() if complete else e  # type: ignore[assignment]
        keyed = succ[u].get(v)
        if keyed is None:
            succ[u][v] = pred[v][u] = OneEdge(key, data)
            continue
        if key in keyed:
            data = _merged(keyed[key], data)
        grown = {**keyed, key: data}  # a pair's second relation type: its keys become a dictionary
        succ[u][v] = pred[v][u] = grown
    return G


class OneEdge(Mapping[str, Any]):
    """The key dictionary of a node pair joined by one relation, which is nearly every pair: networkx keeps
    ``{key: data}`` per pair of a MultiDiGraph, and a dictionary of one entry is about 200 bytes where this is
    about 60 (a million pairs: 130 MB). Read-only, as the edge data in it; ``G.copy()`` makes dictionaries.

    >>> G = to_networkx(Portfolio("d", (), (Edge("a", "b", RelType.USES, "A uses B."),)))
    >>> keyed = G.succ["a"]["b"]
    >>> list(keyed), "USES" in keyed, keyed["USES"]["evidence"], len(keyed), type(G.copy().succ["a"]["b"]._atlas)
    (['USES'], True, 'A uses B.', 1, <class 'dict'>)
    """

    __slots__ = ("_data", "_key")

    def __init__(self, key: str, data: Mapping[str, Any]) -> None:
        self._key, self._data = key, data

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        if key != self._key:
            raise KeyError(key)
        return self._data

    def __iter__(self) -> Iterator[str]:
        yield self._key

    def __len__(self) -> int:
        return 1

    def __contains__(self, key: object) -> bool:
        return key == self._key

    def get(self, key: str, default: Any = None) -> Any:
        return self._data if key == self._key else default

    def items(self) -> list[tuple[str, Mapping[str, Any]]]:  # type: ignore[override]
        return [(self._key, self._data)]

    def values(self) -> list[Mapping[str, Any]]:  # type: ignore[override]
        return [self._data]

    def keys(self) -> list[str]:  # type: ignore[override]
        return [self._key]

    def copy(self) -> dict[str, Mapping[str, Any]]:
        return {self._key: self._data}

    def __repr__(self) -> str:
        return repr({self._key: self._data})


def _merged(first: Mapping[str, Any], then: Mapping[str, Any]) -> Mapping[str, Any]:
    """What a repeated edge's data becomes: the first's fields, overwritten by what the next states.

    >>> e = _merged(Edge("a", "b", RelType.USES, "A uses B.", line=2), Edge("a", "b", RelType.USES, "Again."))
    >>> e["evidence"], e["line"]
    ('Again.', 2)
    """
    if isinstance(first, Edge):
        return cast(Mapping[str, Any], Edge.from_dict({**first, **then}))
    return {**first, **then}


def from_networkx(G: nx.MultiDiGraph) -> Portfolio:
    """Back from a graph built by :func:`to_networkx` (findings, entries and notes are not in the graph)."""
    meta = {k: str(v) for k, v in G.graph.items() if k != "document"}
    nodes = tuple(Node.from_dict(d) for _, d in G.nodes(data=True))
    edges = tuple(Edge.from_dict(d) for _, _, d in G.edges(data=True))
    return Portfolio(document=str(G.graph.get("document", "")), nodes=nodes, edges=edges, meta=meta)


def sorted_unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(items)))
