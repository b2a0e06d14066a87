"""The API contract: request and response models. Response shapes are those of the CLI's ``--json``, plus the
graph ``revision`` they were computed on: the analyses' result dataclasses are their own shape
(:mod:`graph.shape`), and an answer here is one of them with the revision (:class:`Stamp`, :func:`stamped`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from graph import critical, traverse
from graph.diff import Diff as RevisionDiff
from graph.impact import ImpactPage
from graph.layout import GraphView
from graph.model import DEFAULT_CONFIDENCE, Confidence, Finding, NodeKind, RelType, Strength
from graph.names import MAX_QUERY_LENGTH
from graph.scenario import StateChanges
from graph.shape import SHAPE
from graph.traverse import Reached

MAX_DOWN = 100  # nodes failed at once in one question
MAX_EDITS = 100

# No control, zero-width or bidi-control character in a name (folding would drop it and answer for another
# name than the one sent): a 422, in parameters (app.api) and bodies alike.
NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u200b-\u200d\u2060\u202a-\u202e\u2066-\u2069\ufeff]*$"

Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_QUERY_LENGTH, pattern=NAME_PATTERN),
    Field(description="A node id, name, alias or abbreviation (case and æ/ø/å folded).", examples=["hINT"]),
]
Revision = Annotated[
    str, Field(description="The graph revision the answer was computed on.", examples=["3f1c2a9b7d10"])
]
Stale = Annotated[
    bool,
    Field(
        description="True when the store does not answer and this is the last revision read (`revision`); "
        "the `X-Eagraph-Stale` header says the same."
    ),
]
StateName = Literal["down", "degraded", "delayed"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Stamp:
    """The revision an answer was computed on; written first."""

    revision: Revision
    stale: Stale


R = TypeVar("R")


def stamped(cls: type[R], result: Any, stamp: Mapping[str, Any]) -> R:
    """``result`` (an analysis result dataclass) as ``cls``, its stamped subclass, with ``stamp``'s
    ``revision`` and ``stale``: the same objects, nothing copied or validated."""
    return cls(**stamp, **{f.name: getattr(result, f.name) for f in fields(result)})


# ------------------------------------------------------------------------------------------------ nodes


class NodeSummary(Model):
    id: str = Field(examples=["hint"])
    name: str = Field(examples=["Helsedirektoratets integrasjonsplattform (hINT)"])
    short: str | None = Field(examples=["hINT"])
    kind: NodeKind
    labels: list[NodeKind]
    aliases: list[str]
    category: str | None


class SourceInfo(Model):
    id: str = Field(examples=["hdir"])
    document: str = Field(examples=["hdir-systemportefolje-2023.txt"])
    organisation: str | None = Field(examples=["Helsedirektoratet"])
    sha256: str | None = Field(description="Of the file's bytes, when it was read from one.")
    nodes: int = Field(description="Nodes this source describes or mentions.")
    edges: int = Field(description="Edges read from this source's document.")
    revision: str = Field(description="The revision that loaded this source.")
    loaded_at: str | None = Field(description="When it was loaded (ISO 8601), for sources loaded one by one.")


class Sources(Model):
    revision: Revision
    stale: Stale
    items: list[SourceInfo]


class NodePage(Model):
    revision: Revision
    stale: Stale
    total: int = Field(description="Matching nodes, before paging.")
    limit: int
    offset: int
    items: list[NodeSummary]


class NodeDetail(NodeSummary):
    description: str | None
    owner: str | None
    url: str | None
    document: str | None
    line: int | None
    entry: str | None = Field(description="The exact name of the document entry the node came from.")
    administrator: str | None = None
    operator: str | None = None
    criticality: str | None = Field(None, description="The organisation's criticality class (e.g. A–C).")
    rto_hours: float | None = Field(None, description="Recovery time objective, hours.")
    rpo_hours: float | None = Field(None, description="Recovery point objective, hours.")
    mtd_hours: float | None = Field(None, description="Maximum tolerable downtime, hours.")
    hosting: str | None = None
    fallback: str | None = Field(None, description="The manual routine when the system is down.")
    page: int | None = Field(None, description="The PDF page the entry is on; ``line`` is then on that page.")
    sources: list[str] = Field(
        default_factory=list, description="The ids of the sources (documents) that describe or mention it."
    )
    descriptions: list[str] = Field(
        default_factory=list, description="'source: text' for each source, when several describe the entry."
    )
    dependencies: list[Reached] = Field(description="What this node depends on directly.")
    dependents: list[Reached] = Field(description="What depends on this node directly.")
    revision: Revision
    stale: Stale


@dataclass(frozen=True)
class Reach(traverse.Reach, Stamp):
    """What a node depends on, or what depends on it, directly and transitively."""


# ------------------------------------------------------------------------------------------------ impact


@dataclass(frozen=True, kw_only=True)
class ImpactResult(ImpactPage):
    """What ``eagraph impact --json`` prints, plus the revision."""

    revision: Revision
    stale: Stale

    __pydantic_config__ = ConfigDict(
        **SHAPE,
        json_schema_extra={
            "examples": [
                {
                    "revision": "3f1c2a9b7d10",
                    "down": ["hint"],
                    "min_confidence": "curated",
                    "total": 1,
                    "offset": 0,
                    "limit": 1000,
                    "impacted": [
                        {
                            "id": "hapi",
                            "name": "Helsedirektoratets API (hAPI)",
                            "kind": "integration",
                            "state": "down",
                            "distance": 1,
                            "path": ["hapi", "hint"],
                            "edge_types": ["PART_OF"],
                            "evidence": ["hAPI er en del av hINT."],
                            "hops": [
                                {
                                    "source": "hapi",
                                    "target": "hint",
                                    "type": "PART_OF",
                                    "evidence": "hAPI er en del av hINT.",
                                    "confidence": "curated",
                                    "strength": "hard",
                                    "line": 3,
                                    "document": "overlay.yaml",
                                    "alt_group": None,
                                    "scope": [],
                                    "also": [],
                                }
                            ],
                            "curated_path": None,
                            "inferred": False,
                            "causes": ["hint"],
                            "down_for": [],
                            "degraded_for": [],
                            "degraded_by": [],
                        }
                    ],
                    "summary": {
                        "failed": 1,
                        "impacted": 1,
                        "by_state": {"down": 1, "degraded": 0, "delayed": 0},
                        "by_kind": {"integration": {"down": 1, "degraded": 0, "delayed": 0}},
                        "inferred": 0,
                        "possible": 0,
                        "actors": 0,
                    },
                    "actors": [],
                    "possible": [],
                }
            ]
        },
    )


@dataclass(frozen=True)
class Paths(traverse.Paths, Stamp):
    """Every shortest dependency path between two nodes, with evidence."""


# ------------------------------------------------------------------------------------------------ analysis


@dataclass(frozen=True)
class Criticality(critical.Criticality, Stamp):
    """Blast radius, single points of failure and fatal pairs."""


@dataclass(frozen=True)
class Cycles(traverse.Cycles, Stamp):
    """Circular dependencies, and the mutual exchanges that are not."""


class Findings(Model):
    revision: Revision
    stale: Stale
    document: str
    items: list[Finding]


# ------------------------------------------------------------------------------------------------ scenarios


class _EdgeRef(Model):
    source: Name
    target: Name
    type: RelType


class RemoveEdge(_EdgeRef):
    op: Literal["remove_edge"]


class AddEdge(Model):
    op: Literal["add_edge"]
    source: Name
    target: Name
    type: RelType = RelType.USES
    strength: Strength = Strength.HARD
    alt_group: Annotated[str, StringConstraints(max_length=100)] | None = None
    scope: list[Name] = Field(default_factory=list, max_length=50)
    evidence: Annotated[str, StringConstraints(max_length=1000)] = "What-if: added in a scenario."
    confidence: Confidence = Confidence.CURATED


class SetStrength(_EdgeRef):
    op: Literal["set_strength"]
    strength: Strength


class SetAltGroup(_EdgeRef):
    op: Literal["set_alt_group"]
    alt_group: Annotated[str, StringConstraints(max_length=100)] | None


EditIn = Annotated[RemoveEdge | AddEdge | SetStrength | SetAltGroup, Field(discriminator="op")]


class ScenarioRequest(Model):
    """Nodes down together, and edits to the graph; names are resolved like every other parameter."""

    down: list[Name] = Field(min_length=1, max_length=MAX_DOWN)
    edits: list[EditIn] = Field(default_factory=list, max_length=MAX_EDITS)
    min_confidence: Confidence = DEFAULT_CONFIDENCE

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "down": ["Helsenorge", "post"],
                    "edits": [
                        {
                            "op": "remove_edge",
                            "source": "Frikort brevmodul",
                            "target": "elektronisk postkasse",
                            "type": "DELIVERS_VIA",
                        }
                    ],
                    "min_confidence": "inferred",
                }
            ]
        }
    )


class ScenarioResult(Model):
    revision: Revision
    stale: Stale
    down: list[str]
    edits: list[EditIn] = Field(description="The edits as applied, with names resolved to ids.")
    before: ImpactPage
    after: ImpactPage
    diff: StateChanges


# ------------------------------------------------------------------------------------------------ operations


class Reloaded(Model):
    revision: Revision
    nodes: int
    edges: int
    changed: bool = Field(description="False when the store already held this revision.")


class Health(Model):
    status: Literal["ok"] = "ok"


class Ready(Model):
    status: Literal["ready"] = "ready"
    store: str = Field(examples=["memory"])
    revision: Revision
    nodes: int
    edges: int


# ------------------------------------------------------------------------------------------------ drawing


@dataclass(frozen=True)
class GraphDrawing(GraphView, Stamp):
    """The whole graph laid out left to right in the dependency direction (for the web explorer)."""


# ------------------------------------------------------------------------------------------------ errors


class FieldError(Model):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details; ``suggestions`` for unknown names, ``candidates`` for ambiguous ones."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:eagraph:problem:node-not-found",
                    "title": "No such node",
                    "status": 404,
                    "detail": "no node matches 'hintt'; did you mean: hint?",
                    "instance": "/api/v1/nodes/hintt",
                    "suggestions": ["hint"],
                }
            ]
        }
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    suggestions: list[str] | None = None
    candidates: list[str] | None = None
    errors: list[FieldError] | None = None


# ------------------------------------------------------------------------------------------------ curation

DecisionOp = Literal[
    "nodes.add", "nodes.update", "nodes.remove", "nodes.merge",
    "edges.add", "edges.update", "edges.remove", "edges.accept",
    "findings.dismiss", "entries.rename",
]  # fmt: skip


class DecisionRequest(Model):
    """One overlay operation: ``op`` and its ``item`` (the fields of an overlay item, names or ids), with
    the reason the decision is made."""

    op: DecisionOp = Field(examples=["edges.remove"])
    item: dict[str, str | int | list[str] | None] = Field(
        examples=[{"source": "praksisinfo", "target": "hint", "type": "INTEGRATES_VIA"}]
    )
    reason: str = Field(
        min_length=1, max_length=2000, examples=["Praksisinfo has no integrations (architect)."]
    )


class RevertRequest(Model):
    reason: str = Field(min_length=1, max_length=2000)


class DecisionOut(Model):
    id: str
    seq: int
    op: str
    item: dict[str, Any]
    author: str
    at: str
    reason: str
    reverts: str | None
    active: bool = Field(description="In force: not undone by a revert.")


class Decisions(Model):
    revision: Revision
    stale: Stale
    items: list[DecisionOut]


class Decided(Model):
    decision: DecisionOut
    revision: str = Field(description="The revision the decision made; reads answer from it once built.")


class ReviewItem(Model):
    kind: Literal["inferred-edge", "finding"]
    code: str
    message: str
    nodes: list[str]
    edge: dict[str, str] | None
    evidence: dict[str, str | int | None]
    blast_radius: int = Field(description="Nodes that depend, directly or not, on the nodes involved.")
    settle: list[dict[str, Any]] = Field(description="Decisions that would settle it (op and item).")


class ReviewQueue(Model):
    revision: Revision
    stale: Stale
    total: int
    items: list[ReviewItem]


# ------------------------------------------------------------------------------------------------ history


class RevisionOut(Model):
    revision: str
    loaded_at: str = Field(description="When it was made (ISO 8601).")
    made_by: str = Field(description="A load (of which document) or the decisions (by whom) that made it.")
    nodes: int
    edges: int
    current: bool


class Revisions(Model):
    revision: Revision
    stale: Stale
    items: list[RevisionOut]


@dataclass(frozen=True)
class DiffResult(RevisionDiff, Stamp):
    """What changed from revision ``from`` to ``to`` (see ``graph.diff``): nodes, edges and findings, and the
    impact delta (blast radius before and after, single points of failure and fatal pairs new and gone)."""
