"""Any portfolio file in, portfolio out: a document (text, or a table in PDF, Word, Excel or CSV:
:mod:`loaders.tables`), an ArchiMate exchange file, GraphML, node-link JSON, or a ``nodes.csv`` + ``edges.csv``
pair. The format is recognised by content (CSV by its header).

:func:`read_files` is pure (names and bytes in); :func:`load_any` reads paths, for ``--portfolio`` and
``eagraph import``. Whatever the format, what is read obeys one set of rules (:mod:`loaders.validate`):
fields of their types (``line`` a whole number from 1 to 10,000,000), ids that are slugs, unique, every
edge between nodes of the file, nothing nested too deeply. A file that breaks one is a :class:`LoadError`.

>>> read_files([("p.json", b'{"nodes": [{"id": "../etc", "name": "x", "kind": "system"}], "edges": []}')])
Traceback (most recent call last):
...
loaders.errors.LoadError: p.json: node '../etc': id '../etc' is not a slug (lower-case letters a–z and digits, joined by single hyphens)

>>> from graph.exports import export
>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM, aliases=("x",)), Node("b", "B", NodeKind.SYSTEM)),
...               (Edge("a", "b", RelType.USES, "A uses B.", scope=("b",)),))
>>> for fmt in ("archimate", "graphml", "node-link"):
...     assert read_files([("f", export(p, fmt)[1].encode())]) == p, fmt
>>> sniff("model.txt", b"System  Beskrivelse"), sniff("table.csv", b"System;Beskrivelse\\n")
('document', 'csv-table')
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from graph.exports.networkx_formats import LIST_FIELDS
from graph.model import Edge, Node, Portfolio
from loaders import load_portfolio
from loaders.archimate import is_archimate, read_archimate
from loaders.checks import check_portfolio, unsafe_character
from loaders.document import MAX_BYTES
from loaders.errors import LoadError
from loaders.files import read_head, read_limited
from loaders.manifest import is_manifest, load_manifest, load_several
from loaders.tables import MAX_TABLE_FILE_BYTES, TABLE_FORMATS, load_table, parse_table, table_format
from loaders.tabular import MAX_CSV_BYTES, is_edges_header, read_csv_pair
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
from loaders.xmlsafe import MAX_XML_BYTES, parse_xml, tag_name

__all__ = ["Format", "load_any", "load_one", "read_files", "read_graphml", "read_node_link", "sniff"]

Format = Literal["xml", "node-link", "csv", "document", "pdf", "docx", "xlsx", "csv-table"]
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_DERIVED = frozenset({"document", "revision", "node_default", "edge_default"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(name: str, data: bytes) -> Format:
    """What kind of file ``data`` is: a table document (PDF, Word, Excel, or a CSV file headed ``System |
    Beskrivelse``: :func:`loaders.tables.table_format`), XML (ArchiMate or GraphML, told apart by the parsed
    root), node-link JSON, the CSV pair (by extension) or a text document."""
    table = table_format(name, data)
    if table is not None:
        return table
    head = data[:4096]
    for bom in _BOMS:
        if head.startswith(bom):
            if bom != _BOMS[0]:  # UTF-16: of our formats only XML comes in UTF-16; a document is refused
                codec = "utf-16-be" if bom == b"\xfe\xff" else "utf-16-le"
                text = head[len(bom) :].decode(codec, errors="ignore")
                return "xml" if text.lstrip().startswith("<") else "document"
            head = head[len(bom) :]
    head = head.lstrip()
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"{"):
        return "node-link"
    if name.lower().endswith(".csv"):
        return "csv"
    return "document"


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


def _csv_pair(files: Sequence[tuple[str, bytes]]) -> Portfolio:
    if len(files) != 2:
        names = ", ".join(n for n, _ in files)
        raise LoadError(names, None, "a CSV portfolio is two files: nodes.csv and edges.csv")
    (a_name, a), (b_name, b) = files
    a_edges, b_edges = is_edges_header(a), is_edges_header(b)
    if a_edges == b_edges:
        which = "edge" if a_edges else "node"
        raise LoadError(
            f"{a_name}, {b_name}", 1, f"both files have {which} columns; give one nodes.csv and one edges.csv"
        )
    if a_edges:
        (a_name, a), (b_name, b) = (b_name, b), (a_name, a)
    return read_csv_pair(a, a_name, b, b_name)


def read_files(files: Sequence[tuple[str, bytes]]) -> Portfolio:
    """A portfolio from one file, or from a nodes/edges CSV pair, recognised by content."""
    return check_portfolio(_read_files(files), ", ".join(name for name, _ in files) or "import")


def _read_files(files: Sequence[tuple[str, bytes]]) -> Portfolio:
    if not files:
        raise LoadError("import", None, "no file given")
    kinds = [sniff(name, data) for name, data in files]
    if "csv" in kinds:
        if set(kinds) != {"csv"}:
            raise LoadError(
                ", ".join(n for n, _ in files), None, "a CSV pair cannot be mixed with other files"
            )
        return _csv_pair(files)
    if len(files) > 1:
        raise LoadError(", ".join(n for n, _ in files), None, "give one file, or nodes.csv and edges.csv")
    (name, data), kind = files[0], kinds[0]
    if kind == "document":
        raise LoadError(name, None, "a text document: read it with load_portfolio")
    if kind in TABLE_FORMATS:
        return parse_table(data, name, kind)
    if kind == "node-link":
        return read_node_link(data, name)
    root = parse_xml(data, name)
    if is_archimate(root):
        return read_archimate(data, name)
    if root.tag == f"{{{GRAPHML_NS}}}graphml":
        return read_graphml(data, name)
    raise LoadError(
        name,
        root.sourceline,
        f"XML, but neither an ArchiMate exchange file nor GraphML (root <{tag_name(root)}>)",
    )


MAX_NODE_LINK_BYTES = 1024 * 1024 * 1024  # a generated landscape of 100,000 nodes, 950,000 edges: 302 MB
_LIMITS: dict[Format, int] = {
    "document": MAX_BYTES,
    "csv": MAX_CSV_BYTES,
    "xml": MAX_XML_BYTES,
    "node-link": MAX_NODE_LINK_BYTES,
    "pdf": MAX_TABLE_FILE_BYTES,
    "docx": MAX_TABLE_FILE_BYTES,
    "xlsx": MAX_TABLE_FILE_BYTES,
    "csv-table": MAX_BYTES,  # a text document in cells: as long as one
}


def _read(path: Path) -> bytes:
    """The file, refused unread when it is not a regular file or is over the limit of its format."""
    return read_limited(path, _LIMITS[sniff(str(path), _head(path))])


def _head(path: Path) -> bytes:
    """The first 4 KiB of a file (enough for :func:`sniff`); empty when it cannot be read (reading it again
    names the problem)."""
    return read_head(path)


def _pair_of(path: Path) -> list[Path]:
    """The two CSV files a ``--portfolio`` path names: a folder, or either file of the pair."""
    if path.is_dir():
        return [path / "nodes.csv", path / "edges.csv"]
    name = path.name
    for this, other in (("nodes", "edges"), ("edges", "nodes")):
        if this in name:
            return sorted([path, path.with_name(name.replace(this, other))], key=lambda p: other in p.name)
    raise LoadError(str(path), None, "a CSV portfolio is two files: name them nodes.csv and edges.csv")


def load_one(path: Path, overlay: Path | None) -> Portfolio:
    """One source of a manifest or of several files: any single file :func:`load_any` takes."""
    if is_manifest(path, _head(path)):
        raise LoadError(str(path), None, "a manifest cannot be a source of another")
    return load_any(path, overlay)


def _csv_pair_given(paths: Sequence[Path]) -> bool:
    """Whether several paths are one ``nodes.csv`` + ``edges.csv`` pair (not several table documents)."""
    return len(paths) == 2 and all(sniff(str(p), _head(p)) == "csv" for p in paths)


def load_any(paths: Sequence[Path | str] | Path | str | None, overlay: Path | str | None = None) -> Portfolio:
    """The portfolio in ``paths``: no path is the shipped seed; one document, model or graph file; a folder
    holding ``nodes.csv`` and ``edges.csv``; or those two files. Overlays apply to documents only (text or
    table)."""
    if paths is None:
        return load_portfolio(None, overlay)
    given = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if len(given) == 1 and is_manifest(given[0], _head(given[0])):
        if overlay is not None:
            raise LoadError(str(overlay), None, "a manifest names each source's overlay: give none beside it")
        return load_manifest(given[0], load_one)
    if len(given) > 1 and not _csv_pair_given(given):
        if overlay is not None:
            raise LoadError(str(overlay), None, "several sources: name each one's overlay in a manifest")
        return load_several(given, load_one)
    if len(given) == 1 and (
        given[0].is_dir()
        or (given[0].suffix.lower() == ".csv" and sniff(str(given[0]), _head(given[0])) == "csv")
    ):
        given = _pair_of(given[0])
    if len(given) == 1 and overlay is None and sniff(str(given[0]), _head(given[0])) == "node-link":
        # Read here, not into a list the caller keeps: a large file is dropped as soon as it is parsed.
        path = given[0]
        return _node_link_lean(lambda: _read(path), str(path)) or _node_link_graph(_read(path), str(path))
    files = [(str(p), _read(p)) for p in given]
    if len(files) == 1 and sniff(*files[0]) == "document":
        return load_portfolio(given[0], overlay)
    if len(files) == 1 and sniff(*files[0]) in TABLE_FORMATS:
        return load_table(given[0], files[0][1], overlay)
    if overlay is not None:
        raise LoadError(
            str(overlay), None, "an overlay applies to a portfolio document, not to imported files"
        )
    return read_files(files)
