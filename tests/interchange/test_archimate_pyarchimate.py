"""The ArchiMate export read by pyArchimate, an ArchiMate library of its own (its own reader and its own copy
of the ArchiMate relationship table), and written back by it for our reader."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from graph.exports.archimate import to_archimate
from graph.model import NodeKind, Portfolio, RelType
from loaders import load_portfolio
from loaders.archimate import read_archimate
from tests.conftest import FIXTURES, REPO
from tests.interchange.conftest import need

try:
    from pyArchimate import Model
except ImportError:  # pragma: no cover - make interchange-deps installs it
    Model = None

SEED = load_portfolio()
HOSPITAL = load_portfolio(REPO / "tests" / "extraction" / "corpus" / "sykehus-terse.txt")  # exchanges data


def _read(portfolio: Portfolio, tmp_path: Path) -> Any:
    need(
        Model is not None,
        "pyArchimate",
        "make interchange-deps (pip install -c requirements.lock pyarchimate)",
    )
    path = tmp_path / "model.xml"
    path.write_text(to_archimate(portfolio), encoding="utf-8")
    model = Model("read")
    model.read(str(path))
    return model


def _element(model: Any, node_id: str) -> Any:
    return next(e for e in model.elems_dict.values() if e.props.get("id") == node_id)


def _relations(model: Any, source: str, rel: RelType, target: str) -> list[Any]:
    ends = {f"id-{source}", f"id-{target}"}
    return [
        r
        for r in model.rels_dict.values()
        if r.props.get("type") == rel.value and {r.source.uuid, r.target.uuid} == ends
    ]


@pytest.mark.parametrize("portfolio", [SEED, load_portfolio(FIXTURES / "kommune-portefolje.txt")])
def test_pyarchimate_reads_every_element_relationship_and_connection_of_the_export(
    portfolio: Portfolio, tmp_path: Path
) -> None:
    model = _read(portfolio, tmp_path)
    assert len(model.elems_dict) == len(portfolio.nodes)
    assert len(model.rels_dict) == len(model.conns_dict) == len(portfolio.edges)
    assert sorted(e.name for e in model.elems_dict.values()) == sorted(n.name for n in portfolio.nodes)


@pytest.mark.parametrize("portfolio", [SEED, load_portfolio(FIXTURES / "kommune-portefolje.txt")])
def test_every_relationship_is_allowed_by_pyarchimates_own_archimate_table(
    portfolio: Portfolio, tmp_path: Path
) -> None:
    model = _read(portfolio, tmp_path)
    assert model.check_invalid_relationships() == []
    assert model.check_invalid_nodes() == [] and model.check_invalid_conn() == []


def test_evidence_is_each_relationships_documentation_and_descriptions_the_elements(tmp_path: Path) -> None:
    model = _read(SEED, tmp_path)
    for e in SEED.edges:
        (r,) = _relations(model, e.source, e.type, e.target)
        assert r.desc == e.evidence
    for n in SEED.nodes:
        assert _element(model, n.id).desc == n.description


def test_paper_mail_is_a_business_interface_and_no_outside_node_a_specialization(tmp_path: Path) -> None:
    model = _read(SEED, tmp_path)
    assert _element(model, "post").type == "BusinessInterface"
    assert _element(model, "helseid").type == "ApplicationComponent"
    assert "Specialization" not in {r.type for r in model.rels_dict.values()}
    (built,) = _relations(model, "dip", RelType.BUILT_ON, "enonic-xp")
    assert (built.type, built.source.name, built.target.name) == (
        "Realization",
        "Enonic XP",
        "Digital Innholdsplattform (DIP)",
    )


def test_exchanges_with_reads_as_a_pair_of_flows_one_each_way(tmp_path: Path) -> None:
    model = _read(HOSPITAL, tmp_path)
    pairs = [e for e in HOSPITAL.edges if e.type == RelType.EXCHANGES_WITH]
    assert len(pairs) == 6 and {(e.target, e.source) for e in pairs} == {(e.source, e.target) for e in pairs}
    for e in pairs:
        both = {(r.type, r.source.uuid, r.target.uuid) for r in _relations(model, e.source, e.type, e.target)}
        assert both == {
            ("Flow", f"id-{e.source}", f"id-{e.target}"),
            ("Flow", f"id-{e.target}", f"id-{e.source}"),
        }
    assert Counter(r.type for r in model.rels_dict.values())["Association"] == 0


def test_what_pyarchimate_writes_back_our_reader_reads_as_the_same_edges(tmp_path: Path) -> None:
    model = _read(SEED, tmp_path)
    out = tmp_path / "written-by-pyarchimate.xml"
    model.write(str(out))
    back = read_archimate(out.read_bytes(), "back.xml")
    assert set(back.edges) == set(SEED.edges) and len(back.edges) == len(SEED.edges)
    # pyArchimate keeps one value per property name, so of a repeated property (our aliases) the last
    assert [replace(n, aliases=()) for n in back.nodes] == [replace(n, aliases=()) for n in SEED.nodes]
    assert all(set(b.aliases) <= set(n.aliases) for b, n in zip(back.nodes, SEED.nodes, strict=True))
    assert {n.kind for n in back.nodes} == set(NodeKind)
