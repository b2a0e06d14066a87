"""The benchmark's generator and harness at 1,000 nodes: valid portfolios every store and analysis takes, a
node-link file that reads back the same, and one quick in-process measurement (no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from bench.generate import generate, largest_hub
from bench.portfolio_json import write_node_link
from graph.exports import export
from graph.impact import impact
from graph.model import NodeKind, RelType, from_networkx, to_networkx
from graph.store import MemoryStore
from loaders.interchange import _node_link_graph, _node_link_lean, load_any, read_node_link
from tests.graph.impact_reference import reference_impact


@pytest.fixture(scope="module")
def small():
    return generate(1_000, seed=3)


def test_the_generator_is_seeded_and_layered(small) -> None:
    assert generate(1_000, seed=3) == small and generate(1_000, seed=4) != small
    kinds = {n.kind for n in small.nodes}
    assert kinds == {NodeKind.ACTOR, NodeKind.INTEGRATION, NodeKind.SYSTEM, NodeKind.EXTERNAL}
    assert 8 <= len(small.edges) / len(small.nodes) <= 12
    assert any(e.alt_group for e in small.edges) and any(e.scope for e in small.edges)
    assert any(e.type is RelType.EXCHANGES_WITH for e in small.edges)
    assert len({e.key for e in small.edges}) == len(small.edges)
    G = to_networkx(small)
    assert not nx.is_directed_acyclic_graph(G)  # a few cycles
    assert from_networkx(G).edges == small.edges  # listed in networkx's order
    assert MemoryStore().load(small).edges == len(small.edges)


def test_the_largest_hub_breaks_most_of_the_landscape_and_both_engines_agree(small) -> None:
    G = to_networkx(small)
    hub = largest_hub(small)
    fast = impact(G, [hub])
    assert len(fast.impacted) > len(small.nodes) // 2
    assert fast.to_dict() == reference_impact(G, [hub]).to_dict()


def test_a_generated_node_link_file_reads_back_the_same_by_either_reader(small, tmp_path: Path) -> None:
    path = tmp_path / "bench.json"
    write_node_link(small, path)
    lean = _node_link_lean(path.read_bytes, str(path))
    assert lean is not None
    assert lean == _node_link_graph(path.read_bytes(), str(path)) == load_any(path)
    assert (lean.nodes, lean.edges) == (small.nodes, small.edges)


def test_the_lean_reader_leaves_unusual_files_to_networkx(seed) -> None:
    text = export(seed, "node-link")[1]
    assert _node_link_lean(lambda: text.encode(), "seed.json") == read_node_link(text.encode(), "seed.json")
    shuffled = text.replace('"nodes": [', '"nodes": [{"id": "hint", "name": "again", "kind": "system"}, ', 1)
    assert _node_link_lean(lambda: shuffled.encode(), "seed.json") is None  # a duplicate id


def test_the_bench_harness_runs_its_in_process_part() -> None:
    from bench.run import in_process

    figures = in_process(1_000, repeat=2)
    assert figures["nodes"] == 1_000 and figures["ancestors"] > 500
    assert set(figures) >= {"warm_ms", "cold_ms", "nx_ancestors_ms", "rustworkx_ms", "snapshot_s"}
