"""Re-flowing a description's line breaks (and adding PDF blank-line scars mid-sentence) changes nothing
that is extracted but line numbers."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.model import Portfolio
from loaders import parse_document
from loaders.document import read
from loaders.text import ends_sentence
from tests.conftest import FIXTURES

SOURCES = [
    FIXTURES.parent.parent / "seed" / "hdir-systemportefolje-2023.txt",
    FIXTURES / "kommune-portefolje.txt",
]


def flowed(path: str, widths: list[int], scars: list[bool]) -> str:
    """The document rewritten one entry per block: name, a wide gap, the description wrapped at `width`."""
    doc = read(Path(path).read_bytes(), "x")
    out = ["System  Beskrivelse", ""]
    for i, e in enumerate(doc.entries):
        width = widths[i % len(widths)]
        lines = textwrap.wrap(
            f"{e.name}  {e.description.text}", width=width, break_long_words=False, break_on_hyphens=False
        )
        if "  " not in lines[0]:  # keep the wide gap that separates the name on the first line
            lines = [
                f"{e.name}  {e.description.text.split()[0]}",
                *textwrap.wrap(
                    " ".join(e.description.text.split()[1:]),
                    width=width,
                    break_long_words=False,
                    break_on_hyphens=False,
                ),
            ]
        for j, line in enumerate(lines):
            out.append(line)
            if scars[(i + j) % len(scars)] and j + 1 < len(lines) and not ends_sentence(line):
                out.append("")  # a blank line inside an unfinished sentence: a PDF scar
        out.extend(e.urls)
        out.append("")
    return "\n".join(out) + "\n"


def signature(p: Portfolio) -> tuple[object, ...]:
    nodes = sorted((n.id, n.name, n.kind.value, n.aliases, n.short, n.description) for n in p.nodes)
    edges = sorted(
        (
            e.source,
            e.target,
            e.type.value,
            e.evidence,
            e.confidence.value,
            e.strength.value,
            e.alt_group,
            e.scope,
        )
        for e in p.edges
    )
    return (nodes, edges)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(SOURCES),
    widths=st.lists(st.integers(min_value=30, max_value=140), min_size=1, max_size=5),
    scars=st.lists(st.booleans(), min_size=1, max_size=7),
)
def test_reflowing_descriptions_does_not_change_what_is_extracted(
    source: object, widths: list[int], scars: list[bool]
) -> None:
    path = str(source)
    baseline = parse_document(flowed(path, [10_000], [False]).encode(), "doc.txt")
    reflowed = parse_document(flowed(path, widths, scars).encode(), "doc.txt")
    assert signature(reflowed) == signature(baseline)
    assert len(baseline.entries) == len(read(Path(path).read_bytes(), "x").entries)
