"""The web explorer at ``/`` and the API docs at ``/docs``, served from files in the package: no CDN.

The explorer is one static page (``app/static/``) in plain JavaScript with no packages; it draws the layout
from ``GET /api/v1/graph`` as SVG and asks the API everything else. Data reaches the page only as text
nodes and attributes, never as markup, and the Content-Security-Policy every response carries
(:data:`app.edge.CSP`) forbids inline and foreign scripts: it makes any slip inert.
Swagger UI's files come from the ``swagger-ui-bundle-v2`` package. Its page has one inline script (the
initialiser FastAPI writes), allowed by its hash and nothing wider; Swagger UI may set inline styles.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC", "docs_csp", "mount"]

STATIC = Path(__file__).resolve().parent / "static"
_SWAGGER = Path(str(swagger_ui_bundle.swagger_ui_path))
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def docs_csp(page: str) -> str:
    """The Content-Security-Policy of the API docs ``page``: this server's files, and its inline scripts
    by their SHA-256 only.

    >>> docs_csp("<script>go()</script>").split("; ")[1]
    "script-src 'self' 'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw='"
    """
    hashes = [hashlib.sha256(s.encode()).digest() for s in _INLINE_SCRIPT.findall(page)]
    sources = " ".join(f"'sha256-{base64.b64encode(h).decode()}'" for h in hashes)
    return (
        f"default-src 'none'; script-src 'self' {sources}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def mount(app: FastAPI) -> None:
    """Serve the explorer, its files and the offline Swagger UI on ``app``."""
    pages = APIRouter(include_in_schema=False)

    @pages.get("/")
    def explorer() -> FileResponse:
        return FileResponse(
            STATIC / "index.html",
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    html = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} — API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
    page = bytes(html.body).decode()
    headers = {"Content-Security-Policy": docs_csp(page), "Cache-Control": "no-cache"}

    @pages.get("/docs")
    def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)

    @pages.get("/docs/")
    def docs_slash() -> RedirectResponse:
        return RedirectResponse("/docs")  # relative: the Host header is never echoed back

    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs/assets", StaticFiles(directory=_SWAGGER), name="swagger-ui")
