"""GraphML and node-link JSON: the portfolio graph for other graph tools (yEd, Gephi, igraph, networkx, d3).

GraphML has no list type, so list fields (``labels``, ``aliases``, ``scope``) are JSON-encoded strings,
and ``None`` fields are left out; :data:`LIST_FIELDS` names what a reader must decode
(:mod:`loaders.networkx_formats` does). Whole numbers are ``attr.type="int"``, hours ``double``. Each
``<edge>`` has a unique id, ``source.TYPE.target`` (:func:`graphml_edge_id`); a node's slug is only its
``id`` attribute (no ``id`` data besides it, which igraph would read into the same vertex attribute), and an
edge's ends are only its ``source`` and ``target`` attributes.

Node-link JSON is networkx's (``nx.node_link_data(G, edges="links")``): the edges under ``links``, the
key d3 and networkx before 3.6 read by default (networkx 3.6 and later: ``nx.node_link_graph(data,
edges="links")``). :mod:`loaders.networkx_formats` reads ``links`` and ``edges`` alike.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM, aliases=("Alpha",), line=3),
...                        Node("b", "B", NodeKind.SYSTEM)), (Edge("a", "b", RelType.USES, "A uses B."),))
>>> import io, networkx as nx
>>> G = nx.read_graphml(io.BytesIO(to_graphml(p).encode()), force_multigraph=True)
>>> G.nodes["a"]["aliases"], G.nodes["a"]["line"], list(G.edges(keys=True))
('["Alpha"]', 3, [('a', 'b', 'a.USES.b')])
>>> sorted(json.loads(to_node_link(p)))
['directed', 'graph', 'links', 'multigraph', 'nodes']
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
import numpy as np

from graph.model import Portfolio, to_networkx

__all__ = ["GRAPHML_ELEMENT_ATTRIBUTES", "LIST_FIELDS", "graphml_edge_id", "to_graphml", "to_node_link"]

LIST_FIELDS = frozenset({"labels", "aliases", "scope", "also", "sources", "descriptions"})
# Fields GraphML carries as XML attributes of <node> and <edge>, so not again as <data>.
GRAPHML_ELEMENT_ATTRIBUTES = frozenset({"id", "source", "target"})


def _value(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return json.dumps(list(v), ensure_ascii=False)
    if isinstance(v, int) and not isinstance(v, bool):
        return np.int32(v)  # networkx writes a Python int as "long"; lines and pages fit GraphML's "int"
    return v


def _flat(attrs: dict[str, Any], skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """GraphML-safe attributes: lists as JSON strings, whole numbers as ``int``, None and ``skip`` left out."""
    return {k: _value(v) for k, v in attrs.items() if v is not None and k not in skip}


def graphml_edge_id(source: str, type_: str, target: str) -> str:
    """The ``<edge id>``: unique, because a portfolio has one edge of a type between two nodes.

    >>> graphml_edge_id("hint", "PART_OF", "hapi")
    'hint.PART_OF.hapi'
    """
    return f"{source}.{type_}.{target}"


def to_graphml(portfolio: Portfolio) -> str:
    """GraphML text that ``networkx.read_graphml(..., force_multigraph=True)`` and igraph read back."""
    G = to_networkx(portfolio, complete=True)
    flat = nx.MultiDiGraph(**_flat(G.graph))
    for n, d in G.nodes(data=True):
        flat.add_node(n, **_flat(d, GRAPHML_ELEMENT_ATTRIBUTES))
    for u, v, k, d in G.edges(keys=True, data=True):
        flat.add_edge(u, v, key=graphml_edge_id(u, k, v), **_flat(d, GRAPHML_ELEMENT_ATTRIBUTES))
    return "\n".join(nx.generate_graphml(flat, encoding="utf-8", prettyprint=True)) + "\n"


def to_node_link(portfolio: Portfolio) -> str:
    """networkx node-link JSON (``nodes``, ``links`` with ``key``), lists kept as JSON arrays."""
    data = nx.node_link_data(to_networkx(portfolio, complete=True), edges="links")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
