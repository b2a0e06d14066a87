"""Hardened XML parsing for every XML file a user hands us (ArchiMate, GraphML).

A portfolio file has no business declaring a DTD, so any ``<!DOCTYPE`` or ``<!ENTITY`` is refused outright,
before parsing and again after it (a UTF-16 file would slip past the byte scan). The parser itself never
resolves entities, never touches the network and keeps libxml2's size limits (no ``huge_tree``), so
external entities (XXE) and entity-expansion bombs are harmless even if a check were skipped.

>>> root = parse_xml(b"<a><b/></a>", "x.xml")
>>> root.tag, len(root)
('a', 1)
>>> parse_xml(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>', "x.xml")
Traceback (most recent call last):
...
loaders.errors.LoadError: x.xml:1: refused: the file declares a DOCTYPE; DTDs and entities are not allowed
"""

from __future__ import annotations

import re

from lxml import etree

from loaders.errors import LoadError

__all__ = ["MAX_XML_BYTES", "parse_xml", "tag_name"]

MAX_XML_BYTES = 32 * 1024 * 1024
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def tag_name(el: etree._Element) -> str:
    """An element's tag as people write it: ``{namespace}local`` becomes ``local``.

    >>> tag_name(parse_xml(b'<model xmlns="urn:x"/>', "x.xml"))
    'model'
    """
    return etree.QName(el).localname


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def _refuse(source: str, line: int | None, what: str) -> LoadError:
    return LoadError(source, line, f"refused: the file declares a {what}; DTDs and entities are not allowed")


def parse_xml(data: bytes, source: str) -> etree._Element:
    """The root element of ``data``, or a :class:`LoadError` naming the line of the problem."""
    if not data.strip():
        raise LoadError(source, None, "file is empty")
    if len(data) > MAX_XML_BYTES:
        raise LoadError(
            source, None, f"file is {len(data) / 1e6:.1f} MB; the limit is {MAX_XML_BYTES / 1e6:.0f} MB"
        )
    declared = _DECLARATION.search(data)
    if declared:
        line = data.count(b"\n", 0, declared.start()) + 1
        raise _refuse(source, line, declared.group(1).decode().upper())
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg or exc).split())
        raise LoadError(source, exc.lineno or None, f"malformed XML: {message}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _refuse(source, 1, "DOCTYPE")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise _refuse(source, None, "ENTITY")
    return root
