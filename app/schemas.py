"""The API contract: request and response models. Response shapes are those of the CLI's ``--json``, plus the
graph ``revision`` they were computed on."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from graph.model import DEFAULT_CONFIDENCE, Confidence, NodeKind, RelType, Strength
from graph.names import MAX_QUERY_LENGTH

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


# ------------------------------------------------------------------------------------------------ evidence


class Hop(Model):
    """One dependency edge as evidence: ``source`` depends on ``target`` because of ``evidence``."""

    source: str
    target: str
    type: str = Field(examples=["INTEGRATES_VIA"])
    evidence: str = Field(description="The sentence the edge was read from (or the overlay's reason).")
    confidence: Confidence
    strength: Strength
    line: int | None = Field(description="The line the sentence starts on.")
    document: str | None
    alt_group: str | None = Field(description="Edges of one source sharing it are alternatives.")
    scope: list[str] = Field(description="Actor ids whose access goes through this edge.")
    also: list[str] = Field(description="Other relation types between the same two nodes.")
    mode: Literal["live", "message", "batch"] | None = Field(
        description="How the source's need is met; a batch flow lost delays the source rather than downs it."
    )
    tolerance: str | None = Field(description="How long the source can wait for a batch flow, when known.")
    page: int | None = Field(
        None, description="The PDF page the sentence is on; ``line`` is then on that page."
    )


class EvidencePath(Model):
    path: list[str] = Field(description="Node ids; each depends on the next.")
    edge_types: list[str]
    evidence: list[str]
    hops: list[Hop]


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


class Reached(Model):
    id: str
    name: str
    kind: str
    distance: int
    direct: bool
    via: Hop


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


class Reach(Model):
    revision: Revision
    stale: Stale
    node: str
    direction: Literal["dependencies", "dependents"]
    depth: int | None
    min_confidence: Confidence
    direct: list[str]
    items: list[Reached]


# ------------------------------------------------------------------------------------------------ impact


class ImpactedNode(Model):
    id: str
    name: str
    kind: str
    state: StateName
    distance: int = Field(description="Hops from the nearest failed node.")
    path: list[str] = Field(description="The explanation: this node first, a failed node last.")
    edge_types: list[str]
    evidence: list[str]
    hops: list[Hop]
    curated_path: EvidencePath | None = Field(
        description="When `path` rests on an inferred edge but the node is impacted without one too."
    )
    inferred: bool = Field(description="Impacted only thanks to inferred edges.")
    causes: list[str]
    down_for: list[str]
    degraded_for: list[str]
    degraded_by: list[str]
    documents: list[str] = Field(
        description="The documents the explanation's evidence comes from, in path order; more than one: the "
        "explanation crosses from one source's portfolio to another's."
    )


class Loss(Model):
    """A system an actor uses that is in trouble for it, and what the actor uses it for."""

    id: str
    name: str
    state: StateName = Field(description="down: the actor cannot use it; degraded: with less; delayed: late.")
    capabilities: list[str] = Field(
        description='What the document says the actor uses it for ("se og vedlikeholde praksisinformasjon").'
    )


class ActorImpact(Model):
    """An actor that loses something. An organisation has no state of its own: it loses capabilities."""

    id: str
    name: str
    loses: list[Loss]


class ByState(Model):
    down: int
    degraded: int
    delayed: int


class ShortestRto(Model):
    id: str
    name: str
    hours: float


class RiskSummary(Model):
    by_criticality: dict[str, ByState] = Field(description="Impacted systems per criticality class.")
    shortest_rto: ShortestRto | None = Field(
        description="The shortest recovery time objective among the down or degraded systems."
    )
    text: str | None = Field(description="“3 class-A systems degraded; shortest RTO 4 h (Kassa)”.")


class ImpactSummary(Model):
    failed: int
    impacted: int
    by_state: ByState
    by_kind: dict[str, ByState]
    inferred: int
    possible: int = Field(
        description="Nodes only inferred edges would put in trouble (listed in `possible`)."
    )
    actors: int
    risk: RiskSummary | None = Field(
        None, description="Impacted systems per criticality class and the shortest RTO (when any is set)."
    )


class ImpactBody(Model):
    down: list[str]
    min_confidence: Confidence
    total: int = Field(description="How many nodes are impacted; `impacted` is the page from `offset`.")
    offset: int = Field(description="The position of the first entry of `impacted` in the whole answer.")
    limit: int | None = Field(
        description="At most this many entries in `impacted` (and in `actors`); null: all of them."
    )
    impacted: list[ImpactedNode] = Field(description="Ordered by distance, then id.")
    summary: ImpactSummary = Field(description="Counts over the whole answer, not only the page.")
    actors: list[ActorImpact] = Field(description="Who loses what; actors are never impacted nodes.")
    possible: list[ImpactedNode] = Field(
        description="At the default confidence: nodes only inferred edges (a rule's guesses) would put in "
        "trouble, explained; not counted in `summary.by_state` until an architect signs the edges off."
    )


class ImpactResult(ImpactBody):
    """What ``eagraph impact --json`` prints, plus the revision."""

    revision: Revision
    stale: Stale

    model_config = ConfigDict(
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
        }
    )


class Paths(Model):
    revision: Revision
    stale: Stale
    source: str
    target: str
    direction: Literal["forward", "reverse", "none"] = Field(
        description="forward: source depends on target; reverse: only target depends on source."
    )
    length: int | None
    message: str
    paths: list[EvidencePath]
    truncated: bool


# ------------------------------------------------------------------------------------------------ analysis


class NodeCriticality(Model):
    id: str
    name: str
    kind: str
    blast_radius: int
    down: int
    degraded: int
    delayed: int
    single_points_of_failure: list[str] = Field(
        description="Nodes whose failure alone takes this one down (exact: from single-failure impact runs)."
    )
    dominators: list[str] = Field(
        description="Nearest first: every chain of required dependencies from this node passes through them."
    )
    dominates: int = Field(
        description="How many nodes this one dominates: each of them has no way to work that avoids it."
    )
    betweenness: float = Field(
        description="Share of shortest dependency chains between other nodes that pass through this one; "
        "near 0 everywhere on a shallow portfolio, where it says nothing."
    )
    by_criticality: dict[str, int] = Field(
        description="Systems it takes down or degrades, per criticality class (when classes are set)."
    )
    shortest_rto_hours: float | None = Field(
        description="The shortest RTO among the systems it takes down or degrades."
    )


class PairFailure(Model):
    pair: list[str]
    breaks: list[str]


class Criticality(Model):
    revision: Revision
    stale: Stale
    min_confidence: Confidence
    nodes: list[NodeCriticality]
    pairs: list[PairFailure]
    pairs_checked: int
    pairs_truncated: bool


class Cycle(Model):
    nodes: list[str]
    length: int
    edges: list[Hop]


class Cycles(Model):
    revision: Revision
    stale: Stale
    cycles: list[Cycle]
    truncated: bool
    mutual: list[list[str]] = Field(
        description="Pairs that exchange data both ways: a mutual exchange, not a circular dependency."
    )


class Finding(Model):
    code: str = Field(examples=["misspelt-name"])
    message: str
    nodes: list[str]
    line: int | None


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


class Change(Model):
    id: str
    name: str
    before: Literal["ok", "down", "degraded"]
    after: Literal["ok", "down", "degraded"]


class BlastRadius(Model):
    before: int
    after: int
    delta: int


class Diff(Model):
    blast_radius: BlastRadius
    changed: list[Change]
    better: list[str]
    worse: list[str]


class ScenarioResult(Model):
    revision: Revision
    stale: Stale
    down: list[str]
    edits: list[EditIn] = Field(description="The edits as applied, with names resolved to ids.")
    before: ImpactBody
    after: ImpactBody
    diff: Diff


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


class Point(Model):
    x: float
    y: float


class LaidNode(Model):
    id: str
    name: str
    label: str = Field(description="The short name, cut to fit its box.")
    kind: NodeKind
    column: int
    x: float
    y: float
    width: float
    height: float
    sources: list[str] = Field(default_factory=list, description="The sources that describe or mention it.")


class LaidEdge(Model):
    source: str
    target: str
    types: list[str]
    confidence: Confidence
    strength: Strength
    points: list[Point]
    back: bool = Field(description="Drawn against the flow: the edge closes a cycle.")


class GraphDrawing(Model):
    """The whole graph laid out left to right in the dependency direction (for the web explorer)."""

    revision: Revision
    stale: Stale
    width: float
    height: float
    nodes: list[LaidNode]
    edges: list[LaidEdge]


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


class DiffResult(Model):
    """What changed from revision ``from`` to ``to`` (see ``graph.diff``): nodes, edges and findings, and the
    impact delta (blast radius before and after, single points of failure and fatal pairs new and gone)."""

    model_config = ConfigDict(extra="allow")

    revision: Revision
    stale: Stale
