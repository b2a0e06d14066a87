"""Parsing scales with the document: the work per entry does not grow with the number of entries.

Not a timing test (the time of the largest document a user may give is a row of ``bench/run.py``'s parsing
benchmark): the work is counted as every function call the parse makes, Python's and the built-ins', which
is the same on every machine. A document of many short entries once parsed in quadratic time (4,000 entries
in 43 s, 8,000 in 155 s; the 2 MB limit, 27,500 entries, would have taken most of an hour): each would-be
name was compared with every place in the text that starts with the same two letters.
"""

from __future__ import annotations

import cProfile

from graph.model import Portfolio
from loaders import parse_document

HEADER = "System  Beskrivelse \n\n"


def document(entries: int, prefix: str) -> bytes:
    """``entries`` short entries, each used by an actor and getting data from the one before it."""
    lines = (
        f"{prefix}{i} Registersystem. Benyttes av Helfo. Henter data fra {prefix}{i - 1}.\n"
        for i in range(entries)
    )
    return (HEADER + "\n".join(lines)).encode()


def counted(data: bytes) -> tuple[int, Portfolio]:
    """Every call parsing ``data`` makes (Python functions and built-ins), and the portfolio."""
    profiler = cProfile.Profile()
    portfolio = profiler.runcall(parse_document, data, "stort.txt")
    return sum(entry.callcount for entry in profiler.getstats()), portfolio


def test_four_times_the_entries_is_at_most_five_times_the_work() -> None:
    parse_document(document(50, "Varm"), "varm.txt")  # dictionaries and caches loaded once, not counted
    small, _ = counted(document(300, "Lite"))
    large, portfolio = counted(document(1200, "Stort"))
    assert large <= 5 * small, f"{large / small:.1f} times the work for 4 times the entries"
    systems = {n.id for n in portfolio.nodes if n.kind.value == "system"}
    assert systems == {f"stort{i}" for i in range(1200)}
    receives = {(e.source, e.target) for e in portfolio.edges if e.type.value == "RECEIVES_FROM"}
    assert receives == {(f"stort{i}", f"stort{i - 1}") for i in range(1, 1200)} | {("stort0", "stort-1")}
    assert sum(e.type.value == "USES" for e in portfolio.edges) == 1200
