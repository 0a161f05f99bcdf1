"""Saved queries: headers, parameters bound as RDF terms, the same rows on every engine, formats.

The expected rows live in ``fixtures/query_expected/<query>.json`` (written by reasoning about
``fixtures/queries_graph.ttl``); every engine — rdflib, in-process Oxigraph and a real Oxigraph
server over the SPARQL protocol — must give exactly those rows.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import re
import shlex
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result

from scholarkg.errors import QueryError, RemoteError, UsageError
from scholarkg.queries import (
    LIMIT_PARAM,
    EndpointEngine,
    Engine,
    OxigraphEngine,
    RdflibEngine,
    Results,
    SavedQuery,
    bind_params,
    get_query,
    inject_values,
    list_queries,
    load_query_file,
    normalise_term,
    parse_header,
    run_query,
)
from scholarkg.resources import queries_dir
from scholarkg.results import FORMATS, format_results
from scholarkg.sparql_text import MAX_LIMIT, add_limit, fill_limit_markers

from oxigraph_server import OxigraphServer, oxigraph_binary, running_oxigraph

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GRAPH_FILE = FIXTURES / "queries_graph.ttl"
EXPECTED = FIXTURES / "query_expected"

QUERIES = list_queries()
QUERY_NAMES = [q.name for q in QUERIES]
PARAMETERISED = [q for q in QUERIES if any(p.type == "string" for p in q.params)]

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain namespace: pytest probes module names

INJECTIONS = [
    "'; DROP GRAPH <urn:x> ;",
    '"} UNION {',
    'x" . } #',
    "{}",
    'a "quoted" \'value\' with \\ back\\\\slashes \\"',
    "\\u0022 } UNION { ?s ?p ?o } #",
    'line\nbreak\r\n""" } UNION { ?s ?p ?o }',
    'ends with a backslash and quote \\"',
    "'''",
    "<urn:x> } ; CLEAR ALL ; SELECT * WHERE {",
]


# --- fixtures ----------------------------------------------------------------------------------


NAMED = (URIRef("urn:x-test:one"), URIRef("urn:x-test:two"))


def _split_into_graphs(graph: Graph) -> list[tuple[URIRef | None, tuple]]:
    """Spread the triples over the default graph and two named graphs, many of them in two or
    three graphs at once (as a TriG export repeats a shared paper in every page graph): queries
    must join across graphs and must not count a triple once per graph holding it."""
    placed = []
    names = (None, *NAMED)
    for index, triple in enumerate(sorted(graph, key=lambda t: tuple(str(x) for x in t))):
        homes = {names[index % 3]}
        if index % 2 == 0:
            homes.add(names[(index + 1) % 3])
        if index % 5 == 0:
            homes.update(names)
        placed.extend((name, triple) for name in sorted(homes, key=str))
    return placed


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(GRAPH_FILE)


@pytest.fixture(scope="module")
def dataset(graph: Graph) -> Dataset:
    ds = Dataset()
    for name, triple in _split_into_graphs(graph):
        (ds.default_graph if name is None else ds.graph(name)).add(triple)
    return ds


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(path=GRAPH_FILE, format=pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def split_store(graph: Graph) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    for name, (s, p, o) in _split_into_graphs(graph):
        where = pyoxigraph.DefaultGraph() if name is None else pyoxigraph.NamedNode(str(name))
        store.add(pyoxigraph.Quad(_ox(s), _ox(p), _ox(o), where))
    return store


def _ox(term):
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server command is not installed")
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as server:
        # The fixture goes to the default graph, and once more to a named graph: the server's
        # union default graph then holds every triple twice, as a TriG export's may.
        for target in ("default", f"graph={NAMED[0]}"):
            response = httpx.post(
                f"{server.store_url}?{target}",
                content=GRAPH_FILE.read_bytes(),
                headers={"Content-Type": "text/turtle"},
                timeout=30,
            )
            response.raise_for_status()
        yield server


@pytest.fixture(scope="module")
def engines(graph: Graph, dataset: Dataset, store: pyoxigraph.Store, split_store: pyoxigraph.Store,
            server: OxigraphServer) -> dict[str, Engine]:
    return {
        "rdflib": RdflibEngine(graph),
        "rdflib-dataset": RdflibEngine(dataset),
        "oxigraph": OxigraphEngine(store),
        "oxigraph-named-graphs": OxigraphEngine(split_store),
        "endpoint": EndpointEngine(server.query_url),
    }


ENGINE_NAMES = ["rdflib", "rdflib-dataset", "oxigraph", "oxigraph-named-graphs", "endpoint"]


# --- expected rows -----------------------------------------------------------------------------


def _cases() -> list[tuple[str, int, dict]]:
    found = []
    for path in sorted(EXPECTED.glob("*.json")):
        for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"]):
            found.append((path.stem, index, case))
    return found


CASES = _cases()


def _kind(term: object) -> str:
    if isinstance(term, URIRef):
        return "iri"
    assert isinstance(term, Literal), term
    if term.language:
        return f"@{term.language}"
    if term.datatype is None:
        return "string"
    assert str(term.datatype).startswith(str(XSD)), term.datatype
    return "xsd:" + str(term.datatype)[len(str(XSD)) :]


def _as_json(results: Results, columns: dict[str, str]) -> list[list[object]]:
    """The rows in the expected files' notation, after checking every cell's type."""
    assert results.variables == list(columns)
    rows = []
    for row in results.rows:
        cells: list[object] = []
        for variable, term in zip(results.variables, row, strict=True):
            if term is None:
                cells.append(None)
                continue
            assert _kind(term) == columns[variable], f"{variable}: {term!r}"
            if _kind(term) == "xsd:integer":
                cells.append(int(term))
            elif _kind(term) == "xsd:boolean":
                cells.append(term.toPython())
            else:
                cells.append(str(term))
        rows.append(cells)
    return rows


def test_every_query_has_an_expected_rows_file_and_no_file_is_stray() -> None:
    assert sorted({name for name, _, _ in CASES}) == QUERY_NAMES


@pytest.mark.server
@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
@pytest.mark.parametrize(("name", "index", "case"), CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_query_gives_the_expected_rows(
    engines: dict[str, Engine], engine_name: str, name: str, index: int, case: dict
) -> None:
    results = run_query(get_query(name), case["params"], engines[engine_name])
    assert _as_json(results, case["columns"]) == case["rows"]


def _example_params(query: SavedQuery) -> dict[str, str]:
    words = shlex.split(query.example)
    assert words[:3] == ["scholarkg", "query", query.name], query.example
    params = {}
    for flag, value in zip(words[3::2], words[4::2], strict=True):
        assert flag == "--param", query.example
        key, _, raw = value.partition("=")
        params[key] = raw
    return params


@pytest.mark.server
@pytest.mark.parametrize("query", QUERIES, ids=QUERY_NAMES)
def test_every_query_gives_identical_rows_on_every_engine(
    engines: dict[str, Engine], query: SavedQuery
) -> None:
    param_sets = [_example_params(query)] + [case["params"] for name, _, case in CASES if name == query.name]
    for params in param_sets:
        reference = run_query(query, params, engines["rdflib"])
        for engine_name in ENGINE_NAMES[1:]:
            assert run_query(query, params, engines[engine_name]) == reference, (engine_name, params)


# --- drift: headers against texts --------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=QUERY_NAMES)
def test_every_query_has_title_description_and_example(query: SavedQuery) -> None:
    assert query.title and query.description and query.example
    assert all(p.description for p in query.params), "every parameter is described"


@pytest.mark.parametrize("query", QUERIES, ids=QUERY_NAMES)
def test_declared_params_appear_in_the_text_and_limit_never_does(query: SavedQuery) -> None:
    body = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    used = set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", body))
    for param in query.params:
        if param.name == LIMIT_PARAM:
            assert param.name not in used, "limit becomes the query's LIMIT, never a variable"
        else:
            assert param.name in used, f"?{param.name} is declared but not used"


@pytest.mark.parametrize("query", QUERIES, ids=QUERY_NAMES)
def test_header_lines_use_only_known_keys_and_every_query_is_ordered(query: SavedQuery) -> None:
    for line in query.text.splitlines():
        if not line.startswith("#"):
            break
        match = re.match(r"#\s*([A-Za-z]+):", line)
        if match:
            assert match[1] in {"title", "description", "param", "example"}, line
    assert "ORDER BY" in query.text, "results must come in a fixed order on every engine"


@pytest.mark.parametrize("query", QUERIES, ids=QUERY_NAMES)
def test_example_runs_and_finds_rows_on_the_fixture(graph: Graph, query: SavedQuery) -> None:
    params = _example_params(query)
    assert set(params) <= {p.name for p in query.params}
    assert len(run_query(query, params, RdflibEngine(graph))) > 0


# Strings whose order is easy to get wrong: prefixes, case, "~" (the sort keys' own prefix),
# control characters, combining marks, characters outside the BMP, long strings (not inlined).
AWKWARD = ["a", "a~", "~a", "A", "ab", "a b", "a  b", "a\tb", "\u00e9", "e\u0301", "Z", "~", "~~",
           "\u65e5\u672c", "\u03a9", "\U0001d400", "zz", "a" * 30, "a" * 30 + "b", "a" * 29 + "~"]


def _awkward_graph() -> Graph:
    """Papers on one day, all listed by three pages, by persons: every query that sorts on
    titles, file names or names has to break ties on AWKWARD strings."""
    schema, dcterms = Namespace("https://schema.org/"), Namespace("http://purl.org/dc/terms/")
    skg, ex = Namespace("https://w3id.org/scholarkg/vocab#"), Namespace("urn:x-test:")
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    g = Graph()
    people = [ex[f"person{i}"] for i in range(len(AWKWARD))]
    for person, name in zip(people, AWKWARD, strict=True):
        g.add((person, rdf_type, schema.Person))
        g.add((person, schema.name, Literal(name)))
    for i, title in enumerate(AWKWARD):
        paper = ex[f"paper{i}"]
        g.add((paper, dcterms.title, Literal(title)))
        g.add((paper, dcterms.issued, Literal("2024-05-02", datatype=XSD.date)))
        g.add((paper, skg.yearInferred, Literal(False)))
        g.add((paper, skg.hasCode, Literal(i % 2 == 0)))
        for step in (0, 1, 3):
            g.add((paper, schema.author, people[(i + step) % len(people)]))
        for page in range(3):
            g.add((ex[f"page{page}"], skg.lists, paper))
    for page, source in enumerate(["a" * 20, "a" * 20 + "~", "A" * 20]):
        g.add((ex[f"page{page}"], dcterms.source, Literal(source)))
    return g


def _without_sort_keys(text: str) -> str:
    """The query as it would read without its ?...Key helpers: compared on STR() of the terms,
    sorted on the terms themselves."""
    text = re.sub(r"FILTER\(\?(\w+)Key < \?(\w+)Key\)", r"FILTER(STR(?\1) < STR(?\2))", text)
    head, order = text.rsplit("ORDER BY", 1)
    return head + "ORDER BY" + re.sub(r"\s*\?\w+Key\b", "", order)


KEYED = [q for q in QUERIES if re.search(r"ORDER BY[^\n]*\?\w+Key\b", q.text)]


@pytest.mark.parametrize("query", KEYED, ids=[q.name for q in KEYED])
def test_sort_keys_order_rows_exactly_as_the_strings_do(query: SavedQuery) -> None:
    graph = _awkward_graph()
    store = pyoxigraph.Store()
    for s, p, o in graph:
        store.add(pyoxigraph.Quad(_ox(s), _ox(p), _ox(o), pyoxigraph.DefaultGraph()))
    plain = SavedQuery(query.name, _without_sort_keys(query.text), params=query.params)
    assert plain.text != query.text
    for engine in (RdflibEngine(graph), OxigraphEngine(store)):
        expected = run_query(plain, {LIMIT_PARAM: "1000"}, engine)
        assert len(expected) >= len(AWKWARD)
        assert run_query(query, {LIMIT_PARAM: "1000"}, engine) == expected


def test_name_variants_finds_nothing_when_no_two_names_share_first_and_last_word(graph: Graph) -> None:
    # rdflib yields one empty group for a grouped sub-query without solutions; the query must
    # not turn it into rows made of the OPTIONAL part alone.
    # The two variants lose their name, and the export's table (skg:NameVariant) has no rows:
    # the table built from the pruned papers is empty too.
    from scholarkg.export.name_variants import variant_rows

    name = URIRef("https://schema.org/name")
    gone = {s for s, p, o in graph if p == name and str(o) in ("Bita Rouhani", "Ngozi A. Okafor")}
    table = set(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("https://w3id.org/scholarkg/vocab#NameVariant")))
    assert len(gone) == 2 and len(table) == 4
    pruned = Graph()
    for triple in graph:
        if not ((triple[0] in gone and triple[1] == name) or triple[0] in table):
            pruned.add(triple)
    papers: dict[object, set[str]] = {}
    for paper, person in pruned.subject_objects(URIRef("https://schema.org/author")):
        papers.setdefault(paper, set()).update(str(n) for n in pruned.objects(person, name))
    assert papers and variant_rows(list(papers.values())) == []
    store = pyoxigraph.Store()
    for s, p, o in pruned:
        store.add(pyoxigraph.Quad(_ox(s), _ox(p), _ox(o), pyoxigraph.DefaultGraph()))
    query = get_query("name-variants")
    assert run_query(query, {}, RdflibEngine(pruned)).rows == []
    assert run_query(query, {}, OxigraphEngine(store)).rows == []


def test_list_queries_is_sorted_by_name_and_reads_the_bundled_folder() -> None:
    assert sorted(QUERY_NAMES) == QUERY_NAMES
    assert sorted(p.stem for p in queries_dir().glob("*.rq")) == QUERY_NAMES
    assert len(QUERIES) >= 16


# --- injection ---------------------------------------------------------------------------------


def _counts(graph: Graph, dataset: Dataset, store: pyoxigraph.Store, server: OxigraphServer) -> tuple:
    return len(graph), len(list(dataset.quads())), len(store), server.triple_count()


@pytest.mark.server
@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_hostile_values_run_match_nothing_and_change_nothing(
    engines: dict[str, Engine], graph: Graph, dataset: Dataset, store: pyoxigraph.Store,
    server: OxigraphServer, engine_name: str,
) -> None:
    before = _counts(graph, dataset, store, server)
    for query in PARAMETERISED:
        for value in INJECTIONS:
            params = {p.name: value for p in query.params if p.type == "string"}
            results = run_query(query, params, engines[engine_name])
            assert results.rows == [], (query.name, value)
    assert _counts(graph, dataset, store, server) == before


@pytest.mark.server
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40))
def test_any_text_value_is_matched_literally_on_every_engine(engines: dict[str, Engine], value: str) -> None:
    query = get_query("paper-authors")
    results = {name: run_query(query, {"paper": value}, engines[name]) for name in ENGINE_NAMES}
    assert all(r == results["rdflib"] for r in results.values())
    assert all(str(row[0]).lower() == value.lower() for row in results["rdflib"].rows)


@pytest.mark.server
def test_a_value_that_is_a_title_with_quotes_and_backslashes_matches_that_paper_only(
    engines: dict[str, Engine],
) -> None:
    title = 'Why "Attention" Isn\'t All You Need \\ <v2>'
    for name in ENGINE_NAMES:
        rows = run_query(get_query("paper-authors"), {"paper": title}, engines[name]).rows
        assert [str(row[2]) for row in rows] == ["Siobhán O'Neil", "Ngozi A. Okafor"], name


def test_values_block_goes_into_the_where_group_past_comments_strings_and_iris(graph: Graph) -> None:
    text = (
        "# a comment with a brace {\n"
        "PREFIX ex: <http://example.org/#x>\n"
        'SELECT ?name (CONCAT("{#", ?name, \'}\') AS ?shown) WHERE {\n'
        "  ?person <https://schema.org/name> ?name .\n"
        "  FILTER(?name = ?wanted)\n"
        "}\n"
    )
    injected = inject_values(text, {"wanted": Literal("Ngozi Okafor")})
    assert 'WHERE {\n  VALUES (?wanted) { ("Ngozi Okafor") }\n' in injected
    rows = graph.query(injected)
    assert [(str(r[0]), str(r[1])) for r in rows] == [("Ngozi Okafor", "{#Ngozi Okafor}")]


def test_values_block_escapes_every_literal_and_refuses_blank_nodes() -> None:
    text = "SELECT ?x WHERE { ?x ?p ?v }"
    injected = inject_values(text, {"v": Literal('a"b\\c\nd\te\r')})
    assert 'VALUES (?v) { ("a\\"b\\\\c\\nd\\te\\r") }' in injected
    injected = inject_values(text, {"v": Literal("2024-05-02", datatype=XSD.date)})
    assert '("2024-05-02"^^<http://www.w3.org/2001/XMLSchema#date>)' in injected
    with pytest.raises(QueryError):
        inject_values(text, {"v": BNode()})
    with pytest.raises(QueryError):
        inject_values(text, {"v": URIRef("http://x> } UNION { <y")})


def test_iri_params_are_validated_before_they_reach_any_query() -> None:
    query = parse_header(
        "# param: topic iri — a concept\nSELECT ?x WHERE { ?x ?p ?topic } ORDER BY ?x\n", source="t.rq"
    )
    assert bind_params(query, {"topic": "https://w3id.org/scholarkg/arxiv/cs.LG"}) == {
        "topic": URIRef("https://w3id.org/scholarkg/arxiv/cs.LG")
    }
    for bad in ["http://x> } UNION { <y", "not an iri", "cs.LG", 'http://x"y', ""]:
        with pytest.raises(UsageError, match="absolute IRI"):
            bind_params(query, {"topic": bad})


# --- parameters --------------------------------------------------------------------------------


def test_missing_param_is_refused_with_the_list_of_params() -> None:
    with pytest.raises(UsageError) as caught:
        bind_params(get_query("coauthors"), {})
    message = str(caught.value)
    assert "missing parameter 'author'" in message
    assert "author (string, required)" in message and "limit (integer, default 20)" in message


def test_unknown_param_is_refused_with_the_list_of_params() -> None:
    with pytest.raises(UsageError) as caught:
        bind_params(get_query("coauthors"), {"author": "x", "autor": "y"})
    assert "unknown parameter 'autor'" in str(caught.value)
    assert "author (string, required)" in str(caught.value)
    with pytest.raises(UsageError, match="takes no parameters"):
        bind_params(get_query("code-per-topic"), {"topic": "cs.LG"})


def test_values_are_converted_to_terms_of_the_declared_type_and_defaults_fill_in() -> None:
    query = parse_header(
        "# param: who string — a name\n"
        "# param: since date = 2020-01-01 — a day\n"
        "# param: n integer = 5 — a number\n"
        "# param: limit integer = 3 — rows\n"
        "SELECT * WHERE { ?s ?p ?who } ORDER BY ?s\n",
        source="mine.rq",
    )
    bound = bind_params(query, {"who": "Ada", "n": " 42 "})
    assert bound == {
        "who": Literal("Ada"),
        "since": Literal("2020-01-01", datatype=XSD.date),
        "n": Literal(42),
        "limit": Literal(3),
    }
    assert bound["who"].datatype is None and bound["n"].datatype == XSD.integer
    for params, pattern in [({"who": "x", "n": "ten"}, "'n' must be an integer"),
                            ({"who": "x", "n": "1.5"}, "'n' must be an integer"),
                            ({"who": "x", "since": "2024-02-30"}, "'since' must be a date")]:
        with pytest.raises(UsageError, match=pattern):
            bind_params(query, params)


def test_limit_caps_the_rows_and_must_not_be_negative(graph: Graph) -> None:
    engine = RdflibEngine(graph)
    query = get_query("recent-papers")
    assert len(run_query(query, {}, engine)) == 8
    assert len(run_query(query, {"limit": "3"}, engine)) == 3
    with pytest.raises(UsageError, match="0 or more"):
        run_query(query, {"limit": "-1"}, engine)


class _Recording:
    """An engine that records the texts it is given and answers with a fixed number of rows."""

    def __init__(self, rows: int) -> None:
        self.texts: list[str] = []
        self.rows = rows

    def select(self, text: str, bindings: object) -> Results:
        self.texts.append(text)
        return Results(["n"], [(Literal(i),) for i in range(self.rows)])

    run = select


def test_limit_is_written_as_a_limit_after_the_order_by() -> None:
    engine = _Recording(rows=5)
    query = get_query("coauthors")
    assert "# LIMIT ?limit" not in query.text
    assert len(run_query(query, {"author": "Jane Doe", "limit": "2"}, engine)) == 2  # sliced too
    assert engine.texts[0] == query.text.rstrip() + "\nLIMIT 2\n"
    run_query(query, {"author": "Jane Doe", "limit": str(2**40)}, engine)  # too big: sliced
    assert engine.texts[1] == query.text


def test_limit_is_also_written_where_the_query_marks_its_own_ranking() -> None:
    engine = _Recording(rows=0)
    query = get_query("recent-papers")
    run_query(query, {"limit": "2"}, engine)
    marked = query.text.replace("\n            # LIMIT ?limit\n", "\n            LIMIT 2\n")
    assert marked != query.text
    assert engine.texts[0] == marked.rstrip() + "\nLIMIT 2\n"
    run_query(query, {"limit": str(2**40)}, engine)
    assert engine.texts[1] == query.text


@pytest.mark.parametrize(
    ("text", "limited"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x", True),
        ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x # the end", True),
        ("SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } LIMIT 3 } } ORDER BY ?x", True),
        ('SELECT ?x WHERE { ?x ?p "} LIMIT 1 {" } ORDER BY ?x', True),
        ("SELECT ?x WHERE { ?x ?p ?o } # } LIMIT 1\nORDER BY ?x", True),
        ("PREFIX ex: <http://ex.org/> SELECT ?x WHERE { ?x ex:limit ?o } ORDER BY ex:values(?x)", True),
        ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x OFFSET 2", True),
        ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 10", False),
        ("SELECT ?x WHERE { ?x ?p ?o } limit 10 offset 1", False),
        ("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x VALUES ?x { <urn:a> }", False),
        ("SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?x HAVING (EXISTS { ?x ?q ?r })", False),
        ("SELECT ?x WHERE { ?x ?p ?o ", False),
    ],
)
def test_a_limit_is_added_only_where_it_is_valid(text: str, limited: bool) -> None:
    added = add_limit(text, 7)
    if limited:
        assert added == text.rstrip() + "\nLIMIT 7\n"
        assert added is not None
        prepareQuery(added)  # rdflib parses it
    else:
        assert added is None
    assert add_limit("SELECT ?x WHERE { ?x ?p ?o }", 2**31) is None


def test_a_user_query_with_its_own_limit_is_sliced(
    tmp_path: Path, graph: Graph, store: pyoxigraph.Store
) -> None:
    path = tmp_path / "names.rq"
    path.write_text(
        "# param: limit integer = 3 — rows\n"
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name LIMIT 5\n",
        encoding="utf-8",
    )
    query = load_query_file(path)
    for engine in (RdflibEngine(graph), OxigraphEngine(store)):
        assert [str(r[0]) for r in run_query(query, {}, engine).rows] == [
            "Bita Darvish Rouhani", "Bita Rouhani", "Farinaz Koushanfar"]
        assert len(run_query(query, {"limit": "9"}, engine)) == 5


MARKED = (
    "SELECT ?x WHERE {\n  { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n    # LIMIT ?limit\n  }\n}\n"
    "ORDER BY ?x\n"
)


def test_a_limit_marker_line_becomes_a_limit_in_place() -> None:
    filled = fill_limit_markers(MARKED, 3)
    assert filled == MARKED.replace("    # LIMIT ?limit", "    LIMIT 3")
    prepareQuery(filled)  # rdflib parses it
    assert fill_limit_markers(MARKED.replace("\n", "\r\n"), 3) == filled.replace("\n", "\r\n")
    twice = MARKED.replace("ORDER BY ?x\n", "ORDER BY ?x\n# LIMIT ?limit\n", 1)
    assert fill_limit_markers(twice, 0).count("LIMIT 0") == 2


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?x WHERE { ?x ?p """\n# LIMIT ?limit\n""" }',  # inside a string: text, not a comment
        "SELECT ?x WHERE { ?x ?p ?o } # LIMIT ?limit",  # not a line of its own
        "SELECT ?x WHERE { ?x ?p ?o\n# LIMIT ?limit or so\n}",  # more than the marker
        "SELECT ?x WHERE { ?x ?p ?o\n# LIMIT ?lim\n}",
    ],
)
def test_a_limit_marker_is_only_a_comment_line_that_says_exactly_that(text: str) -> None:
    assert fill_limit_markers(text, 3) == text


def test_a_limit_marker_stays_a_comment_when_no_limit_can_be_written() -> None:
    assert fill_limit_markers(MARKED, MAX_LIMIT + 1) == MARKED
    assert fill_limit_markers(MARKED, -1) == MARKED


# Page counts with ties on both sides of every cut, and titles that sort against the counts.
SHARED = {"Kappa": 5, "beta": 4, "Alpha": 4, "delta": 4, "Gamma": 3, "epsilon": 3, "Zeta": 2,
          "eta": 2, "theta": 1, "Iota": 1}


def _shared_pages_graphs() -> list[tuple[URIRef, list[tuple]]]:
    """One graph per page: the page, its file name, what it lists and those papers' titles (a
    title is repeated in every graph of a page that lists the paper, as in a TriG export)."""
    dcterms, skg = Namespace("http://purl.org/dc/terms/"), Namespace("https://w3id.org/scholarkg/vocab#")
    ex = Namespace("urn:x-test:")
    graphs = []
    for number in range(max(SHARED.values())):
        page = ex[f"page{number}"]
        triples: list[tuple] = [(page, dcterms.source, Literal(f"profile_{9 - number}.txt"))]
        for title, pages in SHARED.items():
            if number < pages:
                paper = ex[f"paper-{title.lower()}"]
                triples += [(page, skg.lists, paper), (paper, dcterms.title, Literal(title))]
        graphs.append((ex[f"graph{number}"], triples))
    return graphs


def _recent_papers_graphs() -> list[tuple[URIRef, list[tuple]]]:
    """Papers on few days (ties on both sides of every cut), titles that sort against the dates,
    and every paper's facts repeated in the graphs of the two pages that list it; plus, newest
    of all, what a shared store may hold besides an export: another dataset's record with a
    dcterms:issued and a dated paper without a title. Neither gives a row, so neither may cut."""
    dcterms, skg = Namespace("http://purl.org/dc/terms/"), Namespace("https://w3id.org/scholarkg/vocab#")
    ex = Namespace("urn:x-test:")
    days = ["2024-05-03", "2024-05-02", "2024-05-02", "2024-05-02", "2023-12-31", "2023-12-31",
            "2024-01-01", "2022-07-09", "2024-05-03", "2021-01-01"]
    titles = ["Omega", "alpha", "Beta", "gamma", "Delta", "epsilon", "Zeta", "eta", "Theta", "iota"]
    facts = []
    for i, (day, title) in enumerate(zip(days, titles, strict=True)):
        paper = ex[f"paper{i}"]
        facts.append([(paper, dcterms.issued, Literal(day, datatype=XSD.date)),
                      (paper, dcterms.title, Literal(title)),
                      (paper, skg.yearInferred, Literal(i % 3 == 0)),
                      (paper, skg.hasCode, Literal(i % 2 == 0))]
                     + ([(paper, skg.score, Literal(f"{50 + i}.5", datatype=XSD.decimal))] if i % 4 else []))
    foreign = [(ex.catalogue, dcterms.issued, Literal("2025-06-01", datatype=XSD.date)),
               (ex.untitled, dcterms.issued, Literal("2025-06-02", datatype=XSD.date)),
               (ex.untitled, skg.yearInferred, Literal(False)), (ex.untitled, skg.hasCode, Literal(True))]
    graphs = [[t for i, f in enumerate(facts) if i % 3 != g for t in f] for g in range(3)]
    graphs[0] += foreign
    return [(ex[f"graph{g}"], triples) for g, triples in enumerate(graphs)]


@pytest.mark.parametrize(("name", "make"), [("shared-papers", _shared_pages_graphs),
                                            ("recent-papers", _recent_papers_graphs)])
def test_a_query_that_cuts_its_own_ranking_keeps_the_rows_of_the_whole_ranking(name: str, make) -> None:
    """shared-papers ranks papers by page count, recent-papers by date, and keeps only those
    ranked as high as the limit-th paper; every limit, on a merged graph and on page graphs, on
    rdflib and Oxigraph, must give the first rows of the uncut ranking."""
    graph, dataset = Graph(), Dataset()
    store, split = pyoxigraph.Store(), pyoxigraph.Store()
    for graph_name, triples in make():
        for s, p, o in triples:
            graph.add((s, p, o))
            dataset.graph(graph_name).add((s, p, o))
            store.add(pyoxigraph.Quad(_ox(s), _ox(p), _ox(o), pyoxigraph.DefaultGraph()))
            split.add(pyoxigraph.Quad(_ox(s), _ox(p), _ox(o), pyoxigraph.NamedNode(str(graph_name))))
    query = get_query(name)
    assert "\n            # LIMIT ?limit\n" in query.text
    engines = [RdflibEngine(graph), RdflibEngine(dataset), OxigraphEngine(store), OxigraphEngine(split)]
    wholes = [run_query(query, {LIMIT_PARAM: str(2**40)}, engine) for engine in engines]
    assert all(whole == wholes[0] for whole in wholes)
    for engine, whole in zip(engines, wholes, strict=True):
        for limit in range(len(whole) + 2):
            limited = run_query(query, {LIMIT_PARAM: str(limit)}, engine)
            assert limited == Results(whole.variables, whole.rows[:limit]), (engine, limit)


def _merged(graphs: list[tuple[URIRef, list[tuple]]]) -> Graph:
    graph = Graph()
    for _, triples in graphs:
        for triple in triples:
            graph.add(triple)
    return graph


def test_shared_papers_lists_each_paper_once_per_page_most_pages_first() -> None:
    graph = _merged(_shared_pages_graphs())
    whole = run_query(get_query("shared-papers"), {LIMIT_PARAM: str(2**40)}, RdflibEngine(graph))
    assert len(whole) == sum(pages for pages in SHARED.values() if pages > 1)
    assert [str(row[0]) for row in whole.rows[:6]] == ["Kappa"] * 5 + ["Alpha"]


def test_recent_papers_lists_every_paper_newest_first_then_by_title() -> None:
    graph = _merged(_recent_papers_graphs())
    whole = run_query(get_query("recent-papers"), {LIMIT_PARAM: str(2**40)}, RdflibEngine(graph))
    assert [str(row[1]) for row in whole.rows] == ["Omega", "Theta", "Beta", "alpha", "gamma", "Zeta",
                                                   "Delta", "epsilon", "eta", "iota"]


LIMITED = [q for q in QUERIES if q.param(LIMIT_PARAM) is not None]


@pytest.mark.server
@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
@pytest.mark.parametrize("query", LIMITED, ids=[q.name for q in LIMITED])
def test_a_limit_in_the_query_keeps_the_same_rows_as_slicing(
    engines: dict[str, Engine], engine_name: str, query: SavedQuery
) -> None:
    params = _example_params(query)
    params.pop(LIMIT_PARAM, None)
    whole = run_query(query, {**params, LIMIT_PARAM: str(2**40)}, engines[engine_name])  # sliced
    assert len(whole) > 1, query.name
    for limit in range(len(whole) + 2):
        limited = run_query(query, {**params, LIMIT_PARAM: str(limit)}, engines[engine_name])
        assert limited == Results(whole.variables, whole.rows[:limit]), limit


def test_unknown_query_is_refused_with_a_suggestion_and_the_available_names() -> None:
    with pytest.raises(QueryError) as caught:
        get_query("coauthor")
    message = str(caught.value)
    assert "unknown query 'coauthor'" in message and "did you mean 'coauthors'" in message
    assert all(name in message for name in QUERY_NAMES)
    for sneaky in ["../pyproject", "/etc/passwd", ""]:
        with pytest.raises(QueryError, match="unknown query"):
            get_query(sneaky)
    assert get_query("coauthors.rq").name == "coauthors"


# --- header parsing and user files -------------------------------------------------------------


def test_a_user_file_without_header_takes_no_params_and_runs(tmp_path: Path, graph: Graph) -> None:
    path = tmp_path / "names.rq"
    path.write_text(
        "PREFIX schema: <https://schema.org/>\n"
        "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name\n",
        encoding="utf-8",
    )
    query = load_query_file(path)
    assert (query.name, query.title, query.params, query.example) == ("names", "", (), "")
    results = run_query(query, {}, RdflibEngine(graph))
    assert len(results) == 10 and str(results.rows[0][0]) == "Bita Darvish Rouhani"
    with pytest.raises(UsageError, match="takes no parameters"):
        run_query(query, {"author": "x"}, RdflibEngine(graph))


def test_header_parses_fields_params_and_leaves_other_comments_alone() -> None:
    query = parse_header(
        "# title: Mine\n"
        "# Some free commentary: with a colon\n"
        "# description: What it does.\n"
        '# param: org string = "nvidia" — an organisation\n'
        "# param: limit integer = 7 -- rows\n"
        "# example: scholarkg query mine\n"
        "# example: scholarkg query mine --param org=inria\n"
        "\n"
        "SELECT ?x WHERE { ?x ?p ?org } ORDER BY ?x\n"
        "# title: not part of the header\n",
        source="somewhere/mine.rq",
    )
    assert (query.name, query.title, query.description) == ("mine", "Mine", "What it does.")
    assert [(p.name, p.type, p.default, p.description) for p in query.params] == [
        ("org", "string", "nvidia", "an organisation"),
        ("limit", "integer", "7", "rows"),
    ]
    assert query.example == "scholarkg query mine" and len(query.examples) == 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("# param: who\n", "malformed param line"),
        ("# param: who text — x\n", "unknown type 'text'"),
        ("# param: who string — x\n# param: who string — y\n", "declared twice"),
        ("# param: n integer = many — x\n", "bad default"),
        ("# param: limit string = 5 — x\n", "must be an integer"),
        ("# title: a\n# title: b\n", "second 'title'"),
    ],
)
def test_malformed_headers_are_refused_naming_file_and_line(header: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        parse_header(header + "SELECT * WHERE { ?s ?p ?o }\n", source="bad.rq")
    assert str(caught.value).startswith("bad.rq:")


def test_an_unreadable_query_file_is_a_query_error(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no such query file"):
        load_query_file(tmp_path / "missing.rq")
    (tmp_path / "latin1.rq").write_bytes("SELECT * WHERE { ?s ?p \"é\" }".encode("latin-1"))
    with pytest.raises(QueryError, match="not UTF-8"):
        load_query_file(tmp_path / "latin1.rq")


# --- engines: refusals and failures ------------------------------------------------------------


NOT_SELECT = [
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    "PREFIX select: <urn:x:> DESCRIBE select:thing",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
]


@pytest.mark.server
@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_only_select_queries_run_and_nothing_is_changed(
    engines: dict[str, Engine], graph: Graph, dataset: Dataset, store: pyoxigraph.Store,
    server: OxigraphServer, engine_name: str,
) -> None:
    before = _counts(graph, dataset, store, server)
    for text in NOT_SELECT:
        # an update is refused as an update, another query form as not a SELECT
        with pytest.raises(QueryError, match=r"only (SELECT )?queries .*can be run"):
            engines[engine_name].select(text, {})
    assert _counts(graph, dataset, store, server) == before


@pytest.mark.parametrize("make", [lambda g, s: RdflibEngine(g), lambda g, s: OxigraphEngine(s)])
def test_a_query_that_does_not_parse_is_a_query_error(
    graph: Graph, store: pyoxigraph.Store, make: Callable
) -> None:
    with pytest.raises(QueryError, match="does not parse"):
        make(graph, store).select("SELECT ?x WHERE { ?x ?p }", {})


def test_a_dataset_is_queried_as_its_union_without_being_changed(dataset: Dataset) -> None:
    assert dataset.default_union is False
    results = RdflibEngine(dataset).select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://schema.org/name> ?o }", {}
    )
    assert results.rows == [(Literal(22),)]  # 10 people, 8 papers, 4 organisations
    assert dataset.default_union is False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_endpoint_that_is_down_is_a_one_line_remote_error() -> None:
    engine = EndpointEngine(f"http://user:secret@127.0.0.1:{_free_port()}/query", timeout=2)
    with pytest.raises(RemoteError, match="cannot connect to the SPARQL endpoint") as caught:
        engine.select("SELECT * WHERE { ?s ?p ?o }", {})
    assert "\n" not in str(caught.value) and "secret" not in str(caught.value)


def test_an_endpoint_url_must_be_http() -> None:
    with pytest.raises(UsageError, match="http"):
        EndpointEngine("ftp://example.org/sparql")


@pytest.mark.server
def test_a_wrong_endpoint_address_is_a_remote_error(server: OxigraphServer) -> None:
    with pytest.raises(RemoteError, match="HTTP 404") as caught:
        EndpointEngine(f"{server.base}/nothing-here").select("SELECT * WHERE { ?s ?p ?o }", {})
    assert "\n" not in str(caught.value)


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Answers POSTs from a script of (status, body, delay) entries, one per request."""

    script: ClassVar[list[tuple[int, str, float]]] = []
    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        type(self).seen.append(self.rfile.read(length).decode())
        status, body, delay = type(self).script.pop(0) if type(self).script else (500, "", 0)
        time.sleep(delay)
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"script": [], "seen": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


ONE_ROW = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "value": "07", "datatype": str(XSD.int)}}]}})


def test_an_endpoint_5xx_is_retried_once(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script[:] = [(503, "busy", 0), (200, ONE_ROW, 0)]
    results = EndpointEngine(url).select("SELECT ?n WHERE { ?s ?p ?n }", {})
    assert results == Results(["n"], [(Literal(7),)])
    assert len(handler.seen) == 2
    handler.script[:] = [(502, "<html><body>Bad gateway</body></html>", 0), (503, "still busy", 0)]
    with pytest.raises(RemoteError, match=r"on the query \(HTTP 503: still busy\) \(after 2 attempts\)"):
        EndpointEngine(url).select("SELECT ?n WHERE { ?s ?p ?n }", {})


def test_an_endpoint_parameter_travels_as_a_values_block(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script[:] = [(200, ONE_ROW, 0)]
    EndpointEngine(url).select("SELECT ?n WHERE { ?s ?p ?n }", {"p": Literal('x"} UNION {')})
    sent = httpx.QueryParams(handler.seen[0])["query"]
    assert sent == 'SELECT ?n WHERE {\n  VALUES (?p) { ("x\\"} UNION {") }\n ?s ?p ?n }'


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, "no", "requires credentials"),
        (400, "Parse error: unexpected }", r"rejected the query \(HTTP 400: Parse error: unexpected }\)"),
        (200, "<html>not json</html>", "did not answer with SPARQL JSON results"),
        (200, '{"head": {}, "boolean": true}', "only SELECT"),
    ],
)
def test_endpoint_errors_are_one_line_messages(
    scripted: tuple[str, type[_Scripted]], status: int, body: str, message: str
) -> None:
    url, handler = scripted
    handler.script[:] = [(status, body, 0)]
    with pytest.raises((RemoteError, QueryError), match=message) as caught:
        EndpointEngine(url).select("SELECT ?n WHERE { ?s ?p ?n }", {})
    assert "\n" not in str(caught.value)


def test_a_slow_endpoint_times_out_with_a_remote_error(scripted: tuple[str, type[_Scripted]]) -> None:
    url, handler = scripted
    handler.script[:] = [(200, ONE_ROW, 1.5)]
    with pytest.raises(RemoteError, match=r"did not answer within 0\.3 s"):
        EndpointEngine(url, timeout=0.3).select("SELECT ?n WHERE { ?s ?p ?n }", {})


# --- normalised terms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Literal("07", datatype=XSD.integer), Literal(7)),
        (Literal("7", datatype=XSD.int), Literal(7)),
        (Literal("70.00", datatype=XSD.decimal), Literal("70.0", datatype=XSD.decimal)),
        (Literal("088.10", datatype=XSD.decimal), Literal("88.1", datatype=XSD.decimal)),
        (Literal("1", datatype=XSD.boolean), Literal(True)),
        (Literal("x", datatype=XSD.string), Literal("x")),
        (Literal("x", lang="EN"), Literal("x", lang="en")),
        (Literal("not a number", datatype=XSD.integer), Literal("not a number", datatype=XSD.integer)),
        (URIRef("urn:x"), URIRef("urn:x")),
        (None, None),
    ],
)
def test_terms_are_normalised_so_engines_compare_equal(given: object, expected: object) -> None:
    result = normalise_term(given)
    assert result == expected
    if isinstance(result, Literal):
        assert (str(result), result.datatype, result.language) == (str(expected), expected.datatype,
                                                                   expected.language)


# --- formats -----------------------------------------------------------------------------------

SCHEMA_PERSON = URIRef("https://schema.org/Person")
TRICKY = Results(
    ["thing", "text", "n", "score", "label", "when", "empty"],
    [
        (URIRef("https://w3id.org/scholarkg/id/paper/depth-08181a2d67"), Literal('say "hi", then\tgo\nnow'),
         Literal(3), Literal("88.1", datatype=XSD.decimal), Literal("Machine Learning", lang="en"),
         Literal("2024-05-02", datatype=XSD.date), None),
        (URIRef("https://w3id.org/scholarkg/arxiv/cs.LG"), Literal("Siobhán O'Neil \\ <v2>"),
         Literal(12345), None, Literal("x"), Literal(True), None),
        (URIRef("http://example.org/other#thing"), Literal(""), Literal(-1),
         Literal("0.5", datatype=XSD.decimal), None, None, None),
    ],
)


def test_table_has_aligned_columns_header_separator_and_row_count() -> None:
    text = format_results(TRICKY, "table")
    lines = text.splitlines()
    assert lines[-1] == "(3 rows)" and text.endswith("\n")
    header, separator, *rows = lines[:-1]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", separator)]
    assert [header[a:b].strip() for a, b in spans] == TRICKY.variables
    cells = [[line[a:b] for a, b in spans] for line in rows]
    assert cells[0][0].strip() == "id:paper/depth-08181a2d67"
    assert cells[1][0].strip() == "arxiv:cs.LG"
    assert cells[2][0].strip() == "<http://example.org/other#thing>"
    assert cells[0][1].strip() == 'say "hi", then\\tgo\\nnow'  # one line per row
    assert cells[0][4].strip() == "Machine Learning"  # literals as plain text
    assert [row[2] for row in cells] == ["    3", "12345", "   -1"]  # numbers to the right
    assert all(line[b:b + 2].strip() == "" for line in rows for _, b in spans[:-1])
    assert format_results(Results(["x"], [(Literal(1),)]), "table").endswith("(1 row)\n")
    assert format_results(Results(["x"], []), "table") == "x\n-\n(0 rows)\n"


def test_table_shortens_iris_with_given_prefixes() -> None:
    results = Results(["x"], [(SCHEMA_PERSON,), (URIRef("https://example.org/base/person/a"),)])
    text = format_results(results, "table", prefixes={"ex": "https://example.org/base/", "schema": "https://schema.org/"})
    assert "schema:Person" in text and "ex:person/a" in text


def test_csv_is_the_sparql_csv_format_and_parses_back() -> None:
    text = format_results(TRICKY, "csv")
    assert text.count("\r\n") == len(TRICKY.rows) + 1  # header and rows; a value keeps its own newline
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == TRICKY.variables
    assert rows[1:] == [["" if term is None else str(term) for term in row] for row in TRICKY.rows]
    parsed = Result.parse(io.StringIO(text), format="csv")
    assert [str(v) for v in parsed.vars] == TRICKY.variables


def test_tsv_is_the_sparql_tsv_format_and_parses_back_to_the_same_terms() -> None:
    text = format_results(TRICKY, "tsv")
    lines = text.split("\n")
    assert lines[0] == "\t".join(f"?{v}" for v in TRICKY.variables)
    assert len(lines) == len(TRICKY.rows) + 2 and lines[-1] == ""  # one line per row
    assert lines[1].split("\t")[2:4] == ["3", "88.1"]
    parsed = pyoxigraph.parse_query_results(text.encode(), format=pyoxigraph.QueryResultsFormat.TSV)
    back = [tuple(_from_ox(solution[v]) for v in TRICKY.variables) for solution in parsed]
    assert back == TRICKY.rows
    by_rdflib = Result.parse(io.StringIO(text), format="tsv")
    assert [tuple(normalise_term(t) for t in row) for row in by_rdflib] == TRICKY.rows


def _from_ox(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return normalise_term(Literal(term.value, datatype=URIRef(term.datatype.value)))


def test_json_is_the_sparql_json_format_and_parses_back_to_the_same_terms() -> None:
    text = format_results(TRICKY, "json")
    document = json.loads(text)
    assert document["head"]["vars"] == TRICKY.variables
    first = document["results"]["bindings"][0]
    assert first["thing"] == {"type": "uri", "value": "https://w3id.org/scholarkg/id/paper/depth-08181a2d67"}
    assert first["label"] == {"type": "literal", "value": "Machine Learning", "xml:lang": "en"}
    assert first["n"] == {"type": "literal", "value": "3", "datatype": str(XSD.integer)}
    assert first["text"] == {"type": "literal", "value": 'say "hi", then\tgo\nnow'}
    assert "empty" not in first
    parsed = Result.parse(io.StringIO(text), format="json")
    assert [tuple(normalise_term(row[v]) for v in parsed.vars) for row in parsed] == TRICKY.rows


@settings(max_examples=200, deadline=None)
@given(value=st.text())
def test_any_string_survives_every_format_round_trip(value: str) -> None:
    results = Results(["v", "w"], [(Literal(value), Literal(1))])
    assert json.loads(format_results(results, "json"))["results"]["bindings"][0]["v"]["value"] == value
    assert list(csv.reader(io.StringIO(format_results(results, "csv"), newline="")))[1][0] == value
    tsv = format_results(results, "tsv").encode()
    solutions = pyoxigraph.parse_query_results(tsv, format=pyoxigraph.QueryResultsFormat.TSV)
    assert [s["v"].value for s in solutions] == [value]
    table = format_results(results, "table").splitlines()
    assert len(table) == 4


@pytest.mark.server
def test_fixture_results_survive_every_format(engines: dict[str, Engine]) -> None:
    results = run_query(get_query("recent-papers"), {}, engines["endpoint"])
    for fmt in FORMATS:
        assert format_results(results, fmt)
    back = Result.parse(io.StringIO(format_results(results, "json")), format="json")
    assert [tuple(normalise_term(row[v]) for v in back.vars) for row in back] == results.rows


def test_an_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="table, csv, tsv, json"):
        format_results(TRICKY, "xml")
