"""The ``eagraph`` command line. Domain errors are mapped once, in :func:`main`: one line, exit code 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from graph.model import Portfolio
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


def main() -> None:
    """Console entry point: bad input is one line on stderr and exit code 2, never a traceback."""
    try:
        cli()
    except LoadError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
