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

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph

from scholarkg.errors import InputError, RemoteError, UsageError
from scholarkg.http import DEFAULT_MAX_BYTES, FileBody, HttpFailure, Service, Session, redact, run

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
    default_graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    basic: bool = False,
    timeout: float = 60.0,
    retries: int = 3,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[LoadEvent], None] | None = None,
) -> LoadReport:
    """Send ``files`` to the Graph Store Protocol ``endpoint`` (the write rule: module docstring).

    ``graph`` is the target graph IRI for triples files; ``default_graph`` is where the triples
    meant for the default graph go (the default-graph part of a dataset, and triples files
    without ``graph``): a named graph of that IRI, for stores whose Graph Store endpoint has no
    default graph (Virtuoso). Requests go through :mod:`scholarkg.http`: ``user`` and
    ``password`` are answered to the server's challenge (Digest, or Basic when the server asks;
    ``basic`` sends Basic up front, over https or to a loopback host only), ``timeout`` is the
    total deadline of each request, and a transient failure (connection refused or dropped,
    timeout, HTTP 429/502/503/504) is retried up to ``retries`` times after 0.5 s, 1 s, 2 s, ...;
    any other refusal (a 500 included) is not retried.

    Raises:
        UsageError: a bad endpoint, graph IRI, timeout or retry count; ``graph`` with a dataset
            file; a password without a user.
        InputError: a file is missing, has an unknown extension, or does not parse (the message
            names the file and line). Nothing has been sent when this is raised.
        RemoteError: the store could not be reached, timed out, refused the credentials or the
            request, or failed. The message names the endpoint (never the password) and, when
            the store refused its default graph, the ``--default-graph`` option; graphs sent
            before the failure stay written.
    """
    started = time.perf_counter()
    _check_options(
        endpoint=endpoint,
        graph=graph,
        default_graph=default_graph,
        user=user,
        password=password,
        timeout=timeout,
        retries=retries,
    )
    paths = [Path(f) for f in files]
    for path in paths:
        _check_file(path, graph=graph)

    with tempfile.TemporaryDirectory(prefix="scholarkg-load-") as spool_dir:
        uploads: list[_Upload] = []
        for number, path in enumerate(paths):
            if path.suffix.lower() in _DATASET_FORMATS:
                uploads.extend(_spool_dataset(path, Path(spool_dir) / str(number)))
            else:
                uploads.append(_plan_triples(path, graph=graph))
        if default_graph is not None:
            uploads = [
                replace(u, graph=default_graph) if u.graph == DEFAULT_GRAPH else u for u in uploads
            ]
        session = Session(
            Service(
                "graph store",
                endpoint,
                hint="is this the store's Graph Store Protocol endpoint (Oxigraph .../store, "
                "Fuseki .../DATASET/data, Virtuoso .../sparql-graph-crud-auth)?",
            ),
            user=user,
            password=password,
            basic=basic,
            timeout=timeout,
            retries=retries,
            retry_timeouts=True,
            max_bytes=max_bytes,
        )
        report = run(_send_all(session, uploads, endpoint=endpoint, progress=progress))
    report.files = paths
    report.seconds = time.perf_counter() - started
    return report


async def _send_all(
    session: Session,
    uploads: Sequence[_Upload],
    *,
    endpoint: str,
    progress: Callable[[LoadEvent], None] | None,
) -> LoadReport:
    report = LoadReport()
    total_triples = sum(u.triples for u in uploads)
    written: set[str] = set()
    async with session:
        for index, upload in enumerate(uploads, start=1):
            method = "POST" if upload.graph in written else "PUT"
            await _send(session, upload, method=method, endpoint=endpoint)
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
    return report


# ---------------------------------------------------------------------------- checking the call


def _check_options(
    *,
    endpoint: str,
    graph: str | None,
    default_graph: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    retries: int,
) -> None:
    try:
        parts = urlsplit(endpoint)
        hostname = parts.hostname
    except ValueError:  # a malformed port or IPv6 address
        parts, hostname = None, None
    if parts is None or parts.scheme not in ("http", "https") or not hostname:
        raise UsageError(
            f"the graph store endpoint must be an http:// or https:// URL, not {redact(endpoint)!r} "
            "(for example http://localhost:7878/store)"
        )
    if parts.fragment:
        raise UsageError(f"the graph store endpoint must not have a #fragment: {redact(endpoint)}")
    for option, iri in (("target graph", graph), ("--default-graph", default_graph)):
        if iri is None:
            continue
        try:
            pyoxigraph.NamedNode(iri)
        except ValueError as exc:
            raise UsageError(f"the {option} must be an absolute IRI, not {iri!r}: {exc}") from None
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


# ---------------------------------------------------------------------------- talking to the store


def _graph_url(endpoint: str, graph: str) -> str:
    joiner = "&" if urlsplit(endpoint).query else "?"
    if graph == DEFAULT_GRAPH:
        return f"{endpoint}{joiner}default"
    return f"{endpoint}{joiner}graph={quote(graph, safe='')}"


def _graph_label(graph: str) -> str:
    return "the default graph" if graph == DEFAULT_GRAPH else f"graph <{graph}>"


async def _send(session: Session, upload: _Upload, *, method: str, endpoint: str) -> None:
    what = f"{method} of {_graph_label(upload.graph)} from {upload.source.name}"
    headers = {"Content-Type": upload.media_type, "Content-Length": str(upload.body.stat().st_size)}
    try:
        await session.send(
            method, _graph_url(endpoint, upload.graph), what=what, headers=headers,
            content=FileBody(upload.body),
        )
    except HttpFailure as failure:
        refused_default = (
            upload.graph == DEFAULT_GRAPH
            and failure.status is not None
            and failure.status >= 400
            and failure.status not in (401, 403)
            and "default" in failure.detail.lower()
        )
        if refused_default:
            raise RemoteError(
                f"{failure.message}; this store has no default graph to load into: send the "
                "default-graph triples to a named graph with --default-graph IRI"
            ) from None
        raise
