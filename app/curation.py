"""Curation over HTTP: the review queue, decisions (signed, reasoned, append-only) and their history.

Routes stay thin: names are resolved against the current snapshot, the decision itself is made by
:mod:`loaders.curation` as a store change (one new revision, under the store's writer lock), and its errors
(:class:`~loaders.curation.CurationError`) become problem+json once, in :mod:`app.errors`.
"""

from __future__ import annotations

from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, Query

from app import schemas
from app.api import CurrentSnap, Service, Snap, require_json
from app.auth import CuratorCaller
from app.errors import problem_responses
from app.service import Snapshot
from graph.store import Decision
from loaders import curation

__all__ = ["curation_routes", "review_queue"]

curation_routes = APIRouter(
    prefix="/api/v1",
    tags=["curation"],
    responses=problem_responses(404, 422, 500, 503),  # 404: a revision= not kept
)

_NAMED = ("id", "into", "source", "target")  # item fields that name one node
_LISTED = ("scope", "nodes")  # item fields that name several


def _resolved(snap: Snapshot, op: str, item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with the nodes it names as ids (a new node's id is its own)."""
    out = dict(item)
    for key in _NAMED:
        if key in out and not (op == "nodes.add" and key == "id"):
            out[key] = snap.resolve(str(out[key]))
    for key in _LISTED:
        if isinstance(out.get(key), list):
            out[key] = list(snap.resolve_all([str(x) for x in out[key]]))
    return out


def _row(d: Decision, in_force: set[str]) -> schemas.DecisionOut:
    return schemas.DecisionOut(**d.to_dict(), active=d.id in in_force)


@curation_routes.get("/decisions", summary="Every decision, in order, and whether each is in force")
def list_decisions(service: Service, snap: Snap) -> schemas.Decisions:
    decisions = service.store.decisions()
    in_force = curation.in_force(decisions)
    return schemas.Decisions(**snap.stamp, items=[_row(d, in_force) for d in decisions])


@curation_routes.post(
    "/decisions",
    status_code=201,
    summary="Make a decision: one overlay operation with a reason, signed by the key's name",
    dependencies=[Depends(require_json)],
    responses=problem_responses(400, 401, 403, 404, 409, 415),
)
def post_decision(
    caller: CuratorCaller, service: Service, snap: CurrentSnap, body: schemas.DecisionRequest
) -> schemas.Decided:
    item = _resolved(snap, body.op, body.item)
    author = caller.name
    made: list[Decision] = []

    def make(seq: int) -> Decision:
        made.append(curation.decision(seq, body.op, item, author, body.reason))
        return made[-1]

    curation.decision(0, body.op, item, author, body.reason)  # its shape, before the store is asked (422)
    result = service.decide(curation.decide(make, service.read_current))
    return schemas.Decided(decision=_row(made[-1], {made[-1].id}), revision=result.revision)


@curation_routes.post(
    "/decisions/{decision_id}/revert",
    status_code=201,
    summary="Undo a decision (a new decision; reverting a revert redoes)",
    dependencies=[Depends(require_json)],
    responses=problem_responses(400, 401, 403, 404, 409, 415),
)
def post_revert(
    caller: CuratorCaller, service: Service, decision_id: str, body: schemas.RevertRequest
) -> schemas.Decided:
    made: list[Decision] = []
    target = next((d for d in service.store.decisions() if d.id == decision_id), None)
    if target is None:
        raise curation.CurationError(f"no decision {decision_id!r}", 404)

    def make(seq: int) -> Decision:
        made.append(curation.revert_of(seq, target, caller.name, body.reason))
        return made[-1]

    result = service.decide(curation.decide(make, service.read_current))
    return schemas.Decided(decision=_row(made[-1], {made[-1].id}), revision=result.revision)


@curation_routes.get(
    "/history",
    summary="The decisions about one node, or one edge, in order",
    responses=problem_responses(400, 404),
)
def get_history(
    service: Service,
    snap: Snap,
    node: Annotated[
        str | None, Query(max_length=200, description="A node: every decision naming it.")
    ] = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    target: Annotated[str | None, Query(max_length=200)] = None,
) -> schemas.Decisions:
    names = {snap.resolve(n) for n in (node, source, target) if n}
    decisions = service.store.decisions()
    in_force = curation.in_force(decisions)
    about = {d.id for d in decisions if names <= _named(d)}
    reverts = {d.id for d in decisions if d.op == "revert" and d.reverts in about}
    return schemas.Decisions(
        **snap.stamp, items=[_row(d, in_force) for d in decisions if d.id in about | reverts]
    )


def _named(d: Decision) -> set[str]:
    out = {str(d.item[k]) for k in _NAMED if k in d.item}
    for key in _LISTED:
        out |= {str(x) for x in d.item.get(key) or ()}
    return out


# ------------------------------------------------------------------------------------------- the queue

_FINDING_ORDER = {
    "possible-same": 0,
    "name-boundary-uncertain": 1,
    "stale-decision": 2,
    "new-outside-name": 3,
}


def _blast(G: nx.MultiDiGraph) -> dict[str, int]:
    """How many nodes depend, directly or not, on each node (over every edge, inferred ones too)."""
    return {n: len(nx.ancestors(G, n)) for n in G}


def review_queue(snap: Snapshot) -> list[dict[str, Any]]:
    """Everything a person should look at, the largest blast radius first: inferred edges, then findings
    (possible-same, name-boundary-uncertain, stale decisions, new outside names, the rest); each with its
    evidence and the decisions that would settle it."""
    blast: dict[str, int] = snap._once(("review", "blast"), lambda: _blast(snap.graph))
    items: list[dict[str, Any]] = []
    for e in snap.portfolio.edges:
        if e.confidence.value != "inferred":
            continue
        ref = {"source": e.source, "target": e.target, "type": e.type.value}
        items.append(
            {
                "kind": "inferred-edge",
                "code": "inferred-edge",
                "message": f"{e.source} -{e.type.value}-> {e.target} is inferred ({e.rule or 'a rule'})",
                "nodes": [e.source, e.target],
                "edge": ref,
                "evidence": {"text": e.evidence, "document": e.document, "page": e.page, "line": e.line},
                "blast_radius": max(blast.get(e.source, 0), blast.get(e.target, 0)),
                "settle": [{"op": "edges.accept", "item": ref}, {"op": "edges.remove", "item": ref}],
                "rank": 0,
            }
        )
    for f in snap.portfolio.findings:
        nodes = [n for n in f.nodes if n in blast]
        settle: list[dict[str, Any]] = [{"op": "findings.dismiss", "item": {"code": f.code, "nodes": nodes}}]
        if f.code == "possible-same" and len(nodes) >= 2:
            settle.insert(0, {"op": "nodes.merge", "item": {"id": nodes[0], "into": nodes[1]}})
        items.append(
            {
                "kind": "finding",
                "code": f.code,
                "message": f.message,
                "nodes": nodes,
                "edge": None,
                "evidence": {
                    "text": f.message,
                    "document": snap.portfolio.document,
                    "page": None,
                    "line": f.line,
                },
                "blast_radius": max((blast[n] for n in nodes), default=0),
                "settle": settle,
                "rank": 1 + _FINDING_ORDER.get(f.code, len(_FINDING_ORDER)),
            }
        )
    items.sort(key=lambda i: (-i["blast_radius"], i["rank"], i["message"]))
    for i in items:
        del i["rank"]
    return items


@curation_routes.get(
    "/review",
    summary="The review queue: inferred edges and findings, the largest blast radius first",
)
def get_review(
    snap: Snap,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> schemas.ReviewQueue:
    items = review_queue(snap)
    return schemas.ReviewQueue(
        **snap.stamp,
        total=len(items),
        items=[schemas.ReviewItem.model_validate(i) for i in items[offset : offset + limit]],
    )
