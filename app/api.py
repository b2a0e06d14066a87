"""Routes under ``/api/v1``: thin, sync (networkx and the sync driver block; FastAPI runs them in its
threadpool), typed by :mod:`app.schemas`. Names in paths, queries and bodies are resolved by the snapshot's
:class:`~graph.names.Resolver`; domain errors propagate to :mod:`app.errors`.

Every parameter is bounded — integers by ``le``, names by length and :data:`NAME_PATTERN` — so whatever a
client sends is an answer or a 422, never a 500. The reload route is the one coroutine: it waits for the
reload thread without holding a thread of the pool the other routes run on."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.exceptions import HTTPException

from app import schemas
from app.auth import Role, require_role
from app.errors import problem_responses
from app.service import GraphService, Snapshot
from graph.analysis import dependencies, dependents, edit_from_dict, paths, scenario
from graph.diff import diff as graph_diff
from graph.exports import FORMATS
from graph.model import DEFAULT_CONFIDENCE, Confidence, NodeKind
from graph.names import MAX_QUERY_LENGTH

__all__ = ["NAME_PATTERN", "admin", "probes", "reads", "require_json"]


# ------------------------------------------------------------------------------------ dependencies, once


def get_service(request: Request) -> GraphService:
    service: GraphService = request.app.state.service
    return service


def get_snapshot(
    service: Annotated[GraphService, Depends(get_service)],
    response: Response,
    revision: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9a-f]{12}$",
            description="Answer as of this kept revision (see /revisions); default: the current one.",
        ),
    ] = None,
) -> Snapshot:
    snap = service.snapshot(revision)
    response.headers.update(_answer_headers(snap, service.latest_revision))
    return snap


def get_current_snapshot(
    service: Annotated[GraphService, Depends(get_service)], response: Response
) -> Snapshot:
    """The current revision's snapshot, for writes (a decision is made on the graph as it is now)."""
    snap = service.snapshot()
    response.headers.update(_answer_headers(snap, service.latest_revision))
    return snap


def _answer_headers(snap: Snapshot, latest: str | None = None) -> dict[str, str]:
    """The revision an answer was computed on, whether it is stale (the store does not answer), and the
    store's newer revision while that one is still being built."""
    headers = {"X-Eagraph-Revision": snap.revision, "X-Eagraph-Stale": "true" if snap.stale else "false"}
    if latest is not None and latest != snap.revision:
        headers["X-Eagraph-Latest-Revision"] = latest
    return headers


Service = Annotated[GraphService, Depends(get_service)]
Snap = Annotated[Snapshot, Depends(get_snapshot)]
CurrentSnap = Annotated[Snapshot, Depends(get_current_snapshot)]


def require_json(request: Request) -> None:
    """A body is read as JSON only when it says it is: ``Content-Type: application/json`` (parameters such as
    ``charset`` allowed). Anything else — no type, ``text/plain``, a form, which a page on another site can
    post without a CORS preflight — is a 415."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(415, "the request body must be sent as Content-Type: application/json")


# ------------------------------------------------------------------------------------ parameters, once

# What a name may not contain: control characters (NUL, ESC, CR and LF …), zero-width characters (U+200B–
# U+200D, U+2060, U+FEFF) and bidirectional embeddings, overrides and isolates. Folding would drop them and
# answer for another name than the one sent, so a name with one is a 422. (Direction marks, U+200E and
# U+200F, are text like any other, as in a document: loaders.checks.)
NAME_PATTERN = schemas.NAME_PATTERN


def _name_examples(*values: str) -> dict[str, Any]:
    return {v: {"summary": v, "value": v} for v in values}


NodeRef = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        pattern=NAME_PATTERN,
        description="A node id, name, alias or abbreviation (case and æ/ø/å folded).",
        openapi_examples=_name_examples("hint", "DIP", "tjenesteportalen"),
    ),
]
MinConfidence = Annotated[
    Confidence,
    Query(description="Ignore edges less certain than this (stated > curated > inferred)."),
]
Depth = Annotated[
    int | None, Query(ge=1, le=100, description="Stop after this many hops (default: no limit).")
]
Down = Annotated[
    list[Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, pattern=NAME_PATTERN)]],
    Query(
        min_length=1,
        max_length=schemas.MAX_DOWN,
        description=f"What is down: ids, names or aliases; repeat for several (at most {schemas.MAX_DOWN}).",
        openapi_examples={
            "hint": {"summary": "hINT down", "value": ["hINT"]},
            "letters": {"summary": "Helsenorge and post down", "value": ["Helsenorge", "post"]},
        },
    ),
]
NameQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        pattern=NAME_PATTERN,
        description="A node id, name, alias or abbreviation.",
    ),
]

_READ = problem_responses(404, 422, 500, 503)  # 404: a revision= not kept
DEFAULT_IMPACT_LIMIT = 1000
MAX_IMPACT_LIMIT = 100_000
MAX_IMPACT_OFFSET = 10_000_000  # past every node of any portfolio; far below what JSON numbers carry


# ------------------------------------------------------------------------------------ reads

reads = APIRouter(prefix="/api/v1", responses=_READ)


@reads.get(
    "/nodes",
    summary="List and search nodes",
    description="Filter by kind (a node's labels: integrations are systems too); `q` searches ids, names, "
    "aliases and abbreviations, folded like every name, best match first. Paged by `limit` and `offset`.",
    responses=problem_responses(400),
    tags=["nodes"],
)
def list_nodes(
    snap: Snap,
    kind: Annotated[NodeKind | None, Query(description="Only nodes with this label.")] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            pattern=NAME_PATTERN,
            description="Search text.",
            openapi_examples=_name_examples("hint", "portal", "elsa"),
        ),
    ] = None,
    source: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
            description="Only nodes this source (an id of `/sources`) describes or mentions.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> schemas.NodePage:
    found = snap.find(kind=kind, q=q, source=source)
    items = [schemas.NodeSummary.model_validate(snap.node(n, summary=True)) for n in found[offset:][:limit]]
    return schemas.NodePage(**snap.stamp, total=len(found), limit=limit, offset=offset, items=items)


@reads.get(
    "/sources",
    summary="The sources the graph was made of",
    description="Each source (a document of one organisation): its id, document, organisation, the SHA-256 "
    "of its file, how many nodes and edges it describes or mentions, and the revision that loaded it and "
    "when (for sources loaded one by one with `eagraph load FILE…`).",
    tags=["sources"],
)
def list_sources(snap: Snap, service: Service) -> schemas.Sources:
    items = [schemas.SourceInfo.model_validate(s) for s in snap.sources(service.loaded_sources())]
    return schemas.Sources(**snap.stamp, items=items)


@reads.get(
    "/revisions",
    summary="The revisions kept, the most recent first",
    description="Each revision: its id, when and by what it was made (a load of which document, or which "
    "decisions by whom), its node and edge counts. Any read takes `revision=` to answer as of one of them.",
    tags=["history"],
)
def list_revisions(snap: Snap, service: Service) -> schemas.Revisions:
    items = [schemas.RevisionOut(**r.to_dict()) for r in service.revisions()]
    return schemas.Revisions(**snap.stamp, items=items)


_REVISION_ID = Query(pattern=r"^[0-9a-f]{12}$", description="A kept revision (see /revisions).")


@reads.get(
    "/diff",
    summary="What changed between two revisions, and what it did to the blast radius",
    description="Nodes, edges and findings added, removed and changed (each changed field with both values, "
    "both sides' evidence), and the impact delta: blast radius before and after per node (largest change "
    "first), single points of failure and fatal pairs new and gone. `to` defaults to the current revision.",
    responses=problem_responses(404),
    tags=["history"],
)
def get_diff(
    service: Service,
    snap: Snap,
    from_: Annotated[
        str, Query(alias="from", pattern=r"^[0-9a-f]{12}$", description="The earlier revision.")
    ],
    to: Annotated[str | None, _REVISION_ID] = None,
    min_confidence: MinConfidence = DEFAULT_CONFIDENCE,
) -> schemas.DiffResult:
    before = service.snapshot(from_).portfolio
    after = service.snapshot(to).portfolio if to else snap.portfolio
    return schemas.stamped(
        schemas.DiffResult, graph_diff(before, after, min_confidence=min_confidence), snap.stamp
    )


@reads.get(
    "/nodes/{ref}",
    summary="One node, with its direct dependencies and dependents",
    responses=problem_responses(400, 404),
    tags=["nodes"],
)
def get_node(snap: Snap, ref: NodeRef) -> schemas.NodeDetail:
    return schemas.NodeDetail.model_validate({**snap.node(snap.resolve(ref)), **snap.stamp})


@reads.get(
    "/nodes/{ref}/dependencies",
    summary="What a node depends on, directly and transitively",
    responses=problem_responses(400, 404),
    tags=["nodes"],
)
def get_dependencies(
    snap: Snap, ref: NodeRef, depth: Depth = None, min_confidence: MinConfidence = DEFAULT_CONFIDENCE
) -> schemas.Reach:
    reach = dependencies(snap.graph, snap.resolve(ref), depth=depth, min_confidence=min_confidence)
    return schemas.stamped(schemas.Reach, reach, snap.stamp)


@reads.get(
    "/nodes/{ref}/dependents",
    summary="What depends on a node, directly and transitively",
    responses=problem_responses(400, 404),
    tags=["nodes"],
)
def get_dependents(
    snap: Snap, ref: NodeRef, depth: Depth = None, min_confidence: MinConfidence = DEFAULT_CONFIDENCE
) -> schemas.Reach:
    reach = dependents(snap.graph, snap.resolve(ref), depth=depth, min_confidence=min_confidence)
    return schemas.stamped(schemas.Reach, reach, snap.stamp)


@reads.get(
    "/impact",
    summary="What breaks when these are down",
    description="Each impacted node with its state (down or degraded), distance, the failed nodes it traces "
    "to and the explanation path with every hop's evidence sentence; the actors who notice. The same JSON as "
    "`eagraph impact --json`, plus the graph revision. A large answer comes a page at a time: `total` "
    "impacted nodes, `impacted` from `offset`, at most `limit` of them (and of `actors`); `summary` counts "
    "them all. Answers are computed once per graph revision.",
    response_model=schemas.ImpactResult,
    responses={200: {"content": {"application/json": {}}}, **problem_responses(400, 404)},
    tags=["analysis"],
)
def get_impact(
    service: Service,
    snap: Snap,
    down: Down,
    min_confidence: MinConfidence = DEFAULT_CONFIDENCE,
    limit: Annotated[
        int, Query(ge=1, le=MAX_IMPACT_LIMIT, description="At most this many impacted nodes (and actors).")
    ] = DEFAULT_IMPACT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=MAX_IMPACT_OFFSET, description="Skip this many impacted nodes.")
    ] = 0,
) -> Response:
    # The page is rendered once per revision and question (the bytes are cached on the snapshot), so it
    # goes out as it is rather than through the response model again.
    body = snap.impact_page(down, min_confidence.value, offset, limit)
    return Response(
        body, media_type="application/json", headers=_answer_headers(snap, service.latest_revision)
    )


@reads.get(
    "/paths",
    summary="How one node depends on another: every shortest path, with evidence",
    description="When `from` does not depend on `to` but `to` depends on `from`, the paths run the other way "
    "(`direction: reverse`).",
    responses=problem_responses(400, 404),
    tags=["analysis"],
)
def get_paths(
    snap: Snap,
    source: Annotated[
        str,
        Query(
            alias="from",
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            pattern=NAME_PATTERN,
            description="The dependent node.",
            openapi_examples=_name_examples("Praksisinfo", "DIP"),
        ),
    ],
    target: Annotated[
        str,
        Query(
            alias="to",
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            pattern=NAME_PATTERN,
            description="The dependency.",
            openapi_examples=_name_examples("HelseID", "hINT"),
        ),
    ],
    min_confidence: MinConfidence = DEFAULT_CONFIDENCE,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many paths.")] = 10,
) -> schemas.Paths:
    found = paths(
        snap.graph, snap.resolve(source), snap.resolve(target), limit=limit, min_confidence=min_confidence
    )
    return schemas.stamped(schemas.Paths, found, snap.stamp)


@reads.get(
    "/analysis/critical",
    summary="Critical components: blast radius, single points of failure, fatal pairs",
    tags=["analysis"],
)
def get_critical(snap: Snap, min_confidence: MinConfidence = DEFAULT_CONFIDENCE) -> schemas.Criticality:
    result = snap.critical(min_confidence.value)
    return schemas.stamped(schemas.Criticality, result, snap.stamp)


@reads.get("/analysis/cycles", summary="Circular dependencies", tags=["analysis"])
def get_cycles(snap: Snap, min_confidence: MinConfidence = DEFAULT_CONFIDENCE) -> schemas.Cycles:
    result = snap.cycles(min_confidence.value)
    return schemas.stamped(schemas.Cycles, result, snap.stamp)


@reads.get("/findings", summary="Data-quality findings about the document", tags=["analysis"])
def get_findings(snap: Snap) -> schemas.Findings:
    return schemas.Findings(
        **snap.stamp, document=snap.portfolio.document, items=list(snap.portfolio.findings)
    )


@reads.post(
    "/scenarios",
    summary="What-if: impact before and after edits to the graph",
    description="Fail `down` together on the graph as it is and as it would be after `edits` (remove an "
    "edge, add one — an alternative when it shares an `alt_group` —, change a strength or an alt group). Edge "
    "endpoints are names, resolved like every other name.",
    responses=problem_responses(400, 404, 413, 415),
    dependencies=[Depends(require_json)],
    tags=["analysis"],
)
def post_scenario(snap: Snap, body: schemas.ScenarioRequest) -> schemas.ScenarioResult:
    edits = [edit_from_dict(snap.resolve_edit(e.model_dump(mode="json"))) for e in body.edits]
    result = scenario(snap.graph, snap.resolve_all(body.down), edits, min_confidence=body.min_confidence)
    before, after = result.before.page(), result.after.page()
    edited = [e.to_dict() for e in result.edits]
    return schemas.ScenarioResult.model_validate(
        {
            **snap.stamp,
            "down": result.down,
            "edits": edited,
            "before": before,
            "after": after,
            "diff": result.diff(),
        }
    )


@reads.get(
    "/graph",
    summary="The whole graph, laid out left to right in the dependency direction",
    description="Positions computed once per revision (a layered layout), for the web explorer at `/`.",
    tags=["explorer"],
)
def get_graph(snap: Snap) -> schemas.GraphDrawing:
    return schemas.stamped(schemas.GraphDrawing, snap.drawing, snap.stamp)


# A node-link document is an object and a Backstage catalog a stream of YAML documents; the rest is text.
_EXPORT_SCHEMAS: dict[str, dict[str, Any]] = {
    "application/json": {"type": "object"},
    "application/yaml": {"type": "array"},
}
ExportName = StrEnum("ExportName", {f.replace("-", "_"): f for f in FORMATS})  # type: ignore[misc]


@reads.get(
    "/export/{fmt}",
    summary="The graph in an interchange format: ArchiMate, Backstage, GraphML, Mermaid, Cypher …",
    description="The same files as `eagraph export --format FMT`: "
    + "; ".join(f"`{f.name}`: {f.description}" for f in FORMATS.values()),
    response_class=Response,
    responses={
        200: {
            "description": "The export, as a file.",
            "content": {
                m: {"schema": _EXPORT_SCHEMAS.get(m, {"type": "string"})}
                for m in sorted({f.media_type for f in FORMATS.values()})
            },
        },
        **problem_responses(400),
    },
    tags=["interchange"],
)
def get_export(
    service: Service, snap: Snap, fmt: Annotated[ExportName, Path(description="An export format.")]
) -> Response:
    name = fmt.value
    media_type, text = snap.export(name)
    filename = f"eagraph-{snap.revision}{FORMATS[name].extension}"
    headers = {
        "Content-Disposition": f'inline; filename="{filename}"',
        **_answer_headers(snap, service.latest_revision),
    }
    return Response(text, media_type=media_type, headers=headers)


# ------------------------------------------------------------------------------------ admin

admin = APIRouter(
    prefix="/api/v1/admin",
    dependencies=[Depends(require_role(Role.ADMIN))],
    responses=problem_responses(401, 403, 500, 503),
    tags=["admin"],
)


@admin.post(
    "/reload",
    summary="Parse the portfolio again and load it into the store",
    description="Requires an `admin` key in `X-API-Key`. A document that fails to parse leaves the loaded "
    "revision in place. One reload runs at a time: reloads asked for while one runs share the next one and all "
    "get its answer. "
    "A reload that has not finished within `EAGRAPH_RELOAD_TIMEOUT` seconds (300) is a 503 "
    "`urn:eagraph:problem:reload-timeout`.",
)
async def post_reload(service: Service) -> schemas.Reloaded:
    result = await service.reload()
    return schemas.Reloaded(
        revision=result.revision, nodes=result.nodes, edges=result.edges, changed=result.changed
    )


# ------------------------------------------------------------------------------------ probes

probes = APIRouter(prefix="/api/v1", tags=["operations"])


@probes.get("/health", summary="The process is alive (touches nothing else)")
def get_health() -> schemas.Health:
    return schemas.Health()


@probes.get(
    "/ready",
    summary="The store answers: its revision and size",
    responses=problem_responses(500, 503),
)
def get_ready(service: Service) -> schemas.Ready:
    store, revision, nodes, edges = service.readiness()
    return schemas.Ready(store=store, revision=revision, nodes=nodes, edges=edges)
