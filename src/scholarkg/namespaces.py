"""The vocabularies the graph uses, in one place (see docs/model.md).

rdflib builds a new URIRef on every ``NS.term`` access (≈ 4 µs each, a few hundred thousand
times per thousand pages); :class:`CachedNamespace` builds each term once.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import VOID as _VOID
from rdflib.namespace import XSD as _XSD


class CachedNamespace:
    """A namespace whose terms are built once and then read as plain attributes."""

    def __init__(self, base: str) -> None:
        self._namespace = Namespace(base)

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self._namespace[name]
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]

    def __str__(self) -> str:
        return str(self._namespace)

    def __repr__(self) -> str:
        return f"CachedNamespace({str(self._namespace)!r})"


SCHEMA = CachedNamespace("https://schema.org/")
SKG = CachedNamespace("https://w3id.org/scholarkg/vocab#")
ARXIV = CachedNamespace("https://w3id.org/scholarkg/arxiv/")
DCTERMS = CachedNamespace(str(_DCTERMS))
PROV = CachedNamespace(str(_PROV))
RDF = CachedNamespace(str(_RDF))
RDFS = CachedNamespace(str(_RDFS))
SKOS = CachedNamespace(str(_SKOS))
VOID = CachedNamespace(str(_VOID))
XSD = CachedNamespace(str(_XSD))
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
           "SKG", "SKOS", "VOID", "XSD", "CachedNamespace"]
