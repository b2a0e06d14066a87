"""The GraphML export read by python-igraph (the C library's GraphML reader, not networkx)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.exports.networkx_formats import to_graphml
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders import load_portfolio
from tests.interchange.conftest import need

try:
    import igraph
except ImportError:  # pragma: no cover - make interchange-deps installs it
    igraph = None

SEED = load_portfolio()


def _read(portfolio: Portfolio, tmp_path: Path) -> Any:
    need(
        igraph is not None, "python-igraph", "make interchange-deps (pip install -c requirements.lock igraph)"
    )
    path = tmp_path / "graph.graphml"
    path.write_text(to_graphml(portfolio), encoding="utf-8")
    return igraph.Graph.Read_GraphML(str(path))


def test_igraph_reads_every_node_and_edge_with_the_slug_as_the_vertex_id(tmp_path: Path) -> None:
    g = _read(SEED, tmp_path)
    assert g.is_directed() and (g.vcount(), g.ecount()) == (len(SEED.nodes), len(SEED.edges))
    assert g.vs["id"] == [n.id for n in SEED.nodes]  # no node data "id" overwrites it
    assert g.vs["name"] == [n.name for n in SEED.nodes] and g.vs["kind"] == [n.kind.value for n in SEED.nodes]


def test_igraph_sees_each_edge_once_between_the_right_vertices_with_its_fields(tmp_path: Path) -> None:
    # igraph 1.0's reader does not keep <edge id>s (its edge attribute "id" holds vertex ids); the edge
    # ids' uniqueness is checked on the XML in tests/graph/test_export_graph_formats.py
    g = _read(SEED, tmp_path)
    read = {(g.vs[e.source]["id"], e["type"], g.vs[e.target]["id"]): e for e in g.es}
    assert len(read) == g.ecount() == len(SEED.edges)
    for e in SEED.edges:
        ie = read[e.source, e.type.value, e.target]
        assert ie["evidence"] == e.evidence and ie["confidence"] == e.confidence.value
        assert json.loads(ie["scope"]) == list(e.scope)


def test_igraph_reads_numbers_as_numbers(tmp_path: Path) -> None:
    p = Portfolio(
        "t",
        (Node("a", "A", NodeKind.SYSTEM, line=3, rto_hours=4.5), Node("b", "B", NodeKind.SYSTEM, line=7)),
        (Edge("a", "b", RelType.USES, "A uses B.", line=12),),
    )
    g = _read(p, tmp_path)
    assert g.vs["line"] == [3, 7] and g.es["line"] == [12] and g.vs[0]["rto_hours"] == 4.5
    # igraph keeps every number as a C double: numbers, not the strings "3", "7", "12"
    assert all(isinstance(v, float) for v in (*g.vs["line"], *g.es["line"]))


def test_the_seeds_lines_are_whole_numbers_in_igraph(tmp_path: Path) -> None:
    g = _read(SEED, tmp_path)
    lines = [v for v in g.vs["line"] if v == v]  # a node without a line is NaN in igraph
    assert lines == [n.line for n in SEED.nodes if n.line is not None] and all(v.is_integer() for v in lines)
