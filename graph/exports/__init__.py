"""Exports: pure functions from a :class:`~graph.model.Portfolio` to the text of another format. No I/O.

The CLI (``eagraph export``) and the HTTP API both go through :func:`export` and :data:`FORMATS`.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.SYSTEM), Node("b", "B", NodeKind.SYSTEM)),
...               (Edge("a", "b", RelType.USES, "A uses B."),))
>>> media_type, text = export(p, "mermaid")
>>> media_type, text.splitlines()[0]
('text/vnd.mermaid; charset=utf-8', 'flowchart LR')
>>> export(p, "visio")
Traceback (most recent call last):
...
graph.exports.UnknownFormat: unknown export format 'visio'; choose one of: archimate, backstage, csv-edges, csv-nodes, cypher, graphml, mermaid, node-link
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.errors import InvalidQuery
from graph.exports.archimate import to_archimate
from graph.exports.backstage import to_backstage
from graph.exports.cypher import to_cypher
from graph.exports.mermaid import to_mermaid
from graph.exports.networkx_formats import to_graphml, to_node_link
from graph.exports.tabular import to_edges_csv, to_nodes_csv
from graph.model import Portfolio

__all__ = ["FORMATS", "ExportFormat", "UnknownFormat", "export", "formats"]


class UnknownFormat(InvalidQuery):
    """An export format name that :data:`FORMATS` does not have."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    description: str
    render: Callable[[Portfolio], str]

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "media_type": self.media_type,
            "extension": self.extension,
            "description": self.description,
        }


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in sorted(
        (
            ExportFormat(
                "archimate",
                "application/xml",
                ".xml",
                "ArchiMate 3.1 Model Exchange File (Archi: File › Import › Open Exchange XML Model)",
                to_archimate,
            ),
            ExportFormat(
                "backstage",
                "application/yaml",
                ".yaml",
                "Backstage catalog entities (backstage.io/v1alpha1), one YAML document each",
                to_backstage,
            ),
            ExportFormat(
                "graphml", "application/graphml+xml", ".graphml", "GraphML (yEd, Gephi, networkx)", to_graphml
            ),
            ExportFormat(
                "node-link", "application/json", ".json", "networkx node-link JSON (d3)", to_node_link
            ),
            ExportFormat(
                "mermaid", "text/vnd.mermaid; charset=utf-8", ".mmd", "Mermaid flowchart", to_mermaid
            ),
            ExportFormat(
                "cypher",
                "text/plain; charset=utf-8",
                ".cypher",
                "Cypher script for cypher-shell or Browser",
                to_cypher,
            ),
            ExportFormat(
                "csv-nodes",
                "text/csv; charset=utf-8",
                ".csv",
                "nodes.csv (import with edges.csv)",
                to_nodes_csv,
            ),
            ExportFormat(
                "csv-edges",
                "text/csv; charset=utf-8",
                ".csv",
                "edges.csv (import with nodes.csv)",
                to_edges_csv,
            ),
        ),
        key=lambda f: f.name,
    )
}


def formats() -> list[ExportFormat]:
    """Every export format, by name."""
    return list(FORMATS.values())


def export(portfolio: Portfolio, fmt: str) -> tuple[str, str]:
    """``(media_type, text)`` of ``portfolio`` in format ``fmt``; :class:`UnknownFormat` for other names."""
    try:
        f = FORMATS[fmt]
    except KeyError:
        raise UnknownFormat(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    return f.media_type, f.render(portfolio)
