"""What a risk assessment adds per system — criticality, recovery objectives, roles, hosting, fallback — from
the overlay or a sheet beside it, on an invented portfolio."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders import LoadError, load_portfolio

DOC = (
    "System  Beskrivelse \n\n"
    "Kassa Økonomisystem for utbetalinger. Benyttes av Helfo til utbetaling av refusjoner. \n\n"
    "Postkassen (PK) Meldingstjeneste. Kassa sender brev via Postkassen. \n"
)


def portfolio_dir(tmp_path: Path, overlay: str) -> tuple[Path, Path]:
    doc = tmp_path / "okonomi.txt"
    doc.write_text(DOC, encoding="utf-8")
    ov = tmp_path / "overlay.yaml"
    ov.write_text("version: 1\n" + overlay, encoding="utf-8")
    return doc, ov


def test_the_overlay_sets_criticality_recovery_objectives_and_roles(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(
        tmp_path,
        "nodes:\n  update:\n"
        "    - {id: kassa, criticality: A, rto: 4 h, rpo: 15 min, mtd: 2 d, owner: Økonomidirektøren,\n"
        "       administrator: Seksjon for betaling, operator: Driftspartner AS, hosting: eget datasenter,\n"
        "       fallback: manuelle utbetalinger fra nettbanken, reason: risikovurdering 2026}\n",
    )
    kassa = load_portfolio(doc, ov).node("kassa")
    assert (kassa.criticality, kassa.rto_hours, kassa.rpo_hours, kassa.mtd_hours) == ("A", 4.0, 0.25, 48.0)
    assert kassa.owner == "Økonomidirektøren" and kassa.administrator == "Seksjon for betaling"
    assert kassa.operator == "Driftspartner AS" and kassa.hosting == "eget datasenter"
    assert kassa.fallback == "manuelle utbetalinger fra nettbanken"


def test_a_csv_sheet_beside_the_overlay_is_keyed_by_name_or_abbreviation(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(tmp_path, "sheets: [risiko.csv]\n")
    (tmp_path / "risiko.csv").write_text(
        "System;Kritikalitet;RTO;Maks tolererbar nedetid;Driftsleverandør\nkassa;A;4 t;1 uke;Driftspartner AS\n"
        "PK;C;2 dager;;\n",
        encoding="utf-8",
    )
    p = load_portfolio(doc, ov)
    assert (p.node("kassa").criticality, p.node("kassa").rto_hours, p.node("kassa").mtd_hours) == (
        "A",
        4.0,
        168.0,
    )
    assert p.node("kassa").operator == "Driftspartner AS"
    assert (p.node("pk").criticality, p.node("pk").rto_hours) == ("C", 48.0)


def test_an_xlsx_sheet_reads_the_same_as_csv(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(tmp_path, "sheets: [risiko.xlsx]\n")
    book = Workbook()
    book.active.append(["ID", "Criticality", "RPO", "Reserveløsning"])
    book.active.append(["kassa", "B", 1, "papirskjema"])
    book.save(tmp_path / "risiko.xlsx")
    kassa = load_portfolio(doc, ov).node("kassa")
    assert (kassa.criticality, kassa.rpo_hours, kassa.fallback) == ("B", 1.0, "papirskjema")


@pytest.mark.parametrize(
    ("sheet", "line", "message"),
    [
        ("System;RTO\nUkjent;4 h\n", 2, "names no system"),
        ("System;RTO\nkassa;snart\n", 2, "not a duration"),
        ("Navn\nkassa\n", 1, "no known column"),
        ("Kritikalitet\nA\n", 1, "no 'id' or 'System' column"),
    ],
)
def test_a_bad_sheet_is_one_error_naming_its_row(tmp_path: Path, sheet: str, line: int, message: str) -> None:
    doc, ov = portfolio_dir(tmp_path, "sheets: [risiko.csv]\n")
    (tmp_path / "risiko.csv").write_text(sheet, encoding="utf-8")
    with pytest.raises(LoadError) as err:
        load_portfolio(doc, ov)
    assert (err.value.source, err.value.line) == ("risiko.csv", line)
    assert message in err.value.message


def test_a_bad_duration_in_the_overlay_names_its_line(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(
        tmp_path, "nodes:\n  update:\n    - id: kassa\n      rto: fort\n      reason: x\n"
    )
    with pytest.raises(LoadError) as err:
        load_portfolio(doc, ov)
    assert err.value.line == 5 and "not a duration" in err.value.message


def test_an_owner_the_document_names_as_a_user_is_questioned(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(tmp_path, "nodes:\n  update:\n    - {id: kassa, owner: Helfo, reason: antatt}\n")
    p = load_portfolio(doc, ov)
    (finding,) = [f for f in p.findings if f.code == "owner-is-user"]
    assert finding.nodes == ("kassa",) and "only a user" in finding.message


def test_an_entry_with_named_users_is_not_reported_as_having_no_relations(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(tmp_path, "")
    p = load_portfolio(doc, ov)
    assert not [f for f in p.findings if f.code == "no-relations" and "kassa" in f.nodes]


def test_a_file_that_is_no_workbook_is_one_error_naming_it(tmp_path: Path) -> None:
    doc, ov = portfolio_dir(tmp_path, "sheets: [risiko.xlsx]\n")
    (tmp_path / "risiko.xlsx").write_bytes(b"not a zip")
    with pytest.raises(LoadError) as err:
        load_portfolio(doc, ov)
    assert err.value.source == "risiko.xlsx" and "not an Excel workbook" in err.value.message
