"""`eagraph serve` starts uvicorn with the app: the console entry point, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_given_host_and_port_with_the_memory_store():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EAGRAPH_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--store", "memory", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "eagraph serve was not ready in 60 s"
            time.sleep(0.2)
        assert ready.status_code == 200 and ready.json()["store"] == "memory"
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert page.status_code == 200 and "eagraph" in page.text
        assert "server" not in page.headers  # no version banner
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_refuses_an_unknown_store_in_one_line():
    res = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--store", "oracle"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert res.returncode == 2 and "oracle" in res.stderr and "Traceback" not in res.stderr
