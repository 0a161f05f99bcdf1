"""The engines that run a query text: rdflib, pyoxigraph in process, a SPARQL 1.1 endpoint.

Parameters reach a query as RDF terms, never pasted into its text. rdflib binds them through
``initBindings``; pyoxigraph and a remote endpoint through a ``VALUES`` block of escaped,
serialised terms put at the opening of the query's ``WHERE`` group, where every pattern and
``FILTER`` of that group sees them (pyoxigraph's ``substitutions`` only bind variables the query
projects, see :class:`OxigraphEngine`). Saved queries therefore use their parameters in the
top-level group only (never inside a sub-query), which keeps the ways equivalent.

Every engine returns :class:`Results` whose cells are normalised rdflib terms, so the same query
gives rows that compare equal whichever engine ran it (numbers in canonical form, integers as
``xsd:integer``, ``xsd:string`` literals as plain literals). The default graph is the union of
all graphs on every engine — but not the same union: rdflib merges the graphs (a triple held by
three page graphs is matched once) while Oxigraph, in process or as a server, matches it once
per graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol
from urllib.parse import urlsplit

import pyoxigraph
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import XSD
from rdflib.term import Node

from scholarkg.errors import QueryError, RemoteError, UsageError
from scholarkg.http import DEFAULT_MAX_BYTES, Answer, Service, Session, redact, run
from scholarkg.interruptible import interruptible
from scholarkg.sparql_text import bound_query_form, inject_values, query_form, require_select, variables

__all__ = [
    "Boolean",
    "EndpointEngine",
    "Engine",
    "OxigraphEngine",
    "QueryResult",
    "RdflibEngine",
    "Results",
    "Triples",
    "normalise_term",
]


@dataclass
class Results:
    """A SELECT result: variable names and rows of normalised rdflib terms (``None`` = unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Boolean:
    """An ASK result."""

    value: bool


@dataclass
class Triples:
    """A CONSTRUCT or DESCRIBE result: the triples of the result graph as pyoxigraph terms (each
    once, in a fixed order: the order of their N-Triples lines), for pyoxigraph's serialisers."""

    triples: list[pyoxigraph.Triple] = field(default_factory=list)

    @classmethod
    def of(cls, triples: Iterable[pyoxigraph.Triple]) -> Triples:
        """The set of ``triples`` (Oxigraph yields a triple once per graph holding it)."""
        return cls(sorted(set(triples), key=str))


QueryResult = Results | Boolean | Triples
"""What a query gives: rows (SELECT), true or false (ASK), or a graph (CONSTRUCT, DESCRIBE)."""


# --- engines -----------------------------------------------------------------------------------


class Engine(Protocol):
    """Anything that runs a query text with pre-bound variables: ``select`` for rows (any other
    form refused), ``run`` for any query form (updates refused)."""

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results: ...

    def run(self, text: str, bindings: Mapping[str, Node]) -> QueryResult: ...


class RdflibEngine:
    """Runs queries in-process with rdflib; a :class:`~rdflib.Dataset` is queried with its
    default graph as the union of all its graphs (the object passed in is not changed)."""

    def __init__(self, graph: Graph | Dataset) -> None:
        if isinstance(graph, ConjunctiveGraph) and not graph.default_union:
            graph = Dataset(store=graph.store, default_union=True)
        self.graph = graph

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results:
        require_select(text)
        result = self.run(text, bindings)
        assert isinstance(result, Results)
        return result

    def run(self, text: str, bindings: Mapping[str, Node]) -> QueryResult:
        form = query_form(text)
        try:
            result = self.graph.query(text, initBindings=variables(bindings))
            if form == "ASK":
                return Boolean(bool(result.askAnswer))
            if form != "SELECT":
                assert result.graph is not None
                ntriples = result.graph.serialize(format="nt", encoding="utf-8")
                parsed = pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)
                return Triples.of(quad.triple for quad in parsed)
            names = [str(v) for v in result.vars or ()]
            rows = [tuple(normalise_term(cell) for cell in row) for row in result]  # type: ignore[union-attr]
        except ParseException as exc:
            raise QueryError(f"the query does not parse: {_one_line(str(exc))}") from None
        except Exception as exc:  # rdflib raises assorted errors while evaluating
            raise QueryError(f"rdflib could not run the query: {_one_line(str(exc)) or exc!r}") from None
        return Results(names, rows)


class OxigraphEngine:
    """Runs queries in-process on a pyoxigraph store, default graph = union of all graphs.

    Parameters are bound with the same ``VALUES`` block as :class:`EndpointEngine`, not with
    pyoxigraph's ``substitutions``: those follow SEP-0007 and refuse any variable that is not in
    the ``SELECT`` projection ("does not contains variable ?author in its SELECT projection"),
    so they cannot bind a parameter that a query only uses in a pattern or ``FILTER``.
    """

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results:
        require_select(text, bindings)
        result = self.run(text, bindings)
        assert isinstance(result, Results)
        return result

    def run(self, text: str, bindings: Mapping[str, Node]) -> QueryResult:
        bound_query_form(text, bindings)  # refuses an update before anything runs
        body = inject_values(text, bindings)
        try:
            return interruptible(self._evaluate, body)
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {_one_line(str(exc))}") from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"Oxigraph could not run the query: {_one_line(str(exc))}") from None

    def _evaluate(self, body: str) -> QueryResult:
        """Evaluate and read the whole answer (Oxigraph evaluates as the answer is read)."""
        answer = self.store.query(body, use_default_graph_as_union=True)
        if isinstance(answer, pyoxigraph.QueryBoolean):
            return Boolean(bool(answer))
        if isinstance(answer, pyoxigraph.QueryTriples):
            return Triples.of(answer)
        names = [v.value for v in answer.variables]
        rows = [tuple(_from_oxigraph(solution[name]) for name in names) for solution in answer]
        return Results(names, rows)


class EndpointEngine:
    """Runs queries on a SPARQL 1.1 Protocol endpoint (``POST`` of ``query=``, JSON results).

    Parameters travel as a ``VALUES`` block of serialised terms placed at the opening of the
    query's ``WHERE`` group. The request goes through :mod:`scholarkg.http`: credentials
    answered to the server's challenge, ``timeout`` as a total deadline, an answer of at most
    ``max_bytes``, and ``retries`` more tries (default 1) when the connection is refused or
    dropped or the server is busy (429/502/503/504) — never after a timeout, which would double
    the wait the caller set.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        user: str | None = None,
        password: str | None = None,
        basic: bool = False,
        retries: int = 1,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"the SPARQL endpoint must be an http(s) URL, got {redact(url)!r}")
        if password is not None and user is None:
            raise UsageError("a password was given without a user name")
        self.url = url
        self.timeout = timeout
        self.user = user
        self.password = password
        self.basic = basic
        self.retries = retries
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"EndpointEngine({redact(self.url)!r})"

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results:
        require_select(text, bindings)
        result = self.run(text, bindings)
        assert isinstance(result, Results)
        return result

    def run(self, text: str, bindings: Mapping[str, Node]) -> QueryResult:
        """Rows and ASK answers come as SPARQL JSON results; a CONSTRUCT or DESCRIBE graph as
        N-Triples or Turtle (whichever RDF syntax the server picks from the ``Accept`` list is
        read by its media type), within the same size cap and deadline."""
        form = bound_query_form(text, bindings)
        body = inject_values(text, bindings)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        answer = run(self._post(body, accept=_GRAPH_ACCEPT if graph else _RESULTS_ACCEPT))
        where = redact(self.url)
        if graph:
            return _parse_graph(answer, where=where)
        if form == "ASK":
            return _parse_json_boolean(answer, where=where)
        return _parse_json_results(answer, where=where)

    async def _post(self, body: str, *, accept: str) -> Answer:
        service = Service(
            "SPARQL endpoint",
            self.url,
            hint="is this the query endpoint (Oxigraph .../query, Fuseki .../DATASET/sparql, "
            "Virtuoso .../sparql)?",
        )
        async with Session(
            service,
            user=self.user,
            password=self.password,
            basic=self.basic,
            timeout=self.timeout,
            retries=self.retries,
            retry_timeouts=False,
            max_bytes=self.max_bytes,
        ) as session:
            return await session.send(
                "POST",
                self.url,
                what="the query",
                data={"query": body},
                headers={"Accept": accept},
            )


_RESULTS_ACCEPT = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"


def _parse_graph(answer: Answer, *, where: str) -> Triples:
    kind = answer.headers.get("Content-Type", "")
    syntax = pyoxigraph.RdfFormat.from_media_type(kind) if kind else None
    if syntax is None or syntax.supports_datasets:
        raise RemoteError(
            f"the SPARQL endpoint {where} did not answer a graph query with N-Triples or "
            f"Turtle ({kind or 'no content type'})"
        )
    try:
        return Triples.of(quad.triple for quad in pyoxigraph.parse(answer.body, format=syntax))
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(
            f"the SPARQL endpoint {where} sent a graph that does not parse as {syntax.name}: "
            f"{_one_line(str(exc))}"
        ) from None


def _parse_json_boolean(answer: Answer, *, where: str) -> Boolean:
    try:
        value = json.loads(answer.body)["boolean"]
    except (ValueError, KeyError, TypeError):
        value = None
    if not isinstance(value, bool):
        kind = answer.headers.get("Content-Type", "no content type")
        raise RemoteError(
            f"the SPARQL endpoint {where} did not answer an ASK query with a SPARQL JSON "
            f"boolean ({kind})"
        )
    return Boolean(value)


def _parse_json_results(answer: Answer, *, where: str) -> Results:
    capped = answer.headers.get("x-sparql-maxrows")
    try:
        document = json.loads(answer.body)
        names = [str(v) for v in document["head"].get("vars", [])]
        if "boolean" in document:
            raise QueryError("only SELECT queries can be run")
        bindings = document["results"]["bindings"]
        if capped is not None and capped.strip().isdigit() and len(bindings) >= int(capped):
            raise RemoteError(
                f"the SPARQL endpoint {where} cut the answer at {int(capped):,} rows (its "
                "result-size limit, X-SPARQL-MaxRows); the rows would be incomplete. Raise the "
                "server's limit (Virtuoso: ResultSetMaxRows) or lower the query's limit"
            )
        rows = [tuple(_from_json(binding.get(name)) for name in names) for binding in bindings]
    except (ValueError, KeyError, TypeError, AttributeError):
        kind = answer.headers.get("Content-Type", "no content type")
        raise RemoteError(
            f"the SPARQL endpoint {where} did not answer with SPARQL JSON results ({kind})"
        ) from None
    return Results(names, rows)


def _from_json(cell: Mapping[str, str] | None) -> Node | None:
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in cell:
            return normalise_term(Literal(value, lang=cell["xml:lang"]))
        datatype = cell.get("datatype")
        return normalise_term(Literal(value, datatype=URIRef(datatype) if datatype else None))
    raise KeyError(kind)


# --- terms -------------------------------------------------------------------------------------

_INTEGER_TYPES = frozenset(
    XSD[name]
    for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                 "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
                 "unsignedShort", "unsignedByte")
)


def normalise_term(term: Node | None) -> Node | None:
    """One spelling per value, so engines compare equal: plain strings without ``xsd:string``,
    lower-case language tags, integers as canonical ``xsd:integer``, canonical decimals, doubles
    and booleans. Ill-typed literals are kept as they are."""
    if not isinstance(term, Literal):
        return term
    lexical = str(term)
    if term.language:
        return Literal(lexical, lang=term.language.lower())
    datatype = term.datatype
    if datatype is None or datatype == XSD.string:
        return Literal(lexical)
    text = lexical.strip()
    if datatype in _INTEGER_TYPES and re.fullmatch(r"[+-]?\d+", text):
        return Literal(str(int(text)), datatype=XSD.integer)
    if datatype == XSD.decimal and re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        value = Decimal(text)
        if value == value.to_integral_value():
            canonical = f"{int(value)}.0"
        else:
            canonical = format(value.normalize(), "f")
        return Literal(canonical, datatype=XSD.decimal)
    if datatype in (XSD.double, XSD.float):
        try:
            number = float(text.replace("INF", "inf"))
        except ValueError:
            return term
        if number != number:
            canonical = "NaN"
        else:
            canonical = {float("inf"): "INF", float("-inf"): "-INF"}.get(number, repr(number))
        return Literal(canonical, datatype=datatype)
    if datatype == XSD.boolean and text in ("true", "false", "1", "0"):
        return Literal("true" if text in ("true", "1") else "false", datatype=XSD.boolean)
    return Literal(lexical, datatype=datatype)


def _from_oxigraph(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return normalise_term(Literal(term.value, lang=term.language))
        return normalise_term(Literal(term.value, datatype=URIRef(term.datatype.value)))
    raise QueryError(f"the query returned a term scholarkg cannot show: {term!r}")


# --- messages ----------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())
