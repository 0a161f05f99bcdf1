"""Workers hand triples to the merge as N-Quads text (serialize.nquads): whatever the text holds,
Oxigraph's parser must read back exactly the terms rdflib had."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from scholarkg.serialize import nquads, nt_term

S = URIRef("https://w3id.org/scholarkg/id/paper/x-0123456789")
P = URIRef("https://schema.org/name")
XSD = "http://www.w3.org/2001/XMLSchema#"

TEXTS = [
    'Quotes "double" and \'single\'',
    "Back\\slash and a trailing backslash\\",
    "Line\nbreak, carriage\rreturn and\ttab",
    'Angle <brackets> and "> . injected',
    "Émigré naïve façade — ünïcödé 中文 😀",
    "",
    " ",
]


def _parsed(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode("utf-8"), ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("value", TEXTS)
def test_plain_literals_parse_back_to_the_same_string(value):
    (quad,) = _parsed(nquads([(S, P, Literal(value))]))
    assert quad.object == ox.Literal(value)
    assert quad.subject == ox.NamedNode(str(S)) and quad.graph_name == ox.DefaultGraph()


@pytest.mark.parametrize("literal,expected", [
    (Literal("Machine Learning", lang="en"), ox.Literal("Machine Learning", language="en")),
    (Literal(3), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))),
    (Literal(True), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    (Literal(dt.date(2020, 3, 1), datatype=URIRef(XSD + "date")),
     ox.Literal("2020-03-01", datatype=ox.NamedNode(XSD + "date"))),
    (Literal(Decimal("85.5"), datatype=URIRef(XSD + "decimal")),
     ox.Literal("85.5", datatype=ox.NamedNode(XSD + "decimal"))),
    (Literal("x", datatype=URIRef(XSD + "string")), ox.Literal("x")),
])
def test_typed_and_language_literals_keep_their_lexical_form(literal, expected):
    (quad,) = _parsed(nquads([(S, P, literal)]))
    assert quad.object == expected


def test_iris_with_characters_ntriples_forbids_are_escaped_not_broken():
    # Such an IRI is invalid, so the store refuses it as a whole instead of reading a different
    # triple out of the text.
    text = nt_term(URIRef('http://example.org/a b<c>"d'))
    assert text == "<http://example.org/a\\u0020b\\u003Cc\\u003E\\u0022d>"
    with pytest.raises(SyntaxError):
        _parsed(f"{text} <http://example.org/p> <http://example.org/o> .\n")


def test_graph_argument_writes_quads_into_that_graph():
    graph = "https://w3id.org/scholarkg/id/graph/p-0123456789"
    (quad,) = _parsed(nquads([(S, P, Literal("t"))], graph))
    assert quad.graph_name == ox.NamedNode(graph)


def test_empty_input_gives_empty_text():
    assert nquads([]) == ""
