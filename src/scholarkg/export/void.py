"""A VoID description of an export and the summary's counts, computed from the store with SPARQL.

The VoID counts describe the data as written (every graph, duplicates across page graphs
counted once) and exclude the VoID description itself.
"""

from __future__ import annotations

import pyoxigraph as ox

from scholarkg.export.report import ExportReport
from scholarkg.interruptible import interruptible
from scholarkg.mapping import Minter
from scholarkg.namespaces import DCTERMS, PROV, RDF, SCHEMA, SKG, SKOS, VOID, XSD

_DISTINCT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
VOCABULARIES = (SCHEMA, DCTERMS, SKOS, PROV, SKG, VOID)


def _n(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer)))


def _count(store: ox.Store, query: str) -> int:
    rows = _rows(store, query)
    return int(rows[0][0].value) if rows else 0


def _rows(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    """Every row of a SELECT on the store's union graph, evaluated where a signal can stop it."""
    return interruptible(lambda: list(store.query(query, use_default_graph_as_union=True)))  # type: ignore[arg-type]


def count_triples(store: ox.Store, *, distinct: bool) -> int:
    """Triples in the store; ``distinct`` when the same triple may sit in several graphs.

    With one graph the store's own length is the answer; the DISTINCT query costs seconds on a
    few million triples.
    """
    if not distinct:
        return len(store)
    return _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {_DISTINCT} }}")


def void_quads(store: ox.Store, minter: Minter, *, distinct: bool = True) -> list[ox.Quad]:
    """Describe everything currently in ``store`` as one ``void:Dataset``.

    ``distinct=False`` promises that the store holds one graph (no triple twice), which lets the
    counts skip de-duplication.
    """
    ds = ox.NamedNode(str(minter.dataset))
    g = ox.DefaultGraph()

    def iri(term: object) -> ox.NamedNode:
        return ox.NamedNode(str(term))

    quads = [ox.Quad(ds, iri(RDF.type), iri(VOID.Dataset), g)]
    every = _DISTINCT if distinct else "?s ?p ?o"
    triples = count_triples(store, distinct=distinct)
    entities = _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?s)) }")
    subjects = _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    objects = _count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    for prop, value in [(VOID.triples, triples), (VOID.entities, entities),
                        (VOID.distinctSubjects, subjects), (VOID.distinctObjects, objects)]:
        quads.append(ox.Quad(ds, iri(prop), _n(value), g))
    classes = _rows(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    class_rows = [(row[0], int(row[1].value)) for row in classes]
    quads.append(ox.Quad(ds, iri(VOID.classes), _n(len(class_rows)), g))
    for cls, count in class_rows:
        part = iri(minter.mint("dataset/class", cls.value))
        quads += [ox.Quad(ds, iri(VOID.classPartition), part, g),
                  ox.Quad(part, iri(VOID["class"]), cls, g),
                  ox.Quad(part, iri(VOID.entities), _n(count), g)]
    props = _rows(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {every} }} GROUP BY ?p ORDER BY ?p")
    prop_rows = [(row[0], int(row[1].value)) for row in props]
    quads.append(ox.Quad(ds, iri(VOID.properties), _n(len(prop_rows)), g))
    for prop, count in prop_rows:
        part = iri(minter.mint("dataset/property", prop.value))
        quads += [ox.Quad(ds, iri(VOID.propertyPartition), part, g),
                  ox.Quad(part, iri(VOID.property), prop, g),
                  ox.Quad(part, iri(VOID.triples), _n(count), g)]
    for vocabulary in VOCABULARIES:
        quads.append(ox.Quad(ds, iri(VOID.vocabulary), iri(vocabulary), g))
    quads.append(ox.Quad(ds, iri(DCTERMS.title), ox.Literal("scholarkg export"), g))
    return quads


def fill_counts(report: ExportReport, store: ox.Store, *, distinct: bool) -> None:
    """The summary's entity counts and triple count, from the merged store."""

    def count_class(cls: str) -> int:
        return _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")

    report.papers = count_class("https://schema.org/ScholarlyArticle")
    report.people = count_class("https://schema.org/Person")
    report.organisations = count_class("https://schema.org/Organization")
    report.topics = _count(
        store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?x <https://schema.org/about> ?t }"
    )
    report.triples = count_triples(store, distinct=distinct)
