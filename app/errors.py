"""Every error the API returns, mapped once: RFC 9457 ``application/problem+json``, never a stack trace.

* ``NodeNotFound`` → 404 ``urn:eagraph:problem:node-not-found``, with ``suggestions``;
* ``AmbiguousName`` → 400 ``urn:eagraph:problem:ambiguous-name``, with ``candidates``;
* ``InvalidQuery`` → 400 ``urn:eagraph:problem:invalid-query``;
* ``InvalidEdit`` → 422 ``urn:eagraph:problem:invalid-edit``;
* a malformed parameter or body → 422 ``urn:eagraph:problem:invalid-request``, with ``errors`` (where and
  what, never the input itself);
* ``StoreUnavailable`` → 503 ``urn:eagraph:problem:store-unavailable``, ``GraphBuilding`` (no revision is
  ready to answer yet) → 503 ``urn:eagraph:problem:graph-building``, ``LoadError`` (the configured document
  cannot be read) → 503 ``urn:eagraph:problem:portfolio-unreadable``, ``ReloadTimeout`` (a reload over
  ``EAGRAPH_RELOAD_TIMEOUT``) → 503 ``urn:eagraph:problem:reload-timeout``, ``KeysUnreadable`` (the keys
  file, :mod:`app.keys`, is there but cannot be read: logged, not shown) → 503
  ``urn:eagraph:problem:keys-unreadable``, all with ``Retry-After``;
* a missing, unknown or revoked ``X-API-Key`` → 401 with ``WWW-Authenticate: ApiKey``; a key whose role is
  too low, or no key configured for the role → 403 (:mod:`app.auth`, as HTTP errors, ``about:blank``);
* HTTP errors (an unknown route, a wrong method, a body over the limit or not JSON) → their status,
  ``about:blank``;
* anything else → 500 ``urn:eagraph:problem:internal``: logged here, details withheld from the client.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.keys import KeysUnreadable
from app.schemas import Problem
from app.service import GraphBuilding, ReloadTimeout
from graph.errors import AmbiguousName, InvalidEdit, InvalidQuery, NodeNotFound
from graph.store import RevisionNotFound, StoreUnavailable
from loaders import LoadError
from loaders.curation import CurationError

__all__ = ["PROBLEM_JSON", "BodyLimit", "BodyTooLarge", "install", "problem_responses"]

log = logging.getLogger("eagraph.api")

PROBLEM_JSON = "application/problem+json"
_URN = "urn:eagraph:problem:"

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    500: "Internal server error",
    503: "Service unavailable",
}


class BodyTooLarge(StarletteHTTPException):
    """A request body over ``Settings.max_body_bytes`` (an HTTP error, so the body parser lets it through)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


def problem(
    request: Request,
    status: int,
    detail: str | None,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = Problem(
        type=_URN + kind if kind else "about:blank",
        title=title or _TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=_cut(request.url.path),
        **extra,
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def _cut(path: str, limit: int = 256) -> str:
    """A path as ``instance`` shows it: a 10,000-character name in it is not sent back whole."""
    return path if len(path) <= limit else path[:limit] + "…"


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only where and what: pydantic's "input" would echo a 5,000-character name back.
    return [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
            "msg": e["msg"],
            "type": e["type"],
        }
        for e in exc.errors()
    ]


Handler = Callable[[Request, Any], Awaitable[JSONResponse]]


def _retry_later(kind: str, title: str, seconds: int) -> Handler:
    """A handler answering a 503 problem of ``kind`` with the exception's message and ``Retry-After``."""

    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return problem(request, 503, str(exc), kind=kind, title=title, headers={"Retry-After": str(seconds)})

    return handler


def _allowed(request: Request) -> list[str]:
    """Every method some route of the app answers on the request's path (GET and POST /decisions are two)."""
    methods: set[str] = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        for route in request.app.router.routes:
            match, _ = route.matches({**request.scope, "method": method})
            if match is Match.FULL:
                methods.add(method)
                break
    return sorted(methods)


def _handlers() -> dict[type[Exception] | int, Handler]:
    async def not_found(request: Request, exc: NodeNotFound) -> JSONResponse:
        return problem(
            request,
            404,
            str(exc),
            kind="node-not-found",
            title="No such node",
            suggestions=list(exc.suggestions),
        )

    async def ambiguous(request: Request, exc: AmbiguousName) -> JSONResponse:
        return problem(
            request,
            400,
            str(exc),
            kind="ambiguous-name",
            title="Ambiguous name",
            candidates=list(exc.candidates),
            suggestions=list(exc.candidates),
        )

    async def invalid_query(request: Request, exc: InvalidQuery) -> JSONResponse:
        return problem(request, 400, str(exc), kind="invalid-query", title="Invalid query")

    async def invalid_edit(request: Request, exc: InvalidEdit) -> JSONResponse:
        return problem(request, 422, str(exc), kind="invalid-edit", title="Edit does not apply")

    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
        return problem(
            request,
            422,
            f"invalid request parameters: {where}",
            kind="invalid-request",
            title="Invalid request",
            errors=errors,
        )

    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names the methods of the first route of the path only
            headers["Allow"] = ", ".join(_allowed(request)) or headers.get("Allow", "")
        return problem(request, exc.status_code, detail, headers=headers)

    async def no_revision(request: Request, exc: RevisionNotFound) -> JSONResponse:
        return problem(request, 404, str(exc), kind="revision-not-found", title="No such revision")

    async def refused_decision(request: Request, exc: CurationError) -> JSONResponse:
        titles = {404: "No such decision", 409: "Decision does not apply", 422: "Invalid decision"}
        kinds = {404: "decision-not-found", 409: "decision-conflict", 422: "invalid-decision"}
        return problem(
            request, exc.status, str(exc), kind=kinds.get(exc.status), title=titles.get(exc.status)
        )

    async def keys_unreadable(request: Request, exc: KeysUnreadable) -> JSONResponse:
        log.error("%s", exc)  # the path and the reason are for the operator
        detail = "the API keys cannot be checked: the keys file cannot be read (the server log says why)"
        headers = {"Retry-After": "30"}
        return problem(request, 503, detail, kind="keys-unreadable", title="Keys unreadable", headers=headers)

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(request, 500, "an unexpected error occurred; it has been logged", kind="internal")

    return {
        NodeNotFound: not_found,
        AmbiguousName: ambiguous,
        InvalidQuery: invalid_query,
        InvalidEdit: invalid_edit,
        CurationError: refused_decision,
        RevisionNotFound: no_revision,
        RequestValidationError: invalid_request,
        StoreUnavailable: _retry_later("store-unavailable", "Store unavailable", 5),
        GraphBuilding: _retry_later("graph-building", "Graph being built", 1),
        LoadError: _retry_later("portfolio-unreadable", "Portfolio unreadable", 30),
        ReloadTimeout: _retry_later("reload-timeout", "Reload timed out", 30),
        KeysUnreadable: keys_unreadable,
        StarletteHTTPException: http_error,
        Exception: internal,
    }


def install(app: FastAPI) -> None:
    """Register every handler on ``app``, and document error bodies as ``application/problem+json`` only."""
    for exc_class, handler in _handlers().items():
        app.add_exception_handler(exc_class, handler)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # cached by FastAPI; the rewrite below is idempotent
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[0] in "45" and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring problem+json bodies for these statuses."""
    descriptions = {
        400: "Invalid or ambiguous query (`candidates` lists what an ambiguous name could mean).",
        401: "Missing, unknown or revoked API key (`X-API-Key`).",
        403: "The key's role is too low, or no key is configured for the role (the endpoints are disabled).",
        404: "No node matches a name (`suggestions` lists look-alikes), no decision has the id, or the revision "
        "asked for is not kept.",
        409: "The decision does not apply to the current graph (its edge or node is not there).",
        413: "The request body is too large.",
        415: "The request body is not sent as `application/json`.",
        422: "Malformed parameters or body, or an edit that does not apply.",
        500: "Unexpected error (details are logged, not returned).",
        503: "The store cannot be reached or holds no portfolio, or a reload took too long.",
    }
    return {status: {"model": Problem, "description": descriptions[status]} for status in statuses}


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes before a route reads them (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            exc = BodyTooLarge(self.limit)  # refused before reading: answer here, no route runs
            response = problem(Request(scope), exc.status_code, exc.detail)
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)
