"""``scholarkg serve`` over HTTP: entity IRIs by content negotiation, saved queries, /sparql.

A real server (the command, uvicorn) on a free loopback port; every expected answer is computed
from the exported Turtle file with rdflib, not by the app's own code.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from scholarkg import plot
from scholarkg.cli import cli
from scholarkg.engines import RdflibEngine
from scholarkg.export import ExportOptions, export
from scholarkg.queries import list_queries
from scholarkg.serve import data

from conftest import AS_OF, EXAMPLES
from serve_server import running_serve

SCHEMA = Namespace("https://schema.org/")
SKG = Namespace("https://w3id.org/scholarkg/vocab#")
AUTHOR = "Sven Schmidt-Abara"
HOSTILE = '"} UNION { ?paper ?p ?o } #'


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("served")
    export([EXAMPLES], output=out / "g.ttl", options=ExportOptions(as_of=AS_OF), store_dir=out / "store")
    graph = Graph()
    graph.parse(out / "g.ttl")
    return out, graph


@pytest.fixture(scope="module")
def server(exported):
    with running_serve(exported[0] / "store") as base:
        yield base


def _person(graph: Graph, name: str) -> URIRef:
    (iri,) = {s for s in graph.subjects(SCHEMA.name, None) if str(graph.value(s, SCHEMA.name)) == name
              and (s, None, SCHEMA.Person) in graph}
    return iri


def _path(iri: URIRef) -> str:
    return "/id/" + str(iri).split("/id/", 1)[1]


def _own_triples(graph: Graph, iri: URIRef) -> Graph:
    """The entity's triples and its authorships' (what the IRI should answer with)."""
    expected = Graph()
    subjects = {iri, *graph.objects(iri, SKG.authorship)}
    for subject in subjects:
        for p, o in graph.predicate_objects(subject):
            expected.add((subject, p, o))
    return expected


def test_entity_iri_answers_turtle_and_json_ld_by_content_negotiation(exported, server):
    _, graph = exported
    person = _person(graph, AUTHOR)
    paper = next(graph.subjects(SCHEMA.author, person))
    for iri in (person, paper):
        for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
            response = httpx.get(server + _path(iri), headers={"Accept": accept})
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(accept)
            assert "Accept" in response.headers["vary"]
            answered = Graph().parse(data=response.text, format=fmt)
            assert isomorphic(answered, _own_triples(graph, iri)), iri
    html = httpx.get(server + _path(person), headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.headers["content-type"].startswith("text/html") and AUTHOR in html.text


def test_the_iris_own_path_resolves_too(exported, server):
    _, graph = exported
    person = _person(graph, AUTHOR)
    own_path = "/" + str(person).split("://", 1)[1].split("/", 1)[1]  # /scholarkg/id/person/...
    response = httpx.get(server + own_path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert isomorphic(Graph().parse(data=response.text, format="turtle"), _own_triples(graph, person))
    topic = httpx.get(server + "/arxiv/cs.LG", headers={"Accept": "text/turtle"})
    assert (URIRef("https://w3id.org/scholarkg/arxiv/cs.LG"), None, None) in Graph().parse(
        data=topic.text, format="turtle")


def test_unknown_iri_is_404(server):
    assert httpx.get(server + "/id/person/nobody-0000000000").status_code == 404
    assert httpx.get(server + "/id/person/nobody-0000000000",
                     headers={"Accept": "text/turtle"}).status_code == 404


def test_every_page_of_every_minted_kind_renders(exported, server):
    _, graph = exported
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and "/id/" in str(s)}
    kinds: dict[str, URIRef] = {}
    for s in sorted(subjects):
        kinds.setdefault(str(s).split("/id/", 1)[1].split("/", 1)[0], s)
    assert {"person", "paper", "org", "profile", "authorship", "graph"} <= set(kinds)
    for kind, iri in kinds.items():
        response = httpx.get(server + _path(iri), follow_redirects=True)
        assert response.status_code == 200, (kind, iri)
        assert response.headers["content-type"].startswith("text/html")
        assert "server-timing" in response.headers


@pytest.mark.parametrize("saved", list_queries(), ids=lambda q: q.name)
def test_every_saved_query_is_a_page_with_a_form_and_its_sparql(server, saved):
    response = httpx.get(f"{server}/queries/{saved.name}")
    assert response.status_code == 200
    for param in saved.params:
        assert f'name="{param.name}"' in response.text
    assert "SELECT" in response.text and saved.title in html.unescape(response.text)


def test_saved_query_downloads_match_scholarkg_query(exported, server, runner):
    out, _ = exported
    params = {"author": AUTHOR.lower(), "limit": "5", "run": "1"}
    for fmt in ("csv", "json"):
        web = httpx.get(f"{server}/queries/coauthors", params={**params, "format": fmt})
        assert web.status_code == 200
        assert web.headers["content-disposition"] == f'attachment; filename="coauthors.{fmt}"'
        cli_run = runner.invoke(cli, ["query", "coauthors", "--store", str(out / "store"), "--param",
                                      f"author={AUTHOR.lower()}", "--param", "limit=5", "--format", fmt])
        assert cli_run.exit_code == 0, cli_run.stderr
        assert web.content == cli_run.stdout_bytes
    rows = list(csv.DictReader(io.StringIO(web.text if fmt == "csv" else cli_run.stdout)))
    assert rows


def test_a_hostile_parameter_value_finds_nothing(server):
    response = httpx.get(f"{server}/queries/author-papers",
                         params={"author": HOSTILE, "run": "1", "format": "json"})
    assert response.status_code == 200
    assert json.loads(response.text)["results"]["bindings"] == []


def test_a_bad_parameter_is_a_message_on_the_form(server):
    response = httpx.get(f"{server}/queries/coauthors",
                         params={"author": AUTHOR, "limit": "many", "run": "1"})
    assert response.status_code == 400
    assert "must be an integer" in response.text


def _select_expected(graph: Graph, text: str) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in graph.query(text)}


COUNT_PAPERS = ("PREFIX schema: <https://schema.org/> SELECT ?title WHERE "
                "{ ?p a schema:ScholarlyArticle ; schema:name ?title }")


def test_sparql_endpoint_answers_get_and_post_in_json_csv_tsv(exported, server):
    _, graph = exported
    expected = _select_expected(graph, COUNT_PAPERS)
    got = httpx.get(f"{server}/sparql", params={"query": COUNT_PAPERS},
                    headers={"Accept": "application/sparql-results+json"})
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/sparql-results+json")
    assert {(b["title"]["value"],) for b in got.json()["results"]["bindings"]} == expected
    posted = httpx.post(f"{server}/sparql", data={"query": COUNT_PAPERS}, headers={"Accept": "text/csv"})
    assert posted.headers["content-type"].startswith("text/csv")
    assert {(r["title"],) for r in csv.DictReader(io.StringIO(posted.text))} == expected
    direct = httpx.post(f"{server}/sparql", content=COUNT_PAPERS.encode(),
                        headers={"Content-Type": "application/sparql-query",
                                 "Accept": "text/tab-separated-values"})
    assert direct.headers["content-type"].startswith("text/tab-separated-values")
    assert len(direct.text.strip().splitlines()) == len(expected) + 1


def test_sparql_endpoint_works_for_another_sparql_client(exported, server):
    _, graph = exported
    remote = Graph(store=SPARQLStore(f"{server}/sparql", returnFormat="json"))
    assert _select_expected(remote, COUNT_PAPERS) == _select_expected(graph, COUNT_PAPERS)


@pytest.mark.parametrize("how", ["update-param", "update-body", "query-param"])
def test_sparql_endpoint_refuses_updates(exported, server, how):
    update = "PREFIX schema: <https://schema.org/> INSERT DATA { <urn:x> schema:name \"x\" }"
    if how == "update-param":
        response = httpx.post(f"{server}/sparql", data={"update": update})
    elif how == "update-body":
        response = httpx.post(f"{server}/sparql", content=update.encode(),
                              headers={"Content-Type": "application/sparql-update"})
    else:
        response = httpx.get(f"{server}/sparql", params={"query": update})
    assert response.status_code == 403
    assert "read-only" in response.text
    check = httpx.get(f"{server}/sparql", params={"query": "ASK { <urn:x> ?p ?o }"})
    assert check.json()["boolean"] is False


def test_sparql_endpoint_says_what_is_wrong_with_a_bad_query(server):
    response = httpx.get(f"{server}/sparql", params={"query": "SELECT WHERE nonsense"})
    assert response.status_code == 400
    assert "does not parse" in response.text


def test_search_json_finds_people_papers_and_topics(exported, server):
    _, graph = exported
    hits = httpx.get(f"{server}/search.json", params={"q": "schmidt-ab"}).json()
    assert [h["name"] for h in hits["person"]] == [AUTHOR]
    title = str(next(graph.objects(None, SCHEMA.name)))
    topics = httpx.get(f"{server}/search.json", params={"q": "cs.lg"}).json()["topic"]
    assert any(h["name"] == "cs.LG" for h in topics)
    some_paper = sorted(str(t) for s, t in graph.subject_objects(SCHEMA.name)
                        if (s, None, SCHEMA.ScholarlyArticle) in graph)[0]
    assert some_paper in [h["name"] for h in httpx.get(f"{server}/search.json",
                                                        params={"q": some_paper.lower()}).json()["paper"]]
    assert title


def _section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start:page.index("</section>", start)]


def _link_texts(fragment: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<a [^>]*>([^<]*)</a>", fragment)]


def test_author_page_shows_name_variants_with_the_coauthors_both_share(exported, server):
    _, graph = exported
    one, other = _person(graph, "Wen McKenzie"), _person(graph, "Wen J. McKenzie")

    def coauthors(person):
        return {o for p in graph.subjects(SCHEMA.author, person) for o in graph.objects(p, SCHEMA.author)
                if o != person}

    shared = sorted(str(graph.value(p, SCHEMA.name)) for p in coauthors(one) & coauthors(other))
    assert shared
    variants = _section(httpx.get(server + _path(one)).text, "variants")
    assert _link_texts(variants) == ["Wen J. McKenzie", *shared]
    assert f"{len(shared)} shared coauthors" in variants


def test_paper_page_lists_authors_in_order_and_the_pages_that_list_it(exported, server):
    _, graph = exported
    paper = max(set(graph.subjects(SKG.authorship, None)),
                key=lambda p: (len(set(graph.subjects(SKG.lists, p))), str(p)))
    authorships = sorted(graph.objects(paper, SKG.authorship),
                         key=lambda a: int(graph.value(a, SKG.position)))
    page = httpx.get(server + _path(paper)).text
    printed = [str(graph.value(a, SKG.printedName)) for a in authorships]
    assert _link_texts(_section(page, "authors")) == printed
    sources = sorted(str(graph.value(pg, DCTERMS.source)) for pg in graph.subjects(SKG.lists, paper))
    assert len(sources) > 1
    assert [t for t in _link_texts(_section(page, "pages")) if t.endswith(".txt")] == sources


def test_topic_page_ranks_authors_and_counts_papers_per_year(exported, server):
    _, graph = exported
    topic = URIRef("https://w3id.org/scholarkg/arxiv/cs.LG")
    papers = set(graph.subjects(DCTERMS.subject, topic))
    counts: dict[str, int] = {}
    for paper in papers:
        for person in graph.objects(paper, SCHEMA.author):
            name = str(graph.value(person, SCHEMA.name))
            counts[name] = counts.get(name, 0) + 1
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    page = httpx.get(server + "/arxiv/cs.LG").text
    ranked = _section(page, "authors")
    assert _link_texts(ranked) == [name for name, _ in expected]
    assert f"{len(papers)} papers" in page
    years = sorted({int(str(graph.value(p, DCTERMS.issued))[:4]) for p in papers})
    (picture,) = re.findall(r'<object data="([^"]+)" type="image/svg\+xml"',
                            _section(page, "papers-per-year"))
    assert picture == "/pictures/papers/arxiv/cs.LG.svg"
    svg = httpx.get(server + picture)
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    shown = re.findall(r'id="papers-year-(\d{4})"', svg.text)
    assert [int(y) for y in shown] == years
    newest = sorted(papers, key=lambda p: str(graph.value(p, DCTERMS.title)))
    newest.sort(key=lambda p: str(graph.value(p, DCTERMS.issued)), reverse=True)
    assert _link_texts(_section(page, "recent")) == [str(graph.value(p, DCTERMS.title)) for p in newest[:30]]


def test_an_iri_only_pointed_at_answers_with_what_points_at_it(exported, server):
    _, graph = exported
    source = next(o for o in graph.objects(None, PROV.wasDerivedFrom) if "/id/source/" in str(o))
    response = httpx.get(server + _path(source), headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    expected = Graph()
    for s, p in graph.subject_predicates(source):
        expected.add((s, p, source))
    assert isomorphic(Graph().parse(data=response.text, format="turtle"), expected)
    assert httpx.get(server + _path(source)).status_code == 200


def test_a_saved_query_runs_when_submitted_not_when_its_page_opens(server):
    opened = httpx.get(f"{server}/queries/collaborations")
    assert opened.status_code == 200 and 'id="results"' not in opened.text
    submitted = httpx.get(f"{server}/queries/collaborations", params={"run": "1", "limit": "3"})
    assert 'id="results"' in submitted.text
    assert re.search(r'<span id="row-count">3</span>', submitted.text)


def test_pictures_are_pages_of_their_own_drawn_as_plot_draws_them(exported, server):
    out, graph = exported
    person = _person(graph, AUTHOR)
    page = httpx.get(server + _path(person)).text
    pictures = re.findall(r'<object data="([^"]+)" type="image/svg\+xml"', page)
    assert pictures == [f"/pictures/{what}{_path(person)}.svg" for what in ("network", "topics")]
    assert "<svg" not in page  # the page does not wait for the drawing
    network, topics = (httpx.get(server + url) for url in pictures)
    assert network.headers["content-type"] == topics.headers["content-type"] == "image/svg+xml"
    assert "server-timing" in network.headers
    # each person in the network links to their page
    coauthors = {o for p in graph.subjects(SCHEMA.author, person) for o in graph.objects(p, SCHEMA.author)}
    assert set(re.findall(r'xlink:href="(/id/person/[^"]+)"', network.text)) == {_path(o) for o in coauthors}
    # the app's pictures are plot.py's figures of what scholarkg.serve.data reads, whatever the
    # engine: here read by rdflib from the exported Turtle file (`scholarkg plot` adds a title)
    engine = RdflibEngine(Graph().parse(out / "g.ttl"))
    linked = data.coauthor_network(engine, person, link=lambda iri: _path(iri))
    cs_lg = data.topic_papers_per_year(engine, data.find_topic(engine, "cs.LG"))
    for served, drawn in ((network, plot.coauthor_network_figure(linked)),
                          (topics, plot.topics_over_time_figure(data.topics_over_time(engine, person))),
                          (httpx.get(server + "/pictures/papers/arxiv/cs.LG.svg"),
                           plot.papers_per_year_figure(*cs_lg))):
        assert served.content == plot.render(drawn)
    assert httpx.get(server + pictures[0]).content == network.content  # drawn once, kept
    for missing in ("/pictures/network/id/person/nobody-0000000000.svg",
                    "/pictures/papers" + _path(person) + ".svg", "/pictures/nonsense/arxiv/cs.LG.svg",
                    "/pictures/network" + _path(person)):
        assert httpx.get(server + missing).status_code == 404, missing
