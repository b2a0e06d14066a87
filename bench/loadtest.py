"""A bounded load test of the API on loopback: mixed queries for a fixed duration, at a fixed concurrency,
capped at a fixed number of requests. Prints and writes the latency percentiles (p50, p90, p99, max) and
the error count; exits 1 on any error.

    .venv/bin/python bench/loadtest.py --duration 60 --out bench/results/loadtest.json   # make loadtest
    .venv/bin/python bench/loadtest.py --url http://127.0.0.1:8000 --duration 10         # a running server

Without ``--url`` it serves the seed itself (``eagraph serve --store memory`` on a free loopback port, in
a process of its own so the load generator does not share its interpreter). Only loopback addresses are
accepted: this never loads anyone else's server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass
class Tally:
    """Latencies (seconds) and errors of one kind of query; list appends are atomic under the GIL."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


Query = Callable[[httpx.Client, random.Random], httpx.Response]


def queries(ids: list[str]) -> dict[str, tuple[int, Query]]:
    """Each kind of question with its weight: mostly impact and lookups, some heavier analysis."""
    pick = random.Random.choice
    return {
        "impact": (30, lambda c, r: c.get("/api/v1/impact", params={"down": r.sample(ids, r.randint(1, 3))})),
        "node": (15, lambda c, r: c.get(f"/api/v1/nodes/{pick(r, ids)}")),
        "search": (15, lambda c, r: c.get("/api/v1/nodes", params={"q": pick(r, ids)[:4], "limit": 10})),
        "dependencies": (10, lambda c, r: c.get(f"/api/v1/nodes/{pick(r, ids)}/dependencies")),
        "dependents": (10, lambda c, r: c.get(f"/api/v1/nodes/{pick(r, ids)}/dependents")),
        "paths": (8, lambda c, r: c.get("/api/v1/paths", params={"from": pick(r, ids), "to": pick(r, ids)})),
        "critical": (3, lambda c, _r: c.get("/api/v1/analysis/critical")),
        "findings": (3, lambda c, _r: c.get("/api/v1/findings")),
        "graph": (3, lambda c, _r: c.get("/api/v1/graph")),
        "scenario": (3, lambda c, r: c.post("/api/v1/scenarios", json={"down": [pick(r, ids)]})),
    }


def expected(kind: str, response: httpx.Response) -> bool:
    """A correct answer: 200, except a path between a node and itself (400)."""
    return response.status_code == 200 or (kind == "paths" and response.status_code == 400)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


def summary(latencies: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in latencies)
    return {
        "p50": round(percentile(ms, 0.50), 2),
        "p90": round(percentile(ms, 0.90), 2),
        "p99": round(percentile(ms, 0.99), 2),
        "max": round(ms[-1] if ms else 0.0, 2),
    }


def run(url: str, *, duration: float, concurrency: int, max_requests: int, seed: int) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=30) as client:
        ids = [n["id"] for n in client.get("/api/v1/nodes", params={"limit": 500}).json()["items"]]
        revision = client.get("/api/v1/ready").json()["revision"]
    kinds = queries(ids)
    names, weights = list(kinds), [w for w, _ in kinds.values()]
    tallies = {name: Tally() for name in kinds}
    budget = threading.Semaphore(max_requests)
    deadline = time.monotonic() + duration

    def worker(n: int) -> None:
        rng = random.Random(seed + n)
        with httpx.Client(base_url=url, timeout=30) as client:
            while time.monotonic() < deadline and budget.acquire(blocking=False):
                kind = rng.choices(names, weights)[0]
                started = time.perf_counter()
                try:
                    response = kinds[kind][1](client, rng)
                    ok, detail = expected(kind, response), f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, repr(exc)
                tallies[kind].latencies.append(time.perf_counter() - started)
                if not ok:
                    tallies[kind].errors.append(detail)

    started, started_at = time.monotonic(), datetime.now(UTC).isoformat(timespec="seconds")
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = [v for t in tallies.values() for v in t.latencies]
    errors = [e for t in tallies.values() for e in t.errors]
    return {
        "started_at": started_at,
        "url": url,
        "revision": revision,
        "duration_s": round(elapsed, 2),
        "concurrency": concurrency,
        "max_requests": max_requests,
        "requests": len(every),
        "errors": len(errors),
        "error_samples": errors[:5],
        "requests_per_s": round(len(every) / elapsed, 1) if elapsed else 0.0,
        "latency_ms": summary(every),
        "by_query": {
            name: {"requests": len(t.latencies), "errors": len(t.errors), "latency_ms": summary(t.latencies)}
            for name, t in tallies.items()
        },
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving() -> Iterator[str]:
    """``eagraph serve --store memory`` on a free loopback port, until the block ends."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EAGRAPH_")}
    command = [sys.executable, "-m", "app.cli", "serve", "--store", "memory", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(
                    f"loadtest: the server exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            try:
                if httpx.get(f"{url}/api/v1/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("loadtest: the server did not become ready in 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel clients (default 8)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests")
    parser.add_argument("--seed", type=int, default=20230515, help="random seed of the query mix")
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    args = parser.parse_args(argv)
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        parser.error(f"--url must be a loopback address ({', '.join(sorted(LOOPBACK))}), not {args.url}")
    if not (0 < args.duration <= 600 and 0 < args.concurrency <= 64 and args.max_requests > 0):
        parser.error("the load is bounded: 0 < duration <= 600 s, 0 < concurrency <= 64, max-requests > 0")

    with serving() if args.url is None else _given(args.url) as url:
        result = run(url, duration=args.duration, concurrency=args.concurrency, max_requests=args.max_requests,
                     seed=args.seed)  # fmt: skip
    lat = result["latency_ms"]
    print(
        f"loadtest: {result['requests']} requests in {result['duration_s']} s "
        f"({result['requests_per_s']}/s, {result['concurrency']} clients), {result['errors']} errors; "
        f"latency ms p50 {lat['p50']} p90 {lat['p90']} p99 {lat['p99']} max {lat['max']}"
    )
    for name, q in result["by_query"].items():
        print(
            f"  {name:<13} {q['requests']:>7} requests  {q['errors']} errors  p99 {q['latency_ms']['p99']} ms"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"loadtest: wrote {args.out}")
    return 1 if result["errors"] else 0


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    sys.exit(main())
