"""What the routes stand on: the store, and the graph built from it once per revision.

A :class:`Snapshot` is one revision made ready to answer questions: the networkx graph, the name resolver,
the impact index, the drawing, and the answers that do not depend on the question (critical components,
cycles) memoised. Impact answers are cached per revision: the last few computed answers (so every page of
one question shares one computation) and the serialised pages themselves, so the same question again is a
dictionary lookup. A request takes the current snapshot once and answers from it alone, so a reload in the
middle of a request never mixes two revisions, and a new revision starts with empty caches.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Generic, TypeVar

import networkx as nx

from app.resilience import LastGood, within
from app.schemas import ImpactResult, stamped
from app.settings import Settings
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
from graph.edges import confidence_rank
from graph.errors import EagraphError
from graph.exports import export
from graph.impact import ImpactIndex
from graph.layout import GraphView, layered_layout
from graph.model import Portfolio, paused_gc, to_networkx
from graph.shape import to_json
from graph.store import (
    Change,
    GraphStore,
    LoadResult,
    RevisionInfo,
    SourcePart,
    StoreUnavailable,
    current_or_none,
)
from graph.stores import open_store
from loaders import curation
from loaders.interchange import load_any
from loaders.sources import portfolio_sources

__all__ = ["LRU", "GraphBuilding", "GraphService", "Rebuilder", "ReloadTimeout", "Snapshot", "outcome"]

log = logging.getLogger("eagraph.api")

_SUMMARY = ("id", "name", "short", "kind", "labels", "aliases", "category")
ANSWERS = 8  # computed impact answers kept per revision (each holds a few arrays of the graph's size)
PAST_SNAPSHOTS = 3  # snapshots of earlier revisions kept for reads as of them and diffs
WARM = 16  # impact pages a new revision computes before it replaces the one answering
PAGES = 512  # serialised impact pages kept per revision ...
PAGE_BYTES = 128 * 1024 * 1024  # ... and at most this many bytes of them

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


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

    def recent(self, n: int) -> list[K]:
        """The keys of the ``n`` values used last, most recent first.

        >>> cache: LRU[str, int] = LRU(3); cache.put("a", 1); cache.put("b", 2); _ = cache.get("a")
        >>> cache.recent(5)
        ['a', 'b']
        """
        with self._lock:
            return list(reversed(self._data))[:n]

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
        with paused_gc():  # millions of new acyclic objects: no collection walks them while they are made
            G = to_networkx(portfolio)
            index = ImpactIndex(G)
            for level in ("inferred", "curated"):  # the default question and its inferred flags
                index.in_edges(confidence_rank(level))
            return cls(portfolio, G, Resolver(G), index)

    def warm(self, previous: Snapshot | None) -> None:
        """Ready this revision for what the previous one was asked: the name index, the index without batch
        flows, and the :data:`WARM` impact pages asked for last, computed again here. A question that no
        longer resolves (its node is gone) is skipped."""
        with paused_gc():
            self.resolver.complete()
            if self.index.has_batch:
                self.index.live()
            for names, min_confidence, offset, limit, _ in previous._pages.recent(WARM) if previous else ():
                with contextlib.suppress(EagraphError):
                    self.impact_page(names, min_confidence, offset, limit)

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
        """One page of an impact answer as JSON (:class:`app.schemas.ImpactResult`: ``Impact.page`` plus the
        revision), rendered once: the same question again, in the same words, is a lookup."""
        names = tuple(down)
        key = (names, min_confidence, offset, limit, self.stale)
        page = self._pages.get(key)
        if page is None:
            result = self.impact(tuple(sorted(set(self.resolve_all(names)))), min_confidence)
            page = to_json(stamped(ImpactResult, result.page(offset=offset, limit=limit), self.stamp))
            self._pages.put(key, page)
        return page

    def resolve(self, name: str) -> str:
        return self.resolver.resolve(name)

    def resolve_all(self, names: Iterable[str]) -> tuple[str, ...]:
        return self.resolver.resolve_all(names)

    def find(self, *, kind: str | None = None, q: str | None = None, source: str | None = None) -> list[str]:
        """Node ids with label ``kind`` from ``source`` matching the search ``q`` (best first), or all sorted
        by id."""
        ids = list(self.resolver.search(q)) if q is not None else sorted(self.graph.nodes)
        nodes = self.graph.nodes
        if kind is not None:
            ids = [n for n in ids if kind in (nodes[n].get("labels") or ())]
        if source is not None:
            only = len(self.sources()) == 1 and self.sources()[0]["id"] == source  # one source: every node
            ids = [n for n in ids if only or source in (nodes[n].get("sources") or ())]
        return ids

    def sources(self, loaded: tuple[SourcePart, ...] = ()) -> list[dict[str, Any]]:
        """Each source of this revision: id, document, organisation, file hash, the nodes and edges it
        describes or mentions, and (from ``loaded``, the store's parts) the revision that loaded it and when."""

        def compute() -> list[dict[str, Any]]:
            refs = portfolio_sources(self.portfolio)
            nodes = {r.id: 0 for r in refs}
            for n in self.portfolio.nodes:
                for s in n.sources or (refs[0].id,):
                    nodes[s] = nodes.get(s, 0) + 1
            edges = {r.document: 0 for r in refs}
            for e in self.portfolio.edges:
                key = e.document if e.document in edges else refs[0].document
                edges[key] += 1
            return [
                {**r.to_dict(), "nodes": nodes.get(r.id, 0), "edges": edges.get(r.document, 0)} for r in refs
            ]

        rows: list[dict[str, Any]] = self._once(("sources", ""), compute)
        by_id = {part.id: part for part in loaded}
        return [
            {
                **row,
                "revision": by_id[row["id"]].revision if row["id"] in by_id else self.revision,
                "loaded_at": by_id[row["id"]].loaded_at or None if row["id"] in by_id else None,
            }
            for row in rows
        ]

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


class GraphBuilding(Exception):
    """No revision is ready to answer yet: the first snapshot is being built (a 503 with ``Retry-After``)."""


class ReloadTimeout(Exception):
    """A reload did not finish within ``Settings.reload_timeout`` seconds (a 503 with ``Retry-After``)."""


class GraphService:
    """The store (built on first use, never at import or app creation) and the current :class:`Snapshot`.

    Snapshots are built in the background, one build at a time (:class:`Rebuilder`): a request never waits
    for one. While a new revision is built, requests are answered from the previous one, which every answer
    names (``revision``), and the header ``X-Eagraph-Latest-Revision`` names the one on its way. The new
    snapshot replaces the old by one reference assignment. With no snapshot at all yet, a request is a 503
    (:class:`GraphBuilding`), and ``/ready`` stays 503 until a snapshot can answer.

    Reloads run on a thread of their own, one at a time (a second :class:`Rebuilder`): reloads asked for
    while one runs share the next one, so forty at once are two loads, and a waiting request holds no
    thread (:meth:`reload` is a coroutine). See :meth:`reload` for the time bound.
    """

    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self._store = store
        # A memory store the service opens itself starts empty; the builder loads the configured portfolio.
        self._initial_load = store is None and settings.store == "memory"
        self._snapshot: Snapshot | None = None
        self.latest_revision: str | None = None  # the store's revision as last seen by a request
        self._lock = threading.Lock()
        self._past: LRU[str, Snapshot] = LRU(PAST_SNAPSHOTS)  # revisions asked for by id, built on demand
        self._builder: Rebuilder[None] = Rebuilder(self._build, retry_after=BUILD_RETRY)
        self._reloader: Rebuilder[LoadResult] = Rebuilder(self._reload, retry_after=0, name="eagraph-reload")
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
                    self._store = open_store(self.settings, timeout=self.settings.store_timeout)
        return self._store

    def decide(self, change: Change) -> LoadResult:
        """Make a curation decision (:mod:`loaders.curation`) as a new revision, and have its snapshot built:
        the next reads answer from it once built (until then, from the revision before, flagged by id)."""
        result = self.store.update(change)
        self._initial_load = False
        self._builder.ask()
        return result

    def read_current(self) -> Portfolio | None:
        """The store's current graph, or ``None`` before anything is loaded (what a curation change reads)."""
        return current_or_none(self.store)

    def loaded_sources(self) -> tuple[SourcePart, ...]:
        """The source parts the store keeps (when and by which revision each source was loaded); none when
        the store does not answer: the sources are still listed, from the graph."""
        try:
            return self.store.sources()
        except StoreUnavailable:
            return ()

    def snapshot(self, revision: str | None = None) -> Snapshot:
        """The current revision; while the store does not answer, the last one read, flagged ``stale``. With
        ``revision``: that kept revision, built on demand and kept in a small LRU beside the current one
        (``RevisionNotFound`` when the store does not keep it)."""
        current = self._last_good.get(self._current)
        if revision is None or revision == current.revision:
            return current
        snap = self._past.get(revision)
        if snap is None:
            snap = Snapshot.of(
                within(self.settings.store_timeout * 10, lambda: self.store.read(revision=revision))
            )
            self._past.put(revision, snap)
        return snap

    def revisions(self) -> tuple[RevisionInfo, ...]:
        """The revisions the store keeps, the most recent first."""
        return self.store.revisions()

    def _current(self) -> Snapshot:
        """The snapshot of the store's revision; while that one is built, the previous one."""
        store = self.store
        revision = store.revision()
        self.latest_revision = revision
        current = self._snapshot
        if current is not None and current.revision == revision:
            return current
        if revision is not None or self._initial_load:
            self._builder.request()
        if current is not None:
            return current
        error = self._builder.error
        if error is not None:
            raise error
        if revision is None and not self._initial_load:
            raise StoreUnavailable(f"the {store.name} store holds no portfolio yet; load one (eagraph load)")
        raise GraphBuilding(
            f"the graph of revision {revision} is being built" if revision else "the portfolio is being read"
        )

    def start(self) -> None:
        """Begin building the first snapshot in the background (the server starts without waiting)."""
        self._reloader.start()
        self._builder.start()
        self._builder.request()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no reload nor build is asked for or running (tests, and a CLI that wants a ready
        service); ``False`` if that took longer than ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        return self._reloader.wait_idle(timeout) and self._builder.wait_idle(
            max(0.0, deadline - time.monotonic())
        )

    def _build(self) -> None:
        """One build, on the builder's thread: the store's current revision made into the current snapshot."""
        store = self.store
        if self._initial_load:
            with paused_gc():
                store.update(curation.load_whole(load_any(self.settings.portfolio)))
            self._initial_load = False
        revision = store.revision()
        current = self._snapshot
        if revision is None or (current is not None and current.revision == revision):
            return
        portfolio = store.read()
        if current is not None and portfolio.revision == current.revision:
            return
        built = Snapshot.of(portfolio)
        if current is None:  # nothing answers yet: the first revision answers at once, then warms up
            self._swap(built)
            built.warm(None)
        else:  # the previous revision answers until this one is as ready as it was
            built.warm(current)
            self._swap(built)
        del current, portfolio, built
        # A large graph is millions of long-lived objects: frozen, the cyclic collector stops walking them on
        # every full collection. The snapshot replaced holds no reference cycle (graph.model.PortfolioGraph):
        # it is freed, frozen or not, when the last request using it is done, and no full collection (seconds
        # with every request waiting) is needed.
        gc.freeze()

    def _swap(self, built: Snapshot) -> None:
        self._snapshot = built
        self._last_good.record(built)

    async def reload(self) -> LoadResult:
        """Parse the configured portfolio again and load it; a document that fails to parse changes nothing.

        The reload runs on the reload thread, never on the caller's: a reload asked for while another runs
        joins the next one (which reads the document as it is after this call), and every caller gets that
        run's result, once the new revision's snapshot answers reads. A caller waits at most
        ``Settings.reload_timeout`` seconds, then gets :class:`ReloadTimeout`; a run whose document is read
        only after that deadline loads nothing.
        """
        timeout = self.settings.reload_timeout
        try:
            return await outcome(self._reloader.ask(), timeout)
        except TimeoutError:
            raise ReloadTimeout(
                f"the reload did not finish within {timeout:g} s (EAGRAPH_RELOAD_TIMEOUT); a portfolio read "
                "after that is not loaded"
            ) from None

    def _reload(self) -> LoadResult:
        """One reload, on the reload thread: read the portfolio, then load it unless the reload is late."""
        deadline = self._reloader.run_asked_at + self.settings.reload_timeout
        if time.monotonic() > deadline:  # waited behind a slow run longer than its callers wait
            raise ReloadTimeout("the reload waited too long for the one before it to finish")
        with paused_gc():  # a full collection now would walk the whole new portfolio, every request waiting
            portfolio = load_any(self.settings.portfolio)
            if time.monotonic() > deadline:
                raise ReloadTimeout(
                    f"reading {portfolio.document} took longer than {self.settings.reload_timeout:g} s "
                    "(EAGRAPH_RELOAD_TIMEOUT); nothing was loaded"
                )
            result = self.store.update(curation.load_whole(portfolio))
        self._initial_load = False
        self._await_snapshot(deadline)
        return result

    def _await_snapshot(self, deadline: float) -> None:
        """Wait, until ``deadline`` at most, for the snapshot of what was just loaded: once a reload answers,
        reads answer from its revision. A build that fails or is late is not the reload's failure (the load
        is done): ``/ready`` and the reads report it."""
        try:
            self._builder.ask().result(timeout=max(0.0, deadline - time.monotonic()))
        except Exception as exc:  # the build's error, or TimeoutError
            log.warning("the snapshot of the reloaded revision is not ready: %r", exc)

    def readiness(self) -> tuple[str, str, int, int]:
        """(store name, revision, nodes, edges) of the snapshot that answers, when the store answers now too;
        raises StoreUnavailable (or GraphBuilding) if not."""
        try:
            snap = within(self.settings.store_timeout, self._current)
        except StoreUnavailable as exc:
            last = self._last_good.last
            if last is None:
                raise
            raise StoreUnavailable(f"{exc}; reads answer from revision {last.revision}, stale") from exc
        return self.store.name, snap.revision, len(snap.portfolio.nodes), len(snap.portfolio.edges)

    def close(self) -> None:
        self._reloader.stop()
        self._builder.stop()
        if self._store is not None:
            self._store.close()


BUILD_RETRY = 2.0  # seconds before a failed build is tried again on request


class Rebuilder(Generic[T]):
    """Runs ``build`` on one background thread whenever asked, one run at a time; asks that arrive during a
    run make one more run after it (which then sees the newest revision), never a queue of runs.

    The thread is started on the first ask and lives on: every snapshot is built by the same thread, so the
    C allocator serves them all from one arena and a freed snapshot's memory is reused by the next (a new
    thread per build would spread them over a new arena each time).

    :meth:`request` asks without waiting. The last run's error is kept (``error``) until a run succeeds;
    after a failure a new run starts on request only ``retry_after`` seconds later, so a broken document or
    a store that is down is not retried per request. :meth:`ask` asks regardless of that back-off and
    returns the future of the next run to start, shared by every ask until it starts: its result or error.

    >>> runs = []
    >>> r = Rebuilder(lambda: runs.append(1), retry_after=0)
    >>> r.request(); r.wait_idle(5), len(runs)
    (True, 1)
    >>> counter = Rebuilder(lambda: len(runs), retry_after=60)
    >>> counter.ask().result(5), counter.ask().result(5)
    (1, 1)
    """

    def __init__(
        self, build: Callable[[], T], *, retry_after: float, name: str = "eagraph-snapshot-build"
    ) -> None:
        self._build = build
        self._retry_after = retry_after
        self._name = name
        self._cv = threading.Condition()
        self._asked = False
        self._asked_at = 0.0  # when the next run was first asked for
        self._waiting: Future[T] | None = None  # the next run's outcome, for ask()
        self._running = False
        self._thread: threading.Thread | None = None
        self._not_before = 0.0
        self._stopped = False
        self.error: Exception | None = None
        self.run_asked_at = 0.0  # when the run under way was first asked for (``time.monotonic``)

    def request(self) -> None:
        """Ask for a run, unless one is already asked for or the back-off after a failure is not over."""
        with self._cv:
            if not self._stopped and time.monotonic() >= self._not_before:
                self._ask()

    def ask(self) -> Future[T]:
        """Ask for a run whatever the back-off; the future of the next run to start."""
        with self._cv:
            if self._waiting is None:
                self._waiting = Future()
            waiting = self._waiting
            if self._stopped:
                self._waiting = None
                waiting.set_exception(StoreUnavailable("the service is shutting down"))
                return waiting
            self._ask()
            return waiting

    def _ask(self) -> None:
        """Under the lock: mark a run as asked for, starting the thread on the first ask."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
            self._thread.start()
        if not self._asked:
            self._asked, self._asked_at = True, time.monotonic()
            self._cv.notify_all()

    def _serve(self) -> None:
        while True:
            with self._cv:
                self._running = False
                self._cv.notify_all()
                self._cv.wait_for(lambda: self._asked or self._stopped)
                if self._stopped:
                    self._thread = None  # a later start() begins a new one
                    return
                self._asked, self._running = False, True
                self.run_asked_at = self._asked_at
                waiting, self._waiting = self._waiting, None
            try:
                result = self._build()
            except Exception as exc:  # kept for the requests to report (errors map it to a problem)
                log.warning("%s failed: %s", self._name, exc)
                with self._cv:
                    self.error = exc
                    self._not_before = time.monotonic() + self._retry_after
                if waiting is not None:
                    waiting.set_exception(exc)
            else:
                with self._cv:
                    self.error = None
                if waiting is not None:
                    waiting.set_result(result)

    def start(self) -> None:
        """Take asks again after :meth:`stop` (an app whose lifespan starts again, as in tests)."""
        with self._cv:
            self._stopped = False

    def stop(self) -> None:
        """End the thread after the run under way, if any (the service is closing); a run asked for and not
        started fails."""
        with self._cv:
            self._stopped, self._asked = True, False
            waiting, self._waiting = self._waiting, None
            self._cv.notify_all()
        if waiting is not None:
            waiting.set_exception(StoreUnavailable("the service is shutting down"))

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is asked for or running; ``False`` if that took longer than ``timeout`` s."""
        with self._cv:
            return self._cv.wait_for(lambda: not self._asked and not self._running, timeout)


async def outcome(future: Future[T], timeout: float) -> T:
    """The result of ``future`` (a run on another thread), awaited without holding a thread of the caller's;
    :class:`TimeoutError` after ``timeout`` seconds. The run itself is left alone: others may wait for it.

    >>> done: Future[int] = Future(); done.set_result(7)
    >>> asyncio.run(outcome(done, 1.0))
    7
    """
    loop = asyncio.get_running_loop()
    finished = asyncio.Event()

    def wake(_: Future[T]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            loop.call_soon_threadsafe(finished.set)

    future.add_done_callback(wake)
    await asyncio.wait_for(finished.wait(), timeout)
    return future.result()
