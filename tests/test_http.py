"""The one HTTP layer (scholarkg.http) against real servers on loopback ports: deadlines against a
server that trickles, caps against endless answers and error pages, credentials negotiated from
the challenge, retries only for transient failures, passwords never shown — and the read-only
check that keeps updates from ever being sent."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scholarkg.cli import cli
from scholarkg.errors import QueryError, RemoteError, UsageError
from scholarkg.http import server_message
from scholarkg.load import load_files
from scholarkg.queries import EndpointEngine, Results, SavedQuery, run_query

EXTRA = Path(__file__).resolve().parent / "fixtures" / "load" / "extra.ttl"
ONE_ROW = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "value": "1"}}]}}).encode()
SELECT = "SELECT ?n WHERE { ?s ?p ?n }"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    """A loopback HTTP server whose handler is a plain function of the request handler."""

    answer: Callable[[http.server.BaseHTTPRequestHandler, list[Seen]], None]
    seen: list[Seen] = field(default_factory=list)

    def __enter__(self) -> Server:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    outer.answer(self, outer.seen)

            do_GET = do_POST = do_PUT = do_HEAD = _any

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _reply(handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes = b"",
           headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------- the total deadline


def _trickle_body(handler: http.server.BaseHTTPRequestHandler, seen: list[Seen]) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.end_headers()
    for byte in ONE_ROW * 100:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.2)


def _trickle_headers(handler: http.server.BaseHTTPRequestHandler, seen: list[Seen]) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.2)


@pytest.mark.parametrize("answer", [_trickle_body, _trickle_headers], ids=["body", "headers"])
def test_a_server_trickling_bytes_is_cut_at_the_total_deadline(answer) -> None:
    # Each byte arrives well within httpx's per-read timeout; only a wall-clock deadline ends it.
    with Server(answer) as server:
        started = time.monotonic()
        with pytest.raises(RemoteError, match=r"did not answer within 1\.5 s \(the query\)"):
            EndpointEngine(server.url + "/sparql", timeout=1.5).select(SELECT, {})
        elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 3, elapsed
    assert len(server.seen) == 1  # a timeout is not retried for a query


def test_a_load_to_a_trickling_store_is_cut_at_each_deadline_and_retried() -> None:
    def trickle(handler, seen):
        handler.send_response(201)
        handler.end_headers()
        while True:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.2)

    with Server(trickle) as server:
        started = time.monotonic()
        with pytest.raises(RemoteError, match=r"did not answer within 1 s .*\(after 2 attempts\)"):
            load_files([EXTRA], endpoint=server.url + "/store", timeout=1, retries=1)
        elapsed = time.monotonic() - started
    assert 2.4 < elapsed < 4.5, elapsed  # two deadlines and 0.5 s of backoff


# ---------------------------------------------------------------------------- size caps


def _endless(status: int) -> Callable:
    def answer(handler, seen):
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        chunk = b"Endless error text that goes on and on\n" + b"x" * (1 << 16)
        for _ in range(3 * 2**30 // len(chunk)):  # 3 GB, unless the client stops first
            handler.wfile.write(chunk)

    return answer


# The child's peak RSS is VmHWM of its own memory map: getrusage's ru_maxrss survives exec, so a
# child forked from a pytest process that has grown would report the parent's size instead.
_MEASURE = """
import re, sys
from pathlib import Path
from scholarkg.cli import main
sys.argv = ["scholarkg", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
peak = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(peak, code, file=sys.stderr)
"""


@pytest.mark.parametrize(("status", "message"), [
    (200, "sent more than 8 MiB in answer to the query; reading stopped there (raise the cap, "
          "--max-answer-mb, to read more)"),
    (500, "failed on the query (HTTP 500: Endless error text that goes on and on)"),
])
def test_an_endless_answer_or_error_page_is_cut_and_memory_stays_small(
    tmp_path: Path, status: int, message: str
) -> None:
    query = tmp_path / "q.rq"
    query.write_text(SELECT, encoding="utf-8")
    with Server(_endless(status)) as server:
        started = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-c", _MEASURE, "query", "--file", str(query), "--endpoint",
             server.url + "/sparql", "--max-answer-mb", "8", "--timeout", "60"],
            capture_output=True, text=True, timeout=120, check=False,
        )
        elapsed = time.monotonic() - started
    *lines, measured = run.stderr.strip().splitlines()
    rss_kib, code = measured.split()
    assert code == "4"
    assert lines == [f"Error: the SPARQL endpoint {server.url}/sparql {message}"]
    assert int(rss_kib) < 200 * 1024  # KiB: far from the 3 GB the server would send
    assert elapsed < 30


# ---------------------------------------------------------------------------- messages


VIRTUOSO_PAGE = b"""<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html>
  <head>
    <title>SPARQL Graph Protocol request failed</title>
  </head>
  <body>
    <h1>HTTP/1.1 500 Request Failed</h1>
    <h3>Error 22023</h3>
<xmp>The request to SPARQL 1.1 Graph Store endpoint contains "default" param but the endpoint \
is not configured to have default graph</xmp></body></html>"""


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (VIRTUOSO_PAGE, "text/html", 'The request to SPARQL 1.1 Graph Store endpoint contains "default" '
     "param but the endpoint is not configured to have default graph"),
    (b"<html><head><title>Oops</title></head><body><h1>Forbidden</h1><p>Only for staff &amp; "
     b"friends</p></body></html>", "text/html", "Only for staff & friends"),
    (b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error\n\nSPARQL query:\nSELECT",
     "text/plain", "Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error"),
    ("Fehler: Datei für Graph fehlt".encode("latin-1"), "text/plain; charset=ISO-8859-1",
     "Fehler: Datei für Graph fehlt"),
    (b"\n\n  " + b"long " * 100, "text/plain", ("long " * 40)[:199] + "…"),
    (b"", "", ""),
])
def test_the_servers_own_message_is_its_first_meaningful_line(body, content_type, expected) -> None:
    assert server_message(body, content_type=content_type, reason="Request Failed") == expected


def test_a_500_is_not_retried_and_shows_the_servers_text() -> None:
    page = {"Content-Type": "text/html"}
    with (
        Server(lambda h, seen: _reply(h, 500, VIRTUOSO_PAGE, page)) as server,
        pytest.raises(RemoteError) as caught,
    ):
        load_files([EXTRA], endpoint=server.url + "/sparql-graph-crud", retries=3)
    assert len(server.seen) == 1
    assert str(caught.value) == (
        f"the graph store {server.url}/sparql-graph-crud failed on PUT of the default graph from "
        'extra.ttl (HTTP 500: The request to SPARQL 1.1 Graph Store endpoint contains "default" param '
        "but the endpoint is not configured to have default graph); this store has no default graph "
        "to load into: send the default-graph triples to a named graph with --default-graph IRI"
    )


def test_default_graph_triples_go_where_the_user_says() -> None:
    with Server(lambda h, seen: _reply(h, 201)) as server:
        report = load_files([EXTRA], endpoint=server.url + "/store",
                            default_graph="https://example.org/the-default")
    assert [s.path for s in server.seen] == ["/store?graph=https%3A%2F%2Fexample.org%2Fthe-default"]
    assert report.graphs == ["https://example.org/the-default"]
    with pytest.raises(UsageError, match="--default-graph must be an absolute IRI"):
        load_files([EXTRA], endpoint=server.url + "/store", default_graph="not an iri")


def test_busy_answers_are_retried_after_the_servers_retry_after() -> None:
    def busy_then_ok(handler, seen):
        if len(seen) == 1:
            _reply(handler, 503, b"busy", {"Retry-After": "1"})
        else:
            _reply(handler, 200, ONE_ROW, {"Content-Type": "application/sparql-results+json"})

    with Server(busy_then_ok) as server:
        started = time.monotonic()
        results = EndpointEngine(server.url + "/sparql").select(SELECT, {})
        elapsed = time.monotonic() - started
    assert len(results.rows) == 1 and len(server.seen) == 2
    assert 0.9 < elapsed < 3


# ---------------------------------------------------------------------------- credentials


DIGEST = {"WWW-Authenticate": 'Digest realm="SPARQL", nonce="n0nce", qop="auth", algorithm="MD5", '
          'opaque="op"'}


def _digest_store(handler, seen):
    authorization = seen[-1].headers.get("Authorization", "")
    if authorization.startswith("Digest "):
        _reply(handler, 201)
    else:
        _reply(handler, 401, b"", DIGEST)


def test_a_digest_server_never_sees_basic_and_a_large_file_is_sent_once(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as out:
        for i in range(5000):
            out.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    with Server(_digest_store) as server:
        load_files([big, EXTRA], endpoint=server.url + "/auth", user="dba", password="s3cret")
    methods = [(s.method, s.headers.get("Authorization", "")[:7]) for s in server.seen]
    # A bodiless HEAD learns the scheme, the file goes once with Digest, the next one directly.
    assert methods == [("HEAD", ""), ("PUT", "Digest "), ("POST", "Digest ")]
    assert server.seen[1].body == big.read_bytes()
    assert all("s3cret" not in str(s.headers) for s in server.seen)


def test_a_basic_challenge_is_answered_with_basic() -> None:
    def basic_endpoint(handler, seen):
        if seen[-1].headers.get("Authorization", "").startswith("Basic "):
            _reply(handler, 200, ONE_ROW, {"Content-Type": "application/sparql-results+json"})
        else:
            _reply(handler, 401, b"", {"WWW-Authenticate": 'Basic realm="x"'})

    with Server(basic_endpoint) as server:
        engine = EndpointEngine(server.url + "/sparql", user="u", password="pw")
        assert engine.select(SELECT, {}).rows
        assert engine.select(SELECT, {}).rows
    assert ["Authorization" in s.headers for s in server.seen] == [False, True, False, True]


def test_basic_up_front_is_only_for_https_or_loopback() -> None:
    with Server(lambda h, seen: _reply(h, 201)) as server:
        load_files([EXTRA], endpoint=server.url + "/store", user="u", password="pw", basic=True)
    assert server.seen[0].headers["Authorization"].startswith("Basic ")
    with pytest.raises(UsageError, match="would send the password in clear"):
        load_files([EXTRA], endpoint="http://store.example.org/store", user="u", password="pw",
                    basic=True)


def test_a_wrong_password_is_refused_once_without_retry() -> None:
    with (
        Server(lambda h, seen: _reply(h, 401, b"", DIGEST)) as server,
        pytest.raises(RemoteError, match=r"refused the credentials \(HTTP 401\)$"),
    ):
        EndpointEngine(server.url + "/sparql", user="u", password="wrong").select(SELECT, {})
    assert len(server.seen) == 2  # unauthenticated, then the Digest answer


@pytest.mark.parametrize("scheme", ["ftp", "http", "gopher"])
def test_a_password_in_any_url_is_never_printed(runner, scheme: str) -> None:
    url = f"{scheme}://admin:s3cret@127.0.0.1:{_free_port()}/store"
    loaded = runner.invoke(cli, ["load", str(EXTRA), "--endpoint", url, "--retries", "0"])
    queried = runner.invoke(cli, ["query", "recent-papers", "--endpoint", url.replace("/store", "/q")])
    for result in (loaded, queried):
        assert result.exit_code in (2, 4), result.output
        assert "s3cret" not in result.output and "s3cret" not in result.stderr
        assert "127.0.0.1" in result.stderr


# ---------------------------------------------------------------------------- read-only queries


UPDATES = [
    "PREFIX a.SELECT.b: <http://x/>\nINSERT DATA { <http://x/s> <http://x/p> 1 }",
    "PREFIX a.SELECT.b: <http://x/> CLEAR GRAPH <http://x/g>",
    "# SELECT * WHERE { ?s ?p ?o }\nCLEAR GRAPH <http://x/g>",
    "PREFIX select: <http://x/> CLEAR SILENT GRAPH select:g",
    'BASE <http://x/> CLEAR ALL ; INSERT DATA { <s> <p> "SELECT * { }" }',
    "SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", UPDATES)
def test_an_update_however_dressed_is_refused_and_never_sent(text: str) -> None:
    with (
        Server(lambda h, seen: _reply(h, 200, ONE_ROW)) as server,
        pytest.raises(QueryError, match=r"only queries \(SELECT, ASK, CONSTRUCT, DESCRIBE\) can be run|"
                      r"does not parse") as caught,
    ):
        run_query(SavedQuery(name="q", text=text), {}, EndpointEngine(server.url + "/sparql"))
    assert server.seen == []
    assert "update" in str(caught.value) or "does not parse" in str(caught.value)


def test_the_refusal_names_the_update_operation() -> None:
    with pytest.raises(QueryError) as caught:
        EndpointEngine("http://127.0.0.1:9/sparql").select(UPDATES[0], {})
    assert str(caught.value) == (
        "only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run; this is a SPARQL update "
        "(INSERT DATA), which is refused and not sent anywhere"
    )


@pytest.mark.parametrize("text", UPDATES)
def test_the_query_command_refuses_an_update_in_one_line_and_sends_nothing(
    runner, tmp_path: Path, text: str
) -> None:
    rq = tmp_path / "update.rq"
    rq.write_text(text, encoding="utf-8")
    with Server(lambda h, seen: _reply(h, 200, ONE_ROW)) as server:
        result = runner.invoke(cli, ["query", "--file", str(rq), "--endpoint", server.url + "/sparql",
                                     "--format", "turtle"])
    assert server.seen == []
    assert result.exit_code != 0 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "SPARQL update" in result.stderr or "does not parse" in result.stderr


def test_a_select_with_keywords_in_names_strings_and_comments_is_sent() -> None:
    text = ('PREFIX a.INSERT.b: <http://x/>\n# CLEAR ALL\nSELECT ?n WHERE { ?s a.INSERT.b:p ?n '
            'FILTER(?n != "DROP ALL") }')
    with Server(lambda h, seen: _reply(h, 200, ONE_ROW)) as server:
        results = EndpointEngine(server.url + "/sparql").select(text, {})
    assert results == Results(["n"], [(results.rows[0][0],)]) and len(server.seen) == 1


def test_a_remote_query_runs_from_inside_an_event_loop_too() -> None:
    # A web app calling the library from async code: the request runs on a loop of its own.
    async def from_async_code() -> Results:
        return EndpointEngine(server.url + "/sparql").select(SELECT, {})

    with Server(lambda h, seen: _reply(h, 200, ONE_ROW)) as server:
        assert len(asyncio.run(from_async_code()).rows) == 1


# ----------------------------------------------------------------- graph answers over the protocol

CONSTRUCT_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
NT_LINE = b"<http://x/s> <http://x/p> \"o\" .\n"


def test_a_graph_query_asks_for_n_triples_or_turtle_and_reads_what_comes() -> None:
    with Server(lambda h, seen: _reply(h, 200, NT_LINE, {"Content-Type": "application/n-triples"})) as server:
        result = EndpointEngine(server.url + "/sparql").run(CONSTRUCT_ALL, {})
    assert server.seen[0].headers["Accept"] == "application/n-triples, text/turtle;q=0.9"
    assert [str(t) for t in result.triples] == ['<http://x/s> <http://x/p> "o"']  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"<html>no</html>", {"Content-Type": "text/html"},
         "did not answer a graph query with N-Triples or Turtle"),
        (b"<http://x/s> <http://x/p> .\n", {"Content-Type": "text/turtle"}, "does not parse as Turtle"),
        (NT_LINE * 40_000, {"Content-Type": "application/n-triples"}, "sent more than 1 MiB"),
    ],
)
def test_a_bad_or_oversized_graph_answer_is_a_one_line_remote_error(
    body: bytes, headers: dict[str, str], message: str
) -> None:
    with (
        Server(lambda h, seen: _reply(h, 200, body, headers)) as server,
        pytest.raises(RemoteError, match=message) as caught,
    ):
        EndpointEngine(server.url + "/sparql", max_bytes=2**20).run(CONSTRUCT_ALL, {})
    assert "\n" not in str(caught.value)
