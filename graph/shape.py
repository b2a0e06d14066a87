"""One shape per result: the result dataclasses of the analyses are their own JSON shape.

pydantic serialises standard dataclasses directly (and FastAPI documents them as response models), so a
result's fields, their descriptions and what is computed from them (``computed_field`` properties) are
written once, on the dataclass. Nothing is validated: results are built by the analyses, plain dataclasses,
and only read here — the hot paths build them as before.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True, slots=True)
... class Pair(Shaped):
...     pair: tuple[str, str]
>>> Pair(("a", "b")).to_dict(), to_json(Pair(("a", "b")))
({'pair': ['a', 'b']}, b'{"pair":["a","b"]}')
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, TypeAdapter, WithJsonSchema

__all__ = ["SHAPE", "ConfidenceName", "Shaped", "StateName", "adapter", "to_data", "to_json"]

# Aliases are the JSON names (a computed field may carry the name of a field it replaces); every field is
# always written, so the serialisation schema says so (``required``), as the hand-written schemas did.
SHAPE = ConfigDict(serialize_by_alias=True, json_schema_serialization_defaults_required=True)


def _names(*values: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(values)})


# The analyses carry these as plain strings (graph attributes); the JSON schema names the values.
StateName = Annotated[str, _names("down", "degraded", "delayed")]
ConfidenceName = Annotated[str, _names("stated", "curated", "inferred")]
StrengthName = Annotated[str, _names("hard", "soft")]


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(cls: type[Any]) -> TypeAdapter[Any]:
    """The pydantic adapter of a result type, made once (building one costs a millisecond or more)."""
    found = _ADAPTERS.get(cls)
    if found is None:
        found = _ADAPTERS.setdefault(cls, TypeAdapter(cls))
    return found


def to_data(result: Any) -> Any:
    """``result`` as JSON data (dicts, lists, strings, numbers)."""
    return adapter(type(result)).dump_python(result, mode="json")


def to_json(result: Any) -> bytes:
    """``result`` as UTF-8 JSON."""
    return adapter(type(result)).dump_json(result)


class Shaped:
    """A result dataclass serialised by pydantic: :meth:`to_dict` is its JSON data."""

    __slots__ = ()
    __pydantic_config__: ClassVar[ConfigDict] = SHAPE

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_data(self)
        return data
