"""A Neo4j of a test's own, for tests that stop, kill or pause the server: never the shared test server.

Its own ``NEO4J_HOME`` (under pytest's tmp), its own free ports, started and stopped by ``dev/neo4j/neo4j.sh``
with environment variables. The jars are not copied: ``lib`` links to an installed home's when that matches
``dev/neo4j/pom.xml`` (else the script installs them, offline from ``~/.m2`` when it can). Each start costs
about ten seconds, so the tests share one instance per session and bring it back up when they are done.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from graph.neo4j_store import Neo4jStore

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "dev" / "neo4j" / "neo4j.sh"
POM = REPO / "dev" / "neo4j" / "pom.xml"
USER, PASSWORD = "neo4j", "own-test-neo4j-password"  # a throwaway server's password, never the dev one


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def installed_lib() -> Path | None:
    """An installed ``lib`` whose stamp matches the pom: $NEO4J_HOME's, else the repository's ``.neo4j``."""
    want = hashlib.sha256(POM.read_bytes()).hexdigest()
    for home in (os.environ.get("NEO4J_HOME"), str(REPO / ".neo4j")):
        if not home:
            continue
        stamp = Path(home) / "lib" / ".eagraph-pom.sha256"
        if stamp.is_file() and stamp.read_text().strip() == want:
            return stamp.parent
    return None


class OwnNeo4j:
    """One throwaway Neo4j server: :meth:`start`, :meth:`stop`, :meth:`kill` (SIGKILL), :meth:`pause`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.bolt_port, self.http_port = _free_port(), _free_port()
        home.mkdir(parents=True, exist_ok=True)
        lib = installed_lib()
        if lib is not None and not (home / "lib").exists():
            (home / "lib").symlink_to(lib, target_is_directory=True)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "NEO4J_HOME": str(self.home),
            "NEO4J_BOLT_PORT": str(self.bolt_port),
            "NEO4J_HTTP_PORT": str(self.http_port),
            "NEO4J_URI": self.uri,
            "NEO4J_USER": USER,
            "NEO4J_PASSWORD": PASSWORD,
            "NEO4J_HEAP": "256m",
            "NEO4J_START_TIMEOUT": "150",
            "NEO4J_STOP_TIMEOUT": "60",
            "PYTHON": sys.executable,
        }

    def _script(self, command: str) -> str:
        done = subprocess.run(
            ["bash", str(SCRIPT), command], env=self.env(), capture_output=True, text=True, timeout=240
        )
        if done.returncode != 0:
            raise RuntimeError(f"neo4j.sh {command} failed ({done.returncode}): {done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def pid(self) -> int | None:
        """The server's pid, checked against its command line (never another process that reused it)."""
        try:
            pid = int((self.home / "run" / "neo4j.pid").read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            return None
        return pid if f"--home-dir={self.home} " in cmdline else None

    def running(self) -> bool:
        return self.pid() is not None

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown, no checkpoint."""
        pid = self.pid()
        assert pid is not None, "own Neo4j is not running"
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    @contextlib.contextmanager
    def paused(self):  # type: ignore[no-untyped-def]
        """SIGSTOP for the duration: the server holds its connections and answers nothing."""
        pid = self.pid()
        assert pid is not None, "own Neo4j is not running"
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    def store(self, *, batch_size: int = 500, retry_time: float = 2.0) -> Neo4jStore:
        # A short writer-lock lease: a load killed with the server leaves its lock behind, and the next load
        # takes it over once the lease has run out.
        return Neo4jStore(
            self.uri, USER, PASSWORD, batch_size=batch_size, retry_time=retry_time, lock_lease=3.0
        )

    def wipe(self) -> None:
        with self.store() as store:
            store._driver.execute_query("MATCH (n) DETACH DELETE n")

    def close(self) -> None:
        """Stop the server whatever state it is in, and remove its home."""
        with contextlib.suppress(OSError):
            pid = self.pid()
            if pid is not None:
                os.kill(pid, signal.SIGCONT)
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.stop()
        if self.running():
            self.kill()
        shutil.rmtree(self.home, ignore_errors=True)
