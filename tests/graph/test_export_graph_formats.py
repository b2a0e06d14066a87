"""GraphML, node-link JSON, Mermaid and Cypher: read back by their own tools, or shaped as those tools need."""

from __future__ import annotations

import io
import json
import re

import networkx as nx
import pytest

from graph.exports import FORMATS, export, formats
from graph.exports.cypher import cypher_statements, cypher_string, to_cypher
from graph.exports.mermaid import mermaid_id, to_mermaid
from graph.exports.networkx_formats import graphml_edge_id, to_graphml, to_node_link
from graph.exports.tabular import BOM, to_edges_csv, to_nodes_csv
from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength, to_networkx
from loaders import LoadError, load_portfolio
from loaders.networkx_formats import read_graphml, read_node_link

SEED = load_portfolio()


def test_every_format_has_a_media_type_and_renders_the_seed() -> None:
    assert [f.name for f in formats()] == sorted(FORMATS)
    for f in formats():
        media_type, text = export(SEED, f.name)
        assert media_type == f.media_type and "/" in media_type
        assert len(text) > 1000 and text.endswith("\n"), f.name


def test_networkx_reads_the_graphml_back_to_the_same_nodes_edges_and_attributes() -> None:
    G = nx.read_graphml(io.BytesIO(to_graphml(SEED).encode()), force_multigraph=True)
    assert set(G.nodes) == {n.id for n in SEED.nodes}
    assert set(G.edges(keys=True)) == {
        (e.source, e.target, graphml_edge_id(e.source, e.type.value, e.target)) for e in SEED.edges
    }
    for n in SEED.nodes:
        d = G.nodes[n.id]
        assert json.loads(d["aliases"]) == list(n.aliases)  # lists survive as JSON strings
        assert json.loads(d["labels"]) == [k.value for k in n.labels]
        assert d.get("line") == n.line and d["name"] == n.name and d["kind"] == n.kind.value
    for e in SEED.edges:
        d = G.edges[e.source, e.target, graphml_edge_id(e.source, e.type.value, e.target)]
        assert d["type"] == e.type.value
        assert d["evidence"] == e.evidence and d["confidence"] == e.confidence.value
        assert json.loads(d["scope"]) == list(e.scope) and d.get("alt_group") == e.alt_group
    assert G.graph["document"] == SEED.document and G.graph["as_of"] == "2023-05-15"


def test_graphml_edge_ids_are_unique_and_name_source_type_and_target() -> None:
    ids = re.findall(r'<edge source="([^"]+)" target="([^"]+)" id="([^"]+)"', to_graphml(SEED))
    assert len(ids) == len(SEED.edges) == len({i for _, _, i in ids})
    assert all(i == f"{u}.{i.split('.')[-2]}.{v}" for u, v, i in ids)


def test_graphml_has_no_node_data_named_id_nor_edge_data_repeating_its_ends() -> None:
    keys = re.findall(r'<key id="[^"]+" for="(node|edge)" attr.name="([^"]+)"', to_graphml(SEED))
    assert ("node", "id") not in keys and ("edge", "source") not in keys and ("edge", "target") not in keys
    assert ("node", "name") in keys and ("edge", "type") in keys


def test_graphml_types_whole_numbers_as_int_and_hours_as_double() -> None:
    p = Portfolio(
        "t",
        (Node("a", "A", NodeKind.SYSTEM, line=3, page=2, rto_hours=4.0), Node("b", "B", NodeKind.SYSTEM)),
        (Edge("a", "b", RelType.USES, "A uses B.", line=5),),
    )
    types = dict(
        ((f, n), t)
        for f, n, t in re.findall(r'for="(node|edge)" attr.name="([^"]+)" attr.type="([^"]+)"', to_graphml(p))
    )
    assert types["node", "line"] == types["node", "page"] == types["edge", "line"] == "int"
    assert types["node", "rto_hours"] == "double" and types["node", "name"] == "string"
    assert read_graphml(to_graphml(p).encode(), "t.graphml") == p


def test_graphml_written_before_edge_ids_were_unique_still_reads_the_same() -> None:
    G = to_networkx(SEED, complete=True)  # as the export wrote it: edge id = type, node data "id"
    old = nx.MultiDiGraph(**G.graph)
    for n, d in G.nodes(data=True):
        old.add_node(
            n, **{k: json.dumps(v) if isinstance(v, list) else v for k, v in d.items() if v is not None}
        )
    for u, v, k, d in G.edges(keys=True, data=True):
        old.add_edge(
            u,
            v,
            key=k,
            **{a: json.dumps(b) if isinstance(b, list) else b for a, b in d.items() if b is not None},
        )
    text = "\n".join(nx.generate_graphml(old))
    assert '<edge source="hapi" target="hint" id="PART_OF">' in text and 'attr.name="id"' in text
    back = read_graphml(text.encode(), "old.graphml")
    assert back.nodes == SEED.nodes and set(back.edges) == set(SEED.edges)


def test_our_importer_decodes_the_graphml_lists_into_the_same_portfolio() -> None:
    back = read_graphml(to_graphml(SEED).encode(), "seed.graphml")
    assert back.nodes == SEED.nodes
    assert set(back.edges) == set(SEED.edges) and len(back.edges) == len(SEED.edges)
    assert back.meta == SEED.meta and back.document == SEED.document


def test_graphml_with_a_list_that_is_not_json_is_an_error_with_the_node_line() -> None:
    original = to_graphml(SEED)
    key = re.search(r'<key id="(d\d+)" for="node" attr.name="aliases"', original)
    assert key is not None
    text = original.replace(
        f'<data key="{key[1]}">["Helsedirektoratets', f'<data key="{key[1]}">[Helsedirektoratets', 1
    )
    assert text != original, "the test must break one aliases cell"
    with pytest.raises(LoadError, match="aliases must be a JSON list of strings") as caught:
        read_graphml(text.encode(), "seed.graphml")
    assert caught.value.line is not None and caught.value.line > 1


def test_node_link_json_round_trips_and_keeps_lists_as_arrays() -> None:
    text = to_node_link(SEED)
    data = json.loads(text)
    assert {"nodes", "links"} <= data.keys() and all("key" in e for e in data["links"])
    assert (
        next(n for n in data["nodes"] if n["id"] == "hint")["aliases"][0]
        == "Helsedirektoratets integrasjonsplattform"
    )
    back = read_node_link(text.encode(), "seed.json")
    assert back.nodes == SEED.nodes and set(back.edges) == set(SEED.edges)


def test_node_link_json_writes_links_which_networkx_and_d3_read_by_default() -> None:
    data = json.loads(to_node_link(SEED))
    assert "edges" not in data
    G = nx.node_link_graph(data, edges="links")  # the key networkx before 3.6 and d3 know
    assert G.number_of_edges() == len(SEED.edges) and set(G.nodes) == {n.id for n in SEED.nodes}


def test_our_importer_reads_node_link_with_edges_under_the_newer_edges_key_too() -> None:
    data = json.loads(to_node_link(SEED))
    data["edges"] = data.pop("links")
    back = read_node_link(json.dumps(data).encode(), "seed.json")
    assert back.nodes == SEED.nodes and set(back.edges) == set(SEED.edges)


def test_csv_files_start_with_a_utf8_byte_order_mark_so_excel_reads_aeoa() -> None:
    for text in (to_nodes_csv(SEED), to_edges_csv(SEED)):
        data = text.encode("utf-8")
        assert data.startswith(b"\xef\xbb\xbf") and text.startswith(BOM) and text.count(BOM) == 1
        assert "ø" in data.decode("utf-8-sig")


def test_csv_still_neutralises_formulas_after_the_byte_order_mark() -> None:
    p = Portfolio("t", (Node("a", "=HYPERLINK(1)", NodeKind.SYSTEM),), ())
    assert to_nodes_csv(p).splitlines()[1].startswith("a,'=HYPERLINK(1),")


def test_mermaid_declares_every_node_once_with_its_kinds_class() -> None:
    text = to_mermaid(SEED)
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    for kind in NodeKind:
        assert sum(line.startswith(f"    classDef {kind.value} fill:") for line in lines) == 1
    for n in SEED.nodes:
        declared = [line for line in lines if line.startswith(f"    {mermaid_id(n.id)}[")]
        assert len(declared) == 1 and declared[0].endswith(f":::{n.kind.value}")


def test_mermaid_edges_are_labelled_by_type_and_dashed_when_soft_or_inferred() -> None:
    lines = to_mermaid(SEED).splitlines()
    arrows = [line for line in lines if "-->|" in line or "-.->|" in line]
    assert len(arrows) == len(SEED.edges)
    for e in SEED.edges:
        dashed = e.strength == Strength.SOFT or e.confidence == Confidence.INFERRED
        arrow = "-.->" if dashed else "-->"
        assert f"    {mermaid_id(e.source)} {arrow}|{e.type.value}| {mermaid_id(e.target)}" in arrows


def test_mermaid_labels_cannot_break_out_of_their_quotes() -> None:
    p = Portfolio(
        "t", (Node("end", 'Evil"] --> x[<b>#', NodeKind.SYSTEM), Node("o", "`md`", NodeKind.SYSTEM)), ()
    )
    lines = to_mermaid(p).splitlines()
    assert '    n_end["Evil#quot;] --#gt; x[#lt;b#gt;#35;"]:::system' in lines
    assert '    o["#96;md#96;"]:::system' in lines
    for line in lines[1:]:
        if "[" in line:
            assert line.count('"') == 2


def test_cypher_strings_escape_quotes_backslashes_and_line_breaks() -> None:
    assert cypher_string("it's a \\ path\nnext\ttab\x01") == "'it\\'s a \\\\ path\\nnext\\ttab\\u0001'"


def test_cypher_script_splits_on_semicolon_newline_into_the_statements() -> None:
    tricky = Portfolio(
        "t;\nx",
        (Node("a", "A;\n", NodeKind.SYSTEM), Node("b", "B", NodeKind.ACTOR)),
        (Edge("b", "a", RelType.USES, "uses;\nreally;"),),
    )
    script = to_cypher(tricky)
    body = "\n".join(line for line in script.splitlines() if not line.startswith("//"))
    parts = [p.strip() for p in body.split(";\n") if p.strip()]
    assert parts == cypher_statements(tricky)
    assert parts[0].startswith("CREATE CONSTRAINT eagraph_node_id IF NOT EXISTS")
    assert "$" not in script  # no parameters: runs in cypher-shell and Browser as is


def test_cypher_labels_and_types_come_only_from_the_enums() -> None:
    script = to_cypher(SEED)
    labels = set(re.findall(r"\bn((?::[A-Z][a-z]+)+)$", script, re.M))
    assert {label for group in labels for label in group.split(":") if label} <= {k.label for k in NodeKind}
    types = set(re.findall(r"-\[r:([A-Z_]+)\]->", script))
    assert types == {e.type.value for e in SEED.edges}
