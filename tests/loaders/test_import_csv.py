"""nodes.csv + edges.csv: an organisation's own portfolio in, every mistake one error with file and line."""

from __future__ import annotations

import pytest

from graph.exports.tabular import to_edges_csv, to_nodes_csv
from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength
from loaders import LoadError, load_portfolio
from loaders.tabular import read_csv_pair
from tests.graph.builders import with_risk_profile

NODES = b"""id,name,kind,aliases,owner
portal,Innsynsportal,integration,Portalen|innsyn,Kommunen
vedtak,Vedtaksmotor,system,,
minid,MinID,external,,
kommune,Kommunen,actor,,
"""
EDGES = b"""source,target,type,evidence,confidence,strength,alt_group,scope
vedtak,portal,ACCESSED_VIA,"Benyttes av kommuner, via Innsynsportalen.",stated,hard,,kommune
portal,minid,AUTHENTICATES_WITH,Innlogging med MinID.,curated,soft,login,
kommune,vedtak,uses,Benyttes av kommuner.,,,,
"""


def test_a_csv_pair_becomes_a_portfolio_with_defaults_and_row_provenance() -> None:
    p = read_csv_pair(NODES, "nodes.csv", EDGES, "edges.csv")
    assert [n.id for n in p.nodes] == ["portal", "vedtak", "minid", "kommune"]
    portal = p.nodes[0]
    assert (portal.kind, portal.aliases, portal.owner, portal.short) == (
        NodeKind.INTEGRATION,
        ("Portalen", "innsyn"),
        "Kommunen",
        None,
    )
    assert (portal.document, portal.line) == ("nodes.csv", 2)
    edges = {e.key: e for e in p.edges}
    access = edges[("vedtak", "portal", "ACCESSED_VIA")]
    assert access.evidence == "Benyttes av kommuner, via Innsynsportalen."
    assert (access.scope, access.document, access.line) == (("kommune",), "edges.csv", 2)
    login = edges[("portal", "minid", "AUTHENTICATES_WITH")]
    assert (login.confidence, login.strength, login.alt_group) == (Confidence.CURATED, Strength.SOFT, "login")
    uses = edges[("kommune", "vedtak", "USES")]  # the type in any case; confidence and strength default
    assert (uses.confidence, uses.strength, uses.alt_group) == (Confidence.STATED, Strength.HARD, None)


def test_the_seed_round_trips_through_csv_with_every_attribute() -> None:
    seed = load_portfolio()
    back = read_csv_pair(to_nodes_csv(seed).encode(), "nodes.csv", to_edges_csv(seed).encode(), "edges.csv")
    assert back.nodes == seed.nodes
    assert back.edges == seed.edges


def test_list_separators_inside_items_survive_the_round_trip() -> None:
    p = Portfolio(
        "t",
        (
            Node("a", 'A, "quoted"\nnext line', NodeKind.SYSTEM, aliases=("x|y", "back\\slash")),
            Node("b", "B", NodeKind.ACTOR),
        ),
        (Edge("a", "b", RelType.EXCHANGES_WITH, "Line one.\nLine two; with, commas", scope=("b",)),),
    )
    back = read_csv_pair(to_nodes_csv(p).encode(), "n.csv", to_edges_csv(p).encode(), "e.csv")
    assert back.nodes == p.nodes and back.edges == p.edges


def test_a_spreadsheet_byte_order_mark_and_blank_lines_are_fine() -> None:
    p = read_csv_pair(b"\xef\xbb\xbf" + NODES + b"\n\n", "nodes.csv", EDGES, "edges.csv")
    assert len(p.nodes) == 4


@pytest.mark.parametrize(
    ("nodes", "edges", "where", "message"),
    [
        (
            NODES.replace(b"owner", b"team"),
            EDGES,
            "nodes.csv:1",
            "unknown column(s) 'team'; the columns are: id, name",
        ),
        (NODES.replace(b"id,name,kind", b"id,name,type"), EDGES, "nodes.csv:1", "unknown column(s) 'type'"),
        (b"id,name\na,A\n", EDGES, "nodes.csv:1", "missing required column(s): kind"),
        (
            NODES + b"vedtak,Vedtak igjen,system,,\n",
            EDGES,
            "nodes.csv:6",
            "duplicate id 'vedtak' (first at line 3)",
        ),
        (
            NODES.replace(b"minid,MinID,external", b"minid,MinID,robot"),
            EDGES,
            "nodes.csv:4",
            "kind 'robot' is not one of",
        ),
        (NODES.replace(b"vedtak,Vedtaksmotor", b"vedtak,"), EDGES, "nodes.csv:3", "name is empty"),
        (NODES + b"x,X,system\n", EDGES, "nodes.csv:6", "3 cells, the header has 5"),
        (
            NODES,
            EDGES + b"vedtak,minidd,USES,x,,,,\n",
            "edges.csv:5",
            "target 'minidd' is not in nodes.csv; did you mean minid?",
        ),
        (NODES, EDGES + b"ghost,minid,USES,x,,,,\n", "edges.csv:5", "source 'ghost' is not in nodes.csv"),
        (
            NODES,
            EDGES + b"vedtak,portal,ACCESSED_VIA,igjen,,,,\n",
            "edges.csv:5",
            "duplicate edge vedtak -ACCESSED_VIA-> portal (first at line 2)",
        ),
        (NODES, EDGES + b"vedtak,minid,DEPENDS,x,,,,\n", "edges.csv:5", "type 'DEPENDS' is not one of: USES"),
        (
            NODES,
            EDGES + b"vedtak,minid,USES,x,sure,,,\n",
            "edges.csv:5",
            "confidence 'sure' is not one of: stated, curated, inferred",
        ),
        (NODES, EDGES + b"vedtak,minid,USES,,,,,\n", "edges.csv:5", "evidence is empty"),
        (
            NODES,
            EDGES + b"vedtak,minid,USES,x,,,,nobody\n",
            "edges.csv:5",
            "scope 'nobody' is not in nodes.csv",
        ),
        (
            NODES,
            b"source,target,type,evidence,line\nvedtak,minid,USES,x,ten\n",
            "edges.csv:2",
            "line 'ten' is not a whole number",
        ),
        (NODES, EDGES.replace(b"Innlogging", b"Innlogging \xff"), "edges.csv:3", "invalid UTF-8 at byte"),
        (NODES, b"", "edges.csv", "file is empty"),
        (NODES, b"source,target\x00", "edges.csv", "binary file"),
    ],
)
def test_every_mistake_is_one_error_naming_file_and_line(
    nodes: bytes, edges: bytes, where: str, message: str
) -> None:
    with pytest.raises(LoadError) as caught:
        read_csv_pair(nodes, "nodes.csv", edges, "edges.csv")
    text = str(caught.value)
    assert text.startswith(f"{where}: ")
    assert message in text
    assert "\n" not in text


def test_a_quoted_field_over_several_lines_keeps_the_line_it_starts_on() -> None:
    edges = EDGES + b'vedtak,minid,USES,"two\nlines",,,,\nvedtak,nope,USES,x,,,,\n'
    with pytest.raises(LoadError) as caught:
        read_csv_pair(NODES, "nodes.csv", edges, "edges.csv")
    assert caught.value.line == 7


def test_criticality_recovery_objectives_and_roles_survive_the_round_trip() -> None:
    profiled = with_risk_profile(load_portfolio(), "praksisinfo")
    back = read_csv_pair(to_nodes_csv(profiled).encode(), "n.csv", to_edges_csv(profiled).encode(), "e.csv")
    assert back.nodes == profiled.nodes
