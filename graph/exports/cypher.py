"""A Cypher script that builds the portfolio graph: ``cypher-shell -f portfolio.cypher`` or paste into Browser.

Every node is a ``:Node`` plus one label per kind in ``node.labels`` (``:Integration:System``); every edge
is a relationship typed by its RelType, in our direction (A depends on B). Properties are the Node and Edge
fields (``None`` and empty lists left out), and every node and relationship carries the portfolio's
``revision``, as every write to the store does. Statements use literal maps only, no ``$parameters``, so
they run anywhere; each ends with ``;`` at the end of a line, and string literals never contain a line
break, so splitting the script on ``;\\n`` gives the statements. Labels and types come from the enums.

>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A's", NodeKind.SYSTEM), Node("b", "B", NodeKind.EXTERNAL)),
...               (Edge("a", "b", RelType.USES, "A uses B."),))
>>> script = to_cypher(p)
>>> "MERGE (a)-[r:USES]->(b)" in script, "name: 'A\\\\'s'" in script
(True, True)
>>> cypher_string("line\\nbreak")
"'line\\\\nbreak'"
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from graph.model import Edge, Node, NodeKind, Portfolio, RelType

__all__ = ["COMMON_LABEL", "cypher_statements", "cypher_string", "cypher_value", "to_cypher"]

COMMON_LABEL = "Node"
BATCH = 200  # rows per UNWIND statement

_ESC = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal; control characters as ``\\uXXXX``."""
    out = []
    for c in text:
        if c in _ESC:
            out.append(_ESC[c])
        elif ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "'" + "".join(out) + "'"


def cypher_value(value: Any) -> str:
    """A literal for a property value: string, integer, boolean, list or map of them.

    >>> cypher_value({"id": "a", "line": 3, "aliases": ["x", "y"]})
    "{id: 'a', line: 3, aliases: ['x', 'y']}"
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {cypher_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def _key(name: str) -> str:
    return name if name.isidentifier() and name.isascii() else "`" + name.replace("`", "``") + "`"


def _props(d: dict[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    skip = set(drop)
    return {k: v for k, v in d.items() if k not in skip and v is not None and v != []}


def _labels(kinds: Sequence[NodeKind]) -> str:
    return "".join(f":{NodeKind(k).label}" for k in kinds)


def _rel_type(rel: RelType) -> str:
    return RelType(rel).value  # the enum is the allow-list: no other text reaches the statement


T = TypeVar("T")


def _batches(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), BATCH):
        yield items[i : i + BATCH]


def _node_statements(nodes: Sequence[Node], revision: str) -> list[str]:
    groups: dict[tuple[NodeKind, ...], list[Node]] = {}
    for n in nodes:
        groups.setdefault(n.labels, []).append(n)
    out = []
    for labels, members in groups.items():
        for batch in _batches(members):
            rows = ",\n  ".join(cypher_value(_props(n.to_dict())) for n in batch)
            out.append(
                f"UNWIND [\n  {rows}\n] AS row\n"
                f"MERGE (n:{COMMON_LABEL} {{id: row.id, revision: {cypher_string(revision)}}})\n"
                f"SET n += row, n{_labels(labels)}"
            )
    return out


def _edge_statements(edges: Sequence[Edge], revision: str) -> list[str]:
    groups: dict[RelType, list[Edge]] = {}
    for e in edges:
        groups.setdefault(e.type, []).append(e)
    out = []
    rev = cypher_string(revision)
    for rel, members in groups.items():
        for batch in _batches(members):
            rows = ",\n  ".join(
                cypher_value(
                    {
                        "source": e.source,
                        "target": e.target,
                        "props": _props(e.to_dict(), ("source", "target", "type")),
                    }
                )
                for e in batch
            )
            out.append(
                f"UNWIND [\n  {rows}\n] AS row\n"
                f"MATCH (a:{COMMON_LABEL} {{id: row.source, revision: {rev}}}), "
                f"(b:{COMMON_LABEL} {{id: row.target, revision: {rev}}})\n"
                f"MERGE (a)-[r:{_rel_type(rel)}]->(b)\n"
                f"SET r += row.props, r.revision = {rev}"
            )
    return out


def cypher_statements(portfolio: Portfolio) -> list[str]:
    """The statements, without their terminating ``;``: constraint, nodes by label set, edges by type."""
    rev = portfolio.revision
    return [
        f"CREATE CONSTRAINT eagraph_node_id IF NOT EXISTS FOR (n:{COMMON_LABEL}) "
        "REQUIRE (n.id, n.revision) IS UNIQUE",
        *_node_statements(portfolio.nodes, rev),
        *_edge_statements(portfolio.edges, rev),
    ]


def to_cypher(portfolio: Portfolio) -> str:
    """The script: a comment header, then each statement ended by ``;`` and a blank line."""
    doc = " ".join(portfolio.document.split())
    header = (
        f"// eagraph portfolio {doc}, revision {portfolio.revision}: "
        f"{len(portfolio.nodes)} nodes, {len(portfolio.edges)} edges.\n"
        "// (a)-[:TYPE]->(b) means a depends on b. Run on an empty database: cypher-shell -f <this file>\n\n"
    )
    return header + "".join(f"{s};\n\n" for s in cypher_statements(portfolio))
