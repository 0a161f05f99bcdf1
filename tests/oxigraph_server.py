"""Start a real Oxigraph SPARQL server (PyPI ``oxigraph``) on a free loopback port for tests.

The server runs as a child process with an in-memory or temporary store and is stopped by its
process when the ``with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from child_servers import free_port, stderr_of, stop, wait_until_answers


@dataclass(frozen=True)
class OxigraphServer:
    base: str

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"

    def triple_count(self) -> int:
        """Count quads in every graph (default graph included) through the query endpoint."""
        response = httpx.post(
            self.query_url,
            data={"query": "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        response.raise_for_status()
        return int(response.json()["results"]["bindings"][0]["n"]["value"])


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server command, from PATH or beside the running interpreter."""
    found = shutil.which("oxigraph")
    if found:
        return found
    candidate = Path(sys.executable).parent / "oxigraph"
    return str(candidate) if candidate.exists() else None


@contextlib.contextmanager
def running_oxigraph(location: Path, *, union_default_graph: bool = True) -> Iterator[OxigraphServer]:
    """Run ``oxigraph serve`` on 127.0.0.1 with its data in ``location`` until the block ends."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the 'oxigraph' server command is not installed (pip install oxigraph)")
    port = free_port()
    args = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = OxigraphServer(base=f"http://127.0.0.1:{port}")
    try:
        wait_until_answers(process, f"{server.query_url}?query=ASK%7B%7D", seconds=30,
                           exited=lambda: f"oxigraph server exited early: {stderr_of(process)}")
        yield server
    finally:
        stop(process)
