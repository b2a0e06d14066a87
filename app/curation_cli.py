"""``eagraph curation export|import``: decisions to and from the overlay format (:mod:`loaders.curation`).

The decisions live in the store: Neo4j (``--neo4j``, with NEO4J_URI …) or, for the memory store, the
decisions file beside the portfolio (``EAGRAPH_DECISIONS_FILE``, default ``<portfolio>.decisions.jsonl``;
``--decisions`` names another).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.output import print_json
from app.settings import Settings
from graph.store import Decision, GraphStore, MemoryStore, current_or_none, read_decisions
from graph.stores import open_store
from loaders import LoadError, curation
from loaders.files import read_limited, write_whole
from loaders.interchange import load_any

__all__ = ["curation_app"]

curation_app = typer.Typer(
    help="Curation decisions as overlay YAML: export them (comments and order of an existing overlay kept), "
    "import an overlay as decisions.",
    no_args_is_help=True,
)
out = Console(highlight=False, soft_wrap=True)

Neo4jOpt = Annotated[bool, typer.Option("--neo4j", help="The decisions in Neo4j (NEO4J_URI, NEO4J_USER …).")]
DecisionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--decisions",
        help="The memory store's decisions file (default: EAGRAPH_DECISIONS_FILE, else beside --portfolio).",
    ),
]
PortfolioOpt = Annotated[
    Path | None,
    typer.Option("--portfolio", "-p", help="The portfolio the decisions apply to (memory store)."),
]


def _decisions_path(decisions: Path | None, portfolio: Path | None) -> Path:
    settings = Settings(portfolio=str(portfolio) if portfolio else None)
    path = decisions or settings.decisions_path
    if path is None:
        raise LoadError(
            "curation", None, "name the decisions file (--decisions, EAGRAPH_DECISIONS_FILE) or the portfolio"
        )
    return path


@curation_app.command("export")
def export_(
    update: Annotated[
        Path | None,
        typer.Option(
            "--update", help="An overlay to bring up to date in place: its comments and order are kept."
        ),
    ] = None,
    neo4j: Neo4jOpt = False,
    decisions: DecisionsOpt = None,
    portfolio: PortfolioOpt = None,
) -> None:
    """Write the decisions in force as overlay YAML (to standard output, or into --update's file)."""
    if neo4j:
        store = open_store(Settings(store="neo4j"))
        try:
            made: tuple[Decision, ...] = store.decisions()
        finally:
            store.close()
    else:
        made = read_decisions(_decisions_path(decisions, portfolio))
    existing = read_limited(update, 2 * 1024 * 1024).decode("utf-8") if update and update.exists() else None
    text = curation.export_overlay(made, existing)
    if update is None:
        typer.echo(text, nl=False)
    else:
        write_whole(update, text)
        out.print(f"{update}: {len(curation.active(made))} decisions in force written")


@curation_app.command("import")
def import_(
    overlay: Annotated[Path, typer.Argument(help="An overlay YAML: each item becomes one decision.")],
    author: Annotated[str, typer.Option("--author", help="Who signs the decisions.")],
    neo4j: Neo4jOpt = False,
    decisions: DecisionsOpt = None,
    portfolio: PortfolioOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decisions made as JSON.")] = False,
) -> None:
    """Make one decision per overlay item, as one new revision; nothing is made when one does not apply."""
    made = curation.import_overlay(read_limited(overlay, 2 * 1024 * 1024), overlay.name, author, 1)
    store: GraphStore
    if neo4j:
        store = open_store(Settings(store="neo4j"))
    else:
        store = MemoryStore(_decisions_path(decisions, portfolio))
        store.update(curation.load_whole(load_any(portfolio)))

    def maker(d: Decision) -> Callable[[int], Decision]:
        return lambda seq: Decision(d.id, seq, d.op, d.item, d.author, d.at, d.reason, d.reverts)

    try:
        store.update(curation.decide_all([maker(d) for d in made], lambda: current_or_none(store)))
    finally:
        store.close()
    if as_json:
        print_json([d.to_dict() for d in made])
    else:
        out.print(f"{overlay}: {len(made)} decisions made by {author}")
