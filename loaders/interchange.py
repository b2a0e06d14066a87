"""Any portfolio file in, portfolio out: a document, an ArchiMate exchange file, GraphML, node-link JSON, or a
``nodes.csv`` + ``edges.csv`` pair. The format is recognised by content (CSV by its header).

:func:`read_files` is pure (names and bytes in); :func:`load_any` reads paths, for ``--portfolio`` and
``eagraph import``.

>>> from graph.exports import export
>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM, aliases=("x",)), Node("b", "B", NodeKind.SYSTEM)),
...               (Edge("a", "b", RelType.USES, "A uses B.", scope=("b",)),))
>>> for fmt in ("archimate", "graphml", "node-link"):
...     assert read_files([("f", export(p, fmt)[1].encode())]) == p, fmt
>>> sniff("model.txt", b"System  Beskrivelse")
'document'
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
from loaders.checks import check_portfolio
from loaders.errors import LoadError
from loaders.tabular import is_edges_header, read_csv_pair
from loaders.xmlsafe import parse_xml, tag_name

__all__ = ["Format", "load_any", "read_files", "read_graphml", "read_node_link", "sniff"]

Format = Literal["xml", "node-link", "csv", "document"]
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_DERIVED = frozenset({"document", "revision", "node_default", "edge_default"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(name: str, data: bytes) -> Format:
    """What kind of file ``data`` is: XML (ArchiMate or GraphML, told apart by the parsed root), node-link
    JSON, CSV (by extension) or a text document."""
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


def _graph_portfolio(G: nx.MultiDiGraph, source: str, lines: dict[str, int]) -> Portfolio:
    nodes = []
    for node_id, d in G.nodes(data=True):
        try:
            nodes.append(Node.from_dict({"id": node_id, **d}))
        except KeyError as exc:
            raise LoadError(
                source, lines.get(str(node_id)), f"node {node_id!r} has no {exc.args[0]} (is it declared?)"
            ) from None
        except ValueError as exc:
            raise LoadError(source, lines.get(str(node_id)), f"node {node_id!r}: {exc}") from None
    edges = []
    for u, v, d in G.edges(data=True):
        try:
            edges.append(Edge.from_dict({**d, "source": u, "target": v}))
        except KeyError as exc:
            raise LoadError(source, None, f"edge {u} → {v} has no {exc.args[0]}") from None
        except ValueError as exc:
            raise LoadError(source, None, f"edge {u} → {v}: {exc}") from None
    meta = {k: str(v) for k, v in G.graph.items() if k not in _DERIVED}
    return Portfolio(
        document=str(G.graph.get("document", source)), nodes=tuple(nodes), edges=tuple(edges), meta=meta
    )


def _decode_lists(attrs: dict[str, Any], what: str, source: str, line: int | None) -> dict[str, Any]:
    out = dict(attrs)
    for key in LIST_FIELDS & attrs.keys():
        try:
            value = json.loads(attrs[key])
        except (TypeError, json.JSONDecodeError):
            value = None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LoadError(source, line, f"{what}: {key} must be a JSON list of strings, got {attrs[key]!r}")
        out[key] = value
    return out


def read_graphml(data: bytes, source: str) -> Portfolio:
    """A portfolio from GraphML written by :func:`graph.exports.networkx_formats.to_graphml`."""
    root = parse_xml(data, source)  # refuses DTDs before networkx's own parser sees the bytes
    if root.tag != f"{{{GRAPHML_NS}}}graphml":
        raise LoadError(source, root.sourceline, f"not GraphML: the root element is <{tag_name(root)}>")
    lines = {str(n.get("id")): n.sourceline or 0 for n in root.iter(f"{{{GRAPHML_NS}}}node")}
    try:
        G = nx.parse_graphml(data.decode("utf-8"), force_multigraph=True)
    except (nx.NetworkXError, ValueError, KeyError) as exc:
        raise LoadError(source, None, f"GraphML networkx cannot read: {exc}") from None
    for n, d in G.nodes(data=True):
        G.nodes[n].update(_decode_lists(d, f"node {n!r}", source, lines.get(str(n))))
    for u, v, k, d in G.edges(keys=True, data=True):
        G.edges[u, v, k].update(_decode_lists(d, f"edge {u} → {v}", source, None))
    return _graph_portfolio(G, source, lines)


def read_node_link(data: bytes, source: str) -> Portfolio:
    """A portfolio from networkx node-link JSON (``nodes`` and ``edges``, or the older ``links``)."""
    return _node_link_lean(lambda: data, source) or _node_link_graph(data, source)


def _node_link_lean(read: Callable[[], bytes], source: str) -> Portfolio | None:
    """The common case of :func:`read_node_link` in a fraction of the memory, or ``None`` for anything else.

    A node-link file of a large landscape (a million edges) would otherwise be held four times at once: as
    bytes, as parsed JSON, as a networkx graph and as the portfolio. This decodes the text once and parses
    the top-level object by hand, one node and one edge at a time (the standard library's scanner for each
    value), turning each into a :class:`Node` or :class:`Edge` at once, with repeated strings shared. It
    takes only files whose answer is plainly the same as :func:`_node_link_graph`'s: every top-level key
    once, ``nodes`` before the edges, unique string node ids, every edge between declared nodes, edges
    grouped the way networkx lists them (by source in node order, then by target), no two with one key.
    Anything else returns ``None``, and the general reader decides (so errors read the same).
    """
    try:
        text = read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    reader = _LeanNodeLink(text)
    try:
        portfolio = reader.read(source)
    except (_NotLean, json.JSONDecodeError, IndexError, KeyError, TypeError, ValueError, AttributeError):
        return None
    return portfolio


class _NotLean(Exception):
    """The file is not one :func:`_node_link_lean` takes."""


class _LeanNodeLink:
    _WS = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str) -> None:
        self.text = text
        decoder = json.JSONDecoder()
        self.scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once  # type: ignore[attr-defined]
        self.shared: dict[str, str] = {}
        self.order: dict[str, int] = {}
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self._last_source, self._last_target = -1, ""
        self._targets: set[str] = set()
        self._keys: set[str] = set()

    def _skip(self, i: int) -> int:
        match = self._WS.match(self.text, i)
        assert match is not None
        return match.end()

    def _expect(self, i: int, char: str) -> int:
        if self.text[i] != char:
            raise _NotLean
        return self._skip(i + 1)

    def read(self, source: str) -> Portfolio:
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
        meta = {k: str(v) for k, v in graph.items() if k not in _DERIVED}
        return Portfolio(
            document=str(graph.get("document", source)),
            nodes=tuple(self.nodes),
            edges=tuple(self.edges),
            meta=meta,
        )

    def _items(self, i: int, take: Callable[[Any], None]) -> int:
        """Parse the array at ``i`` one value at a time; the position after it."""
        text = self.text
        i = self._skip(i + 1)
        if text[i] == "]":
            return i + 1
        while True:
            value, i = self.scan(text, self._skip(i))
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
        self._share(d, ("kind", "document", "owner", "category"))
        self.nodes.append(Node.from_dict(d))

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
            self._last_target, self._keys = v, set()
        key = d.get("key")
        if key is not None:
            if not isinstance(key, str) or key in self._keys:
                raise _NotLean
            self._keys.add(key)
        self._share(d, ("type", "document", "rule", "alt_group", "confidence", "strength"))
        self.edges.append(Edge.from_dict(d))


def _node_link_graph(data: bytes, source: str) -> Portfolio:
    """Any node-link JSON, through networkx, with every error named."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise LoadError(source, None, f"invalid UTF-8 at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise LoadError(source, exc.lineno, f"malformed JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or "nodes" not in doc:
        raise LoadError(source, 1, "not node-link JSON: expected an object with 'nodes' and 'edges'")
    doc = {**doc, "directed": True, "multigraph": True}
    try:
        G = nx.node_link_graph(doc, edges="edges" if "edges" in doc else "links")
    except (KeyError, TypeError, nx.NetworkXError) as exc:
        raise LoadError(source, None, f"node-link JSON networkx cannot read: missing {exc}") from None
    return _graph_portfolio(G, source, {})


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


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise LoadError(str(path), None, "no such file") from None
    except IsADirectoryError:
        raise LoadError(str(path), None, "is a directory") from None
    except OSError as exc:
        raise LoadError(str(path), None, f"cannot read: {exc.strerror}") from None


def _head(path: Path) -> bytes:
    """The first 4 KiB of a file (enough for :func:`sniff`); empty when it cannot be read (reading it again
    names the problem)."""
    try:
        with path.open("rb") as f:
            return f.read(4096)
    except OSError:
        return b""


def _pair_of(path: Path) -> list[Path]:
    """The two CSV files a ``--portfolio`` path names: a folder, or either file of the pair."""
    if path.is_dir():
        return [path / "nodes.csv", path / "edges.csv"]
    name = path.name
    for this, other in (("nodes", "edges"), ("edges", "nodes")):
        if this in name:
            return sorted([path, path.with_name(name.replace(this, other))], key=lambda p: other in p.name)
    raise LoadError(str(path), None, "a CSV portfolio is two files: name them nodes.csv and edges.csv")


def load_any(paths: Sequence[Path | str] | Path | str | None, overlay: Path | str | None = None) -> Portfolio:
    """The portfolio in ``paths``: no path is the shipped seed; one document, model or graph file; a folder
    holding ``nodes.csv`` and ``edges.csv``; or those two files. Overlays apply to documents only."""
    if paths is None:
        return load_portfolio(None, overlay)
    given = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if len(given) == 1 and (given[0].is_dir() or given[0].suffix.lower() == ".csv"):
        given = _pair_of(given[0])
    if len(given) == 1 and overlay is None and sniff(str(given[0]), _head(given[0])) == "node-link":
        # Read here, not into a list the caller keeps: a large file is dropped as soon as it is parsed.
        path = given[0]
        return _node_link_lean(lambda: _read(path), str(path)) or _node_link_graph(_read(path), str(path))
    files = [(str(p), _read(p)) for p in given]
    if len(files) == 1 and sniff(*files[0]) == "document":
        return load_portfolio(given[0], overlay)
    if overlay is not None:
        raise LoadError(
            str(overlay), None, "an overlay applies to a portfolio document, not to imported files"
        )
    return read_files(files)
