"""What the routes stand on: the store, and the graph built from it once per revision.

A :class:`Snapshot` is one revision made ready to answer questions: the networkx graph, the name resolver,
the impact index, the drawing, and the answers that do not depend on the question (critical components,
cycles) memoised. Impact answers are cached per revision: the last few computed answers (so every page of
one question shares one computation) and the serialised pages themselves, so the same question again is a
dictionary lookup. A request takes the current snapshot once and answers from it alone, so a reload in the
middle of a request never mixes two revisions, and a new revision starts with empty caches.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any, Generic, TypeVar

import networkx as nx
import orjson

from app.layout import GraphView, layered_layout
from app.resilience import LastGood, within
from app.settings import Settings
from app.store import build_store
from graph.analysis import (
    Criticality,
    Cycles,
    Impact,
    Resolver,
    critical,
    cycles,
    dependencies,
    dependents,
    impact,
)
from graph.edges import RANK
from graph.exports import export
from graph.impact import ImpactIndex
from graph.model import Portfolio, to_networkx
from graph.store import GraphStore, LoadResult, StoreUnavailable
from loaders.interchange import load_any

__all__ = ["LRU", "GraphService", "Snapshot"]

_SUMMARY = ("id", "name", "short", "kind", "labels", "aliases", "category")
ANSWERS = 8  # computed impact answers kept per revision (each holds a few arrays of the graph's size)
PAGES = 512  # serialised impact pages kept per revision ...
PAGE_BYTES = 128 * 1024 * 1024  # ... and at most this many bytes of them

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map, bounded by entries and by a size per value.

    >>> cache: LRU[str, bytes] = LRU(2, size=len)
    >>> cache.put("a", b"1"); cache.put("b", b"22"); cache.put("c", b"3")
    >>> cache.get("a"), cache.get("c"), cache.size
    (None, b'3', 3)
    """

    def __init__(self, entries: int, *, size: Callable[[V], int] | None = None, budget: int = 0) -> None:
        self._data: OrderedDict[K, V] = OrderedDict()
        self._entries, self._size, self._budget = entries, size, budget
        self.size = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if key in self._data:
                return
            self._data[key] = value
            self.size += self._size(value) if self._size else 0
            while len(self._data) > self._entries or (self._budget and self.size > self._budget):
                _, dropped = self._data.popitem(last=False)
                self.size -= self._size(dropped) if self._size else 0


@dataclass(eq=False)
class Snapshot:
    """One revision of the portfolio, built for answering. Immutable once built; memoised parts are lazy."""

    portfolio: Portfolio
    graph: nx.MultiDiGraph
    resolver: Resolver
    index: ImpactIndex
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    stale: bool = False  # served from the last revision read because the store does not answer
    _answers: LRU[tuple[tuple[str, ...], str], Impact] = field(
        default_factory=lambda: LRU(ANSWERS), repr=False
    )
    _pages: LRU[tuple[Any, ...], bytes] = field(
        default_factory=lambda: LRU(PAGES, size=len, budget=PAGE_BYTES), repr=False
    )

    @classmethod
    def of(cls, portfolio: Portfolio) -> Snapshot:
        G = to_networkx(portfolio)
        index = ImpactIndex(G)
        for rank in (RANK["inferred"], RANK["curated"]):  # the default question and its inferred flags
            index.in_edges(rank)
        return cls(portfolio, G, Resolver(G), index)

    @property
    def revision(self) -> str:
        return self.portfolio.revision

    @property
    def stamp(self) -> dict[str, Any]:
        """What every answer carries besides its content: the revision, and whether it is stale."""
        return {"revision": self.revision, "stale": self.stale}

    def as_stale(self) -> Snapshot:
        """This revision flagged ``stale``; the graph, resolver and memoised answers are shared."""
        return replace(self, stale=True)

    def impact(self, down: tuple[str, ...], min_confidence: str) -> Impact:
        """The impact of node ids ``down`` (sorted, unique), computed once and kept with the last few."""
        key = (down, min_confidence)
        found = self._answers.get(key)
        if found is None:
            found = impact(self.graph, down, min_confidence=min_confidence, index=self.index)
            self._answers.put(key, found)
        return found

    def impact_page(self, down: Iterable[str], min_confidence: str, offset: int, limit: int) -> bytes:
        """One page of an impact answer as JSON (``Impact.to_dict`` plus the revision), rendered once: the
        same question again, in the same words, is a lookup."""
        names = tuple(down)
        key = (names, min_confidence, offset, limit, self.stale)
        page = self._pages.get(key)
        if page is None:
            result = self.impact(tuple(sorted(set(self.resolve_all(names)))), min_confidence)
            page = orjson.dumps({**result.to_dict(offset=offset, limit=limit), **self.stamp})
            self._pages.put(key, page)
        return page

    def resolve(self, name: str) -> str:
        return self.resolver.resolve(name)

    def resolve_all(self, names: Iterable[str]) -> tuple[str, ...]:
        return self.resolver.resolve_all(names)

    def find(self, *, kind: str | None = None, q: str | None = None) -> list[str]:
        """Node ids with label ``kind`` matching the search ``q`` (best first), or all sorted by id."""
        ids = self.resolver.search(q) if q is not None else tuple(sorted(self.graph.nodes))
        if kind is None:
            return list(ids)
        return [n for n in ids if kind in (self.graph.nodes[n].get("labels") or ())]

    def node(self, node_id: str, *, summary: bool = False) -> dict[str, Any]:
        """A node's fields; unless ``summary``, with its direct dependencies and dependents as evidence."""
        data = dict(self.graph.nodes[node_id])
        if summary:
            return {k: data.get(k) for k in _SUMMARY}
        data["dependencies"] = [r.to_dict() for r in dependencies(self.graph, node_id, depth=1).items]
        data["dependents"] = [r.to_dict() for r in dependents(self.graph, node_id, depth=1).items]
        return data

    def resolve_edit(self, edit: dict[str, Any]) -> dict[str, Any]:
        """An edit's JSON form with its endpoints (and an added edge's scope) resolved to node ids."""
        out = {**edit, "source": self.resolve(edit["source"]), "target": self.resolve(edit["target"])}
        if "scope" in edit:
            out["scope"] = list(self.resolve_all(edit["scope"]))
        return out

    def drawing_dict(self) -> dict[str, Any]:
        return asdict(self.drawing)

    def _once(self, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    def export(self, fmt: str) -> tuple[str, str]:
        """``(media_type, text)`` of this revision in an interchange format, rendered once."""
        result: tuple[str, str] = self._once(("export", fmt), lambda: export(self.portfolio, fmt))
        return result

    def critical(self, min_confidence: str) -> Criticality:
        result: Criticality = self._once(
            ("critical", min_confidence), lambda: critical(self.graph, min_confidence=min_confidence)
        )
        return result

    def cycles(self, min_confidence: str) -> Cycles:
        result: Cycles = self._once(
            ("cycles", min_confidence), lambda: cycles(self.graph, min_confidence=min_confidence)
        )
        return result

    @cached_property
    def drawing(self) -> GraphView:
        return layered_layout(self.graph)


class GraphService:
    """The store (built on first use, never at import or app creation) and the current :class:`Snapshot`."""

    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._last_good = LastGood(
            Snapshot.as_stale,
            deadline=settings.store_timeout,
            recheck=settings.store_recheck,
            recheck_max=settings.store_recheck_max,
        )

    @property
    def store(self) -> GraphStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = build_store(self.settings)
        return self._store

    def snapshot(self) -> Snapshot:
        """The current revision; while the store does not answer, the last one read, flagged ``stale``."""
        return self._last_good.get(self._current)

    def _current(self) -> Snapshot:
        """The store's current revision, rebuilt only when the store's revision has changed."""
        store = self.store
        revision = store.revision()
        current = self._snapshot
        if current is not None and current.revision == revision:
            return current
        with self._lock:
            current = self._snapshot
            if current is not None and current.revision == revision:
                return current
            try:
                portfolio = store.read()
            except LookupError:
                raise StoreUnavailable(
                    f"the {store.name} store holds no portfolio yet; load one (eagraph load)"
                ) from None
            current = Snapshot.of(portfolio)
            self._snapshot = current
            # A large graph is millions of long-lived objects: keep the cyclic collector from walking them
            # again and again (a full collection over a million-edge graph takes about a second).
            gc.collect()
            gc.freeze()
            return current

    def reload(self) -> LoadResult:
        """Parse the configured portfolio again and load it; a document that fails to parse changes nothing."""
        return self.store.load(load_any(self.settings.portfolio))

    def readiness(self) -> tuple[str, str, int, int]:
        """(store name, revision, nodes, edges) when the store answers now; raises StoreUnavailable if not."""
        try:
            return within(self.settings.store_timeout, self._readiness)
        except StoreUnavailable as exc:
            last = self._last_good.last
            if last is None:
                raise
            raise StoreUnavailable(f"{exc}; reads answer from revision {last.revision}, stale") from exc

    def _readiness(self) -> tuple[str, str, int, int]:
        store = self.store
        store.ping()
        revision = store.revision()
        if revision is None:
            raise StoreUnavailable(f"the {store.name} store holds no portfolio yet; load one (eagraph load)")
        nodes, edges = store.counts()
        return store.name, revision, nodes, edges

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
