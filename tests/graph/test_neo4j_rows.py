"""The rows the Neo4j adapter sends, without a server: every edge field has its column, in the order the
edge templates read it."""

from __future__ import annotations

import re

import pytest

from graph.model import OPTIONAL_EDGE_FIELDS, Confidence, Edge, RelType
from graph.neo4j_store import (
    CREATE_EDGES_TEMPLATE,
    EDGE_COLUMNS,
    MERGE_EDGES_TEMPLATE,
    Neo4jStore,
    edge_row,
)


def template_columns(template: str) -> list[str]:
    """The property each ``row[i]`` of an edge template is stored as, by ``i`` (0 and 1 are the endpoints)."""
    found = dict(re.findall(r"(\w+): row\[(\d+)\]", template))
    by_index = {int(i): name for name, i in found.items()}
    return [by_index[i] for i in sorted(by_index)]


def test_every_field_an_edge_can_state_has_a_column_besides_its_endpoints_and_type() -> None:
    required = set(Edge("a", "b", RelType.USES, "A bruker B.")._required()) - {"source", "target", "type"}
    assert set(EDGE_COLUMNS) == required | set(OPTIONAL_EDGE_FIELDS) | {"seq"}
    assert len(EDGE_COLUMNS) == len(set(EDGE_COLUMNS))


@pytest.mark.parametrize("template", [CREATE_EDGES_TEMPLATE, MERGE_EDGES_TEMPLATE])
def test_the_edge_templates_store_each_column_under_its_own_name(template: str) -> None:
    assert template_columns(template) == list(EDGE_COLUMNS)
    assert "elementId(a) = row[0]" in template and "elementId(b) = row[1]" in template


def test_an_edge_row_is_the_endpoints_element_ids_then_the_columns_with_none_for_what_it_does_not_state() -> (
    None
):
    edge = Edge("a", "b", RelType.USES, "A bruker B.", confidence=Confidence.INFERRED, scope=("x", "y"))
    row = edge_row(edge, 7, {"a": "4:db:1", "b": "4:db:2"})
    assert row[:2] == ["4:db:1", "4:db:2"]
    values = dict(zip(EDGE_COLUMNS, row[2:], strict=True))
    assert values["seq"] == 7 and values["evidence"] == "A bruker B." and values["confidence"] == "inferred"
    assert values["scope"] == ["x", "y"] and values["alt_group"] is None and values["note"] is None


def test_an_edge_whose_endpoint_was_not_written_gets_no_element_id_and_so_matches_nothing() -> None:
    assert edge_row(Edge("a", "gone", RelType.USES, "A bruker gone."), 0, {"a": "4:db:1"})[:2] == [
        "4:db:1",
        None,
    ]


def test_a_store_needs_at_least_one_writer() -> None:
    with pytest.raises(ValueError, match="writers"):
        Neo4jStore("bolt://127.0.0.1:1", "neo4j", "x", writers=0)
