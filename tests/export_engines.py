"""One export seen by every engine: the oracle tests of queries that read data the export derives
(tests/test_collaborations.py, tests/test_name_variants.py) run each query this way."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph

from scholarkg.engines import EndpointEngine, OxigraphEngine, RdflibEngine
from scholarkg.export import ExportOptions, export
from scholarkg.load import load_files
from scholarkg.store import open_store

from conftest import AS_OF, EXAMPLES
from oxigraph_server import oxigraph_binary, running_oxigraph


def pages_folder(out: Path, *, examples: bool) -> Path:
    """``out/pages``, made, holding copies of the bundled example pages if ``examples``."""
    pages = out / "pages"
    pages.mkdir()
    if examples:
        for page in EXAMPLES.glob("*.txt"):
            (pages / page.name).write_bytes(page.read_bytes())
    return pages


def export_both(pages: Path, out: Path) -> None:
    """``pages`` exported to ``out/g.ttl`` + ``out/store`` and to ``out/g.trig`` (page graphs)
    + ``out/trig-store``, with two workers."""
    options = ExportOptions(as_of=AS_OF, jobs=2)
    export([str(pages)], output=out / "g.ttl", store_dir=out / "store", options=options)
    export([str(pages)], output=out / "g.trig", store_dir=out / "trig-store", options=options)


@contextlib.contextmanager
def engines_over(out: Path) -> Iterator[dict[str, object]]:
    """rdflib on the Turtle file, Oxigraph on both stores, and a real Oxigraph server holding
    the TriG file (when the ``oxigraph`` command is installed)."""
    found: dict[str, object] = {
        "rdflib-on-turtle": RdflibEngine(Graph().parse(out / "g.ttl")),
        "oxigraph-store": OxigraphEngine(open_store(out / "store")),
        "oxigraph-page-graphs": OxigraphEngine(open_store(out / "trig-store")),
    }
    if oxigraph_binary() is None:
        yield found
        return
    with running_oxigraph(out / "server") as server:
        load_files([out / "g.trig"], endpoint=server.store_url)
        found["sparql-endpoint"] = EndpointEngine(server.query_url)
        yield found
