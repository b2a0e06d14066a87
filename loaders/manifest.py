"""A manifest of sources: several organisations' portfolios loaded as one graph (:mod:`loaders.sources`).

Format (``portfolio.yaml``; paths are relative to the manifest)::

    version: 1
    sources:
      - id: hdir                                  # a slug, unique in the manifest
        file: ../seed/hdir-systemportefolje-2023.txt   # any document or file --portfolio takes
        organisation: Helsedirektoratet           # optional
        overlay: ../seed/overlay.yaml             # optional: the source's own overlay
      - id: nhn
        file: nhn-tjenesteportefolje.txt
    overlay: merged.yaml                          # optional: an overlay of the merged graph (merged ids)
    same_as:                                      # optional: two nodes of different sources are one
      - {a: "hdir:Helsenett", b: "nhn:Norsk helsenett", reason: "…"}
    not_same:                                     # optional: two nodes that only look alike
      - {a: "hdir:NAV (tjenester)", b: "nav:NAV", reason: "…"}

A side of ``same_as``/``not_same`` is ``source:node``, the node named by its id, name, abbreviation or alias
in that source. The manifest's ``overlay`` may hold ``same_as``/``not_same`` lists as well.

Every problem is a :class:`~loaders.errors.LoadError` naming the manifest's line; nothing is half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from graph.model import Portfolio
from graph.names import normalize
from loaders.checks import check_portfolio
from loaders.errors import LoadError
from loaders.files import read_limited
from loaders.overlay import apply_overlay, load_yaml, read_overlay
from loaders.sources import Resolution, Source, file_hash, merge, name_keys, source_id_of
from loaders.validate import is_slug

__all__ = [
    "MAX_MANIFEST_BYTES",
    "Manifest",
    "is_manifest",
    "load_manifest",
    "load_several",
    "open_manifest",
    "read_manifest",
]

MAX_MANIFEST_BYTES = 1024 * 1024
LoadOne = Callable[[Path, Path | None], Portfolio]  # a file and its overlay -> its portfolio
_KEYS = {"version", "sources", "overlay", "same_as", "not_same"}
_SOURCE_KEYS = {"id", "file", "organisation", "overlay"}


def is_manifest(path: Path, head: bytes) -> bool:
    """Whether ``path`` is a manifest: a YAML file whose mapping has ``sources``."""
    return path.suffix.lower() in (".yaml", ".yml") and b"sources" in head


def _line(node: Any, key: str | int | None = None) -> int | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is None:
            return int(lc.line) + 1
        pos = lc.key(key) if isinstance(node, CommentedMap) else lc.item(key)
        return int(pos[0]) + 1
    except (KeyError, IndexError, TypeError):
        return int(lc.line) + 1


def _text(item: CommentedMap, key: str, name: str, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise LoadError(name, _line(item, key), f"'{key}' must be text")
    return value.strip()


def read_manifest(data: bytes, name: str) -> tuple[list[Source], CommentedMap]:
    """The sources a manifest lists (paths as written) and the manifest itself, its shape checked."""
    doc = load_yaml(data, name)
    if not isinstance(doc, CommentedMap) or "sources" not in doc:
        raise LoadError(name, None, "a manifest is a mapping with 'version: 1' and a list of 'sources'")
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise LoadError(name, _line(doc, unknown[0]), f"unknown key {unknown[0]!r}; expected {sorted(_KEYS)}")
    if doc.get("version") != 1:
        raise LoadError(name, _line(doc, "version"), "'version: 1' is required")
    items = doc["sources"]
    if not isinstance(items, CommentedSeq) or not items:
        raise LoadError(name, _line(doc, "sources"), "'sources' must be a list of {id, file} entries")
    sources: list[Source] = []
    for item in items:
        if not isinstance(item, CommentedMap):
            raise LoadError(name, _line(items), "each source is a mapping with 'id' and 'file'")
        extra = sorted(set(item) - _SOURCE_KEYS)
        if extra:
            raise LoadError(
                name, _line(item, extra[0]), f"unknown key {extra[0]!r}; expected {sorted(_SOURCE_KEYS)}"
            )
        source_id = _text(item, "id", name)
        if not is_slug(source_id):
            raise LoadError(
                name, _line(item, "id"), f"source id {source_id!r} is not a slug (a–z, digits, hyphens)"
            )
        if any(s.id == source_id for s in sources):
            raise LoadError(name, _line(item, "id"), f"source id {source_id!r} is given twice")
        sources.append(
            Source(
                id=str(source_id),
                file=str(_text(item, "file", name)),
                organisation=_text(item, "organisation", name, required=False),
                overlay=_text(item, "overlay", name, required=False),
            )
        )
    return sources, doc


def _side(text: Any, where: int | None, parts: dict[str, Portfolio], name: str) -> tuple[str, str]:
    """``source:node`` of a same_as/not_same item as (source id, node id)."""
    if not isinstance(text, str) or ":" not in text:
        raise LoadError(
            name, where, f"{text!r} must be 'source:node' (a source id, a colon, a node's name or id)"
        )
    source_id, _, ref = text.partition(":")
    source_id, ref = source_id.strip(), ref.strip()
    if source_id not in parts:
        raise LoadError(name, where, f"no source {source_id!r}; the sources are {', '.join(parts)}")
    key = normalize(ref)
    found = [n.id for n in parts[source_id].nodes if n.id == ref or key in name_keys(n)[0]]
    if len(found) != 1:
        what = "no node" if not found else f"{len(found)} nodes ({', '.join(found)})"
        raise LoadError(name, where, f"{what} of source {source_id!r} named {ref!r}")
    return source_id, found[0]


def _resolutions(doc: CommentedMap, parts: dict[str, Portfolio], name: str) -> list[Resolution]:
    decisions = []
    for key, same in (("same_as", True), ("not_same", False)):
        items = doc.get(key) or []
        if not isinstance(items, list):
            raise LoadError(name, _line(doc, key), f"'{key}' must be a list of {{a, b, reason}}")
        for item in items:
            if not isinstance(item, CommentedMap) or set(item) != {"a", "b", "reason"}:
                raise LoadError(
                    name, _line(item), f"each {key} item is {{a: 'source:node', b: 'source:node', reason}}"
                )
            reason = _text(item, "reason", name)
            a = _side(item["a"], _line(item, "a"), parts, name)
            b = _side(item["b"], _line(item, "b"), parts, name)
            if a[0] == b[0]:
                raise LoadError(name, _line(item), f"{key} joins two sources: both sides are of {a[0]!r}")
            decisions.append(Resolution(a, b, same, str(reason)))
    return decisions


@dataclass(frozen=True)
class Manifest:
    """A manifest's sources read, each with its portfolio and file hash, its decisions and its overlay."""

    name: str
    parts: list[tuple[Source, Portfolio, str]]
    decisions: list[Resolution]
    overlay: tuple[CommentedMap, str] | None

    def finish(self, merged: Portfolio) -> Portfolio:
        """The merged graph with the manifest's overlay applied, checked."""
        if self.overlay is not None:
            merged = apply_overlay(merged, *self.overlay)
        return check_portfolio(merged, self.name)

    def merged(self) -> Portfolio:
        hashes = {s.id: h for s, _, h in self.parts}
        parts = [(s, p) for s, p, _ in self.parts]
        return self.finish(merge(parts, self.decisions, document=Path(self.name).name, hashes=hashes))


def open_manifest(path: Path, load_one: LoadOne) -> Manifest:
    """Read the manifest at ``path`` and every source it lists (each with ``load_one``)."""
    name = str(path)
    sources, doc = read_manifest(read_limited(path, MAX_MANIFEST_BYTES), name)
    base = path.parent
    files = [(s, base / s.file, base / s.overlay if s.overlay else None) for s in sources]
    for s, file, _ in files:
        if not file.is_file():
            raise LoadError(name, None, f"source {s.id!r}: no file {s.file!r} (relative to the manifest)")
    parts = [(s, load_one(file, overlay), file_hash(file.read_bytes())) for s, file, overlay in files]
    overlay = None
    if doc.get("overlay"):
        ov_path = base / str(doc["overlay"])
        overlay = (read_overlay(read_limited(ov_path, MAX_MANIFEST_BYTES), ov_path.name), ov_path.name)
    by_id = {s.id: p for s, p, _ in parts}
    decisions = _resolutions(doc, by_id, name)
    if overlay is not None:
        decisions += _resolutions(overlay[0], by_id, overlay[1])
    return Manifest(name, parts, decisions, overlay)


def load_manifest(path: Path, load_one: LoadOne) -> Portfolio:
    """The merged portfolio of the manifest at ``path``; each source read with ``load_one``."""
    return open_manifest(path, load_one).merged()


def load_several(paths: Sequence[Path], load_one: LoadOne) -> Portfolio:
    """Several files as one graph, each its own source (ids from the file names), in the order given."""
    sources: list[Source] = []
    for path in paths:
        base, source_id, k = source_id_of(path.name), source_id_of(path.name), 2
        while any(s.id == source_id for s in sources):
            source_id, k = f"{base}-{k}", k + 1
        sources.append(Source(source_id, str(path)))
    parts = [(s, load_one(Path(s.file), None)) for s in sources]
    hashes = {s.id: file_hash(Path(s.file).read_bytes()) for s in sources}
    return check_portfolio(merge(parts, hashes=hashes), ", ".join(map(str, paths)))
