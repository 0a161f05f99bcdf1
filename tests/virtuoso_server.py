"""Start a real Virtuoso 7 (Debian's ``virtuoso-opensource-7-bin``) on free loopback ports for tests.

A minimal ``virtuoso.ini`` is written into a temporary folder with its own database files, a SQL
port and an HTTP port; the ``dba`` password is changed through ``isql-vt`` before the tests use
it. The server is stopped (``isql-vt ... shutdown``, then its process) when the ``with`` block
ends, whatever happens inside it. A fresh database starts in about 3-5 s.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from child_servers import free_port, stop, wait_until_answers

PASSWORD = "Vt-test-pw-7"  # what the tests set for the dba user (never the default "dba")

_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 5000
MaxDirtyBuffers = 3000
DirsAllowed = {d}
Collation = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@dataclass(frozen=True)
class VirtuosoServer:
    base: str
    sql_port: int

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def crud_auth_url(self) -> str:
        """The Graph Store endpoint that takes a user (Digest) and writes."""
        return f"{self.base}/sparql-graph-crud-auth"

    def count(self, query: str) -> int:
        response = httpx.post(
            self.query_url,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        response.raise_for_status()
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    def triple_count(self, prefix: str = "https://w3id.org/scholarkg/") -> int:
        """Quads in the graphs whose IRI starts with ``prefix`` (Virtuoso keeps system graphs of
        its own, which are left out)."""
        return self.count(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
        )


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def _isql(port: int, password: str, statement: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["isql-vt", f"127.0.0.1:{port}", "dba", password, f"exec={statement}"],
        capture_output=True, text=True, timeout=60, check=False,
    )


@contextlib.contextmanager
def running_virtuoso(location: Path, *, max_rows: int = 100_000) -> Iterator[VirtuosoServer]:
    """Run ``virtuoso-t`` in the foreground on 127.0.0.1 with its files in ``location``;
    ``max_rows`` is its ``ResultSetMaxRows`` (the rows an HTTP answer is cut at)."""
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed (apt-get install virtuoso-opensource-7-bin)")
    location.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(_INI.format(d=location, sql=sql, http=http, max_rows=max_rows), encoding="utf-8")
    process = subprocess.Popen(
        [binary, "-c", str(ini), "-f"], cwd=location, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = VirtuosoServer(base=f"http://127.0.0.1:{http}", sql_port=sql)
    try:
        wait_until_answers(
            process, f"{server.query_url}?query=ASK%7B%7D", seconds=90,
            exited=lambda: "virtuoso-t exited early: "
            + (location / "virtuoso.log").read_text(errors="replace")[-2000:])
        changed = _isql(sql, "dba", f"user_set_password('dba', '{PASSWORD}');")
        if changed.returncode != 0:
            raise RuntimeError(f"could not set the dba password: {changed.stdout} {changed.stderr}")
        yield server
    finally:
        _isql(sql, PASSWORD, "shutdown;")
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            stop(process)
