"""The wheel is what the Docker image and ``pip install .`` ship: build it, install it into a fresh venv
outside the checkout, and run the commands a deployment runs, from a folder where nothing of the checkout can
be imported by accident.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("app", "graph", "loaders")
DOCKER_CONTEXT = ("pyproject.toml", "README.md", "requirements.lock", "app", "graph", "loaders", "seed")


def _copy_as_the_dockerfile_does(dest: Path) -> Path:
    """The files the Dockerfile copies, and nothing else (no ``build/`` left over from an earlier build)."""
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in DOCKER_CONTEXT:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)
    return dest


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["EAGRAPH_STORE"] = "memory"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the wheel, the ``bin`` folder of a fresh venv it is installed in, with the locked dependencies)."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    src = _copy_as_the_dockerfile_does(root / "src")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)], root)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("eagraph-*.whl")
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], root)
    assert made.returncode == 0, made.stderr
    pip = _run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(REPO / "requirements.lock"),
         str(wheel)],
        root,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    yield wheel, venv / "bin"


def _source_packages() -> set[str]:
    return {
        ".".join(p.parent.relative_to(REPO).parts)
        for top in PACKAGES
        for p in (REPO / top).rglob("*.py")
        if "__pycache__" not in p.parts
    }


def test_the_wheel_ships_every_package_and_the_data_beside_them(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {"/".join(n.split("/")[:-1]).replace("/", ".") for n in names if n.endswith(".py")}
    assert _source_packages() <= shipped, sorted(_source_packages() - shipped)
    assert "seed/hdir-systemportefolje-2023.txt" in names and "seed/overlay.yaml" in names
    assert {"app/static/index.html", "app/static/explorer.js"} <= set(names)


def test_the_installed_eagraph_parses_the_seed_outside_the_checkout(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_ = installed
    res = _run([str(bin_ / "eagraph"), "parse", "--json"], tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    assert '"entries"' in res.stdout and "hdir-systemportefolje-2023.txt" in res.stdout


def test_the_installed_eagraph_exports_archimate(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, bin_ = installed
    res = _run([str(bin_ / "eagraph"), "export", "--format", "archimate"], tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("<?xml") and "<model" in res.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.status, r.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_installed_eagraph_serves_the_page_and_an_impact_answer(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_ = installed
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    server = subprocess.Popen(
        [str(bin_ / "eagraph"), "serve", "--store", "memory", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        status, page = _get(f"http://127.0.0.1:{port}/", deadline)
        assert status == 200 and b"<html" in page.lower()
        status, body = _get(f"http://127.0.0.1:{port}/api/v1/impact?down=hINT", deadline)
        assert status == 200 and b'"impacted"' in body
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert b"Traceback" not in stderr, stderr.decode(errors="replace")
