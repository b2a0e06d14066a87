"""ArchiMate import: our exports come back exactly; models drawn in Archi come in sensibly; bad files are one error."""

from __future__ import annotations

import pytest

from graph.exports.archimate import to_archimate
from graph.model import Confidence, NodeKind, Portfolio, RelType
from loaders import LoadError, load_portfolio
from loaders.archimate import read_archimate
from tests.conftest import FIXTURES
from tests.graph.builders import with_risk_profile
from tests.schemas import ARCHIMATE, assert_valid_archimate, require

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-m">\n'
    "  <name>Kommunens modell</name>\n"
)

# Drawn in Archi: no eagraph properties. A process and a data object are not portfolio nodes.
ARCHI_MODEL = (
    HEAD
    + """  <elements>
    <element identifier="id-1" xsi:type="BusinessActor"><name>Saksbehandler</name></element>
    <element identifier="id-2" xsi:type="ApplicationComponent"><name>Fagsystem</name>
      <documentation>Behandler søknader.</documentation></element>
    <element identifier="id-3" xsi:type="ApplicationComponent"><name>Integrasjonsplattform</name></element>
    <element identifier="id-4" xsi:type="BusinessProcess"><name>Behandle søknad</name></element>
    <element identifier="id-5" xsi:type="SystemSoftware"><name>Fagsystem</name></element>
  </elements>
  <relationships>
    <relationship identifier="r-1" xsi:type="Serving" source="id-3" target="id-2"/>
    <relationship identifier="r-2" xsi:type="Serving" source="id-2" target="id-1">
      <documentation>Saksbehandlere bruker fagsystemet hver dag.</documentation></relationship>
    <relationship identifier="r-3" xsi:type="Assignment" source="id-1" target="id-4"/>
    <relationship identifier="r-4" xsi:type="Composition" source="id-3" target="id-5"/>
  </relationships>
</model>
"""
)


def _same_graph(a: Portfolio, b: Portfolio) -> None:
    assert b.document == a.document and b.meta == a.meta
    assert b.nodes == a.nodes
    assert b.edges == a.edges


def test_the_seed_round_trips_through_archimate_with_every_attribute() -> None:
    seed = load_portfolio()
    back = read_archimate(to_archimate(seed).encode(), "seed.xml")
    _same_graph(seed, back)
    assert back.findings == ()
    assert any(e.alt_group for e in back.edges) and any(e.scope for e in back.edges)
    assert any(e.confidence == Confidence.INFERRED for e in back.edges)
    assert (
        next(n for n in back.nodes if n.id == "hint").aliases
        == next(n for n in seed.nodes if n.id == "hint").aliases
    )


def test_the_second_portfolio_round_trips_too() -> None:
    p = load_portfolio(FIXTURES / "kommune-portefolje.txt")
    _same_graph(p, read_archimate(to_archimate(p).encode(), "kommune.xml"))


def test_a_model_drawn_in_archi_becomes_nodes_and_dependencies_by_element_and_relationship_type() -> None:
    p = read_archimate(ARCHI_MODEL.encode(), "kommune.xml")
    assert p.document == "Kommunens modell"
    kinds = {n.id: n.kind for n in p.nodes}
    assert kinds == {
        "saksbehandler": NodeKind.ACTOR,
        "fagsystem": NodeKind.SYSTEM,
        "integrasjonsplattform": NodeKind.SYSTEM,
        "fagsystem-2": NodeKind.SYSTEM,  # a second element with the same name keeps its own id
    }
    edges = {e.key: e for e in p.edges}
    assert set(edges) == {
        ("fagsystem", "integrasjonsplattform", "USES"),  # Serving 3 → 2: 2 depends on 3
        ("saksbehandler", "fagsystem", "USES"),
        ("fagsystem-2", "integrasjonsplattform", "PART_OF"),  # Composition whole → part
    }
    used = edges[("saksbehandler", "fagsystem", "USES")]
    assert used.evidence == "Saksbehandlere bruker fagsystemet hver dag."
    assert used.confidence == Confidence.CURATED and used.rule == "archimate:Serving"
    assert (used.document, used.line) == ("kommune.xml", 14)
    drawn = edges[("fagsystem", "integrasjonsplattform", "USES")]
    assert "Serving" in drawn.evidence and "kommune.xml:13" in drawn.evidence


def test_elements_that_are_not_portfolio_nodes_are_skipped_and_reported() -> None:
    p = read_archimate(ARCHI_MODEL.encode(), "kommune.xml")
    codes = {f.code: f.message for f in p.findings}
    assert "1 BusinessProcess" in codes["archimate-skipped-elements"]
    assert "1 Assignment" in codes["archimate-skipped-relationships"]


def test_archis_own_sample_file_imports() -> None:
    sample = require(ARCHIMATE / "sample-valid.xml").read_bytes()
    p = read_archimate(sample, "sample-valid.xml")
    assert [(n.id, n.kind) for n in p.nodes] == [("sales-person", NodeKind.ACTOR)]
    assert p.edges == ()  # its one relationship assigns the role to a process, which is skipped


def test_the_hand_written_test_model_is_itself_valid_archimate() -> None:
    assert_valid_archimate(ARCHI_MODEL)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            '<relationships><relationship identifier="r" xsi:type="Serving" source="id-x" target="id-y"/>'
            "</relationships>",
            4,
            "source 'id-x' does not exist",
        ),
        (
            '<elements>\n<element identifier="a" xsi:type="ApplicationComponent"><name>A</name>'
            '<properties><property propertyDefinitionRef="p1"><value>x</value></property></properties>'
            "</element></elements>",
            5,
            "unknown definition 'p1'",
        ),
        (
            '<elements>\n<element identifier="a" xsi:type="ApplicationComponent"><name>A</name>'
            '<properties>\n<property propertyDefinitionRef="k"><value>robot</value></property></properties>'
            "</element></elements>"
            '<propertyDefinitions><propertyDefinition identifier="k" type="string"><name>kind</name>'
            "</propertyDefinition></propertyDefinitions>",
            6,
            "kind 'robot' is not one of: system, integration, actor, external, website",
        ),
        (
            '<elements>\n<element identifier="a" xsi:type="ApplicationComponent"><name>A</name>'
            '<properties><property propertyDefinitionRef="i"><value>same</value></property></properties>'
            '</element>\n<element identifier="b" xsi:type="ApplicationComponent"><name>B</name>'
            '<properties><property propertyDefinitionRef="i"><value>same</value></property></properties>'
            "</element></elements>"
            '<propertyDefinitions><propertyDefinition identifier="i" type="string"><name>id</name>'
            "</propertyDefinition></propertyDefinitions>",
            6,
            "duplicate node id 'same' (first at line 5)",
        ),
    ],
)
def test_a_broken_model_is_one_error_with_its_line(body: str, line: int, message: str) -> None:
    data = (HEAD + body + "\n</model>\n").encode()
    with pytest.raises(LoadError) as caught:
        read_archimate(data, "m.xml")
    assert caught.value.line == line
    assert message in caught.value.message


def test_xml_that_is_not_an_archimate_model_is_refused_by_name() -> None:
    with pytest.raises(LoadError, match="not an ArchiMate exchange file: the root element is <svg>"):
        read_archimate(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "picture.xml")


def test_an_edited_relationship_type_keeps_our_type_and_direction_from_the_new_one() -> None:
    seed = load_portfolio()
    xml = to_archimate(seed).replace(
        'xsi:type="Specialization" source="id-dip" target="id-enonic-xp"',
        'xsi:type="Realization" source="id-enonic-xp" target="id-dip"',
    )
    back = read_archimate(xml.encode(), "edited.xml")
    assert ("dip", "enonic-xp", RelType.BUILT_ON.value) in {e.key for e in back.edges}


def test_criticality_recovery_objectives_and_roles_survive_the_round_trip() -> None:
    profiled = with_risk_profile(load_portfolio(), "praksisinfo")
    back = read_archimate(to_archimate(profiled).encode(), "seed.xml")
    assert next(n for n in back.nodes if n.id == "praksisinfo") == next(
        n for n in profiled.nodes if n.id == "praksisinfo"
    )
