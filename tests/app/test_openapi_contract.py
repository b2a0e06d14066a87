"""schemathesis against the app's own OpenAPI document: no 5xx, and every response conforms to it.

Bounded: examples, coverage and a few fuzzed cases per operation, so the whole run stays near a minute.

A schema-valid request may still name no node (404), an ambiguous one (400), an edit or a decision that does
not apply (422, 409): the schema cannot say which names exist. So ``positive_data_acceptance`` allows those statuses, and
:func:`valid_requests_pass_validation` makes sure such a 4xx is one of those domain problems — never the
validation error that would mean the schema promised more than the app accepts.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core.media_types import YAML_MEDIA_TYPES

from app.main import create_app
from loaders import load_portfolio
from tests.app.conftest import API_KEY, seeded
from tests.app.conftest import settings as app_settings

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20240601,
        "headers": {"X-API-Key": API_KEY},
        "generation": {"mode": "all", "max-examples": 30, "deterministic": True},
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422"]
            }
        },
    }
)

# invalid-decision: a decision's item has the fields of its operation, which one schema of all operations
# cannot say (the fields are listed in loaders.curation.OPS and the error names the one that is wrong).
DOMAIN_PROBLEMS = {f"urn:eagraph:problem:{kind}" for kind in
                   ("node-not-found", "ambiguous-name", "invalid-query", "invalid-edit", "invalid-decision")}  # fmt: skip


@schemathesis.deserializer(*YAML_MEDIA_TYPES)
def yaml_stream(_ctx: schemathesis.DeserializationContext, response: object) -> object:
    """The Backstage export is a stream of YAML documents, one entity each: read them all."""
    import yaml

    return list(yaml.safe_load_all(response.content))  # type: ignore[attr-defined]


@schemathesis.check
def valid_requests_pass_validation(_ctx, response, case) -> bool | None:
    """A schema-valid request refused with 4xx is refused for what it means, not for its shape."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code in (400, 422):
        kind = response.json().get("type")
        assert kind in DOMAIN_PROBLEMS, f"schema-valid request refused as {kind}: {response.text[:300]}"
    return None


app = create_app(app_settings(api_key=API_KEY), store=seeded(load_portfolio()))
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_response_conforms_to_the_openapi_document(case):
    case.call_and_validate()
