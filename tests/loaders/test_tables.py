"""Portfolio tables in PDF, Word, Excel and CSV (loaders.tables): the same portfolio as the text document they
were made from, evidence that points at the page and line, and one-line errors for what cannot be read.

Every file is written here (bench/table_documents.py: reportlab, python-docx, openpyxl); nothing binary is
checked in. Expected answers come from the text documents and from where the writer put each line, never
from reading a table back.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from bench.table_documents import Pdf, TableRow, table_csv, table_docx, table_pdf, table_xlsx
from graph.model import Portfolio
from loaders import SEED, parse_document
from loaders.document import read
from loaders.errors import LoadError
from loaders.interchange import _LIMITS, load_any, read_files, sniff
from loaders.tables import MAX_TABLE_FILE_BYTES, parse_table, read_table
from tests.conftest import REPO

CORPUS = REPO / "tests" / "extraction" / "corpus"
DOCUMENTS = {
    "seed": SEED,
    "sykehus-terse": CORPUS / "sykehus-terse.txt",
    "kommune-byrakratisk": CORPUS / "kommune-byrakratisk.txt",
}
EAGRAPH = [sys.executable, "-m", "app.cli"]


def _rows(path: Path) -> tuple[list[TableRow], str | None]:
    """The text document's own entries as table rows, and its closing note."""
    doc = read(path.read_bytes(), path.name)
    note = " ".join(n.text for n in doc.notes) or None
    return [TableRow(e.name, e.description.text, e.urls) for e in doc.entries], note


def _written(path: Path, fmt: str) -> tuple[str, bytes, Pdf | None]:
    rows, note = _rows(path)
    stem = path.stem
    if fmt == "pdf":
        pdf = table_pdf(rows, note=note)
        return f"{stem}.pdf", pdf.data, pdf
    if fmt == "pdf-unruled":
        pdf = table_pdf(rows, note=note, ruled=False)
        return f"{stem}.pdf", pdf.data, pdf
    if fmt == "pdf-tight":  # no rules, no space between rows: only the name cells tell rows apart
        pdf = table_pdf(rows, note=note, ruled=False, padding=0)
        return f"{stem}.pdf", pdf.data, pdf
    if fmt == "docx":
        return f"{stem}.docx", table_docx(rows, note=note), None
    if fmt == "xlsx":
        return f"{stem}.xlsx", table_xlsx(rows), None
    return f"{stem}.csv", table_csv(rows), None


def _said(also: str) -> str:
    """The sentence of an ``also`` citation, without where it is ("doc:12: …" or "doc, page 1, line 12: …")."""
    return re.sub(r"^.*?(?::\d+|, page \d+, line \d+): ", "", also)


def _graph(
    p: Portfolio,
) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str, str], tuple[str, tuple[str, ...]]]]:
    nodes = {n.id: (n.name, n.kind.value) for n in p.nodes}
    edges = {(e.source, e.target, e.type.value): (e.evidence, tuple(map(_said, e.also))) for e in p.edges}
    return nodes, edges


@pytest.fixture(scope="module")
def texts() -> dict[str, Portfolio]:
    return {key: parse_document(path.read_bytes(), path.name) for key, path in DOCUMENTS.items()}


# ---------------------------------------------------------------------------------------------------------
# 1. The same portfolio, whatever the format


@pytest.mark.parametrize("fmt", ["pdf", "pdf-unruled", "pdf-tight", "docx", "xlsx", "csv"])
@pytest.mark.parametrize("key", list(DOCUMENTS))
def test_a_table_of_the_text_documents_entries_reads_as_the_same_portfolio(
    texts: dict[str, Portfolio], key: str, fmt: str
) -> None:
    want = texts[key]
    name, data, pdf = _written(DOCUMENTS[key], fmt)
    got = parse_table(data, name)
    assert [e.name for e in got.entries] == [e.name for e in want.entries]
    assert _graph(got) == _graph(want)
    assert got.notes == want.notes or fmt in ("xlsx", "csv")  # a sheet has no prose under its table
    if pdf is not None:
        assert pdf.pages >= 2 and sum(1 for _, _, n, _ in pdf.lines if n == "System") == pdf.pages
        assert all(n.page is not None for n in got.nodes if n.entry)
    else:
        assert all(n.page is None for n in got.nodes)


@pytest.mark.parametrize("ruled", [True, False])
def test_every_pdf_edge_points_at_the_page_and_line_its_sentence_starts_on(ruled: bool) -> None:
    rows, note = _rows(SEED)
    pdf = table_pdf(rows, note=note, ruled=ruled)
    printed = {(page, line): f"{name} {desc}" for page, line, name, desc in pdf.lines}
    got = parse_table(pdf.data, "portefolje.pdf")
    assert {e.page for e in got.edges} == {1, 2}
    for e in got.edges:
        first_word = e.evidence.split()[0]
        assert first_word in printed[e.page, e.line].split(), (e.key, e.page, e.line)
    for n in got.nodes:
        if n.entry is not None:
            assert printed[n.page, n.line].startswith(n.entry.split()[0]), n.id


def test_a_relation_stated_twice_cites_its_second_sentence_by_page_and_line() -> None:
    rows, _ = _rows(DOCUMENTS["sykehus-terse"])
    pdf = table_pdf(rows)
    printed = {(page, line): desc for page, line, _, desc in pdf.lines}
    got = parse_table(pdf.data, "sykehus.pdf")
    cited = [a for e in got.edges for a in e.also]
    assert cited
    for also in cited:
        m = re.match(r"sykehus\.pdf, page (\d+), line (\d+): (\S+)", also)
        assert m, also
        assert m.group(3) in printed[int(m.group(1)), int(m.group(2))].split()


# ---------------------------------------------------------------------------------------------------------
# 2. A document of our own: wrapped names, a row broken across a page


FJORDVIK = [
    TableRow(
        "Saksbehandlingssystem for byggesak (ByggSak)",
        "Fagsystem for plan- og byggesaksbehandling. Benyttes av saksbehandlere i plan- og bygningsetaten. "
        "Dokumentene arkiveres i Arkivo. Eiendomsdata hentes fra Matrikkelen.",
    ),
    TableRow(
        "Arkivo",
        "Sak- og arkivsystem for hele kommunen. Benyttes av alle ansatte i kommunen. Pålogging med Entra ID.",
    ),
    TableRow(
        "Oppvekstportalen",
        "Portal for foresatte med barn i barnehage og skole i kommunen. Benyttes av innbyggere for å søke "
        "barnehageplass, melde fravær og lese beskjeder fra skolen. Elevdata hentes fra Skolesystemet Fjordlær. "
        "Innlogging med ID-porten. Portalen viser også kalender, ferieplaner og meldinger fra kommunen, og "
        "foresatte kan endre kontaktinformasjon, se vedtak om plass og betale for skolefritidsordningen direkte "
        "i portalen. Betalinger sendes til økonomisystemet Økonomi Fjordvik.",
    ),
    TableRow(
        "Skolesystemet Fjordlær",
        "Skoleadministrativt system for grunnskolen. Personalia slås opp i Folkeregisteret. "
        "Benyttes av lærere og skoleledere.",
    ),
    TableRow(
        "Økonomi Fjordvik", "Økonomisystem for regnskap og fakturering. Sender lønnsdata til Skatteetaten."
    ),
]
FJORDVIK_NOTE = "Oversikten ble sist oppdatert 3. februar 2025 av IT-seksjonen – «Fjordvik kommune»."
SMALL_PAGE = (595.0, 300.0)  # short pages: the third entry is broken over pages 1 and 2


@pytest.fixture(params=[True, False], ids=["ruled", "unruled"])
def fjordvik(request: pytest.FixtureRequest) -> Pdf:
    return table_pdf(
        FJORDVIK,
        title="Fjordvik kommune – systemoversikt",
        note=FJORDVIK_NOTE,
        ruled=request.param,
        page=SMALL_PAGE,
    )


def test_the_invented_documents_layout_is_what_the_test_needs(fjordvik: Pdf) -> None:
    """The writer wrapped the first name onto two lines and broke Oppvekstportalen over the page."""
    assert fjordvik.pages == 2
    assert [line[:3] for line in fjordvik.lines[1:3]] == [
        (1, 2, "Saksbehandlingssystem for"),
        (1, 3, "byggesak (ByggSak)"),
    ]
    assert fjordvik.lines[6][:3] == (1, 7, "Oppvekstportalen")
    assert fjordvik.lines[10][:3] == (2, 1, "System")
    assert fjordvik.lines[11][:3] == (2, 2, "")
    assert fjordvik.lines[11][3].startswith("endre kontaktinformasjon")
    assert fjordvik.lines[13][:3] == (2, 4, "Skolesystemet Fjordlær")


def test_entries_of_a_pdf_are_read_as_written(fjordvik: Pdf) -> None:
    doc = read_table(fjordvik.data, "fjordvik.pdf")
    assert [e.name for e in doc.entries] == [r.name for r in FJORDVIK]
    assert [e.description.text for e in doc.entries] == [r.description for r in FJORDVIK]
    assert all(e.boundary is None for e in doc.entries)  # no name was guessed
    assert [n.text for n in doc.notes] == [FJORDVIK_NOTE]
    text = doc.text
    assert "Side 1 av 2" not in text and "Utskrift fra" not in text and "systemoversikt" not in text


def test_evidence_after_the_page_break_points_at_page_2(fjordvik: Pdf) -> None:
    p = parse_table(fjordvik.data, "fjordvik.pdf")
    edges = {(e.source, e.type.value, e.target): e for e in p.edges}
    lookup = edges["skolesystemet-fjordlaer", "LOOKS_UP_IN", "folkeregisteret"]
    assert (lookup.evidence, lookup.document, lookup.page, lookup.line) == (
        "Personalia slås opp i Folkeregisteret.",
        "fjordvik.pdf",
        2,
        4,
    )
    pays = edges["oppvekstportalen", "TRANSFERS_TO", "okonomi-fjordvik"]  # the broken entry's last sentence
    assert (pays.page, pays.line) == (2, 3)
    archive = edges["byggsak", "STORES_IN", "arkivo"]
    assert (archive.page, archive.line) == (1, 3)
    nodes = {n.id: n for n in p.nodes}
    assert (nodes["byggsak"].page, nodes["byggsak"].line) == (1, 2)
    assert (nodes["skolesystemet-fjordlaer"].page, nodes["skolesystemet-fjordlaer"].line) == (2, 4)
    assert p.meta == {"as_of": "2025-02-03"}
    assert [(e.name, e.line) for e in p.entries][3] == ("Skolesystemet Fjordlær", 4)


def test_a_text_document_of_the_same_entries_finds_the_same_edges(fjordvik: Pdf) -> None:
    text = "System  Beskrivelse\n\n" + "\n\n".join(f"{r.name}  {r.description}" for r in FJORDVIK) + "\n"
    want = parse_document(text.encode(), "fjordvik.txt")
    got = parse_table(fjordvik.data, "fjordvik.pdf")
    assert _graph(got) == _graph(want)


def test_a_pdf_column_named_eier_sets_the_owner_and_a_column_not_read_stays_out() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for x, word in ((60, "System"), (160, "Beskrivelse"), (360, "Eier"), (470, "Merknad")):
        c.drawString(x, 760, word)
    for x, text in (
        (60, "Arkivo"),
        (160, "Sak- og arkivsystem."),
        (360, "Dokumentsenteret"),
        (470, "Ny i 2024"),
    ):
        c.drawString(x, 740, text)
    c.drawString(160, 728, "Benyttes av alle ansatte.")
    c.showPage()
    c.save()
    p = parse_table(buf.getvalue(), "k.pdf")
    assert [(e.name, e.line) for e in p.entries] == [("Arkivo", 2)]
    node = p.node("arkivo")
    assert (node.description, node.owner, node.page) == (
        "Sak- og arkivsystem. Benyttes av alle ansatte.",
        "Dokumentsenteret",
        1,
    )


# ---------------------------------------------------------------------------------------------------------
# Sheets and Word tables: headers, optional columns, rows


ROWS = [
    TableRow(
        "Arkivo",
        "Sak- og arkivsystem. Benyttes av alle ansatte.",
        ("https://arkivo.example.no",),
        "Dokumentsenteret",
        "Arkiv",
    ),
    TableRow("Lønn", "Lønnssystem. Sender lønnsdata til Skatteetaten.", (), "HR-avdelingen", None),
]


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_optional_columns_set_owner_category_and_url_on_the_entrys_node(fmt: str) -> None:
    header = ["SYSTEMNAVN", "Beskrivelse", "Nettside", "Systemeier", "Kategori", "Merknad"]
    data = {"docx": table_docx, "xlsx": table_xlsx, "csv": table_csv}[fmt](ROWS, header=header)
    p = parse_table(data, f"kommune.{fmt}")
    nodes = {n.id: n for n in p.nodes}
    assert (nodes["arkivo"].owner, nodes["arkivo"].category, nodes["arkivo"].url) == (
        "Dokumentsenteret",
        "Arkiv",
        "https://arkivo.example.no",
    )
    assert (nodes["lonn"].owner, nodes["lonn"].line, nodes["lonn"].page) == ("HR-avdelingen", 3, None)
    assert nodes["arkivo"].line == 2  # the header is row 1


def test_a_sheets_line_is_the_row_a_spreadsheet_shows_under_a_title_row() -> None:
    p = parse_table(table_xlsx(ROWS, title="Systemer i Fjordvik kommune"), "k.xlsx")
    assert [(e.name, e.line) for e in p.entries] == [("Arkivo", 3), ("Lønn", 4)]


def test_a_row_with_an_empty_name_cell_continues_the_row_above() -> None:
    data = (
        "System;Beskrivelse\nArkivo;Sak- og arkivsystem. Benyttes av\n;alle ansatte.\n\nLønn;Lønnssystem.\n"
    )
    doc = read_table(data.encode(), "k.csv")
    assert [(e.name, e.line, e.description.text) for e in doc.entries] == [
        ("Arkivo", 2, "Sak- og arkivsystem. Benyttes av alle ansatte."),
        ("Lønn", 5, "Lønnssystem."),
    ]


def test_a_name_cell_of_two_lines_is_one_name_and_a_word_table_numbers_its_rows() -> None:
    rows = [
        TableRow(
            "Elektronisk pasientjournal for\nhelsestasjonen", "Journalsystem. Benyttes av helsesykepleiere."
        ),
        *ROWS,
    ]
    doc = read_table(table_docx(rows), "k.docx")
    assert [(e.name, e.line) for e in doc.entries][:2] == [
        ("Elektronisk pasientjournal for helsestasjonen", 2),
        ("Arkivo", 3),
    ]


def test_the_interchange_csv_pair_is_not_mistaken_for_a_table(seed: Portfolio, tmp_path: Path) -> None:
    from graph.exports.tabular import to_edges_csv, to_nodes_csv

    nodes, edges = to_nodes_csv(seed), to_edges_csv(seed)
    assert sniff("nodes.csv", nodes.encode()) == "csv" and sniff("edges.csv", edges.encode()) == "csv"
    (tmp_path / "nodes.csv").write_text(nodes, encoding="utf-8")
    (tmp_path / "edges.csv").write_text(edges, encoding="utf-8")
    assert len(load_any(tmp_path / "nodes.csv").edges) == len(seed.edges)


def test_files_are_recognised_by_content_and_held_to_their_formats_limit() -> None:
    pdf = table_pdf(ROWS).data
    assert sniff("upload.bin", pdf) == "pdf"
    assert sniff("upload.bin", table_docx(ROWS)) == "docx"
    assert sniff("upload.bin", table_xlsx(ROWS)) == "xlsx"
    assert sniff("systemer.csv", "\ufeffSystem;Beskrivelse\n".encode()) == "csv-table"
    assert _LIMITS["pdf"] == _LIMITS["docx"] == _LIMITS["xlsx"] == MAX_TABLE_FILE_BYTES == 50 * 2**20
    assert [n.name for n in read_files([("upload.bin", pdf)]).nodes if n.entry] == ["Arkivo", "Lønn"]


# ---------------------------------------------------------------------------------------------------------
# 3. What cannot be read: one line each


def _scan() -> bytes:
    """A page of shapes and a picture, no text: what a scanner makes."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(60, 60, 400, 600)
    c.drawImage(ImageReader(Image.new("L", (60, 80), 200)), 100, 200, 300, 400)
    c.showPage()
    c.save()
    return buf.getvalue()


def _bomb() -> bytes:
    """A real workbook whose zip directory says its sheet unpacks to 3 GB."""
    data = bytearray(table_xlsx(ROWS))
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # the zip directory's entries
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name:
            struct.pack_into("<I", data, at + 24, 3_000_000_000)  # the uncompressed size
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError("no sheet in the workbook")


def _minutes() -> bytes:
    """A PDF with text, but no portfolio table."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 760, "Referat fra møtet i IT-utvalget")
    c.drawString(72, 740, "Navn  Kommentar")
    c.showPage()
    c.save()
    return buf.getvalue()


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


BAD = {
    "encrypted.pdf": (lambda: table_pdf(ROWS, encrypt="hemmelig").data, "encrypted PDF"),
    "scan.pdf": (_scan, "no text layer"),
    "truncated.pdf": (lambda: _half(table_pdf(ROWS).data), "truncated PDF"),
    "broken.pdf": (
        lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
        "malformed PDF",
    ),
    "minutes.pdf": (_minutes, "(the table starts with the line 'Referat fra møtet i IT-utvalget')"),
    "text.docx": (
        lambda: b"System  Beskrivelse\nArkivo  Sak.\n",
        "not a Word document (.docx): not a readable zip",
    ),
    "text.xlsx": (lambda: b"System;Beskrivelse\n", "not an Excel workbook (.xlsx): not a readable zip"),
    "truncated.xlsx": (lambda: _half(table_xlsx(ROWS)), "not an Excel workbook (.xlsx)"),
    "other.xlsx": (
        lambda: table_xlsx(ROWS, header=["Tjeneste", "Kommentar"]),
        "the table starts 'Tjeneste | Kommentar'",
    ),
    "other.docx": (lambda: table_docx(ROWS, header=["Navn", "Merknad"]), "the table starts 'Navn | Merknad'"),
    "empty.csv": (lambda: b"System;Beskrivelse\n;\n", "the table has a header but no entries"),
    "bomb.xlsx": (_bomb, "would unpack to 2,861 MB"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_file_that_cannot_be_read_is_one_load_error_naming_the_problem(name: str) -> None:
    make, message = BAD[name]
    with pytest.raises(LoadError) as caught:
        parse_table(make(), name)
    text = str(caught.value)
    assert message in text and text.startswith(name)
    assert "\n" not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_a_damaged_file_is_a_load_error_and_never_another_exception(fmt: str) -> None:
    good = {
        "pdf": lambda: table_pdf(ROWS).data,
        "docx": lambda: table_docx(ROWS),
        "xlsx": lambda: table_xlsx(ROWS),
    }
    data = good[fmt]()
    rng = random.Random(14)
    for _ in range(40):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 30)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            parse_table(bytes(damaged), f"damaged.{fmt}")
        except LoadError as exc:
            assert "\n" not in str(exc)


def test_an_encrypted_pdf_is_refused_and_a_scan_is_sent_to_ocr() -> None:
    with pytest.raises(LoadError, match="needs a password"):
        parse_table(BAD["encrypted.pdf"][0](), "e.pdf")
    with pytest.raises(LoadError, match=r"a scan\? Run OCR on it first"):
        parse_table(_scan(), "s.pdf")


@pytest.mark.parametrize("name", ["encrypted.pdf", "scan.pdf", "truncated.pdf", "bomb.xlsx", "other.docx"])
def test_the_cli_says_what_is_wrong_in_one_line_with_exit_code_2(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(BAD[name][0]())
    res = subprocess.run([*EAGRAPH, "parse", str(path)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert res.stdout == ""
    assert (
        len(res.stderr.strip().splitlines()) == 1 and BAD[name][1] in res.stderr and str(path) in res.stderr
    )
    assert "Traceback" not in res.stderr


# ---------------------------------------------------------------------------------------------------------
# 4. End to end: eagraph parse and --portfolio


def test_eagraph_parse_reads_a_workbook_as_json(tmp_path: Path) -> None:
    rows, _ = _rows(DOCUMENTS["sykehus-terse"])
    path = tmp_path / "sykehus.xlsx"
    path.write_bytes(table_xlsx(rows))
    res = subprocess.run(
        [*EAGRAPH, "parse", str(path), "--json"], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert [e["name"] for e in data["entries"]] == [r.name for r in rows]
    assert data["entries"][0]["line"] == 2 and all(n["page"] is None for n in data["nodes"])


def test_a_query_command_takes_a_pdf_portfolio(fjordvik: Pdf, tmp_path: Path) -> None:
    path = tmp_path / "fjordvik.pdf"
    path.write_bytes(fjordvik.data)
    res = subprocess.run(
        [*EAGRAPH, "impact", "Arkivo", "--portfolio", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    impacted = {i["id"]: i for i in json.loads(res.stdout)["impacted"]}
    assert "byggsak" in impacted
    assert "Dokumentene arkiveres i Arkivo." in json.dumps(impacted["byggsak"], ensure_ascii=False)


def test_an_overlay_applies_to_a_table_and_a_rename_by_line_is_refused(fjordvik: Pdf, tmp_path: Path) -> None:
    pdf = tmp_path / "fjordvik.pdf"
    pdf.write_bytes(fjordvik.data)
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "version: 1\nnodes:\n  update:\n    - {id: arkivo, owner: Dokumentsenteret, criticality: A, reason: ROS 2025}\n",
        encoding="utf-8",
    )
    p = load_any(pdf, overlay)
    assert (p.node("arkivo").owner, p.node("arkivo").criticality) == ("Dokumentsenteret", "A")
    overlay.write_text(
        "version: 1\nentries:\n  rename:\n    - {line: 4, name: Skolesystemet, reason: kortere}\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="a table, whose names are its cells"):
        load_any(pdf, overlay)


def test_an_overlay_that_joins_sources_is_refused_for_a_table_as_for_a_text(
    fjordvik: Pdf, tmp_path: Path
) -> None:
    pdf = tmp_path / "fjordvik.pdf"
    pdf.write_bytes(fjordvik.data)
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "version: 1\nsame_as:\n  - {names: [Arkivo, Arkivet], reason: samme}\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="'same_as' joins sources: it belongs in a manifest"):
        load_any(pdf, overlay)
