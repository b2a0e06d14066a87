"""Several sources, one graph: which nodes are one, which are only reported as possibly one, and the decisions
that settle it."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders.errors import LoadError
from loaders.interchange import load_any
from loaders.sources import Resolution, Source, combine, merge, portfolio_sources


def _doc(name: str, *nodes: Node, edges: tuple[Edge, ...] = ()) -> Portfolio:
    return Portfolio(name, nodes, edges)


def _entry(node_id: str, name: str, short: str | None = None, **kw: object) -> Node:
    return Node(node_id, name, NodeKind.SYSTEM, short=short, entry=name, **kw)  # type: ignore[arg-type]


def _outside(node_id: str, name: str, **kw: object) -> Node:
    return Node(node_id, name, NodeKind.EXTERNAL, **kw)  # type: ignore[arg-type]


A = Source("a", "a.txt", "Org A")
B = Source("b", "b.txt", "Org B")


def _ids(p: Portfolio) -> list[str]:
    return [n.id for n in p.nodes]


def _codes(p: Portfolio, code: str) -> list[str]:
    return [f.message for f in p.findings if f.code == code]


def test_an_outside_name_and_an_entry_of_the_same_name_are_one_node_described_by_the_entry() -> None:
    a = _doc(
        "a.txt",
        _entry("portal", "Portal"),
        _outside("helseid", "HelseID"),
        edges=(
            Edge(
                "portal", "helseid", RelType.AUTHENTICATES_WITH, "Innlogging med HelseID.", document="a.txt"
            ),
        ),
    )
    b = _doc("b.txt", _entry("helseid", "HelseID", description="Påloggingstjeneste."))
    p = merge([(A, a), (B, b)])
    assert _ids(p) == ["portal", "helseid"]
    helseid = p.node("helseid")
    assert (helseid.kind, helseid.description, helseid.sources) == (
        NodeKind.SYSTEM,
        "Påloggingstjeneste.",
        ("a", "b"),
    )
    assert [(e.source, e.target, e.document) for e in p.edges] == [("portal", "helseid", "a.txt")]


def test_an_abbreviation_in_one_source_is_the_entry_that_gives_it_in_another() -> None:
    a = _doc(
        "a.txt",
        _entry("app", "App"),
        _outside("nhn", "NHN"),
        edges=(Edge("app", "nhn", RelType.DEPENDS_ON, "App bruker NHN.", document="a.txt"),),
    )
    b = _doc("b.txt", _entry("norsk-helsenett-nhn", "Norsk helsenett (NHN)", short="NHN"))
    p = merge([(A, a), (B, b)])
    assert _ids(p) == ["app", "nhn"]  # the first id stays: edges already point at it
    assert p.node("nhn").name == "Norsk helsenett (NHN)" and "NHN" in (
        *p.node("nhn").aliases,
        p.node("nhn").short,
    )
    assert [(e.source, e.target) for e in p.edges] == [("app", "nhn")]


def test_an_inflected_name_is_the_node_of_its_base_form() -> None:
    a = _doc("a.txt", _entry("app", "App"), _outside("helsenorges", "Helsenorges"))
    b = _doc("b.txt", _entry("helsenorge", "Helsenorge"))
    assert _ids(merge([(A, a), (B, b)])) == ["app", "helsenorges"]


def test_a_name_that_could_be_two_nodes_is_not_merged_but_reported_with_both_candidates() -> None:
    a = _doc(
        "a.txt",
        _entry("grunndata-person", "Grunndata", aliases=("Personregisteret",)),
        _entry("grunndata-adresse", "Adresseregisteret", aliases=("Grunndata",)),
    )
    b = _doc("b.txt", _entry("app", "App"), _outside("grunndata", "Grunndata"))
    p = merge([(A, a), (B, b)])
    assert "grunndata" in _ids(p)  # kept apart
    (message,) = _codes(p, "possible-same")
    assert "ambiguous" in message and "'Grunndata' (a)" in message and "'Adresseregisteret' (a)" in message


def test_a_name_that_is_part_of_another_is_reported_not_merged() -> None:
    a = _doc("a.txt", _entry("norsk-helsenett-sf", "Norsk helsenett SF"))
    b = _doc("b.txt", _outside("norsk-helsenett", "Norsk helsenett"))
    p = merge([(A, a), (B, b)])
    assert _ids(p) == ["norsk-helsenett-sf", "norsk-helsenett"]
    (message,) = _codes(p, "possible-same")
    assert "'norsk helsenett' is part of 'norsk helsenett sf'" in message


def test_nodes_of_one_source_are_never_merged_with_each_other() -> None:
    a = _doc("a.txt", _entry("x", "X", aliases=("Felles",)), _entry("y", "Y", aliases=("Felles",)))
    assert _ids(merge([(A, a)])) == ["x", "y"]


def test_same_as_joins_what_names_alone_would_not_and_not_same_keeps_apart_what_they_would() -> None:
    a = _doc("a.txt", _entry("norsk-helsenett-sf", "Norsk helsenett SF"), _entry("nav", "NAV"))
    b = _doc("b.txt", _outside("norsk-helsenett", "Norsk helsenett"), _outside("nav", "NAV"))
    decisions = [
        Resolution(("a", "norsk-helsenett-sf"), ("b", "norsk-helsenett"), True, "one company"),
        Resolution(("a", "nav"), ("b", "nav"), False, "a's NAV is a local office"),
    ]
    p = merge([(A, a), (B, b)], decisions)
    assert _ids(p) == ["norsk-helsenett-sf", "nav", "nav-b"]
    assert p.node("norsk-helsenett-sf").sources == ("a", "b")
    assert not _codes(p, "possible-same")
    assert "id-renamed" in {f.code for f in p.findings}


def test_an_entry_described_by_two_sources_keeps_both_descriptions_and_a_finding_when_they_disagree() -> None:
    a = _doc("a.txt", _entry("helseid", "HelseID", description="Innlogging.", owner="NHN"))
    b = _doc("b.txt", _entry("helseid", "HelseID", description="Pålogging for helsepersonell.", owner="Hdir"))
    p = merge([(A, a), (B, b)])
    assert p.node("helseid").descriptions == ("a: Innlogging.", "b: Pålogging for helsepersonell.")
    (message,) = _codes(p, "sources-disagree")
    assert "owner (NHN / Hdir)" in message


def test_one_relation_read_from_two_documents_is_one_edge_citing_both() -> None:
    a = _doc(
        "a.txt",
        _entry("x", "X"),
        _outside("y", "Y"),
        edges=(Edge("x", "y", RelType.USES, "X bruker Y.", document="a.txt", line=3),),
    )
    b = _doc(
        "b.txt",
        _entry("y", "Y"),
        _outside("x", "X"),
        edges=(Edge("x", "y", RelType.USES, "Y brukes av X.", document="b.txt", line=7),),
    )
    (edge,) = merge([(A, a), (B, b)]).edges
    assert (edge.evidence, edge.also) == ("X bruker Y.", ("b.txt:7: Y brukes av X.",))


def test_the_merged_portfolio_lists_its_sources() -> None:
    p = merge(
        [(A, _doc("a.txt", _entry("x", "X"))), (B, _doc("b.txt", _entry("y", "Y")))], hashes={"a": "00"}
    )
    assert [(s.id, s.document, s.organisation, s.sha256) for s in portfolio_sources(p)] == [
        ("a", "a.txt", "Org A", "00"),
        ("b", "b.txt", "Org B", None),
    ]


def test_loading_a_source_keeps_the_others_and_unloading_one_removes_only_its_contribution() -> None:
    a = _doc(
        "a.txt", _entry("x", "X"), _outside("y", "Y"), edges=(Edge("x", "y", RelType.USES, "X bruker Y."),)
    )
    b = _doc(
        "b.txt", _entry("y", "Y"), _outside("z", "Z"), edges=(Edge("y", "z", RelType.USES, "Y bruker Z."),)
    )
    p, parts = combine((), [(A, a, None)], now="t1")
    p, parts = combine(parts, [(B, b, None)], now="t2")
    assert [(e.source, e.target) for e in p.edges] == [("x", "y"), ("y", "z")]
    p, parts = combine(parts, remove=["a"])
    assert _ids(p) == ["y", "z"] and [s.id for s in parts] == ["b"]
    with pytest.raises(LookupError, match="no source 'a' is loaded"):
        combine(parts, remove=["a"])


# ------------------------------------------------------------------------------------------- manifests


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_manifest_merges_its_sources_and_names_their_organisations(tmp_path: Path) -> None:
    seed = Path(__file__).parents[2] / "seed" / "hdir-systemportefolje-2023.txt"
    other = Path(__file__).parents[1] / "extraction" / "corpus" / "trygdeetat-blandet.txt"
    manifest = _write(
        tmp_path,
        "portfolio.yaml",
        f"version: 1\nsources:\n  - id: hdir\n    file: {seed}\n    organisation: Helsedirektoratet\n"
        f"  - id: trygd\n    file: {other}\n",
    )
    p = load_any(manifest)
    assert [(s.id, s.organisation) for s in portfolio_sources(p)] == [
        ("hdir", "Helsedirektoratet"),
        ("trygd", None),
    ]
    assert {"hdir", "trygd"} <= {s for n in p.nodes for s in n.sources}
    assert p.document == "portfolio.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nsources: []\n", "portfolio.yaml:2: 'sources' must be a list"),
        ("version: 1\nsources:\n  - id: A B\n    file: x.txt\n", "source id 'A B' is not a slug"),
        ("version: 1\nsources:\n  - id: a\n    file: missing.txt\n", "source 'a': no file 'missing.txt'"),
        ("version: 1\nsources:\n  - id: a\n    file: x.txt\n    colour: red\n", "unknown key 'colour'"),
        ("version: 2\nsources:\n  - id: a\n    file: x.txt\n", "'version: 1' is required"),
    ],
)
def test_a_broken_manifest_is_refused_in_one_line_naming_where(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(LoadError) as caught:
        load_any(_write(tmp_path, "portfolio.yaml", text))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_same_as_naming_a_node_no_source_has_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", "System  Beskrivelse\n\nAlfa Saksbehandlingssystem. Benyttes av Helfo.\n")
    text = (
        "version: 1\nsources:\n  - id: a\n    file: a.txt\n  - id: b\n    file: a.txt\n"
        "same_as:\n  - {a: 'a:Alfa', b: 'b:Beta', reason: test}\n"
    )
    with pytest.raises(LoadError, match=r"portfolio\.yaml:8: no node of source 'b' named 'Beta'"):
        load_any(_write(tmp_path, "portfolio.yaml", text))
