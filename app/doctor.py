"""``eagraph doctor``: what a newcomer trips on, checked one by one, each failure with how to fix it.

Each check is a small function returning a :class:`Check`; :func:`run_checks` runs them all (none raises).
The command prints them as a table (or JSON) and exits 0 when every check passed, 1 otherwise.

>>> python_version((3, 11, 4)).ok, python_version((3, 10, 0)).ok
(True, False)
>>> python_version((3, 10, 0)).fix
'install Python 3.11 or newer and run `make install` again'
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from app.output import Printer
from app.settings import Settings
from graph.store import StoreUnavailable
from graph.stores import open_store
from loaders import LoadError
from loaders.interchange import load_any

MIN_PYTHON = (3, 11)
MIN_JAVA = 17
CHROMIUM = "/usr/bin/chromium"  # Debian's; the Makefile's CHROMIUM says the same


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found
    fix: str = ""  # how to fix it, when not ok

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def python_version(version: Sequence[int] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    if tuple(version[:2]) >= MIN_PYTHON:
        return Check("python", True, f"Python {shown}")
    return Check(
        "python",
        False,
        f"Python {shown} is older than {'.'.join(map(str, MIN_PYTHON))}",
        "install Python 3.11 or newer and run `make install` again",
    )


def virtualenv() -> Check:
    if sys.prefix != sys.base_prefix:
        return Check("venv", True, f"running from the virtualenv {sys.prefix}")
    return Check(
        "venv",
        False,
        f"not running from a virtualenv ({sys.executable})",
        "run `make install` in the checkout and use .venv/bin/eagraph",
    )


def portfolio(settings: Settings) -> Check:
    what = settings.portfolio or "the shipped seed"
    try:
        p = load_any(settings.portfolio)
    except LoadError as e:
        return Check(
            "portfolio", False, str(e), f"`eagraph parse {settings.portfolio or ''}` shows where".strip()
        )
    return Check(
        "portfolio",
        True,
        f"{what} parses: {len(p.nodes)} nodes, {len(p.edges)} edges, {len(p.findings)} findings",
    )


def neo4j(settings: Settings, timeout: float = 3.0) -> Check:
    target = f"{settings.neo4j_uri} as {settings.neo4j_user}"
    from graph.neo4j_store import Neo4jStore  # only here: the other checks never load the driver

    store = open_store(settings.model_copy(update={"store": "neo4j"}), timeout=timeout)
    assert isinstance(store, Neo4jStore)
    try:
        version = store.server_version()
    except StoreUnavailable as e:
        refused = re.search(r"\[Errno \d+\] ([^)\]]+)", str(e))  # the driver's long story, in its last words
        return Check(
            "neo4j",
            False,
            f"{target}: {refused.group(1).lower()}" if refused else str(e),
            "start it with `make neo4j-start` (then `set -a; . ./.env; set +a`), or set NEO4J_URI, NEO4J_USER "
            "and NEO4J_PASSWORD to a running server",
        )
    finally:
        store.close()
    return Check("neo4j", True, f"{target}: {version}")


def _java_major(text: str) -> int | None:
    """The major version in ``java -version``'s output.

    >>> _java_major('openjdk version "17.0.13" 2024-10-15'), _java_major('java version "1.8.0_402"')
    (17, 8)
    """
    m = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def java() -> Check:
    fix = f"install Java {MIN_JAVA} or newer (Debian: `apt-get install openjdk-17-jre-headless`)"
    path = shutil.which("java")
    if path is None:
        return Check("java", False, "no `java` on PATH (`make neo4j-start` needs it)", fix)
    run = subprocess.run([path, "-version"], capture_output=True, text=True, timeout=30, check=False)
    major = _java_major(run.stderr + run.stdout)
    first = (run.stderr or run.stdout).strip().splitlines()[:1]
    if major is None or major < MIN_JAVA:
        return Check("java", False, f"{path}: {first[0] if first else 'no version'}", fix)
    return Check("java", True, f"{path}: Java {major}")


def chromium(path: str | None = None) -> Check:
    path = path or os.environ.get("CHROMIUM", CHROMIUM)
    if Path(path).is_file() and os.access(path, os.X_OK):
        return Check("chromium", True, f"{path} (for the browser tests)")
    return Check(
        "chromium",
        False,
        f"{path} is missing (the browser tests need it)",
        "as root: `apt-get update && apt-get install chromium` (`make test` does it when it can)",
    )


def port_free(host: str, port: int) -> Check:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind((host, port))
        except OSError as e:
            return Check(
                "port",
                False,
                f"{host}:{port} is taken ({e.strerror})",
                f"stop what listens there (`ss -ltnp 'sport = :{port}'`) or serve on another: "
                f"`eagraph serve --port {port + 1}`",
            )
    return Check("port", True, f"{host}:{port} is free for the API")


def run_checks(settings: Settings, host: str, port: int) -> list[Check]:
    """Every check, in the order a newcomer meets them."""
    return [
        python_version(),
        virtualenv(),
        portfolio(settings),
        neo4j(settings),
        java(),
        chromium(),
        port_free(host, port),
    ]


def report(checks: Sequence[Check], printer: Printer) -> None:
    """The checks as a table (or TSV/CSV/Markdown), then how to fix each that failed."""
    t = Table(title="eagraph doctor")
    for col in ("result", "check", "found", "fix"):
        t.add_column(col, overflow="fold")
    for c in checks:
        t.add_row("[green]ok[/]" if c.ok else "[red]FAIL[/]", c.name, escape(c.detail), escape(c.fix))
    printer.print(t)
    failed = [c.name for c in checks if not c.ok]
    printer.print(
        f"[red]{len(failed)} of {len(checks)} checks failed: {', '.join(failed)}[/]"
        if failed
        else f"[green]All {len(checks)} checks passed.[/]"
    )
