"""GraphML and networkx node-link JSON in, portfolio out: the reading side of
:mod:`graph.exports.networkx_formats`, whose vocabulary (:data:`~graph.exports.networkx_formats.LIST_FIELDS`)
it imports. :mod:`loaders.interchange` recognises the file and calls :func:`read_graphml` or
:func:`read_node_link`.

Every node, edge and field is checked (:mod:`loaders.validate`). GraphML written before edges had unique
ids (``id`` = the relation type, a node data key ``id``) reads the same. Node-link JSON may list its
edges under ``links`` (what we write, and networkx before 3.6 and d3 read) or ``edges`` (networkx 3.6's
default).

>>> from graph.exports.networkx_formats import to_graphml, to_node_link
>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM, aliases=("x",)), Node("b", "B", NodeKind.SYSTEM)),
...               (Edge("a", "b", RelType.USES, "A uses B.", scope=("b",)),))
>>> read_graphml(to_graphml(p).encode(), "p.graphml") == p == read_node_link(to_node_link(p).encode(), "p.json")
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import networkx as nx

from graph.exports.networkx_formats import LIST_FIELDS
from graph.model import Edge, Node, Portfolio
from loaders.checks import unsafe_character
from loaders.errors import LoadError
from loaders.validate import (
    MAX_DEPTH,
    check_graph,
    edge_from_dict,
    edge_name,
    flat,
    nested_too_deeply,
    node_from_dict,
    show,
)
from loaders.xmlsafe import parse_xml, tag_name

__all__ = ["GRAPHML_NS", "is_graphml", "read_graphml", "read_node_link", "read_node_link_from"]

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_DERIVED = frozenset({"document", "revision", "node_default", "edge_default"})


def is_graphml(root: Any) -> bool:
    return bool(root.tag == f"{{{GRAPHML_NS}}}graphml")


def read_node_link_from(read: Callable[[], bytes], source: str) -> Portfolio:
    """:func:`read_node_link` of the bytes ``read()`` gives, read at most twice and never kept: a large file
    is dropped as soon as it is parsed (the lean reader first, the general one when it declines)."""
    return _node_link_lean(read, source) or _node_link_graph(read(), source)


def _graph_meta(graph: dict[str, Any], source: str) -> tuple[str, dict[str, str]]:
    """The document name and the meta of a graph's attributes, each safe to show."""
    document = str(graph.get("document", source))
    meta = {str(k): str(v) for k, v in graph.items() if k not in _DERIVED}
    for key, value in (("document", document), *meta.items()):
        bad = unsafe_character(key + value)
        if bad is not None:
            raise LoadError(
                source,
                None,
                f"graph: {key} contains {bad}; control and bidirectional-override characters are refused",
            )
    return document, meta


def _decode_lists(attrs: dict[str, Any], what: str, source: str, line: int | None) -> dict[str, Any]:
    out = dict(attrs)
    for key in LIST_FIELDS & attrs.keys():
        try:
            value = json.loads(attrs[key])
        except (TypeError, json.JSONDecodeError):
            value = None
        except RecursionError:
            raise LoadError(source, line, f"{what}: {key} is nested too deeply") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LoadError(source, line, f"{what}: {key} must be a JSON list of strings, got {attrs[key]!r}")
        out[key] = value
    return out


_EdgeAt = tuple[str, str, str]  # a GraphML edge's source, target and id


def _graphml_places(root: Any, source: str) -> tuple[dict[str, int | None], dict[_EdgeAt, int | None], int]:
    """Each node's line by id, each edge's line by (source, target, id), and the number of edges, read from
    the XML before networkx merges anything: a node without an id or with another's, an edge to an
    undeclared node or repeating another's id between the same nodes is a :class:`LoadError` with its line."""
    nodes: dict[str, int | None] = {}
    for el in root.iter(f"{{{GRAPHML_NS}}}node"):
        node_id = el.get("id")
        if node_id is None:
            raise LoadError(source, el.sourceline, "a <node> without an id")
        if node_id in nodes:
            raise LoadError(
                source, el.sourceline, f"duplicate node id {show(node_id)} (first at line {nodes[node_id]})"
            )
        nodes[node_id] = el.sourceline
    edges: dict[_EdgeAt, int | None] = {}
    count = 0
    for el in root.iter(f"{{{GRAPHML_NS}}}edge"):
        count += 1
        u, v, key = el.get("source"), el.get("target"), el.get("id")
        for end, ref in (("source", u), ("target", v)):
            if ref not in nodes:
                raise LoadError(
                    source, el.sourceline, f"{edge_name(u, v)}: {end} {show(ref)} is not a node of the file"
                )
        if key is not None and u is not None and v is not None:
            if (u, v, key) in edges:
                raise LoadError(
                    source,
                    el.sourceline,
                    f"duplicate edge {show(u)} → {show(v)} with id {show(key)} "
                    f"(first at line {edges[u, v, key]})",
                )
            edges[u, v, key] = el.sourceline
    return nodes, edges, count


def _same(attrs: dict[str, Any], field: str, value: str, what: str, source: str, line: int | None) -> None:
    """A GraphML element's data that repeats its ``id`` (or ``source``, ``target``) must say the same."""
    if attrs.get(field, value) != value:
        raise LoadError(source, line, f"{what}: its {field} data {show(attrs[field])} is not its {field}")


def read_graphml(data: bytes, source: str) -> Portfolio:
    """A portfolio from GraphML written by :func:`graph.exports.networkx_formats.to_graphml`, every node,
    edge and field checked (:mod:`loaders.validate`)."""
    root = parse_xml(data, source)  # refuses DTDs before networkx's own parser sees the bytes
    if root.tag != f"{{{GRAPHML_NS}}}graphml":
        raise LoadError(source, root.sourceline, f"not GraphML: the root element is <{tag_name(root)}>")
    lines, edge_at, count = _graphml_places(root, source)
    try:
        G = nx.parse_graphml(data.decode("utf-8"), force_multigraph=True)
    except (nx.NetworkXError, ValueError, KeyError, RecursionError) as exc:
        raise LoadError(source, None, f"GraphML networkx cannot read: {exc}") from None
    if G.number_of_edges() != count:
        raise LoadError(source, None, "duplicate edge: two <edge>s between the same nodes have one key")
    nodes, node_lines = [], []
    for n, d in G.nodes(data=True):
        line, what = lines.get(n), f"node {show(n)}"
        attrs = _decode_lists(d, what, source, line)
        _same(attrs, "id", n, what, source, line)
        nodes.append(node_from_dict({**attrs, "id": n}, source, line))
        node_lines.append(line)
    edges, edge_lines = [], []
    for u, v, k, d in G.edges(keys=True, data=True):
        line, what = edge_at.get((u, v, str(k))), edge_name(u, v)
        attrs = _decode_lists(d, what, source, line)
        _same(attrs, "source", u, what, source, line)
        _same(attrs, "target", v, what, source, line)
        edges.append(edge_from_dict({**attrs, "source": u, "target": v}, source, line))
        edge_lines.append(line)
    check_graph(nodes, edges, source, node_lines, edge_lines)
    document, meta = _graph_meta(G.graph, source)
    return Portfolio(document=document, nodes=tuple(nodes), edges=tuple(edges), meta=meta)


def read_node_link(data: bytes, source: str) -> Portfolio:
    """A portfolio from networkx node-link JSON (``nodes`` and ``edges``, or the older ``links``), every node,
    edge and field checked (:mod:`loaders.validate`)."""
    return _node_link_lean(lambda: data, source) or _node_link_graph(data, source)


def _node_link_lean(read: Callable[[], bytes], source: str) -> Portfolio | None:
    """The common case of :func:`read_node_link` in a fraction of the memory, or ``None`` for anything else.

    A node-link file of a large landscape (a million edges) would otherwise be held several times at once: as
    bytes, as parsed JSON and as the portfolio. This decodes the text once and parses the top-level object by
    hand, one node and one edge at a time (the standard library's scanner for each value), turning each into
    a :class:`Node` or :class:`Edge` at once, with repeated strings shared. It takes only files whose answer
    is plainly the same as :func:`_node_link_graph`'s: every top-level key once, ``nodes`` before the edges,
    unique string node ids, every edge between declared nodes, edges grouped the way networkx lists them (by
    source in node order, then by target), no two of one type between the same nodes, nothing nested too
    deeply, every field valid. Anything else returns ``None``, and the general reader decides (so errors read
    the same).
    """
    try:
        text = read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    reader = _LeanNodeLink(text, source)
    try:
        portfolio = reader.read()
    except (_NotLean, LoadError, RecursionError, IndexError, KeyError, TypeError, ValueError, AttributeError):
        return None  # ValueError: malformed JSON too
    return portfolio


class _NotLean(Exception):
    """The file is not one :func:`_node_link_lean` takes."""


class _LeanNodeLink:
    _WS = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        decoder = json.JSONDecoder()
        self.scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once  # type: ignore[attr-defined]
        self.shared: dict[str, str] = {}
        self.order: dict[str, int] = {}
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self._last_source, self._last_target = -1, ""
        self._targets: set[str] = set()
        self._types: set[str] = set()

    def _skip(self, i: int) -> int:
        match = self._WS.match(self.text, i)
        assert match is not None
        return match.end()

    def _expect(self, i: int, char: str) -> int:
        if self.text[i] != char:
            raise _NotLean
        return self._skip(i + 1)

    def read(self) -> Portfolio:
        text = self.text
        seen: dict[str, Any] = {}
        i = self._expect(self._skip(0), "{")
        while text[i] != "}":
            key, i = self.scan(text, i)
            if not isinstance(key, str) or key in seen:
                raise _NotLean
            i = self._expect(self._skip(i), ":")
            if key == "nodes" and text[i] == "[":
                i = self._items(i, self._node)
                seen[key] = True
            elif key in ("edges", "links") and text[i] == "[":
                if "nodes" not in seen or "edges" in seen or "links" in seen:
                    raise _NotLean
                i = self._items(i, self._edge)
                seen[key] = True
            else:
                seen[key], i = self.scan(text, i)
                if nested_too_deeply(seen[key], MAX_DEPTH - 1):  # the top-level object is one level
                    raise _NotLean
            i = self._skip(i)
            if text[i] == ",":
                i = self._skip(i + 1)
            elif text[i] != "}":
                raise _NotLean
        if self._skip(i + 1) != len(text) or "nodes" not in seen or not ({"edges", "links"} & seen.keys()):
            raise _NotLean
        graph = seen.get("graph", {})
        if not isinstance(graph, dict):
            raise _NotLean
        document, meta = _graph_meta(graph, self.source)
        return Portfolio(document=document, nodes=tuple(self.nodes), edges=tuple(self.edges), meta=meta)

    def _items(self, i: int, take: Callable[[Any], None]) -> int:
        """Parse the array at ``i`` one value at a time; the position after it."""
        text = self.text
        i = self._skip(i + 1)
        if text[i] == "]":
            return i + 1
        while True:
            value, i = self.scan(text, self._skip(i))
            if not flat(value) and nested_too_deeply(value, MAX_DEPTH - 2):  # below the object and array
                raise _NotLean
            take(value)
            i = self._skip(i)
            if text[i] == "]":
                return i + 1
            if text[i] != ",":
                raise _NotLean
            i += 1

    def _share(self, d: dict[str, Any], keys: tuple[str, ...]) -> None:
        intern = self.shared.setdefault
        for key in keys:
            value = d.get(key)
            if isinstance(value, str):
                d[key] = intern(value, value)

    def _node(self, d: Any) -> None:
        node_id = d["id"]
        if not isinstance(node_id, str) or node_id in self.order:
            raise _NotLean
        self.order[node_id] = len(self.order)
        self._share(d, ("document", "owner", "category"))
        self.nodes.append(node_from_dict(d, self.source))

    def _edge(self, d: Any) -> None:
        u, v = d["source"], d["target"]
        if not isinstance(u, str) or not isinstance(v, str) or v not in self.order:
            raise _NotLean
        at = self.order[u]
        if at != self._last_source:  # a new source: must come later in node order
            if at < self._last_source:
                raise _NotLean
            self._last_source, self._last_target, self._targets = at, "", set()
        if v != self._last_target:  # a new target of this source: not one seen before
            if v in self._targets:
                raise _NotLean
            self._targets.add(v)
            self._last_target, self._types = v, set()
        self._share(d, ("document", "rule", "alt_group"))
        edge = edge_from_dict(d, self.source)
        if edge.type in self._types or any(actor not in self.order for actor in edge.scope):
            raise _NotLean
        self._types.add(edge.type)
        self.edges.append(edge)


def _too_deep(source: str) -> LoadError:
    return LoadError(
        source, None, f"nested too deeply: lists and objects more than {MAX_DEPTH} levels deep are refused"
    )


def _parse_json(data: bytes, source: str) -> Any:
    """The JSON value of ``data``, or a :class:`LoadError`: not UTF-8, malformed, or nested too deeply."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(source, None, f"invalid UTF-8 at byte {exc.start}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(source, exc.lineno, f"malformed JSON: {exc.msg}") from None
    except RecursionError:
        raise _too_deep(source) from None
    except ValueError:  # an integer of more digits than Python converts
        raise LoadError(source, None, "malformed JSON: a number too long to read") from None
    if nested_too_deeply(doc):
        raise _too_deep(source)
    return doc


def _networkx_order(nodes: list[Node], edges: list[Edge]) -> tuple[Edge, ...]:
    """``edges`` as networkx lists a graph's: by source in node order, then by target in the order each
    first appears, then as given."""
    position = {n.id: i for i, n in enumerate(nodes)}
    first: dict[tuple[str, str], int] = {}
    for i, e in enumerate(edges):
        first.setdefault((e.source, e.target), i)
    return tuple(sorted(edges, key=lambda e: (position[e.source], first[e.source, e.target])))


def _node_link_graph(data: bytes, source: str) -> Portfolio:
    """Any node-link JSON, every node, edge and field checked, with every error named."""
    doc = _parse_json(data, source)
    if not isinstance(doc, dict) or "nodes" not in doc:
        raise LoadError(source, 1, "not node-link JSON: expected an object with 'nodes' and 'edges'")
    key = "edges" if "edges" in doc else "links"
    if key not in doc:
        raise LoadError(source, None, "not node-link JSON: no 'edges' (or 'links')")
    for name, value in (("nodes", doc["nodes"]), (key, doc[key])):
        if not isinstance(value, list):
            raise LoadError(source, None, f"'{name}' must be a list, got {show(value)}")
    graph = doc.get("graph", {})
    if not isinstance(graph, dict):
        raise LoadError(source, None, f"'graph' must be an object, got {show(graph)}")
    nodes = [node_from_dict(d, source) for d in doc["nodes"]]
    edges = [edge_from_dict(d, source) for d in doc[key]]
    check_graph(nodes, edges, source)
    document, meta = _graph_meta(graph, source)
    return Portfolio(document=document, nodes=tuple(nodes), edges=_networkx_order(nodes, edges), meta=meta)
