"""The Neo4j adapter of the store port: the only module that imports ``neo4j``; all its Cypher is here.

The graph in Neo4j
------------------
* Every portfolio node is a ``:Node`` (the *common label*: ``MATCH (n:Node) RETURN count(n)`` is the node
  count) with one more label per entry of ``node.labels`` (``:System``, ``:Integration``, ``:Actor``,
  ``:External``, ``:Website``) and all of the node's fields as properties.
* Every edge is a relationship whose type is the edge's :class:`~graph.model.RelType`, carrying evidence,
  confidence, strength, alt_group, scope, document, line, rule and note. Only dependency edges are
  relationships, so ``MATCH ()-[r]->() RETURN count(r)`` is the edge count.
* Findings are ``:Finding`` nodes and each loaded revision is one ``:Revision`` node (document, meta, entries,
  notes, counts, ``current``); neither carries ``:Node``.
* Labels and relationship types cannot be Cypher parameters: they come from the enums only, checked by
  :func:`_labels` and :func:`_rel_type` (the allow-list is the injection guard). Every value is a parameter.

Revisions: a load is atomic to readers
--------------------------------------
Every row (node, relationship, finding) is stamped with the portfolio's revision (a content hash) and keyed
by ``(id, revision)``, so a new revision is written *beside* the current one, batch by batch
(``UNWIND $rows … MERGE``, one transaction per batch, ``writers`` of them in flight at once). Readers only
read rows of the revision named by the ``:Revision {current: true}`` node. When every batch is in, one transaction checks that the new revision is
complete (its counts equal the portfolio's) and flips ``current`` to it. Only then are the rows of other
revisions deleted, by a statement that reads the current revision itself (so it can never delete the current
one, nor anything when none is current). A load that fails midway never flips, skips the cleanup and so
leaves the previous revision whole; its partial rows are removed by the next successful load. Loading the
current revision again writes the same rows over themselves: no count changes.

Writers, one at a time
----------------------
A load holds the database's writer lock from its first batch to the end of its cleanup: one
``(:WriterLock {name: "eagraph"})`` node with an ``owner`` (host, process, a random id), what it is doing,
``since`` and ``expires``. It exists only while a writer holds it. A second writer (another ``eagraph load``,
the API's reload, the compose loader) waits for it, up to ``lock_wait`` seconds, then fails in one line naming
the holder. The holder renews its lease as it goes; a writer that dies stops renewing, and once its lease has
run out the next writer takes the lock over. The flip checks, in its own transaction, that this writer still
holds the lock: a load whose lease was taken over never makes anything current.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from graph.model import OPTIONAL_EDGE_FIELDS, Edge, Entry, Finding, Node, NodeKind, Portfolio, RelType
from graph.store import (
    DEFAULT_REVISIONS_KEPT,
    Change,
    Decision,
    LoadResult,
    Progress,
    RevisionInfo,
    RevisionNotFound,
    SourcePart,
    StoreState,
    StoreUnavailable,
    revision_maker,
)

__all__ = ["COMMON_LABEL", "Neo4jStore"]

log = logging.getLogger("eagraph.neo4j")

COMMON_LABEL = "Node"
LOCK_NAME = "eagraph"  # one writer lock per database
DEFAULT_RETRY_TIME = 15.0  # seconds the driver retries one transaction through transient errors
DEFAULT_CONNECTION_TIMEOUT = 10.0  # seconds one connection attempt may take
DEFAULT_LOCK_LEASE = 60.0  # seconds a writer holds the lock without renewing it (renewed every third of it)
DEFAULT_LOCK_WAIT = 300.0  # seconds a second writer waits for the first before giving up
# Rows per UNWIND statement and transaction: 500 loaded 2,500 relationships/s here, 5,000 about 10,000 (before
# the element-id lookups; 2,500 and 10,000 measure the same as 5,000 now, docs/scaling.md).
DEFAULT_BATCH_SIZE = 5000
# Transactions in flight at once, each in its own session: the client encodes the next batch while the server
# writes this one.
DEFAULT_WRITERS = 2
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

T = TypeVar("T")

# --- schema: constraints and indexes, created before the first write ------------------------------------
SCHEMA: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT eagraph_node_id IF NOT EXISTS FOR (n:Node) REQUIRE (n.id, n.revision) IS UNIQUE",
    "CREATE CONSTRAINT eagraph_finding_seq IF NOT EXISTS FOR (f:Finding) REQUIRE (f.revision, f.seq) IS UNIQUE",
    "CREATE CONSTRAINT eagraph_revision IF NOT EXISTS FOR (r:Revision) REQUIRE r.revision IS UNIQUE",
    "CREATE CONSTRAINT eagraph_writer_lock IF NOT EXISTS FOR (l:WriterLock) REQUIRE l.name IS UNIQUE",
    "CREATE CONSTRAINT eagraph_decision IF NOT EXISTS FOR (d:Decision) REQUIRE d.id IS UNIQUE",
    "CREATE INDEX eagraph_node_revision IF NOT EXISTS FOR (n:Node) ON (n.revision)",
    "CREATE INDEX eagraph_node_name IF NOT EXISTS FOR (n:Node) ON (n.name)",
)

# --- writes: templates take only enum-derived labels and types ------------------------------------------
# A node statement returns each node's element id: the edge statements find their endpoints by it.
MERGE_NODES_TEMPLATE = """
UNWIND $rows AS row
MERGE (n:Node {id: row.id, revision: $revision})
SET n += row.props
SET n{labels}
RETURN row.id AS id, elementId(n) AS node
"""
# An edge row is a list (see EDGE_COLUMNS): the endpoints' element ids, then the properties in a fixed order,
# None where the edge does not state one (a null property is not stored). Endpoints are found by element id
# (a seek, no index: looked up by (id, revision) the planner, misled by the statistics of a database emptied
# and filled again, scanned the revision index for every row, 25 million hits per 5,000 rows) and must be of
# this revision: a row whose node is gone matches nothing, and the count check before the flip notices.
MERGE_EDGES_TEMPLATE = """
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[0] AND a.revision = $revision
MATCH (b) WHERE elementId(b) = row[1] AND b.revision = $revision
MERGE (a)-[r:{type}]->(b)
SET r = {revision: $revision, seq: row[2], evidence: row[3], confidence: row[4], strength: row[5],
         document: row[6], line: row[7], alt_group: row[8], scope: row[9], rule: row[10], note: row[11],
         mode: row[12], tolerance: row[13], capability: row[14], also: row[15], page: row[16]}
"""
# Into a revision that has no node yet nothing can exist to merge with: CREATE, which does not scan the
# relationships already at a node (MERGE does, so a hub with 100,000 edges made the load quadratic). The
# properties are part of the CREATE: no SET after it, so no Eager buffering of the whole batch.
CREATE_EDGES_TEMPLATE = """
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row[0] AND a.revision = $revision
MATCH (b) WHERE elementId(b) = row[1] AND b.revision = $revision
CREATE (a)-[r:{type} {revision: $revision, seq: row[2], evidence: row[3], confidence: row[4],
                      strength: row[5], document: row[6], line: row[7], alt_group: row[8], scope: row[9],
                      rule: row[10], note: row[11], mode: row[12], tolerance: row[13],
                      capability: row[14], also: row[15], page: row[16]}]->(b)
"""
# What an edge row holds after its two endpoints, in the order the edge templates read it.
EDGE_COLUMNS = ("seq", "evidence", "confidence", "strength", *OPTIONAL_EDGE_FIELDS)
REVISION_STARTED: LiteralString = (
    "MATCH (n:Node {revision: $revision}) RETURN count(n) > 0 AS started LIMIT 1"
)
MERGE_FINDINGS: LiteralString = """
UNWIND $rows AS row
MERGE (f:Finding {revision: $revision, seq: row.seq})
SET f += row.props
"""
# Findings beyond the new list (same revision loaded with fewer findings) would spoil the count check.
DROP_EXTRA_FINDINGS: LiteralString = """
MATCH (f:Finding {revision: $revision}) WHERE f.seq >= $findings
DETACH DELETE f
"""
COUNT_REVISION: LiteralString = """
CALL () { MATCH (n:Node {revision: $revision}) RETURN count(n) AS nodes }
CALL () {
  MATCH (:Node {revision: $revision})-[r]->(:Node {revision: $revision})
  WHERE r.revision = $revision
  RETURN count(r) AS edges
}
CALL () { MATCH (f:Finding {revision: $revision}) RETURN count(f) AS findings }
RETURN nodes, edges, findings
"""
FLIP_CURRENT: LiteralString = """
MERGE (rev:Revision {revision: $revision})
SET rev += $props, rev.loaded_at = datetime()
WITH rev
MATCH (r:Revision)
SET r.current = (r.revision = $revision)
"""
# Cleanup reads the current revision in the same statement that deletes: with no current revision it deletes
# nothing, and it never deletes the current one, whoever made it current (a cleanup that ran late, after
# another load's flip, once emptied the database). It keeps the current revision and the most recent others,
# ``revisions_kept`` in all, for reads "as of" a revision and diffs; rows of no kept revision go.
DELETE_STALE: LiteralString = """
MATCH (cur:Revision {current: true})
MATCH (r:Revision)
WITH cur, r ORDER BY (r.revision = cur.revision) DESC, r.loaded_at DESC
WITH cur, collect(r.revision)[..$keep] AS kept
MATCH (n:Node|Finding|Revision)
WHERE n.revision IS NULL OR NOT n.revision IN kept
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""
REVISIONS: LiteralString = """
MATCH (r:Revision)
RETURN r.revision AS revision, toString(r.loaded_at) AS loaded_at, r.made_by AS made_by, r.nodes AS nodes,
       r.edges AS edges, coalesce(r.current, false) AS current
ORDER BY r.loaded_at DESC
"""
REVISION_BY_ID: LiteralString = "MATCH (r:Revision {revision: $revision}) RETURN properties(r) AS rev"

# --- the writer lock: one node, held by one writer at a time, for a lease the holder renews -------------
# Taking the node's write lock first (REMOVE of a property it never has) makes a second writer's transaction
# wait here, so the owner read below is the committed one.
LOCK_TAKE: LiteralString = """
MERGE (l:WriterLock {name: $name})
REMOVE l.__eagraph_lock__
WITH l, l.owner IS NULL OR l.owner = $owner OR l.expires < datetime() AS free
SET l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
    l.what = CASE WHEN free THEN $what ELSE l.what END,
    l.since = CASE WHEN free THEN datetime() ELSE l.since END,
    l.expires = CASE WHEN free THEN datetime() + duration({seconds: $lease}) ELSE l.expires END
RETURN free, l.owner AS owner, l.what AS what, toString(l.since) AS since, toString(l.expires) AS expires
"""
LOCK_RENEW: LiteralString = """
MATCH (l:WriterLock {name: $name, owner: $owner})
SET l.expires = datetime() + duration({seconds: $lease})
RETURN count(l) AS held
"""
LOCK_HELD: LiteralString = """
MATCH (l:WriterLock {name: $name})
REMOVE l.__eagraph_lock__
RETURN l.owner = $owner AND l.expires >= datetime() AS held
"""
LOCK_RELEASE: LiteralString = """
MATCH (l:WriterLock {name: $name, owner: $owner})
DELETE l
"""

# --- reads: only rows of the current revision -----------------------------------------------------------
CURRENT_REVISION: LiteralString = "MATCH (r:Revision {current: true}) RETURN properties(r) AS rev"
READ_NODES: LiteralString = """
MATCH (n:Node {revision: $revision}) RETURN properties(n) AS props ORDER BY n.seq
"""
READ_EDGES: LiteralString = """
MATCH (a:Node {revision: $revision})-[r]->(b:Node {revision: $revision})
WHERE r.revision = $revision
RETURN a.id AS source, b.id AS target, type(r) AS type, properties(r) AS props ORDER BY r.seq
"""
READ_FINDINGS: LiteralString = """
MATCH (f:Finding {revision: $revision}) RETURN properties(f) AS props ORDER BY f.seq
"""
PING: LiteralString = "RETURN 1 AS ok"
# Decisions are append-only and belong to no revision (cleanup never deletes them); they are written in the
# transaction that makes their revision current, so every replica sees a decision with its graph or neither.
WRITE_DECISIONS: LiteralString = """
UNWIND $decisions AS d
MERGE (x:Decision {id: d.id})
ON CREATE SET x += d
"""
READ_DECISIONS: LiteralString = "MATCH (d:Decision) RETURN properties(d) AS d ORDER BY d.seq"

_BOOKKEEPING = ("revision", "seq")  # properties the store adds to every row


def _trusted(text: str) -> LiteralString:
    """Mark Cypher assembled from allow-listed names only as safe to send.

    The driver types queries as ``LiteralString``; this is the one place a built string becomes one, and only
    :func:`_labels`, :func:`_rel_type` and the statements built from them come through here.
    """
    return text  # mypy reads LiteralString as str; pyright checks it


def _labels(kinds: Sequence[NodeKind]) -> LiteralString:
    """The Cypher label expression for node kinds, from the enum only.

    >>> _labels([NodeKind.INTEGRATION, NodeKind.SYSTEM])
    ':Integration:System'
    >>> _labels(["System) DETACH DELETE (x"])
    Traceback (most recent call last):
    ...
    ValueError: not a node kind: 'System) DETACH DELETE (x'
    """
    for kind in kinds:
        if not isinstance(kind, NodeKind):
            raise ValueError(f"not a node kind: {kind!r}")
    return _trusted("".join(f":{kind.label}" for kind in kinds))


def _rel_type(rel: RelType) -> LiteralString:
    """A relationship type, from the enum only.

    >>> _rel_type(RelType.HOSTED_ON)
    'HOSTED_ON'
    >>> _rel_type("USES]->() DETACH DELETE (")
    Traceback (most recent call last):
    ...
    ValueError: not a relation type: 'USES]->() DETACH DELETE ('
    """
    if not isinstance(rel, RelType):
        raise ValueError(f"not a relation type: {rel!r}")
    return _trusted(rel.value)


def _one_line(what: object) -> str:
    return " ".join(str(what).split())


def _batches(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` rows.

    >>> [list(b) for b in _batches([1, 2, 3, 4, 5], 2)]
    [[1, 2], [3, 4], [5]]
    """
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _without(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in keys}


def node_row(node: Node, seq: int) -> dict[str, Any]:
    """A node as an ``UNWIND`` row: its key and every field it states (lists as lists). A field that is
    ``None`` is left out: Neo4j stores no null, and a node of the same revision written before holds the
    same fields (the revision is a hash of them), so there is nothing to remove."""
    props = {k: v for k, v in node.to_dict().items() if v is not None}
    return {"id": node.id, "props": {**props, "seq": seq}}


def edge_row(edge: Edge, seq: int, nodes: Mapping[str, str]) -> list[Any]:
    """An edge as an ``UNWIND`` row: its endpoints' element ids (from ``nodes``, id to element id), then
    :data:`EDGE_COLUMNS`, ``None`` where the edge states nothing (:meth:`Edge.graph_dict`: a field left out
    reads back as not stated). Lists, not maps: no key is encoded, sent and decoded 95,000 times."""
    props = edge.graph_dict()
    props["seq"] = seq
    return [nodes.get(edge.source), nodes.get(edge.target), *(props.get(k) for k in EDGE_COLUMNS)]


def finding_row(finding: Finding, seq: int) -> dict[str, Any]:
    return {"seq": seq, "props": finding.to_dict()}


def revision_props(
    portfolio: Portfolio, parts: Sequence[SourcePart] = (), made_by: str = ""
) -> dict[str, Any]:
    """What the ``:Revision`` node keeps besides the rows: document, meta, entries, notes, counts, what made
    it, and the source parts (JSON) a later load of one source merges with."""
    return {
        "made_by": made_by or f"load of {portfolio.document}",
        "sources": json.dumps([part.to_dict() for part in parts], ensure_ascii=False),
        "document": portfolio.document,
        "meta": json.dumps(portfolio.meta, ensure_ascii=False, sort_keys=True),
        "entries": json.dumps([e.to_dict() for e in portfolio.entries], ensure_ascii=False),
        "notes": list(portfolio.notes),
        "nodes": len(portfolio.nodes),
        "edges": len(portfolio.edges),
        "findings": len(portfolio.findings),
    }


def portfolio_from_records(
    rev: dict[str, Any],
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    findings: list[dict[str, Any]],
) -> Portfolio:
    """Rebuild the portfolio from what :data:`READ_NODES`, :data:`READ_EDGES` and :data:`READ_FINDINGS` return."""
    return Portfolio(
        document=rev["document"],
        nodes=tuple(Node.from_dict(_without(props, *_BOOKKEEPING)) for props in nodes),
        edges=tuple(
            Edge.from_dict({**_without(e["props"], *_BOOKKEEPING), **_without(e, "props")}) for e in edges
        ),
        findings=tuple(
            Finding(
                code=f["code"], message=f["message"], nodes=tuple(f.get("nodes") or ()), line=f.get("line")
            )
            for f in findings
        ),
        entries=tuple(Entry(e["name"], e["line"], tuple(e["nodes"])) for e in json.loads(rev["entries"])),
        notes=tuple(rev.get("notes") or ()),
        meta=json.loads(rev["meta"]),
    )


def decision_props(d: Decision) -> dict[str, Any]:
    """A decision as ``:Decision`` properties (its item as JSON: Neo4j holds no maps in properties)."""
    return {**d.to_dict(), "item": json.dumps(d.item, ensure_ascii=False, sort_keys=True)}


def decision_from_props(props: dict[str, Any]) -> Decision:
    return Decision.from_dict({**props, "item": json.loads(props.get("item") or "{}")})


@dataclass(frozen=True)
class _Counts:
    nodes: int
    edges: int
    findings: int


class IncompleteRevision(Exception):
    """The rows of a revision do not add up to the portfolio: another load removed some midway."""


class LostLock(Exception):
    """The writer lock's lease ran out and another writer took it: this load must not make anything current."""


@dataclass
class _Lease:
    """The writer lock as one writer holds it: whose it is, and when it was last renewed."""

    owner: str
    what: str
    renewed: float


class Neo4jStore:
    """The portfolio in a Neo4j database. Creating one does not connect; the first call does.

    ``batch_size`` rows go into one ``UNWIND`` statement and one transaction. ``retry_time`` bounds how long
    the driver retries a transaction through transient errors and lost connections. ``progress`` (on
    :meth:`load`) is called after every committed batch; an exception it raises aborts the load as any
    failure does (tests use it to kill a load midway).
    """

    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str | None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        writers: int = DEFAULT_WRITERS,
        retry_time: float = DEFAULT_RETRY_TIME,
        connection_timeout: float = DEFAULT_CONNECTION_TIMEOUT,
        lock_lease: float = DEFAULT_LOCK_LEASE,
        lock_wait: float = DEFAULT_LOCK_WAIT,
        revisions_kept: int = DEFAULT_REVISIONS_KEPT,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if writers < 1:
            raise ValueError("writers must be at least 1")
        self.writers = writers
        self.revisions_kept = max(1, revisions_kept)
        self.lock_lease = lock_lease
        self.lock_wait = lock_wait
        self.uri = uri
        self.user = user
        self.batch_size = batch_size
        self._schema_ready = False
        self._no_password = password is None
        scheme = uri.partition("://")[0] if "://" in uri else ""
        if scheme not in SCHEMES:
            raise StoreUnavailable(
                f"Neo4j at {uri}: unsupported URI, expected bolt://host:port or neo4j://host:port"
            )
        with self._errors("configure the driver"):
            self._driver: Driver = GraphDatabase.driver(
                uri,
                auth=(user, password or ""),
                user_agent="eagraph",
                connection_timeout=connection_timeout,
                connection_acquisition_timeout=connection_timeout + 5,
                max_transaction_retry_time=retry_time,
                # "property key does not exist" on an empty database is expected, not news.
                notifications_min_severity="OFF",
            )

    # --- the one place driver errors become StoreUnavailable ---------------------------------------------
    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Translate every driver and server error into a one-line :class:`StoreUnavailable`."""
        try:
            yield
        except AuthError as exc:
            why = "NEO4J_PASSWORD is not set" if self._no_password else "wrong NEO4J_USER or NEO4J_PASSWORD"
            raise StoreUnavailable(f"Neo4j at {self.uri} refused user {self.user!r}: {why}") from exc
        except Neo4jError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri}: cannot {action}: {exc.code or type(exc).__name__}: {_one_line(exc.message or exc)}"
            ) from exc
        except DriverError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri}: cannot {action}: {type(exc).__name__}: {_one_line(exc)}"
            ) from exc

    @staticmethod
    def _write_batch(
        tx: ManagedTransaction, query: LiteralString, rows: Sequence[Any], revision: str
    ) -> Sequence[Any]:
        """Write a batch of edges or findings; the rows written."""
        tx.run(query, rows=rows, revision=revision).consume()
        return rows

    @staticmethod
    def _write_nodes(
        tx: ManagedTransaction, query: LiteralString, rows: Sequence[Any], revision: str
    ) -> dict[str, str]:
        """Write a batch of nodes; their ids and element ids."""
        return {record["id"]: record["node"] for record in tx.run(query, rows=rows, revision=revision)}

    # --- the port ------------------------------------------------------------------------------------------
    def ping(self) -> None:
        """Raise StoreUnavailable unless the server answers a query with these credentials now."""
        with self._errors("connect"):
            self._driver.verify_connectivity()
            self._driver.execute_query(PING)

    def server_version(self) -> str:
        """The server's agent string (``Neo4j/5.26.0``); raises StoreUnavailable as :meth:`ping` does."""
        with self._errors("connect"):
            return str(self._driver.get_server_info().agent)

    def ensure_schema(self) -> None:
        """Create the constraints and indexes (``IF NOT EXISTS``: a no-op when they are there)."""
        if self._schema_ready:
            return
        with self._errors("create constraints and indexes"):
            for statement in SCHEMA:
                self._driver.execute_query(statement)
        self._schema_ready = True

    def load(self, portfolio: Portfolio, *, progress: Progress | None = None) -> LoadResult:
        """Write the portfolio as a new revision, make it current in one transaction, then remove the rest.

        The whole load holds the database's writer lock, so concurrent writers (``eagraph load``, the API's
        reload, the compose loader) run one after another; a second writer waits up to ``lock_wait`` seconds.
        """
        return self.update(
            lambda state: (portfolio, StoreState((), state.decisions)),
            progress=progress,
            what=portfolio.document,
        )

    def decisions(self) -> tuple[Decision, ...]:
        """Every decision made, in order."""
        with self._errors("read the decisions"):
            records = self._driver.execute_query(READ_DECISIONS).records
        return tuple(decision_from_props(r["d"]) for r in records)

    def sources(self) -> tuple[SourcePart, ...]:
        """The source parts the current revision was made of."""
        with self._errors("read the sources"):
            records = self._driver.execute_query(CURRENT_REVISION).records
        raw = records[0]["rev"].get("sources") if records else None
        return tuple(SourcePart.from_dict(d) for d in json.loads(raw or "[]"))

    def update(
        self, change: Change, *, progress: Progress | None = None, what: str = "sources"
    ) -> LoadResult:
        """:meth:`load` of what ``change`` makes of the current source parts, read under the writer lock."""
        self.ping()
        self.ensure_schema()
        with self._writer_lock(f"load of {what}") as lease:
            before = StoreState(self.sources(), self.decisions())
            portfolio, state = change(before)
            parts = state.parts
            if state.decisions[: len(before.decisions)] != before.decisions:
                raise ValueError("decisions are append-only: a change may add decisions, never alter one")
            new_decisions = state.decisions[len(before.decisions) :]
            revision = portfolio.revision
            previous = self.revision()
            # A revision some earlier load began (and died in) is merged into; a fresh one is created.
            started = self._driver.execute_query(REVISION_STARTED, revision=revision).records[0]["started"]
            total = len(portfolio.nodes) + len(portfolio.edges) + len(portfolio.findings)
            done = 0

            def committed(rows: int) -> None:
                nonlocal done
                done += rows
                self._renew(lease)
                if progress is not None:
                    progress(done, total)

            with self._errors(f"load revision {revision}"):
                # Nodes first: the edge rows name their endpoints by the element ids the nodes got.
                nodes: dict[str, str] = {}
                for written in self._write_all(self._node_statements(portfolio), self._write_nodes, revision):
                    nodes.update(written)
                    committed(len(written))
                edges = self._edge_statements(portfolio, nodes, fresh=not started)
                for rows in self._write_all(edges, self._write_batch, revision):
                    committed(len(rows))
            by = revision_maker(new_decisions, f"load of {what}")
            self._flip(portfolio, parts, lease, new_decisions, by)
            self._cleanup(lease)
        return LoadResult(revision, len(portfolio.nodes), len(portfolio.edges), changed=previous != revision)

    # --- the writer lock ---------------------------------------------------------------------------------
    @contextmanager
    def _writer_lock(self, what: str) -> Iterator[_Lease]:
        """Hold the database's writer lock for the block: wait for it (up to ``lock_wait`` seconds, then a
        one-line :class:`StoreUnavailable` naming who holds it), renew it as the block goes on, release it
        at the end. A writer that dies stops renewing, and its lease runs out: it never blocks for ever."""
        lease = _Lease(f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}", what, 0.0)
        self._take(lease)
        try:
            yield lease
        finally:
            try:
                with self._errors("release the writer lock"):
                    self._driver.execute_query(LOCK_RELEASE, name=LOCK_NAME, owner=lease.owner)
            except StoreUnavailable as exc:  # its lease runs out on its own
                log.warning("%s", exc)

    def _take(self, lease: _Lease) -> None:
        deadline = time.monotonic() + self.lock_wait
        pause = 0.1
        while True:
            with self._errors("take the writer lock"):
                record = self._driver.execute_query(
                    LOCK_TAKE, name=LOCK_NAME, owner=lease.owner, what=lease.what, lease=self.lock_lease
                ).records[0]
            if record["free"]:
                lease.renewed = time.monotonic()
                return
            if time.monotonic() >= deadline:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri}: another writer holds the lock ({record['what']}, by "
                    f"{record['owner']}, since {record['since']}, lease until {record['expires']}); waited "
                    f"{self.lock_wait:g} s, try again when it is done"
                )
            time.sleep(pause)
            pause = min(pause * 2, 2.0)

    def _renew(self, lease: _Lease) -> None:
        """Extend the lease when a third of it has passed; a lease already taken over is a failed load."""
        if time.monotonic() - lease.renewed < self.lock_lease / 3:
            return
        with self._errors("renew the writer lock"):
            held = self._driver.execute_query(
                LOCK_RENEW, name=LOCK_NAME, owner=lease.owner, lease=self.lock_lease
            ).records[0]["held"]
        if not held:
            raise StoreUnavailable(
                f"Neo4j at {self.uri}: the writer lock's lease ran out and another writer took it; "
                "this load stops, the current revision stays"
            )
        lease.renewed = time.monotonic()

    def _write_all(
        self,
        batches: Iterator[tuple[LiteralString, Sequence[Any]]],
        work: Callable[[ManagedTransaction, LiteralString, Sequence[Any], str], T],
        revision: str,
    ) -> Iterator[T]:
        """Write every batch, one retried transaction each, up to :attr:`writers` at a time; yield each
        batch's result as it commits. Once one fails (or the caller stops), no more start: the ones in
        flight finish, then the first failure is raised."""

        def write(query: LiteralString, rows: Sequence[Any]) -> T:
            with self._driver.session() as session:
                return session.execute_write(work, query, rows, revision)

        with ThreadPoolExecutor(self.writers, thread_name_prefix="eagraph-writer") as pool:
            flight: set[Future[T]] = set()
            try:
                for query, rows in batches:
                    if len(flight) >= self.writers:
                        done, flight = wait(flight, return_when=FIRST_COMPLETED)
                        yield from (future.result() for future in done)
                    flight.add(pool.submit(write, query, rows))
                while flight:
                    done, flight = wait(flight, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            finally:
                wait(flight)

    def _node_statements(self, portfolio: Portfolio) -> Iterator[tuple[LiteralString, Sequence[Any]]]:
        """The node batches as (statement, rows), grouped by labels."""
        by_labels: dict[tuple[NodeKind, ...], list[dict[str, Any]]] = {}
        for seq, node in enumerate(portfolio.nodes):
            by_labels.setdefault(node.labels, []).append(node_row(node, seq))
        for kinds, rows in by_labels.items():
            query = _trusted(MERGE_NODES_TEMPLATE.replace("{labels}", _labels(kinds)))
            yield from ((query, batch) for batch in _batches(rows, self.batch_size))

    def _edge_statements(
        self, portfolio: Portfolio, nodes: Mapping[str, str], *, fresh: bool = False
    ) -> Iterator[tuple[LiteralString, Sequence[Any]]]:
        """The edge batches as (statement, rows), grouped by type (created when the revision is ``fresh``,
        else merged), then the findings'. ``nodes`` maps node ids to the element ids the nodes were written
        with."""
        by_type: dict[RelType, list[list[Any]]] = {}
        for seq, edge in enumerate(portfolio.edges):
            by_type.setdefault(edge.type, []).append(edge_row(edge, seq, nodes))
        for rel, rows in by_type.items():
            if fresh:
                query = _trusted(CREATE_EDGES_TEMPLATE.replace("{type}", _rel_type(rel)))
            else:
                query = _trusted(MERGE_EDGES_TEMPLATE.replace("{type}", _rel_type(rel)))
            yield from ((query, batch) for batch in _batches(rows, self.batch_size))
        findings = [finding_row(f, seq) for seq, f in enumerate(portfolio.findings)]
        yield from ((MERGE_FINDINGS, batch) for batch in _batches(findings, self.batch_size))

    def _flip(
        self,
        portfolio: Portfolio,
        parts: Sequence[SourcePart],
        lease: _Lease,
        decisions: Sequence[Decision] = (),
        made_by: str = "",
    ) -> None:
        """In one transaction: check this writer still holds the lock and the new revision is complete, then
        make it the current one."""
        revision = portfolio.revision
        expected = _Counts(len(portfolio.nodes), len(portfolio.edges), len(portfolio.findings))

        def work(tx: ManagedTransaction) -> None:
            held = tx.run(LOCK_HELD, name=LOCK_NAME, owner=lease.owner).single()
            if held is None or not held["held"]:
                raise LostLock(f"the writer lock's lease ran out before revision {revision} was complete")
            tx.run(DROP_EXTRA_FINDINGS, revision=revision, findings=expected.findings).consume()
            record = tx.run(COUNT_REVISION, revision=revision).single(strict=True)
            found = _Counts(record["nodes"], record["edges"], record["findings"])
            if found != expected:
                raise IncompleteRevision(f"revision {revision} has {found}, expected {expected}")
            tx.run(FLIP_CURRENT, revision=revision, props=revision_props(portfolio, parts, made_by)).consume()
            if decisions:
                tx.run(WRITE_DECISIONS, decisions=[decision_props(d) for d in decisions]).consume()

        with self._errors(f"make revision {revision} current"), self._driver.session() as session:
            try:
                session.execute_write(work)
            except (IncompleteRevision, LostLock) as exc:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri}: {exc}; the previous revision stays current"
                ) from exc

    def _cleanup(self, lease: _Lease) -> None:
        """Delete, in batches, every row of a revision other than the current one (only after a flip)."""

        def work(tx: ManagedTransaction) -> int:
            record = tx.run(DELETE_STALE, batch=self.batch_size, keep=self.revisions_kept).single(strict=True)
            return int(record["deleted"])

        with self._errors("remove old revisions"), self._driver.session() as session:
            while session.execute_write(work):
                self._renew(lease)

    def revision(self) -> str | None:
        with self._errors("read the current revision"):
            records = self._driver.execute_query(CURRENT_REVISION).records
        return str(records[0]["rev"]["revision"]) if records else None

    def revisions(self) -> tuple[RevisionInfo, ...]:
        """The revisions kept, the most recent first."""
        with self._errors("list the revisions"):
            records = self._driver.execute_query(REVISIONS).records
        return tuple(
            RevisionInfo(
                r["revision"],
                r["loaded_at"] or "",
                r["made_by"] or "",
                r["nodes"] or 0,
                r["edges"] or 0,
                r["current"],
            )
            for r in records
        )

    def read(self, *, attempts: int = 3, revision: str | None = None) -> Portfolio:
        """The current revision, or the kept one ``revision`` (:class:`RevisionNotFound` when it is not kept).
        A read that raced a cleanup (rows short of the counts) is tried again."""

        def work(tx: ManagedTransaction) -> Portfolio | None:
            if revision is None:
                current = tx.run(CURRENT_REVISION).single()
                if current is None:
                    raise LookupError("nothing loaded yet")
            else:
                current = tx.run(REVISION_BY_ID, revision=revision).single()
                if current is None:
                    raise RevisionNotFound(revision)
            rev = current["rev"]
            nodes = [r["props"] for r in tx.run(READ_NODES, revision=rev["revision"])]
            edges = [r.data() for r in tx.run(READ_EDGES, revision=rev["revision"])]
            findings = [r["props"] for r in tx.run(READ_FINDINGS, revision=rev["revision"])]
            if (len(nodes), len(edges), len(findings)) != (rev["nodes"], rev["edges"], rev["findings"]):
                return None
            return portfolio_from_records(rev, nodes, edges, findings)

        with self._errors("read the graph"), self._driver.session() as session:
            for attempt in range(attempts):
                portfolio = session.execute_read(work)
                if portfolio is not None:
                    return portfolio
                time.sleep(0.05 * (attempt + 1))
        raise StoreUnavailable(f"Neo4j at {self.uri}: the current revision changed during {attempts} reads")

    def counts(self) -> tuple[int, int]:
        """(nodes, edges) of the current revision, counted in the graph."""
        revision = self.revision()
        if revision is None:
            raise LookupError("nothing loaded yet")
        with self._errors("count the graph"):
            record = self._driver.execute_query(COUNT_REVISION, revision=revision).records[0]
        return int(record["nodes"]), int(record["edges"])

    def close(self) -> None:
        with self._errors("close the driver"):
            self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
