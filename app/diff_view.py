"""How a :class:`graph.diff.Diff` reads: Markdown for a report, rich tables for a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table

from graph.diff import Diff

__all__ = ["markdown", "tables"]

Name = Callable[[str], str]


def _edge(name: Name, s: str, t: str, kind: str) -> str:
    return f"{name(s)} —{kind}→ {name(t)}"


def _fields(fields: Iterable[tuple[str, Any, Any]]) -> str:
    def show(v: Any) -> str:
        if v is None or v == ():
            return "—"
        return ", ".join(map(str, v)) if isinstance(v, tuple) else str(v)

    return "; ".join(f"{f}: {show(a)} → {show(b)}" for f, a, b in fields if f != "evidence") or "evidence"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _partial(d: Diff) -> str:
    return (
        f"Partial: {d.compared:,} of {d.candidates:,} nodes whose failure can play out differently were compared "
        "before the work budget ran out. What is listed is exact; the others are left out, not guessed."
    )


def markdown(d: Diff, name: Name) -> str:
    """The diff as Markdown: the impact delta first (largest change of blast radius first), then what changed."""
    out = [f"# What changed: revision {d.before} → {d.after}", ""]
    if d.empty:
        return "\n".join([*out, "Nothing changed.", ""])
    out += [
        f"{len(d.nodes_added)} nodes added, {len(d.nodes_removed)} removed, {len(d.nodes_changed)} changed; "
        f"{len(d.edges_added)} edges added, {len(d.edges_removed)} removed, {len(d.edges_changed)} changed; "
        f"{len(d.findings_opened)} findings opened, {len(d.findings_resolved)} resolved.",
        "",
        "## Impact",
        "",
    ]
    if d.radius:
        out += ["| node | blast radius before (down/degraded) | after | change |", "|---|---|---|---|"]
        for r in d.radius:
            out.append(
                f"| {_cell(r.name)} | {r.before.blast} ({r.before.down}/{r.before.degraded}) "
                f"| {r.after.blast} ({r.after.down}/{r.after.degraded}) | {r.delta:+d} |"
            )
        out.append("")
    else:
        out += ["No node's blast radius changed.", ""]
    if d.truncated:
        out += [f"*{_partial(d)}*", ""]
    for label, items in (
        ("New single points of failure", d.spof_new),
        ("No longer single points of failure", d.spof_gone),
    ):
        if items:
            out += [f"**{label}:** " + ", ".join(_cell(name(i)) for i in items), ""]
    for label, pairs in (("New fatal pairs", d.pairs_new), ("Fatal pairs gone", d.pairs_gone)):
        if pairs:
            out += [
                f"**{label}:** " + ", ".join(f"{_cell(name(a))} + {_cell(name(b))}" for a, b in pairs),
                "",
            ]
    out += ["## Edges", "", "| change | edge | evidence |", "|---|---|---|"]
    for e in d.edges_added:
        out.append(
            f"| added | {_cell(_edge(name, e.source, e.target, e.type.value))} | {_cell(e.evidence)} |"
        )
    for e in d.edges_removed:
        out.append(
            f"| removed | {_cell(_edge(name, e.source, e.target, e.type.value))} | {_cell(e.evidence)} |"
        )
    for c in d.edges_changed:
        evidence = (
            c.evidence_after
            if c.evidence_before == c.evidence_after
            else f"{c.evidence_before} → {c.evidence_after}"
        )
        out.append(f"| {_cell(_fields(c.fields))} | {_cell(_edge(name, *c.key))} | {_cell(evidence)} |")
    out += ["", "## Nodes", ""]
    out += [f"* added: {_cell(n.name)} ({n.kind.value})" for n in d.nodes_added]
    out += [f"* removed: {_cell(n.name)} ({n.kind.value})" for n in d.nodes_removed]
    out += [f"* changed: {_cell(name(c.key))}: {_cell(_fields(c.fields))}" for c in d.nodes_changed]
    if d.findings_opened or d.findings_resolved:
        out += ["", "## Findings", ""]
        out += [f"* opened: `{f.code}` {_cell(f.message)}" for f in d.findings_opened]
        out += [f"* resolved: `{f.code}` {_cell(f.message)}" for f in d.findings_resolved]
    return "\n".join(out) + "\n"


def tables(d: Diff, name: Name) -> Group:
    """The diff as rich tables for a terminal."""
    parts: list[RenderableType] = []
    if d.empty:
        return Group(f"Revision {d.before} → {d.after}: nothing changed.")
    impact = Table(title=f"Blast radius, revision {d.before} → {d.after} (largest change first)")
    for col in ("node", "before (down/degraded)", "after", "change"):
        impact.add_column(col, overflow="fold")
    for r in d.radius:
        impact.add_row(
            r.name,
            f"{r.before.blast} ({r.before.down}/{r.before.degraded})",
            f"{r.after.blast} ({r.after.down}/{r.after.degraded})",
            f"{r.delta:+d}",
        )
    parts.append(impact)
    if d.truncated:
        parts.append(f"[yellow]{_partial(d)}[/]")
    for label, items in (
        ("new single points of failure", d.spof_new),
        ("no longer single points of failure", d.spof_gone),
    ):
        if items:
            parts.append(f"[bold]{label}:[/] " + ", ".join(name(i) for i in items))
    parts.append(_edges_table(d, name))
    if d.nodes_added or d.nodes_removed or d.nodes_changed:
        parts.append(_nodes_table(d, name))
    if d.findings_opened or d.findings_resolved:
        parts.append(
            f"findings: {len(d.findings_opened)} opened ({', '.join(sorted({f.code for f in d.findings_opened}))}), "
            f"{len(d.findings_resolved)} resolved ({', '.join(sorted({f.code for f in d.findings_resolved}))})"
        )
    return Group(*parts)


def _edges_table(d: Diff, name: Name) -> Table:
    edges = Table(title="Edges")
    for col in ("change", "edge", "evidence"):
        edges.add_column(col, overflow="fold")
    for e in d.edges_added:
        edges.add_row("[green]added[/]", _edge(name, e.source, e.target, e.type.value), e.evidence)
    for e in d.edges_removed:
        edges.add_row("[red]removed[/]", _edge(name, e.source, e.target, e.type.value), e.evidence)
    for c in d.edges_changed:
        edges.add_row(_fields(c.fields), _edge(name, *c.key), c.evidence_after)
    return edges


def _nodes_table(d: Diff, name: Name) -> Table:
    nodes = Table(title="Nodes")
    for col in ("change", "node", "what"):
        nodes.add_column(col, overflow="fold")
    for n in d.nodes_added:
        nodes.add_row("[green]added[/]", n.name, n.kind.value)
    for n in d.nodes_removed:
        nodes.add_row("[red]removed[/]", n.name, n.kind.value)
    for c in d.nodes_changed:
        nodes.add_row("changed", name(c.key), _fields(c.fields))
    return nodes
