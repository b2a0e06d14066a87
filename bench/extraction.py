"""``make eval``: the extraction measured against the gold corpus (``tests/extraction/``).

Every ``*.gold.yaml`` under ``tests/extraction/corpus`` names a document (beside it, or the seed); the
document is parsed as a user's would be — no overlay — and its graph compared with the gold file:

* **names**: each gold name (an entry, an outside thing, an actor, with every form the text uses) is matched
  to the graph's nodes by folded name, abbreviation, alias or id; an entry first by the line it starts on;
* **relations**: the stated edges (inferred edges are not the document's statements and are left out), as
  ordered pairs of gold names, against the gold relations. A gold relation is *found* when an edge joins its
  two names the right way; *reversed* when only the other way. Precision is the share of the graph's pairs
  that are gold relations the right way; recall the share of gold relations found; direction accuracy the
  share of those joined at all that are joined the right way;
* **mutual** relations (two systems exchanging both ways) are found either way round, and both ways count;
* a relation between an **actor** and a system is scored without direction: in the model an actor is always
  the dependent side (it uses, receives, loses), never something a system depends on;
* per **phrase family**, recall counts the gold relations of the family; a found pair counts for the gold
  family, a false one for the family of the rule that made it.

``python -m bench.extraction`` prints the tables and writes ``bench/results/extraction.{md,json}``;
``--details`` prints every miss and every false edge.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from graph.model import Confidence, Portfolio, fold, slugify
from loaders import SEED, LoadError, parse_document

__all__ = [
    "CORPUS",
    "FLOORS",
    "DocScore",
    "evaluate",
    "floors_yaml",
    "gold_files",
    "main",
    "score_document",
    "total",
]

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "extraction" / "corpus"
RESULTS = REPO / "bench" / "results"
FLOORS = REPO / "tests" / "extraction" / "floors.yaml"
FAMILIES = (
    "gets-data-from", "sends-to", "looks-up-in", "stores-in", "logs-in-with", "runs-on", "built-on",
    "exchanges-with", "depends-on", "used-by", "via-channel", "between", "serves-content", "other",
)  # fmt: skip
# Families of the rules that predate the frame table (their names are not family-prefixed).
_LEGACY_RULES = {
    "used-by": "used-by", "actor-verb": "used-by", "serves": "used-by", "via": "via-channel",
    "uses-list": "logs-in-with", "built-on": "built-on", "hosts": "runs-on", "hosted-on": "runs-on",
    "published-via": "serves-content", "delivers-alternatives": "sends-to", "receives-from": "gets-data-from",
    "sends-to": "sends-to", "between": "between", "exchange": "exchanges-with",
}  # fmt: skip


def _keys(name: str) -> set[str]:
    """The folded keys a name is known by: itself, its slug, and the parts of "Base (ABBR)"."""
    name = re.sub(r"\s+", " ", name.strip())
    keys = {fold(name), slugify(name)}
    m = re.match(r"^(.*?)\s*\(([^()]+)\)$", name)
    if m:
        keys |= {fold(m.group(1)), fold(m.group(2)), slugify(m.group(1)), slugify(m.group(2))}
    return {k for k in keys if k}


@dataclass
class Gold:
    path: Path
    document: str
    entries: list[dict[str, Any]]
    outside: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    non_relations: list[dict[str, Any]]

    @classmethod
    def read(cls, path: Path) -> Gold:
        g = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        return cls(
            path,
            g["document"],
            g["entries"],
            g.get("outside") or [],
            g.get("actors") or [],
            g["relations"],
            g.get("non_relations") or [],
        )

    @property
    def actor_names(self) -> set[str]:
        return {a["name"] for a in self.actors}

    def document_path(self) -> Path:
        beside = self.path.parent / self.document
        return beside if beside.exists() else SEED.parent / self.document

    def forms(self) -> dict[str, set[str]]:
        """Every gold name with the folded keys it is known by."""
        out: dict[str, set[str]] = {}
        for item in (*self.entries, *self.outside, *self.actors):
            keys = _keys(item["name"])
            for form in item.get("forms") or ():
                keys |= _keys(str(form))
            out[item["name"]] = keys
        return out


@dataclass
class DocScore:
    document: str
    entries: int
    entry_names_exact: int
    gold: int
    predicted: int
    found: int
    reversed: int
    false: int
    non_relations_broken: int
    alternatives: int
    alternatives_right: int
    outside: int
    outside_found: int
    standalone: int
    standalone_found: int
    by_family: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_edges: list[str] = field(default_factory=list)
    wrong_names: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return _ratio(self.predicted - self.false - self.reversed, self.predicted)  # a reversed edge is wrong

    @property
    def recall(self) -> float:
        return _ratio(self.found, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    @property
    def direction(self) -> float:
        return _ratio(self.found, self.found + self.reversed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "entries": self.entries,
            "entry_names_exact": self.entry_names_exact,
            "gold": self.gold,
            "predicted": self.predicted,
            "found": self.found,
            "reversed": self.reversed,
            "false": self.false,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "direction": round(self.direction, 3),
            "non_relations_broken": self.non_relations_broken,
            "alternatives": self.alternatives,
            "alternatives_right": self.alternatives_right,
            "outside": self.outside,
            "outside_found": self.outside_found,
            "standalone": self.standalone,
            "standalone_found": self.standalone_found,
            "by_family": self.by_family,
            "misses": self.misses,
            "false_edges": self.false_edges,
            "wrong_names": self.wrong_names,
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _rule_family(rule: str | None) -> str:
    if not rule:
        return "other"
    head = rule.split(":", 1)[0]
    return head if head in FAMILIES else _LEGACY_RULES.get(head, "other")


def _name_map(gold: Gold, portfolio: Portfolio) -> dict[str, str]:
    """Node id -> the gold name it stands for (nodes the gold does not know are left out)."""
    forms = gold.forms()
    by_key: dict[str, list[str]] = defaultdict(list)
    for name, keys in forms.items():
        for k in keys:
            by_key[k].append(name)
    out: dict[str, str] = {}
    gold_by_line = {e["line"]: e["name"] for e in gold.entries}
    for entry in portfolio.entries:
        name = gold_by_line.get(entry.line)
        if name is not None and len(entry.nodes) == 1:
            out[entry.nodes[0]] = name
    for node in portfolio.nodes:
        if node.id in out:
            continue
        keys = _keys(node.name) | {node.id}
        if node.short:
            keys.add(fold(node.short))
        keys |= {fold(a) for a in node.aliases}
        exact = by_key.get(fold(node.name)) or by_key.get(node.id)
        # Sorted: most_common keeps the first of a tie, and a set's order changes with the hash seed.
        candidates = exact or [n for k in sorted(keys) for n in by_key.get(k, [])]
        if candidates:
            out[node.id] = Counter(candidates).most_common(1)[0][0]
    return out


def _pair(a: str, b: str, unordered: bool) -> tuple[str, str]:
    return tuple(sorted((a, b))) if unordered else (a, b)  # type: ignore[return-value]


Pair = tuple[str, str]
Unordered = Callable[..., bool]  # (a, b, mutual=False): whether the relation a - b has no direction to check


def score_document(gold: Gold, portfolio: Portfolio) -> DocScore:
    names = _name_map(gold, portfolio)
    actors = gold.actor_names

    def unordered(a: str, b: str, mutual: bool = False) -> bool:
        return mutual or a in actors or b in actors

    wanted: dict[Pair, dict[str, Any]] = {}
    for r in gold.relations:
        wanted.setdefault(_pair(r["from"], r["to"], unordered(r["from"], r["to"], bool(r.get("mutual")))), r)
    edges = _found_edges(portfolio, names)
    by_family: dict[str, Counter[str]] = defaultdict(Counter)
    found, reversed_, misses = _recall(wanted, edges, unordered, by_family)
    false_edges = _false_edges(wanted, edges, unordered, by_family)
    broken = sum(
        1
        for nr in gold.non_relations
        if (nr["from"], nr["to"]) in edges
        and not any(
            {(r["from"], r["to"]), (r["to"], r["from"])} & {(nr["from"], nr["to"])} for r in gold.relations
        )
    )
    alternatives, alternatives_right = _alternatives(gold, portfolio, names)
    mapped = set(names.values())
    outside_found = sum(1 for o in gold.outside if o["name"] in mapped)
    standalone = [e for e in gold.entries if e.get("standalone")]
    flagged = {n for f in portfolio.findings if f.code == "standalone" for n in f.nodes}
    standalone_found = sum(1 for e in standalone if any(names.get(n) == e["name"] for n in flagged))
    predicted_entries = {e.line: re.sub(r"\s+", " ", e.name) for e in portfolio.entries}
    wrong_names = [
        f"line {e['line']}: {predicted_entries.get(e['line'], '(no entry here)')!r} for {e['name']!r}"
        for e in gold.entries
        if predicted_entries.get(e["line"]) != re.sub(r"\s+", " ", e["name"])
    ]
    return DocScore(
        document=gold.document,
        entries=len(gold.entries),
        entry_names_exact=len(gold.entries) - len(wrong_names),
        gold=len(wanted),
        predicted=len({_pair(a, b, unordered(a, b)) for a, b in edges}),
        found=found,
        reversed=reversed_,
        false=len(false_edges),
        non_relations_broken=broken,
        alternatives=alternatives,
        alternatives_right=alternatives_right,
        outside=len(gold.outside),
        outside_found=outside_found,
        standalone=len(standalone),
        standalone_found=standalone_found,
        by_family={f: dict(c) for f, c in sorted(by_family.items())},
        misses=misses,
        false_edges=false_edges,
        wrong_names=wrong_names,
    )


def _found_edges(portfolio: Portfolio, names: dict[str, str]) -> dict[Pair, str]:
    """Ordered pairs of gold (or raw, ``?``-marked) names the graph joins, not by inference -> the rule's family."""
    nodes = {n.id: n for n in portfolio.nodes}
    edges: dict[Pair, str] = {}
    for e in portfolio.edges:
        if e.confidence is Confidence.INFERRED:
            continue
        a = names.get(e.source, f"?{nodes[e.source].name}")
        b = names.get(e.target, f"?{nodes[e.target].name}")
        if a != b:
            edges.setdefault((a, b), _rule_family(e.rule))
    return edges


def _recall(
    wanted: dict[Pair, dict[str, Any]],
    edges: dict[Pair, str],
    unordered: Unordered,
    by_family: dict[str, Counter[str]],
) -> tuple[int, int, list[str]]:
    """The gold relations found, found reversed, and a line for each one missed (or reversed)."""
    found = reversed_ = 0
    misses = []
    for r in wanted.values():
        family = r["family"] if r["family"] in FAMILIES else "other"
        by_family[family]["gold"] += 1
        a, b = r["from"], r["to"]
        mutual = bool(r.get("mutual"))
        hit = (a, b) in edges or (unordered(a, b, mutual) and (b, a) in edges)
        if hit:
            found += 1
            by_family[family]["found"] += 1
        elif (b, a) in edges:
            reversed_ += 1
            by_family[family]["reversed"] += 1
            misses.append(f"reversed [{family}] {a} → {b} (line {r.get('line')}): {r.get('text', '')}")
        else:
            misses.append(f"missed [{family}] {a} → {b} (line {r.get('line')}): {r.get('text', '')}")
    return found, reversed_, misses


def _false_edges(
    wanted: dict[Pair, dict[str, Any]],
    edges: dict[Pair, str],
    unordered: Unordered,
    by_family: dict[str, Counter[str]],
) -> list[str]:
    """A line for each edge of the graph the gold does not have (the true ones counted in ``by_family``)."""
    false_edges = []
    for (a, b), family in sorted(edges.items()):
        key = _pair(a, b, unordered(a, b))
        r = wanted.get(key) or wanted.get(_pair(a, b, True))
        ok = r is not None and (
            (r["from"], r["to"]) == (a, b) or unordered(r["from"], r["to"], bool(r.get("mutual")))
        )
        if ok:
            assert r is not None
            by_family[r["family"] if r["family"] in FAMILIES else "other"]["true"] += 1
        else:
            by_family[family]["false"] += 1
            false_edges.append(f"false [{family}] {a} → {b}")
    return false_edges


def _alternatives(gold: Gold, portfolio: Portfolio, names: dict[str, str]) -> tuple[int, int]:
    """The gold's alternatives groups, and how many the graph has as one group with no other member."""
    alt_groups: dict[str, set[Pair]] = defaultdict(set)
    for r in gold.relations:
        if r.get("alt"):
            alt_groups[r["alt"]].add((r["from"], r["to"]))
    groups_of: dict[Pair, str | None] = {}
    for e in portfolio.edges:
        a, b = names.get(e.source), names.get(e.target)
        if a and b:
            groups_of[(a, b)] = e.alt_group or groups_of.get((a, b))
    right = 0
    for members in alt_groups.values():
        labels = {groups_of.get(m) for m in members}
        if len(labels) == 1 and None not in labels:
            (label,) = labels
            source = next(iter(members))[0]
            extra = {k for k, g in groups_of.items() if g == label and k[0] == source} - members
            right += not extra
    return len(alt_groups), right


def gold_files(folder: Path = CORPUS) -> list[Path]:
    return sorted(folder.glob("*.gold.yaml"))


# Documents the rules were never fitted to, measured apart: the invented second organisation's portfolio in
# examples/ (written blind, after the rules; its score is what a new author's document can expect).
HELD_OUT = REPO / "examples"


def evaluate(paths: Iterable[Path]) -> list[DocScore]:
    scores = []
    for path in paths:
        gold = Gold.read(path)
        doc = gold.document_path()
        try:
            portfolio = parse_document(doc.read_bytes(), doc.name)
        except LoadError as exc:  # the whole document refused: nothing found, and it says why
            score = score_document(gold, Portfolio(doc.name, (), ()))
            score.wrong_names.insert(0, f"refused: {exc}")
            scores.append(score)
            continue
        scores.append(score_document(gold, portfolio))
    return scores


def total(scores: list[DocScore]) -> DocScore:
    def s(attr: str) -> int:
        return sum(getattr(x, attr) for x in scores)

    by_family: dict[str, Counter[str]] = defaultdict(Counter)
    for x in scores:
        for f, c in x.by_family.items():
            by_family[f].update(c)
    return DocScore(
        "all",
        *(s(a) for a in ("entries", "entry_names_exact", "gold", "predicted", "found", "reversed", "false")),
        *(s(a) for a in ("non_relations_broken", "alternatives", "alternatives_right", "outside")),
        *(s(a) for a in ("outside_found", "standalone", "standalone_found")),
        by_family={f: dict(c) for f, c in sorted(by_family.items())},
    )


def table(scores: list[DocScore]) -> str:
    rows = [*scores, total(scores)]
    out = [
        "| document | entries (names exact) | gold | graph | found | reversed | false | precision | recall "
        "| F1 | direction | alternatives | outside names | stand-alone | non-relations broken |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for x in rows:
        name = f"**{x.document}**" if x.document == "all" else x.document
        out.append(
            f"| {name} | {x.entries} ({x.entry_names_exact}) | {x.gold} | {x.predicted} | {x.found} "
            f"| {x.reversed} | {x.false} | {x.precision:.2f} | {x.recall:.2f} | {x.f1:.2f} | {x.direction:.2f} "
            f"| {x.alternatives_right}/{x.alternatives} | {x.outside_found}/{x.outside} "
            f"| {x.standalone_found}/{x.standalone} | {x.non_relations_broken} |"
        )
    everything = total(scores)
    out += [
        "",
        "| phrase family | gold | found | reversed | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for family in FAMILIES:
        c = everything.by_family.get(family)
        if not c:
            continue
        true, false_ = c.get("true", 0), c.get("false", 0)
        out.append(
            f"| {family} | {c.get('gold', 0)} | {c.get('found', 0)} | {c.get('reversed', 0)} "
            f"| {_ratio(true, true + false_):.2f} | {_ratio(c.get('found', 0), c.get('gold', 0)):.2f} |"
        )
    return "\n".join(out) + "\n"


def floors_yaml(scores: list[DocScore]) -> str:
    """Every document's F1, rounded down to two decimals: the floor the regression test holds."""
    lines = [
        "# F1 per document that tests/extraction/test_floors.py holds (python -m bench.extraction --floors)."
    ]
    lines += [f"{x.document}: {int(x.f1 * 100) / 100:.2f}" for x in scores]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files (default: the corpus)")
    parser.add_argument("--details", action="store_true", help="print every miss and false edge")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results/extraction.*")
    parser.add_argument("--floors", action="store_true", help=f"rewrite {FLOORS.name} from these scores")
    args = parser.parse_args(argv)
    scores = evaluate(args.gold or gold_files())
    if args.floors:
        FLOORS.write_text(floors_yaml(scores), encoding="utf-8")
    text = table(scores)
    held = [] if args.gold else evaluate(gold_files(HELD_OUT))
    if held:
        text += "\n## Held out (never fitted to: `examples/`)\n\n" + table(held)
    sys.stdout.write(text)
    if args.details:
        for x in (*scores, *held):
            print(f"\n## {x.document}")
            for line in (*x.wrong_names, *x.misses, *x.false_edges):
                print("  " + line)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "extraction.md").write_text(
            "# Extraction against the gold corpus (`make eval`)\n\n" + text, encoding="utf-8"
        )
        data = {
            "documents": [x.to_dict() for x in scores],
            "all": total(scores).to_dict(),
            "held_out": [x.to_dict() for x in held],
        }
        (RESULTS / "extraction.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
