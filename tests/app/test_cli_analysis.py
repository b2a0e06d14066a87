"""`eagraph impact | deps | dependents | path | critical | cycles` through the console entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_impact_json_has_the_documented_shape() -> None:
    res = run("impact", "hINT", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["down"] == ["hint"]
    item = next(i for i in data["impacted"] if i["id"] == "hapi")
    assert {"id", "name", "kind", "state", "distance", "path", "evidence", "inferred"} <= set(item)
    assert item["path"] == ["hapi", "hint"] and item["state"] == "down"
    assert data["summary"]["by_state"]["down"] >= 1


def test_impact_table_reads_at_a_glance() -> None:
    res = run("impact", "tjenesteportalen")
    assert res.returncode == 0
    assert "down for Helseaktører" in res.stdout and "What each user loses" in res.stdout
    assert "cannot se og vedlikeholde praksisinformasjon via Praksisinfo" in " ".join(res.stdout.split())
    assert "via Tjenesteportalen" in res.stdout  # the evidence sentence is shown


def test_min_confidence_stated_drops_inferred_dependents() -> None:
    everything = json.loads(run("impact", "hint", "--json").stdout)
    stated = json.loads(run("impact", "hint", "--json", "--min-confidence", "stated").stdout)
    assert len(stated["impacted"]) < len(everything["impacted"])
    assert not any(i["inferred"] for i in stated["impacted"])


def test_an_unknown_name_is_one_line_with_suggestions_and_exit_2() -> None:
    res = run("impact", "hintt")
    assert res.returncode == 2
    assert "did you mean" in res.stderr and "hint" in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_deps_and_dependents_walk_opposite_directions() -> None:
    deps = json.loads(run("deps", "hAPI", "--json").stdout)
    assert {"dip", "enonic-xp", "hint"} == {i["id"] for i in deps["items"]}
    # "et felles kontaktregister" describes FKR rather than naming it: the portal's edge is inferred
    dependents = json.loads(
        run("dependents", "FKR", "--json", "--depth", "1", "--min-confidence", "inferred").stdout
    )
    assert [i["id"] for i in dependents["items"]] == ["tjenesteportal-for-helseaktor"]


def test_path_explains_each_hop_with_its_sentence() -> None:
    res = run("path", "Praksisinfo", "HelseID", "--json")
    data = json.loads(res.stdout)
    assert data["paths"][0]["path"] == ["praksisinfo", "tjenesteportal-for-helseaktor", "helseid"]
    assert all(h["evidence"] for h in data["paths"][0]["hops"])


def test_critical_and_cycles_answer() -> None:
    crit = json.loads(run("critical", "--json").stdout)
    assert crit["nodes"][0]["blast_radius"] >= crit["nodes"][-1]["blast_radius"]
    assert ["helseid", "minid"] in [p["pair"] for p in crit["pairs"]]
    cyc = json.loads(run("cycles", "--json").stdout)
    assert cyc["cycles"] == []  # the seed's systems depend on one another in no circle


def test_portfolio_option_answers_on_another_document() -> None:
    res = run(
        "impact", "nav-tjenester", "--portfolio", str(Path(FIXTURES / "kommune-portefolje.txt")), "--json"
    )
    data = json.loads(res.stdout)
    assert "fut" in {i["id"] for i in data["impacted"]}


def test_impact_summarises_and_sorts_by_criticality_and_rto(tmp_path: Path) -> None:
    doc = tmp_path / "okonomi.txt"
    doc.write_text(
        "System  Beskrivelse \n\n"
        "Kassa Økonomisystem. Benyttes av Helfo til utbetaling av refusjoner. Kassa henter data fra Registeret. \n\n"
        "Rapport Rapportverktøy. Rapport henter data fra Registeret. \n\n"
        "Registeret Register over mottakere. \n",
        encoding="utf-8",
    )
    (tmp_path / "risiko.csv").write_text(
        "System;Kritikalitet;RTO\nKassa;A;4 t\nRapport;C;2 d\n", encoding="utf-8"
    )
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text("version: 1\nsheets: [risiko.csv]\n", encoding="utf-8")
    res = run("impact", "Registeret", "--portfolio", str(doc), "--overlay", str(overlay))
    assert res.returncode == 0, res.stderr
    assert "Risk: 1 class-A system down; 1 class-C system down; shortest RTO 4 h (Kassa)" in res.stdout
    assert res.stdout.index("class A") < res.stdout.index("class C")  # the most critical first
    data = json.loads(
        run("impact", "Registeret", "--portfolio", str(doc), "--overlay", str(overlay), "--json").stdout
    )
    assert data["summary"]["risk"]["shortest_rto"] == {"id": "kassa", "name": "Kassa", "hours": 4.0}
    assert data["actors"][0]["loses"][0]["capabilities"] == ["utbetaling av refusjoner"]
