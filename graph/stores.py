"""Pick the store adapter the settings name. The Neo4j adapter is imported only when asked for.

>>> class Dev:
...     store, neo4j_uri, neo4j_user, neo4j_password = "memory", "bolt://127.0.0.1:7687", "neo4j", None
>>> open_store(Dev()).name
'memory'
"""

from __future__ import annotations

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


def open_store(settings: StoreSettings, *, timeout: float | None = None) -> GraphStore:
    """A :class:`MemoryStore` or a :class:`~graph.neo4j_store.Neo4jStore`. Nothing connects here.

    ``timeout``: how long one connection attempt and the driver's retries of one transaction may take
    (default: the adapter's, generous for loads; the API asks for a short one).
    """
    if settings.store == "memory":
        return MemoryStore()
    if settings.store == "neo4j":
        from graph.neo4j_store import Neo4jStore  # here: memory-only runs never load the driver

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else None
        if timeout is None:
            return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, password)
        return Neo4jStore(
            settings.neo4j_uri, settings.neo4j_user, password, retry_time=timeout, connection_timeout=timeout
        )
    raise ValueError(f"unknown store {settings.store!r}; expected 'memory' or 'neo4j'")
