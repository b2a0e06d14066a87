"""Property tests on random portfolios: monotonicity, intact alternatives, determinism, sound explanations."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from graph.critical import critical, required_units
from graph.edges import RANK, edge_rank
from graph.impact import ImpactIndex, fixpoint, impact, impact_states, state_rank
from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength, to_networkx
from graph.traverse import cycles, dependents

CONFIDENCES = list(Confidence)
TYPES = [RelType.USES, RelType.HOSTED_ON, RelType.ACCESSED_VIA]
LEVELS = st.sampled_from(["inferred", "curated", "stated"])


@st.composite
def edge_options(draw: st.DrawFn, actors: list[str], *, groups: bool = True) -> dict[str, object]:
    return {
        "type": draw(st.sampled_from(TYPES)),
        "strength": draw(st.sampled_from(list(Strength))),
        "confidence": draw(st.sampled_from(CONFIDENCES)),
        "alt_group": draw(st.sampled_from([None, None, "g0", "g1"])) if groups else None,
        "scope": tuple(draw(st.lists(st.sampled_from(actors), unique=True, max_size=2))) if actors else (),
        "mode": draw(st.sampled_from([None, None, "live", "batch"])),
    }


def _edge(source: str, target: str, opts: dict[str, object]) -> Edge:
    return Edge(source, target, evidence=f"{source} needs {target}.", **opts)  # type: ignore[arg-type]


def _portfolio(systems: list[str], actors: list[str], edges: list[Edge]) -> Portfolio:
    nodes = [Node(s, s.upper(), NodeKind.SYSTEM) for s in systems]
    nodes += [Node(a, a.upper(), NodeKind.ACTOR) for a in actors]
    unique = {e.key: e for e in edges}  # the graph keys edges by (source, target, type)
    return Portfolio("random", tuple(nodes), tuple(unique.values()))


@st.composite
def portfolios(draw: st.DrawFn, *, acyclic: bool = False, scoped: bool = True) -> Portfolio:
    """A random portfolio: systems s0…, up to two actors using systems, random edge attributes.

    Each system gets up to three dependencies, all in one alt group, none grouped, or grouped at random, so
    alternatives (and their partial loss) are common.
    """
    n = draw(st.integers(2, 7))
    systems = [f"s{i}" for i in range(n)]
    actors = [f"actor{i}" for i in range(draw(st.integers(0, 2)))]
    scopes = actors if scoped else []
    edges = []
    for i in range(n):
        low = i + 1 if acyclic else 0
        if low >= n:
            break
        targets = draw(st.lists(st.integers(low, n - 1), max_size=3, unique=True))
        grouping = draw(st.sampled_from(["none", "one group", "random"]))
        for j in targets:
            opts = draw(edge_options(scopes))
            if grouping != "random":
                opts["alt_group"] = "g0" if grouping == "one group" else None
            edges.append(_edge(systems[i], systems[j], opts))
    for a in actors:
        for j in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True)):
            edges.append(_edge(a, systems[j], draw(edge_options([], groups=False))))
    return _portfolio(systems, actors, edges)


@st.composite
def failures(draw: st.DrawFn, p: Portfolio, min_size: int = 1) -> list[str]:
    ids = sorted(n.id for n in p.nodes)
    return draw(st.lists(st.sampled_from(ids), min_size=min_size, max_size=3, unique=True))


def degraded_for_all(G: nx.MultiDiGraph, down: list[str], level: str, node: str) -> bool:
    ix = ImpactIndex(G)
    return bool(fixpoint(ix, [ix.pos[f] for f in down], RANK[level]).level[ix.pos[node]])


@given(st.data(), LEVELS)
def test_more_failures_never_shrink_the_impact_nor_soften_any_state(data: st.DataObject, level: str) -> None:
    p = data.draw(portfolios())
    G = to_networkx(p)
    small = data.draw(failures(p))
    large = sorted(set(small) | set(data.draw(failures(p, min_size=0))))
    r_small, r_large = impact(G, small, min_confidence=level), impact(G, large, min_confidence=level)
    s_small, s_large = r_small.states(), r_large.states()
    for n, state in s_small.items():
        assert n in s_large
        assert state_rank(s_large[n]) >= state_rank(state), n
    for item in r_small.impacted:
        if s_large[item.id] == "degraded":
            after = r_large.by_id(item.id)
            assert set(item.down_for) <= set(after.down_for)
            # Degraded for an actor stays so, unless the node is now degraded for everyone (then the
            # per-actor entry says nothing more and is not listed).
            if not degraded_for_all(G, large, level, item.id):
                assert set(item.degraded_for) <= set(after.down_for) | set(after.degraded_for)


@given(st.data(), LEVELS)
def test_the_result_is_a_fixpoint_of_the_rules_and_nothing_outside_it_is_in_trouble(
    data: st.DataObject, level: str
) -> None:
    # The propagation keeps states monotone by joining; this checks the join never had to hide anything:
    # re-applying the rules to the final states changes no node, impacted or not. Both engines.
    from graph.impact import ImpactIndex, _evaluate, fixpoint
    from tests.graph.impact_reference import _evaluate as reference_evaluate
    from tests.graph.impact_reference import _fixpoint as reference_fixpoint

    p = data.draw(portfolios())
    G = to_networkx(p)
    down = tuple(sorted(data.draw(failures(p))))
    levels, per_actor = reference_fixpoint(G, down, RANK[level])
    for n in sorted(G):
        if n not in down:
            again = reference_evaluate(G, n, levels, per_actor, RANK[level])
            assert (again.level, again.per_actor) == (levels.get(n, 0), per_actor.get(n, {})), n
    ix = ImpactIndex(G)
    fp = fixpoint(ix, [ix.pos[f] for f in down], RANK[level])
    for i, n in enumerate(ix.ids):
        if n not in down:
            viewer = n if ix.actor[i] else None
            again_level, again_pa = _evaluate(ix.out_edges(i), viewer, fp.level, fp.pa, RANK[level], set())
            assert (again_level, again_pa) == (fp.level[i], fp.pa.get(i, {})), n


@st.composite
def protected_portfolios(draw: st.DrawFn) -> tuple[Portfolio, list[str], list[str]]:
    """A random portfolio plus *protected* systems whose every way to a failure crosses an intact alternative.

    A protected system's out-edges are: alt groups with a stated, unscoped member to a *safe* sink (never
    failed, needs nothing); hard unscoped edges only to other protected systems; soft or scoped edges to
    anything. Anyone may depend on a protected system.
    """
    base = draw(portfolios())
    actors = [n.id for n in base.nodes if n.kind == NodeKind.ACTOR]
    others = [n.id for n in base.nodes if n.kind == NodeKind.SYSTEM]
    protected = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    safe = [f"safe{i}" for i in range(draw(st.integers(1, 2)))]
    anything = others + protected
    edges = list(base.edges)
    for pid in protected:
        for g, safe_type in enumerate(
            draw(st.sampled_from([[RelType.USES], [RelType.USES, RelType.DELIVERS_VIA]]))
        ):
            group = f"alt{g}"
            keep = draw(st.sampled_from(safe))
            edges.append(_edge(pid, keep, {"type": safe_type, "alt_group": group, "strength": Strength.HARD}))
            for target in draw(st.lists(st.sampled_from(anything), max_size=3, unique=True)):
                opts = draw(edge_options(actors)) | {"alt_group": group, "type": RelType.HOSTED_ON}
                edges.append(_edge(pid, target, opts))
        for target in draw(st.lists(st.sampled_from(protected), max_size=2, unique=True)):
            opts = draw(edge_options([])) | {
                "alt_group": None,
                "strength": Strength.HARD,
                "type": RelType.PART_OF,
            }
            edges.append(_edge(pid, target, opts))
        for target in draw(st.lists(st.sampled_from(anything), max_size=2, unique=True)):
            opts = draw(edge_options(actors)) | {"alt_group": None, "type": RelType.BUILT_ON}
            if not opts["scope"]:
                opts["strength"] = Strength.SOFT
            edges.append(_edge(pid, target, opts))
    for src in draw(st.lists(st.sampled_from(others + [a for a in actors]), max_size=4)):
        edges.append(_edge(src, draw(st.sampled_from(protected)), draw(edge_options(actors))))
    p = _portfolio(others + protected + safe, actors, edges)
    return p, protected, others


@given(protected_portfolios(), st.data(), LEVELS)
def test_a_node_whose_every_path_to_the_failure_crosses_an_intact_alternative_is_never_down(
    case: tuple[Portfolio, list[str], list[str]], data: st.DataObject, level: str
) -> None:
    p, protected, others = case
    G = to_networkx(p)
    down = data.draw(st.lists(st.sampled_from(others), min_size=1, max_size=4, unique=True))
    states = impact_states(G, down, min_confidence=level)
    assert all(states.get(pid) != "down" for pid in protected), states


def _shuffled(p: Portfolio, rnd: st.DataObject) -> nx.MultiDiGraph:
    nodes = rnd.draw(st.permutations(p.nodes))
    edges = rnd.draw(st.permutations(p.edges))
    return to_networkx(p.with_(nodes=tuple(nodes), edges=tuple(edges)))


@given(st.data(), LEVELS)
def test_results_are_deterministic_whatever_order_the_graph_was_built_in(
    data: st.DataObject, level: str
) -> None:
    p = data.draw(portfolios())
    G, H = to_networkx(p), _shuffled(p, data)
    down = data.draw(failures(p))
    first = impact(G, down, min_confidence=level).to_dict()
    assert impact(G, down, min_confidence=level).to_dict() == first
    assert impact(H, list(reversed(down)), min_confidence=level).to_dict() == first
    for node in sorted(G):  # every single failure too: ties between explanation paths are common there
        assert (
            impact(G, [node], min_confidence=level).to_dict()
            == impact(H, [node], min_confidence=level).to_dict()
        )
    node = down[0]
    assert dependents(G, node).to_dict() == dependents(H, node).to_dict()
    assert cycles(G, limit=5).to_dict() == cycles(H, limit=5).to_dict()
    assert critical(G, max_pairs=5).to_dict() == critical(H, max_pairs=5).to_dict()


@given(st.data(), LEVELS)
def test_every_explanation_is_a_real_path_of_allowed_edges_ending_at_one_of_its_causes(
    data: st.DataObject, level: str
) -> None:
    p = data.draw(portfolios())
    G = to_networkx(p)
    down = data.draw(failures(p))
    result = impact(G, down, min_confidence=level)
    ancestors = set().union(*(nx.ancestors(G, f) for f in down))
    strict = impact_states(G, down, min_confidence="curated")
    for item in result.impacted:
        assert item.id in ancestors
        assert item.path.nodes[0] == item.id and item.path.nodes[-1] in item.causes
        assert set(item.causes) <= set(down)
        assert len(item.path.hops) == item.distance >= 1
        for h in item.path.hops:
            assert edge_rank(G.edges[h.source, h.target, h.type]) >= RANK[level]
        assert item.inferred == (level == "inferred" and item.id not in strict)


@st.composite
def single_unit_dags(draw: st.DrawFn) -> Portfolio:
    """Acyclic, unscoped, and every node needs at most one thing (one hard edge or one alt group)."""
    n = draw(st.integers(2, 8))
    systems = [f"s{i}" for i in range(n)]
    edges = []
    for i in range(n - 1):
        later = st.integers(i + 1, n - 1)
        shape = draw(st.sampled_from(["none", "hard", "group"] if i < n - 2 else ["none", "hard"]))
        if shape == "hard":
            edges.append(_edge(systems[i], systems[draw(later)], {"type": RelType.USES}))
        elif shape == "group":
            for j in draw(st.lists(later, min_size=2, max_size=3, unique=True)):
                strength = draw(st.sampled_from(list(Strength)))
                opts = {"type": RelType.USES, "alt_group": "g", "strength": strength}
                edges.append(_edge(systems[i], systems[j], opts))
        for j in draw(st.lists(later, max_size=2, unique=True)):
            edges.append(_edge(systems[i], systems[j], {"type": RelType.BUILT_ON, "strength": Strength.SOFT}))
    return _portfolio(systems, [], edges)


@given(portfolios(acyclic=True), LEVELS)
def test_on_a_dag_every_dominator_is_a_real_single_point_of_failure(p: Portfolio, level: str) -> None:
    crit = critical(to_networkx(p), min_confidence=level, max_pairs=0)
    for c in crit.nodes:
        assert set(c.dominators) <= set(c.single_points_of_failure), c.id


@given(single_unit_dags())
def test_with_one_required_unit_per_node_dominators_are_exactly_the_single_points_of_failure(
    p: Portfolio,
) -> None:
    G = to_networkx(p)
    assert all(len(required_units(G, n)) <= 1 for n in G)
    crit = critical(G, max_pairs=0)
    for c in crit.nodes:
        assert set(c.dominators) == set(c.single_points_of_failure), c.id
