"""Shell completion of node names and ids, from the portfolio the command line names (or the shipped seed).

typer installs the completion scripts (``eagraph --install-completion`` for bash, zsh and fish); this is what
they ask for a node argument: every id, abbreviation, name and alias that starts with what was typed, case-folded, with the node's
other spelling as help.
"""

from __future__ import annotations

from pathlib import Path

import typer

from loaders import LoadError
from loaders.interchange import load_any


def node_candidates(portfolio: Path | str | None, incomplete: str) -> list[tuple[str, str]]:
    """``(completion, help)`` for every node id and name that starts with ``incomplete``; none when the
    portfolio does not load (completion never prints an error into the shell).

    >>> found = node_candidates(None, "h")
    >>> bool(found) and all(c.casefold().startswith("h") for c, _ in found)
    True
    """
    try:
        p = load_any(portfolio)
    except LoadError:
        return []
    typed = incomplete.casefold()
    out: dict[str, str] = {}
    for n in p.nodes:
        for word in (n.id, n.short, n.name, *n.aliases):
            if word and word.casefold().startswith(typed) and word not in out:
                out[word] = f"{n.name} ({n.kind.value})"
    return sorted(out.items(), key=lambda kv: kv[0].casefold())


def complete_node(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return node_candidates(ctx.params.get("portfolio"), incomplete)
