"""The HTTP edge: what every response carries and how HEAD is answered, whatever route, mount or error handler
produced the response. :func:`wrap` puts both around the whole application, outside Starlette's error
middleware, so an unexpected 500 is covered too.

* :class:`SecurityHeaders`: a Content-Security-Policy (the response's own, if it sets one — the API docs do
  — else :data:`CSP`), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and
  ``Referrer-Policy: no-referrer`` on every response. :data:`CSP` allows this server's own scripts, styles,
  images and requests and nothing else, never inline script, and no framing (``frame-ancestors 'none'``):
  the explorer page needs no more, and a JSON or problem body opened in a browser gets no less.
* :class:`HeadAsGet`: HEAD answered as GET without the body (FastAPI's API routes answer only the methods
  they declare), with the headers GET would have, ``Content-Length`` included.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "HEADERS", "HeadAsGet", "SecurityHeaders", "wrap"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """Add :data:`HEADERS` to every HTTP response, keeping any the response sets itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, hardened)


class HeadAsGet:
    """Answer HEAD as the application answers GET, without sending the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server keeps its own scope, which must still say HEAD (it sends no body for HEAD).
        await self.app({**scope, "method": "GET"}, receive, headers_only)


def wrap(app: ASGIApp) -> ASGIApp:
    """``app`` with the edge around it: HEAD as GET, and the security headers on every response."""
    return SecurityHeaders(HeadAsGet(app))
