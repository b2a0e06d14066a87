"""Small literal graphs for the analysis tests, built through the real model (Portfolio -> to_networkx)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import replace

import networkx as nx

from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength, to_networkx

ACTOR, SYSTEM, EXTERNAL = NodeKind.ACTOR, NodeKind.SYSTEM, NodeKind.EXTERNAL
HARD, SOFT = Strength.HARD, Strength.SOFT
STATED, CURATED, INFERRED = Confidence.STATED, Confidence.CURATED, Confidence.INFERRED


def node(node_id: str, kind: NodeKind = SYSTEM, name: str | None = None, **kw: object) -> Node:
    """A node; its name defaults to the id with a capital letter."""
    return Node(node_id, name or node_id.capitalize(), kind, **kw)  # type: ignore[arg-type]


def edge(
    source: str,
    target: str,
    type: RelType = RelType.USES,
    *,
    strength: Strength = HARD,
    confidence: Confidence = STATED,
    alt: str | None = None,
    scope: Iterable[str] = (),
    evidence: str | None = None,
    line: int | None = None,
    mode: str | None = None,
) -> Edge:
    """An edge ``source depends on target``; the evidence defaults to a sentence naming both."""
    return Edge(
        source,
        target,
        type,
        evidence or f"{source} {type.value.lower()} {target}.",
        confidence=confidence,
        strength=strength,
        alt_group=alt,
        scope=tuple(scope),
        line=line,
        mode=mode,
    )


def build(edges: Iterable[Edge], nodes: Iterable[Node] = ()) -> nx.MultiDiGraph:
    """The graph of ``edges``; endpoints not given in ``nodes`` become systems (or actors if named so)."""
    edges = tuple(edges)
    given = {n.id: n for n in nodes}
    for e in edges:
        for end in (e.source, e.target):
            if end not in given:
                given[end] = node(end, ACTOR if end.startswith("actor") else SYSTEM)
    return to_networkx(Portfolio("test", tuple(given.values()), edges))


def chain(*ids: str, **kw: object) -> list[Edge]:
    """Edges ``ids[0] -> ids[1] -> …`` with the same options."""
    return [edge(a, b, **kw) for a, b in itertools.pairwise(ids)]  # type: ignore[arg-type]


def with_risk_profile(p: Portfolio, node_id: str) -> Portfolio:
    """``p`` with every risk-assessment field set on ``node_id`` (criticality, recovery objectives, roles …)."""
    profile = {
        "criticality": "A",
        "rto_hours": 4.0,
        "rpo_hours": 0.25,
        "mtd_hours": 48.0,
        "administrator": "Seksjon X",
        "operator": "Drift AS",
        "hosting": "sky",
        "fallback": "papir",
    }
    return p.with_(nodes=tuple(replace(n, **profile) if n.id == node_id else n for n in p.nodes))
