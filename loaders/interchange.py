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

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from graph.model import Portfolio
from loaders import load_portfolio
from loaders.archimate import is_archimate, read_archimate
from loaders.checks import check_portfolio
from loaders.document import MAX_BYTES
from loaders.errors import LoadError
from loaders.files import read_head, read_limited
from loaders.manifest import is_manifest, load_manifest, load_several
from loaders.networkx_formats import (
    _node_link_graph,  # noqa: F401 - tests/test_bench.py measures the two node-link readers from here
    _node_link_lean,  # noqa: F401
    is_graphml,
    read_graphml,
    read_node_link,
    read_node_link_from,
)
from loaders.tables import MAX_TABLE_FILE_BYTES, TABLE_FORMATS, load_table, parse_table, table_format
from loaders.tabular import MAX_CSV_BYTES, is_edges_header, read_csv_pair
from loaders.xmlsafe import MAX_XML_BYTES, parse_xml, tag_name

__all__ = ["Format", "load_any", "load_one", "read_files", "sniff"]

Format = Literal["xml", "node-link", "csv", "document", "pdf", "docx", "xlsx", "csv-table"]
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
    if is_graphml(root):
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
        return read_node_link_from(lambda: _read(path), str(path))
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
