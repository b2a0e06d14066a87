"""Pick the store adapter the settings name. The Neo4j adapter is imported only when asked for.

>>> class Dev:
...     store, neo4j_uri, neo4j_user, neo4j_password = "memory", "bolt://127.0.0.1:7687", "neo4j", None
...     lock_wait, lock_lease, decisions_path, revisions_kept = 300.0, 60.0, None, 20
>>> open_store(Dev()).name
'memory'
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from graph.store import GraphStore, MemoryStore

__all__ = ["StoreSettings", "open_store"]


class Secret(Protocol):
    def get_secret_value(self) -> str: ...


class StoreSettings(Protocol):
    """What :func:`open_store` reads: ``app.settings.Settings`` has it (from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD)."""

    @property
    def store(self) -> str: ...
    @property
    def neo4j_uri(self) -> str: ...
    @property
    def neo4j_user(self) -> str: ...
    @property
    def neo4j_password(self) -> Secret | None: ...
    @property
    def lock_wait(self) -> float: ...
    @property
    def lock_lease(self) -> float: ...
    @property
    def decisions_path(self) -> Path | None: ...
    @property
    def revisions_kept(self) -> int: ...


def open_store(settings: StoreSettings, *, timeout: float | None = None) -> GraphStore:
    """A :class:`MemoryStore` or a :class:`~graph.neo4j_store.Neo4jStore`. Nothing connects here.

    ``timeout``: how long one connection attempt and the driver's retries of one transaction may take
    (default: the adapter's, generous for loads; the API asks for a short one).
    """
    if settings.store == "memory":
        return MemoryStore(settings.decisions_path, settings.revisions_kept)
    if settings.store == "neo4j":
        from graph.neo4j_store import DEFAULT_CONNECTION_TIMEOUT, DEFAULT_RETRY_TIME, Neo4jStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        # Imported here: memory-only runs never load the driver. The API asks for a short timeout; loads
        # keep the adapter's generous defaults.
        retry_time, connection_timeout = (
            (DEFAULT_RETRY_TIME, DEFAULT_CONNECTION_TIMEOUT) if timeout is None else (timeout, timeout)
        )
        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            password,
            retry_time=retry_time,
            connection_timeout=connection_timeout,
            lock_wait=settings.lock_wait,
            lock_lease=settings.lock_lease,
            revisions_kept=settings.revisions_kept,
        )
    raise ValueError(f"unknown store {settings.store!r}; expected 'memory' or 'neo4j'")
