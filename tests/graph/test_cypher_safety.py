"""Every Cypher the Neo4j adapter sends is a named constant, or a template whose only slots are labels and
relationship types from the enums; every value is a parameter. Checked twice: in the source
(``graph/neo4j_store.py``, parsed), and on the wire (every query the driver is given while a portfolio with
Cypher, SQL and markup in its names is loaded and read back)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, ManagedTransaction

from graph import neo4j_store
from graph.model import NodeKind, RelType
from loaders import load_portfolio
from tests.conftest import Neo4jServer

SOURCE = Path(neo4j_store.__file__)
TREE = ast.parse(SOURCE.read_text(encoding="utf-8"))
KEYWORD = re.compile(r"\b(MATCH|MERGE|CREATE|DELETE|DETACH|SET|REMOVE|RETURN|UNWIND|CALL|WHERE|WITH|DROP)\b")
SLOTS = {
    "MERGE_NODES_TEMPLATE": "{labels}",
    "MERGE_EDGES_TEMPLATE": "{type}",
    "CREATE_EDGES_TEMPLATE": "{type}",
}
LABELS = "(?::(?:" + "|".join(k.label for k in NodeKind) + "))+"
TYPES = "|".join(t.value for t in RelType)


def cypher_constants() -> dict[str, str]:
    """Module-level constants holding Cypher: ``NAME = "..."`` and the statements of ``SCHEMA``."""
    found: dict[str, str] = {}
    for node in TREE.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if not isinstance(target, ast.Name) or not target.id.isupper() or value is None:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and KEYWORD.search(value.value):
            found[target.id] = value.value
        if isinstance(value, ast.Tuple):
            for i, item in enumerate(value.elts):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    found[f"{target.id}[{i}]"] = item.value
    return found


CONSTANTS = cypher_constants()


def calls(name: str) -> Iterator[ast.Call]:
    for node in ast.walk(TREE):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                yield node


def enclosing_function(target: ast.AST) -> str | None:
    for node in ast.walk(TREE):
        if isinstance(node, ast.FunctionDef) and any(child is target for child in ast.walk(node)):
            return node.name
    return None


def test_the_cypher_constants_are_found_and_hold_no_literal_values():
    assert {"READ_NODES", "MERGE_NODES_TEMPLATE", "FLIP_CURRENT", "DELETE_STALE", "SCHEMA[0]"} <= set(
        CONSTANTS
    )
    for name, text in CONSTANTS.items():
        assert "'" not in text and '"' not in text, f"{name} has a literal value; make it a $parameter"
        slots = set(re.findall(r"\{\w+\}", text))
        assert slots == ({SLOTS[name]} if name in SLOTS else set()), (name, slots)


def test_no_cypher_is_built_with_f_strings_format_or_concatenation():
    for node in ast.walk(TREE):
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            assert not KEYWORD.search(literal), f"line {node.lineno}: Cypher in an f-string"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            assert not names & {c.split("[")[0] for c in CONSTANTS}, (
                f"line {node.lineno}: Cypher concatenated"
            )
    assert not list(calls("format")), "str.format near Cypher"


def test_templates_are_filled_only_with_enum_labels_and_types_through_trusted():
    filled = 0
    for call in calls("_trusted"):
        if enclosing_function(call) in {"_labels", "_rel_type"}:
            continue
        (arg,) = call.args
        assert (
            isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "replace"
        )
        template, (slot, value) = arg.func.value, arg.args
        assert isinstance(template, ast.Name) and template.id in SLOTS, ast.unparse(call)
        assert isinstance(slot, ast.Constant) and slot.value == SLOTS[template.id]
        assert isinstance(value, ast.Call) and getattr(value.func, "id", None) in {"_labels", "_rel_type"}
        filled += 1
    assert filled == 3  # node labels; edge types merged or, into a fresh revision, created


def test_every_statement_sent_is_a_constant_or_a_filled_template_never_an_expression():
    sites = [*calls("run"), *calls("execute_query")]
    assert len(sites) >= 10
    for call in sites:
        query = call.args[0]
        assert isinstance(query, ast.Name), f"line {call.lineno}: {ast.unparse(query)}"
        assert query.id in {c.split("[")[0] for c in CONSTANTS} or query.id in {"query", "statement"}, (
            f"line {call.lineno}: {query.id}"
        )


def test_labels_and_relationship_types_are_plain_identifiers():
    assert all(re.fullmatch(r"[A-Z][A-Za-z]*", k.label) for k in NodeKind)
    assert all(re.fullmatch(r"[A-Z][A-Z_]*", t.value) for t in RelType)


def allowed(query: str) -> bool:
    if query in CONSTANTS.values():
        return True
    for name, slot in SLOTS.items():
        before, after = CONSTANTS[name].split(slot)
        middle = query[len(before) : len(query) - len(after)]
        fill = LABELS if slot == "{labels}" else TYPES
        if query.startswith(before) and query.endswith(after) and re.fullmatch(fill, middle):
            return True
    return False


@pytest.mark.neo4j
@pytest.mark.usefixtures("empty_neo4j")
def test_on_the_wire_every_query_is_allowed_and_no_value_from_the_portfolio_is_in_one(
    neo4j_server: Neo4jServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    run, execute_query = ManagedTransaction.run, Driver.execute_query

    def recording_run(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return run(self, query, *args, **kwargs)  # type: ignore[arg-type]

    def recording_execute_query(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return execute_query(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ManagedTransaction, "run", recording_run)
    monkeypatch.setattr(Driver, "execute_query", recording_execute_query)
    portfolio = load_portfolio(Path(__file__).parents[1] / "corpus" / "hostile-names.txt")
    with neo4j_server.store(batch_size=3) as store:
        store.load(portfolio)
        assert store.read() == portfolio and store.counts() == (len(portfolio.nodes), len(portfolio.edges))
    assert len(sent) > 20 and all(allowed(q) for q in sent), [q for q in sent if not allowed(q)]
    values = {v for n in portfolio.nodes for v in (n.id, n.name) if len(v) > 4} | {"DROP TABLE", "<script>"}
    # The document names a thing "MATCH" (its last sentence reads data "fra … MATCH (n) DETACH DELETE n"): a
    # keyword every query has is no value that leaked into one.
    values = {v for v in values if not KEYWORD.fullmatch(v)}
    assert len(values) > 10 and not [(v, q) for q in sent for v in values if v in q]
