"""Hostile XML is refused with one clear error, and the parser would not expand or fetch anything anyway."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from loaders import LoadError
from loaders.interchange import read_files
from loaders.xmlsafe import _parser, parse_xml

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE model [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m"><name>&xxe;</name></model>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m"><name>&lol9;</name></model>
"""
EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE model SYSTEM "http://127.0.0.1:9/evil.dtd">\n<model/>\n'


@pytest.mark.parametrize(
    ("data", "line", "what"),
    [
        (XXE, 2, "DOCTYPE"),
        (BILLION_LAUGHS, 2, "DOCTYPE"),
        (EXTERNAL_DTD, 2, "DOCTYPE"),
        (b'<model>\n<!ENTITY x "y">\n</model>', 2, "ENTITY"),
        (XXE.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>', 1).encode("utf-16"), 1, "DOCTYPE"),
    ],
    ids=["xxe", "billion-laughs", "external-dtd", "stray-entity", "utf-16-doctype"],
)
def test_a_doctype_or_entity_declaration_is_refused_outright(data: bytes, line: int, what: str) -> None:
    started = time.monotonic()
    with pytest.raises(LoadError) as caught:
        read_files([("evil.xml", data)])
    assert time.monotonic() - started < 2
    assert caught.value.line == line
    assert caught.value.message.startswith(f"refused: the file declares a {what}")
    assert "root:" not in str(caught.value)


def test_even_past_the_check_the_parser_neither_reads_local_files_nor_expands_entities() -> None:
    xxe = etree.fromstring(XXE, _parser())
    assert "root:" not in etree.tostring(xxe, encoding="unicode")
    try:  # libxml2 either keeps the references unexpanded or stops at its amplification limit
        laughs = etree.fromstring(BILLION_LAUGHS, _parser())
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    else:
        assert len(etree.tostring(laughs)) < 2000


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"<model>\n  <name>A</nam>\n</model>", 2, "malformed XML: Opening and ending tag mismatch"),
        (b"<model>\n<name>A &amp B</name></model>", 2, "malformed XML"),
        (b"<model>", 1, "malformed XML"),
        (b"   \n ", None, "file is empty"),
    ],
)
def test_malformed_xml_names_the_line(data: bytes, line: int | None, message: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse_xml(data, "m.xml")
    assert caught.value.line == line
    assert caught.value.message.startswith(message)
    assert "\n" not in str(caught.value)


def test_an_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(LoadError, match="limit is 34 MB"):
        parse_xml(b"<a>" + b" " * 40_000_000 + b"</a>", "big.xml")


def test_xml_of_another_vocabulary_is_named_as_such() -> None:
    with pytest.raises(LoadError, match=r"neither an ArchiMate exchange file nor GraphML \(root <html>\)"):
        read_files([("page.xml", b"<html><body/></html>")])
