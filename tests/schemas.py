"""The official schemas vendored in ``tests/vendor`` (sources and licences in its SOURCES.md), used offline:
ArchiMate XSDs, Backstage JSON. Nothing outside the repository is read.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from lxml import etree
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "tests" / "vendor"
ARCHIMATE = SCHEMAS / "archimate"
BACKSTAGE = SCHEMAS / "backstage"


def require(path: Path) -> Path:
    """``path``, which the repository ships; a missing one fails the test (never skips)."""
    if not path.exists():
        pytest.fail(f"vendored schema missing: {path.relative_to(REPO)} (see tests/vendor/SOURCES.md)")
    return path


class _LocalSchemas(etree.Resolver):
    """Resolves the remote schemaLocations the XSDs import (xml.xsd, dc.xsd …) to the local copies."""

    def resolve(self, system_url: str | None, _public_id: str | None, context: object) -> Any:
        if system_url and system_url.startswith("http"):
            local = ARCHIMATE / system_url.rsplit("/", 1)[-1]
            if local.exists():
                return self.resolve_filename(str(local), context)
        return None


@functools.cache
def _archimate_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(ARCHIMATE / "archimate3_Diagram.xsd"), parser))


def archimate_schema() -> etree.XMLSchema:
    """``archimate3_Diagram.xsd`` (model, views and diagrams), compiled without the network."""
    require(ARCHIMATE / "archimate3_Diagram.xsd")
    return _archimate_schema()


def assert_valid_archimate(xml: str | bytes) -> None:
    schema = archimate_schema()
    doc = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


@functools.cache
def _backstage() -> tuple[Registry, dict[str, dict[str, Any]]]:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(BACKSTAGE.rglob("*.schema.json"))]
    registry: Registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d, default_specification=DRAFT7)) for d in docs
    )
    return registry, {d["$id"]: d for d in docs}


def backstage_errors(entity: dict[str, Any]) -> list[str]:
    """Schema errors of one catalog entity against its kind's schema (which includes Entity, EntityMeta …)."""
    require(BACKSTAGE / "kinds")
    registry, by_id = _backstage()
    schema_id = {"API": "ApiV1alpha1"}.get(entity.get("kind", ""), f"{entity.get('kind')}V1alpha1")
    assert schema_id in by_id, f"no schema for kind {entity.get('kind')!r}"
    validator = Draft7Validator(by_id[schema_id], registry=registry)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(entity)]
