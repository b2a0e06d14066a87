"""A Mermaid flowchart: paste it into a Markdown file on GitHub or GitLab and the graph is drawn.

Arrows keep our direction (``A --> B``: A depends on B) and carry the relation type; soft and inferred
edges are dashed. Node ids are the slugs with ``_`` for ``-``; labels are the names, escaped with Mermaid's
entity codes so quotes, ``#``, ``<`` and brackets cannot break the diagram.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType, Strength
>>> p = Portfolio("demo", (Node("a-1", 'The "A"', NodeKind.SYSTEM), Node("end", "End", NodeKind.EXTERNAL)),
...               (Edge("a-1", "end", RelType.USES, "A uses End.", strength=Strength.SOFT),))
>>> print(to_mermaid(p).splitlines()[-1])
    a_1 -.->|USES| n_end
>>> mermaid_label('The "A" <b> #1')
'The #quot;A#quot; #lt;b#gt; #35;1'
"""

from __future__ import annotations

import re

from graph.model import Confidence, Edge, NodeKind, Portfolio, Strength

__all__ = ["CLASS_DEFS", "mermaid_id", "mermaid_label", "to_mermaid"]

CLASS_DEFS: dict[NodeKind, str] = {
    NodeKind.SYSTEM: "fill:#b5ffff,stroke:#3c7a89,color:#000",
    NodeKind.INTEGRATION: "fill:#99ddff,stroke:#1f5f8b,color:#000,stroke-width:2px",
    NodeKind.WEBSITE: "fill:#e0f7ff,stroke:#3c7a89,color:#000",
    NodeKind.ACTOR: "fill:#ffffb5,stroke:#8a7a00,color:#000",
    NodeKind.EXTERNAL: "fill:#e0e0e0,stroke:#666,color:#000,stroke-dasharray:4 2",
}

# Words Mermaid's flowchart grammar reserves; an id equal to one breaks the diagram.
_RESERVED = frozenset(
    {"end", "graph", "flowchart", "subgraph", "style", "class", "classdef", "click", "linkstyle", "default"}
)
_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def mermaid_id(node_id: str) -> str:
    """A readable, safe Mermaid id.

    >>> mermaid_id("tjenesteportal-for-helseaktor"), mermaid_id("end"), mermaid_id("1881")
    ('tjenesteportal_for_helseaktor', 'n_end', 'n_1881')
    """
    mid = re.sub(r"[^A-Za-z0-9_]", "_", node_id)
    if not mid or mid.lower() in _RESERVED or not mid[0].isalpha():
        mid = "n_" + mid
    return mid


def mermaid_label(text: str) -> str:
    """``text`` for a quoted Mermaid label: one line, markup characters as entity codes."""
    return "".join(_ESCAPES.get(c, c) for c in " ".join(text.split()))


def _arrow(edge: Edge) -> str:
    dashed = edge.strength == Strength.SOFT or edge.confidence == Confidence.INFERRED
    return f"-.->|{edge.type.value}|" if dashed else f"-->|{edge.type.value}|"


def to_mermaid(portfolio: Portfolio) -> str:
    """The flowchart text (``flowchart LR``) with one classDef per node kind; comments after the header."""
    ids: dict[str, str] = {}
    for n in portfolio.nodes:
        mid, k = mermaid_id(n.id), 1
        while mid in ids.values():  # two ids that differ only in punctuation
            k += 1
            mid = f"{mermaid_id(n.id)}_{k}"
        ids[n.id] = mid
    lines = [
        "flowchart LR",
        f"    %% {mermaid_label(portfolio.document)} (revision {portfolio.revision}): A --> B means A depends on B;",
        "    %% dashed arrows are soft or inferred dependencies.",
    ]
    lines += [f"    classDef {kind.value} {style}" for kind, style in CLASS_DEFS.items()]
    lines += [f'    {ids[n.id]}["{mermaid_label(n.name)}"]:::{n.kind.value}' for n in portfolio.nodes]
    lines += [f"    {ids[e.source]} {_arrow(e)} {ids[e.target]}" for e in portfolio.edges]
    return "\n".join(lines) + "\n"
