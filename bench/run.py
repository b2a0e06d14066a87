"""The benchmark: ``make bench`` (every size) and ``make bench-quick`` (100,000 nodes in process, the rest
smaller; under three minutes). Writes ``bench/results/<mode>.md`` and ``bench/results/<mode>.json``.

Every comparison is measured side by side, in the same run, on the same generated graph:

* **impact** — eagraph's answer for the largest hub (first page, as the API serves it) *cold* (the first
  question after the revision is loaded: computed, explained, rendered) and *warm* (the same question again)
  against ``networkx.ancestors`` and ``rustworkx.ancestors`` (which only list the nodes), and against the
  equivalent Cypher variable-length query on the real Neo4j, at the largest size where it finishes in 60 s;
* **load** — ``Neo4jStore.load`` (batched ``UNWIND``) against one statement and transaction per relationship
  on a sample, extrapolated;
* **http** — requests/s and p99 of ``/api/v1/impact?down=hINT`` on the seed graph against ``/api/v1/health``
  on the same server, under ``wrk`` with a fixed duration and number of connections, on loopback;
* **memory** — the peak RSS (VmHWM) of ``eagraph serve --portfolio`` holding a generated 100,000-node graph,
  after it answered the hub's impact;
* **parse** — a document of the gold corpus and the seed run together (median), and the largest document the
  loader accepts: 2 MB of short entries (timed once);
* **diff** — ``graph.diff.diff`` of the 100,000-node landscape and a revision of it (1 % of the edges removed,
  1 % added, 0.5 % changed, 50 systems added and 20 removed: :func:`revise`), end to end;
* **pdf** — a 30-page PDF portfolio table (the seed's entries again and again, a ruled two-column table with
  the header on every page, written by :mod:`bench.table_documents`) read by ``loaders.tables.parse_table``.

Neo4j is read from ``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD``; the database is emptied (run it on a
server of your own). No timing is asserted anywhere: the numbers go to the report.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import networkx as nx
import orjson

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
CYPHER_TIMEOUT = 60.0
ANCESTORS_CYPHER = (
    "MATCH (h:Node {id: $id, revision: $revision})<-[*1..]-(n:Node) RETURN count(DISTINCT n) AS impacted"
)

sys.path.insert(0, str(REPO))

from app.service import Snapshot  # noqa: E402
from bench.generate import generate, largest_hub  # noqa: E402
from bench.portfolio_json import write_node_link  # noqa: E402
from graph.model import Edge, Node, NodeKind, Portfolio, Strength  # noqa: E402


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    return statistics.median(_timed(fn) for _ in range(repeat)) * 1000


# ------------------------------------------------------------------------------------------ in process


def in_process(n: int, *, repeat: int = 5, portfolio: Portfolio | None = None) -> dict[str, Any]:
    """eagraph's impact of the largest hub, cold and warm, against networkx and rustworkx ancestors."""
    import rustworkx as rx

    p = portfolio or generate(n)
    hub = largest_hub(p)
    started = time.perf_counter()
    _ = p.revision  # the content hash: computed when the store loads the portfolio, before any snapshot
    revision_s = time.perf_counter() - started
    started = time.perf_counter()
    snap = Snapshot.of(p)  # what a server does once per revision: graph and impact index
    snapshot_s = time.perf_counter() - started
    started = time.perf_counter()
    snap.warm(None)  # then, answering already: the name index and the index without batch flows
    warm_s = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # as the service does after building a snapshot
    G = snap.graph

    def cold() -> bytes:  # the first question on a freshly loaded revision: nothing cached
        fresh = Snapshot(p, G, snap.resolver, snap.index)
        return fresh.impact_page((hub,), "inferred", 0, 1000)

    cold_ms = _median_ms(cold, repeat)
    snap.impact_page((hub,), "inferred", 0, 1000)
    warm_ms = _median_ms(lambda: snap.impact_page((hub,), "inferred", 0, 1000), max(50, repeat * 20))
    answer = snap.impact((hub,), "inferred")
    ancestors = nx.ancestors(G, hub)
    nx_ms = _median_ms(lambda: nx.ancestors(G, hub), repeat)
    started = time.perf_counter()
    index = {node: i for i, node in enumerate(G)}
    R = rx.PyDiGraph(multigraph=False)
    R.add_nodes_from(range(len(index)))
    R.add_edges_from_no_data([(index[u], index[v]) for u, v in G.edges()])
    rx_build_s = time.perf_counter() - started
    rx_ms = _median_ms(lambda: rx.ancestors(R, index[hub]), repeat)
    if len(rx.ancestors(R, index[hub])) != len(ancestors):
        raise AssertionError("rustworkx and networkx disagree on the ancestors")
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "hub": hub,
        "ancestors": len(ancestors),
        "impacted": len(answer.impacted),
        "down": answer.summary()["by_state"]["down"],
        "snapshot_s": round(snapshot_s, 2),
        "revision_s": round(revision_s, 2),
        "warm_s": round(warm_s, 2),
        "cold_ms": round(cold_ms, 1),
        "warm_ms": round(warm_ms, 4),
        "nx_ancestors_ms": round(nx_ms, 1),
        "rustworkx_ms": round(rx_ms, 2),
        "rustworkx_build_s": round(rx_build_s, 2),
    }


# ------------------------------------------------------------------------------------------ diff


def revise(p: Portfolio, *, seed: int = 3) -> Portfolio:
    """A plausible next revision of a generated landscape: 1 % of its edges removed, 1 % added, 0.5 %
    changed (half in strength, half paired into a new alternatives group of their source), 50 systems added
    (each using what an existing system uses, used by two channels) and 20 removed with their edges.

    An added edge keeps the layers' direction: the source and type of an existing edge, towards the target of
    another edge into the same layer (so hubs stay hubs), in-layer only towards a lower index as generated.
    """
    rng = random.Random(f"eagraph-bench/revise/{seed}")
    edges = {e.key: e for e in p.edges}
    keys = list(edges)
    for key in rng.sample(keys, len(keys) // 100):
        del edges[key]
    _add_edges(rng, p, edges, len(keys) // 100)
    by_source: dict[str, list[tuple[str, str, str]]] = {}
    for key in edges:
        by_source.setdefault(key[0], []).append(key)
    _change_edges(rng, keys, edges, by_source, len(keys) // 200)
    nodes = _replace_systems(rng, {n.id: n for n in p.nodes}, edges, by_source)
    return p.with_(
        nodes=tuple(nodes.values()), edges=tuple(edges.values()), meta={**p.meta, "revised": str(seed)}
    )


Key = tuple[str, str, str]


def _add_edges(rng: random.Random, p: Portfolio, edges: dict[Key, Edge], count: int) -> None:
    """``count`` new edges, each the source and type of an existing edge towards the target of another edge
    into the same layer (in-layer only towards a lower index)."""
    into: dict[str, list[str]] = {}
    for e in p.edges:
        into.setdefault(e.target[:3], []).append(e.target)
    added = 0
    while added < count:
        e = p.edges[rng.randrange(len(p.edges))]
        target = rng.choice(into[e.target[:3]])
        if target == e.source or (target[:3] == e.source[:3] and target > e.source):
            continue
        new = replace(
            e, target=target, evidence=f"{e.source} bruker nå også {target}.", alt_group=None, scope=()
        )
        if new.key not in edges:
            edges[new.key] = new
            added += 1


def _change_edges(
    rng: random.Random, keys: list[Key], edges: dict[Key, Edge], by_source: dict[str, list[Key]], count: int
) -> None:
    """``count`` edges of ``keys`` still there changed: half in strength, half paired into a new alternatives
    group of their source."""
    changed: set[Key] = set()
    while len(changed) < count:
        key = rng.choice(keys)
        e = edges.get(key)
        if e is None or key in changed or e.alt_group is not None or e.scope:
            continue
        if rng.random() < 0.5:
            edges[key] = replace(e, strength=Strength.SOFT if e.strength is Strength.HARD else Strength.HARD)
            changed.add(key)
            continue
        mates = [k for k in by_source[e.source] if k != key and k not in changed]
        mates = [k for k in mates if edges[k].alt_group is None and not edges[k].scope]
        if mates:
            for k in (key, rng.choice(mates)):
                edges[k] = replace(edges[k], alt_group=f"{e.source}/revidert")
                changed.add(k)


def _replace_systems(
    rng: random.Random, nodes: dict[str, Node], edges: dict[Key, Edge], by_source: dict[str, list[Key]]
) -> dict[str, Node]:
    """20 systems removed with their edges (not among the hubs), 50 added: each using what an existing system
    uses, used by two channels."""
    systems = sorted(n for n in nodes if n.startswith("sys-"))
    gone = set(rng.sample(systems[len(systems) // 10 :], 20))
    for key in [k for k in edges if k[0] in gone or k[1] in gone]:
        del edges[key]
    channels = sorted(n for n in nodes if n.startswith("chn-"))
    for i in range(50):
        node_id = f"sys-ny-{i:03d}"
        nodes[node_id] = Node(node_id, f"Nytt fagsystem {i}", NodeKind.SYSTEM, category="Fagsystem")
        for k in by_source.get(rng.choice(systems), []):
            if k in edges and k[1] not in gone:
                edges[(node_id, *k[1:])] = replace(edges[k], source=node_id, alt_group=None, scope=())
        for channel in rng.sample(channels, 2):
            e = next((edges[k] for k in by_source.get(channel, []) if k in edges), None)
            if e is not None:
                edges[(channel, node_id, e.type.value)] = replace(e, target=node_id, alt_group=None, scope=())
    for node_id in gone:
        del nodes[node_id]
    return nodes


def diffing(before: Portfolio, *, repeat: int = 1) -> dict[str, Any]:
    """``graph.diff.diff`` of a generated landscape and :func:`revise` of it, median of ``repeat`` runs. Each
    run builds what the diff needs (both graphs, impact indexes) from the two portfolios, as ``/diff`` and
    ``eagraph diff`` do; the revisions' content hashes are computed before, as the store has them."""
    from graph.diff import diff

    started = time.perf_counter()
    after = revise(before)
    revise_s = time.perf_counter() - started
    _ = before.revision, after.revision
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        d = diff(before, after)
        times.append(time.perf_counter() - started)
    return {
        "nodes": len(before.nodes),
        "edges": len(before.edges),
        "changes": {
            "nodes_added": len(d.nodes_added),
            "nodes_removed": len(d.nodes_removed),
            "edges_added": len(d.edges_added),
            "edges_removed": len(d.edges_removed),
            "edges_changed": len(d.edges_changed),
        },
        "candidates": d.candidates,
        "compared": d.compared,
        "truncated": d.truncated,
        "radius": len(d.radius),
        "spof_new": len(d.spof_new),
        "spof_gone": len(d.spof_gone),
        "pairs_new": len(d.pairs_new),
        "pairs_gone": len(d.pairs_gone),
        "seconds": round(statistics.median(times), 2),
        "runs": repeat,
        "revise_s": round(revise_s, 2),
    }


# ------------------------------------------------------------------------------------------ Neo4j


def _neo4j_driver() -> Any:
    from neo4j import GraphDatabase

    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    return uri, auth, GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")


def _empty(driver: Any) -> None:
    """Delete everything, relationships first: a batch of nodes holding a hub would otherwise delete its
    hundreds of thousands of relationships in one transaction (over the dev server's memory pool)."""
    with driver.session() as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def _edge_props(edge: Edge, seq: int) -> dict[str, Any]:
    """What a relationship holds, as a map: the fields the edge states but its endpoints and type."""
    props = {k: v for k, v in edge.graph_dict().items() if k not in ("source", "target", "type")}
    return {**props, "seq": seq}


def neo4j(n: int, *, naive_sample: int, cypher: bool = True, admin: bool = True) -> dict[str, Any]:
    """Load batched, load naively (a sample), and the Cypher ancestors of the hub, at ``n`` nodes; and the
    same graph by ``neo4j-admin database import`` (:func:`admin_import`) unless ``admin`` is false.

    The server was just started: its JVM has compiled nothing yet, and the first load runs several times
    slower than every later one. A load of 1,000 nodes goes first (``cold_rels_per_s``), as a server that
    has been up for a while would have; ``rels_per_s`` is the load after it."""
    from neo4j import Query
    from neo4j.exceptions import ClientError

    from graph.neo4j_store import Neo4jStore

    uri, auth, driver = _neo4j_driver()
    p = generate(n)
    hub = largest_hub(p)
    out: dict[str, Any] = {"nodes": len(p.nodes), "edges": len(p.edges), "uri": uri}
    try:
        _empty(driver)
        store = Neo4jStore(uri, auth[0], auth[1])
        try:
            warmup = generate(1_000, seed=2)
            out["cold_rels_per_s"] = round(len(warmup.edges) / _timed(lambda: store.load(warmup)))
            _empty(driver)
            seconds = _timed(lambda: store.load(p))
        finally:
            store.close()
        out["load_s"] = round(seconds, 2)
        out["rels_per_s"] = round(len(p.edges) / seconds)
        out["rows_per_s"] = round((len(p.nodes) + len(p.edges)) / seconds)
        # One statement, one transaction per relationship: a sample, extrapolated.
        sample = [
            {"source": e.source, "target": e.target, "type": e.type.value, "props": _edge_props(e, i)}
            for i, e in enumerate(p.edges[:naive_sample])
        ]
        revision = p.revision

        def one(tx: Any, row: dict[str, Any]) -> None:
            query = (
                "MATCH (a:Node {id: $source, revision: $revision}) "
                "MATCH (b:Node {id: $target, revision: $revision}) "
                f"CREATE (a)-[r:{row['type']}]->(b) SET r += $props, r.revision = 'naive'"
            )
            tx.run(query, source=row["source"], target=row["target"], props=row["props"], revision=revision)

        with driver.session() as session:
            naive_s = _timed(lambda: [session.execute_write(one, row) for row in sample])
            session.run("MATCH ()-[r]->() WHERE r.revision = 'naive' DELETE r").consume()
        out["naive_sample"] = len(sample)
        out["naive_rels_per_s"] = round(len(sample) / naive_s)
        out["naive_extrapolated_s"] = round(len(p.edges) / out["naive_rels_per_s"])
        if cypher:
            times = []
            with driver.session() as session:
                for _ in range(3):
                    try:
                        started = time.perf_counter()
                        record = session.run(
                            Query(ANCESTORS_CYPHER, timeout=CYPHER_TIMEOUT), id=hub, revision=revision
                        ).single()
                        times.append(time.perf_counter() - started)
                    except ClientError as exc:  # the transaction timeout
                        out["cypher_error"] = exc.code
                        break
            if times:
                out["cypher_ms"] = round(statistics.median(times) * 1000, 1)
                out["cypher_impacted"] = record["impacted"] if record else None
            snapshot = in_process(n, repeat=3, portfolio=p)
            out["eagraph_cold_ms"] = snapshot["cold_ms"]
            out["eagraph_warm_ms"] = snapshot["warm_ms"]
            out["ancestors"] = snapshot["ancestors"]
    finally:
        _empty(driver)  # leave nothing behind: the test suite empties the database in one transaction
        driver.close()
    if admin:
        out |= {k: v for k, v in admin_import(n, portfolio=p).items() if k.startswith("admin_import")}
    return out


_CSV_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}
_ADMIN_MAIN = "org.neo4j.cli.AdminTool"  # what the tarball's bin/neo4j-admin runs; it is in the Maven jars
_IMPORTED = re.compile(r"IMPORT DONE in .*?Imported:\s+(\d+) nodes\s+(\d+) relationships", re.S)


def _csv_header(rows: list[dict[str, Any]]) -> list[str]:
    """Import-tool headers for the keys of ``rows``: ``name:int``, ``name:string[]`` ..., from the first value
    that is not None (strings when all are)."""
    keys: dict[str, str] = {}
    for row in rows:
        for key, value in row.items():
            if value is None or value == [] or keys.get(key, "string") != "string":
                keys.setdefault(key, "string")
                continue
            if isinstance(value, list):
                keys[key] = f"{_CSV_TYPES[type(value[0])]}[]"
            else:
                keys[key] = _CSV_TYPES[type(value)]
    return [f"{key}:{kind}" for key, kind in keys.items()]


def _csv_value(value: Any) -> Any:
    """A property as the import tool reads it (the csv module writes None as an empty field)."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, list):
        if any(";" in str(v) for v in value):
            raise ValueError(f"an array value holds the array delimiter: {value!r}")
        return ";".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _write_csv(path: Path, fixed: list[str], rows: list[tuple[list[str], dict[str, Any]]]) -> None:
    """One import-tool CSV: the ``fixed`` columns (ids, labels, type) first, then every property."""
    import csv

    header = _csv_header([props for _, props in rows])
    keys = [h.split(":")[0] for h in header]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*fixed, *header])
        out.writerows([*head, *(_csv_value(props.get(k)) for k in keys)] for head, props in rows)
    with path.open("rb") as f:
        if sum(1 for _ in f) != len(rows) + 1:  # the tool reads one line per row unless told otherwise
            raise ValueError(f"{path.name}: a value spans lines")


def write_import_csv(p: Portfolio, folder: Path) -> list[str]:
    """The portfolio as the CSVs ``neo4j-admin database import full`` reads: nodes, the current ``:Revision``
    and relationships, with what ``Neo4jStore.load`` writes (same labels, types and properties; the store's
    empty lists become missing properties). Its arguments naming the files."""
    from graph.neo4j_store import COMMON_LABEL, revision_props

    revision = p.revision
    nodes = [
        (
            [n.id, ";".join([COMMON_LABEL, *(k.label for k in n.labels)])],
            {**n.to_dict(), "seq": seq, "revision": revision},
        )
        for seq, n in enumerate(p.nodes)
    ]
    _write_csv(folder / "nodes.csv", ["node:ID", ":LABEL"], nodes)
    rev = [
        ([f"revision:{revision}", "Revision"], {**revision_props(p), "revision": revision, "current": True})
    ]
    _write_csv(folder / "revision.csv", ["node:ID", ":LABEL"], rev)
    edges = [
        ([e.source, e.target, e.type.value], {**_edge_props(e, seq), "revision": revision})
        for seq, e in enumerate(p.edges)
    ]
    _write_csv(folder / "relationships.csv", [":START_ID", ":END_ID", ":TYPE"], edges)
    return [
        f"--nodes={folder / 'nodes.csv'}",
        f"--nodes={folder / 'revision.csv'}",
        f"--relationships={folder / 'relationships.csv'}",
    ]


def admin_import(n: int, *, portfolio: Portfolio | None = None) -> dict[str, Any]:
    """A first load into an empty database by ``neo4j-admin database import full``, at ``n`` nodes: the CSVs
    written, then the tool run (``java -cp <the dev Neo4j's jars> org.neo4j.cli.AdminTool``) into a fresh
    database in a home of its own (Community cannot stop or create a database of a running server, so
    importing into the dev server's own database would mean stopping it). Timed end to end, JVM start
    included; the counts the tool reports are checked. Constraints and indexes are not built: a server
    opening the store builds them when ``Neo4jStore`` creates them."""
    lib = Path(os.environ.get("NEO4J_HOME", REPO / ".neo4j")) / "lib"
    if not list(lib.glob("neo4j-import-tool-*.jar")):
        raise RuntimeError(f"no neo4j-import-tool jar in {lib}: run make neo4j-install")
    p = portfolio or generate(n)
    with tempfile.TemporaryDirectory(prefix="eagraph-import-") as tmp:
        home = Path(tmp)
        (home / "conf").mkdir()
        (home / "conf" / "neo4j.conf").write_text(
            f"server.directories.data={home / 'data'}\nserver.directories.logs={home / 'logs'}\n"
        )
        started = time.perf_counter()
        files = write_import_csv(p, home)
        csv_s = time.perf_counter() - started
        java = os.environ.get("JAVA") or "java"
        command = [java, "-cp", f"{lib}/*", _ADMIN_MAIN, "database", "import", "full", *files]
        command += [f"--report-file={home / 'import.report'}", "--overwrite-destination", "neo4j"]
        env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"neo4j-admin import failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    found = _IMPORTED.search(done.stdout)
    if not found or (int(found[1]), int(found[2])) != (len(p.nodes) + 1, len(p.edges)):
        raise RuntimeError(f"neo4j-admin import reported other counts:\n{done.stdout[-2000:]}")
    return {
        "nodes": len(p.nodes),
        "edges": len(p.edges),
        "csv_s": round(csv_s, 2),
        "import_s": round(seconds - csv_s, 2),
        "admin_import_s": round(seconds, 2),
        "admin_import_rels_per_s": round(len(p.edges) / seconds),
    }


# ------------------------------------------------------------------------------------------ servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    *args: str, ready_timeout: float = 900.0, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``eagraph serve`` (this checkout's code) on a free loopback port; stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "EAGRAPH_STORE": "memory", "PYTHONPATH": str(REPO), **(env or {})}
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}: {' '.join(command)}")
            try:
                with urllib.request.urlopen(f"{base}/api/v1/ready", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not ready in {ready_timeout:.0f} s")
            time.sleep(0.5)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return time.perf_counter() - started


_LATENCY = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    """(requests/s, p99 ms) of ``wrk`` on ``url``."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = _LATENCY.search(out).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if re.search(r"Non-2xx or 3xx responses", out):
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    return rps, p99


def http(*, seconds: int, connections: int, reps: int) -> dict[str, Any]:
    """/impact?down=hINT against /health on one server, alternating, medians of ``reps`` runs each."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    impact_url_path = "/api/v1/impact?down=hINT"
    with serving() as (base, _):
        for _ in range(50):  # warm up both routes (the first impact computes and caches the page)
            _get(base + impact_url_path)
            _get(base + "/api/v1/health")
        runs: dict[str, list[tuple[float, float]]] = {"impact": [], "health": []}
        for _ in range(reps):
            runs["impact"].append(_wrk(base + impact_url_path, seconds, connections))
            runs["health"].append(_wrk(base + "/api/v1/health", seconds, connections))
    return {
        "impact_rps": round(statistics.median(r for r, _ in runs["impact"]), 1),
        "health_rps": round(statistics.median(r for r, _ in runs["health"]), 1),
        "impact_p99_ms": round(statistics.median(p for _, p in runs["impact"]), 2),
        "health_p99_ms": round(statistics.median(p for _, p in runs["health"]), 2),
        "seconds": seconds,
        "connections": connections,
        "reps": reps,
    }


def memory(portfolio: Portfolio) -> dict[str, Any]:
    """Peak RSS of a server holding ``portfolio`` (node-link JSON through ``--portfolio``)."""
    hub = largest_hub(portfolio)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "landscape.json"
        size = write_node_link(portfolio, path)
        nodes, edges = len(portfolio.nodes), len(portfolio.edges)
        del portfolio
        gc.collect()
        started = time.perf_counter()
        with serving("--portfolio", str(path), env={"EAGRAPH_API_KEY": _BENCH_KEY}) as (base, server):
            ready_s = time.perf_counter() - started
            url = f"{base}/api/v1/impact?down={hub}"
            cold_http_ms = _get(url) * 1000
            warm_http_ms = statistics.median(_get(url) for _ in range(20)) * 1000
            fields = _vm(server.pid)
            reloading = _during_reload(base, url, path)
            after = _vm(server.pid)
    return {
        "nodes": nodes,
        "edges": edges,
        "file_mb": round(size / 2**20),
        "ready_s": round(ready_s, 1),
        "cold_http_ms": round(cold_http_ms, 1),
        "warm_http_ms": round(warm_http_ms, 2),
        "server_rss_mb": round(fields["VmHWM"] / 1024),
        "server_rss_now_mb": round(fields["VmRSS"] / 1024),
        "server_rss_reload_mb": round(after["VmHWM"] / 1024),
        "reload": reloading,
    }


_BENCH_KEY = "bench-admin-key-0123456789"
_RELOAD_WINDOW_S = 10  # wrk's window inside the reload (a 100k reload takes longer than this)


def _vm(pid: int) -> dict[str, int]:
    """The ``Vm*`` lines of a process's status, in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {k: int(v.split()[0]) for k, v in re.findall(r"^(Vm\w+):\s+(.+)$", status, re.M)}


def _during_reload(base: str, url: str, path: Path) -> dict[str, Any]:
    """``/impact`` p99 with no reload, then while the server reloads a changed portfolio (the same file less
    its last edge: a new revision, built in the background while the old one answers)."""
    _wrk(url, 5, 4)  # the first revision warms up in the background after it answers: let that finish
    _, quiet_p99 = _wrk(url, 5, 4)
    text = path.read_text(encoding="utf-8")
    doc = orjson.loads(text)
    del text
    doc["edges"] = doc["edges"][:-1]
    path.write_bytes(orjson.dumps(doc))
    del doc
    gc.collect()
    answer: dict[str, Any] = {}

    def reload() -> None:
        request = urllib.request.Request(
            f"{base}/api/v1/admin/reload", method="POST", headers={"X-API-Key": _BENCH_KEY}
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=900) as response:
            answer.update(orjson.loads(response.read()))
        answer["seconds"] = time.perf_counter() - started

    thread = threading.Thread(target=reload)
    thread.start()
    time.sleep(0.5)  # the reload has begun reading the file
    _, busy_p99 = _wrk(url, _RELOAD_WINDOW_S, 4)
    busy_done = "seconds" in answer
    thread.join()
    return {
        "quiet_p99_ms": round(quiet_p99, 2),
        "reload_p99_ms": round(busy_p99, 2),
        "p99_ratio": round(busy_p99 / quiet_p99, 2),
        "reload_s": round(answer["seconds"], 1),
        "window_inside_reload": not busy_done,
        "new_revision": answer.get("revision"),
    }


# ------------------------------------------------------------------------------------------ report


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "—"
    return f"{a / b:.2f}×" if a / b >= 0.01 else f"{a / b:.1e}×"


def _ms(value: float) -> str:
    return f"{value:.4f} ms" if value < 1 else f"{value:,.0f} ms"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def parsing(*, repeat: int = 5) -> dict[str, Any]:
    """Parsing a large portfolio document: the gold-corpus documents and the seed, entries one after another
    under one header, the first ones again until there are 200 entries; read, tagged, framed and checked."""
    from loaders import SEED, parse_document

    corpus = [*sorted((REPO / "tests" / "extraction" / "corpus").glob("*.txt")), SEED]
    bodies = [p.read_text(encoding="utf-8").split("Beskrivelse", 1)[1] for p in corpus]
    bodies += bodies[:1]  # 188 entries + 18
    text = "System  Beskrivelse \n" + "\n\n".join(bodies)
    data = text.encode("utf-8")
    portfolio = parse_document(data, "stort-dokument.txt")
    ms = _median_ms(lambda: parse_document(data, "stort-dokument.txt"), repeat)
    return {
        "entries": len(portfolio.entries),
        "bytes": len(data),
        "edges": len(portfolio.edges),
        "ms": ms,
        "largest": largest_document(),
    }


def _short_entries(limit: int) -> bytes:
    """As many short entries as fit in ``limit`` bytes, each used by an actor and getting data from the one
    before it (the shape that once made parsing quadratic)."""
    parts, size, i = ["System  Beskrivelse \n"], 0, 0
    while True:
        entry = f"\nSystem{i} Registersystem. Benyttes av Helfo. Henter data fra System{i - 1}.\n"
        size += len(entry.encode())
        if size + len(parts[0]) > limit:
            return "".join(parts).encode()
        parts.append(entry)
        i += 1


def largest_document() -> dict[str, Any]:
    """Parsing the largest document the loader accepts (``loaders.document.MAX_BYTES``) of short entries,
    timed once: the worst case a user can hand ``eagraph parse``."""
    from loaders import parse_document
    from loaders.document import MAX_BYTES

    data = _short_entries(MAX_BYTES)
    started = time.perf_counter()
    portfolio = parse_document(data, "stoerste-dokument.txt")
    seconds = time.perf_counter() - started
    return {
        "entries": len(portfolio.entries),
        "bytes": len(data),
        "edges": len(portfolio.edges),
        "s": seconds,
    }


def pdf_parsing(pages: int = 30, *, repeat: int = 3) -> dict[str, Any]:
    """Reading a PDF portfolio table of ``pages`` pages or more (median of ``repeat``): the seed's entries over
    and over, each round's names numbered ("Praksisinfo 2"), so names stay unique and descriptions still name
    the originals."""
    from bench.table_documents import TableRow, table_pdf
    from loaders import SEED
    from loaders.document import read
    from loaders.tables import parse_table, read_table

    seed = read(SEED.read_bytes(), SEED.name).entries
    rows: list[TableRow] = []
    pdf = None
    while pdf is None or pdf.pages < pages:
        rounds = len(rows) // len(seed)
        rows += [
            TableRow(e.name if not rounds else f"{e.name} {rounds + 1}", e.description.text) for e in seed
        ]
        pdf = table_pdf(rows)
    portfolio = parse_table(pdf.data, "portefolje.pdf")
    seconds = statistics.median(
        _timed(lambda: parse_table(pdf.data, "portefolje.pdf")) for _ in range(repeat)
    )
    reading = statistics.median(_timed(lambda: read_table(pdf.data, "portefolje.pdf")) for _ in range(repeat))
    return {
        "pages": pdf.pages,
        "entries": len(portfolio.entries),
        "bytes": len(pdf.data),
        "edges": len(portfolio.edges),
        "parse_s": round(seconds, 2),
        "read_s": round(reading, 2),  # of which reading the words and rules and cutting them into rows
    }


def _targets(results: dict[str, Any]) -> list[str]:
    """Issue 12's targets at scale (and issue 16's, when the run has them), each with what this run measured
    and whether it is met."""
    imp, load, mem = results["impact"], results["load"], results["memory"]
    rows = [
        (
            f"cold impact of the hub, explained, first page, vs `rustworkx.ancestors` ({imp['nodes']:,} nodes)",
            f"{imp['cold_ms']:.0f} ms vs {imp['rustworkx_ms']:.0f} ms "
            f"({_ratio(imp['cold_ms'], imp['rustworkx_ms'])})",
            "≤ 2×",
            imp["cold_ms"] <= 2 * imp["rustworkx_ms"],
        ),
        (
            "snapshot build (graph, impact index; the name index follows in the background)",
            f"{imp['snapshot_s']} s",
            "≤ 4 s",
            imp["snapshot_s"] <= 4,
        ),
        (
            f"server ready from the {mem['nodes']:,}-node file ({mem['file_mb']} MB)",
            f"{mem['ready_s']} s",
            "≤ 10 s",
            mem["ready_s"] <= 10,
        ),
        (
            "server peak RSS (VmHWM)",
            f"{mem['server_rss_mb']:,} MB",
            "≤ 1,024 MB",
            mem["server_rss_mb"] <= 1024,
        ),
        (
            f"Neo4j load of a new revision, {load['nodes']:,} nodes",
            f"{load['rels_per_s']:,} rels/s",
            "≥ 30,000 rels/s",
            load["rels_per_s"] >= 30_000,
        ),
    ]
    rel = results.get("reload")
    if rel:
        rows.append(
            (
                f"`/impact` p99 during a reload of the {mem['nodes']:,}-node file / without one",
                f"{rel['reload_p99_ms']:.1f} ms / {rel['quiet_p99_ms']:.1f} ms ({rel['p99_ratio']:.2f}×)",
                "≤ 3×",
                rel["p99_ratio"] <= 3,
            )
        )
    lines = ["", "Issue 12's targets:", "", "| measure | measured | target | verdict |", "|---|---|---|---|"]
    lines += [f"| {what} | {got} | {target} | {_verdict(ok)} |" for what, got, target, ok in rows]
    dif = results.get("diff")
    if dif:
        lines += [
            "",
            "Issue 16's targets:",
            "",
            "| measure | measured | target | verdict |",
            "|---|---|---|---|",
        ]
        lines.append(
            f"| diff of two {dif['nodes']:,}-node revisions ({_changes(dif)}), no timed test | "
            f"{dif['seconds']:.1f} s | < 10 s | {_verdict(dif['seconds'] < 10)} |"
        )
    return lines


def _changes(dif: dict[str, Any]) -> str:
    c = dif["changes"]
    return (
        f"edges {c['edges_added']:,} added, {c['edges_removed']:,} removed, {c['edges_changed']:,} changed; "
        f"nodes {c['nodes_added']} added, {c['nodes_removed']} removed"
    )


def report(results: dict[str, Any], mode: str) -> str:
    imp, load, web, mem = results["impact"], results["load"], results["http"], results["memory"]
    cy = results.get("cypher_sizes", [])
    at = next((c for c in reversed(cy) if c.get("cypher_ms")), None)
    lines = [
        f"# eagraph benchmark ({mode})",
        "",
        f"{results['when']} on {results['machine']}; `make {'bench-quick' if mode == 'quick' else 'bench'}`. "
        "Medians; the machine is shared, so timings are noisy.",
        "",
        f"Graph: generated layered landscape, {imp['nodes']:,} nodes, {imp['edges']:,} edges; the largest hub "
        f"`{imp['hub']}` has {imp['ancestors']:,} ancestors ({imp['impacted']:,} impacted, {imp['down']:,} down).",
        "",
        "| measure | eagraph | baseline | ratio | target | verdict |",
        "|---|---|---|---|---|---|",
        f"| impact of the hub, warm (same question again) | {_ms(imp['warm_ms'])} | rustworkx.ancestors "
        f"{imp['rustworkx_ms']:.1f} ms | {_ratio(imp['warm_ms'], imp['rustworkx_ms'])} | ≤ 1.0× | "
        f"{_verdict(imp['warm_ms'] <= imp['rustworkx_ms'])} |",
        f"| impact of the hub, cold (first question after load; computed, explained, first page rendered) | "
        f"{imp['cold_ms']:.0f} ms | nx.ancestors {imp['nx_ancestors_ms']:.0f} ms | "
        f"{_ratio(imp['cold_ms'], imp['nx_ancestors_ms'])} | ≤ 1.5× | "
        f"{_verdict(imp['cold_ms'] <= 1.5 * imp['nx_ancestors_ms'])} |",
    ]
    if at:
        for how in ("warm", "cold"):
            mine = at[f"eagraph_{how}_ms"]
            lines.append(
                f"| impact vs Cypher `<-[*1..]-` ancestors at {at['nodes']:,} nodes / {at['edges']:,} edges, "
                f"eagraph {how} | {_ms(mine)} | Neo4j {_ms(at['cypher_ms'])} | "
                f"{at['cypher_ms'] / mine:,.1f}× faster | ≥ 10× faster | {_verdict(at['cypher_ms'] >= 10 * mine)} |"
            )
    lines += [
        f"| `/api/v1/impact?down=hINT` throughput (seed) | {web['impact_rps']:,.0f} req/s, p99 "
        f"{web['impact_p99_ms']:.1f} ms | `/api/v1/health` {web['health_rps']:,.0f} req/s, p99 "
        f"{web['health_p99_ms']:.1f} ms | {web['impact_rps'] / web['health_rps']:.0%} | ≥ 70 % | "
        f"{_verdict(web['impact_rps'] >= 0.7 * web['health_rps'])} |",
        f"| Neo4j load, {load['nodes']:,} nodes / {load['edges']:,} rels (batched `UNWIND`, whole load) | "
        f"{load['rels_per_s']:,} rels/s | one statement per rel (sample of {load['naive_sample']:,}, "
        f"extrapolated: {load['naive_extrapolated_s']:,} s) {load['naive_rels_per_s']:,} rels/s | "
        f"{_ratio(load['rels_per_s'], load['naive_rels_per_s'])} | ≥ 30,000 rels/s | "
        f"{_verdict(load['rels_per_s'] >= 30_000)} |",
        f"| server peak RSS (VmHWM) serving {mem['nodes']:,} nodes / {mem['edges']:,} edges | "
        f"{mem['server_rss_mb']:,} MB | — | — | ≤ 2,048 MB | {_verdict(mem['server_rss_mb'] <= 2048)} |",
    ]
    if load.get("admin_import_rels_per_s"):
        lines.append(
            f"| first load into an empty database, `neo4j-admin database import full` (CSV written + import, "
            f"JVM start included), {load['nodes']:,} nodes / {load['edges']:,} rels | "
            f"{load['admin_import_rels_per_s']:,} rels/s ({load['admin_import_s']} s) | `Neo4jStore.load` "
            f"{load['rels_per_s']:,} rels/s | {_ratio(load['admin_import_rels_per_s'], load['rels_per_s'])} | "
            f"— | measured |"
        )
    if "parse" in results:
        par = results["parse"]
        lines.append(
            f"| parse a {par['entries']}-entry document ({par['bytes'] // 1024} kB, {par['edges']} edges) | "
            f"{par['ms']:.0f} ms | — | — | under 1 s | {_verdict(par['ms'] < 1000)} |"
        )
        big = par.get("largest")
        if big:
            lines.append(
                f"| parse the largest accepted document ({big['entries']:,} short entries, "
                f"{big['bytes'] / 2**20:.1f} MB, {big['edges']:,} edges), once | {big['s']:.1f} s | — | — | "
                f"< 10 s | {_verdict(big['s'] < 10)} |"
            )
    dif = results.get("diff")
    if dif:
        lines.append(
            f"| diff of two revisions, {dif['nodes']:,} nodes / {dif['edges']:,} edges ({_changes(dif)}) | "
            f"{dif['seconds']:.1f} s | — | — | < 10 s | {_verdict(dif['seconds'] < 10)} |"
        )
    pdf = results.get("pdf")
    if pdf:
        lines.append(
            f"| parse a {pdf['pages']}-page PDF portfolio table ({pdf['entries']} entries, "
            f"{pdf['bytes'] // 1024} kB, {pdf['edges']:,} edges) | {pdf['parse_s']:.2f} s "
            f"(reading the PDF {pdf['read_s']:.2f} s) | — | — | — | measured |"
        )
    lines += _targets(results)
    lines += [
        "",
        "Details:",
        "",
        f"* snapshot build per revision (graph, impact index) at {imp['nodes']:,} nodes: "
        f"{imp['snapshot_s']} s, after the revision's content hash ({imp.get('revision_s', '—')} s, when the "
        f"store loads it) and before the warm-up it answers during (name index, index without batch flows: "
        f"{imp.get('warm_s', '—')} s); rustworkx graph build {imp['rustworkx_build_s']} s (not in its time).",
        f"* server with the {mem['nodes']:,}-node file ({mem['file_mb']} MB node-link JSON): ready in "
        f"{mem['ready_s']} s; the hub's impact over HTTP {mem['cold_http_ms']:.0f} ms cold, "
        f"{mem['warm_http_ms']:.1f} ms warm; RSS afterwards {mem['server_rss_now_mb']:,} MB.",
        f"* HTTP: `wrk -t1 -c{web['connections']} -d{web['seconds']}s`, {web['reps']} runs each, alternating, "
        "against `eagraph serve` (memory store, the seed) on loopback.",
    ]
    if dif:
        compared = (
            f"{dif['compared']:,} of the {dif['candidates']:,} nodes whose failure can play out differently "
            + ("(the impact runs' budget ran out: `truncated`)" if dif["truncated"] else "(all of them)")
        )
        lines.append(
            f"* diff at {dif['nodes']:,} nodes: median of {dif['runs']} (graphs and impact indexes built from the "
            f"two portfolios included; making the revision took {dif['revise_s']} s, not counted); blast radius "
            f"compared for {compared}: {dif['radius']:,} changed; single points of failure {dif['spof_new']} new, "
            f"{dif['spof_gone']} gone; fatal pairs, among those checked, {dif['pairs_new']} new, {dif['pairs_gone']} gone."
        )
    if load.get("cold_rels_per_s"):
        lines.append(
            f"* Neo4j load: the first load after the server started (1,000 nodes, a JVM that has compiled "
            f"nothing yet) ran at {load['cold_rels_per_s']:,} rels/s; the row above is the load after it."
        )
    for c in cy:
        if c.get("cypher_ms"):
            lines.append(
                f"* Cypher ancestors at {c['nodes']:,} nodes: {c['cypher_ms']:,.0f} ms "
                f"({c['cypher_impacted']:,} nodes; eagraph cold {c['eagraph_cold_ms']:.0f} ms, warm "
                f"{c['eagraph_warm_ms']:.3f} ms; load {c['rels_per_s']:,} rels/s)."
            )
        else:
            lines.append(
                f"* Cypher ancestors at {c['nodes']:,} nodes: did not finish in {CYPHER_TIMEOUT:.0f} s "
                f"({c.get('cypher_error', 'timeout')}); load {c['rels_per_s']:,} rels/s."
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="under three minutes")
    parser.add_argument("--report", action="store_true", help="only rewrite the markdown from the saved JSON")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    if args.report:
        text = report(json.loads((RESULTS / f"{mode}.json").read_text()), mode)
        (RESULTS / f"{mode}.md").write_text(text)
        print(text)
        return 0
    big = 100_000
    results: dict[str, Any] = {
        "mode": mode,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, networkx {nx.__version__}",
    }
    say("parsing a large document")
    results["parse"] = parsing(repeat=3 if args.quick else 7)
    say(f"parse: {results['parse']}")
    say("parsing a 30-page PDF table")
    results["pdf"] = pdf_parsing(repeat=1 if args.quick else 3)
    say(f"pdf: {results['pdf']}")
    say(f"in process at {big:,} nodes")
    portfolio = generate(big)
    results["impact"] = in_process(big, repeat=3 if args.quick else 7, portfolio=portfolio)
    say(f"impact: {results['impact']}")
    say(f"diff of two revisions at {big:,} nodes")
    results["diff"] = diffing(portfolio, repeat=1 if args.quick else 3)
    say(f"diff: {results['diff']}")
    sizes = [10_000] if args.quick else [1_000, 10_000, 100_000]
    results["cypher_sizes"] = []
    for n in sizes:
        say(f"Neo4j at {n:,} nodes")
        figures = neo4j(n, naive_sample=300 if args.quick else 2_000)
        say(f"neo4j: {figures}")
        results["cypher_sizes"].append(figures)
    at = next((c for c in reversed(results["cypher_sizes"]) if c.get("cypher_ms")), None)
    results["impact"]["cypher_ms"] = at["cypher_ms"] if at else None
    results["impact"]["cypher_nodes"] = at["nodes"] if at else None
    results["impact"]["eagraph_cold_ms_at_cypher_size"] = at["eagraph_cold_ms"] if at else None
    results["load"] = {k: results["cypher_sizes"][-1].get(k) for k in (
        "nodes", "edges", "rels_per_s", "rows_per_s", "load_s", "naive_rels_per_s", "naive_sample",
        "naive_extrapolated_s", "cold_rels_per_s", "admin_import_s", "admin_import_rels_per_s",
    )}  # fmt: skip
    say("HTTP")
    results["http"] = http(seconds=5 if args.quick else 10, connections=8, reps=2 if args.quick else 3)
    say(f"http: {results['http']}")
    say(f"server memory at {big:,} nodes")
    results["memory"] = memory(portfolio)
    results["reload"] = results["memory"].pop("reload")
    del portfolio
    say(f"memory: {results['memory']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{mode}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results, mode)
    (RESULTS / f"{mode}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
