"""The one place the API builds its store from settings (swap the body for ``graph.stores.open_store`` later).

Nothing here runs at import: :func:`build_store` is called on the first request that needs the graph.
"""

from __future__ import annotations

from app.settings import Settings
from graph.store import GraphStore, MemoryStore, StoreUnavailable
from loaders.interchange import load_any

__all__ = ["build_store"]


def build_store(settings: Settings) -> GraphStore:
    """``memory``: a :class:`MemoryStore` holding ``settings.portfolio`` (default: the seed and its overlay; a
    document, or any file ``eagraph import`` reads: ArchiMate, GraphML, node-link JSON, a CSV pair).

    ``neo4j``: the Neo4j adapter, opened by ``graph.stores.open_store``; it serves what ``eagraph load`` wrote.
    Raises :class:`StoreUnavailable` when that adapter is not part of this build.
    """
    if settings.store == "memory":
        store = MemoryStore()
        store.load(load_any(settings.portfolio))
        return store
    try:
        from graph.stores import open_store  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise StoreUnavailable(
            f"the neo4j store is not available in this build ({exc}); serve with --store memory"
        ) from exc
    opened: GraphStore = open_store(settings, timeout=settings.store_timeout)
    return opened
