"""ArchiMate 3.1 Model Exchange Files in, portfolio out: our own exports exactly, Archi models sensibly.

An element or relationship written by :mod:`graph.exports.archimate` carries eagraph's properties (``id``,
``kind``, ``type``, ``confidence`` …) and comes back exactly as it was. A model drawn in Archi has none:
then the element type gives the kind (below), the name gives the id (:func:`graph.model.slugify`), the
relationship type gives the dependency (Serving ``B → A`` becomes ``A -USES-> B``), confidence is
``curated`` (an architect drew it) and the evidence names the relationship and the file's line.
Elements that are not systems, interfaces or actors (processes, data objects, motivation, junctions …) are
skipped, with the relationships touching them, and reported as findings.

>>> from graph.exports.archimate import to_archimate
>>> from graph.model import Edge, Node, NodeKind, Portfolio, RelType
>>> p = Portfolio("demo", (Node("a", "A", NodeKind.ACTOR), Node("s", "S", NodeKind.SYSTEM)),
...               (Edge("a", "s", RelType.USES, "A uses S."),))
>>> read_archimate(to_archimate(p).encode(), "demo.xml") == p
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from lxml import etree

from graph.durations import DurationError, hours
from graph.exports.archimate import NS, RELATIONSHIP, ArchiRelation, element_type, relationship_for
from graph.model import (
    HOURS_FIELDS,
    STEWARDSHIP,
    Confidence,
    Edge,
    Finding,
    Node,
    NodeKind,
    Portfolio,
    RelType,
    Strength,
    slugify,
)
from loaders.errors import LoadError
from loaders.validate import check_graph, check_id, check_line
from loaders.xmlsafe import parse_xml, tag_name

__all__ = ["FOREIGN_ELEMENT_KIND", "FOREIGN_RELATIONSHIP", "is_archimate", "read_archimate"]

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

FOREIGN_ELEMENT_KIND: dict[str, NodeKind] = {
    "BusinessActor": NodeKind.ACTOR,
    "BusinessRole": NodeKind.ACTOR,
    "BusinessCollaboration": NodeKind.ACTOR,
    "Stakeholder": NodeKind.ACTOR,
    "ApplicationComponent": NodeKind.SYSTEM,
    "ApplicationCollaboration": NodeKind.SYSTEM,
    "Node": NodeKind.SYSTEM,
    "Device": NodeKind.SYSTEM,
    "SystemSoftware": NodeKind.SYSTEM,
    "TechnologyCollaboration": NodeKind.SYSTEM,
    "ApplicationInterface": NodeKind.INTEGRATION,
    "ApplicationService": NodeKind.INTEGRATION,
    "TechnologyInterface": NodeKind.INTEGRATION,
    "TechnologyService": NodeKind.INTEGRATION,
    "CommunicationNetwork": NodeKind.INTEGRATION,
    "Path": NodeKind.INTEGRATION,
}
"""The kind of an element without eagraph's ``kind`` property; other element types are skipped."""

FOREIGN_RELATIONSHIP: dict[str, tuple[RelType, bool]] = {
    "Serving": (RelType.USES, True),
    "Flow": (RelType.RECEIVES_FROM, True),
    "Triggering": (RelType.RECEIVES_FROM, True),
    "Realization": (RelType.BUILT_ON, True),
    "Specialization": (RelType.BUILT_ON, False),
    "Composition": (RelType.PART_OF, True),
    "Aggregation": (RelType.PART_OF, True),
    "Assignment": (RelType.USES, True),
    "Access": (RelType.USES, False),
    "Association": (RelType.EXCHANGES_WITH, False),
}
"""Our type of a relationship without eagraph's ``type`` property, and whether the dependency points
against it (``True``: the ArchiMate target depends on the source). Influence is not a dependency."""


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def is_archimate(root: etree._Element) -> bool:
    return root.tag == _q("model")


@dataclass(frozen=True, slots=True)
class _Element:
    identifier: str
    type: str
    name: str
    documentation: str | None
    props: tuple[tuple[str, str, int | None], ...]  # (name, value, line)
    line: int | None
    ends: tuple[str, str] = ("", "")  # a relationship's source and target identifiers

    def prop(self, name: str) -> str | None:
        return next((v for n, v, _ in self.props if n == name), None)

    def props_named(self, name: str) -> tuple[str, ...]:
        return tuple(v for n, v, _ in self.props if n == name)

    def prop_line(self, name: str) -> int | None:
        return next((line for n, _, line in self.props if n == name), self.line)


def _text(parent: etree._Element, tag: str) -> str | None:
    """The text of the first child ``tag`` (preferring Norwegian or untagged text), or None."""
    children = parent.findall(_q(tag))
    if not children:
        return None
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    preferred = [c for c in children if c.get(lang) in (None, "nb", "no", "nn")] or children
    return preferred[0].text or ""


def _read(el: etree._Element, definitions: dict[str, str], source: str) -> _Element:
    identifier = el.get("identifier")
    if not identifier:
        raise LoadError(source, el.sourceline, f"<{etree.QName(el).localname}> without an identifier")
    props: list[tuple[str, str, int | None]] = []
    container = el.find(_q("properties"))
    for prop in container if container is not None else ():
        if not isinstance(prop.tag, str):
            continue
        ref = prop.get("propertyDefinitionRef", "")
        if ref not in definitions:
            raise LoadError(source, prop.sourceline, f"property refers to an unknown definition {ref!r}")
        props.append((definitions[ref], _text(prop, "value") or "", prop.sourceline))
    return _Element(
        identifier=identifier,
        type=el.get(XSI_TYPE, ""),
        name=_text(el, "name") or "",
        documentation=_text(el, "documentation"),
        props=tuple(props),
        line=el.sourceline,
        ends=(el.get("source", ""), el.get("target", "")),
    )


def _definitions(root: etree._Element) -> dict[str, str]:
    defs: dict[str, str] = {}
    for d in root.iterfind(f"{_q('propertyDefinitions')}/{_q('propertyDefinition')}"):
        ident = d.get("identifier") or ""
        defs[ident] = _text(d, "name") or ident
    return defs


E = TypeVar("E", NodeKind, RelType, Confidence, Strength)


def _enum(cls: type[E], value: str, what: str, el: _Element, source: str) -> E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise LoadError(source, el.prop_line(what), f"{what} {value!r} is not one of: {allowed}") from None


def _int(value: str | None, what: str, el: _Element, source: str) -> int | None:
    """A line number from 1 to 10,000,000 (:func:`loaders.validate.check_line`), or None."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise LoadError(source, el.prop_line(what), f"{what} {value!r} is not a whole number") from None
    return check_line(number, f"element {el.identifier}", source, el.prop_line(what))


def _hours(value: str | None, what: str, el: _Element, source: str) -> float | None:
    if value is None:
        return None
    try:
        return hours(value)
    except DurationError as exc:
        raise LoadError(source, el.prop_line(what), f"{what}: {exc}") from None


def _node(el: _Element, node_id: str, kind: NodeKind, source: str) -> Node:
    ours = el.prop("kind") is not None
    line = _int(el.prop("line"), "line", el, source)
    profile: dict[str, Any] = {
        f: _hours(el.prop(f), f, el, source) if f in HOURS_FIELDS else el.prop(f) for f in STEWARDSHIP
    }
    return Node(
        id=node_id,
        name=el.name,
        kind=kind,
        labels=tuple(_enum(NodeKind, v, "label", el, source) for v in el.props_named("label")),
        aliases=el.props_named("alias"),
        short=el.prop("short"),
        category=el.prop("category"),
        description=el.documentation,
        owner=el.prop("owner"),
        url=el.prop("url"),
        document=el.prop("document") if ours else source,
        line=line if ours else el.line,
        entry=el.prop("entry"),
        **profile,
    )


def _nodes(
    elements: list[_Element], source: str
) -> tuple[dict[str, Node], list[_Element]]:  # identifier -> node, skipped
    nodes: dict[str, Node] = {}
    skipped: list[_Element] = []
    taken: dict[str, int | None] = {}
    for el in elements:
        declared = el.prop("kind")
        if declared is not None:
            kind = _enum(NodeKind, declared, "kind", el, source)
        elif el.type in FOREIGN_ELEMENT_KIND:
            kind = FOREIGN_ELEMENT_KIND[el.type]
        else:
            skipped.append(el)
            continue
        node_id = el.prop("id")
        if node_id is not None:
            check_id(node_id, source, el.prop_line("id"))
            if node_id in taken:
                raise LoadError(
                    source,
                    el.prop_line("id"),
                    f"duplicate node id {node_id!r} (first at line {taken[node_id]})",
                )
        else:
            base = slugify(el.name) or slugify(el.identifier) or "element"
            node_id, n = base, 1
            while node_id in taken:
                n += 1
                node_id = f"{base}-{n}"
        taken[node_id] = el.line
        nodes[el.identifier] = _node(el, node_id, kind, source)
    return nodes, skipped


def _orientation(rel: _Element, declared: RelType | None, a: Node, b: Node) -> tuple[RelType, bool]:
    """Our type, and whether the dependency runs from the ArchiMate target to its source."""
    if declared is not None:
        # Our own export: find the orientation under which our mapping yields this relationship type.
        a_type, b_type = element_type(a.kind, a.category), element_type(b.kind, b.category)
        back = relationship_for(declared, b_type, a_type)
        if back == ArchiRelation(rel.type, True):
            return declared, True
        forward = relationship_for(declared, a_type, b_type)
        if forward == ArchiRelation(rel.type, False):
            return declared, False
        if any(c.type == rel.type for c in RELATIONSHIP[declared]):  # edited element types in Archi
            return declared, next(c.reversed for c in RELATIONSHIP[declared] if c.type == rel.type)
        return declared, FOREIGN_RELATIONSHIP.get(rel.type, (declared, False))[1]
    return FOREIGN_RELATIONSHIP[rel.type]


def _edge(rel: _Element, a: Node, b: Node, source: str) -> Edge:
    declared_type = rel.prop("type")
    declared = _enum(RelType, declared_type, "type", rel, source) if declared_type is not None else None
    rel_type, backwards = _orientation(rel, declared, a, b)
    src, tgt = (b, a) if backwards else (a, b)
    if declared is None:
        return Edge(
            source=src.id,
            target=tgt.id,
            type=rel_type,
            evidence=rel.documentation
            or f"ArchiMate {rel.type} relationship between {a.name} and {b.name} ({source}:{rel.line})",
            confidence=Confidence.CURATED,
            document=source,
            line=rel.line,
            rule=f"archimate:{rel.type}",
        )
    return Edge(
        source=src.id,
        target=tgt.id,
        type=rel_type,
        evidence=rel.documentation or "",
        confidence=_enum(Confidence, rel.prop("confidence") or "stated", "confidence", rel, source),
        strength=_enum(Strength, rel.prop("strength") or "hard", "strength", rel, source),
        document=rel.prop("document"),
        line=_int(rel.prop("line"), "line", rel, source),
        alt_group=rel.prop("alt_group"),
        scope=rel.props_named("scope"),
        rule=rel.prop("rule"),
        note=rel.prop("note"),
        mode=rel.prop("mode"),
        tolerance=rel.prop("tolerance"),
        capability=rel.prop("capability"),
        also=rel.props_named("also"),
    )


_Placed = tuple[Edge, int | None]  # an edge and the line of its relationship


def _edges(
    relations: list[_Element], nodes: dict[str, Node], known: set[str], source: str
) -> tuple[list[_Placed], list[_Element], list[_Element]]:  # edges, skipped, duplicates
    edges: dict[tuple[str, str, str], _Placed] = {}
    skipped: list[_Element] = []
    duplicates: list[_Element] = []
    for rel in relations:
        for attr, ref in zip(("source", "target"), rel.ends, strict=True):
            if ref not in known:
                raise LoadError(
                    source, rel.line, f"relationship {rel.identifier}: {attr} {ref!r} does not exist"
                )
        a, b = nodes.get(rel.ends[0]), nodes.get(rel.ends[1])
        if a is None or b is None or (rel.prop("type") is None and rel.type not in FOREIGN_RELATIONSHIP):
            skipped.append(rel)
            continue
        edge = _edge(rel, a, b, source)
        if edge.key in edges:
            if rel.prop("type") is not None:
                raise LoadError(source, rel.line, f"duplicate edge {' '.join(edge.key)}")
            duplicates.append(rel)
            continue
        edges[edge.key] = (edge, rel.line)
    return list(edges.values()), skipped, duplicates


def _findings(
    skipped: list[_Element], skipped_rels: list[_Element], duplicates: list[_Element]
) -> list[Finding]:
    found: list[Finding] = []
    if skipped:
        types = Counter(el.type for el in skipped)
        listed = ", ".join(f"{n} {t}" for t, n in sorted(types.items()))
        found.append(
            Finding(
                "archimate-skipped-elements", f"not portfolio nodes, skipped: {listed}", line=skipped[0].line
            )
        )
    if skipped_rels:
        types = Counter(r.type for r in skipped_rels)
        listed = ", ".join(f"{n} {t}" for t, n in sorted(types.items()))
        found.append(
            Finding(
                "archimate-skipped-relationships",
                f"relationships to skipped elements or of no dependency type, skipped: {listed}",
                line=skipped_rels[0].line,
            )
        )
    for rel in duplicates:
        found.append(
            Finding(
                "archimate-duplicate-relationship",
                f"relationship {rel.identifier} repeats an earlier one between the same elements; merged",
                line=rel.line,
            )
        )
    return found


def read_archimate(data: bytes, source: str) -> Portfolio:
    """A complete portfolio from an exchange file's bytes, or a :class:`LoadError` (nothing partial)."""
    root = parse_xml(data, source)
    if not is_archimate(root):
        raise LoadError(
            source, root.sourceline, f"not an ArchiMate exchange file: the root element is <{tag_name(root)}>"
        )
    definitions = _definitions(root)
    elements = [_read(el, definitions, source) for el in root.iterfind(f"{_q('elements')}/{_q('element')}")]
    relations = [
        _read(el, definitions, source) for el in root.iterfind(f"{_q('relationships')}/{_q('relationship')}")
    ]
    nodes, skipped = _nodes(elements, source)
    known = {el.identifier for el in elements} | {r.identifier for r in relations}
    edges, skipped_rels, duplicates = _edges(relations, nodes, known, source)
    lines = {el.identifier: el.line for el in elements}
    check_graph(  # what every importer checks: here, that each scope names a node
        list(nodes.values()),
        [edge for edge, _ in edges],
        source,
        [lines[identifier] for identifier in nodes],
        [line for _, line in edges],
    )
    model = _read(root, definitions, source)
    return Portfolio(
        document=model.name,
        nodes=tuple(nodes.values()),
        edges=tuple(edge for edge, _ in edges),
        findings=tuple(_findings(skipped, skipped_rels, duplicates)),
        meta={name: value for name, value, _ in model.props},
    )
