"""The fast validator gives pyshacl's results: on every shapes case and on export graphs broken
on purpose, the same conformance and the same results, each with its focus node, path, source
shape, constraint component, value and message.

pyshacl is the oracle here: it runs unpatched on an rdflib graph; the fast validator gets the
same graph as N-Triples text. The broken graphs are the export of ``examples/pages`` with a few
seeded random edits each: values dropped, duplicated, retyped to another datatype (also ill-typed
and incomparable ones, such as a position ``"abc"^^xsd:integer`` or an ``xsd:date`` under
``sh:minInclusive 1``), IRIs turned into literals, nodes turned into blank nodes, classes
swapped, positions shared, and papers typed only through a subclass.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef, namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from test_shapes import ACCEPTED_CASES, NEGATIVE_CASES, VALID, Case, _edited

from scholarkg import fast_shacl
from scholarkg.export import ExportOptions, export
from scholarkg.mapping import MappedRecord, Minter, Triple, map_page
from scholarkg.namespaces import SCHEMA, SKG
from scholarkg.parse import collect_names_from_files, find_sources, parse_file
from scholarkg.serialize import nt_term
from scholarkg.validation import _compiled, check_records, shapes_graph, validate_graph

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pages"

Result = tuple[str, str | None, str | None, str, str | None, str | None]


def _term(node: object) -> str | None:
    if node is None:
        return None
    return "_:" if isinstance(node, BNode) else nt_term(node)  # type: ignore[arg-type]


def _path(report: Graph, node: object) -> str | None:
    """A result path node in SPARQL property-path syntax, as the fast engine writes it."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return nt_term(node)
    inverse = report.value(node, SH.inversePath)  # type: ignore[arg-type]
    if inverse is not None:
        return "^" + str(_path(report, inverse))
    return "/".join(str(_path(report, step)) for step in Collection(report, node))  # type: ignore[arg-type]


def _by_pyshacl(data: Graph) -> tuple[bool, set[Result]]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none",
                                           advanced=True, allow_warnings=True)
    found = set()
    for result in report.objects(None, SH.result):  # top level (sh:detail is pyshacl's own)
        component = str(report.value(result, SH.sourceConstraintComponent))
        found.add((
            _term(report.value(result, SH.focusNode)),
            _path(report, report.value(result, SH.resultPath)),
            _term(report.value(result, SH.sourceShape)),
            component.removeprefix(str(SH)),
            None if (m := report.value(result, SH.resultMessage)) is None else str(m),
            _term(report.value(result, SH.value)),
        ))
    return bool(conforms), found


def _by_fast(data: Graph) -> tuple[bool, set[Result]]:
    conforms, results, _ = fast_shacl.validate(_compiled(), data.serialize(format="nt"))
    blank = lambda text: "_:" if text is not None and text.startswith("_:") else text  # noqa: E731
    return conforms, {
        (blank(r.focus), r.path, blank(r.source_shape), r.component, r.message, blank(r.value))
        for r in results
    }


def _same(data: Graph) -> tuple[bool, set[Result]]:
    reference, fast = _by_pyshacl(data), _by_fast(data)
    assert fast[0] == reference[0], "conformance differs"
    assert fast[1] - reference[1] == set(), "results only the fast validator reports"
    assert reference[1] - fast[1] == set(), "results only pyshacl reports"
    return reference


@pytest.mark.parametrize("case", [Case("valid", expected=set()), *NEGATIVE_CASES, *ACCEPTED_CASES],
                         ids=lambda case: case.name)
def test_shapes_case_gives_pyshacls_results(case: Case) -> None:
    conforms, found = _same(_edited(Graph().parse(VALID, format="turtle"), case))
    assert conforms == (not case.expected)
    assert bool(found) == bool(case.expected)


def test_the_sparql_constraint_runs_as_a_whole_graph_query() -> None:
    """The positions check is the one SPARQL constraint; it must not be left to the engine,
    whose per-focus-node evaluation is quadratic in the graph."""
    compiled = _compiled()
    assert [q.constraint for q in compiled.queries] == [fast_shacl.SKGSH + "PaperPositionsUnique"]
    assert len(list(shapes_graph().subject_objects(SH.sparql))) == 1


def test_an_edited_sparql_constraint_falls_back_to_the_engine() -> None:
    shapes = Graph()
    shapes += shapes_graph()
    constraint = URIRef(fast_shacl.SKGSH + "PaperPositionsUnique")
    select = str(shapes.value(constraint, SH.select))
    shapes.set((constraint, SH.select, Literal(select.replace("DISTINCT ", ""))))
    assert fast_shacl.compile_shapes(shapes).queries == ()


# --- export graphs broken on purpose -----------------------------------------------------------

_XSD = namespace.XSD
_DATATYPES = [_XSD.string, _XSD.integer, _XSD.decimal, _XSD.date, _XSD.dateTime, _XSD.boolean]


def _example_graph(tmp: Path) -> Graph:
    out = tmp / "examples.nt"
    export([EXAMPLES], output=out, options=ExportOptions(as_of=dt.date(2026, 11, 24)))
    return Graph().parse(out, format="nt")


def _drop(graph: Graph, rng: random.Random) -> None:
    graph.remove(rng.choice(sorted(graph)))


def _duplicate(graph: Graph, rng: random.Random) -> None:
    s, p, o = rng.choice(sorted(graph))
    if isinstance(o, Literal):
        graph.add((s, p, Literal(str(o) + "2", lang=o.language, datatype=o.datatype)))
    else:
        graph.add((s, p, rng.choice(sorted(set(graph.subjects())))))


def _retype(graph: Graph, rng: random.Random) -> None:
    literals = sorted(t for t in graph if isinstance(t[2], Literal))
    s, p, o = rng.choice(literals)
    graph.remove((s, p, o))
    lexical = rng.choice([str(o), str(o), "abc", "2026-01-01", "0", "-3", ""])
    graph.add((s, p, Literal(lexical, datatype=rng.choice(_DATATYPES))))


def _literal_for_iri(graph: Graph, rng: random.Random) -> None:
    s, p, o = rng.choice(sorted(t for t in graph if isinstance(t[2], URIRef) and t[1] != RDF.type))
    graph.remove((s, p, o))
    graph.add((s, p, Literal(str(o))))


def _blank_focus(graph: Graph, rng: random.Random) -> None:
    node = rng.choice(sorted(set(graph.subjects(RDF.type, None))))
    stand_in = BNode()
    for s, p, o in list(graph):
        if node in (s, o):
            graph.remove((s, p, o))
            graph.add((stand_in if s == node else s, p, stand_in if o == node else o))


def _swap_class(graph: Graph, rng: random.Random) -> None:
    s, _, o = rng.choice(sorted(graph.triples((None, RDF.type, None))))
    classes = sorted(set(graph.objects(None, RDF.type)) - {o})
    graph.remove((s, RDF.type, o))
    graph.add((s, RDF.type, rng.choice(classes)))


def _share_position(graph: Graph, rng: random.Random) -> None:
    def placed(paper: object) -> list:
        """The paper's authorships that still have a position (an earlier edit may drop one)."""
        return sorted(a for a in graph.objects(paper, SKG.authorship)
                      if graph.value(a, SKG.position) is not None)

    papers = sorted(p for p in graph.subjects(RDF.type, SCHEMA.ScholarlyArticle) if len(placed(p)) > 1)
    first, second = rng.sample(placed(rng.choice(papers)), 2)
    position = graph.value(first, SKG.position)
    if rng.random() < 0.5:  # same value as another authorship, or an extra one
        graph.remove((second, SKG.position, None))
    graph.add((second, SKG.position, position))


def _positions_of_another_type(graph: Graph, rng: random.Random) -> None:
    """Positions that sh:minInclusive cannot compare with 1, or that equal another one only by
    value (``1`` and ``1.0``)."""
    authorship = rng.choice(sorted(graph.subjects(RDF.type, SKG.Authorship)))
    position = graph.value(authorship, SKG.position)
    graph.remove((authorship, SKG.position, position))
    graph.add((authorship, SKG.position, rng.choice([
        Literal("2026-01-01", datatype=_XSD.date), Literal("abc", datatype=_XSD.integer),
        Literal("one"), Literal(f"{position}.0", datatype=_XSD.decimal), URIRef("https://example.org/one"),
    ])))


def _typed_through_a_subclass(graph: Graph, rng: random.Random) -> None:
    """A paper typed only as a subclass of schema:ScholarlyArticle is still a target."""
    paper = rng.choice(sorted(graph.subjects(RDF.type, SCHEMA.ScholarlyArticle)))
    preprint = URIRef("https://example.org/Preprint")
    graph.add((preprint, RDFS.subClassOf, SCHEMA.ScholarlyArticle))
    if rng.random() < 0.5:  # else typed both ways: each authorship must still count once
        graph.remove((paper, RDF.type, SCHEMA.ScholarlyArticle))
    graph.add((paper, RDF.type, preprint))
    if rng.random() < 0.5:
        _share_position_of(graph, paper)


def _share_position_of(graph: Graph, paper: URIRef) -> None:
    authorships = sorted(graph.objects(paper, SKG.authorship))
    if len(authorships) > 1:
        graph.add((authorships[1], SKG.position, graph.value(authorships[0], SKG.position)))


MUTATIONS: list[Callable[[Graph, random.Random], None]] = [
    _drop, _duplicate, _retype, _literal_for_iri, _blank_focus, _swap_class, _share_position,
    _positions_of_another_type, _typed_through_a_subclass,
]


@pytest.fixture(scope="module")
def example_graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    return _example_graph(tmp_path_factory.mktemp("fast-shacl"))


def test_the_unbroken_export_conforms_for_both(example_graph: Graph) -> None:
    assert _same(example_graph) == (True, set())


@pytest.mark.parametrize("seed", range(24))
def test_a_broken_export_gives_pyshacls_results(seed: int, example_graph: Graph) -> None:
    rng = random.Random(seed)
    graph = Graph()
    graph += example_graph
    # Each kind of edit once in the first seeds, then three random ones per graph.
    edits = [MUTATIONS[seed]] if seed < len(MUTATIONS) else rng.choices(MUTATIONS, k=3)
    for edit in edits:
        edit(graph, rng)
    conforms, _found = _same(graph)
    if edits[0] in (_share_position, _blank_focus, _swap_class):
        assert not conforms, "this edit always breaks a shape"


def test_validate_graph_gives_the_same_violations_with_either_validator(example_graph: Graph) -> None:
    graph = Graph()
    graph += example_graph
    rng = random.Random(99)
    for edit in (_share_position, _retype, _drop, _positions_of_another_type):
        edit(graph, rng)
    fast, reference = validate_graph(graph), validate_graph(graph, validator="pyshacl")
    assert fast.conforms is reference.conforms is False
    assert fast.violations == reference.violations


def _example_records() -> tuple[list[Triple], list[MappedRecord]]:
    sources = find_sources([EXAMPLES])
    names = collect_names_from_files(sources)
    minter = Minter()
    page_triples: list[Triple] = []
    records: list[MappedRecord] = []
    for source in sources:
        page = parse_file(source.path, as_of=dt.date(2026, 11, 24), names=names)
        triples, mapped = map_page(page, source_key=source.key, minter=minter,
                                   generated_at=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
        page_triples += triples
        records += mapped
    return page_triples, records


def test_check_records_rejects_the_same_records_with_either_validator() -> None:
    """Export's per-record attribution: the same records kept out, with the same messages."""
    page_triples, records = _example_records()
    papers = [r for r in records if r.kind == "paper"]
    for record in papers[:2]:  # no date
        record.core[:] = [t for t in record.core if not str(t[1]).endswith("datePublished")]
    for record in papers[5:8]:  # two authorships at one position, or a position that is a date
        positions = [t for t in record.triples() if t[1] == SKG.position]
        if len(positions) > 1:
            record.shared.append((positions[1][0], SKG.position, positions[0][2]))
        else:
            record.shared.append((positions[0][0], SKG.position, Literal("2026-01-01", datatype=_XSD.date)))
    # a paper typed only through a subclass, with two authorships at one position: the query
    # is given the subclass's rdf:type triples too
    preprint = URIRef("https://example.org/Preprint")
    page_triples.append((preprint, RDFS.subClassOf, SCHEMA.ScholarlyArticle))
    wide = next(r for r in papers[9:] if sum(1 for t in r.triples() if t[1] == SKG.position) > 1)
    typed = (wide.subject, RDF.type, SCHEMA.ScholarlyArticle)
    assert typed in wide.shared
    wide.shared[wide.shared.index(typed)] = (wide.subject, RDF.type, preprint)
    positions = [t for t in wide.triples() if t[1] == SKG.position]
    wide.shared.append((positions[1][0], SKG.position, positions[0][2]))
    outcomes = {}
    for validator in ("fast", "pyshacl"):
        kept, rejected, unattributed = check_records(page_triples, records, validator=validator)
        outcomes[validator] = (
            [r.label for r in kept],
            [(r.record.label, r.violations) for r in rejected],
            unattributed,
        )
    assert outcomes["fast"] == outcomes["pyshacl"]
    assert len(outcomes["fast"][1]) >= 6
    rejections = dict(outcomes["fast"][1])
    assert any("share position" in v.message for v in rejections[wide.label])


def test_export_writes_the_same_bytes_with_either_validator(tmp_path: Path) -> None:
    outputs = []
    for validator in ("fast", "pyshacl"):
        out = tmp_path / f"{validator}.ttl"
        report = export([EXAMPLES], output=out, options=ExportOptions(
            as_of=dt.date(2026, 11, 24), validator=validator))  # type: ignore[arg-type]
        outputs.append((out.read_bytes(), report.rejected, report.triples))
    assert outputs[0] == outputs[1]
