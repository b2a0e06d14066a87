"""Documents in, model out: read(bytes) -> entries; transform(entries) -> Portfolio. Never imports neo4j.

>>> p = load_portfolio()            # the shipped seed with its curated overlay
>>> len(p.entries)
26
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.model import Portfolio
from loaders.checks import check_portfolio
from loaders.document import MAX_BYTES, read, renamed
from loaders.errors import LoadError
from loaders.files import read_limited
from loaders.findings import with_relation_findings
from loaders.overlay import apply_overlay, entry_names, read_overlay
from loaders.sheet import apply_sheet, read_sheet
from loaders.transform import transform

__all__ = ["SEED", "SEED_OVERLAY", "LoadError", "load_portfolio", "parse_document"]

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
SEED = SEED_DIR / "hdir-systemportefolje-2023.txt"
SEED_OVERLAY = SEED_DIR / "overlay.yaml"


def _document_too_large(size: int) -> str:
    """A document over the limit, refused in the words of :func:`loaders.document.read`."""
    return f"document is {size / 1e6:.1f} MB; a portfolio table is at most {MAX_BYTES // 2**20} MB"


def _read_bytes(path: Path, too_large: Callable[[int], str] | None = None) -> bytes:
    """A document, an overlay or a sheet: a regular file of at most :data:`~loaders.document.MAX_BYTES`."""
    return read_limited(path, MAX_BYTES, too_large)


def parse_document(
    data: bytes, source: str, names: dict[int, str] | None = None, overlay: str = "overlay"
) -> Portfolio:
    """A portfolio from a document's bytes, without any overlay but its ``entries.rename`` (``names``: the new
    name of the entry on each line; ``overlay`` is named when a line starts no entry)."""
    doc = read(data, source)
    if names:
        doc = renamed(doc, names, lambda _line: (overlay, None))
    return check_portfolio(with_relation_findings(transform(doc)), source)


def load_portfolio(path: Path | str | None = None, overlay: Path | str | None = None) -> Portfolio:
    """Parse a document; with no path, the shipped seed and its overlay.

    The overlay is applied only when given, or when the document is the seed itself: an overlay is written
    for one document's ids.
    """
    doc_path = Path(path) if path is not None else SEED
    if overlay is None and doc_path.resolve() == SEED.resolve() and SEED_OVERLAY.exists():
        overlay = SEED_OVERLAY
    ov = None
    names: dict[int, str] = {}
    if overlay is not None:
        ov_path = Path(overlay)
        ov = open_overlay(ov_path)
        names, where = entry_names(ov, ov_path.name)
    try:
        doc = read(_read_bytes(doc_path, _document_too_large), doc_path.name)
    except LoadError as exc:  # name the file as the user gave it
        raise LoadError(str(path) if path is not None else str(doc_path), exc.line, exc.message) from None
    if names:  # an overlay's problem: named by the overlay
        doc = renamed(doc, names, lambda line: (ov_path.name, where[line]))
    try:
        portfolio = check_portfolio(with_relation_findings(transform(doc)), doc_path.name)
    except LoadError as exc:
        raise LoadError(str(path) if path is not None else str(doc_path), exc.line, exc.message) from None
    if ov is not None:
        return with_overlay(portfolio, ov, ov_path)
    return check_portfolio(with_relation_findings(portfolio), str(doc_path))


def open_overlay(path: Path) -> Any:
    """The overlay at ``path``, read and checked; ``same_as`` and ``not_same`` are refused (they join sources,
    so they belong in a manifest)."""
    ov = read_overlay(_read_bytes(path), path.name)
    for key in ("same_as", "not_same"):
        if key in ov:
            raise LoadError(
                path.name, ov.lc.key(key)[0] + 1, f"'{key}' joins sources: it belongs in a manifest"
            )
    return ov


def with_overlay(portfolio: Portfolio, ov: Any, path: Path) -> Portfolio:
    """``portfolio`` with the overlay ``ov`` (read from ``path``) applied, then its sheets, and checked again;
    problems are named by the overlay, as :func:`read_overlay` and :func:`apply_overlay` name them."""
    portfolio = apply_overlay(portfolio, ov, path.name)
    for sheet in ov.get("sheets", []):
        sheet_path = path.parent / sheet
        portfolio = apply_sheet(portfolio, read_sheet(_read_bytes(sheet_path), sheet_path.name))
    return check_portfolio(with_relation_findings(portfolio), path.name)
