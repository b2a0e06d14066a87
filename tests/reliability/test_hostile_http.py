"""Red-team defects of the HTTP service (issue 12, items 8, 11 and 15): what a hostile or careless client can
do to the server itself, beyond the names it sends.

* every integer parameter is bounded: a huge one is a 422 problem, not a 500;
* reloads are serialised, coalesced and bounded in time, and run on no request thread: ``/health`` and reads
  keep answering while forty of them arrive at once;
* every response carries a Content-Security-Policy, ``nosniff`` and a refusal to be framed; no redirect
  reflects the Host header; HEAD answers like GET without a body; a bad API key stops ``eagraph serve`` in one
  line; idle and slow connections are cut; control and zero-width characters in a name are a 422; a JSON body
  must say it is JSON.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

import app.service
from app.main import create_app
from bench.generate import generate
from graph.model import Node, NodeKind, Portfolio
from graph.store import MemoryStore
from tests.app.conftest import API_KEY, problem, seeded, settings, started
from tests.serving import Served

HUGE = 2**64  # orjson cannot write it: an unbounded integer that reaches a response is a 500


@pytest.fixture(scope="module")
def client(seed: Portfolio) -> Iterator[TestClient]:
    with started(
        create_app(settings(api_key=API_KEY), store=seeded(seed)), raise_server_exceptions=False
    ) as c:
        yield c


# ------------------------------------------------------------------------------------ 8: bounded integers


def test_an_impact_offset_of_two_to_the_64_is_a_422_problem_not_a_500(client: TestClient) -> None:
    response = client.get("/api/v1/impact", params={"down": "hint", "offset": HUGE})
    body = problem(response, 422)
    assert body["errors"][0]["loc"] == ["query", "offset"]


def _integer_schemas(schema: dict[str, Any], components: dict[str, Any], where: str) -> Iterator[tuple]:
    """Every integer (sub)schema of ``schema``, with where it is, following ``$ref``s into ``components``."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        yield from _integer_schemas(components[name], components, f"{where}→{name}")
        return
    if schema.get("type") == "integer":
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(schema.get(key, [])):
            yield from _integer_schemas(sub, components, f"{where}[{i}]")
    for name, sub in schema.get("properties", {}).items():
        yield from _integer_schemas(sub, components, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _integer_schemas(schema["items"], components, f"{where}[]")


def test_every_integer_parameter_and_body_field_of_every_route_has_an_upper_bound(client: TestClient) -> None:
    openapi = client.get("/openapi.json").json()
    components = openapi["components"]["schemas"]
    found, unbounded = [], []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            schemas = [(f"{method} {path} {p['name']}", p["schema"]) for p in operation.get("parameters", [])]
            for media in operation.get("requestBody", {}).get("content", {}).values():
                schemas.append((f"{method} {path} body", media["schema"]))
            for where, schema in schemas:
                for place, integer in _integer_schemas(schema, components, where):
                    found.append(place)
                    if "maximum" not in integer and "exclusiveMaximum" not in integer:
                        unbounded.append(place)
    assert found and unbounded == []


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/impact", {"down": "hint", "offset": HUGE}),
        ("/api/v1/impact", {"down": "hint", "limit": HUGE}),
        ("/api/v1/nodes", {"offset": HUGE}),
        ("/api/v1/nodes", {"limit": HUGE}),
        ("/api/v1/nodes/hint/dependents", {"depth": HUGE}),
        ("/api/v1/paths", {"from": "praksisinfo", "to": "hint", "limit": HUGE}),
    ],
)
def test_an_integer_parameter_past_its_bound_is_a_422_problem_naming_it(
    client: TestClient, url: str, params: dict[str, Any]
) -> None:
    name = next(k for k, v in params.items() if v == HUGE)
    assert problem(client.get(url, params=params), 422)["errors"][0]["loc"] == ["query", name]


# ------------------------------------------------------------------------------------ 11: reloads

SLOW_LOAD = 2.5  # seconds each load of the portfolio takes in the reload tests
RELOADS = 40  # as many as the default thread pool has threads


class Loads:
    """A loader that takes ``seconds`` and counts its calls and how many ran at once."""

    def __init__(self, seconds: float, result: Callable[..., Portfolio]) -> None:
        self.seconds, self.result = seconds, result
        self.calls = self.running = self.most = 0
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Portfolio:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.seconds)
            return self.result(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1


def test_forty_concurrent_reloads_of_a_slow_portfolio_run_one_load_at_a_time_while_health_and_reads_answer(
    seed: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = Loads(SLOW_LOAD, app.service.load_any)
    monkeypatch.setattr("app.service.load_any", loads)
    polled: list[tuple[str, int, float]] = []
    failures: list[str] = []
    stop = threading.Event()

    def poll(url: str, path: str, params: dict[str, str]) -> None:
        with httpx.Client(base_url=url, timeout=10) as c:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    status = c.get(path, params=params).status_code
                except httpx.HTTPError as exc:
                    failures.append(f"{path}: {exc!r}")
                    continue
                polled.append((path, status, time.monotonic() - began))
                time.sleep(0.05)

    answers: list[tuple[int, dict[str, Any]]] = []

    def reload(url: str) -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            try:
                response = c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY})
            except httpx.HTTPError as exc:
                failures.append(f"reload: {exc!r}")
                return
            answers.append((response.status_code, response.json()))

    app_ = create_app(settings(api_key=API_KEY), store=seeded(seed))
    with Served(app_) as served:
        assert app_.state.service.wait_idle(60)
        pollers = [
            threading.Thread(target=poll, args=(served.url, "/api/v1/health", {})),
            threading.Thread(target=poll, args=(served.url, "/api/v1/impact", {"down": "hint"})),
        ]
        for thread in pollers:
            thread.start()
        reloaders = [threading.Thread(target=reload, args=(served.url,)) for _ in range(RELOADS)]
        for thread in reloaders:
            thread.start()
        for thread in reloaders:
            thread.join(120)
        stop.set()
        for thread in pollers:
            thread.join(30)

    assert failures == []
    assert len(answers) == RELOADS
    assert {status for status, _ in answers} == {200}, answers[:3]
    assert {body["revision"] for _, body in answers} == {seed.revision}
    assert loads.most == 1, f"{loads.most} loads ran at once"
    assert 1 <= loads.calls <= 3, f"{loads.calls} loads for {RELOADS} reloads asked at once"
    for path in ("/api/v1/health", "/api/v1/impact"):
        answered = [(status, seconds) for p, status, seconds in polled if p == path]
        assert len(answered) >= 5, polled
        assert {status for status, _ in answered} == {200}, answered
        assert max(seconds for _, seconds in answered) < 2.0, answered


def test_a_reload_slower_than_the_reload_timeout_is_a_503_problem_and_loads_nothing(
    seed: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = generate(50, seed=3)
    loads = Loads(1.5, lambda *_args, **_kwargs: other)
    monkeypatch.setattr("app.service.load_any", loads)
    app_ = create_app(settings(api_key=API_KEY, reload_timeout=0.5), store=seeded(seed))
    with started(app_, raise_server_exceptions=False) as c:
        began = time.monotonic()
        body = problem(c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY}), 503)
        assert time.monotonic() - began < 1.4  # answered at the deadline, not when the load ended
        assert body["type"] == "urn:eagraph:problem:reload-timeout" and "0.5" in body["detail"]
        assert app_.state.service.wait_idle(30)
        assert loads.calls == 1
        assert c.get("/api/v1/ready").json()["revision"] == seed.revision  # the late load was dropped
        assert c.get("/api/v1/health").status_code == 200


def test_once_a_reload_answers_reads_answer_from_the_revision_it_loaded(
    seed: Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = Portfolio("tiny.txt", (Node("a", "Alpha", NodeKind.SYSTEM),), ())
    build = app.service.Snapshot.of

    def slow_build(portfolio: Portfolio) -> app.service.Snapshot:
        time.sleep(0.5)  # a build that takes a while, as a large graph's does
        return build(portfolio)

    monkeypatch.setattr(app.service.Snapshot, "of", staticmethod(slow_build))
    with started(create_app(settings(api_key=API_KEY), store=seeded(tiny))) as c:
        reloaded = c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY}).json()
        assert reloaded["revision"] == seed.revision and reloaded["changed"] is True
        assert c.get("/api/v1/ready").json()["revision"] == seed.revision
        assert c.get("/api/v1/nodes/hint").status_code == 200


def test_a_reload_still_runs_after_the_app_was_stopped_and_started_again(seed: Portfolio) -> None:
    app_ = create_app(settings(api_key=API_KEY), store=seeded(seed))
    for _ in range(2):
        with started(app_) as c:
            reloaded = c.post("/api/v1/admin/reload", headers={"X-API-Key": API_KEY})
            assert reloaded.status_code == 200 and reloaded.json()["revision"] == seed.revision


# ------------------------------------------------------------------------------------ 15a: headers


class Broken(MemoryStore):
    """A store that fails in a way nobody planned for: every read is a 500."""

    def revision(self) -> str | None:
        raise RuntimeError("disk on fire")


def _assert_hardened(response: httpx.Response, where: str) -> None:
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp or response.headers.get("x-frame-options") == "DENY", where
    assert "default-src 'none'" in csp, where
    assert response.headers.get("x-content-type-options") == "nosniff", where


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/static/index.html", 200),
        ("GET", "/static/explorer.js", 200),
        ("GET", "/docs", 200),
        ("GET", "/docs/assets/swagger-ui.css", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/api/v1/health", 200),
        ("GET", "/api/v1/impact?down=hint", 200),
        ("GET", "/api/v1/nodes/no-such-node-anywhere", 404),
        ("GET", "/api/v1/impact", 422),
        ("DELETE", "/api/v1/health", 405),
        ("GET", "/nowhere", 404),
        ("POST", "/api/v1/admin/reload", 401),
    ],
)
def test_every_response_carries_a_csp_nosniff_and_a_refusal_to_be_framed(
    client: TestClient, method: str, url: str, status: int
) -> None:
    response = client.request(method, url)
    assert response.status_code == status, response.text
    _assert_hardened(response, url)


def test_an_unexpected_500_carries_the_security_headers_too() -> None:
    with started(create_app(settings(), store=Broken()), raise_server_exceptions=False) as c:
        response = c.get("/api/v1/nodes")
        problem(response, 500)
        _assert_hardened(response, "500")


def test_the_api_docs_allow_their_own_inline_script_by_hash_and_nothing_from_elsewhere(
    client: TestClient,
) -> None:
    page = client.get("/docs")
    csp = dict(
        d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";") if d.strip()
    )
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    assert len(scripts) == 1  # Swagger UI's initialiser
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp["script-src"]
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
    assert csp["connect-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
    assert "http" not in page.headers["content-security-policy"]  # every source is this server


# ------------------------------------------------------------------------------------ 15b: redirects


@pytest.mark.parametrize(
    "url",
    ["/api/v1/nodes/", "/api/v1/health/", "/api/v1/impact/?down=hint", "/docs/", "/static", "/docs/assets"],
)
def test_no_redirect_sends_a_client_to_the_host_its_host_header_named(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code < 500
    location = response.headers.get("location", "")
    assert "evil.example" not in location and not location.startswith(("http:", "https:", "//")), location
    assert "evil.example" not in response.text


# ------------------------------------------------------------------------------------ 15c: HEAD

HEAD_URLS = [
    "/",
    "/static/explorer.js",
    "/docs",
    "/openapi.json",
    "/api/v1/health",
    "/api/v1/ready",
    "/api/v1/nodes?limit=3",
    "/api/v1/nodes/hint",
    "/api/v1/impact?down=hint",
    "/api/v1/export/mermaid",
    "/api/v1/nodes/no-such-node-anywhere",
]


@pytest.mark.parametrize("url", HEAD_URLS)
def test_head_answers_like_get_without_a_body(client: TestClient, url: str) -> None:
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code, head.text
    assert head.content == b""
    for name in ("content-type", "content-length", "content-security-policy", "x-eagraph-revision"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_on_a_route_with_no_get_is_a_405_without_a_body(client: TestClient) -> None:
    response = client.head("/api/v1/scenarios")
    assert response.status_code == 405 and response.content == b""
    assert "POST" in response.headers["allow"]


# ------------------------------------------------------------------------------------ 15d: the API key


def _serve(key: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EAGRAPH_")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env={**env, "EAGRAPH_API_KEY": key},
        cwd=cwd,  # no developer's .env
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("short", "EAGRAPH_API_KEY must have at least 16 characters"),
        (" " * 24, "EAGRAPH_API_KEY must not be blank"),
        (" padded-key-0123456789 ", "EAGRAPH_API_KEY must not begin or end with white space"),
    ],
    ids=["short", "spaces", "padded"],
)
def test_a_bad_api_key_stops_serve_with_one_error_line_and_exit_code_2(
    key: str, message: str, tmp_path: Path
) -> None:
    done = _serve(key, tmp_path)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0] == f"error: {message}" and (not key.strip() or key.strip() not in done.stderr)


def test_a_key_of_only_spaces_is_refused_by_the_settings_too() -> None:
    with pytest.raises(ValueError, match="must not be blank"):
        settings(api_key=" " * 20)


# ------------------------------------------------------------------------------------ 15e: timeouts


@contextmanager
def serving(app_: FastAPI, **options: Any) -> Iterator[tuple[str, int]]:
    """``app_`` under uvicorn with ``options``, on a free loopback port: (host, port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app_, log_level="warning", lifespan="on", **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield sock.getsockname()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _closed_within(conn: socket.socket, seconds: float, trickle: bytes = b"") -> float:
    """Seconds until the server closes ``conn`` (sending ``trickle`` every 0.2 s meanwhile); fails after
    ``seconds``."""
    began = time.monotonic()
    conn.settimeout(0.2)
    while time.monotonic() - began < seconds:
        try:
            if trickle:
                conn.sendall(trickle)
            data = conn.recv(65536)
        except TimeoutError:
            continue
        except OSError:  # reset, broken pipe: closed
            return time.monotonic() - began
        if data == b"":
            return time.monotonic() - began
        if data.startswith(b"HTTP/1.1 408"):
            continue  # told why; the close follows
    raise AssertionError(f"the connection was still open after {seconds} s")


def test_idle_connections_and_slow_requests_are_cut_after_the_serve_timeouts(seed: Portfolio) -> None:
    from app.server import uvicorn_options

    options = uvicorn_options(keep_alive=1.0, request_read=1.0)
    with serving(create_app(settings(), store=seeded(seed)), **options) as address:
        with socket.create_connection(address) as idle:  # connects, never sends
            assert _closed_within(idle, 4) < 3
        with socket.create_connection(address) as slow:  # a header line every 0.2 s, never the end
            slow.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
            assert _closed_within(slow, 4, trickle=b"X-Slow: 1\r\n") < 3
        with socket.create_connection(address) as slow_body:  # headers whole, the body a byte at a time
            slow_body.sendall(
                b"POST /api/v1/scenarios HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{"
            )
            assert _closed_within(slow_body, 4, trickle=b" ") < 3
        with socket.create_connection(address) as kept:  # a whole request, then idle on keep-alive
            kept.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            kept.settimeout(5)
            assert kept.recv(65536).startswith(b"HTTP/1.1 200")
            assert _closed_within(kept, 4) < 3
        # and a client that asks promptly is answered, on a connection it reuses
        with httpx.Client(base_url=f"http://{address[0]}:{address[1]}", timeout=5) as c:
            assert c.get("/api/v1/health").status_code == 200
            assert c.get("/api/v1/ready").status_code == 200


def test_serve_runs_uvicorn_with_the_timeouts_and_no_server_header(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from app.cli import cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: seen.update(options))
    for name in [n for n in os.environ if n.startswith("EAGRAPH_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(cli, ["serve", "--port", "8123"])
    assert done.exit_code == 0, done.output
    assert seen["timeout_keep_alive"] == 5 and seen["server_header"] is False
    assert seen["http"].request_read_timeout == 10 and seen["port"] == 8123


# ------------------------------------------------------------------------------------ 15f: invisible names

INVISIBLE = {"NUL": "\x00", "ZWSP": "\u200b", "ZWNJ": "\u200c", "ZWJ": "\u200d", "BOM": "\ufeff"}


def _name_requests(name: str) -> list[tuple[str, dict[str, Any], tuple[str, ...]]]:
    quoted = quote(name, safe="")
    return [
        ("/api/v1/impact", {"down": name}, ("query", "down", "0")),
        ("/api/v1/impact", {"down": ["dip", name]}, ("query", "down", "1")),
        (f"/api/v1/nodes/{quoted}", {}, ("path", "ref")),
        (f"/api/v1/nodes/{quoted}/dependents", {}, ("path", "ref")),
        ("/api/v1/paths", {"from": name, "to": "dip"}, ("query", "from")),
        ("/api/v1/paths", {"from": "praksisinfo", "to": name}, ("query", "to")),
        ("/api/v1/nodes", {"q": name}, ("query", "q")),
    ]


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_nul_or_zero_width_character_in_a_name_is_a_422_not_silently_stripped(
    client: TestClient, char: str
) -> None:
    for url, params, loc in _name_requests(f"hi{char}nt"):
        body = problem(client.get(url, params=params), 422)
        assert [tuple(str(p) for p in e["loc"]) for e in body["errors"]] == [loc], url


def test_direction_marks_and_other_visible_text_in_a_name_are_still_names(client: TestClient) -> None:
    assert client.get("/api/v1/nodes", params={"q": "Rakett 🚀 \u200f"}).status_code == 200
    assert client.get("/api/v1/impact", params={"down": "hINT"}).status_code == 200
    assert client.get("/api/v1/nodes/" + quote("Økonomimodulen")).status_code == 200


# ------------------------------------------------------------------------------------ 15g: JSON bodies

SCENARIO = b'{"down": ["hint"]}'


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data",
     "application/jsonx", "application/problem+json"],
)  # fmt: skip
def test_a_scenario_body_not_sent_as_application_json_is_a_415_problem(
    client: TestClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = problem(client.post("/api/v1/scenarios", content=SCENARIO, headers=headers), 415)
    assert "application/json" in body["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
def test_a_scenario_body_sent_as_application_json_is_answered(client: TestClient, content_type: str) -> None:
    response = client.post("/api/v1/scenarios", content=SCENARIO, headers={"content-type": content_type})
    assert response.status_code == 200, response.text
