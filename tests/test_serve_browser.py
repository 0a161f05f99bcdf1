"""``scholarkg serve`` driven by a real headless Chromium (Debian's ``chromium``, through Playwright).

A person searches an author, opens the author page, looks at the pictures, submits a saved-query
form with a hostile value and follows the page's IRI asking for Turtle. What the pictures must
show is computed from the exported Turtle file with rdflib (an independent path), and every
request the browser makes is recorded: none may go to another host.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from scholarkg.export import ExportOptions, export

from conftest import AS_OF, EXAMPLES
from serve_server import running_serve

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")

SCHEMA = Namespace("https://schema.org/")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AUTHOR = "Sven Schmidt-Abara"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("browsed")
    export([EXAMPLES], output=out / "g.ttl", options=ExportOptions(as_of=AS_OF), store_dir=out / "store")
    return out, Graph().parse(out / "g.ttl")


@pytest.fixture(scope="module")
def server(exported):
    with running_serve(exported[0] / "store") as base:
        yield base


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (.ci/run installs it)"
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=ARGS, viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context, server):
    tab = browser_context.new_page()
    tab.requested = []  # type: ignore[attr-defined]
    tab.on("request", lambda request: tab.requested.append(request.url))  # type: ignore[attr-defined]
    yield tab
    hosts = {urlsplit(url).netloc for url in tab.requested if not url.startswith(("data:", "about:"))}  # type: ignore[attr-defined]
    tab.close()
    assert hosts <= {urlsplit(server).netloc}, f"requests to other hosts: {hosts}"


def _expected(graph: Graph, name: str) -> tuple[URIRef, set[str], list[int]]:
    """The author's coauthor names and paper years, read with rdflib from the exported file."""
    (person,) = [s for s, o in graph.subject_objects(SCHEMA.name)
                 if str(o) == name and (s, None, SCHEMA.Person) in graph]
    papers = set(graph.subjects(SCHEMA.author, person))
    coauthors = {str(graph.value(other, SCHEMA.name)) for paper in papers
                 for other in graph.objects(paper, SCHEMA.author) if other != person}
    years = sorted({int(str(graph.value(paper, DCTERMS.issued))[:4]) for paper in papers})
    return person, coauthors, years


def _picture(page, section: str, what: str):
    """The frame of the picture embedded in ``section``, once its SVG has loaded."""
    embedded = page.locator(f"{section} object.picture")
    url = embedded.get_attribute("data")
    assert url.startswith(f"/pictures/{what}/id/person/")
    page.wait_for_function("o => o.contentDocument && o.contentDocument.querySelector('svg')",
                           arg=embedded.element_handle())
    frames = [f for f in page.frames if urlsplit(f.url).path == url]
    assert len(frames) == 1, f"{section}: {url} is not a document in the page ({page.frames})"
    return frames[0]


def test_search_then_author_page_shows_the_network_and_the_years(page, server, exported, tmp_path):
    _, graph = exported
    person, coauthors, years = _expected(graph, AUTHOR)
    assert 3 <= len(coauthors) <= 30  # the picture shows everyone (at most 30 coauthors)
    page.goto(server + "/")
    page.fill("#search-box", "schmidt-ab")  # typed: suggestions appear as you type
    suggestion = page.locator("#suggestions a", has_text=AUTHOR)
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_selector("h1.person")
    assert page.inner_text("h1.person") == AUTHOR
    assert urlsplit(page.url).path == "/id/" + str(person).split("/id/", 1)[1]

    # The pictures are SVG documents at their own URLs, embedded with <object>: read inside them.
    network = _picture(page, "#network", "network")
    people = network.locator("svg #network-people a")
    assert people.count() == len(coauthors) + 1
    labels = {network.locator(f"svg #network-label-{n}").text_content().strip()
              for n in range(len(coauthors) + 1)}
    assert labels == coauthors | {AUTHOR}
    chart = _picture(page, "#topics-over-time", "topics")
    shown_years = [int(gid.removeprefix("topics-year-")) for gid in chart.eval_on_selector_all(
        "svg [id^='topics-year-']", "nodes => nodes.map(n => n.id)")]
    assert shown_years == years
    ticks = chart.locator("svg [id^='topics-year-'] text")
    tick_texts = [t.strip() for t in ticks.all_text_contents()]
    assert tick_texts == [str(y) for y in years]
    box = page.locator("#network object.picture").bounding_box()
    assert box and box["width"] > 300 and abs(box["height"] / box["width"] - 6.0 / 7.5) < 0.02

    papers = page.locator("#papers tbody tr")
    assert papers.count() == len(set(graph.subjects(SCHEMA.author, person)))
    dates = [d for d in papers.locator("td.date").all_inner_texts()]
    assert dates == sorted(dates, reverse=True)
    page.screenshot(path=str(tmp_path / "author-page.png"), full_page=True)
    assert (tmp_path / "author-page.png").stat().st_size > 10_000


def test_search_submitted_lists_the_author(page, server):
    page.goto(server + "/")
    page.fill("#search-box", AUTHOR.lower())
    page.press("#search-box", "Enter")
    page.wait_for_selector("#hits-person")
    assert AUTHOR in page.locator("#hits-person li").all_inner_texts()[0]


def test_saved_query_form_with_a_hostile_value_finds_nothing(page, server):
    page.goto(server + "/queries/coauthors")
    page.fill("#query-form input[name=author]", '"} UNION { ?paper ?p ?o } #')
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#results")
    assert page.inner_text("#row-count") == "0"
    assert page.locator("#query-error").count() == 0
    page.fill("#query-form input[name=author]", AUTHOR)
    page.click("#query-form button[type=submit]")
    page.wait_for_selector("#results")
    assert int(page.inner_text("#row-count")) > 0


def test_following_the_author_iri_as_turtle_gives_its_triples(page, server, exported):
    _, graph = exported
    person, _, _ = _expected(graph, AUTHOR)
    page.goto(server + "/id/" + str(person).split("/id/", 1)[1])
    href = page.get_attribute("link[rel=alternate][type='text/turtle']", "href")
    assert href
    response = page.request.get(page.url, headers={"Accept": "text/turtle"})
    assert response.ok and response.headers["content-type"].startswith("text/turtle")
    answered = Graph().parse(data=response.text(), format="turtle")
    assert set(answered) == set(graph.triples((person, None, None)))
