"""The collaboration table written at export gives exactly what counting the pairs at query time
gave: the former query (tests/oracles/collaborations-scan.rq) is the oracle, run on the same
exports by rdflib, Oxigraph (one graph and page graphs) and a real Oxigraph server. (Virtuoso
runs the bundled query in tests/test_virtuoso.py against rdflib's rows.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from scholarkg.engines import RdflibEngine
from scholarkg.export.collaborations import collaboration_lines
from scholarkg.mapping import Minter
from scholarkg.queries import run_query
from scholarkg.query_files import get_query, load_query_file
from scholarkg.store import open_store
from scholarkg.testing.corpus import build_corpus, person_names

from export_engines import engines_over, export_both, pages_folder

TESTS = Path(__file__).resolve().parent
ORACLE = load_query_file(TESTS / "oracles" / "collaborations-scan.rq")
SKG = "https://w3id.org/scholarkg/vocab#"


def _wide_page(authors: list[str]) -> str:
    """A page without header: one paper by every name, one by the first five."""
    return (f"CVMay 2, 2024\nEveryone at Once\n\n{', '.join(authors)} · inria\n\nA wide paper.\n\n"
            f"LGJun 1, 2025\nA Few of Us\n\n{', '.join(authors[:5])}\n\nA narrow one.\n")


@pytest.fixture(scope="module", params=["examples", "faker-realistic", "faker-hard"])
def exported(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(request.param)
    pages = pages_folder(out, examples=request.param == "examples")
    if request.param != "examples":
        for page in build_corpus(40, mix=request.param.split("-")[1], seed=29):
            (pages / page.name).write_text(page.text, encoding="utf-8")
    (pages / "zz_wide.txt").write_text(_wide_page(person_names(40, seed=31)), encoding="utf-8")
    export_both(pages, out)
    return out


@pytest.fixture(scope="module")
def engines(exported: Path) -> Iterator[dict[str, object]]:
    with engines_over(exported) as found:
        yield found


@pytest.mark.parametrize("limit", [None, "1", "7", "100000"])
def test_the_table_gives_the_rows_of_the_pair_count_on_every_engine(engines, limit):
    params = {} if limit is None else {"limit": limit}
    oracle = run_query(ORACLE, params, engines["rdflib-on-turtle"])
    if limit == "100000":
        assert len(oracle) > 40 * 39 // 2  # every pair, the wide paper's included
    else:
        assert len(oracle) == int(limit or 20)  # the default limit is 20
    for name, engine in engines.items():
        assert run_query(ORACLE, params, engine).rows == oracle.rows, name  # the oracle agrees
        assert run_query(get_query("collaborations"), params, engine).rows == oracle.rows, name


def test_a_paper_with_n_authors_adds_every_one_of_its_pairs(exported):
    store = open_store(exported / "store")
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a <{SKG}Collaboration> }}")
    pairs = int(next(iter(rows))[0].value)  # type: ignore[arg-type]
    assert pairs >= 40 * 39 // 2


def test_the_exported_table_of_the_queries_fixture_is_the_one_written_by_hand():
    """tests/fixtures/queries_graph.ttl holds a table written from its reasoned expected rows;
    the export's builder, given the fixture's papers and their author names, must write it."""
    store = ox.Store()
    store.load(path=TESTS / "fixtures" / "queries_graph.ttl", format=ox.RdfFormat.TURTLE)
    table = (f"SELECT ?a ?b ?n ?r WHERE {{ ?c <{SKG}personName> ?a ; <{SKG}coauthorName> ?b ; "
             f"<{SKG}jointPapers> ?n ; <{SKG}collaborationRank> ?r }} ORDER BY ?r")
    by_hand = [tuple(term.value for term in row) for row in store.query(table)]  # type: ignore[union-attr]
    papers: dict[str, set[str]] = {}
    authors = "SELECT ?p ?n WHERE { ?p <https://schema.org/author>/<https://schema.org/name> ?n }"
    for row in store.query(authors):
        papers.setdefault(row[0].value, set()).add(row[1].value)  # type: ignore[index]
    built = ox.Store()
    built.load("".join(collaboration_lines(papers.values(), base=Minter().base)), ox.RdfFormat.N_TRIPLES)
    assert [tuple(term.value for term in row) for row in built.query(table)] == by_hand  # type: ignore[union-attr]
    assert len(by_hand) == 13


def test_names_that_need_escaping_are_written_as_valid_n_triples():
    names = ['Zoë "Z" O\'Hara', "Back\\slash Name", "Ängel Ørsted"]
    built = ox.Store()
    built.load("".join(collaboration_lines([names], base=Minter().base)), ox.RdfFormat.N_TRIPLES)
    rows = built.query(f"SELECT ?a ?b WHERE {{ ?c <{SKG}personName> ?a ; <{SKG}coauthorName> ?b }}")
    got = {term.value for row in rows for term in row}  # type: ignore[union-attr]
    assert got == set(names) and len(list(built)) == 3 * 5


def test_a_graph_without_a_table_gives_no_rows_and_no_error():
    graph = Graph().parse(data="<urn:p> <https://schema.org/author> <urn:a>, <urn:b> .", format="turtle")
    assert run_query(get_query("collaborations"), {}, RdflibEngine(graph)).rows == []
