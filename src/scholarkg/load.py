"""Push RDF files into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

Why the Graph Store Protocol rather than SPARQL Update: every store we target (Oxigraph, Fuseki,
GraphDB, Virtuoso) implements it, a graph is replaced in one ``PUT`` without building a query
text, and the body can be streamed from disk, so a large export never sits in memory.

Graphs are addressed by *indirect identification*: ``ENDPOINT?graph=<IRI, URL-encoded>`` for a
named graph and ``ENDPOINT?default`` for the default graph. Examples of ``endpoint``:

* Oxigraph: ``http://localhost:7878/store``
* Fuseki: ``http://localhost:3030/DATASET/data``
* GraphDB: ``http://localhost:7200/repositories/REPO/rdf-graphs/service``
* Virtuoso: ``http://localhost:8890/sparql-graph-crud-auth`` (with a user; Digest is used
  when the server asks for it) or ``http://localhost:8890/sparql-graph-crud``

The write rule, which makes a reload idempotent: **within one call, the first write to a graph
replaces it (``PUT``) and every later write to the same graph adds to it (``POST``).** So after
a call each graph it touched holds exactly the union of what the call's files put there, and
repeating the call leaves the store as it was. Graphs the files do not mention are never
touched — a page dropped from an export leaves its old graph behind until it is deleted.

* Triples files (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``) go to ``graph`` when it is given,
  else to the default graph. The file itself is streamed with its own media type.
* Dataset files (``.trig``, ``.nq``) are split by graph: each named graph is sent to its IRI
  and the default-graph part to the default graph. The file is parsed as a stream and each
  graph's triples are spooled to a temporary N-Triples file, which is then streamed.

Every file is read and checked before the first request, so a file that does not parse leaves
the store untouched. Blank nodes are not shared between the graphs of a dataset file (each
graph is a separate request); the scholarkg model mints IRIs, so its exports have none.
"""

from __future__ import annotations

import re
import socket
import tempfile
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pyoxigraph

from scholarkg.errors import InputError, RemoteError, UsageError

__all__ = ["DEFAULT_GRAPH", "LoadEvent", "LoadReport", "load_files"]

DEFAULT_GRAPH = "default"
"""The name used for the default graph in :class:`LoadReport` and :class:`LoadEvent`."""

# extension -> (parser format, media type sent), for files sent as they are
_TRIPLE_FORMATS: dict[str, tuple[pyoxigraph.RdfFormat, str]] = {
    ".ttl": (pyoxigraph.RdfFormat.TURTLE, "text/turtle"),
    ".nt": (pyoxigraph.RdfFormat.N_TRIPLES, "application/n-triples"),
    ".jsonld": (pyoxigraph.RdfFormat.JSON_LD, "application/ld+json"),
    ".rdf": (pyoxigraph.RdfFormat.RDF_XML, "application/rdf+xml"),
    ".owl": (pyoxigraph.RdfFormat.RDF_XML, "application/rdf+xml"),
}
_DATASET_FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    ".trig": pyoxigraph.RdfFormat.TRIG,
    ".nq": pyoxigraph.RdfFormat.N_QUADS,
}
_NTRIPLES = "application/n-triples"

_SPOOL_BATCH = 20_000  # triples held in memory while splitting a dataset file by graph
_CHUNK = 256 * 1024  # bytes per read when streaming a request body
_BACKOFF = 0.5  # seconds before the first retry; doubled for each further one
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class LoadEvent:
    """One graph written: emitted after each successful request, for a progress display.

    ``index`` counts requests from 1 to ``total``; ``total_triples`` is the whole call's triple
    count, known before the first request, so a progress bar can be sized up front.
    """

    path: Path
    graph: str
    method: str
    triples: int
    index: int
    total: int
    total_triples: int


@dataclass
class LoadReport:
    """What a call wrote: the files, the graphs (IRIs, or ``"default"``), triples and time."""

    files: list[Path] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    triples: int = 0
    requests: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class _Upload:
    source: Path  # the file the user named
    body: Path  # the file streamed (the source itself, or a spooled N-Triples file)
    media_type: str
    graph: str  # an IRI or DEFAULT_GRAPH
    triples: int


def load_files(
    files: Sequence[Path],
    *,
    endpoint: str,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    progress: Callable[[LoadEvent], None] | None = None,
) -> LoadReport:
    """Send ``files`` to the Graph Store Protocol ``endpoint`` (the write rule: module docstring).

    ``graph`` is the target graph IRI for triples files (default: the default graph). With
    ``user``, requests carry HTTP Basic credentials, or Digest when the server challenges for it.
    ``timeout`` bounds each connect, send and wait for an answer, in seconds. A transient
    failure (connection refused, timeout, HTTP 429/500/502/503/504) is retried up to
    ``retries`` times after 0.5 s, 1 s, 2 s, ...; any other refusal is not retried.

    Raises:
        UsageError: a bad endpoint, graph IRI, timeout or retry count; ``graph`` with a dataset
            file; a password without a user.
        InputError: a file is missing, has an unknown extension, or does not parse (the message
            names the file and line). Nothing has been sent when this is raised.
        RemoteError: the store could not be reached, timed out, refused the credentials or the
            request, or failed. The message names the endpoint (never the password); graphs
            sent before the failure stay written.
    """
    started = time.perf_counter()
    _check_options(
        endpoint=endpoint,
        graph=graph,
        user=user,
        password=password,
        timeout=timeout,
        retries=retries,
    )
    paths = [Path(f) for f in files]
    for path in paths:
        _check_file(path, graph=graph)

    report = LoadReport(files=paths)
    with tempfile.TemporaryDirectory(prefix="scholarkg-load-") as spool_dir:
        uploads: list[_Upload] = []
        for number, path in enumerate(paths):
            if path.suffix.lower() in _DATASET_FORMATS:
                uploads.extend(_spool_dataset(path, Path(spool_dir) / str(number)))
            else:
                uploads.append(_plan_triples(path, graph=graph))

        total_triples = sum(u.triples for u in uploads)
        written: set[str] = set()
        auth = _auth(user, password)
        with httpx.Client(auth=auth, timeout=httpx.Timeout(timeout)) as client:
            for index, upload in enumerate(uploads, start=1):
                method = "POST" if upload.graph in written else "PUT"
                _send(
                    client,
                    upload,
                    method=method,
                    endpoint=endpoint,
                    timeout=timeout,
                    retries=retries,
                    authenticated=user is not None,
                )
                if upload.graph not in written:
                    written.add(upload.graph)
                    report.graphs.append(upload.graph)
                report.triples += upload.triples
                report.requests += 1
                if progress is not None:
                    progress(
                        LoadEvent(
                            path=upload.source,
                            graph=upload.graph,
                            method=method,
                            triples=upload.triples,
                            index=index,
                            total=len(uploads),
                            total_triples=total_triples,
                        )
                    )
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------------------- checking the call


def _check_options(
    *,
    endpoint: str,
    graph: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    retries: int,
) -> None:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"the graph store endpoint must be an http:// or https:// URL, not {endpoint!r} "
            "(for example http://localhost:7878/store)"
        )
    if parts.fragment:
        raise UsageError(f"the graph store endpoint must not have a #fragment: {_redact(endpoint)}")
    if graph is not None:
        try:
            pyoxigraph.NamedNode(graph)
        except ValueError as exc:
            raise UsageError(
                f"the target graph must be an absolute IRI, not {graph!r}: {exc}"
            ) from None
    if password is not None and user is None:
        raise UsageError("a password was given without a user name")
    if not timeout > 0:
        raise UsageError(f"the timeout must be a positive number of seconds, not {timeout!r}")
    if retries < 0:
        raise UsageError(f"the number of retries must be 0 or more, not {retries!r}")


def _check_file(path: Path, *, graph: str | None) -> None:
    suffix = path.suffix.lower()
    if suffix not in _TRIPLE_FORMATS and suffix not in _DATASET_FORMATS:
        known = ", ".join(sorted([*_TRIPLE_FORMATS, *_DATASET_FORMATS]))
        raise InputError(
            f"cannot tell the RDF format from the extension (expected one of {known})", path=path
        )
    if not path.is_file():
        raise InputError("no such file", path=path)
    if graph is not None and suffix in _DATASET_FORMATS:
        raise UsageError(
            f"a target graph (--graph) cannot be used with the dataset file {path}: its named "
            "graphs already say where each triple goes. Load it without a target graph, or "
            "export Turtle or N-Triples to put everything in one graph."
        )


# ---------------------------------------------------------------------------- reading files


def _parse_error(path: Path, fmt: pyoxigraph.RdfFormat, exc: SyntaxError) -> InputError:
    message = str(exc.msg if exc.msg else exc)
    if "LoadDocumentCallback" in message:
        message = (
            "the file uses a remote JSON-LD @context, which is not fetched; inline the "
            "context or export Turtle instead"
        )
    return InputError(f"not valid {fmt.name}: {message}", path=path, line=exc.lineno)


def _plan_triples(path: Path, *, graph: str | None) -> _Upload:
    """Parse a triples file once, as a stream, to refuse bad syntax before sending and count it."""
    fmt, media_type = _TRIPLE_FORMATS[path.suffix.lower()]
    count = 0
    try:
        for _ in pyoxigraph.parse(path=path, format=fmt):
            count += 1
    except SyntaxError as exc:
        raise _parse_error(path, fmt, exc) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    return _Upload(
        source=path,
        body=path,
        media_type=media_type,
        graph=graph if graph is not None else DEFAULT_GRAPH,
        triples=count,
    )


def _spool_dataset(path: Path, spool_dir: Path) -> list[_Upload]:
    """Split a dataset file by graph into N-Triples files, holding at most a batch in memory."""
    fmt = _DATASET_FORMATS[path.suffix.lower()]
    spool_dir.mkdir()
    buffers: dict[str, list[pyoxigraph.Triple]] = {}
    bodies: dict[str, Path] = {}
    counts: dict[str, int] = {}

    def flush() -> None:
        for key, triples in buffers.items():
            if triples:
                with bodies[key].open("ab") as out:
                    pyoxigraph.serialize(triples, out, format=pyoxigraph.RdfFormat.N_TRIPLES)
                triples.clear()

    pending = 0
    try:
        for quad in pyoxigraph.parse(path=path, format=fmt):
            name = quad.graph_name
            if isinstance(name, pyoxigraph.DefaultGraph):
                key = DEFAULT_GRAPH
            elif isinstance(name, pyoxigraph.NamedNode):
                key = name.value
            else:
                raise InputError(
                    f"a graph is named by the blank node {name}, which a graph store cannot "
                    "address; name it with an IRI",
                    path=path,
                )
            buffer = buffers.get(key)
            if buffer is None:
                buffer = buffers[key] = []
                bodies[key] = spool_dir / f"{len(bodies)}.nt"
                counts[key] = 0
            buffer.append(quad.triple)
            counts[key] += 1
            pending += 1
            if pending >= _SPOOL_BATCH:
                flush()
                pending = 0
        flush()
    except SyntaxError as exc:
        raise _parse_error(path, fmt, exc) from None
    except OSError as exc:
        raise InputError(f"cannot read or spool: {exc.strerror or exc}", path=path) from None
    # Named graphs first in file order, the default graph (descriptions of them) last.
    keys = [k for k in bodies if k != DEFAULT_GRAPH] + [k for k in bodies if k == DEFAULT_GRAPH]
    return [
        _Upload(source=path, body=bodies[k], media_type=_NTRIPLES, graph=k, triples=counts[k])
        for k in keys
    ]


class _FileBody:
    """A request body read from disk in chunks; re-iterable, so a Digest challenge can resend it."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def __iter__(self) -> Iterator[bytes]:
        with self._path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                yield chunk


# ---------------------------------------------------------------------------- talking to the store


class _BasicThenDigest(httpx.Auth):
    """Send Basic credentials; switch to Digest for good if the server challenges for it.

    Virtuoso's ``-auth`` endpoints only accept Digest; the others take Basic.
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._use_digest = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._use_digest:
            yield from self._digest.auth_flow(request)
            return
        request = next(self._basic.auth_flow(request))
        response = yield request
        challenges = response.headers.get_list("www-authenticate")
        if response.status_code != 401 or not any(
            c.lower().startswith("digest ") for c in challenges
        ):
            return
        self._use_digest = True
        del request.headers["Authorization"]
        digest_flow = self._digest.auth_flow(request)
        next(digest_flow)
        try:
            retry = digest_flow.send(response)
        except StopIteration:
            return
        yield retry


def _auth(user: str | None, password: str | None) -> httpx.Auth | None:
    return None if user is None else _BasicThenDigest(user, password or "")


def _redact(endpoint: str) -> str:
    """The endpoint without any user:password@ part, for messages."""
    parts = urlsplit(endpoint)
    if "@" not in parts.netloc:
        return endpoint
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _graph_url(endpoint: str, graph: str) -> str:
    joiner = "&" if urlsplit(endpoint).query else "?"
    if graph == DEFAULT_GRAPH:
        return f"{endpoint}{joiner}default"
    return f"{endpoint}{joiner}graph={quote(graph, safe='')}"


def _graph_label(graph: str) -> str:
    return "the default graph" if graph == DEFAULT_GRAPH else f"graph <{graph}>"


def _first_line(response: httpx.Response) -> str:
    """The first readable line of an error body, without markup, at most 200 characters."""
    try:
        head = b""
        for chunk in response.iter_bytes():
            head += chunk
            if len(head) >= 8192:
                break
    except httpx.HTTPError:
        return ""
    text = re.sub(r"<[^>]*>", " ", head.decode("utf-8", errors="replace"))
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line[:200] + ("…" if len(line) > 200 else "")
    return ""


def _is_dns_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _Failure(Exception):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


def _send(
    client: httpx.Client,
    upload: _Upload,
    *,
    method: str,
    endpoint: str,
    timeout: float,
    retries: int,
    authenticated: bool,
) -> None:
    url = _graph_url(endpoint, upload.graph)
    where = _redact(endpoint)
    what = f"{method} of {_graph_label(upload.graph)} from {upload.source.name}"
    headers = {"Content-Type": upload.media_type, "Content-Length": str(upload.body.stat().st_size)}
    attempt = 0
    while True:
        try:
            _attempt(
                client,
                method,
                url,
                upload.body,
                headers,
                where=where,
                what=what,
                timeout=timeout,
                authenticated=authenticated,
            )
            return
        except _Failure as failure:
            if not failure.transient or attempt >= retries:
                tries = f" (after {attempt + 1} attempts)" if attempt else ""
                raise RemoteError(failure.message + tries) from None
        time.sleep(_BACKOFF * 2**attempt)
        attempt += 1


def _attempt(
    client: httpx.Client,
    method: str,
    url: str,
    body: Path,
    headers: dict[str, str],
    *,
    where: str,
    what: str,
    timeout: float,
    authenticated: bool,
) -> None:
    try:
        with client.stream(method, url, content=_FileBody(body), headers=headers) as response:
            status = response.status_code
            if status < 300:
                return
            location = response.headers.get("Location", "")
            detail = _first_line(response)
    except httpx.TimeoutException:
        raise _Failure(
            f"the graph store {where} did not answer within {timeout:g} s ({what})", transient=True
        ) from None
    except httpx.ConnectError as exc:
        if _is_dns_failure(exc):
            host = urlsplit(where).hostname
            raise _Failure(
                f"cannot reach the graph store {where}: unknown host {host!r}", transient=False
            ) from None
        raise _Failure(
            f"cannot connect to the graph store {where}: {_reason(exc)}", transient=True
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
        raise _Failure(
            f"the graph store {where} dropped the connection ({what}): {_reason(exc)}",
            transient=True,
        ) from None
    except httpx.HTTPError as exc:
        raise _Failure(
            f"request to the graph store {where} failed ({what}): {_reason(exc)}", transient=False
        ) from None

    tail = f": {detail}" if detail else ""
    if status < 400:
        raise _Failure(
            f"the graph store {where} redirected {what} to {_redact(location) or '?'} "
            f"(HTTP {status}); use that address as the endpoint",
            transient=False,
        )
    if status in (401, 403):
        if authenticated:
            message = f"the graph store {where} refused the credentials (HTTP {status}{tail})"
        else:
            message = (
                f"the graph store {where} requires credentials (HTTP {status}{tail}); "
                "give a user and password"
            )
        raise _Failure(message, transient=False)
    if status in (404, 405):
        raise _Failure(
            f"the graph store {where} refused {what} (HTTP {status}{tail}); is this the store's "
            "Graph Store Protocol endpoint (Oxigraph .../store, Fuseki .../DATASET/data)?",
            transient=False,
        )
    if status < 500 and status != 429:
        raise _Failure(
            f"the graph store {where} refused {what} (HTTP {status}{tail})", transient=False
        )
    raise _Failure(
        f"the graph store {where} failed on {what} (HTTP {status}{tail})",
        transient=status in _TRANSIENT_STATUS,
    )


def _reason(exc: BaseException) -> str:
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", " ".join(str(exc).split()))
    return text or type(exc).__name__
