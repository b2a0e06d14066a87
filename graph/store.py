"""The store port, and the in-memory adapter that is both the embedded default and the test double.

A store holds one *revision* of a portfolio at a time. ``load`` replaces it atomically: readers see the old
revision or the new one, never a mix; a load that fails leaves the old one whole. The Neo4j adapter
(:mod:`graph.neo4j_store`) keeps the same promises against a real server.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM), Node("b", "B", NodeKind.SYSTEM)),
...               (Edge("a", "b", RelType.USES, "A uses B."),))
>>> store = MemoryStore()
>>> store.revision() is None
True
>>> store.load(p).nodes, store.revision() == p.revision
(2, True)
>>> store.load(p).changed      # the same content again is the same revision
False

A graph made of several sources (:mod:`loaders.sources`) keeps each source's own portfolio beside the revision
(:class:`SourcePart`): :meth:`GraphStore.update` hands the current parts to a function that returns the new
graph and parts, under the store's writer lock, so loading source B keeps A's contribution and two writers
never lose each other's work.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from graph.model import Portfolio

__all__ = [
    "DEFAULT_REVISIONS_KEPT",
    "Change",
    "Decision",
    "GraphStore",
    "LoadResult",
    "MemoryStore",
    "Progress",
    "RevisionInfo",
    "RevisionNotFound",
    "SourcePart",
    "StoreState",
    "StoreUnavailable",
    "current_or_none",
    "revision_maker",
]

Progress = Callable[[int, int], None]  # (done, total) in rows written: nodes, edges and findings


class StoreUnavailable(Exception):
    """The store cannot be reached or refused the operation; the message says which and where."""


@dataclass(frozen=True)
class LoadResult:
    revision: str
    nodes: int
    edges: int
    changed: bool  # False when the store already held this revision


@dataclass(frozen=True)
class SourcePart:
    """One source as it was loaded: its own portfolio (before merging), kept with every later revision."""

    id: str
    document: str
    organisation: str | None
    sha256: str | None
    revision: str  # the revision the load of this source made
    loaded_at: str  # when, ISO 8601 UTC
    portfolio: Portfolio

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "organisation": self.organisation,
            "sha256": self.sha256,
            "revision": self.revision,
            "loaded_at": self.loaded_at,
            "portfolio": self.portfolio.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourcePart:
        return cls(
            d["id"],
            d["document"],
            d.get("organisation"),
            d.get("sha256"),
            d["revision"],
            d["loaded_at"],
            Portfolio.from_dict(d["portfolio"]),
        )


@dataclass(frozen=True)
class Decision:
    """An architect's correction of the graph: one overlay operation (``op``, e.g. ``edges.remove``, with its
    ``item``), signed (``author``, ``at``) and reasoned. Decisions are append-only: a correction is a new
    decision, a revert is a decision (``op`` ``revert``) naming the one it undoes (:mod:`loaders.curation`)."""

    id: str
    seq: int
    op: str
    item: dict[str, Any]
    author: str
    at: str  # ISO 8601 UTC
    reason: str
    reverts: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "op": self.op,
            "item": dict(self.item),
            "author": self.author,
            "at": self.at,
            "reason": self.reason,
            "reverts": self.reverts,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Decision:
        return cls(
            str(d["id"]),
            int(d["seq"]),
            str(d["op"]),
            dict(d.get("item") or {}),
            str(d["author"]),
            str(d["at"]),
            str(d["reason"]),
            d.get("reverts"),
        )


DEFAULT_REVISIONS_KEPT = 20


class RevisionNotFound(LookupError):
    """A revision the store does not keep (never made, or cleaned up)."""

    def __init__(self, revision: str) -> None:
        super().__init__(f"no revision {revision!r} is kept (see the revision list)")
        self.revision = revision


@dataclass(frozen=True)
class RevisionInfo:
    """One revision the store keeps: its id, when and by what it was made, its size, whether it is current."""

    revision: str
    loaded_at: str
    made_by: str
    nodes: int
    edges: int
    current: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "loaded_at": self.loaded_at,
            "made_by": self.made_by,
            "nodes": self.nodes,
            "edges": self.edges,
            "current": self.current,
        }


@dataclass(frozen=True)
class StoreState:
    """What a store keeps beside the graph: the sources it was merged from, and the decisions applied."""

    parts: tuple[SourcePart, ...] = ()
    decisions: tuple[Decision, ...] = ()


# The current state -> the new graph and state (see GraphStore.update).
Change = Callable[[StoreState], tuple[Portfolio, StoreState]]


@runtime_checkable
class GraphStore(Protocol):
    """What every store offers. Errors of the backing service surface as :class:`StoreUnavailable`."""

    name: str

    def load(self, portfolio: Portfolio, *, progress: Progress | None = None) -> LoadResult:
        """Replace the graph with ``portfolio`` (and no source parts)."""
        ...

    def update(self, change: Change, *, progress: Progress | None = None) -> LoadResult:
        """Under the writer lock: ``change(current state)`` gives the new graph and state (source parts and
        decisions), loaded as one revision."""
        ...

    def sources(self) -> tuple[SourcePart, ...]:
        """The source parts of the current revision (none when it was loaded whole)."""
        ...

    def decisions(self) -> tuple[Decision, ...]:
        """Every decision made, in order (append-only)."""
        ...

    def revisions(self) -> tuple[RevisionInfo, ...]:
        """The revisions kept (the current one and the most recent others), the most recent first."""
        ...

    def read(self, *, revision: str | None = None) -> Portfolio:
        """The current revision (or the kept ``revision``): nodes, edges and findings. Raises LookupError when
        nothing is loaded, :class:`RevisionNotFound` for a revision not kept."""
        ...

    def revision(self) -> str | None: ...

    def counts(self) -> tuple[int, int]:
        """(nodes, edges) of the current revision."""
        ...

    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers now."""
        ...

    def close(self) -> None: ...


def current_or_none(store: GraphStore) -> Portfolio | None:
    """The store's current graph, or ``None`` when nothing is loaded yet.

    >>> current_or_none(MemoryStore()) is None
    True
    """
    try:
        return store.read()
    except LookupError:
        return None


class MemoryStore:
    """The portfolio held in process. Swapping one reference under a lock makes loads atomic to readers."""

    name = "memory"

    def __init__(
        self, decisions_file: Path | None = None, revisions_kept: int = DEFAULT_REVISIONS_KEPT
    ) -> None:
        self._lock = threading.Lock()
        self._writer = threading.Lock()
        self._current: Portfolio | None = None
        self._kept: list[tuple[Portfolio, RevisionInfo]] = []  # the most recent last
        self.revisions_kept = max(1, revisions_kept)
        self._state = StoreState(decisions=read_decisions(decisions_file) if decisions_file else ())
        self.decisions_file = decisions_file

    def load(self, portfolio: Portfolio, *, progress: Progress | None = None) -> LoadResult:
        return self.update(lambda state: (portfolio, replace(state, parts=())), progress=progress)

    def update(self, change: Change, *, progress: Progress | None = None) -> LoadResult:
        with self._writer:
            portfolio, state = change(self._state)
            total = len(portfolio.nodes) + len(portfolio.edges) + len(portfolio.findings)
            if progress is not None:  # before the swap: a load aborted by its progress hook changes nothing
                progress(total, total)
            if self.decisions_file is not None and state.decisions != self._state.decisions:
                write_decisions(self.decisions_file, state.decisions)  # a failure here changes nothing
            by = revision_maker(state.decisions[len(self._state.decisions) :])
            with self._lock:
                changed = self._current is None or self._current.revision != portfolio.revision
                self._current, self._state = portfolio, state
                info = RevisionInfo(
                    portfolio.revision, _now(), by, len(portfolio.nodes), len(portfolio.edges), True
                )
                kept = [(p, i) for p, i in self._kept if p.revision != portfolio.revision]
                self._kept = [*kept, (portfolio, info)][-self.revisions_kept :]
        return LoadResult(portfolio.revision, len(portfolio.nodes), len(portfolio.edges), changed)

    def sources(self) -> tuple[SourcePart, ...]:
        return self._state.parts

    def decisions(self) -> tuple[Decision, ...]:
        return self._state.decisions

    def read(self, *, revision: str | None = None) -> Portfolio:
        current = self._current
        if current is None:
            raise LookupError("nothing loaded yet")
        if revision is None or revision == current.revision:
            return current
        for p, _ in self._kept:
            if p.revision == revision:
                return p
        raise RevisionNotFound(revision)

    def revisions(self) -> tuple[RevisionInfo, ...]:
        current = self.revision()
        return tuple(
            RevisionInfo(i.revision, i.loaded_at, i.made_by, i.nodes, i.edges, i.revision == current)
            for _, i in reversed(self._kept)
        )

    def revision(self) -> str | None:
        current = self._current
        return current.revision if current is not None else None

    def counts(self) -> tuple[int, int]:
        current = self.read()
        return len(current.nodes), len(current.edges)

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None


# --- the memory store's decisions file: one JSON object per line, in order (git diffs show each decision) ---


def read_decisions(path: Path) -> tuple[Decision, ...]:
    """The decisions in ``path`` (none when it does not exist yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except OSError as exc:
        raise StoreUnavailable(f"cannot read the decisions file {path}: {exc.strerror}") from None
    try:
        return tuple(Decision.from_dict(json.loads(line)) for line in text.splitlines() if line.strip())
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreUnavailable(f"the decisions file {path} is damaged: {exc}") from None


def write_decisions(path: Path, decisions: Sequence[Decision]) -> None:
    """Replace ``path`` with ``decisions`` at once (a temporary file renamed over it): a reader or a crash sees
    the old file or the new one, never half of one."""
    text = "".join(json.dumps(d.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for d in decisions)
    try:
        replace_file(path, text)
    except OSError as exc:
        raise StoreUnavailable(f"cannot write the decisions file {path}: {exc.strerror}") from None


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` at once: a temporary file beside it, flushed to disk, renamed over it, so a
    reader or a crash sees the old file or the new one, never half of one. Raises OSError (nothing is left
    behind)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def revision_maker(decisions: Sequence[Decision], load: str = "load") -> str:
    """What made a revision, as the revision list says it: the decisions it applied, else ``load`` (the Neo4j
    store says what it loaded: ``load of seed.txt``)."""
    if decisions:
        return "; ".join(f"decision {d.id} ({d.op}) by {d.author}" for d in decisions)
    return load
