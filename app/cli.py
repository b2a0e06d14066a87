"""The ``eagraph`` command line. Errors are mapped once, in :func:`main`: one line, no traceback.

Exit codes: 2 for bad input (:class:`loaders.LoadError`), 1 when the store cannot be reached or refuses
(:class:`graph.store.StoreUnavailable`, which names the URI).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.settings import Settings
from graph.model import Portfolio
from graph.store import StoreUnavailable
from graph.stores import open_store
from loaders import LoadError, load_portfolio

cli = typer.Typer(
    name="eagraph",
    help="Dependency graph of an IT portfolio: what breaks when something is down, with the evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=False)
err = Console(stderr=True)


@cli.callback()
def _root() -> None:
    """eagraph: ask what breaks, what depends on what, and why — every answer cites its source sentence."""


PortfolioOpt = Annotated[
    Path | None,
    typer.Option(
        "--portfolio", "-p", help="A document in the seed layout (default: the shipped seed + overlay)."
    ),
]
OverlayOpt = Annotated[
    Path | None, typer.Option("--overlay", help="A curated overlay to apply to the document.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
Neo4jUriOpt = Annotated[
    str | None,
    typer.Option("--neo4j-uri", help="Bolt URI of the Neo4j server (default: NEO4J_URI, then .env)."),
]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _parse_tables(p: Portfolio) -> None:
    names = {n.id: n.name for n in p.nodes}
    t = Table(title=f"{p.document}: {len(p.entries)} entries, {len(p.nodes)} nodes, {len(p.edges)} edges")
    for col in ("line", "entry", "node ids", "kind"):
        t.add_column(col)
    kinds = {n.id: n.kind.value for n in p.nodes}
    for e in p.entries:
        t.add_row(str(e.line), e.name, ", ".join(e.nodes), ", ".join(kinds[i] for i in e.nodes))
    out.print(t)
    others = Table(title="Actors and things outside the portfolio")
    for col in ("id", "name", "kind"):
        others.add_column(col)
    for n in p.nodes:
        if n.entry is None:
            others.add_row(n.id, n.name, n.kind.value)
    out.print(others)
    edges = Table(title="Edges (A → B: A depends on B)", show_lines=False)
    for col in ("source", "type", "target", "confidence", "strength", "line", "evidence"):
        edges.add_column(col, overflow="fold")
    for e in p.edges:
        extra = f" [alt {e.alt_group}]" if e.alt_group else ""
        extra += f" [for {', '.join(names.get(a, a) for a in e.scope)}]" if e.scope else ""
        edges.add_row(
            names[e.source],
            e.type.value,
            names[e.target] + extra,
            e.confidence.value,
            e.strength.value,
            f"{e.document}:{e.line}",
            e.evidence if len(e.evidence) < 120 else e.evidence[:117] + "…",
        )
    out.print(edges)
    findings = Table(title="Data-quality findings")
    for col in ("code", "line", "finding"):
        findings.add_column(col, overflow="fold")
    for f in p.findings:
        findings.add_row(f.code, str(f.line or ""), f.message)
    out.print(findings)


@cli.command()
def parse(
    path: Annotated[
        Path | None, typer.Argument(help="A portfolio document (default: the shipped seed + overlay).")
    ] = None,
    overlay: OverlayOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Parse a portfolio document into nodes, evidence-backed edges and data-quality findings."""
    p = load_portfolio(path, overlay)
    if as_json:
        print_json(p.to_dict())
    else:
        _parse_tables(p)


@cli.command()
def load(portfolio: PortfolioOpt = None, overlay: OverlayOpt = None, neo4j_uri: Neo4jUriOpt = None) -> None:
    """Load a portfolio into Neo4j as a new revision (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD).

    Readers keep the previous revision until the new one is complete; loading the same document again
    changes nothing.
    """
    settings = Settings(store="neo4j")
    if neo4j_uri is not None:
        settings = settings.model_copy(update={"neo4j_uri": neo4j_uri})
    parsed = load_portfolio(portfolio or settings.portfolio, overlay)
    started = time.perf_counter()
    store = open_store(settings)
    try:
        store.ping()  # fail in one line before a progress bar is drawn
        with Progress(
            TextColumn("loading {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(parsed.document, total=None)
            result = store.load(
                parsed, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
    finally:
        store.close()
    state = "new revision" if result.changed else "unchanged"
    out.print(
        f"{settings.neo4j_uri}: revision {result.revision} ({state}): {result.nodes} nodes, {result.edges} edges, "
        f"{len(parsed.findings)} findings in {time.perf_counter() - started:.1f}s",
        highlight=False,
        soft_wrap=True,
    )


def main() -> None:
    """Console entry point: an error is one line on stderr and exit code 2 (input) or 1 (store), no traceback."""
    # The driver logs each retry; the user gets the one-line outcome instead.
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    try:
        cli()
    except LoadError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
    except StoreUnavailable as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
