"""The ``eagraph`` command line. Errors are mapped once, in :func:`main`: one line, no traceback.

Exit codes: 2 for bad input (:class:`loaders.LoadError`), a key command that cannot be done (a taken name, an
unknown role or key: :class:`app.keys.KeysError`) or a setting that does not validate (``EAGRAPH_API_KEY``
too short …: :func:`app.settings.describe`), 1 when the store cannot be reached or refuses
(:class:`graph.store.StoreUnavailable`, which names the URI).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app import diff_view
from app.completion import complete_node
from app.curation_cli import curation_app
from app.doctor import report, run_checks
from app.keys import KeysError, KeysFile, Role
from app.output import Format, Printer, choose, print_json
from app.settings import Settings, describe
from app.version import version_text
from graph import analysis
from graph.analysis import EagraphError, Impact, Resolver
from graph.diff import diff as graph_diff
from graph.durations import show as show_hours
from graph.exports import FORMATS, export
from graph.model import DEFAULT_CONFIDENCE, Confidence, Edge, Portfolio, to_networkx
from graph.store import Change, GraphStore, LoadResult, StoreUnavailable, current_or_none, read_decisions
from graph.store import Progress as Progress_
from graph.stores import open_store
from loaders import LoadError, curation
from loaders.files import read_head, write_whole
from loaders.interchange import load_any, load_one
from loaders.manifest import is_manifest, open_manifest
from loaders.sources import Resolution, Source, file_hash, portfolio_sources, source_id_of

EXIT_CODES = (
    "Exit codes: 0 ok; 1 a failure (a store that cannot be reached or refuses, a doctor check that failed); "
    "2 bad input (a file that does not parse, an unknown name, a bad option or setting); 141 the reader of "
    "a pipe stopped early (as git). Data goes to stdout, errors to stderr, always."
)
cli = typer.Typer(
    name="eagraph",
    help="Dependency graph of an IT portfolio: what breaks when something is down, with the evidence.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Printer()
err = Console(stderr=True)


def _show_version(asked: bool) -> None:
    if asked:
        typer.echo(version_text())
        raise typer.Exit()


@cli.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_show_version,
            help="The version, the git commit when run from a checkout, Python, networkx and the Neo4j driver.",
        ),
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour (NO_COLOR in the environment does the same).")
    ] = False,
) -> None:
    """eagraph: ask what breaks, what depends on what, and why — every answer cites its source sentence."""
    if no_color:
        out.console.no_color = err.no_color = True


PortfolioOpt = Annotated[
    Path | None,
    typer.Option(
        "--portfolio",
        "-p",
        help="A document in the seed layout (text, or a System/Beskrivelse table in PDF, Word .docx, Excel "
        ".xlsx or CSV), a manifest of several sources (portfolio.yaml), an ArchiMate exchange file (.xml), "
        "GraphML, node-link JSON, or nodes.csv (with edges.csv beside it) or their folder (default: the "
        "shipped seed + overlay).",
    ),
]
OverlayOpt = Annotated[
    Path | None, typer.Option("--overlay", help="A curated overlay to apply to the document.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout (= --format json).")]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="table (the default on a terminal), tsv (the default when piped: one row per line, nothing "
        "wrapped), csv, json or md.",
        show_default=False,
    ),
]
NodeArg = Annotated[
    str, typer.Argument(help="A node: id, name, alias or abbreviation.", autocompletion=complete_node)
]
NodesArg = Annotated[
    list[str],
    typer.Argument(help="What is down: ids, names, aliases or abbreviations.", autocompletion=complete_node),
]
ConfidenceOpt = Annotated[
    Confidence,
    typer.Option(
        "--min-confidence", help="Ignore edges less certain than this (stated > curated > inferred)."
    ),
]
DepthOpt = Annotated[int | None, typer.Option("--depth", min=1, max=100, help="Stop after this many hops.")]

STATE_STYLE = {"down": "bold red", "degraded": "yellow", "delayed": "cyan"}


def _graph(portfolio_path: Path | None, overlay: Path | None = None) -> tuple[nx.MultiDiGraph, Resolver]:
    """The portfolio's graph, with the curation decisions kept beside it (``<portfolio>.decisions.jsonl``
    or EAGRAPH_DECISIONS_FILE) applied."""
    portfolio = load_any(portfolio_path, overlay)
    path = Settings(portfolio=str(portfolio_path) if portfolio_path else None).decisions_path
    if path is not None and path.exists():
        portfolio = curation.curated(portfolio, read_decisions(path))
    G = to_networkx(portfolio)
    return G, Resolver(G)


def _name(G: nx.MultiDiGraph, node_id: str) -> str:
    """The short name people use: the abbreviation when the document gives one."""
    attrs = G.nodes[node_id]
    return str(attrs.get("short") or attrs.get("name") or node_id)


def _chain(G: nx.MultiDiGraph, path: analysis.Path) -> str:
    """`A —USES→ B —ACCESSED_VIA→ C` with display names."""
    if not path.hops:
        return _name(G, path.nodes[0]) if path.nodes else ""
    text = _name(G, path.hops[0].source)
    for hop in path.hops:
        mark = "~" if hop.confidence == "inferred" else ""
        text += f" —{mark}{hop.type}→ {_name(G, hop.target)}"
    return text


Neo4jUriOpt = Annotated[
    str | None,
    typer.Option("--neo4j-uri", help="Bolt URI of the Neo4j server (default: NEO4J_URI, then .env)."),
]


def _format(fmt: Format | None, as_json: bool) -> Format:
    """The format this command prints in (see :func:`app.output.choose`); the printer follows it."""
    out.format = choose(fmt, as_json)
    return out.format


def _parse_tables(p: Portfolio) -> None:
    names = {n.id: n.name for n in p.nodes}
    t = Table(title=f"{p.document}: {len(p.entries)} entries, {len(p.nodes)} nodes, {len(p.edges)} edges")
    for col in ("line", "entry", "node ids", "kind"):
        t.add_column(col)
    kinds = {n.id: n.kind.value for n in p.nodes}
    for entry in p.entries:
        t.add_row(
            str(entry.line), entry.name, ", ".join(entry.nodes), ", ".join(kinds[i] for i in entry.nodes)
        )
    out.print(t)
    others = Table(title="Actors and things outside the portfolio")
    for col in ("id", "name", "kind"):
        others.add_column(col)
    for n in p.nodes:
        if n.entry is None:
            others.add_row(n.id, n.name, n.kind.value)
    out.print(others)
    edges = Table(title="Edges (A → B: A depends on B)", show_lines=False)
    for col in ("source", "type", "target", "confidence", "when it is lost", "line", "evidence"):
        edges.add_column(col, overflow="fold")
    groups: dict[tuple[str, str], list[str]] = {}
    for e in p.edges:
        if e.alt_group:
            groups.setdefault((e.source, e.alt_group), []).append(names[e.target])
    for e in p.edges:
        extra = f" [for {', '.join(names.get(a, a) for a in e.scope)}]" if e.scope else ""
        edges.add_row(
            names[e.source],
            e.type.value,
            names[e.target] + extra,
            e.confidence.value,
            _loss_rule(e, groups),
            where(e.document, e.page, e.line),
            e.evidence if len(e.evidence) < 120 or out.format is not Format.TABLE else e.evidence[:117] + "…",
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
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Portfolio documents (text, PDF, Word, Excel), a manifest (portfolio.yaml), or any file "
            "--portfolio takes; several are merged into one graph (default: the shipped seed + overlay).",
        ),
    ] = None,
    overlay: OverlayOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Parse portfolio documents into nodes, evidence-backed edges and data-quality findings."""
    p = load_any(paths or None, overlay)
    if _format(fmt, as_json) is Format.JSON:
        print_json(p.to_dict())
    else:
        _parse_tables(p)


@cli.command()
def impact(
    names: NodesArg,
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    as_json: JsonOpt = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="Show at most this many impacted nodes (default: all)."),
    ] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many impacted nodes.")] = 0,
    fmt: FormatOpt = None,
) -> None:
    """What breaks when these are down: each impacted node, its state, why, and who notices."""
    G, resolver = _graph(portfolio, overlay)
    down = resolver.resolve_all(names)
    result = analysis.impact(G, down, min_confidence=min_confidence)
    if _format(fmt, as_json) is Format.JSON:
        print_json(result.to_dict(offset=offset, limit=limit))
    else:
        _impact_tables(G, result, offset, limit)


def _evidence(path: analysis.Path) -> str:
    """Every hop's sentence, numbered, with where it was read."""
    lines = []
    for k, hop in enumerate(path.hops, 1):
        number = f"{k}. " if len(path.hops) > 1 else ""
        lines.append(
            f"{number}“{hop.evidence}” ({where(hop.document, hop.page, hop.line)}, {hop.confidence})"
        )
    documents = list(dict.fromkeys(h.document for h in path.hops if h.document))
    if len(documents) > 1:
        lines.append(f"(crosses sources: {' → '.join(documents)})")
    return "\n".join(lines)


def where(document: str | None, page: int | None, line: int | None) -> str:
    """Where a sentence was read: ``doc.txt:12``, ``doc.pdf p. 3:12``, or the document alone.

    >>> where("a.pdf", 3, 12), where("a.txt", None, 7), where("a.txt", None, None)
    ('a.pdf p. 3:12', 'a.txt:7', 'a.txt')
    """
    at = f"{document or ''}{f' p. {page}' if page else ''}"
    return f"{at}:{line}" if line else at


def _loss_rule(e: Edge, groups: dict[tuple[str, str], list[str]]) -> str:
    """What losing the edge's target does to its source, honestly: an alternative only degrades."""
    if e.mode == "batch":
        return "delays (batch)"
    if e.alt_group:
        members = groups.get((e.source, e.alt_group), [])
        return f"degrades: one of {len(members)} alternatives ({', '.join(members)}); all lost: {e.strength.value}"
    return "takes it down (hard)" if e.strength.value == "hard" else "degrades (soft)"


def _state_cell(G: nx.MultiDiGraph, i: analysis.ImpactedNode) -> str:
    state = f"[{STATE_STYLE[i.state]}]{i.state}[/]"
    if i.down_for:
        state += f"\n(down for {', '.join(_name(G, a) for a in i.down_for)})"
    if i.inferred:
        state += "\n[dim]possible (inferred)[/]"
    return state


def _impact_rows(
    G: nx.MultiDiGraph, items: Sequence[analysis.ImpactedNode], title: str | None = None
) -> Table:
    t = Table(show_lines=True, title=title)
    risky = any(G.nodes[i.id].get("criticality") or G.nodes[i.id].get("rto_hours") is not None for i in items)
    for col in (
        "state",
        "node",
        "kind",
        *(("class, RTO",) if risky else ()),
        "hops",
        "why",
        "evidence, hop by hop",
    ):
        t.add_column(col, overflow="fold")
    for i in sorted(
        items, key=lambda i: (-analysis.state_rank(i.state), *_risk_key(G, i.id), i.distance, i.id)
    ):
        extra = (_risk_cell(G, i.id),) if risky else ()
        t.add_row(
            _state_cell(G, i), i.name, i.kind, *extra, str(i.distance), _chain(G, i.path), _evidence(i.path)
        )
    return t


def _risk_key(G: nx.MultiDiGraph, node_id: str) -> tuple[str, float]:
    """Most critical class first ("A" before "B"; none last), then the shortest RTO."""
    data = G.nodes[node_id]
    rto = data.get("rto_hours")
    return (str(data.get("criticality") or "~"), float("inf") if rto is None else float(rto))


def _risk_cell(G: nx.MultiDiGraph, node_id: str) -> str:
    data = G.nodes[node_id]
    parts = [f"class {data['criticality']}"] if data.get("criticality") else []
    for key, label in (("rto_hours", "RTO"), ("mtd_hours", "MTD")):
        if data.get(key) is not None:
            parts.append(f"{label} {show_hours(data[key])}")
    if data.get("fallback"):
        parts.append(f"fallback: {data['fallback']}")
    return "\n".join(parts)


_LOSS_VERB = {"down": "cannot", "degraded": "less able to", "delayed": "later:"}
_BARE_LOSS = {"down": "cannot use", "degraded": "less able to use", "delayed": "gets late what comes from"}


def _loss(x: analysis.Loss) -> str:
    """ "cannot se og vedlikeholde praksisinformasjon via Praksisinfo (down for them)"."""
    style = STATE_STYLE.get(x.state, "")
    state = f"[{style}]{x.state} for them[/]" if x.state == "down" else f"[{style}]{x.state}[/]"
    if not x.capabilities:
        return f"{_BARE_LOSS[x.state]} {x.name} ({state})"
    return "\n".join(f"{_LOSS_VERB[x.state]} {what} via {x.name} ({state})" for what in x.capabilities)


def _impact_tables(G: nx.MultiDiGraph, result: Impact, offset: int = 0, limit: int | None = None) -> None:
    down = ", ".join(f"{_name(G, d)} ({d})" for d in result.down)
    s = result.summary()
    by = s["by_state"]
    out.print(
        f"[bold]Down:[/] {down}   →   [bold red]{by['down']} down[/], [yellow]{by['degraded']} degraded[/], "
        f"[cyan]{by['delayed']} delayed[/]; {s['actors']} {'actor loses' if s['actors'] == 1 else 'actors lose'} "
        "something"
        + (f"; {s['possible']} more possible through inferred edges" if s["possible"] else "")
        + f" (min confidence: {result.min_confidence})",
        highlight=False,
    )
    if s.get("risk") and s["risk"]["text"]:
        out.print(f"[bold]Risk:[/] {s['risk']['text']}", highlight=False)
    if not result.impacted and not result.actors and not result.possible:
        out.print("Nothing else depends on it.")
        return
    shown = result.impacted[offset : None if limit is None else offset + limit]
    if len(shown) < len(result.impacted):
        out.print(
            f"Impacted nodes {offset + 1}–{offset + len(shown)} of {len(result.impacted)}:", highlight=False
        )
    if shown:
        out.print(_impact_rows(G, shown))
    if result.actors:
        who = Table(title="What each user loses (system, its state, and what they use it for)")
        for col in ("actor", "loses"):
            who.add_column(col, overflow="fold")
        for a in result.actors:
            who.add_row(a.name, "\n".join(_loss(x) for x in a.loses))
        out.print(who)
    if result.possible:
        title = "Possible — only through inferred edges (not counted above; sign them off in the overlay)"
        out.print(_impact_rows(G, result.possible, title))
    out.print(
        "[dim]down: it stops; degraded: it works with less (an alternative is gone, or a part); delayed: it "
        "works, but what reaches it by batch arrives late. ~ marks an inferred edge.[/]"
    )


def _reach(node: str, portfolio: Path | None, overlay: Path | None, depth: int | None,
           min_confidence: Confidence, fmt: Format, upstream: bool) -> None:  # fmt: skip
    G, resolver = _graph(portfolio, overlay)
    node_id = resolver.resolve(node)
    walk = analysis.dependencies if upstream else analysis.dependents
    reach = walk(G, node_id, depth=depth, min_confidence=min_confidence)
    if fmt is Format.JSON:
        print_json(reach.to_dict())
        return
    title = "depends on" if upstream else "is depended on by"
    t = Table(title=f"{_name(G, node_id)} {title} ({len(reach.items)} nodes)")
    for col in ("hops", "node", "kind", "reached by", "evidence"):
        t.add_column(col, overflow="fold")
    for r in reach.items:
        hop = r.via
        chain = f"{_name(G, hop.source)} —{hop.type}→ {_name(G, hop.target)}"
        t.add_row(
            str(r.distance),
            r.name,
            r.kind,
            chain,
            f"“{hop.evidence}” ({where(hop.document, hop.page, hop.line)}, {hop.confidence})",
        )
    out.print(t)


@cli.command()
def deps(
    name: NodeArg,
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    depth: DepthOpt = None,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """What NAME depends on, directly and transitively."""
    _reach(name, portfolio, overlay, depth, min_confidence, _format(fmt, as_json), upstream=True)


@cli.command()
def dependents(
    name: NodeArg,
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    depth: DepthOpt = None,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """What depends on NAME, directly and transitively."""
    _reach(name, portfolio, overlay, depth, min_confidence, _format(fmt, as_json), upstream=False)


@cli.command()
def path(
    source: Annotated[
        str, typer.Argument(help="From: id, name, alias or abbreviation.", autocompletion=complete_node)
    ],
    target: Annotated[
        str, typer.Argument(help="To: id, name, alias or abbreviation.", autocompletion=complete_node)
    ],
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """How SOURCE reaches TARGET: every shortest dependency path, with evidence."""
    G, resolver = _graph(portfolio, overlay)
    result = analysis.paths(
        G, resolver.resolve(source), resolver.resolve(target), min_confidence=min_confidence
    )
    if _format(fmt, as_json) is Format.JSON:
        print_json(result.to_dict())
        return
    out.print(escape(result.message), highlight=False)
    for p in result.paths:
        out.print(_hops_table(G, p.hops, _chain(G, p)))


def _hops_table(G: nx.MultiDiGraph, hops: Sequence[analysis.Hop], title: str) -> Table:
    """One row per hop of a path: who depends on whom, how, and the sentence that says so."""
    t = Table(title=escape(title))
    for col in ("from", "type", "to", "evidence", "where", "confidence", "strength"):
        t.add_column(col, overflow="fold")
    for hop in hops:
        t.add_row(
            escape(_name(G, hop.source)),
            hop.type,
            escape(_name(G, hop.target)),
            escape(f"“{hop.evidence}”"),
            where(hop.document, hop.page, hop.line),
            hop.confidence,
            hop.strength,
        )
    return t


@cli.command()
def critical(
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    top: Annotated[int, typer.Option("--top", min=1, help="Show this many nodes.")] = 15,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Critical components: blast radius, single points of failure, fatal pairs, betweenness."""
    G, _ = _graph(portfolio, overlay)
    result = analysis.critical(G, min_confidence=min_confidence)
    if _format(fmt, as_json) is Format.JSON:
        print_json(result.to_dict())
        return
    shown = result.nodes[:top]
    # Betweenness says something only when some chains of dependencies run through a node; on a shallow
    # portfolio it is ≈ 0 everywhere and would only look like a measurement.
    telling = any(c.betweenness >= 0.01 for c in result.nodes)
    classes = sorted({k for c in result.nodes for k, _ in c.by_criticality})
    t = Table(
        title="Blast radius when each fails alone (systems; users lose capabilities, they are not counted)"
    )
    cols = ["node", "kind", "down", "degraded", "delayed", *(f"class {k}" for k in classes), "dominates"]
    for col in (*cols, *(("betweenness",) if telling else ())):
        t.add_column(col)
    for c in shown:
        hits = dict(c.by_criticality)
        row = [
            c.name,
            c.kind,
            str(c.down),
            str(c.degraded),
            str(c.delayed),
            *(str(hits.get(k, 0)) for k in classes),
        ]
        t.add_row(*row, str(c.dominates), *((f"{c.betweenness:.3f}",) if telling else ()))
    out.print(t)
    out.print(
        "[dim]dominates: how many systems have no way to work that avoids this one (every chain of required "
        "dependencies from them passes through it)."
        + ("" if telling else " Betweenness is left out: ≈ 0 for every node here, it would say nothing.")
        + (
            " Ranked by class-" + ", then class-".join(classes) + " systems hit, then blast radius."
            if classes
            else ""
        )
        + "[/]"
    )
    spof = Table(title="Single points of failure (in the dependency direction)")
    for col in ("node", "goes down if any one of these fails"):
        spof.add_column(col, overflow="fold")
    for c in sorted(result.nodes, key=lambda c: c.id):
        if c.single_points_of_failure:
            spof.add_row(c.name, ", ".join(_name(G, x) for x in c.single_points_of_failure))
    out.print(spof)
    if result.pairs:
        pairs = Table(
            title=f"Pairs that only together break something ({result.pairs_checked} pairs checked)"
        )
        for col in ("pair", "breaks"):
            pairs.add_column(col, overflow="fold")
        for pf in result.pairs:
            pairs.add_row(" + ".join(_name(G, x) for x in pf.pair), ", ".join(_name(G, x) for x in pf.breaks))
        out.print(pairs)


@cli.command()
def cycles(
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Circular dependencies."""
    G, _ = _graph(portfolio, overlay)
    result = analysis.cycles(G, min_confidence=min_confidence)
    if _format(fmt, as_json) is Format.JSON:
        print_json(result.to_dict())
        return
    if not result.cycles:
        out.print("No circular dependencies.")
    for c in result.cycles:
        out.print(_hops_table(G, c.path.hops, " → ".join(_name(G, n) for n in (*c.nodes, c.nodes[0]))))


def _loaded_ids(store: GraphStore) -> list[str]:
    """The ids of the sources the store's graph is made of (a graph loaded whole is one source)."""
    parts = store.sources()
    if parts:
        return [part.id for part in parts]
    whole = current_or_none(store)
    return [portfolio_sources(whole)[0].id] if whole is not None else []


def _source_change(files: Sequence[Path], overlay: Path | None, store: GraphStore) -> Change:
    """What loading ``files`` as sources does: each file (or each source of a manifest) adds or replaces the
    source of its id; the others stay; the decisions apply again. Every file is parsed before the store is
    asked."""
    add: list[tuple[Source, Portfolio, str | None]] = []
    resolutions: list[Resolution] = []
    finishes: list[Callable[[Portfolio], Portfolio]] = []
    for path in files:
        if is_manifest(path, read_head(path)):
            manifest = open_manifest(path, load_one)
            add += manifest.parts
            resolutions += manifest.decisions
            finishes.append(manifest.finish)
        else:
            add.append(
                (
                    Source(source_id_of(path.name), str(path)),
                    load_any(path, overlay),
                    file_hash(path.read_bytes()),
                )
            )
    ids = [s.id for s, _, _ in add]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise LoadError(", ".join(map(str, files)), None, f"two sources have the id {twice[0]!r}")

    def finish(p: Portfolio) -> Portfolio:
        for f in finishes:
            p = f(p)
        return p

    return curation.load_sources(add, (), resolutions, finish, lambda: current_or_none(store))


@cli.command("diff")
def diff_command(
    before: Annotated[
        str,
        typer.Argument(
            help="The earlier portfolio: a document, a manifest, any file --portfolio takes, or "
            "with --neo4j a revision id (eagraph revisions)."
        ),
    ],
    after: Annotated[str, typer.Argument(help="The later one (with --neo4j: a revision id, or 'current').")],
    neo4j: Annotated[bool, typer.Option("--neo4j", help="FROM and TO are revisions kept in Neo4j.")] = False,
    min_confidence: ConfidenceOpt = DEFAULT_CONFIDENCE,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """What changed between two portfolios, and what it did to the blast radius (largest change first)."""
    chosen = _format(fmt, as_json)
    if neo4j:
        store = open_store(Settings(store="neo4j"))
        try:
            old = store.read(revision=before)
            new = store.read(revision=None if after == "current" else after)
        except LookupError as exc:
            raise LoadError("diff", None, str(exc).strip("'\"")) from None
        finally:
            store.close()
    else:
        old, new = load_any(Path(before)), load_any(Path(after))
    d = graph_diff(old, new, min_confidence=min_confidence)
    names = {n.id: n.short or n.name for n in (*old.nodes, *new.nodes)}

    def name(node_id: str) -> str:
        return names.get(node_id, node_id)

    if chosen is Format.JSON:
        print_json(d.to_dict())
    elif chosen is Format.MD:
        typer.echo(diff_view.markdown(d, name), nl=False)
    else:
        out.print(diff_view.tables(d, name))


@cli.command()
def revisions(
    neo4j_uri: Neo4jUriOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """The revisions Neo4j keeps (EAGRAPH_REVISIONS_KEPT), the most recent first: id, time, what made it, size."""
    chosen = _format(fmt, as_json)
    store = open_store(_neo4j_settings(neo4j_uri))
    try:
        items = store.revisions()
    finally:
        store.close()
    if chosen is Format.JSON:
        print_json([r.to_dict() for r in items])
        return
    table = Table("revision", "made", "by", "nodes", "edges", "", title="Revisions kept")
    for r in items:
        table.add_row(
            r.revision, r.loaded_at, r.made_by, str(r.nodes), str(r.edges), "current" if r.current else ""
        )
    out.print(table)


def _into_store(
    settings: Settings,
    what: str,
    run: Callable[[GraphStore, Progress_], LoadResult],
    check: Callable[[GraphStore], None] | None = None,
) -> LoadResult:
    """Run a write against the configured Neo4j store with a progress bar; the store closed after. ``check``
    runs first, so what is plainly wrong fails in one line before a bar is drawn."""
    store = open_store(settings)
    try:
        store.ping()  # fail in one line before a progress bar is drawn
        if check is not None:
            check(store)
        with Progress(
            TextColumn("loading {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(what, total=None)
            return run(store, lambda done, total: bar.update(task, completed=done, total=total))
    finally:
        store.close()


def _neo4j_settings(neo4j_uri: str | None) -> Settings:
    settings = Settings(store="neo4j")
    if neo4j_uri is not None:
        settings = settings.model_copy(update={"neo4j_uri": neo4j_uri})
    return settings


@cli.command()
def load(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Sources to load: each document (or each source of a manifest) adds or replaces the source "
            "of its id (the file name without extension); the sources already loaded stay.",
        ),
    ] = None,
    portfolio: PortfolioOpt = None,
    overlay: OverlayOpt = None,
    neo4j_uri: Neo4jUriOpt = None,
) -> None:
    """Load into Neo4j as a new revision (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD).

    With --portfolio (or nothing: the seed) the graph is replaced by that portfolio; with FILES each one is a
    source merged with the sources loaded before (see `eagraph sources`, `eagraph unload`). Readers keep the
    previous revision until the new one is complete; loading the same documents again changes nothing.
    """
    settings = _neo4j_settings(neo4j_uri)
    started = time.perf_counter()
    if files:
        if portfolio is not None:
            raise LoadError(str(portfolio), None, "give source files or --portfolio, not both")
        what = ", ".join(p.name for p in files)

        def run(store: GraphStore, progress: Progress_) -> LoadResult:
            return store.update(_source_change(files, overlay, store), progress=progress)

        result = _into_store(settings, what, run)
        findings = "sources merged"
    else:
        path = portfolio or settings.portfolio
        if path is not None and is_manifest(Path(path), read_head(Path(path))):
            manifest = open_manifest(Path(path), load_one)
            change = curation.load_sources(
                manifest.parts, (), manifest.decisions, manifest.finish, lambda: None
            )
            result = _into_store(
                settings, Path(path).name, lambda store, pr: store.update(change, progress=pr)
            )
            findings = "sources merged"
        else:
            parsed = load_any(path, overlay)
            result = _into_store(
                settings,
                parsed.document,
                lambda store, pr: store.update(curation.load_whole(parsed), progress=pr),
            )
            findings = f"{len(parsed.findings)} findings"
    state = "new revision" if result.changed else "unchanged"
    out.print(
        f"{settings.neo4j_uri}: revision {result.revision} ({state}): {result.nodes} nodes, {result.edges} edges, "
        f"{findings} in {time.perf_counter() - started:.1f}s",
        highlight=False,
        soft_wrap=True,
    )


@cli.command()
def unload(
    source: Annotated[str, typer.Argument(help="The id of the source to remove (see `eagraph sources`).")],
    neo4j_uri: Neo4jUriOpt = None,
) -> None:
    """Remove one source from the graph in Neo4j: a new revision of the other sources, merged again."""
    settings = _neo4j_settings(neo4j_uri)

    def run(store: GraphStore, progress: Progress_) -> LoadResult:
        change = curation.load_sources((), [source], (), lambda p: p, lambda: current_or_none(store))
        try:
            return store.update(change, progress=progress)
        except curation.CurationError as exc:
            raise LoadError("unload", None, str(exc)) from None

    def loaded(store: GraphStore) -> None:
        ids = _loaded_ids(store)
        if source not in ids:
            raise LoadError(
                "unload", None, f"no source {source!r} is loaded (loaded: {', '.join(ids) or 'none'})"
            )

    result = _into_store(settings, source, run, check=loaded)
    out.print(
        f"{settings.neo4j_uri}: revision {result.revision}: {source} unloaded; {result.nodes} nodes, "
        f"{result.edges} edges",
        highlight=False,
        soft_wrap=True,
    )


@cli.command()
def sources(
    portfolio: PortfolioOpt = None,
    store_choice: Annotated[
        bool, typer.Option("--neo4j", help="List what Neo4j holds (NEO4J_URI …) instead of --portfolio's.")
    ] = False,
    neo4j_uri: Neo4jUriOpt = None,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """The sources of the graph: id, document, organisation, file hash, the revision that loaded it, when."""
    chosen = _format(fmt, as_json)
    rows: list[dict[str, Any]]
    if store_choice or neo4j_uri is not None:
        store = open_store(_neo4j_settings(neo4j_uri))
        try:
            parts = store.sources()
            whole = store.read() if not parts else None
        finally:
            store.close()
        rows = [{k: v for k, v in part.to_dict().items() if k != "portfolio"} for part in parts]
        if whole is not None:
            rows = [
                {**r.to_dict(), "revision": whole.revision, "loaded_at": None}
                for r in portfolio_sources(whole)
            ]
    else:
        p = load_any(portfolio, None)
        rows = [{**r.to_dict(), "revision": p.revision, "loaded_at": None} for r in portfolio_sources(p)]
    if chosen is Format.JSON:
        print_json(rows)
        return
    table = Table("id", "document", "organisation", "sha256", "revision", "loaded at", title="Sources")
    for r in rows:
        table.add_row(
            r["id"],
            r["document"],
            r.get("organisation") or "",
            (r.get("sha256") or "")[:12],
            r["revision"],
            r.get("loaded_at") or "",
        )
    out.print(table)


@cli.command()
def doctor(
    portfolio: PortfolioOpt = None,
    host: Annotated[str, typer.Option("--host", help="Where `eagraph serve` will listen.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The API's port.")] = 8000,
    as_json: JsonOpt = False,
    fmt: FormatOpt = None,
) -> None:
    """Check what a newcomer trips on — Python, the venv, the portfolio, Neo4j, Java, chromium, the API port —
    and say how to fix each. Exit 0 when all pass, 1 otherwise."""
    settings = Settings(portfolio=str(portfolio)) if portfolio else Settings()
    checks = run_checks(settings, host, port)
    if _format(fmt, as_json) is Format.JSON:
        print_json({"ok": all(c.ok for c in checks), "checks": [c.to_dict() for c in checks]})
    else:
        report(checks, out)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


class StoreChoice(StrEnum):
    MEMORY = "memory"
    NEO4J = "neo4j"


@cli.command()
def serve(
    store: Annotated[
        StoreChoice | None,
        typer.Option(
            "--store",
            help="memory: the document parsed in process; neo4j: what `eagraph load` wrote "
            "(default: EAGRAPH_STORE, else memory).",
        ),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    portfolio: PortfolioOpt = None,
) -> None:
    """Serve the HTTP API (/api/v1, docs at /docs) and the web explorer (/) with uvicorn.

    Idle connections close after 5 s; a client has 10 s to send a whole request (app.server).
    """
    import uvicorn

    from app.main import create_app
    from app.server import responsive, uvicorn_options
    from app.settings import Settings

    overrides: dict[str, Any] = {}
    if store is not None:
        overrides["store"] = store.value
    if portfolio is not None:
        overrides["portfolio"] = str(portfolio)
    settings = Settings(**overrides)
    err.print(f"eagraph: {settings.store} store, http://{host}:{port}/ (API docs: /docs)", highlight=False)
    responsive()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **uvicorn_options())


@cli.command("export")
def export_(
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.", show_default=False)
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: standard output).")
    ] = None,
    portfolio: PortfolioOpt = None,
    list_formats: Annotated[bool, typer.Option("--list", help="List the formats and exit.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the portfolio as ArchiMate, Backstage, GraphML, node-link JSON, Mermaid, Cypher or CSV."""
    if list_formats or fmt is None:
        if as_json:
            print_json([f.to_dict() for f in FORMATS.values()])
            return
        t = Table(title="Export formats (eagraph export --format NAME)")
        for col in ("name", "media type", "what"):
            t.add_column(col)
        for f in FORMATS.values():
            t.add_row(f.name, f.media_type, f.description)
        out.print(t)
        return
    p = load_any(portfolio)
    _, text = export(p, fmt)
    if output is None:
        sys.stdout.write(text)
        return
    write_whole(output, text)
    err.print(
        f"wrote {output} ({fmt}: {len(p.nodes)} nodes, {len(p.edges)} edges)", highlight=False, soft_wrap=True
    )


@cli.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="An ArchiMate exchange file, GraphML, node-link JSON, or nodes.csv and edges.csv "
            "(or their folder).",
            show_default=False,
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Read a portfolio from another tool's format and show what it holds (use it with --portfolio)."""
    p = load_any(files[0] if len(files) == 1 else files)
    if as_json:
        print_json(p.to_dict())
        return
    _import_tables(p)


def _import_tables(p: Portfolio) -> None:
    kinds: dict[str, int] = {}
    for n in p.nodes:
        kinds[n.kind.value] = kinds.get(n.kind.value, 0) + 1
    types: dict[str, int] = {}
    for e in p.edges:
        types[e.type.value] = types.get(e.type.value, 0) + 1
    out.print(f"[bold]{p.document}[/]: {len(p.nodes)} nodes, {len(p.edges)} edges (revision {p.revision})")
    t = Table(title="Nodes by kind")
    t.add_column("kind")
    t.add_column("nodes", justify="right")
    for kind, count in sorted(kinds.items()):
        t.add_row(kind, str(count))
    out.print(t)
    t = Table(title="Edges by type (A → B: A depends on B)")
    t.add_column("type")
    t.add_column("edges", justify="right")
    for rel, count in sorted(types.items()):
        t.add_row(rel, str(count))
    out.print(t)
    for f in p.findings:
        out.print(f"[yellow]finding[/] {f.code} (line {f.line}): {f.message}", highlight=False)


# ------------------------------------------------------------------------------------ keys

keys_cli = typer.Typer(
    help="API keys with roles (reader < curator < admin), kept in EAGRAPH_KEYS_FILE (docs/keys.md).",
    no_args_is_help=True,
)
cli.add_typer(keys_cli, name="keys")
cli.add_typer(curation_app, name="curation")


def _keys_file() -> KeysFile:
    return KeysFile(Settings().keys_file)


@keys_cli.command("add")
def keys_add(
    name: Annotated[
        str, typer.Argument(help="A slug naming who holds the key: lowercase letters, digits, hyphens.")
    ],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(Role)}.")] = Role.READER.value,
    as_json: JsonOpt = False,
) -> None:
    """Add a key and print its secret on stdout, this once: the file keeps only a salted hash of it."""
    keys = _keys_file()
    record, secret = keys.add(name, role)
    if as_json:
        print_json({**record.public(), "secret": secret})
        return
    sys.stdout.write(secret + "\n")
    err.print(
        f"added {record.role} key {record.name!r} to {keys.path}; the secret above is shown only now",
        highlight=False,
        soft_wrap=True,
    )


@keys_cli.command("list")
def keys_list(as_json: JsonOpt = False) -> None:
    """The keys: name, role, id (the secret's first characters after eag_), created, revoked."""
    keys = _keys_file()
    rows = [r.public() for r in keys.records()]
    if as_json:
        print_json(rows)
        return
    table = Table("name", "role", "id", "created", "revoked", title=f"API keys in {keys.path}")
    for row in rows:
        table.add_row(*(row[k] or "" for k in ("name", "role", "id", "created", "revoked")))
    out.print(table)
    if Settings().api_key is not None:
        err.print("EAGRAPH_API_KEY is set as well: an admin key named 'admin'", highlight=False)


@keys_cli.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The name of the key to revoke.")]) -> None:
    """Revoke a key: refused from the next request on. Its record stays, and so its name is not reused."""
    keys = _keys_file()
    record = keys.revoke(name)
    out.print(f"key {record.name!r} revoked at {record.public()['revoked']}", highlight=False)


def main() -> None:
    """Console entry point: an error is one line on stderr and exit code 2 (input) or 1 (store), no traceback."""
    # The driver logs each retry; the user gets the one-line outcome instead.
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    try:
        cli()
    except (LoadError, EagraphError, curation.CurationError, KeysError) as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True, markup=True)
        raise SystemExit(2) from None
    except StoreUnavailable as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except ValidationError as exc:  # a setting from the environment or .env that does not validate
        if exc.title != Settings.__name__:
            raise
        err.print(
            f"[bold red]error:[/] {escape(describe(exc))}", highlight=False, soft_wrap=True, markup=True
        )
        raise SystemExit(2) from None
    except SettingsError as exc:  # a list or mapping setting that is not JSON
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True, markup=True)
        raise SystemExit(2) from None
    except BrokenPipeError:  # `eagraph impact hINT | head`: the reader stopped early; quiet, as git is
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        raise SystemExit(141) from None


if __name__ == "__main__":
    main()
