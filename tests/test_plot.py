"""``scholarkg plot``: the web app's pictures as SVG or PNG files, on --data, --store, --endpoint.

What a picture must show is read from the exported Turtle file with rdflib; the pictures are
compared byte for byte across runs and sources (they must be reproducible).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, SKOS

from scholarkg.cli import cli
from scholarkg.export import ExportOptions, export
from scholarkg.load import load_files

from conftest import AS_OF, EXAMPLES
from oxigraph_server import running_oxigraph

SCHEMA = Namespace("https://schema.org/")
SVG = "{http://www.w3.org/2000/svg}"
AUTHOR = "Sven Schmidt-Abara"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("plotted")
    export([EXAMPLES], output=out / "g.ttl", options=ExportOptions(as_of=AS_OF), store_dir=out / "store")
    return out, Graph().parse(out / "g.ttl")


def _ids(svg: bytes) -> dict[str, ElementTree.Element]:
    return {e.get("id"): e for e in ElementTree.fromstring(svg).iter() if e.get("id")}


def _author_facts(graph: Graph, name: str):
    (person,) = [s for s, o in graph.subject_objects(SCHEMA.name)
                 if str(o) == name and (s, None, SCHEMA.Person) in graph]
    papers = set(graph.subjects(SCHEMA.author, person))
    coauthors = {str(graph.value(o, SCHEMA.name)) for p in papers for o in graph.objects(p, SCHEMA.author)
                 if o != person}
    return papers, coauthors


def test_coauthor_network_svg_names_every_coauthor(runner, exported, tmp_path):
    out, graph = exported
    _, coauthors = _author_facts(graph, AUTHOR)
    target = tmp_path / "net.svg"
    result = runner.invoke(cli, ["plot", "coauthors", "--author", AUTHOR.upper(),
                                 "--data", str(out / "g.ttl"),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert f"({len(coauthors)} coauthors)" in result.stderr
    ids = _ids(target.read_bytes())
    labels = {"".join(e.itertext()).strip() for key, e in ids.items() if key.startswith("network-label-")}
    assert labels == coauthors | {AUTHOR}
    assert len(list(ids["network-people"].iter(f"{SVG}path"))) == len(coauthors) + 1


def test_topics_chart_has_the_years_of_the_papers(runner, exported, tmp_path):
    out, graph = exported
    papers, _ = _author_facts(graph, AUTHOR)
    years = sorted({int(str(graph.value(p, DCTERMS.issued))[:4]) for p in papers})
    target = tmp_path / "topics.svg"
    result = runner.invoke(cli, ["plot", "topics", "--author", AUTHOR, "--store", str(out / "store"),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    shown = [int(k.removeprefix("topics-year-")) for k in _ids(target.read_bytes())
             if k.startswith("topics-year-")]
    assert shown == years
    bars = {k for k in _ids(target.read_bytes()) if k.startswith("topics-topic-")}
    notations = {str(graph.value(c, SKOS.notation))
                 for p in papers for c in graph.objects(p, DCTERMS.subject)}
    assert {k.split("-")[2] for k in bars} == notations


def test_topic_papers_per_year_counts_the_topics_papers(runner, exported, tmp_path):
    out, graph = exported
    topic = next(c for c in graph.subjects(SKOS.notation, None)
                 if str(graph.value(c, SKOS.notation)) == "cs.LG")
    per_year: dict[int, int] = {}
    for paper in set(graph.subjects(DCTERMS.subject, topic)):
        year = int(str(graph.value(paper, DCTERMS.issued))[:4])
        per_year[year] = per_year.get(year, 0) + 1
    target = tmp_path / "lg.svg"
    result = runner.invoke(cli, ["plot", "topic-papers", "--topic", "cs.lg", "--data", str(out / "g.ttl"),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert f"({sum(per_year.values())} papers)" in result.stderr
    shown = [int(k.removeprefix("papers-year-")) for k in _ids(target.read_bytes())
             if k.startswith("papers-year-")]
    assert shown == sorted(per_year)


def test_pictures_are_byte_identical_across_runs_and_sources(runner, exported, tmp_path):
    out, _ = exported
    for fmt in ("svg", "png"):
        made = []
        for n, source in enumerate((["--data", str(out / "g.ttl")], ["--store", str(out / "store")],
                                    ["--data", str(out / "g.ttl")])):
            target = tmp_path / f"{n}.{fmt}"
            result = runner.invoke(cli, ["plot", "coauthors", "--author", AUTHOR, *source, "-o", str(target)])
            assert result.exit_code == 0, result.stderr
            made.append(target.read_bytes())
        assert made[0] == made[1] == made[2]
    assert made[0].startswith(b"\x89PNG\r\n")
    svg = (tmp_path / "0.svg").read_text(encoding="utf-8")
    assert not re.search(r"<dc:date>|Matplotlib v", svg)


@pytest.mark.server
def test_plot_reads_an_endpoint_too(runner, exported, tmp_path):
    out, _ = exported
    local = tmp_path / "local.svg"
    assert runner.invoke(cli, ["plot", "topics", "--author", AUTHOR, "--data", str(out / "g.ttl"),
                               "-o", str(local)]).exit_code == 0
    with running_oxigraph(tmp_path / "oxi") as server:
        load_files([out / "g.ttl"], endpoint=server.store_url)
        remote = tmp_path / "remote.svg"
        result = runner.invoke(cli, ["plot", "topics", "--author", AUTHOR, "--endpoint", server.query_url,
                                     "-o", str(remote)])
        assert result.exit_code == 0, result.stderr
    assert remote.read_bytes() == local.read_bytes()


def test_plot_refuses_an_unknown_extension_an_unknown_author_and_two_sources(runner, exported, tmp_path):
    out, _ = exported
    data = ["--data", str(out / "g.ttl")]
    bad = runner.invoke(cli, ["plot", "coauthors", "--author", AUTHOR, *data, "-o", str(tmp_path / "x.gif")])
    assert bad.exit_code == 2 and "use .svg or .png" in bad.stderr and not (tmp_path / "x.gif").exists()
    nobody = runner.invoke(cli, ["plot", "topics", "--author", "No Body", *data,
                                 "-o", str(tmp_path / "x.svg")])
    assert nobody.exit_code == 2 and "nobody called 'No Body'" in nobody.stderr
    assert not (tmp_path / "x.svg").exists()
    both = runner.invoke(cli, ["plot", "topics", "--author", AUTHOR, *data, "--store", str(out / "store"),
                               "-o", str(tmp_path / "x.svg")])
    assert both.exit_code == 2 and "exactly one of" in both.stderr
    assert "Traceback" not in bad.stderr + nobody.stderr + both.stderr
