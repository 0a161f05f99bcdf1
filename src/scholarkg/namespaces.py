"""The vocabularies the graph uses, in one place (see docs/model.md)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD

SCHEMA = Namespace("https://schema.org/")
SKG = Namespace("https://w3id.org/scholarkg/vocab#")
ARXIV = Namespace("https://w3id.org/scholarkg/arxiv/")
DEFAULT_BASE = "https://w3id.org/scholarkg/id/"

PREFIXES: dict[str, str] = {
    "schema": str(SCHEMA),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "void": str(VOID),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skg": str(SKG),
    "arxiv": str(ARXIV),
}

__all__ = ["ARXIV", "DCTERMS", "DEFAULT_BASE", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA",
           "SKG", "SKOS", "VOID", "XSD"]
