"""The analyses' results are their own JSON shape (graph.shape): what they write is what their schema says."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from graph.analysis import critical, cycles, dependents, impact, paths, scenario
from graph.diff import diff
from graph.impact import ImpactedNode, ImpactPage
from graph.model import Portfolio, to_networkx
from graph.scenario import RemoveEdge
from graph.shape import adapter, to_json


def _strict(schema: Any) -> Any:
    """``schema`` with no property left out: every object lists exactly the keys written."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _conforms(result: Any) -> None:
    schema = adapter(type(result)).json_schema(mode="serialization")
    data = orjson.loads(to_json(result))
    errors = sorted(Draft202012Validator(_strict(schema)).iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert data == result.to_dict()


@pytest.fixture(scope="module")
def G(seed: Portfolio) -> Any:
    return to_networkx(seed)


def test_every_analysis_writes_exactly_what_its_schema_says(seed: Portfolio, G: Any) -> None:
    hit = impact(G, ["hint"], min_confidence="inferred")
    assert hit.impacted, "the seed's hINT takes something down"
    _conforms(hit.page(limit=5))
    _conforms(critical(G))
    _conforms(cycles(G, min_confidence="inferred"))
    _conforms(paths(G, "praksisinfo", "helseid"))
    _conforms(dependents(G, "hint"))
    edge = seed.edges[0]
    _conforms(scenario(G, ["hint"], [RemoveEdge(edge.source, edge.target, edge.type.value)]).diff())
    fewer = dataclasses.replace(seed, edges=seed.edges[3:], findings=seed.findings[1:])
    _conforms(diff(seed, fewer))


def test_an_impacted_node_spreads_its_explanation_path_out_as_the_api_always_has(G: Any) -> None:
    node = impact(G, ["hint"]).impacted[0]
    data = node.to_dict()
    assert data["path"] == list(node.path.nodes) and data["path"][-1] == "hint"
    assert data["edge_types"] == [h.type for h in node.path.hops]
    assert [h["evidence"] for h in data["hops"]] == data["evidence"]
    assert "path_ids" not in data


def test_a_new_field_of_a_result_is_written_once_and_appears_in_the_schema_and_the_json() -> None:
    fields = {f.name for f in dataclasses.fields(ImpactedNode)} - {"path"}
    written = adapter(ImpactPage).json_schema(mode="serialization")["$defs"]["ImpactedNode"]["properties"]
    assert fields <= set(written)
