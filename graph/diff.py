"""What changed between two portfolios, and what it did to the blast radius.

:func:`diff` compares two revisions (or two documents) of a portfolio:

* **nodes and edges** added, removed and changed — an edge is the relation ``source -TYPE-> target``; a change
  names each field that differs (strength, alternatives, scope, confidence, mode, the evidence sentence …)
  with its value before and after, and both sides' evidence;
* **findings** opened and resolved (a finding is its code and the nodes it names);
* the **impact delta**: for every node whose failure can reach differently now — the endpoints of what
  changed and everything they depend on — its blast radius (down / degraded when it fails alone) before and
  after; the single points of failure and fatal pairs that appeared or went away.

The default ranking puts the largest change of blast radius first.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType, Strength
>>> nodes = tuple(Node(i, i.upper(), NodeKind.SYSTEM) for i in ("app", "login", "backup"))
>>> one = Portfolio("d", nodes, (Edge("app", "login", RelType.AUTHENTICATES_WITH, "Logg inn."),))
>>> two = one.with_(edges=(Edge("app", "login", RelType.AUTHENTICATES_WITH, "Logg inn.", alt_group="id"),
...                        Edge("app", "backup", RelType.AUTHENTICATES_WITH, "Eller slik.", alt_group="id")))
>>> d = diff(one, two)
>>> [e.key for e in d.edges_added], [(c.key, c.fields) for c in d.edges_changed]
([('app', 'backup', 'AUTHENTICATES_WITH')], [(('app', 'login', 'AUTHENTICATES_WITH'), (('alt_group', None, 'id'),))])
>>> d.spof_gone  # login alone no longer takes app down: backup is its alternative
('login',)
>>> [(r.id, (r.before.down, r.before.degraded), (r.after.down, r.after.degraded)) for r in d.radius]
[('backup', (0, 0), (0, 1)), ('login', (1, 0), (0, 1))]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.critical import critical
from graph.model import DEFAULT_CONFIDENCE, Confidence, Edge, Finding, Node, Portfolio, to_networkx

__all__ = ["Diff", "EdgeChange", "NodeChange", "Radius", "RadiusDelta", "diff"]

_NODE_FIELDS = ("name", "kind", "aliases", "short", "category", "owner", "url", "description", "criticality")
_EDGE_FIELDS = ("strength", "alt_group", "scope", "confidence", "mode", "tolerance", "capability", "evidence")


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return getattr(value, "value", value)


def _fields(a: Any, b: Any, names: Iterable[str]) -> tuple[tuple[str, Any, Any], ...]:
    return tuple(
        (f, _plain(getattr(a, f)), _plain(getattr(b, f))) for f in names if getattr(a, f) != getattr(b, f)
    )


@dataclass(frozen=True, slots=True)
class NodeChange:
    key: str
    fields: tuple[tuple[str, Any, Any], ...]  # (field, before, after)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.key, "fields": [{"field": f, "before": a, "after": b} for f, a, b in self.fields]}


@dataclass(frozen=True, slots=True)
class EdgeChange:
    key: tuple[str, str, str]
    fields: tuple[tuple[str, Any, Any], ...]
    evidence_before: str
    evidence_after: str

    def to_dict(self) -> dict[str, Any]:
        s, t, kind = self.key
        return {
            "source": s,
            "target": t,
            "type": kind,
            "fields": [{"field": f, "before": a, "after": b} for f, a, b in self.fields],
            "evidence_before": self.evidence_before,
            "evidence_after": self.evidence_after,
        }


@dataclass(frozen=True, slots=True)
class Radius:
    blast: int
    down: int
    degraded: int


@dataclass(frozen=True, slots=True)
class RadiusDelta:
    """A node's blast radius when it fails alone, before and after (zero where it does not exist)."""

    id: str
    name: str
    before: Radius
    after: Radius

    @property
    def delta(self) -> int:
        return self.after.blast - self.before.blast

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "before": {
                "blast_radius": self.before.blast,
                "down": self.before.down,
                "degraded": self.before.degraded,
            },
            "after": {
                "blast_radius": self.after.blast,
                "down": self.after.down,
                "degraded": self.after.degraded,
            },
            "delta": self.delta,
        }


@dataclass(frozen=True, slots=True)
class Diff:
    before: str  # revision ids
    after: str
    nodes_added: tuple[Node, ...]
    nodes_removed: tuple[Node, ...]
    nodes_changed: tuple[NodeChange, ...]
    edges_added: tuple[Edge, ...]
    edges_removed: tuple[Edge, ...]
    edges_changed: tuple[EdgeChange, ...]
    findings_opened: tuple[Finding, ...]
    findings_resolved: tuple[Finding, ...]
    radius: tuple[RadiusDelta, ...]  # largest change first; only nodes whose radius changed
    spof_new: tuple[str, ...]  # nodes that alone take something down now, and did not
    spof_gone: tuple[str, ...]
    pairs_new: tuple[tuple[str, str], ...]
    pairs_gone: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        return not any(
            (self.nodes_added, self.nodes_removed, self.nodes_changed, self.edges_added, self.edges_removed,
             self.edges_changed, self.findings_opened, self.findings_resolved)
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.before,
            "to": self.after,
            "nodes": {
                "added": [n.to_dict() for n in self.nodes_added],
                "removed": [n.to_dict() for n in self.nodes_removed],
                "changed": [c.to_dict() for c in self.nodes_changed],
            },
            "edges": {
                "added": [e.to_dict() for e in self.edges_added],
                "removed": [e.to_dict() for e in self.edges_removed],
                "changed": [c.to_dict() for c in self.edges_changed],
            },
            "findings": {
                "opened": [f.to_dict() for f in self.findings_opened],
                "resolved": [f.to_dict() for f in self.findings_resolved],
            },
            "impact": {
                "radius": [r.to_dict() for r in self.radius],
                "single_points_of_failure": {"new": list(self.spof_new), "gone": list(self.spof_gone)},
                "fatal_pairs": {
                    "new": [list(p) for p in self.pairs_new],
                    "gone": [list(p) for p in self.pairs_gone],
                },
            },
        }


def _finding_key(f: Finding) -> tuple[str, tuple[str, ...], str]:
    # The message names lines, which move when the document does: the code and the nodes say what it is about.
    return (f.code, f.nodes, f.message if not f.nodes else "")


def _touched(
    G: nx.MultiDiGraph, H: nx.MultiDiGraph, edges: Iterable[tuple[str, str]], nodes: Iterable[str]
) -> set[str]:
    """The nodes whose failure can reach differently: each changed edge's target and everything it depends
    on (in either graph), the changed edges' sources, and the nodes added, removed or changed."""
    out = set(nodes)
    for u, v in edges:
        out |= {u, v}
        for graph in (G, H):
            if v in graph:
                out |= nx.descendants(graph, v)
    return out


def _radius(
    G: nx.MultiDiGraph, candidates: set[str], min_confidence: str
) -> tuple[dict[str, Radius], set[str], set[tuple[str, str]]]:
    present = [c for c in candidates if c in G]
    if not present:
        return {}, set(), set()
    crit = critical(G, min_confidence=min_confidence, candidates=present, betweenness_sample=0)
    radius = {c.id: Radius(c.blast_radius, c.down, c.degraded) for c in crit.nodes}
    spof = {s for c in crit.nodes for s in c.single_points_of_failure if s in candidates}
    pairs = {tuple(sorted(p.pair)) for p in crit.pairs}
    return radius, spof, pairs  # type: ignore[return-value]


def diff(
    before: Portfolio, after: Portfolio, *, min_confidence: Confidence | str = DEFAULT_CONFIDENCE
) -> Diff:
    """Everything that changed from ``before`` to ``after`` (see the module's docstring)."""
    a_nodes, b_nodes = {n.id: n for n in before.nodes}, {n.id: n for n in after.nodes}
    a_edges, b_edges = {e.key: e for e in before.edges}, {e.key: e for e in after.edges}
    node_changes = tuple(
        NodeChange(i, f)
        for i in a_nodes.keys() & b_nodes.keys()
        if (f := _fields(a_nodes[i], b_nodes[i], _NODE_FIELDS))
    )
    edge_changes = tuple(
        EdgeChange(k, f, a_edges[k].evidence, b_edges[k].evidence)
        for k in a_edges.keys() & b_edges.keys()
        if (f := _fields(a_edges[k], b_edges[k], _EDGE_FIELDS))
    )
    a_findings = {_finding_key(f): f for f in before.findings}
    b_findings = {_finding_key(f): f for f in after.findings}
    added_edges = tuple(b_edges[k] for k in b_edges.keys() - a_edges.keys())
    removed_edges = tuple(a_edges[k] for k in a_edges.keys() - b_edges.keys())

    G, H = to_networkx(before), to_networkx(after)
    moved = [(e.source, e.target) for e in (*added_edges, *removed_edges)] + [c.key[:2] for c in edge_changes]
    candidates = _touched(G, H, moved, [*(a_nodes.keys() ^ b_nodes.keys()), *(c.key for c in node_changes)])
    r_before, spof_before, pairs_before = _radius(G, candidates, str(min_confidence))
    r_after, spof_after, pairs_after = _radius(H, candidates, str(min_confidence))
    zero = Radius(0, 0, 0)
    deltas = [
        RadiusDelta(n, (b_nodes.get(n) or a_nodes[n]).name, r_before.get(n, zero), r_after.get(n, zero))
        for n in candidates
        if r_before.get(n, zero) != r_after.get(n, zero)
    ]
    deltas.sort(key=lambda r: (-abs(r.delta), -abs(r.after.down - r.before.down), r.id))

    def by_key(items: Iterable[Any], key: Any) -> tuple[Any, ...]:
        return tuple(sorted(items, key=key))

    return Diff(
        before=before.revision,
        after=after.revision,
        nodes_added=by_key((b_nodes[i] for i in b_nodes.keys() - a_nodes.keys()), lambda n: n.id),
        nodes_removed=by_key((a_nodes[i] for i in a_nodes.keys() - b_nodes.keys()), lambda n: n.id),
        nodes_changed=by_key(node_changes, lambda c: c.key),
        edges_added=by_key(added_edges, lambda e: e.key),
        edges_removed=by_key(removed_edges, lambda e: e.key),
        edges_changed=by_key(edge_changes, lambda c: c.key),
        findings_opened=tuple(b_findings[k] for k in b_findings if k not in a_findings),
        findings_resolved=tuple(a_findings[k] for k in a_findings if k not in b_findings),
        radius=tuple(deltas),
        spof_new=tuple(sorted(spof_after - spof_before)),
        spof_gone=tuple(sorted(spof_before - spof_after)),
        pairs_new=tuple(sorted(pairs_after - pairs_before)),
        pairs_gone=tuple(sorted(pairs_before - pairs_after)),
    )
