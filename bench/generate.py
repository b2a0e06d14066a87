"""Seeded synthetic portfolios for the benchmarks: a large organisation's landscape, layered like Hdir's.

Layers, in the dependency direction (``A -> B``: A depends on B)::

    actors -> channels -> systems -> integrations -> platforms -> infrastructure

Targets are drawn with a power law inside each layer (index ``size * u**3``), so a few platforms and
infrastructure items become hubs nearly everything reaches, as in real estates (one identity provider, one
integration platform, one data centre). Each node gets about ``edges_per_node`` dependencies; about 8 % of
edges are inferred and 4 % curated; 15 % soft; channels log in through an alternatives group of two identity
providers, some systems deliver through an alternatives group of two or three channels, some are reached by
named actors through a portal (scoped ``ACCESSED_VIA``), and a few ``EXCHANGES_WITH`` back-edges close
cycles. The same ``(size, seed)`` always gives the same portfolio (and so the same revision).

>>> p = generate(1_000, seed=7)
>>> len(p.nodes), 8_000 < len(p.edges) < 12_000
(1000, True)
>>> generate(1_000, seed=7).revision == p.revision
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength

__all__ = ["LAYERS", "Layer", "generate", "largest_hub"]

STATED, CURATED, INFERRED = Confidence.STATED, Confidence.CURATED, Confidence.INFERRED
HARD, SOFT = Strength.HARD, Strength.SOFT


@dataclass(frozen=True)
class Layer:
    name: str
    prefix: str
    share: float
    kind: NodeKind
    labels: tuple[NodeKind, ...]
    category: str


LAYERS: tuple[Layer, ...] = (
    Layer("actors", "act", 0.02, NodeKind.ACTOR, (), "Aktør"),
    Layer("channels", "chn", 0.04, NodeKind.INTEGRATION, (NodeKind.SYSTEM,), "Kanal"),
    Layer("systems", "sys", 0.46, NodeKind.SYSTEM, (), "Fagsystem"),
    Layer("integrations", "int", 0.14, NodeKind.INTEGRATION, (NodeKind.SYSTEM,), "Integrasjon"),
    Layer("platforms", "plt", 0.20, NodeKind.SYSTEM, (), "Plattform"),
    Layer("infrastructure", "inf", 0.14, NodeKind.EXTERNAL, (), "Infrastruktur"),
)

# (from layer, to layer, mean count, relation types to draw from)
_LINKS: dict[str, tuple[tuple[str, float, tuple[RelType, ...]], ...]] = {
    "actors": (("channels", 3.0, (RelType.USES,)), ("systems", 9.0, (RelType.USES,))),
    "channels": (("systems", 8.0, (RelType.RECEIVES_FROM, RelType.EXPOSES_VIA)),),
    "systems": (
        ("systems", 2.0, (RelType.RECEIVES_FROM, RelType.TRANSFERS_TO)),
        ("integrations", 4.0, (RelType.INTEGRATES_VIA, RelType.TRANSFERS_TO)),
        ("platforms", 3.0, (RelType.HOSTED_ON, RelType.BUILT_ON)),
        ("infrastructure", 1.5, (RelType.HOSTED_ON,)),
    ),
    "integrations": (
        ("platforms", 6.0, (RelType.HOSTED_ON, RelType.BUILT_ON)),
        ("infrastructure", 4.0, (RelType.HOSTED_ON,)),
    ),
    "platforms": (
        ("infrastructure", 6.0, (RelType.HOSTED_ON, RelType.BUILT_ON)),
        ("platforms", 3.0, (RelType.BUILT_ON, RelType.PART_OF)),
    ),
    "infrastructure": (("infrastructure", 5.0, (RelType.HOSTED_ON, RelType.PART_OF)),),
}

_VERBS = {
    RelType.USES: "bruker",
    RelType.RECEIVES_FROM: "mottar data fra",
    RelType.EXPOSES_VIA: "eksponerer innhold via",
    RelType.TRANSFERS_TO: "overfører data til",
    RelType.INTEGRATES_VIA: "integrerer via",
    RelType.HOSTED_ON: "driftes på",
    RelType.BUILT_ON: "er bygget på",
    RelType.PART_OF: "er en del av",
    RelType.ACCESSED_VIA: "nås via",
    RelType.AUTHENTICATES_WITH: "logger inn med",
    RelType.DELIVERS_VIA: "leverer via",
    RelType.EXCHANGES_WITH: "utveksler data med",
}


def _layer_sizes(n: int) -> dict[str, int]:
    sizes = {layer.name: max(3, round(n * layer.share)) for layer in LAYERS}
    sizes["systems"] += n - sum(sizes.values())  # the rest, so the total is exactly n
    return sizes


def _count(rng: random.Random, mean: float) -> int:
    """A small count around ``mean`` (uniform on 0 … 2·mean, so the mean holds)."""
    return int(rng.random() * (2 * mean + 1))


def generate(n: int = 100_000, *, seed: int = 1, edges_per_node: float = 10.0) -> Portfolio:
    """A layered synthetic portfolio of ``n`` nodes and about ``edges_per_node`` times ``n`` edges."""
    rng = random.Random(f"eagraph-bench/{n}/{seed}")
    document = f"bench-{n}-{seed}.txt"
    nodes, ids = _nodes(_layer_sizes(n), document)
    b = _Edges(rng, ids, {nd.id: nd.name for nd in nodes}, {nd.id: nd.line or 0 for nd in nodes}, document)
    b.layer_links(edges_per_node / 9.9)  # the link table's means give about 9.9 edges per node
    b.alternatives_and_scopes()
    # Listed as networkx lists them (by source in node order, then by target): a graph built from the
    # portfolio gives the same portfolio back, and its node-link file reads back without reordering.
    grouped: dict[str, dict[str, list[Edge]]] = {}
    for e in b.edges.values():
        grouped.setdefault(e.source, {}).setdefault(e.target, []).append(e)
    return Portfolio(
        document=document,
        nodes=tuple(nodes),
        edges=tuple(e for nd in nodes for group in grouped.get(nd.id, {}).values() for e in group),
        meta={"generator": "bench.generate", "seed": str(seed), "nodes": str(n)},
    )


def _nodes(sizes: dict[str, int], document: str) -> tuple[list[Node], dict[str, list[str]]]:
    """The nodes of every layer, one document line each, and the ids per layer."""
    ids: dict[str, list[str]] = {}
    nodes: list[Node] = []
    line = 0
    for layer in LAYERS:
        ids[layer.name] = []
        for i in range(sizes[layer.name]):
            line += 1
            node_id = f"{layer.prefix}-{i:06d}"
            name = f"{layer.category} {i}"
            ids[layer.name].append(node_id)
            nodes.append(
                Node(
                    node_id,
                    name,
                    layer.kind,
                    labels=layer.labels,
                    short=f"{layer.prefix.upper()}{i}",
                    category=layer.category,
                    description=f"{name}: syntetisk {layer.category.lower()} for ytelsestester.",
                    owner=f"Avdeling {i % 40}",
                    document=document,
                    line=line,
                    entry=name,
                )
            )
    return nodes, ids


class _Edges:
    """The edges drawn so far (one per source, target and type), from one random stream."""

    def __init__(
        self,
        rng: random.Random,
        ids: dict[str, list[str]],
        names: dict[str, str],
        line_of: dict[str, int],
        document: str,
    ) -> None:
        self.rng, self.ids, self.names, self.line_of, self.document = rng, ids, names, line_of, document
        self.edges: dict[tuple[str, str, str], Edge] = {}

    def add(
        self,
        source: str,
        target: str,
        rel: RelType,
        *,
        strength: Strength | None = None,
        alt_group: str | None = None,
        scope: tuple[str, ...] = (),
        confidence: Confidence | None = None,
    ) -> None:
        if source == target or (source, target, rel.value) in self.edges:
            return
        if confidence is None:
            u = self.rng.random()
            confidence = INFERRED if u < 0.08 else CURATED if u < 0.12 else STATED
        if strength is None:
            strength = SOFT if rel is RelType.EXPOSES_VIA or self.rng.random() < 0.12 else HARD
        curated = confidence is CURATED
        self.edges[(source, target, rel.value)] = Edge(
            source,
            target,
            rel,
            f"{self.names[source]} {_VERBS[rel]} {self.names[target]}.",
            confidence=confidence,
            strength=strength,
            document="overlay.yaml" if curated else self.document,
            line=self.line_of[source],
            alt_group=alt_group,
            scope=scope,
            rule="overlay" if curated else f"synthetic-{rel.value.lower()}",
        )

    def pick(self, layer: str, below: int | None = None) -> str:
        """A power-law pick in ``layer`` (hubs at low indexes); below ``below`` for in-layer links."""
        size = len(self.ids[layer]) if below is None else below
        return self.ids[layer][int(size * self.rng.random() ** 3)]

    def layer_links(self, scale: float) -> None:
        """Every node's dependencies on the layers below it (and its own), as the link table says."""
        rng = self.rng
        for layer in LAYERS:
            for index, source in enumerate(self.ids[layer.name]):
                for target_layer, mean, rels in _LINKS[layer.name]:
                    same = target_layer == layer.name
                    if same and index == 0:
                        continue
                    for _ in range(_count(rng, mean * scale)):
                        self.add(source, self.pick(target_layer, index if same else None), rng.choice(rels))

    def alternatives_and_scopes(self) -> None:
        """Log-in and delivery alternatives, scoped access through portals and a few cycles."""
        rng, ids, add = self.rng, self.ids, self.add
        # Channels log in with one of two identity providers (alternatives); the first infrastructure items
        # are the identity providers, so they are hubs as in real life.
        idps = ids["infrastructure"][:4]
        for k, channel in enumerate(ids["channels"]):
            group = f"{channel}/login"
            for idp in (idps[k % 2], idps[2 + k % 2]):
                add(
                    channel,
                    idp,
                    RelType.AUTHENTICATES_WITH,
                    strength=HARD,
                    alt_group=group,
                    confidence=STATED,
                )
        # Some systems deliver through two or three channels (alternatives: lost only when all are lost) ...
        outlets = ids["infrastructure"][4:40]
        for system in _every(rng, ids["systems"], 0.05):
            group = f"{system}/delivery"
            for outlet in rng.sample(outlets, rng.choice((2, 3))):
                add(system, outlet, RelType.DELIVERS_VIA, alt_group=group, confidence=STATED)
        # ... some are reached by named actors through a portal (scoped), and a few exchange with each other
        # both ways (cycles).
        for system in _every(rng, ids["systems"], 0.03):
            actors = tuple(sorted(rng.sample(ids["actors"], rng.choice((1, 2)))))
            add(
                system,
                self.pick("channels"),
                RelType.ACCESSED_VIA,
                strength=HARD,
                scope=actors,
                confidence=STATED,
            )
        within = [
            e for e in self.edges.values() if e.source.startswith("sys-") and e.target.startswith("sys-")
        ]
        for e in rng.sample(within, max(2, len(within) // 500)):
            add(e.target, e.source, RelType.EXCHANGES_WITH, strength=SOFT)


def _every(rng: random.Random, items: list[str], share: float) -> Iterator[str]:
    return (x for x in items if rng.random() < share)


def largest_hub(portfolio: Portfolio) -> str:
    """The node with the most direct dependents (ties: the smallest id)."""
    counts: dict[str, int] = {}
    for e in portfolio.edges:
        counts[e.target] = counts.get(e.target, 0) + 1
    return min(counts, key=lambda n: (-counts[n], n))
