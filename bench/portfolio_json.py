"""Write a portfolio as compact node-link JSON (what ``eagraph export --format node-link`` writes, without
the indentation), fast enough for a million edges: ``eagraph serve --portfolio FILE`` reads it back."""

from __future__ import annotations

from pathlib import Path

import orjson

from graph.model import Portfolio

__all__ = ["write_node_link"]


def write_node_link(portfolio: Portfolio, path: Path) -> int:
    """Write ``portfolio`` to ``path``; the number of bytes written."""
    doc = {
        "directed": True,
        "multigraph": True,
        "graph": {"document": portfolio.document, "revision": portfolio.revision, **portfolio.meta},
        "nodes": [n.to_dict() for n in portfolio.nodes],
        "edges": [{**e.to_dict(), "key": e.type.value} for e in portfolio.edges],
    }
    data = orjson.dumps(doc)
    path.write_bytes(data)
    return len(data)
