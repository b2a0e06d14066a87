"""The curated overlay: changes with reasons, and errors that name the overlay line."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Confidence, Strength
from loaders import SEED, LoadError, load_portfolio


def overlay(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlay.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")
    return path


def test_the_shipped_overlay_adds_curated_edges_that_cite_their_line(seed) -> None:  # type: ignore[no-untyped-def]
    part = next(e for e in seed.edges if e.key == ("hapi", "hint", "PART_OF"))
    assert part.confidence is Confidence.CURATED and part.document == "overlay.yaml" and part.line
    login = [e for e in seed.edges if e.type.value == "AUTHENTICATES_WITH" and e.alt_group]
    assert {e.target for e in login} == {"helseid", "minid"}
    assert not [e for e in seed.edges if e.source == "frida" or e.target == "frida"]
    assert any(f.code == "curated-removal" and "frida" in f.nodes for f in seed.findings)


def test_an_overlay_edge_to_an_unknown_node_names_the_line_and_suggests_ids(tmp_path: Path) -> None:
    path = overlay(
        tmp_path,
        "edges:\n  add:\n    - source: hint\n      target: hapii\n      type: USES\n      reason: x\n",
    )
    with pytest.raises(LoadError) as err:
        load_portfolio(SEED, path)
    assert err.value.line == 5
    assert "hapii" in str(err.value) and "hapi" in str(err.value).split("mean")[1]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("edges:\n  add:\n    - source: hint\n      target: hapi\n      type: USES\n", 4, "lacks reason"),
        ("edges:\n  add:\n    - {source: hint, target: hapi, type: LOVES, reason: x}\n", 4, "not one of"),
        ("edges:\n  remove:\n    - {source: hint, target: dip, type: USES, reason: x}\n", 4, "no edge"),
        ("nodes:\n  update:\n    - {id: dip, colour: red, reason: x}\n", 4, "unknown field"),
        (
            "edges:\n  add:\n    - {source: hint, target: hapi, type: USES, reason: ''}\n",
            4,
            "non-empty reason",
        ),
        ("colour: red\n", 2, "unknown top-level key"),
        ("edges: [\n", 3, "not valid YAML"),
        ("document: other.txt\n", 2, "written for"),
    ],
)
def test_a_bad_overlay_is_one_error_naming_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    with pytest.raises(LoadError) as err:
        load_portfolio(SEED, overlay(tmp_path, text))
    assert message in str(err.value)
    assert err.value.line == line


def test_overlay_updates_change_strength_and_keep_the_stated_evidence(tmp_path: Path) -> None:
    text = (
        "edges:\n  update:\n    - source: dip\n      target: enonic-xp\n      type: BUILT_ON\n"
        "      strength: soft\n      reason: Sites keep serving from cache.\n"
    )
    p = load_portfolio(SEED, overlay(tmp_path, text))
    e = next(e for e in p.edges if e.key == ("dip", "enonic-xp", "BUILT_ON"))
    assert e.strength is Strength.SOFT and e.confidence is Confidence.STATED
    assert e.evidence.startswith("Er en kundetilpasset versjon") and e.note and "cache" in e.note


def test_the_overlay_renames_an_entry_by_its_line_before_anything_is_read_from_it(tmp_path: Path) -> None:
    doc = tmp_path / "p.txt"
    doc.write_text(
        "System  Beskrivelse \n\nKvist Arena JRN/PAS, somatikk. Henter data fra Tidbank.\n\n"
        "Tidbank  Timeregistrering.\n",
        encoding="utf-8",
    )
    ov = tmp_path / "o.yaml"
    ov.write_text(
        "version: 1\nentries:\n  rename:\n    - line: 3\n      name: Kvist\n"
        "      reason: The product is Kvist; Arena is its description.\n",
        encoding="utf-8",
    )
    p = load_portfolio(doc, ov)
    kvist = next(n for n in p.nodes if n.line == 3)
    assert kvist.name == "Kvist" and kvist.description and kvist.description.startswith("Arena JRN/PAS")
    assert ("kvist", "tidbank") in {(e.source, e.target) for e in p.edges}
    assert any(f.code == "curated-rename" and f.line == 4 for f in p.findings)


def test_renaming_a_line_where_no_entry_starts_names_the_overlay_line(tmp_path: Path) -> None:
    doc = tmp_path / "p.txt"
    doc.write_text("System  Beskrivelse \n\nTidbank  Timeregistrering.\n", encoding="utf-8")
    ov = tmp_path / "o.yaml"
    ov.write_text("version: 1\nentries:\n  rename:\n    - {line: 9, name: X, reason: r}\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_portfolio(doc, ov)
    assert (caught.value.source, caught.value.line) == ("o.yaml", 4)
    assert "no entry starts on line 9 of p.txt" in caught.value.message
