"""What the routes stand on: the store, and the graph built from it once per revision.

A :class:`Snapshot` is one revision made ready to answer questions: the networkx graph, the name resolver,
the drawing, and the answers that do not depend on the question (critical components, cycles) memoised. A
request takes the current snapshot once and answers from it alone, so a reload in the middle of a request
never mixes two revisions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

import networkx as nx

from app.layout import GraphView, layered_layout
from app.resilience import LastGood, within
from app.settings import Settings
from app.store import build_store
from graph.analysis import Criticality, Cycles, Resolver, critical, cycles, dependencies, dependents
from graph.exports import export
from graph.model import Portfolio, to_networkx
from graph.store import GraphStore, LoadResult, StoreUnavailable
from loaders import load_portfolio

__all__ = ["GraphService", "Snapshot"]

_SUMMARY = ("id", "name", "short", "kind", "labels", "aliases", "category")


@dataclass(eq=False)
class Snapshot:
    """One revision of the portfolio, built for answering. Immutable once built; memoised parts are lazy."""

    portfolio: Portfolio
    graph: nx.MultiDiGraph
    resolver: Resolver
    _memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    stale: bool = False  # served from the last revision read because the store does not answer

    @classmethod
    def of(cls, portfolio: Portfolio) -> Snapshot:
        G = to_networkx(portfolio)
        return cls(portfolio, G, Resolver(G))

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
            return current

    def reload(self) -> LoadResult:
        """Parse the configured portfolio again and load it; a document that fails to parse changes nothing."""
        return self.store.load(load_portfolio(self.settings.portfolio))

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
