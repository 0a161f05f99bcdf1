"""``scholarkg query`` runs ASK, CONSTRUCT and DESCRIBE on every engine, as a user runs it.

Graphs are checked against rdflib's own SPARQL engine on the same export (an engine scholarkg's
code does not drive: ``Dataset.query``), compared with ``rdflib.compare.isomorphic`` after
parsing scholarkg's output with rdflib's parsers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic

from scholarkg.cli import cli
from scholarkg.export import ExportOptions, export

from conftest import AS_OF, EXAMPLES
from oxigraph_server import running_oxigraph

AUTHOR = "Sven Schmidt-Abara"
HEADER = "# param: author string — the author's exact name\n"
PREFIX = "PREFIX schema: <https://schema.org/>\n"

ASK = HEADER + PREFIX + "ASK { ?person a schema:Person ; schema:name ?author }\n"
# The template comes first: the parameter must be bound in the WHERE group, not the template.
CONSTRUCT = HEADER + PREFIX + (
    "CONSTRUCT { ?paper schema:author ?person . ?person schema:name ?author . ?paper schema:name ?title }\n"
    "WHERE { ?person schema:name ?author . ?paper schema:author ?person ; schema:name ?title }\n"
)
DESCRIBE = HEADER + PREFIX + "DESCRIBE ?person WHERE { ?person a schema:Person ; schema:name ?author }\n"


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("forms")
    export([EXAMPLES], output=out / "g.trig", options=ExportOptions(as_of=AS_OF), store_dir=out / "store")
    for name, text in (("ask", ASK), ("construct", CONSTRUCT), ("describe", DESCRIBE)):
        (out / f"{name}.rq").write_text(text, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def rdflib_data(export_dir: Path) -> Dataset:
    data = Dataset(default_union=True)
    data.parse(export_dir / "g.trig", format="trig")
    return data


@pytest.fixture(scope="module")
def sources(export_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """The three engines' options: --data, --store and a real Oxigraph server (union default
    graph) loaded with the same export through ``scholarkg load``."""
    from click.testing import CliRunner

    with running_oxigraph(tmp_path_factory.mktemp("server")) as server:
        loaded = CliRunner().invoke(cli, ["load", str(export_dir / "g.trig"), "--endpoint", server.store_url])
        assert loaded.exit_code == 0, loaded.stderr
        yield {
            "data": ["--data", str(export_dir / "g.trig")],
            "store": ["--store", str(export_dir / "store")],
            "endpoint": ["--endpoint", server.query_url],
        }


ENGINES = ["data", "store", pytest.param("endpoint", marks=pytest.mark.server)]


def _query(runner, sources, engine: str, path: Path, *args: str):
    return runner.invoke(cli, ["query", "--file", str(path), *sources[engine], *args])


@pytest.mark.parametrize("engine", ENGINES)
def test_ask_prints_true_or_false_and_exits_0_either_way(runner, export_dir, sources, engine) -> None:
    yes = _query(runner, sources, engine, export_dir / "ask.rq", "--param", f"author={AUTHOR}")
    no = _query(runner, sources, engine, export_dir / "ask.rq", "--param", "author=Nobody Of That Name")
    as_json = _query(runner, sources, engine, export_dir / "ask.rq", "--param", f"author={AUTHOR}",
                     "--format", "json")
    assert (yes.exit_code, yes.stdout) == (0, "true\n"), yes.stderr
    assert (no.exit_code, no.stdout) == (0, "false\n"), no.stderr
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
@pytest.mark.parametrize("engine", ENGINES)
def test_construct_graph_is_the_graph_rdflib_constructs(
    runner, export_dir, sources, rdflib_data, engine, fmt
) -> None:
    result = _query(runner, sources, engine, export_dir / "construct.rq", "--param", f"author={AUTHOR}",
                    *(["--format", fmt] if fmt != "turtle" else []))
    assert result.exit_code == 0, result.stderr
    ours = Graph().parse(data=result.stdout, format={"ntriples": "nt", "jsonld": "json-ld"}.get(fmt, fmt))
    expected = rdflib_data.query(CONSTRUCT, initBindings={"author": Literal(AUTHOR)}).graph
    assert len(expected) > 10
    assert isomorphic(ours, expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_describe_gives_the_persons_triples(runner, export_dir, sources, rdflib_data, engine) -> None:
    result = _query(runner, sources, engine, export_dir / "describe.rq", "--param", f"author={AUTHOR}",
                    "--format", "ntriples")
    assert result.exit_code == 0, result.stderr
    ours = Graph().parse(data=result.stdout, format="nt")
    # The person's triples (no blank nodes hang off a person), as rdflib's engine finds them.
    expected = rdflib_data.query(
        PREFIX
        + "CONSTRUCT { ?person ?p ?o } WHERE { ?person a schema:Person ; schema:name ?author ; ?p ?o }",
        initBindings={"author": Literal(AUTHOR)},
    ).graph
    assert len(expected) >= 3  # its type, name and topic
    assert isomorphic(ours, expected)


@pytest.mark.parametrize(("name", "fmt"), [("construct", "csv"), ("describe", "table"), ("ask", "tsv")])
def test_a_format_that_cannot_hold_the_answer_is_refused_in_one_line(
    runner, export_dir, sources, name, fmt
) -> None:
    result = _query(runner, sources, "data", export_dir / f"{name}.rq", "--param", f"author={AUTHOR}",
                    "--format", fmt)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and f"--format {fmt} cannot hold" in result.stderr


def test_rows_formats_still_refuse_graph_formats(runner, export_dir, sources) -> None:
    result = runner.invoke(cli, ["query", "coauthors", *sources["data"], "--param", f"author={AUTHOR}",
                                 "--format", "turtle"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "use --format table|csv|tsv|json" in result.stderr
