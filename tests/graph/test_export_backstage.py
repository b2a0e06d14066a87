"""Backstage catalog export: every entity valid against the official kind schemas, names and references sound."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from ruamel.yaml import YAML

from graph.exports.backstage import backstage_name, to_backstage
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders import load_portfolio
from tests.conftest import FIXTURES, SEED_EDGES
from tests.schemas import backstage_errors

NAME = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")
ANNOTATION_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$"
)


def _load(text: str) -> list[dict[str, Any]]:
    return list(YAML(typ="safe").load_all(text))


@pytest.fixture(scope="module")
def catalog() -> list[dict[str, Any]]:
    return _load(to_backstage(load_portfolio()))


def _by_ref(catalog: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{e['kind'].lower()}:{e['metadata']['name']}": e for e in catalog}


def test_every_entity_is_valid_against_its_official_backstage_kind_schema(
    catalog: list[dict[str, Any]],
) -> None:
    assert {e["kind"] for e in catalog} == {"System", "Group", "Component", "API", "Resource"}
    for entity in catalog:
        assert backstage_errors(entity) == [], entity["metadata"]["name"]


def test_the_second_portfolio_is_valid_too() -> None:
    for entity in _load(to_backstage(load_portfolio(FIXTURES / "kommune-portefolje.txt"))):
        assert backstage_errors(entity) == [], entity["metadata"]["name"]


def test_the_schema_check_is_real_a_component_without_an_owner_fails_it(
    catalog: list[dict[str, Any]],
) -> None:
    component = next(e for e in catalog if e["kind"] == "Component")
    broken = {**component, "spec": {k: v for k, v in component["spec"].items() if k != "owner"}}
    assert any("'owner' is a required property" in err for err in backstage_errors(broken))


def test_names_follow_backstage_rules_and_are_unique_per_kind(catalog: list[dict[str, Any]]) -> None:
    refs = [f"{e['kind']}:{e['metadata']['name']}" for e in catalog]
    assert len(refs) == len(set(refs))
    for e in catalog:
        name = e["metadata"]["name"]
        assert NAME.match(name) and len(name) <= 63, name
        for key, value in e["metadata"].get("annotations", {}).items():
            assert ANNOTATION_KEY.match(key) and isinstance(value, str), key


def test_every_reference_points_at_an_entity_in_the_catalog(catalog: list[dict[str, Any]]) -> None:
    known = set(_by_ref(catalog))
    for e in catalog:
        spec = e["spec"]
        refs = [spec.get(f) for f in ("owner", "system", "subcomponentOf") if spec.get(f)]
        refs += [
            r for f in ("dependsOn", "dependencyOf", "consumesApis", "providesApis") for r in spec.get(f, [])
        ]
        for ref in refs:
            assert ref in known, (e["metadata"]["name"], ref)


def test_kinds_map_to_components_apis_resources_and_groups(catalog: list[dict[str, Any]]) -> None:
    by_ref = _by_ref(catalog)
    assert by_ref["component:praksisinfo"]["spec"]["type"] == "service"
    assert by_ref["component:helsedirektoratet-no"]["spec"]["type"] == "website"
    assert by_ref["resource:helseid"]["spec"]["type"] == "external"
    assert by_ref["group:helfo"]["spec"]["type"] == "actor"
    assert by_ref["component:hint"]["spec"]["providesApis"] == ["api:hint-api"]
    assert by_ref["api:hint-api"]["spec"]["type"] == "integration"


def test_integrations_are_consumed_as_apis_and_other_dependencies_are_depends_on(
    catalog: list[dict[str, Any]],
) -> None:
    by_ref = _by_ref(catalog)
    praksisinfo = by_ref["component:praksisinfo"]["spec"]
    assert "api:hint-api" in praksisinfo["consumesApis"]
    assert "api:tjenesteportal-for-helseaktor-api" in praksisinfo["consumesApis"]
    assert by_ref["component:helsedirektoratet-no"]["spec"]["dependsOn"] == ["component:dip"]
    assert by_ref["component:hapi"]["spec"]["subcomponentOf"] == "component:hint"
    assert "resource:helsenorge" in by_ref["component:frikort-brevmodul"]["spec"]["dependsOn"]


def test_who_uses_a_system_is_a_dependency_of_on_its_entity_so_backstages_graph_shows_it(
    catalog: list[dict[str, Any]],
) -> None:
    by_ref = _by_ref(catalog)
    seed = load_portfolio()
    kinds = {n.id: n.kind for n in seed.nodes}
    actor_edges = [
        e for e in seed.edges if kinds[e.source] == NodeKind.ACTOR and kinds[e.target] != NodeKind.ACTOR
    ]
    assert len(actor_edges) >= 20
    for e in actor_edges:
        target = next(
            ref
            for ref in by_ref
            if by_ref[ref].get("metadata", {}).get("annotations", {}).get("eagraph/id") == e.target
            and by_ref[ref]["kind"] != "API"
        )
        assert f"group:{e.source}" in by_ref[target]["spec"]["dependencyOf"], (e.source, e.target)
    assert "group:helseaktor" in by_ref["component:praksisinfo"]["spec"]["dependencyOf"]


def test_annotations_carry_the_evidence_of_every_edge(catalog: list[dict[str, Any]]) -> None:
    seed = load_portfolio()
    by_id = {
        e["metadata"]["annotations"]["eagraph/id"]: e
        for e in catalog
        if e["kind"] != "API" and "eagraph/id" in e["metadata"].get("annotations", {})
    }
    carried = 0
    for edge in seed.edges:
        deps = json.loads(by_id[edge.source]["metadata"]["annotations"]["eagraph/dependencies"])
        match = [d for d in deps if (d["target"], d["type"]) == (edge.target, edge.type.value)]
        assert len(match) == 1
        assert match[0]["evidence"] == edge.evidence and match[0]["confidence"] == edge.confidence.value
        assert match[0].get("alt_group") == edge.alt_group and match[0].get("scope", []) == list(edge.scope)
        carried += 1
    assert carried == SEED_EDGES


def test_owners_become_groups_and_unowned_entities_say_so(catalog: list[dict[str, Any]]) -> None:
    by_ref = _by_ref(catalog)
    # the overlay's owner of hINT is an actor; Praksisinfo's users (Helfo among them) are not its owners
    assert by_ref["component:hint"]["spec"]["owner"] == "group:helsedirektoratet"
    assert by_ref["component:praksisinfo"]["spec"]["owner"] == "group:unowned"
    assert by_ref["component:blaresept"]["spec"]["owner"] == "group:unowned"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("hint", "hint"), ("Felles kontaktregister (FKR)", "felles-kontaktregister-fkr"), ("---", "unnamed")],
)
def test_names_are_slugs_backstage_accepts(raw: str, expected: str) -> None:
    assert backstage_name(raw) == expected


def test_long_or_odd_ids_still_make_a_valid_catalog() -> None:
    long_id = "system " + "veldig " * 20 + "langt navn"
    p = Portfolio(
        "odd portfolio.txt",
        (Node(long_id, "Langt", NodeKind.INTEGRATION), Node("Æ/Ø", "ÆØ", NodeKind.SYSTEM, owner="Team Ø")),
        (Edge("Æ/Ø", long_id, RelType.INTEGRATES_VIA, "ÆØ integrerer via Langt."),),
    )
    catalog = _load(to_backstage(p))
    for entity in catalog:
        assert backstage_errors(entity) == []
        assert NAME.match(entity["metadata"]["name"]) and len(entity["metadata"]["name"]) <= 63
    refs = set(_by_ref(catalog))
    consumer = next(e for e in catalog if e["metadata"]["title"] == "ÆØ")
    assert consumer["spec"]["consumesApis"][0] in refs
    assert consumer["spec"]["owner"] in refs
