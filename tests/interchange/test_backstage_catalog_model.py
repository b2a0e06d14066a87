"""The Backstage export checked by @backstage/catalog-model's own code in Node (backstage_catalog.mjs): the
entity policies and kind validators the catalog applies on ingestion, and the relations its model derives
from each entity's fields, reverse relations included."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from graph.exports.backstage import backstage_entities
from graph.model import NodeKind, Portfolio
from loaders import load_portfolio
from tests.conftest import FIXTURES, REPO
from tests.interchange.conftest import node

SCRIPT = Path(__file__).with_name("backstage_catalog.mjs")
SEED = load_portfolio()


def _catalog(entities: list[dict[str, Any]]) -> dict[str, Any]:
    done = subprocess.run(
        [node(), str(SCRIPT)],
        input=json.dumps(entities),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("portfolio", [SEED, load_portfolio(FIXTURES / "kommune-portefolje.txt")])
def test_backstages_own_policies_and_kind_validators_accept_every_entity(portfolio: Portfolio) -> None:
    result = _catalog(backstage_entities(portfolio))
    assert result["errors"] == []
    assert len(result["relations"]) > len(portfolio.edges)


def test_the_validators_are_real_a_broken_entity_and_a_dangling_reference_are_reported() -> None:
    entities = backstage_entities(SEED)
    component = next(e for e in entities if e["kind"] == "Component")
    broken = {**component, "spec": {k: v for k, v in component["spec"].items() if k != "owner"}}
    dangling = next(e for e in entities if e["kind"] == "Component" and e is not component)
    dangling = {**dangling, "spec": {**dangling["spec"], "dependsOn": ["component:no-such-system"]}}
    errors = _catalog([e for e in entities if e not in (component,)] + [broken, dangling])["errors"]
    assert any(component["metadata"]["name"] in err and "owner" in err for err in errors), errors
    assert any("component:default/no-such-system" in err for err in errors), errors


def test_who_uses_a_system_is_in_backstages_relation_graph_as_the_group_depending_on_it() -> None:
    relations = {tuple(r) for r in _catalog(backstage_entities(SEED))["relations"]}
    kinds = {n.id: n.kind for n in SEED.nodes}
    entity = {
        e["metadata"]["annotations"]["eagraph/id"]: f"{e['kind'].lower()}:default/{e['metadata']['name']}"
        for e in backstage_entities(SEED)
        if e["kind"] != "API" and "eagraph/id" in e["metadata"].get("annotations", {})
    }
    used = [e for e in SEED.edges if kinds[e.source] == NodeKind.ACTOR and kinds[e.target] != NodeKind.ACTOR]
    assert len(used) >= 20
    for e in used:
        group, target = entity[e.source], entity[e.target]
        assert (group, "dependsOn", target) in relations, (e.source, e.target)
        assert (target, "dependencyOf", group) in relations
    assert ("group:default/helseaktor", "dependsOn", "component:default/praksisinfo") in relations
