"""Keep answering while the store is down: an architecture service is consulted exactly when something is
down, so it must not be the next thing down.

:class:`LastGood` wraps "get the current snapshot from the store":

* while the store answers, every request gets the current revision;
* when it stops answering (an error, or no answer within ``deadline`` seconds), requests get the last
  revision read, *stale*, at once;
* during the outage the store is re-checked in the background, one check at a time, after a back-off that
  doubles from ``recheck`` to ``recheck_max`` seconds: no request waits for it. When the store answers
  again the current revision is served and the outage is over, without a restart;
* with nothing read yet there is nothing to fall back on: every request asks the store, and its error
  propagates (a 503).

>>> calls = []
>>> def fresh() -> str:
...     calls.append(1)
...     if len(calls) == 2:
...         raise StoreUnavailable("connection refused")
...     return "r1"
>>> guard = LastGood(lambda value: value + " (stale)", deadline=1.0, recheck=0.0, spawn=lambda probe: probe())
>>> guard.get(fresh), guard.get(fresh), guard.outage is not None, guard.get(fresh), guard.outage
('r1', 'r1 (stale)', True, 'r1', None)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, TypeVar

from graph.store import StoreUnavailable

__all__ = ["LastGood", "Outage", "within"]

log = logging.getLogger("eagraph.api")

T = TypeVar("T")


def within(deadline: float, call: Callable[[], T]) -> T:
    """``call()``, or :class:`StoreUnavailable` when it has not returned after ``deadline`` seconds.

    The call runs on a daemon thread, so a store that hangs (a stopped process, a black-holed connection)
    holds that thread, never the request nor the process's exit.

    >>> within(1.0, lambda: 42)
    42
    >>> within(0.05, lambda: time.sleep(0.3))
    Traceback (most recent call last):
    ...
    graph.store.StoreUnavailable: the store did not answer within 0.05 s
    """
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(call())
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="eagraph-store-call", daemon=True).start()
    try:
        return future.result(timeout=deadline)
    except FutureTimeout:
        raise StoreUnavailable(f"the store did not answer within {deadline:g} s") from None


@dataclass(frozen=True)
class Outage:
    """Since when (``time.monotonic``) the store has not answered, and its last error."""

    since: float
    reason: str


class LastGood(Generic[T]):
    """The last value ``fresh`` returned, served through ``stale`` while ``fresh`` fails.

    ``spawn`` starts a re-check during an outage (default: on a daemon thread, so no request waits for a
    store that is down; tests pass ``lambda probe: probe()`` to run it in line).
    """

    def __init__(
        self,
        stale: Callable[[T], T],
        *,
        deadline: float,
        recheck: float = 0.5,
        recheck_max: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        spawn: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self._stale = stale
        self.deadline = deadline
        self._recheck = recheck
        self._recheck_max = max(recheck, recheck_max)
        self._clock = clock
        self._spawn = spawn or _on_daemon_thread
        self._lock = threading.Lock()  # guards the fields below
        self._probing = threading.Lock()  # held while the store is re-checked during an outage
        self._last: T | None = None
        self._stale_view: T | None = None
        self._outage: Outage | None = None
        self._delay = recheck
        self._next_check = 0.0

    @property
    def outage(self) -> Outage | None:
        return self._outage

    @property
    def last(self) -> T | None:
        """The last value read from the store (not the stale view)."""
        return self._last

    def get(self, fresh: Callable[[], T]) -> T:
        """The current value from ``fresh``; during an outage the last one, stale, without waiting."""
        if self._outage is None or self._last is None:  # nothing to answer with: this request asks the store
            return self._attempt(fresh)
        if self._clock() >= self._next_check and self._probing.acquire(blocking=False):
            self._spawn(lambda: self._recheck_store(fresh))
        return self._answer(None)

    def _recheck_store(self, fresh: Callable[[], T]) -> None:
        try:
            self._attempt(fresh)
        finally:
            self._probing.release()

    def _attempt(self, fresh: Callable[[], T]) -> T:
        try:
            value = within(self.deadline, fresh)
        except StoreUnavailable as exc:
            self._failed(exc)
            return self._answer(exc)
        self.record(value)
        return value

    def _answer(self, error: StoreUnavailable | None) -> T:
        """The last value: as it is once the store answers again, else stale; with none, the error."""
        with self._lock:
            last, outage = self._last, self._outage
            if last is None:
                raise error or StoreUnavailable(outage.reason if outage else "the store is unavailable")
            if outage is None:
                return last
            if self._stale_view is None:
                self._stale_view = self._stale(last)
            return self._stale_view

    def _failed(self, exc: StoreUnavailable) -> None:
        with self._lock:
            now = self._clock()
            if self._outage is None:
                self._outage = Outage(now, str(exc))
                self._delay = self._recheck
                log.warning("store unavailable, answering from the last revision read: %s", exc)
            else:
                self._outage = Outage(self._outage.since, str(exc))
                self._delay = min(self._delay * 2, self._recheck_max)
            self._next_check = now + self._delay

    def record(self, value: T) -> None:
        """A value read from the store by other means (a background build): the newest last good value, and
        proof that the store answers."""
        with self._lock:
            if self._outage is not None:
                log.warning("store answers again after %.1f s", self._clock() - self._outage.since)
            if value is not self._last:
                self._last, self._stale_view = value, None
            self._outage = None


def _on_daemon_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="eagraph-store-recheck", daemon=True).start()
