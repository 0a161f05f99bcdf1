"""The fast validator: SHACL Core in the ``shacl`` engine (Rust), SPARQL constraints as one
query over the whole graph in Oxigraph.

Why two engines. pyshacl costs ≈ 2 ms per record, which made validation most of a 10k export.
The ``shacl`` package (SHACL Core, compiled once, validated in Rust) gives the same results as
pyshacl on every shapes case of ``tests/test_shapes.py`` — same focus nodes, paths, source
shapes, values and messages — at a fraction of the cost, except for SPARQL-based constraints:
it runs those once per focus node over the whole graph, so their cost grows with the square of
the graph (1k profiles: 126 s). Our shapes have one such constraint (author positions unique
within a paper). Its ``SELECT`` has ``$this`` as its only pre-bound variable, so running it for
every focus node at once is the same query with ``$this`` free and the focus nodes of its shape
as a pattern; written with ``GROUP BY``/``HAVING`` it is linear in the authorships (the pair
form joins every two authorships of a paper, which is quadratic for a 1,000-author paper).
:data:`WHOLE_GRAPH_CHECKS` holds that query, keyed by the constraint's IRI and its exact
``SELECT`` text, so an edited shape falls back to the engine's own (slow, correct) evaluation
instead of silently running a stale copy. ``tests/test_fast_shacl.py`` runs both validators on
every shapes case and on broken export graphs and requires the same results.

Terms cross between the engines as N-Triples text, which both parse in Rust.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import shacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.util import from_n3

# The one SPARQL constraint of shapes/ (paper.ttl), its select text exactly as written there.
_POSITIONS_SELECT = """
        SELECT DISTINCT $this ?value
        WHERE {
            $this skg:authorship ?first, ?second .
            ?first skg:position ?value .
            ?second skg:position ?value .
            FILTER (?first != ?second)
        }
    """

# The same check for every focus node of the shape at once. A SHACL target class includes its
# subclasses (rdf:type/rdfs:subClassOf*). "Two different authorships with this value" is "more
# than one distinct authorship with this value"; grouping compares terms exactly as the join
# on ?value does.
_POSITIONS_ALL = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skg: <https://w3id.org/scholarkg/vocab#>
SELECT ?this ?value
WHERE {
  ?this rdf:type/rdfs:subClassOf* <%(target)s> ;
        skg:authorship ?authorship .
  ?authorship skg:position ?value .
}
GROUP BY ?this ?value
HAVING (COUNT(DISTINCT ?authorship) > 1)
"""

SKGSH = "https://w3id.org/scholarkg/shapes#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SKG = "https://w3id.org/scholarkg/vocab#"
# constraint IRI and SELECT text -> the whole-graph query and the only predicates it reads
WHOLE_GRAPH_CHECKS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (SKGSH + "PaperPositionsUnique", _POSITIONS_SELECT): (_POSITIONS_ALL, frozenset({
        _RDF + "type", "http://www.w3.org/2000/01/rdf-schema#subClassOf",
        _SKG + "authorship", _SKG + "position",
    })),
}


@dataclass(frozen=True)
class Result:
    """One violation, its terms in N-Triples syntax (``value_plain``: the bare lexical form)."""

    focus: str
    path: str | None  # SPARQL property-path syntax, "<iri>" for a plain predicate
    source_shape: str | None
    component: str
    message: str | None
    value: str | None
    value_plain: str | None


@dataclass(frozen=True)
class _Query:
    shape: str  # the node shape holding the constraint (the result's source shape)
    constraint: str
    message: str | None
    text: str


@dataclass(frozen=True)
class Compiled:
    core: shacl.Shapes
    queries: tuple[_Query, ...]
    # every predicate the queries read: a caller holding the triples may give the queries only
    # those (loading a whole batch into a store for them cost as much as the engine's run)
    query_predicates: frozenset[str] = frozenset()
    # the target classes of the queries' shapes: of the rdf:type triples, the queries read only
    # those whose class is one of these or has an rdfs:subClassOf triple of its own
    query_classes: frozenset[str] = frozenset()


def compile_shapes(shapes: Graph) -> Compiled:
    """Split ``shapes``: the SPARQL constraints with a whole-graph query run in Oxigraph, the
    rest (SHACL Core, and any SPARQL constraint without one) in the ``shacl`` engine."""
    core = Graph()
    core += shapes
    queries = []
    predicates: set[str] = set()
    classes: set[str] = set()
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        select = shapes.value(constraint, SH.select)
        text, reads = WHOLE_GRAPH_CHECKS.get((str(constraint), str(select)), (None, frozenset()))
        targets = sorted(shapes.objects(shape, SH.targetClass))
        other_targets = any(
            (shape, p, None) in shapes
            for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
        )
        if (text is None or len(targets) != 1 or other_targets or (shape, RDF.type, SH.NodeShape)
                not in shapes or (None, None, shape) in shapes):
            continue  # not a case the query covers (or the shape is also used by reference)
        message = shapes.value(constraint, SH.message)
        queries.append(_Query(str(shape), str(constraint),
                              None if message is None else str(message),
                              text % {"target": targets[0]}))
        predicates |= reads
        classes.add(str(targets[0]))
        core.remove((shape, SH.sparql, constraint))
    return Compiled(shacl.Shapes.from_text(core.serialize(format="nt"), format="ntriples"),
                    tuple(queries), frozenset(predicates), frozenset(classes))


def _nt(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return str(term)


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value


def validate(compiled: Compiled, ntriples: str | None = None, *, path: str | None = None,
             store: ox.Store | None = None, query_ntriples: str | None = None,
             report: bool = False) -> tuple[bool, list[Result], str | None]:
    """Validate N-Triples text: conformance, the violations, and (``report``) the SHACL report
    as N-Triples. For the queries, ``store`` may already hold the same graph (its default graph
    or the union of its graphs), or ``query_ntriples`` its triples with the predicates in
    :attr:`Compiled.query_predicates` (rdf:type only as :attr:`Compiled.query_classes` says);
    otherwise ``ntriples`` is loaded into a store. With ``path`` (a Turtle or N-Triples file)
    the engine reads the file itself and ``store`` must hold its triples."""
    if path is not None:
        outcome = compiled.core.validate_file(path, allow_warnings=True)
    elif ntriples is not None:
        outcome = compiled.core.validate_text(ntriples, format="ntriples", allow_warnings=True)
    else:
        raise ValueError("give the graph as ntriples or as a path")
    results = [
        Result(r.focus_node, r.path, r.source_shape, r.component, r.message, r.value, r.value_plain)
        for r in outcome.results if r.severity == "Violation"
    ]
    extra: list[Result] = []
    if compiled.queries:
        if store is None:
            store = ox.Store()
            text = ntriples if query_ntriples is None else query_ntriples
            assert text is not None
            store.bulk_load(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES)
        for query in compiled.queries:
            for row in store.query(query.text, use_default_graph_as_union=True):  # type: ignore[union-attr]
                focus, value = row["this"], row["value"]
                message = None
                if query.message is not None:
                    message = (query.message.replace("{?value}", _plain(value))
                               .replace("{$value}", _plain(value)))
                extra.append(Result(_nt(focus), None, f"<{query.shape}>",
                                    "SPARQLConstraintComponent", message, _nt(value), _plain(value)))
    results += extra
    conforms = outcome.conforms and not extra
    text = _report(outcome, extra) if report else None
    return conforms, results, text



def _report(outcome: shacl.Report, extra: list[Result]) -> str:
    """The engine's report graph with the query results added, as N-Triples."""
    graph = Graph().parse(data=outcome.serialize("ntriples"), format="nt")
    head = next(graph.subjects(RDF.type, SH.ValidationReport))
    if extra:
        graph.set((head, SH.conforms, Literal(False)))
    for result in extra:
        node = BNode()
        graph.add((head, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, from_n3(result.focus)))
        graph.add((node, SH.resultSeverity, SH.Violation))
        graph.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if result.source_shape is not None:
            graph.add((node, SH.sourceShape, from_n3(result.source_shape)))
        if result.value is not None:
            graph.add((node, SH.value, from_n3(result.value)))
        if result.message is not None:
            graph.add((node, SH.resultMessage, Literal(result.message)))
    return graph.serialize(format="nt")
