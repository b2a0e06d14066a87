"""The bounded load test (``bench/loadtest.py``, ``make loadtest`` runs it for 60 s), short: mixed queries
on loopback for a few seconds with zero errors, and the p99 in its output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

LOADTEST = REPO / "bench" / "loadtest.py"


def test_six_seconds_of_mixed_queries_on_loopback_have_zero_errors_and_report_the_p99(tmp_path: Path):
    out = tmp_path / "loadtest.json"
    done = subprocess.run(
        [sys.executable, str(LOADTEST), "--duration", "6", "--concurrency", "4", "--out", str(out)],
        capture_output=True, text=True, timeout=180, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == 0 and result["requests"] > 100
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p99"] <= result["latency_ms"]["max"]
    assert all(q["requests"] > 0 for q in result["by_query"].values()), result["by_query"]
    assert f"p99 {result['latency_ms']['p99']}" in done.stdout
    assert result["url"].startswith("http://127.0.0.1:")


def test_the_load_test_refuses_any_server_but_loopback_and_an_unbounded_load():
    for args in (["--url", "http://example.org"], ["--duration", "0"], ["--concurrency", "1000"]):
        done = subprocess.run(
            [sys.executable, str(LOADTEST), *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2 and ("loopback" in done.stderr or "bounded" in done.stderr), args
