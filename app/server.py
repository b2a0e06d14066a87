"""How ``eagraph serve`` runs uvicorn: connections that idle or dribble are cut, and no ``Server`` banner.

What uvicorn offers against slow and idle clients, and what is used:

* ``timeout_keep_alive``: a kept-alive connection idle *between* requests is closed after this many seconds
  (uvicorn's default, 5, kept: :data:`KEEP_ALIVE`).
* Nothing for reading a request: uvicorn (h11 or httptools alike) waits for ever for a request line, its
  headers and its body, so a client that connects and sends nothing, or sends a header a byte at a time
  ("slowloris"), holds a connection as long as it likes. :class:`TimedH11Protocol` adds that timeout: a whole
  request must arrive within :data:`REQUEST_READ` seconds of its first byte (for a new connection, of the
  connect), or the connection is closed.
* ``h11_max_incomplete_event_size``: a request line and headers of at most 16 KiB (the default, kept).
* ``limit_concurrency`` (a 503 over that many connections and tasks) and ``backlog``: left at uvicorn's
  defaults; put a proxy in front of the service to cap clients per address.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "KEEP_ALIVE",
    "REQUEST_READ",
    "SWITCH_INTERVAL",
    "TimedH11Protocol",
    "responsive",
    "timed_h11",
    "uvicorn_options",
]

KEEP_ALIVE = 5.0  # seconds an idle kept-alive connection stays open
REQUEST_READ = 10.0  # seconds a client has to send a whole request (line, headers and body)


class TimedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for receiving each request, :attr:`request_read_timeout`
    seconds from its first byte (from the connect, for a connection's first request)."""

    request_read_timeout: float = REQUEST_READ

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()  # a connection that sends nothing is a request that never arrives

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()  # a pipelined request may be arriving already

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Keep the deadline while part of a request has arrived, drop it once the whole one has."""
        state = self.conn.their_state
        partial = state is h11.SEND_BODY or (state is h11.IDLE and bool(self.conn.trailing_data[0]))
        if partial or (state is h11.IDLE and self.cycle is None):
            self._arm()
        else:
            self._disarm()

    def _arm(self) -> None:
        if self._read_timer is None and not self.transport.is_closing():
            self._read_timer = self.loop.call_later(self.request_read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _too_slow(self) -> None:
        self._read_timer = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection whose request took over %gs", self.request_read_timeout)
            self.transport.close()


def timed_h11(request_read: float) -> type[TimedH11Protocol]:
    """:class:`TimedH11Protocol` with a deadline of ``request_read`` seconds."""

    class Timed(TimedH11Protocol):
        request_read_timeout = request_read

    return Timed


def uvicorn_options(*, keep_alive: float = KEEP_ALIVE, request_read: float = REQUEST_READ) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run`` / ``uvicorn.Config`` beyond the app, host and port."""
    return {"http": timed_h11(request_read), "timeout_keep_alive": keep_alive, "server_header": False}


SWITCH_INTERVAL = 0.0005  # seconds: how long a thread holding the interpreter waits before another may run


def responsive() -> None:
    """Hand the interpreter to a waiting thread every half millisecond instead of every five.

    A build or reload is pure Python on a thread of its own for seconds at a large portfolio. A request
    passes between the event loop and a worker thread several times, and each time it waits for the
    interpreter to be handed over: at Python's default of 5 ms a cached answer that takes 3 ms when the
    server is quiet took tens of milliseconds during a reload. The shorter interval costs the build little.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
