"""name-variants reads the name-variant table written at export (paired on the skg:nameKey it
also writes); the former query, which paired persons on a key computed in SPARQL
(tests/oracles/name-variants-computed-key.rq), is the oracle: the same
rows on rdflib, Oxigraph (one graph and page graphs) and a real Oxigraph server, on the examples,
on Faker corpora with a hand page of variants, and on pages without any variant. (Virtuoso runs
the bundled query in tests/test_virtuoso.py against Oxigraph's rows.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from scholarkg.mapping import name_key
from scholarkg.queries import run_query
from scholarkg.query_files import get_query, load_query_file
from scholarkg.store import open_store
from scholarkg.testing.corpus import build_corpus

from export_engines import engines_over, export_both, pages_folder

TESTS = Path(__file__).resolve().parent
ORACLE = load_query_file(TESTS / "oracles" / "name-variants-computed-key.rq")
NAME_KEY = URIRef("https://w3id.org/scholarkg/vocab#nameKey")

# Variants by hand: a middle name, another case, accents the lower case keeps, a one-word name,
# and shared coauthors on both sides (Zoë Ng and Omar Haddad; Lena Vogel with one name only).
VARIANTS_PAGE = """CVMay 2, 2024
Depth from Defocus

Ana María López, Zoë Ng, Omar Haddad · inria

We estimate depth.

LGJun 1, 2025
Motion Blur, Revisited

Ana López, Zoë Ng, Omar Haddad, Lena Vogel

Blur is informative.

LGJun 3, 2025
Shouting Names

ANA LÓPEZ, Ǆemal Ǉubić, Madonna

Upper case.

CVJul 9, 2025
Quiet Names

ǆemal ǉubić, Lena Vogel, Madonna

Lower case.

LGJul 1, 2025
Only Each Other

Omar Haddad, Omar Q. Haddad, Omar Q. Haddad

The same name twice, and a pair on one paper with nobody else.

CVAug 9, 2025
Alone Again

Ana M. López

Nobody shares this one.
"""

NO_VARIANTS_PAGE = """CVMay 2, 2024
One Paper

Ana López, Zoë Ng, Madonna

Nothing to pair.

LGJun 1, 2025
Another Paper

Omar Haddad, Zoë Ng

Still nothing.
"""

CASES = ["examples", "faker-hard-7", "faker-hard-29", "faker-realistic-29", "no-variants"]


@pytest.fixture(scope="module", params=CASES)
def exported(request, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp(request.param)
    pages = pages_folder(out, examples=request.param == "examples")
    if request.param == "no-variants":
        (pages / "none.txt").write_text(NO_VARIANTS_PAGE, encoding="utf-8")
    elif request.param != "examples":
        _, mix, seed = request.param.split("-")
        for page in build_corpus(40, mix=mix, seed=int(seed)):
            (pages / page.name).write_text(page.text, encoding="utf-8")
        (pages / "zz_variants.txt").write_text(VARIANTS_PAGE, encoding="utf-8")
    export_both(pages, out)
    (out / "case").write_text(request.param, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def engines(exported: Path) -> Iterator[dict[str, object]]:
    with engines_over(exported) as found:
        yield found


@pytest.mark.parametrize("limit", [None, "3", "100000"])
def test_the_exported_table_gives_the_rows_of_the_computed_key_on_every_engine(exported, engines, limit):
    params = {} if limit is None else {"limit": limit}
    oracle = run_query(ORACLE, params, engines["rdflib-on-turtle"])
    case = (exported / "case").read_text(encoding="utf-8")
    if case == "no-variants":
        assert oracle.rows == []
    else:
        assert oracle.rows, case  # every other case has variants to find
    for name, engine in engines.items():
        assert run_query(ORACLE, params, engine).rows == oracle.rows, name  # the oracle agrees
        assert run_query(get_query("name-variants"), params, engine).rows == oracle.rows, name


def test_the_hand_page_gives_its_variants_with_their_shared_coauthors(exported, engines):
    rows = run_query(get_query("name-variants"), {"limit": "100000"}, engines["oxigraph-store"]).rows
    found = {(str(r[0]), str(r[1]), int(str(r[2])), None if r[3] is None else str(r[3])) for r in rows}
    if not (exported / "pages" / "zz_variants.txt").exists():  # the examples, the no-variants page
        assert not any("López" in r[0] + r[1] for r in found)
        return
    assert ("Ana López", "Ana María López", 2, "Omar Haddad") in found
    assert ("Ana López", "Ana María López", 2, "Zoë Ng") in found
    assert ("ANA LÓPEZ", "Ana López", 0, None) in found  # no coauthor in common
    assert ("Ǆemal Ǉubić", "ǆemal ǉubić", 1, "Madonna") in found  # title-case digraphs, lowered
    assert ("Ana López", "Ana M. López", 0, None) in found  # a paper alone: nobody shared
    # Two names on one paper share nobody but each other, which does not count.
    assert ("Omar Haddad", "Omar Q. Haddad", 0, None) in found
    assert not any("Madonna" in (r[0], r[1]) for r in found)  # one word: no key


def test_every_exported_person_with_a_space_has_the_key_the_sparql_would_compute(exported):
    """Python's str.lower against two engines' LCASE (rdflib's, and Oxigraph's in Rust), on
    names from Faker's locales as well as the examples."""
    mismatch = (
        'SELECT ?p ?name ?key WHERE { ?p a <https://schema.org/Person> ; <https://schema.org/name> ?name .'
        ' OPTIONAL { ?p <https://w3id.org/scholarkg/vocab#nameKey> ?stored }'
        ' BIND(IF(CONTAINS(STR(?name), " "),'
        ' LCASE(REPLACE(STR(?name), "^([^ ]*) (.* )?([^ ]*)$", "$1 $3")), "") AS ?key)'
        ' FILTER(COALESCE(STR(?stored), "") != ?key) }'
    )
    graph = Graph().parse(exported / "g.ttl")
    assert list(graph.query(mismatch)) == []
    assert list(open_store(exported / "store").query(mismatch)) == []  # type: ignore[arg-type]
    assert len(set(graph.objects(None, NAME_KEY))) > 0


@pytest.mark.parametrize(
    ("name", "key"),
    [("Ana María López", "ana lópez"), ("ANA LÓPEZ", "ana lópez"), ("Madonna", None),
     ("Jean-Luc Picard", "jean-luc picard"), ("ΟΔΟΣ ΣΟΦΟΣ", "οδος σοφος"), ("İlker Öz", "i̇lker öz"),
     ("Ǆemal Ǉubić", "ǆemal ǉubić"), ("A B C D", "a d")],
)
def test_the_key_is_first_and_last_word_lowered_as_lcase_does(name, key):
    assert name_key(name) == key
    graph = Graph()
    found = list(graph.query(
        'SELECT ?key WHERE { BIND(IF(CONTAINS(?n, " "),'
        ' LCASE(REPLACE(?n, "^([^ ]*) (.* )?([^ ]*)$", "$1 $3")), "") AS ?key) }',
        initBindings={"n": __import__("rdflib").Literal(name)},
    ))
    assert (str(found[0][0]) or None) == key


def test_the_exported_table_of_the_queries_fixture_is_the_one_written_by_hand():
    """tests/fixtures/queries_graph.ttl holds a name-variant table written from its reasoned
    expected rows; the export's builder, given the fixture's papers and author names, must
    write the same rows in the same ranks."""
    import pyoxigraph as ox

    from scholarkg.export.name_variants import name_variant_lines
    from scholarkg.mapping import Minter

    skg = "https://w3id.org/scholarkg/vocab#"
    store = ox.Store()
    store.load(path=TESTS / "fixtures" / "queries_graph.ttl", format=ox.RdfFormat.TURTLE)
    table = (f"SELECT ?a ?b ?n ?c ?r WHERE {{ ?v <{skg}pairName> ?a ; <{skg}pairVariant> ?b ; "
             f"<{skg}sharedCoauthors> ?n ; <{skg}variantRank> ?r "
             f"OPTIONAL {{ ?v <{skg}sharedCoauthorName> ?c }} }} ORDER BY ?r")

    def rows(of: ox.Store) -> list[tuple[str | None, ...]]:
        return [tuple(None if t is None else t.value for t in row) for row in of.query(table)]  # type: ignore[union-attr]

    papers: dict[str, set[str]] = {}
    authors = "SELECT ?p ?n WHERE { ?p <https://schema.org/author>/<https://schema.org/name> ?n }"
    for row in store.query(authors):
        papers.setdefault(row[0].value, set()).add(row[1].value)  # type: ignore[index]
    built = ox.Store()
    built.load("".join(name_variant_lines(list(papers.values()), base=Minter().base)), ox.RdfFormat.N_TRIPLES)
    assert rows(built) == rows(store)
    assert len(rows(store)) == 4


def test_names_that_need_escaping_are_written_as_valid_n_triples():
    import pyoxigraph as ox

    from scholarkg.export.name_variants import name_variant_lines
    from scholarkg.mapping import Minter

    papers = [['Zoë "Z" O\'Hara', 'Zoë "Z" Anne O\'Hara', "Back\\slash Name"],
              ['ZOË "Z" O\'HARA', "Back\\slash Name"]]
    built = ox.Store()
    built.load("".join(name_variant_lines(papers, base=Minter().base)), ox.RdfFormat.N_TRIPLES)
    names = {t.value for q in built for t in (q.object,) if isinstance(t, ox.Literal)
             and t.datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")}
    assert names == {p for paper in papers for p in paper}
