"""A layered drawing of the dependency graph, computed once per revision for the web explorer.

Left to right in the dependency direction (``A -> B``: A depends on B, so A is left of B): who uses things on
the left, the platforms and outside services everything rests on at the right. A small Sugiyama layout:

1. cycles are broken by ignoring, inside each strongly connected component, the edges with the weakest
   evidence that still close a cycle (they are still drawn, against the flow);
2. columns: the longest path from a node with no dependents (so an edge always points right);
3. edges longer than one column get a waypoint in each column they cross, which keeps their curves between
   the boxes rather than through them;
4. the order inside each column: barycentre sweeps, left to right and back, to cut crossings;
5. heights: each box pulled toward its neighbours' mean height, keeping the order and a minimum gap
   (isotonic regression by pool-adjacent-violators), a few sweeps each way.

Everything is deterministic: the same graph gives the same picture.

>>> from graph.examples import letters
>>> view = layered_layout(letters())
>>> sorted(n.id for n in view.nodes if n.column == 0)  # nothing depends on them
['dip', 'helfo', 'helseaktor']
>>> [(e.source, e.target) for e in view.edges if e.back]  # the inferred edge of the one cycle
[('okonomimodulen', 'saksbehandling')]
>>> all(a.x < b.x for e in view.edges if not e.back for a, b in itertools.pairwise(e.points))
True
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated

import networkx as nx
from pydantic import Field, WithJsonSchema

from graph.model import NodeKind
from graph.shape import ConfidenceName, Shaped, StrengthName

__all__ = ["GraphView", "LaidEdge", "LaidNode", "Point", "layered_layout"]

COLUMN_GAP = 218.0  # from one column's left edge to the next
NODE_WIDTH = 168.0
NODE_HEIGHT = 30.0
NODE_GAP = 12.0  # vertical space between two boxes
WAYPOINT_GAP = 10.0  # vertical space a passing edge takes in a column
MARGIN = 24.0
MAX_LABEL = 28  # the page shortens further to fit the box


@dataclass(frozen=True, slots=True)
class Point(Shaped):
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class LaidNode(Shaped):
    id: str
    name: str
    label: Annotated[str, Field(description="The short name, cut to fit its box.")]
    kind: Annotated[str, WithJsonSchema({"type": "string", "enum": [k.value for k in NodeKind]})]
    column: int
    x: float  # top-left corner of the box
    y: float
    width: float
    height: float
    sources: Annotated[  # several portfolios merged
        tuple[str, ...], Field(description="The sources that describe or mention it.")
    ] = ()


@dataclass(frozen=True, slots=True)
class LaidEdge(Shaped):
    source: str
    target: str
    types: tuple[str, ...]  # every relation type from source to target
    confidence: ConfidenceName  # the best confidence among them
    strength: StrengthName  # hard if any is hard
    points: tuple[Point, ...]  # from the source box's right side to the target box's left side
    back: Annotated[bool, Field(description="Drawn against the flow: the edge closes a cycle.")]


@dataclass(frozen=True, slots=True)
class GraphView(Shaped):
    """The whole graph laid out left to right in the dependency direction (for the web explorer)."""

    nodes: tuple[LaidNode, ...]
    edges: tuple[LaidEdge, ...]
    width: float
    height: float


_RANK = {"inferred": 1, "curated": 2, "stated": 3}


def _label(attrs: dict[str, object], node_id: str) -> str:
    text = str(attrs.get("short") or attrs.get("name") or node_id)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _acyclic(D: nx.DiGraph, strength: dict[tuple[str, str], int]) -> tuple[nx.DiGraph, set[tuple[str, str]]]:
    """``D`` without edges that close cycles (the weakest evidence goes first), and those edges."""
    back: set[tuple[str, str]] = set()
    for component in nx.strongly_connected_components(D):
        if len(component) < 2:
            continue
        H = D.subgraph(component).copy()
        for u, v in sorted(H.edges, key=lambda e: (strength[e], e)):
            if nx.has_path(H, v, u):
                H.remove_edge(u, v)
                back.add((u, v))
    A = nx.DiGraph()
    A.add_nodes_from(D.nodes)
    A.add_edges_from((u, v) for u, v in D.edges if (u, v) not in back and u != v)
    return A, back


def _columns(A: nx.DiGraph) -> dict[str, int]:
    column: dict[str, int] = {}
    for n in nx.lexicographical_topological_sort(A):
        column[n] = max((column[p] + 1 for p in A.pred[n]), default=0)
    return column


def _isotonic(wanted: list[float], gaps: list[float]) -> list[float]:
    """Heights closest to ``wanted`` (least squares) keeping ``y[i+1] - y[i] >= gaps[i]``."""
    offsets = [0.0, *itertools.accumulate(gaps)]
    blocks: list[list[float]] = []  # [mean, weight]
    for value in (w - o for w, o in zip(wanted, offsets, strict=True)):
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            prev = blocks[-1]
            prev[0] = (prev[0] * prev[1] + mean * weight) / (prev[1] + weight)
            prev[1] += weight
    flat = [mean for mean, weight in blocks for _ in range(int(weight))]
    return [z + o for z, o in zip(flat, offsets, strict=True)]


def _place(
    members: set[str], A: nx.DiGraph, column: dict[str, int]
) -> tuple[dict[str, float], dict[tuple[str, str], list[str]], float]:
    """Heights (box centres, from 0) of one connected part's nodes and waypoints; its chains; its height."""
    # Slots: a real node, or a waypoint ("u>v#k") of a long edge in column k.
    slots: dict[int, list[str]] = defaultdict(list)
    links: list[tuple[str, str]] = []
    chain: dict[tuple[str, str], list[str]] = {}
    for n in sorted(members, key=lambda n: (column[n], n)):
        slots[column[n]].append(n)
    for u, v in sorted(A.subgraph(members).edges):
        path = [u]
        for k in range(column[u] + 1, column[v]):
            w = f"{u}>{v}#{k}"
            slots[k].append(w)
            path.append(w)
        path.append(v)
        chain[(u, v)] = path
        links.extend(itertools.pairwise(path))
    left: dict[str, list[str]] = defaultdict(list)
    right: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        right[a].append(b)
        left[b].append(a)
    first, last = min(slots), max(slots)
    order = {s: i for k in slots for i, s in enumerate(slots[k])}

    def sweep(columns: range, neighbours: dict[str, list[str]]) -> None:
        for k in columns:
            keyed = []
            for s in slots[k]:
                near = [order[t] for t in neighbours[s]]
                keyed.append((sum(near) / len(near) if near else order[s], order[s], s))
            slots[k] = [s for *_, s in sorted(keyed)]
            order.update((s, i) for i, s in enumerate(slots[k]))

    for _ in range(6):
        sweep(range(first + 1, last + 1), left)
        sweep(range(last - 1, first - 1, -1), right)

    def gap(a: str, b: str) -> float:
        """Centre to centre: half of each box (a waypoint has none) and the space between them."""
        space = NODE_GAP if a in members and b in members else WAYPOINT_GAP
        return (NODE_HEIGHT if a in members else 0.0) / 2 + space + (NODE_HEIGHT if b in members else 0.0) / 2

    y: dict[str, float] = {}
    for k in slots:
        pos = 0.0
        for i, s in enumerate(slots[k]):
            pos += gap(slots[k][i - 1], s) if i else 0.0
            y[s] = pos
    for _ in range(8):
        for columns, neighbours in (
            (range(first + 1, last + 1), left),
            (range(last - 1, first - 1, -1), right),
        ):
            for k in columns:
                col = slots[k]
                wanted = [
                    sum(y[t] for t in neighbours[s]) / len(neighbours[s]) if neighbours[s] else y[s]
                    for s in col
                ]
                placed = _isotonic(wanted, [gap(a, b) for a, b in itertools.pairwise(col)])
                y.update(zip(col, placed, strict=True))
    half = {s: NODE_HEIGHT / 2 if s in members else 0.0 for s in y}
    top = min(v - half[s] for s, v in y.items())
    bottom = max(v + half[s] for s, v in y.items())
    return {s: v - top for s, v in y.items()}, chain, bottom - top


def layered_layout(G: nx.MultiDiGraph) -> GraphView:
    """Positions for every node and a route for every pair of connected nodes (parallel edges merged).

    Connected parts are laid out one by one and stacked, the largest first, so a small island does not end
    up threaded between the waypoints of the main graph.
    """
    D = nx.DiGraph()
    D.add_nodes_from(sorted(G.nodes))
    merged: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        merged[(u, v)].append(d)
    D.add_edges_from(sorted(merged))
    confidence = {e: max(_RANK.get(str(d.get("confidence")), 3) for d in ds) for e, ds in merged.items()}
    A, _ = _acyclic(D, confidence)
    column = _columns(A)

    y: dict[str, float] = {}
    chain: dict[tuple[str, str], list[str]] = {}
    offset = MARGIN
    parts = sorted(nx.weakly_connected_components(D), key=lambda c: (-len(c), min(c)))
    for members in parts:
        part_y, part_chain, height = _place(members, A, column)
        y.update((s, v + offset) for s, v in part_y.items())
        chain.update(part_chain)
        offset += height + NODE_GAP * (3 if len(members) > 1 else 1)
    x = {n: MARGIN + column[n] * COLUMN_GAP for n in D}
    for (u, _), route in chain.items():
        for k, w in enumerate(route[1:-1], start=column[u] + 1):
            x[w] = MARGIN + k * COLUMN_GAP
    last = max(column.values(), default=0)

    nodes = []
    for n in sorted(D.nodes, key=lambda n: (column[n], y[n])):
        attrs = G.nodes[n]
        nodes.append(
            LaidNode(
                id=n,
                name=str(attrs.get("name") or n),
                label=_label(attrs, n),
                kind=str(attrs.get("kind") or "system"),
                column=column[n],
                x=round(x[n], 1),
                y=round(y[n] - NODE_HEIGHT / 2, 1),
                width=NODE_WIDTH,
                height=NODE_HEIGHT,
                sources=tuple(attrs.get("sources") or ()),
            )
        )

    def at(s: str, dx: float) -> Point:
        return Point(round(x[s] + dx, 1), round(y[s], 1))

    edges = []
    for (u, v), data in sorted(merged.items()):
        if u == v:
            continue
        # A waypoint is a level run across its column, so the curve bends only in the gaps between columns.
        route = chain.get((u, v), [u, v])
        middle = [p for w in route[1:-1] for p in (at(w, 0.0), at(w, NODE_WIDTH))]
        points = (at(u, NODE_WIDTH), *middle, at(v, 0.0))
        edges.append(
            LaidEdge(
                source=u,
                target=v,
                types=tuple(sorted({str(d.get("type")) for d in data})),
                confidence=max((str(d.get("confidence") or "stated") for d in data), key=_RANK.__getitem__),
                strength="hard" if any(d.get("strength") != "soft" for d in data) else "soft",
                points=points,
                back=(u, v) not in chain,
            )
        )
    height = max((n.y + n.height for n in nodes), default=0.0) + MARGIN
    width = MARGIN * 2 + last * COLUMN_GAP + NODE_WIDTH
    return GraphView(tuple(nodes), tuple(edges), round(width, 1), round(height, 1))
