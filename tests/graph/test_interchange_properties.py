"""Any portfolio survives export → import in every two-way format, and its ArchiMate stays schema-valid."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.exports import export
from graph.model import Confidence, Edge, Node, NodeKind, Portfolio, RelType, Strength
from loaders.interchange import read_files
from tests.schemas import assert_valid_archimate

# Text a person could type: any letters, digits, punctuation and symbols (quotes, <, &, |, ;, \ …),
# inner spaces and line breaks, but no control characters (XML 1.0 cannot carry them), no carriage
# returns (XML parsers normalise them) and no surrounding blanks (CSV cells are trimmed).
CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029\x85"
)
TEXT = st.text(CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
LONG_TEXT = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)
OPTIONAL = st.none() | TEXT


@st.composite
def nodes(draw: st.DrawFn, node_id: str, kind: NodeKind) -> Node:
    return Node(
        id=node_id,
        name=draw(TEXT),
        kind=kind,
        labels=tuple(draw(st.lists(st.sampled_from(list(NodeKind)), max_size=2, unique=True))),
        aliases=tuple(draw(st.lists(TEXT, max_size=3))),
        short=draw(OPTIONAL),
        category=draw(OPTIONAL),
        description=draw(st.none() | LONG_TEXT),
        owner=draw(OPTIONAL),
        url=draw(OPTIONAL),
        document=draw(OPTIONAL),
        line=draw(st.none() | st.integers(1, 10**6)),
        entry=draw(OPTIONAL),
    )


@st.composite
def portfolios(draw: st.DrawFn) -> Portfolio:
    # ids are slugs, as every importer requires (issue 12, item 14)
    ids = draw(
        st.lists(
            st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    kinds = [draw(st.sampled_from(list(NodeKind))) for _ in ids]
    ns = tuple(draw(nodes(i, k)) for i, k in zip(ids, kinds, strict=True))
    actors = [n.id for n in ns if n.kind == NodeKind.ACTOR]
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.sampled_from(list(RelType))),
            max_size=8,
            unique=True,
        )
    )
    es = tuple(
        Edge(
            source=s,
            target=t,
            type=rel,
            evidence=draw(LONG_TEXT),
            confidence=draw(st.sampled_from(list(Confidence))),
            strength=draw(st.sampled_from(list(Strength))),
            document=draw(OPTIONAL),
            line=draw(st.none() | st.integers(1, 10**6)),
            alt_group=draw(OPTIONAL),
            scope=tuple(draw(st.lists(st.sampled_from(actors), unique=True, max_size=2))) if actors else (),
            rule=draw(OPTIONAL),
            note=draw(st.none() | LONG_TEXT),
        )
        for s, t, rel in keys
    )
    meta = draw(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), TEXT, max_size=2))
    meta.pop("document", None)
    meta.pop("revision", None)
    return Portfolio(draw(TEXT), ns, es, meta=meta)


def _through(p: Portfolio, fmt: str) -> Portfolio:
    return read_files([(f"p.{fmt}", export(p, fmt)[1].encode())])


@given(portfolios())
def test_archimate_round_trips_any_portfolio_exactly_and_stays_valid(p: Portfolio) -> None:
    _, xml = export(p, "archimate")
    assert_valid_archimate(xml)
    back = _through(p, "archimate")
    assert (back.document, back.meta, back.nodes, back.edges) == (p.document, p.meta, p.nodes, p.edges)


@given(portfolios())
def test_graphml_and_node_link_round_trip_any_portfolio(p: Portfolio) -> None:
    for fmt in ("graphml", "node-link"):
        back = _through(p, fmt)
        assert back.nodes == p.nodes, fmt
        assert set(back.edges) == set(p.edges) and len(back.edges) == len(p.edges), fmt
        assert (back.document, back.meta) == (p.document, p.meta), fmt


@given(portfolios())
def test_the_csv_pair_round_trips_any_portfolios_nodes_and_edges(p: Portfolio) -> None:
    back = read_files(
        [("nodes.csv", export(p, "csv-nodes")[1].encode()), ("edges.csv", export(p, "csv-edges")[1].encode())]
    )
    assert back.nodes == p.nodes and back.edges == p.edges
