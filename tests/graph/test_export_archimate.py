"""ArchiMate export: valid against the official XSD, relationships the metamodel allows, in ArchiMate's direction."""

from __future__ import annotations

import pytest
from lxml import etree

from graph.exports.archimate import ALLOWED, NS, element_type, relationship_for, to_archimate
from graph.model import Edge, Node, NodeKind, Portfolio, RelType
from loaders import load_portfolio
from tests.conftest import FIXTURES, SEED_EDGES
from tests.schemas import archimate_schema, assert_valid_archimate

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
Q = f"{{{NS}}}"

# Pinned from the ArchiMate relationship table (Appendix B; Archi's relationships.xml) for the element types
# the export writes: a = access, c = composition, f = flow, g = aggregation, o = association,
# r = realization, s = specialization, t = triggering, v = serving.
SPEC = {
    ("ApplicationComponent", "ApplicationComponent"): "cfgorstv",
    ("ApplicationComponent", "ApplicationInterface"): "cfgortv",
    ("ApplicationComponent", "BusinessActor"): "fotv",
    ("ApplicationInterface", "ApplicationComponent"): "fotv",
    ("ApplicationInterface", "ApplicationInterface"): "cfgostv",
    ("ApplicationInterface", "BusinessActor"): "fotv",
    ("BusinessActor", "ApplicationComponent"): "fotv",
    ("BusinessActor", "ApplicationInterface"): "fotv",
    ("BusinessActor", "BusinessActor"): "cfgostv",
    ("ApplicationComponent", "BusinessInterface"): "fortv",
    ("ApplicationInterface", "BusinessInterface"): "fortv",
    ("BusinessActor", "BusinessInterface"): "cfgiotv",
    ("BusinessInterface", "ApplicationComponent"): "fotv",
    ("BusinessInterface", "ApplicationInterface"): "fotv",
    ("BusinessInterface", "BusinessActor"): "fotv",
    ("BusinessInterface", "BusinessInterface"): "cfgostv",
}
LETTER = {
    "Composition": "c",
    "Flow": "f",
    "Aggregation": "g",
    "Assignment": "i",
    "Association": "o",
    "Realization": "r",
    "Specialization": "s",
    "Triggering": "t",
    "Serving": "v",
}


@pytest.fixture(scope="module")
def seed_xml() -> etree._Element:
    return etree.fromstring(to_archimate(load_portfolio()).encode())


def _elements(root: etree._Element) -> dict[str, etree._Element]:
    return {el.get("identifier"): el for el in root.iter(f"{Q}element")}


def _relationships(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{Q}relationship"))


def _props(el: etree._Element, root: etree._Element) -> list[tuple[str, str]]:
    names = {d.get("identifier"): d.findtext(f"{Q}name") for d in root.iter(f"{Q}propertyDefinition")}
    return [
        (names[p.get("propertyDefinitionRef")], p.findtext(f"{Q}value") or "")
        for p in el.iterfind(f"{Q}properties/{Q}property")
    ]


def _relationship(root: etree._Element, source: str, rel: str, target: str) -> etree._Element:
    """Our edge ``source -rel-> target`` as written in the file."""
    for r in _relationships(root):
        props = dict(_props(r, root))
        ends = {r.get("source"), r.get("target")}
        if props["type"] == rel and ends == {f"id-{source}", f"id-{target}"}:
            return r
    raise AssertionError(f"no relationship for {source} -{rel}-> {target}")


def test_the_seed_export_is_valid_against_the_official_archimate_diagram_schema() -> None:
    assert_valid_archimate(to_archimate(load_portfolio()))


def test_the_second_portfolio_export_is_valid_too() -> None:
    assert_valid_archimate(to_archimate(load_portfolio(FIXTURES / "kommune-portefolje.txt")))


def test_the_schema_check_is_real_a_tampered_export_fails_it(seed_xml: etree._Element) -> None:
    doc = etree.fromstring(etree.tostring(seed_xml))
    next(doc.iter(f"{Q}element")).set(XSI_TYPE, "SoftwareThing")
    assert not archimate_schema().validate(doc)


def test_every_relationship_is_one_the_archimate_table_allows_between_its_element_types(
    seed_xml: etree._Element,
) -> None:
    elements = _elements(seed_xml)
    rels = _relationships(seed_xml)
    assert len(rels) == SEED_EDGES
    for r in rels:
        pair = (elements[r.get("source")].get(XSI_TYPE), elements[r.get("target")].get(XSI_TYPE))
        assert LETTER[r.get(XSI_TYPE)] in SPEC[pair], (r.get("identifier"), pair, r.get(XSI_TYPE))


def test_the_exporters_relationship_table_matches_the_pinned_specification() -> None:
    assert {
        pair: "".join(sorted(LETTER[t] for t in allowed if t in LETTER)) for pair, allowed in ALLOWED.items()
    } == {pair: "".join(sorted(c for c in letters if c in LETTER.values())) for pair, letters in SPEC.items()}


def test_serving_points_from_the_provider_to_the_consumer_the_opposite_of_depends_on(
    seed_xml: etree._Element,
) -> None:
    integrates = _relationship(seed_xml, "praksisinfo", "INTEGRATES_VIA", "hint")
    assert integrates.get(XSI_TYPE) == "Serving"
    assert (integrates.get("source"), integrates.get("target")) == ("id-hint", "id-praksisinfo")
    uses = _relationship(seed_xml, "helseaktor", "USES", "praksisinfo")
    assert (uses.get(XSI_TYPE), uses.get("source"), uses.get("target")) == (
        "Serving",
        "id-praksisinfo",
        "id-helseaktor",
    )


def test_part_of_is_a_composition_from_the_whole_to_the_part(seed_xml: etree._Element) -> None:
    part = _relationship(seed_xml, "hapi", "PART_OF", "hint")
    assert (part.get(XSI_TYPE), part.get("source"), part.get("target")) == (
        "Composition",
        "id-hint",
        "id-hapi",
    )


def test_built_on_is_the_product_realizing_what_is_built_on_it_never_a_specialization(
    seed_xml: etree._Element,
) -> None:
    built = _relationship(seed_xml, "dip", "BUILT_ON", "enonic-xp")
    assert (built.get(XSI_TYPE), built.get("source"), built.get("target")) == (
        "Realization",
        "id-enonic-xp",
        "id-dip",
    )
    assert all(r.get(XSI_TYPE) != "Specialization" for r in _relationships(seed_xml))


def test_exchanges_with_is_a_pair_of_flows_one_each_way_not_two_associations() -> None:
    p = Portfolio(
        "t",
        (Node("a", "A", NodeKind.SYSTEM), Node("b", "B", NodeKind.SYSTEM)),
        (
            Edge("a", "b", RelType.EXCHANGES_WITH, "A og B utveksler data."),
            Edge("b", "a", RelType.EXCHANGES_WITH, "A og B utveksler data."),
        ),
    )
    root = etree.fromstring(to_archimate(p).encode())
    flows = {(r.get(XSI_TYPE), r.get("source"), r.get("target")) for r in _relationships(root)}
    assert flows == {("Flow", "id-a", "id-b"), ("Flow", "id-b", "id-a")}


def test_a_channel_outside_the_portfolio_is_a_business_interface_not_an_application_component() -> None:
    p = Portfolio(
        "t",
        (
            Node("brev", "Brevmodul", NodeKind.SYSTEM),
            Node("post", "Post (papirbrev)", NodeKind.EXTERNAL, category="channel"),
        ),
        (Edge("brev", "post", RelType.DELIVERS_VIA, "Brev sendes i posten."),),
    )
    xml = to_archimate(p)
    assert_valid_archimate(xml)
    root = etree.fromstring(xml.encode())
    assert _elements(root)["id-post"].get(XSI_TYPE) == "BusinessInterface"
    served = _relationship(root, "brev", "DELIVERS_VIA", "post")
    assert (served.get(XSI_TYPE), served.get("source")) == ("Serving", "id-post")


def test_paper_mail_in_the_seed_is_not_an_application_component(seed_xml: etree._Element) -> None:
    types = {i.removeprefix("id-"): el.get(XSI_TYPE) for i, el in _elements(seed_xml).items()}
    assert types["post"] == "BusinessInterface"


def test_data_flows_from_the_sender_to_the_receiver(seed_xml: etree._Element) -> None:
    received = _relationship(seed_xml, "frikort-brevmodul", "RECEIVES_FROM", "nav-tjenester")
    assert (received.get(XSI_TYPE), received.get("source")) == ("Flow", "id-nav-tjenester")
    sent = _relationship(seed_xml, "okonomimodulen", "TRANSFERS_TO", "dfo-tjenester")
    assert (sent.get(XSI_TYPE), sent.get("source")) == ("Flow", "id-okonomimodulen")


def test_kinds_become_components_interfaces_and_actors(seed_xml: etree._Element) -> None:
    types = {i.removeprefix("id-"): el.get(XSI_TYPE) for i, el in _elements(seed_xml).items()}
    assert types["praksisinfo"] == types["hint"] == types["helseid"] == "ApplicationComponent"
    assert types["helsedirektoratet-no"] == "ApplicationInterface"
    assert types["helfo"] == "BusinessActor"


def test_evidence_is_documentation_and_the_edge_fields_are_properties(seed_xml: etree._Element) -> None:
    seed = load_portfolio()
    edge = next(
        e for e in seed.edges if e.key == ("praksisinfo", "tjenesteportal-for-helseaktor", "ACCESSED_VIA")
    )
    r = _relationship(seed_xml, *edge.key[:1], "ACCESSED_VIA", "tjenesteportal-for-helseaktor")
    assert r.findtext(f"{Q}documentation") == edge.evidence
    props = _props(r, seed_xml)
    assert ("confidence", "stated") in props and ("strength", edge.strength.value) in props
    assert ("scope", "helseaktor") in props and ("line", str(edge.line)) in props
    login = _relationship(seed_xml, "tjenesteportal-for-helseaktor", "AUTHENTICATES_WITH", "helseid")
    assert ("alt_group", "tjenesteportal-for-helseaktor/login") in _props(login, seed_xml)


def test_line_is_a_number_property_and_the_rest_are_strings(seed_xml: etree._Element) -> None:
    types = {d.findtext(f"{Q}name"): d.get("type") for d in seed_xml.iter(f"{Q}propertyDefinition")}
    assert types["line"] == "number"
    assert {types[n] for n in ("confidence", "strength", "alt_group", "scope", "kind", "alias")} == {"string"}


def test_the_view_shows_every_element_and_relationship_once_without_overlaps(
    seed_xml: etree._Element,
) -> None:
    view = next(seed_xml.iter(f"{Q}view"))
    nodes = view.findall(f"{Q}node")
    assert sorted(n.get("elementRef") for n in nodes) == sorted(_elements(seed_xml))
    connections = view.findall(f"{Q}connection")
    assert sorted(c.get("relationshipRef") for c in connections) == sorted(
        r.get("identifier") for r in _relationships(seed_xml)
    )
    boxes = [tuple(int(n.get(a)) for a in "xywh") for n in nodes]
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    by_ref = {n.get("elementRef"): n.get("identifier") for n in nodes}
    rels = {r.get("identifier"): r for r in _relationships(seed_xml)}
    for c in connections:  # a connection joins the diagram nodes of its relationship's ends
        r = rels[c.get("relationshipRef")]
        assert (c.get("source"), c.get("target")) == (by_ref[r.get("source")], by_ref[r.get("target")])


def test_actors_are_drawn_above_the_systems_they_use(seed_xml: etree._Element) -> None:
    y = {n.get("elementRef"): int(n.get("y")) for n in seed_xml.iter(f"{Q}node")}
    assert y["id-helseaktor"] < y["id-praksisinfo"] < y["id-helseid"]


@pytest.mark.parametrize(
    ("rel", "source_kind", "target_kind", "expected"),
    [
        (RelType.PART_OF, NodeKind.SYSTEM, NodeKind.ACTOR, ("Association", False)),
        (RelType.BUILT_ON, NodeKind.WEBSITE, NodeKind.SYSTEM, ("Realization", True)),
        (RelType.BUILT_ON, NodeKind.ACTOR, NodeKind.SYSTEM, ("Serving", True)),
        (RelType.BUILT_ON, NodeKind.SYSTEM, NodeKind.EXTERNAL, ("Realization", True)),
        (RelType.EXCHANGES_WITH, NodeKind.ACTOR, NodeKind.SYSTEM, ("Flow", False)),
        (RelType.PART_OF, NodeKind.WEBSITE, NodeKind.SYSTEM, ("Composition", True)),
        (RelType.HOSTED_ON, NodeKind.WEBSITE, NodeKind.SYSTEM, ("Serving", True)),
    ],
)
def test_a_relation_the_table_forbids_falls_back_to_an_allowed_one(
    rel: RelType, source_kind: NodeKind, target_kind: NodeKind, expected: tuple[str, bool]
) -> None:
    p = Portfolio(
        "t", (Node("a", "A", source_kind), Node("b", "B", target_kind)), (Edge("a", "b", rel, "A, B."),)
    )
    assert_valid_archimate(to_archimate(p))
    choice = relationship_for(rel, element_type(source_kind), element_type(target_kind))
    assert (choice.type, choice.reversed) == expected


def test_text_xml_cannot_carry_is_replaced_instead_of_breaking_the_file() -> None:
    p = Portfolio("t", (Node("a", "A\x00<&>\"'", NodeKind.SYSTEM, description="bell\x07"),), ())
    root = etree.fromstring(to_archimate(p).encode())
    assert next(root.iter(f"{Q}element")).findtext(f"{Q}name") == "A\ufffd<&>\"'"


def test_an_empty_portfolio_is_still_a_valid_model() -> None:
    assert_valid_archimate(to_archimate(Portfolio("empty", (), ())))
