"""The HTTP API and the web explorer: ``create_app(settings)``. Nothing connects at import or at creation;
the store is built on the first request that needs it (or when the server starts, to warm up).

Run it with ``eagraph serve`` (which sets the connection timeouts of :mod:`app.server`) or
``uvicorn --factory app.main:create_app``.

Around everything, outside even the handler of unexpected errors, sits the HTTP edge (:mod:`app.edge`):
security headers on every response, HEAD answered as GET. Nothing redirects to an absolute URL: there is no
trailing-slash redirect (``/api/v1/nodes/`` is a 404, as a URL the API does not have), so the Host header a
client sends is never sent back as a place to go.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from app import edge, errors, web
from app.api import admin, probes, reads
from app.auth import Role, require_role
from app.curation import curation_routes
from app.errors import problem_responses
from app.keys import Keyring
from app.service import GraphService
from app.settings import Settings
from graph.store import GraphStore

__all__ = ["create_app"]

DESCRIPTION = """\
What breaks if hINT is down? The portfolio as a dependency graph (`A → B`: A depends on B), and answers
that cite the sentence behind every edge.

* Names in paths, queries and bodies may be ids, names, aliases or abbreviations; case and æ/ø/å are folded
  (`tjenesteportalen`, `HAPI`, `okonomimodulen`).
* Every answer carries the graph `revision` it was computed on.
* Errors are `application/problem+json` (RFC 9457); an unknown name comes with `suggestions`.
* The web explorer is at [`/`](/).
"""


class _App(FastAPI):
    """FastAPI with :func:`app.edge.wrap` outside its whole middleware stack (Starlette puts middleware
    added by ``add_middleware`` inside its error middleware, whose 500s would go out bare)."""

    def build_middleware_stack(self) -> ASGIApp:
        return edge.wrap(super().build_middleware_stack())


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """The application. ``store``: use this store instead of building one from ``settings`` (tests)."""
    settings = settings or Settings()
    service = GraphService(settings, store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The first snapshot is built in the background: the server listens at once (/health answers, /ready
        # is 503 until a snapshot can answer), and a failure is reported by /ready, never fatal.
        service.start()
        yield
        service.close()

    app = _App(
        title="eagraph",
        version="1",
        summary="Dependency graph of an IT portfolio: what breaks when X is down, with the evidence.",
        description=DESCRIPTION,
        docs_url=None,  # served from local files by app.web
        redoc_url=None,
        lifespan=lifespan,
        redirect_slashes=False,  # a redirect would be absolute, built from the client's Host header
        openapi_tags=[
            {"name": "analysis", "description": "Impact, paths, critical components, cycles, what-if."},
            {"name": "nodes", "description": "Systems, integrations, actors and outside services."},
            {"name": "explorer", "description": "Data for the web explorer."},
            {
                "name": "admin",
                "description": "Needs an `admin` key (`eagraph keys add`, or EAGRAPH_API_KEY).",
            },
            {"name": "operations", "description": "Liveness and readiness probes."},
        ],
    )
    app.state.service = service
    app.state.keyring = Keyring(settings.keys_file, settings.api_key)  # read on the first request
    errors.install(app)
    # Reads (the curation reads too) need a reader key only when EAGRAPH_READ_API_KEY says so.
    for router in (reads, curation_routes):
        if settings.read_api_key:
            app.include_router(
                router,
                dependencies=[Depends(require_role(Role.READER))],
                responses=problem_responses(401, 403),
            )
        else:
            app.include_router(router)
    app.include_router(admin)
    app.include_router(probes)
    web.mount(app)
    app.add_middleware(errors.BodyLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    return app
