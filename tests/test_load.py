"""load_files against a real Oxigraph server, and against a scripted stub for failure modes."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph
import pytest

from scholarkg.errors import InputError, RemoteError, UsageError
from scholarkg.load import DEFAULT_GRAPH, LoadEvent, load_files

from oxigraph_server import OxigraphServer, oxigraph_binary, running_oxigraph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "load"
PAGES = FIXTURES / "pages.trig"
PAGES_CHANGED = FIXTURES / "pages-changed.trig"
BAD = FIXTURES / "bad.trig"
EXTRA = FIXTURES / "extra.ttl"
ALICE = "https://w3id.org/scholarkg/id/graph/alice-0123456789"
BOB = "https://w3id.org/scholarkg/id/graph/bob-9876543210"


def _quads(path: Path) -> set[pyoxigraph.Quad]:
    return set(pyoxigraph.parse(path=path))


def _store_quads(server: OxigraphServer) -> set[pyoxigraph.Quad]:
    """Every quad in the store, fetched with a Graph Store GET of the whole dataset."""
    response = httpx.get(server.store_url, headers={"Accept": "application/n-quads"}, timeout=30)
    response.raise_for_status()
    return set(pyoxigraph.parse(input=response.content, format=pyoxigraph.RdfFormat.N_QUADS))


def _count_in(server: OxigraphServer, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = httpx.post(
        server.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphServer]:
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server command is not installed")
    # No union default graph: the default graph and the named graphs are counted separately.
    with running_oxigraph(tmp_path / "store", union_default_graph=False) as server:
        yield server


# ---------------------------------------------------------------------------- against Oxigraph


@pytest.mark.server
def test_trig_lands_graph_by_graph_with_literals_intact(store: OxigraphServer) -> None:
    events: list[LoadEvent] = []
    report = load_files([PAGES], endpoint=store.store_url, progress=events.append)

    expected = _quads(PAGES)
    assert store.triple_count() == len(expected) == report.triples == 13
    assert _store_quads(store) == expected  # quotes, backslashes, newlines, non-ASCII survive
    assert report.graphs == [ALICE, BOB, DEFAULT_GRAPH]
    assert report.files == [PAGES]
    assert report.requests == 3
    assert [(e.graph, e.method, e.triples) for e in events] == [
        (ALICE, "PUT", 5),
        (BOB, "PUT", 2),
        (DEFAULT_GRAPH, "PUT", 6),
    ]
    assert {e.total for e in events} == {3}
    assert {e.total_triples for e in events} == {13}


@pytest.mark.server
def test_nquads_file_is_loaded_like_trig(store: OxigraphServer, tmp_path: Path) -> None:
    nquads = tmp_path / "pages.nq"
    pyoxigraph.serialize(pyoxigraph.parse(path=PAGES), nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    load_files([nquads], endpoint=store.store_url)
    assert _store_quads(store) == _quads(PAGES)


@pytest.mark.server
def test_reloading_the_same_file_is_idempotent(store: OxigraphServer) -> None:
    load_files([PAGES], endpoint=store.store_url)
    load_files([PAGES], endpoint=store.store_url)
    assert store.triple_count() == 13
    assert _store_quads(store) == _quads(PAGES)


@pytest.mark.server
def test_reloading_a_changed_page_replaces_only_its_graph(store: OxigraphServer) -> None:
    load_files([PAGES], endpoint=store.store_url)
    # a graph no file mentions must survive the reload
    httpx.put(
        f"{store.store_url}?graph=http%3A%2F%2Fexample.org%2Fother",
        content=b"<http://example.org/x> <http://example.org/y> <http://example.org/z> .",
        headers={"Content-Type": "application/n-triples"},
        timeout=30,
    ).raise_for_status()

    load_files([PAGES_CHANGED], endpoint=store.store_url)

    quads = _store_quads(store)
    names = {
        q.object.value
        for q in quads
        if q.predicate.value == "https://schema.org/name"
        and q.graph_name == pyoxigraph.NamedNode(BOB)
    }
    assert names == {"Bob's paper, renamed"}  # the old title is gone, the new one is there
    assert {q for q in quads if q.graph_name == pyoxigraph.NamedNode(ALICE)} == {
        q for q in _quads(PAGES) if q.graph_name == pyoxigraph.NamedNode(ALICE)
    }
    assert _count_in(store, "http://example.org/other") == 1
    assert store.triple_count() == 13 + 1


@pytest.mark.server
def test_triples_file_into_a_named_graph(store: OxigraphServer) -> None:
    target = "https://example.org/graphs/extra?v=1#frag ü"
    with pytest.raises(UsageError):  # a space is not allowed in an IRI
        load_files([EXTRA], endpoint=store.store_url, graph=target)
    target = "https://example.org/graphs/extra?v=1#frag-ü"
    report = load_files([EXTRA], endpoint=store.store_url, graph=target)
    assert report.graphs == [target]
    assert _count_in(store, target) == 3
    assert store.triple_count() == 3


@pytest.mark.server
def test_several_triples_files_into_default_graph_put_then_post(
    store: OxigraphServer, tmp_path: Path
) -> None:
    more = tmp_path / "more.nt"
    more.write_text('<http://example.org/m> <http://example.org/p> "more" .\n', encoding="utf-8")
    events: list[LoadEvent] = []
    load_files([EXTRA, more], endpoint=store.store_url, progress=events.append)
    assert [e.method for e in events] == ["PUT", "POST"]
    assert store.triple_count() == 4
    load_files([EXTRA, more], endpoint=store.store_url)  # again: the first PUT resets the graph
    assert store.triple_count() == 4


@pytest.mark.server
def test_malformed_file_is_refused_before_anything_is_sent(store: OxigraphServer) -> None:
    with pytest.raises(InputError) as caught:
        load_files([PAGES, BAD], endpoint=store.store_url)
    assert caught.value.path == str(BAD)
    assert caught.value.line == 6
    assert str(caught.value).startswith(f"{BAD}:6: not valid TriG: ")
    assert store.triple_count() == 0


def test_options_are_checked(tmp_path: Path) -> None:
    endpoint = "http://127.0.0.1:9/store"
    with pytest.raises(UsageError, match="dataset file"):
        load_files([PAGES], endpoint=endpoint, graph="https://example.org/g")
    with pytest.raises(UsageError, match="http"):
        load_files([PAGES], endpoint="localhost:7878/store")
    with pytest.raises(UsageError, match="password"):
        load_files([PAGES], endpoint=endpoint, password="secret")
    with pytest.raises(UsageError, match="absolute IRI"):
        load_files([EXTRA], endpoint=endpoint, graph="relative/graph")
    with pytest.raises(InputError, match="no such file"):
        load_files([tmp_path / "missing.ttl"], endpoint=endpoint)
    odd = tmp_path / "pages.html"
    odd.write_text("<html/>", encoding="utf-8")
    with pytest.raises(InputError, match="extension"):
        load_files([odd], endpoint=endpoint)


# ---------------------------------------------------------------------------- failure modes


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Step:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Stub:
    """A graph store that answers each request with the next scripted step (the last repeats)."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.seen: list[Seen] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                stub.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                step = stub.steps[min(len(stub.seen), len(stub.steps)) - 1]
                time.sleep(step.delay)
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(step.body)))
                self.end_headers()
                self.wfile.write(step.body)

            do_PUT = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/store"

    def __enter__(self) -> Stub:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_requests_follow_the_protocol(tmp_path: Path) -> None:
    more = tmp_path / "more.nt"
    more.write_text('<http://example.org/m> <http://example.org/p> "more" .\n', encoding="utf-8")
    with Stub([Step(201)]) as stub:
        load_files([PAGES, EXTRA, more], endpoint=stub.endpoint, user="u", password="pw")
    calls = [(s.method, s.path, s.headers["Content-Type"]) for s in stub.seen]
    assert calls == [
        (
            "PUT",
            "/store?graph=https%3A%2F%2Fw3id.org%2Fscholarkg%2Fid%2Fgraph%2Falice-0123456789",
            "application/n-triples",
        ),
        (
            "PUT",
            "/store?graph=https%3A%2F%2Fw3id.org%2Fscholarkg%2Fid%2Fgraph%2Fbob-9876543210",
            "application/n-triples",
        ),
        ("PUT", "/store?default", "application/n-triples"),
        ("POST", "/store?default", "text/turtle"),  # the default graph was already written
        ("POST", "/store?default", "application/n-triples"),
    ]
    assert stub.seen[3].body == EXTRA.read_bytes()  # triples files are sent as they are
    for seen in stub.seen:
        assert "Authorization" not in seen.headers  # the server never asked for credentials
        assert int(seen.headers["Content-Length"]) == len(seen.body)  # sized, not chunked
        assert "Transfer-Encoding" not in seen.headers


def test_digest_challenge_is_answered(tmp_path: Path) -> None:
    challenge = {
        "WWW-Authenticate": 'Digest realm="SPARQL", nonce="abc123", qop="auth", '
        'algorithm="MD5", opaque="xyz"'
    }
    with Stub([Step(401, b"Unauthorized", challenge), Step(201)]) as stub:
        report = load_files([EXTRA], endpoint=stub.endpoint, user="dba", password="pw")
    assert report.graphs == [DEFAULT_GRAPH]
    first, second = stub.seen
    assert "Authorization" not in first.headers  # nothing sent before the server says how
    assert second.headers["Authorization"].startswith("Digest ")
    assert 'username="dba"' in second.headers["Authorization"]
    assert second.body == EXTRA.read_bytes()  # the streamed body is sent again in full


def test_server_down_fails_quickly_with_one_line() -> None:
    endpoint = f"http://127.0.0.1:{_free_port()}/store"
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        load_files([EXTRA], endpoint=endpoint, user="u", password="s3cret", retries=1)
    elapsed = time.monotonic() - started
    message = str(caught.value)
    assert 0.4 < elapsed < 5  # one retry after 0.5 s, then give up
    assert message.startswith(f"cannot connect to the graph store {endpoint}: Connection refused")
    assert "(after 2 attempts)" in message
    assert "\n" not in message and "s3cret" not in message
    assert caught.value.exit_code == 4


def test_unknown_host_is_not_retried() -> None:
    started = time.monotonic()
    with pytest.raises(RemoteError) as caught:
        load_files([EXTRA], endpoint="http://no-such-host.invalid/store", retries=3)
    assert time.monotonic() - started < 5
    assert str(caught.value) == (
        "cannot reach the graph store http://no-such-host.invalid/store: "
        "unknown host 'no-such-host.invalid'"
    )


def test_redirect_names_the_new_address() -> None:
    moved = {"Location": "https://store.example.org/store"}
    with Stub([Step(301, b"Moved", moved)]) as stub, pytest.raises(RemoteError) as caught:
        load_files([EXTRA], endpoint=stub.endpoint)
    assert len(stub.seen) == 1
    assert "redirected PUT of the default graph from extra.ttl to " in str(caught.value)
    assert "https://store.example.org/store (HTTP 301: Moved)" in str(caught.value)


def test_credentials_in_the_url_are_not_shown() -> None:
    port = _free_port()
    with pytest.raises(RemoteError) as caught:
        load_files([EXTRA], endpoint=f"http://admin:s3cret@127.0.0.1:{port}/store", retries=0)
    assert "s3cret" not in str(caught.value)
    assert f"http://127.0.0.1:{port}/store" in str(caught.value)


def test_refused_credentials_are_not_retried() -> None:
    with (
        Stub([Step(401, b"Wrong password for user u\nsecond line")]) as stub,
        pytest.raises(RemoteError) as caught,
    ):
        load_files([EXTRA], endpoint=stub.endpoint, user="u", password="s3cret", retries=3)
    assert len(stub.seen) == 1
    message = str(caught.value)
    assert message == (
        f"the graph store {stub.endpoint} refused the credentials (HTTP 401: Wrong password for user u)"
    )
    assert "s3cret" not in message


def test_missing_credentials_are_named() -> None:
    with (
        Stub([Step(403, b"<html><body><h1>Forbidden</h1></body></html>")]) as stub,
        pytest.raises(RemoteError, match=r"requires credentials \(HTTP 403: Forbidden\)"),
    ):
        load_files([EXTRA], endpoint=stub.endpoint)
    assert len(stub.seen) == 1


def test_bad_request_shows_the_first_line_and_is_not_retried() -> None:
    with (
        Stub([Step(400, b"Parse error on line 3\nstack trace...")]) as stub,
        pytest.raises(RemoteError) as caught,
    ):
        load_files([EXTRA], endpoint=stub.endpoint)
    assert len(stub.seen) == 1
    assert str(caught.value) == (
        f"the graph store {stub.endpoint} rejected PUT of the default "
        "graph from extra.ttl (HTTP 400: Parse error on line 3)"
    )


def test_wrong_endpoint_gets_a_hint() -> None:
    with (
        Stub([Step(404, b"Not Found")]) as stub,
        pytest.raises(RemoteError, match="Graph Store Protocol endpoint"),
    ):
        load_files([EXTRA], endpoint=stub.endpoint)


@pytest.mark.parametrize("status", [502, 503])
def test_transient_failure_is_retried(status: int) -> None:
    with Stub([Step(status, b"busy"), Step(204)]) as stub:
        report = load_files([PAGES], endpoint=stub.endpoint)
    assert [s.path for s in stub.seen[:2]] == [stub.seen[0].path] * 2  # the same graph again
    assert stub.seen[1].body == stub.seen[0].body
    assert len(stub.seen) == 4
    assert report.triples == 13


def test_retries_are_bounded() -> None:
    with Stub([Step(503, b"Service Unavailable")]) as stub:
        started = time.monotonic()
        with pytest.raises(RemoteError) as caught:
            load_files([EXTRA], endpoint=stub.endpoint, retries=2)
        elapsed = time.monotonic() - started
    assert len(stub.seen) == 3
    assert 1.4 < elapsed < 5  # 0.5 s + 1 s of backoff
    assert str(caught.value).endswith("(HTTP 503: Service Unavailable) (after 3 attempts)")


def test_slow_server_times_out() -> None:
    with Stub([Step(201, delay=3)]) as stub:
        started = time.monotonic()
        with pytest.raises(RemoteError) as caught:
            load_files([EXTRA], endpoint=stub.endpoint, timeout=0.3, retries=0)
        elapsed = time.monotonic() - started
    assert elapsed < 2
    assert str(caught.value) == (
        f"the graph store {stub.endpoint} did not answer within 0.3 s "
        "(PUT of the default graph from extra.ttl)"
    )


# ---------------------------------------------------------------------------- streaming

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from scholarkg.load import load_files

    endpoint, small, *big = sys.argv[1:]
    load_files([Path(small)], endpoint=endpoint)  # warm up: imports, connection, parser
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    report = load_files([Path(b) for b in big], endpoint=endpoint)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"before": before, "after": after, "triples": report.triples,
                      "seconds": report.seconds, "graphs": report.graphs}))
    """
)


def _big_quads(count: int, *, graphs: int) -> Iterator[pyoxigraph.Quad]:
    filler = "lorem ipsum dolor sit amet, " * 8
    p = pyoxigraph.NamedNode("https://schema.org/abstract")
    for i in range(count):
        g = (
            pyoxigraph.NamedNode(f"https://w3id.org/scholarkg/id/graph/g{i % graphs}")
            if graphs
            else pyoxigraph.DefaultGraph()
        )
        s = pyoxigraph.NamedNode(f"https://w3id.org/scholarkg/id/paper/p{i}")
        yield pyoxigraph.Quad(s, p, pyoxigraph.Literal(f'{filler} "{i}" ü\n'), g)


@pytest.mark.server
def test_large_files_are_streamed_not_held_in_memory(store: OxigraphServer, tmp_path: Path) -> None:
    # Two interleaved graphs of ~36 MB each: splitting must spool, and a request body built in
    # memory would show as at least one graph's size of growth. The triples file is sent as is.
    big = tmp_path / "big.trig"
    pyoxigraph.serialize(_big_quads(200_000, graphs=2), big, format=pyoxigraph.RdfFormat.TRIG)
    flat = tmp_path / "big.nt"
    pyoxigraph.serialize(
        (q.triple for q in _big_quads(100_000, graphs=0)),
        flat,
        format=pyoxigraph.RdfFormat.N_TRIPLES,
    )
    largest_body = big.stat().st_size / 2
    assert largest_body > 30_000_000

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, store.store_url, str(PAGES), str(big), str(flat)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    measured = json.loads(run.stdout)

    assert measured["triples"] == 300_000
    assert measured["graphs"] == [
        "https://w3id.org/scholarkg/id/graph/g0",
        "https://w3id.org/scholarkg/id/graph/g1",
        DEFAULT_GRAPH,
    ]
    # The big files' default graph (the flat file) replaced the warm-up file's default graph.
    assert store.triple_count() == 300_000 + 7
    growth = measured["after"] - measured["before"]
    # Held at once: one spool batch of triples and one read chunk, never a whole body.
    assert growth < largest_body / 3, (growth, largest_body)
