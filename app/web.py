"""The web explorer at ``/`` and the API docs at ``/docs``, served from files in the package: no CDN.

The explorer is one static page (``app/static/``) in plain JavaScript with no packages; it draws the layout
from ``GET /api/v1/graph`` as SVG and asks the API everything else. Data reaches the page only as text
nodes and attributes, never as markup, and a Content-Security-Policy forbids inline and foreign scripts.
Swagger UI's files come from the ``swagger-ui-bundle-v2`` package.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC", "mount"]

STATIC = Path(__file__).resolve().parent / "static"
_SWAGGER = Path(str(swagger_ui_bundle.swagger_ui_path))

# The explorer builds its DOM with textContent/setAttribute only; this makes any slip inert.
_EXPLORER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def mount(app: FastAPI) -> None:
    """Serve the explorer, its files and the offline Swagger UI on ``app``."""
    pages = APIRouter(include_in_schema=False)

    @pages.get("/")
    def explorer() -> FileResponse:
        return FileResponse(
            STATIC / "index.html",
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": _EXPLORER_CSP,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-cache",
            },
        )

    @pages.get("/docs")
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs/assets", StaticFiles(directory=_SWAGGER), name="swagger-ui")
