"""The read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

A request's text is parsed with rdflib's SPARQL grammar before it reaches the store: a text that
parses as a query runs; one that parses as an update (``INSERT DATA``, ``DROP ALL``, ...) is refused
with 403 whatever way it came (``update=``, ``application/sparql-update``, or smuggled in as
``query=``); anything else is a 400 with the parser's message. The store is also opened read-only,
so nothing could change it even past this check — the check is there to give the right answer.

Queries run on the embedded Oxigraph store with the default graph as the union of all graphs
(as ``scholarkg query --store`` does); results are serialised by pyoxigraph in the format the
client asks for (``Accept`` or ``format=``): SPARQL JSON (default), XML, CSV or TSV for SELECT and
ASK, Turtle, N-Triples or RDF/XML for CONSTRUCT and DESCRIBE.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

__all__ = ["UPDATE_REFUSED", "Answer", "accepted_types", "answer", "check_read_only"]

UPDATE_REFUSED = "this endpoint is read-only: SPARQL updates are refused"

_RESULTS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
_GRAPHS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_RESULT_TYPES = {mime: key for key, (mime, _) in _RESULTS.items()} | {
    "application/json": "json", "text/tab-separated-values": "tsv", "application/xml": "xml",
    "text/xml": "xml",
}
_GRAPH_TYPES = {mime: key for key, (mime, _) in _GRAPHS.items()} | {"text/plain": "ntriples"}
_SHORT = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "ttl": "turtle",
          "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples", "rdf": "rdfxml"}


@dataclass(frozen=True)
class Answer:
    """What the endpoint sends back: status, media type, body."""

    status: int
    media_type: str
    body: bytes


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


def check_read_only(text: str) -> Answer | None:
    """``None`` when ``text`` is a SPARQL query; a 403 for an update, a 400 for anything else."""
    try:
        parseQuery(text)
        return None
    except ParseException as query_error:
        try:
            parseUpdate(text)
        except ParseException:
            return _error(400, f"the query does not parse: {' '.join(str(query_error).split())}")
        return _error(403, UPDATE_REFUSED)
    except Exception as exc:  # rdflib's grammar raises assorted errors on odd input
        return _error(400, f"the query does not parse: {' '.join(str(exc).split()) or exc!r}")


def accepted_types(accept: str) -> list[str]:
    """Media types of an ``Accept`` header, best first (q-values honoured, order kept on ties)."""
    ranked = []
    for number, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        quality = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if parts[0] and quality > 0:
            ranked.append((-quality, number, parts[0].lower()))
    return [mime for _, _, mime in sorted(ranked)]


def _choose(kinds: dict[str, str], default: str, accept: str, fmt: str | None) -> str | None:
    if fmt:
        key = _SHORT.get(fmt.lower())
        return key if key in kinds.values() else None
    for mime in accepted_types(accept):
        if mime in kinds:
            return kinds[mime]
        if mime in ("*/*", "application/*", "text/*"):
            return default
    return default


def answer(store: ox.Store, text: str, *, accept: str = "", fmt: str | None = None) -> Answer:
    """Run one protocol request's query on ``store`` and serialise the results."""
    refused = check_read_only(text)
    if refused is not None:
        return refused
    try:
        results = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        return _error(400, f"the query does not parse: {' '.join(str(exc).split())}")
    except (OSError, RuntimeError, ValueError) as exc:
        return _error(500, f"the query failed: {' '.join(str(exc).split())}")
    if isinstance(results, ox.QueryTriples):
        key = _choose(_GRAPH_TYPES, "turtle", accept, fmt)
        if key is None:
            return _error(406, "CONSTRUCT and DESCRIBE answer as turtle, ntriples or rdfxml")
        mime, graph_format = _GRAPHS[key]
        return Answer(200, mime, results.serialize(format=graph_format) or b"")
    key = _choose(_RESULT_TYPES, "json", accept, fmt)
    if key is None:
        return _error(406, "SELECT and ASK answer as json, xml, csv or tsv")
    mime, results_format = _RESULTS[key]
    if key in ("csv", "tsv"):
        mime += "; charset=utf-8"
    try:
        body = results.serialize(format=results_format) or b""
    except (OSError, ValueError, RuntimeError):
        return _error(406, f"this answer cannot be written as {key}")
    return Answer(200, mime, body)
