"""GraphML and node-link JSON: the portfolio graph for other graph tools (yEd, Gephi, networkx, d3).

GraphML has no list type, so list fields (``labels``, ``aliases``, ``scope``) are JSON-encoded strings,
and ``None`` fields are left out; :data:`LIST_FIELDS` names what a reader must decode
(``loaders.interchange`` does). Edges are keyed by their type, as in :func:`graph.model.to_networkx`.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM, aliases=("Alpha",)), Node("b", "B", NodeKind.SYSTEM)),
...               (Edge("a", "b", RelType.USES, "A uses B."),))
>>> import io, networkx as nx
>>> G = nx.read_graphml(io.BytesIO(to_graphml(p).encode()), force_multigraph=True)
>>> G.nodes["a"]["aliases"], list(G.edges(keys=True))
('["Alpha"]', [('a', 'b', 'USES')])
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from graph.model import Portfolio, to_networkx

__all__ = ["LIST_FIELDS", "to_graphml", "to_node_link"]

LIST_FIELDS = frozenset({"labels", "aliases", "scope", "also", "sources", "descriptions"})


def _flat(attrs: dict[str, Any]) -> dict[str, Any]:
    """GraphML-safe attributes: lists as JSON strings, None left out."""
    return {
        k: json.dumps(list(v), ensure_ascii=False) if isinstance(v, list | tuple) else v
        for k, v in attrs.items()
        if v is not None
    }


def to_graphml(portfolio: Portfolio) -> str:
    """GraphML text that ``networkx.read_graphml(..., force_multigraph=True)`` reads back."""
    G = to_networkx(portfolio, complete=True)
    flat = nx.MultiDiGraph(**_flat(G.graph))
    for n, d in G.nodes(data=True):
        flat.add_node(n, **_flat(d))
    for u, v, k, d in G.edges(keys=True, data=True):
        flat.add_edge(u, v, key=k, **_flat(d))
    return "\n".join(nx.generate_graphml(flat, encoding="utf-8", prettyprint=True)) + "\n"


def to_node_link(portfolio: Portfolio) -> str:
    """networkx node-link JSON (``nodes``, ``edges`` with ``key``), lists kept as JSON arrays."""
    data = nx.node_link_data(to_networkx(portfolio, complete=True), edges="edges")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
