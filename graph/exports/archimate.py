"""The portfolio as an ArchiMate 3.1 Model Exchange File (The Open Group), readable by Archi.

Mapping
-------
Elements (one per node; every node field that has no ArchiMate slot is a property):

==============  ========================  ===================================================
our kind        ArchiMate element         why
==============  ========================  ===================================================
system          ApplicationComponent      a portfolio system
integration     ApplicationComponent      platforms and portals are systems too (hINT, portal)
external        ApplicationComponent      a system outside the portfolio (HelseID, RINA …)
external,       BusinessInterface         a channel, not software: paper mail ("posten"), a
category                                  digital mailbox; ArchiMate models a channel as the
``channel``                               interface a business service is reached through
website         ApplicationInterface      the public face of the platform hosting it
actor           BusinessActor             an organisation or group of people
==============  ========================  ===================================================

Relationships. ArchiMate draws *Serving* from provider to consumer, the opposite of our
"A depends on B" edges, so most types are reversed (``reversed`` below: ArchiMate source = our target):

====================  ===========================  ========  ==========================================
our type (A → B)      ArchiMate                    reversed  reads
====================  ===========================  ========  ==========================================
USES                  Serving                      yes       B serves A
ACCESSED_VIA          Serving                      yes       the portal B serves A's users
AUTHENTICATES_WITH    Serving                      yes       the login B serves A
DELIVERS_VIA          Serving                      yes       the channel B serves A
HOSTED_ON             Serving                      yes       the platform B serves A
INTEGRATES_VIA        Serving                      yes       the integration platform B serves A
RECEIVES_FROM         Flow                         yes       data flows from B to A
TRANSFERS_TO          Flow                         no        data flows from A to B
EXPOSES_VIA           Flow                         no        A's content flows out through B
BUILT_ON              Realization / Serving        yes       the product B realizes A (DIP is a
                                                             customised Enonic XP), else B serves A
PART_OF               Composition / Aggregation    yes       the whole B is composed of A
EXCHANGES_WITH        Flow                         no        data flows from A to B; the document's
                                                             "exchanges with" is one edge each way,
                                                             so a pair of Flows, one each way
LOOKS_UP_IN           Serving                      yes       the register B serves A
STORES_IN             Serving                      yes       the archive B serves A
DEPENDS_ON            Serving                      yes       B serves A
PUBLISHES             Flow                         yes       content flows from B to A, which shows it
====================  ===========================  ========  ==========================================

A choice the ArchiMate relationship table does not allow for the two element types falls back to the
next one, and finally to an *Association* in our direction (always allowed). The edge's own type is kept
as the property ``type``, so an import restores it exactly.

Evidence and descriptions are ``documentation``; confidence, strength, alt_group, scope, line and the
rest are properties (``propertyDefinitions``); lists (aliases, labels, scope) are repeated properties,
one value each, in order. One diagram view shows every element in bands by kind (actors on top, then
websites, systems, integrations, externals) and every relationship as a connection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree

from graph.model import STEWARDSHIP, Edge, Node, NodeKind, Portfolio, RelType

__all__ = [
    "ALLOWED",
    "CATEGORY_ELEMENT_TYPE",
    "ELEMENT_TYPE",
    "NS",
    "RELATIONSHIP",
    "ArchiRelation",
    "element_type",
    "relationship_for",
    "to_archimate",
]

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
LANG = "nb"  # the portfolio's language: Norwegian bokmål

ELEMENT_TYPE: dict[NodeKind, str] = {
    NodeKind.SYSTEM: "ApplicationComponent",
    NodeKind.INTEGRATION: "ApplicationComponent",
    NodeKind.EXTERNAL: "ApplicationComponent",
    NodeKind.WEBSITE: "ApplicationInterface",
    NodeKind.ACTOR: "BusinessActor",
}
# Outside nodes that are not software, by the category the loader gives them.
CATEGORY_ELEMENT_TYPE: dict[str, str] = {"channel": "BusinessInterface"}

# The ArchiMate relationship table (ArchiMate 3.1/3.2 Appendix B, as Archi enforces it) for the element
# types we write: which relationships may go from the first to the second.
_LETTERS = {
    "a": "Access",
    "c": "Composition",
    "f": "Flow",
    "g": "Aggregation",
    "i": "Assignment",
    "n": "Influence",
    "o": "Association",
    "r": "Realization",
    "s": "Specialization",
    "t": "Triggering",
    "v": "Serving",
}
_TABLE = {
    ("ApplicationComponent", "ApplicationComponent"): "cfgorstv",
    ("ApplicationComponent", "ApplicationInterface"): "cfgortv",
    ("ApplicationComponent", "BusinessActor"): "fotv",
    ("ApplicationInterface", "ApplicationComponent"): "fotv",
    ("ApplicationInterface", "ApplicationInterface"): "cfgostv",
    ("ApplicationInterface", "BusinessActor"): "fotv",
    ("BusinessActor", "ApplicationComponent"): "fotv",
    ("BusinessActor", "ApplicationInterface"): "fotv",
    ("BusinessActor", "BusinessActor"): "cfgostv",
    ("ApplicationComponent", "BusinessInterface"): "fortv",
    ("ApplicationInterface", "BusinessInterface"): "fortv",
    ("BusinessActor", "BusinessInterface"): "cfgiotv",
    ("BusinessInterface", "ApplicationComponent"): "fotv",
    ("BusinessInterface", "ApplicationInterface"): "fotv",
    ("BusinessInterface", "BusinessActor"): "fotv",
    ("BusinessInterface", "BusinessInterface"): "cfgostv",
}
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    pair: frozenset(_LETTERS[c] for c in letters) for pair, letters in _TABLE.items()
}


@dataclass(frozen=True, slots=True)
class ArchiRelation:
    """An ArchiMate relationship type and whether it points from our target to our source."""

    type: str
    reversed: bool


_S, _F = True, False
RELATIONSHIP: dict[RelType, tuple[ArchiRelation, ...]] = {
    RelType.USES: (ArchiRelation("Serving", _S),),
    RelType.ACCESSED_VIA: (ArchiRelation("Serving", _S),),
    RelType.AUTHENTICATES_WITH: (ArchiRelation("Serving", _S),),
    RelType.DELIVERS_VIA: (ArchiRelation("Serving", _S),),
    RelType.HOSTED_ON: (ArchiRelation("Serving", _S),),
    RelType.INTEGRATES_VIA: (ArchiRelation("Serving", _S),),
    RelType.RECEIVES_FROM: (ArchiRelation("Flow", _S),),
    RelType.TRANSFERS_TO: (ArchiRelation("Flow", _F),),
    RelType.EXPOSES_VIA: (ArchiRelation("Flow", _F),),
    RelType.BUILT_ON: (ArchiRelation("Realization", _S), ArchiRelation("Serving", _S)),
    RelType.PART_OF: (ArchiRelation("Composition", _S), ArchiRelation("Aggregation", _S)),
    RelType.EXCHANGES_WITH: (ArchiRelation("Flow", _F),),
    RelType.LOOKS_UP_IN: (ArchiRelation("Serving", _S),),
    RelType.STORES_IN: (ArchiRelation("Serving", _S),),
    RelType.DEPENDS_ON: (ArchiRelation("Serving", _S),),
    RelType.PUBLISHES: (ArchiRelation("Flow", _S),),
}
FALLBACK = ArchiRelation("Association", False)


def element_type(kind: NodeKind, category: str | None = None) -> str:
    """The ArchiMate element type of a node of this kind and category.

    >>> element_type(NodeKind.ACTOR), element_type(NodeKind.WEBSITE)
    ('BusinessActor', 'ApplicationInterface')
    >>> element_type(NodeKind.EXTERNAL, "channel"), element_type(NodeKind.EXTERNAL, "eid")
    ('BusinessInterface', 'ApplicationComponent')
    """
    if kind == NodeKind.EXTERNAL and category in CATEGORY_ELEMENT_TYPE:
        return CATEGORY_ELEMENT_TYPE[category]
    return ELEMENT_TYPE[kind]


def relationship_for(rel: RelType, source_type: str, target_type: str) -> ArchiRelation:
    """The ArchiMate relationship for our edge ``source -rel-> target`` between these element types.

    The first choice the relationship table allows, else an Association in our direction.

    >>> relationship_for(RelType.USES, "BusinessActor", "ApplicationComponent")
    ArchiRelation(type='Serving', reversed=True)
    >>> relationship_for(RelType.BUILT_ON, "ApplicationComponent", "ApplicationComponent")
    ArchiRelation(type='Realization', reversed=True)
    >>> relationship_for(RelType.PART_OF, "ApplicationComponent", "BusinessActor")
    ArchiRelation(type='Association', reversed=False)
    """
    for choice in RELATIONSHIP[rel]:
        pair = (target_type, source_type) if choice.reversed else (source_type, target_type)
        if choice.type in ALLOWED.get(pair, frozenset()):
            return choice
    return FALLBACK


# --- XML helpers ---------------------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids (NUL, most control characters) become U+FFFD.

    >>> xml_text("a\\x00b")
    'a\\ufffdb'
    """
    return _NOT_XML.sub("\ufffd", text)


def _ncname(prefix: str, raw: str) -> str:
    """An ``xs:ID``: a prefix that starts with a letter, then the raw id with unsafe characters replaced."""
    return prefix + re.sub(r"[^A-Za-z0-9._-]", "_", raw)


def _unique_ids(prefix: str, raws: Iterable[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for raw in raws:
        candidate, n = _ncname(prefix, raw), 1
        while candidate in taken:
            n += 1
            candidate = f"{_ncname(prefix, raw)}_{n}"
        taken.add(candidate)
        ids[raw] = candidate
    return ids


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, xsi_type: str | None = None, **attrs: str
) -> etree._Element:
    """A child element; ``identifier`` first, then ``xsi:type``, as Archi writes them."""
    el = etree.SubElement(parent, _q(tag))
    if "identifier" in attrs:
        el.set("identifier", attrs.pop("identifier"))
    if xsi_type is not None:
        el.set(f"{{{XSI}}}type", xsi_type)
    for name, value in attrs.items():
        el.set(name, value)
    if text is not None:
        el.text = xml_text(text)
    return el


def _lang_sub(parent: etree._Element, tag: str, text: str) -> etree._Element:
    el = _sub(parent, tag, text)
    el.set(XML_LANG, LANG)
    return el


# --- properties ----------------------------------------------------------------------------------------

Prop = tuple[str, str]  # (property name, value)


def node_properties(node: Node) -> list[Prop]:
    """Everything about a node that has no ArchiMate slot, as (name, value) pairs; lists repeat the name."""
    props: list[Prop] = [("id", node.id), ("kind", node.kind.value)]
    if node.labels != (node.kind,):
        props += [("label", k.value) for k in node.labels]
    props += [("alias", a) for a in node.aliases]
    for name in ("short", "category", "owner", "url", "document", "line", "entry", *STEWARDSHIP):
        value = getattr(node, name)
        if value is not None:
            props.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
    return props


def edge_properties(edge: Edge) -> list[Prop]:
    """Everything about an edge besides its ends and evidence, as (name, value) pairs."""
    props: list[Prop] = [
        ("type", edge.type.value),
        ("confidence", edge.confidence.value),
        ("strength", edge.strength.value),
    ]
    for name in ("document", "line", "alt_group"):
        value = getattr(edge, name)
        if value is not None:
            props.append((name, str(value)))
    props += [("scope", actor) for actor in edge.scope]
    for name in ("rule", "note", "mode", "tolerance", "capability"):
        value = getattr(edge, name)
        if value is not None:
            props.append((name, value))
    props += [("also", text) for text in edge.also]
    return props


NUMBER_PROPERTIES = frozenset({"line"})


class _PropertyDefinitions:
    """Property definitions created on first use, numbered in order of first use."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def ref(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = f"propid-{len(self.ids) + 1}"
        return self.ids[name]

    def write(self, parent: etree._Element, props: list[Prop]) -> None:
        if not props:
            return
        container = _sub(parent, "properties")
        for name, value in props:
            prop = _sub(container, "property", propertyDefinitionRef=self.ref(name))
            _sub(prop, "value", value)

    def write_definitions(self, model: etree._Element) -> None:
        if not self.ids:
            return
        defs = _sub(model, "propertyDefinitions")
        for name, ident in self.ids.items():
            kind = "number" if name in NUMBER_PROPERTIES else "string"
            definition = _sub(defs, "propertyDefinition", identifier=ident, type=kind)
            _sub(definition, "name", name)


# --- layout --------------------------------------------------------------------------------------------

BANDS = (NodeKind.ACTOR, NodeKind.WEBSITE, NodeKind.SYSTEM, NodeKind.INTEGRATION, NodeKind.EXTERNAL)
FILL = {
    NodeKind.ACTOR: (255, 255, 181),  # ArchiMate's business yellow
    NodeKind.WEBSITE: (181, 255, 255),  # application blue
    NodeKind.SYSTEM: (181, 255, 255),
    NodeKind.INTEGRATION: (153, 221, 255),  # a deeper blue: platforms
    NodeKind.EXTERNAL: (224, 224, 224),  # grey: outside the portfolio
}
W, H, GAP_X, GAP_Y, COLUMNS, MARGIN = 180, 60, 30, 40, 8, 20


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int


def layout(nodes: Iterable[Node]) -> dict[str, Box]:
    """Bands by kind, top to bottom; a grid of ``COLUMNS`` boxes inside each band, sorted by id.

    >>> boxes = layout([Node("b", "B", NodeKind.SYSTEM), Node("a", "A", NodeKind.ACTOR)])
    >>> boxes["a"].y < boxes["b"].y
    True
    """
    by_kind: dict[NodeKind, list[Node]] = {k: [] for k in BANDS}
    for n in nodes:
        by_kind[n.kind].append(n)
    boxes: dict[str, Box] = {}
    y = MARGIN
    for kind in BANDS:
        members = sorted(by_kind[kind], key=lambda n: n.id)
        for i, n in enumerate(members):
            row, col = divmod(i, COLUMNS)
            boxes[n.id] = Box(MARGIN + col * (W + GAP_X), y + row * (H + GAP_Y), W, H)
        if members:
            rows = (len(members) + COLUMNS - 1) // COLUMNS
            y += rows * (H + GAP_Y) + GAP_Y
    return boxes


# --- the document --------------------------------------------------------------------------------------


def _oriented(edges: Iterable[Edge], types: dict[str, str]) -> Iterator[tuple[Edge, ArchiRelation]]:
    for e in edges:
        yield e, relationship_for(e.type, types[e.source], types[e.target])


def to_archimate(portfolio: Portfolio) -> str:
    """The exchange file as text (UTF-8 XML), valid against ``archimate3_Diagram.xsd``.

    >>> p = Portfolio("demo", (Node("a", "A", NodeKind.ACTOR), Node("s", "S", NodeKind.SYSTEM)),
    ...               (Edge("a", "s", RelType.USES, "A uses S."),))
    >>> xml = to_archimate(p)
    >>> 'xsi:type="Serving" source="id-s" target="id-a"' in xml  # S serves A
    True
    """
    props = _PropertyDefinitions()
    element_ids = _unique_ids("id-", (n.id for n in portfolio.nodes))
    types = {n.id: element_type(n.kind, n.category) for n in portfolio.nodes}
    relations = list(_oriented(portfolio.edges, types))
    rel_ids = _unique_ids("rel-", (f"{e.source}.{e.type.value}.{e.target}" for e in portfolio.edges))

    model = etree.Element(_q("model"), nsmap={None: NS, "xsi": XSI})
    model.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    model.set("identifier", _ncname("model-", portfolio.revision))
    _lang_sub(model, "name", portfolio.document)
    _lang_sub(
        model,
        "documentation",
        f"Exported by eagraph from {portfolio.document} (revision {portfolio.revision}). "
        "Serving, Realization and Composition point from provider to consumer, whole to part.",
    )
    props.write(model, sorted(portfolio.meta.items()))

    if portfolio.nodes:
        elements = _sub(model, "elements")
        for n in portfolio.nodes:
            el = _sub(elements, "element", identifier=element_ids[n.id], xsi_type=types[n.id])
            _lang_sub(el, "name", n.name)
            if n.description is not None:
                _lang_sub(el, "documentation", n.description)
            props.write(el, node_properties(n))

    if relations:
        rels = _sub(model, "relationships")
        for e, ar in relations:
            src, tgt = (e.target, e.source) if ar.reversed else (e.source, e.target)
            rel = _sub(
                rels,
                "relationship",
                identifier=rel_ids[f"{e.source}.{e.type.value}.{e.target}"],
                xsi_type=ar.type,
                source=element_ids[src],
                target=element_ids[tgt],
            )
            if e.evidence:
                _lang_sub(rel, "documentation", e.evidence)
            props.write(rel, edge_properties(e))

    props.write_definitions(model)
    if portfolio.nodes:
        _diagram(model, portfolio, element_ids, rel_ids, relations)
    return etree.tostring(model, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _diagram(
    model: etree._Element,
    portfolio: Portfolio,
    element_ids: dict[str, str],
    rel_ids: dict[str, str],
    relations: list[tuple[Edge, ArchiRelation]],
) -> None:
    views = _sub(model, "views")
    diagrams = _sub(views, "diagrams")
    view = _sub(diagrams, "view", identifier="view-all", xsi_type="Diagram")
    _lang_sub(view, "name", f"{portfolio.document}: every node")
    boxes = layout(portfolio.nodes)
    for n in portfolio.nodes:
        box = boxes[n.id]
        node = _sub(
            view,
            "node",
            identifier="n-" + element_ids[n.id],
            xsi_type="Element",
            elementRef=element_ids[n.id],
            x=str(box.x),
            y=str(box.y),
            w=str(box.w),
            h=str(box.h),
        )
        r, g, b = FILL[n.kind]
        _sub(_sub(node, "style"), "fillColor", r=str(r), g=str(g), b=str(b))
    for e, ar in relations:
        src, tgt = (e.target, e.source) if ar.reversed else (e.source, e.target)
        rid = rel_ids[f"{e.source}.{e.type.value}.{e.target}"]
        _sub(
            view,
            "connection",
            identifier="c-" + rid,
            xsi_type="Relationship",
            relationshipRef=rid,
            source="n-" + element_ids[src],
            target="n-" + element_ids[tgt],
        )
