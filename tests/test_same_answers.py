"""Every bundled query gives the same rows on a Turtle file (rdflib), on the embedded store
(Oxigraph, written by ``export --store``) and on a real SPARQL server loaded with ``load``.

The graph is the export of the project's own example pages; the server is a real Oxigraph
(PyPI ``oxigraph``) on a free loopback port, stopped when the module's tests end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from scholarkg.export import ExportOptions, export
from scholarkg.load import load_files
from scholarkg.queries import (
    EndpointEngine,
    OxigraphEngine,
    RdflibEngine,
    SavedQuery,
    list_queries,
    run_query,
)
from scholarkg.store import open_store

from conftest import AS_OF, EXAMPLES
from oxigraph_server import running_oxigraph

QUERIES = list_queries()
# Real values from the example pages, so that every query returns rows.
VALUES = {
    "author": "Sven Schmidt-Abara",
    "topic": "cs.LG",
    "organisation": "kaist",
    "paper": "Hierarchical Consensus for Compression: Streaming Schedulers 22",
}


def _params(query: SavedQuery) -> dict[str, str]:
    return {p.name: VALUES[p.name] for p in query.params if p.required}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("export")
    options = ExportOptions(as_of=AS_OF)
    export([EXAMPLES], output=out / "g.trig", options=options, store_dir=out / "store")
    export([EXAMPLES], output=out / "g.ttl", options=options)
    return {"ttl": out / "g.ttl", "trig": out / "g.trig", "store": out / "store", "dir": out}


@pytest.fixture(scope="module")
def engines(exported):
    with running_oxigraph(exported["dir"] / "server") as server:
        report = load_files([exported["trig"]], endpoint=server.store_url)
        assert report.triples > 0
        yield {
            "rdflib-on-turtle": RdflibEngine(Graph().parse(exported["ttl"])),
            "oxigraph-store": OxigraphEngine(open_store(exported["store"])),
            "sparql-endpoint": EndpointEngine(server.query_url),
        }


def test_every_required_parameter_has_a_test_value():
    for query in QUERIES:
        for param in query.params:
            assert not param.required or param.name in VALUES, (query.name, param.name)


@pytest.mark.server
@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_query_gives_the_same_rows_everywhere(engines, query):
    params = _params(query)
    answers = {name: run_query(query, params, engine) for name, engine in engines.items()}
    reference = answers["rdflib-on-turtle"]
    assert reference.rows, f"{query.name} returned no rows on the example graph"
    for name, results in answers.items():
        assert results.variables == reference.variables, name
        assert results.rows == reference.rows, name
