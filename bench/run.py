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
  loader accepts: 2 MB of short entries (timed once).

Neo4j is read from ``NEO4J_URI``, ``NEO4J_USER`` and ``NEO4J_PASSWORD``; the database is emptied (run it on a
server of your own). No timing is asserted anywhere: the numbers go to the report.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

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
from graph.model import Portfolio  # noqa: E402


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
    snap = Snapshot.of(p)  # what a server does once per revision: graph, name index, impact index
    snapshot_s = time.perf_counter() - started
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
        "cold_ms": round(cold_ms, 1),
        "warm_ms": round(warm_ms, 4),
        "nx_ancestors_ms": round(nx_ms, 1),
        "rustworkx_ms": round(rx_ms, 2),
        "rustworkx_build_s": round(rx_build_s, 2),
    }


# ------------------------------------------------------------------------------------------ Neo4j


def _neo4j_driver() -> Any:
    from neo4j import GraphDatabase

    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    return uri, auth, GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")


def _empty(driver: Any) -> None:
    with driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def neo4j(n: int, *, naive_sample: int, cypher: bool = True) -> dict[str, Any]:
    """Load batched, load naively (a sample), and the Cypher ancestors of the hub, at ``n`` nodes."""
    from neo4j import Query
    from neo4j.exceptions import ClientError

    from graph.neo4j_store import Neo4jStore, edge_row

    uri, auth, driver = _neo4j_driver()
    p = generate(n)
    hub = largest_hub(p)
    out: dict[str, Any] = {"nodes": len(p.nodes), "edges": len(p.edges), "uri": uri}
    try:
        _empty(driver)
        store = Neo4jStore(uri, auth[0], auth[1])
        try:
            seconds = _timed(lambda: store.load(p))
        finally:
            store.close()
        out["load_s"] = round(seconds, 2)
        out["rels_per_s"] = round(len(p.edges) / seconds)
        out["rows_per_s"] = round((len(p.nodes) + len(p.edges)) / seconds)
        # One statement, one transaction per relationship: a sample, extrapolated.
        sample = [edge_row(e, i) | {"type": e.type.value} for i, e in enumerate(p.edges[:naive_sample])]
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
    return out


# ------------------------------------------------------------------------------------------ servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(*args: str, ready_timeout: float = 900.0) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``eagraph serve`` (this checkout's code) on a free loopback port; stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "EAGRAPH_STORE": "memory", "PYTHONPATH": str(REPO)}
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
        with serving("--portfolio", str(path)) as (base, server):
            ready_s = time.perf_counter() - started
            url = f"{base}/api/v1/impact?down={hub}"
            cold_http_ms = _get(url) * 1000
            warm_http_ms = statistics.median(_get(url) for _ in range(20)) * 1000
            status = Path(f"/proc/{server.pid}/status").read_text()
    fields = {k: int(v.split()[0]) for k, v in re.findall(r"^(Vm\w+):\s+(.+)$", status, re.M)}
    return {
        "nodes": nodes,
        "edges": edges,
        "file_mb": round(size / 2**20),
        "ready_s": round(ready_s, 1),
        "cold_http_ms": round(cold_http_ms, 1),
        "warm_http_ms": round(warm_http_ms, 2),
        "server_rss_mb": round(fields["VmHWM"] / 1024),
        "server_rss_now_mb": round(fields["VmRSS"] / 1024),
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
        f"{_ratio(load['rels_per_s'], load['naive_rels_per_s'])} | ≥ 50,000 rels/s | "
        f"{_verdict(load['rels_per_s'] >= 50_000)} |",
        f"| server peak RSS (VmHWM) serving {mem['nodes']:,} nodes / {mem['edges']:,} edges | "
        f"{mem['server_rss_mb']:,} MB | — | — | ≤ 2,048 MB | {_verdict(mem['server_rss_mb'] <= 2048)} |",
    ]
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
    lines += [
        "",
        "Details:",
        "",
        f"* snapshot build per revision (graph, name index, impact index) at {imp['nodes']:,} nodes: "
        f"{imp['snapshot_s']} s; rustworkx graph build {imp['rustworkx_build_s']} s (not in its time).",
        f"* server with the {mem['nodes']:,}-node file ({mem['file_mb']} MB node-link JSON): ready in "
        f"{mem['ready_s']} s; the hub's impact over HTTP {mem['cold_http_ms']:.0f} ms cold, "
        f"{mem['warm_http_ms']:.1f} ms warm; RSS afterwards {mem['server_rss_now_mb']:,} MB.",
        f"* HTTP: `wrk -t1 -c{web['connections']} -d{web['seconds']}s`, {web['reps']} runs each, alternating, "
        "against `eagraph serve` (memory store, the seed) on loopback.",
    ]
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
    say(f"in process at {big:,} nodes")
    portfolio = generate(big)
    results["impact"] = in_process(big, repeat=3 if args.quick else 7, portfolio=portfolio)
    say(f"impact: {results['impact']}")
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
    results["load"] = {k: results["cypher_sizes"][-1][k] for k in (
        "nodes", "edges", "rels_per_s", "rows_per_s", "load_s", "naive_rels_per_s", "naive_sample",
        "naive_extrapolated_s",
    )}  # fmt: skip
    say("HTTP")
    results["http"] = http(seconds=5 if args.quick else 10, connections=8, reps=2 if args.quick else 3)
    say(f"http: {results['http']}")
    say(f"server memory at {big:,} nodes")
    results["memory"] = memory(portfolio)
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
