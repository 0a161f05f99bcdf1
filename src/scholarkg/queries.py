"""Saved SPARQL queries: read them, bind their parameters as RDF terms, run them on an engine.

A saved query is a ``queries/NAME.rq`` file that opens with a comment header::

    # title: Coauthors of an author
    # description: People who share papers with the author, most joint papers first.
    # param: author string — the author's name, matched case-insensitively
    # param: limit integer = 20 — at most this many rows
    # example: scholarkg query coauthors --param author="Ritika Borkar"

A ``param`` line reads ``NAME TYPE [= DEFAULT] — description``; the types are ``string``,
``integer``, ``date`` and ``iri``. A parameter without a default is required.

Parameter values are never pasted into the query text. They become RDF terms
(:func:`bind_params`) and each engine binds them its own way: rdflib through ``initBindings``;
pyoxigraph and a remote endpoint through a ``VALUES`` block of escaped, serialised terms put at
the opening of the query's ``WHERE`` group, where every pattern and ``FILTER`` of that group sees
them (pyoxigraph's ``substitutions`` only bind variables the query projects, see
:class:`OxigraphEngine`). Saved queries therefore use their parameters in the top-level group
only (never inside a sub-query), which keeps the ways equivalent.

SPARQL has no variable ``LIMIT``, so a parameter named ``limit`` is special: it is not bound in
the query; :func:`run_query` keeps at most that many rows of the (ordered) result.

Every engine returns :class:`Results` whose cells are normalised rdflib terms, so the same query
gives rows that compare equal whichever engine ran it (numbers in canonical form, integers as
``xsd:integer``, ``xsd:string`` literals as plain literals). The default graph is the union of
all graphs on every engine — but not the same union: rdflib merges the graphs (a triple held by
three page graphs is matched once) while Oxigraph, in process or as a server, matches it once per
graph. Saved queries are written for both: they match properties as one-or-more paths (``p+``;
a path matches each pair of nodes once, and none of the model's properties chain), count
``DISTINCT`` and select ``DISTINCT`` rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph
from pyparsing import ParseException
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import XSD
from rdflib.term import Node

from scholarkg.errors import QueryError, RemoteError, UsageError
from scholarkg.resources import queries_dir

__all__ = [
    "LIMIT_PARAM",
    "PARAM_TYPES",
    "EndpointEngine",
    "Engine",
    "OxigraphEngine",
    "Param",
    "RdflibEngine",
    "Results",
    "SavedQuery",
    "bind_params",
    "get_query",
    "inject_values",
    "list_queries",
    "load_query_file",
    "normalise_term",
    "parse_header",
    "run_query",
]

PARAM_TYPES = ("string", "integer", "date", "iri")
LIMIT_PARAM = "limit"
"""The parameter :func:`run_query` applies by slicing the rows instead of binding it."""

_HEADER_KEYS = ("title", "description", "param", "example")
_FIELD = re.compile(r"^#\s*(?P<key>[A-Za-z]+)\s*:\s?(?P<value>.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[A-Za-z]+)"
    r"(?:\s*=\s*(?P<default>.*?))?(?:\s+(?:—|--)\s+(?P<description>.*))?$"
)
_QUERY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Param:
    """One declared parameter: its name (the query variable), type, default and description."""

    name: str
    type: str
    default: str | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def describe(self) -> str:
        """``author (string, required)`` or ``limit (integer, default 20)``."""
        if self.default is None:
            need = "required"
        elif self.type == "integer":
            need = f"default {self.default}"
        else:
            need = f"default {self.default!r}"
        return f"{self.name} ({self.type}, {need})"


@dataclass(frozen=True)
class SavedQuery:
    """A query file: its text and what its header declares."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    examples: tuple[str, ...] = ()
    source: str = ""

    @property
    def example(self) -> str:
        """The first example line, or ``""``."""
        return self.examples[0] if self.examples else ""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def describe_params(self) -> str:
        if not self.params:
            return f"query {self.name!r} takes no parameters"
        return f"query {self.name!r} takes: " + ", ".join(p.describe() for p in self.params)


@dataclass
class Results:
    """A SELECT result: variable names and rows of normalised rdflib terms (``None`` = unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


# --- reading query files ---------------------------------------------------------------------


def parse_header(text: str, *, source: str | Path) -> SavedQuery:
    """Read the comment header at the top of a query text (a file without one has no params).

    The header is the run of comment and blank lines before the first line of SPARQL; lines of
    the form ``# key: value`` with a known key are fields, other comments are left alone. The
    query is named after ``source``'s file stem.

    Raises:
        QueryError: a malformed ``param`` line, an unknown type, a default of the wrong type, a
            repeated parameter or a repeated title/description (the message names file and line).
    """
    fields: dict[str, str] = {}
    params: list[Param] = []
    examples: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        match = _FIELD.match(stripped)
        if match is None or match["key"].lower() not in _HEADER_KEYS:
            continue
        key, value = match["key"].lower(), match["value"]
        where = f"{source}:{number}"
        if key == "param":
            param = _parse_param(value, where=where)
            if any(p.name == param.name for p in params):
                raise QueryError(f"{where}: parameter {param.name!r} is declared twice")
            params.append(param)
        elif key == "example":
            examples.append(value)
        elif key in fields:
            raise QueryError(f"{where}: the header has a second {key!r} line")
        else:
            fields[key] = value
    return SavedQuery(
        name=Path(str(source)).stem,
        text=text,
        title=fields.get("title", ""),
        description=fields.get("description", ""),
        params=tuple(params),
        examples=tuple(examples),
        source=str(source),
    )


def _parse_param(value: str, *, where: str) -> Param:
    match = _PARAM.match(value)
    if match is None:
        raise QueryError(
            f"{where}: malformed param line {value!r}; expected "
            "'# param: NAME TYPE [= DEFAULT] — description'"
        )
    name, kind = match["name"], match["type"].lower()
    if kind not in PARAM_TYPES:
        raise QueryError(
            f"{where}: parameter {name!r} has unknown type {kind!r}; use one of {', '.join(PARAM_TYPES)}"
        )
    if name == LIMIT_PARAM and kind != "integer":
        raise QueryError(f"{where}: parameter {LIMIT_PARAM!r} must be an integer (it caps the rows)")
    default = match["default"]
    if default is not None:
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == '"':
            default = default[1:-1]
        try:
            _convert(Param(name, kind), default)
        except UsageError as exc:
            raise QueryError(f"{where}: bad default: {exc}") from None
    return Param(name, kind, default, (match["description"] or "").strip())


def load_query_file(path: str | Path) -> SavedQuery:
    """Read a user's own ``.rq`` file; its header is optional (without one it takes no params).

    Raises:
        QueryError: the file cannot be read or its header is malformed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QueryError(f"{path}: no such query file") from None
    except UnicodeDecodeError:
        raise QueryError(f"{path}: the query file is not UTF-8 text") from None
    except OSError as exc:
        raise QueryError(f"{path}: cannot read the query file ({exc.strerror or exc})") from None
    return parse_header(text, source=path)


def list_queries() -> list[SavedQuery]:
    """Every bundled saved query, sorted by name.

    Raises:
        QueryError: a bundled query file has a malformed header (a broken installation).
    """
    return [load_query_file(path) for path in sorted(queries_dir().glob("*.rq"), key=lambda p: p.stem)]


def get_query(name: str) -> SavedQuery:
    """The bundled query called ``name`` (``coauthors`` or ``coauthors.rq``).

    Raises:
        QueryError: no such query; the message lists the available names.
    """
    stem = name[:-3] if name.endswith(".rq") else name
    path = queries_dir() / f"{stem}.rq"
    if _QUERY_NAME.match(stem) and path.is_file():
        return load_query_file(path)
    available = sorted(p.stem for p in queries_dir().glob("*.rq"))
    close = difflib.get_close_matches(stem, available, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise QueryError(f"unknown query {name!r}; {hint}available: {', '.join(available)}")


# --- parameters --------------------------------------------------------------------------------


def bind_params(query: SavedQuery, raw: Mapping[str, str]) -> dict[str, Node]:
    """Turn ``NAME=value`` strings into RDF terms of the declared types, defaults filled in.

    Raises:
        UsageError: an unknown parameter, a missing required one, or a value of the wrong type;
            the message lists the query's parameters with their types.
    """
    unknown = [name for name in raw if query.param(name) is None]
    missing = [p.name for p in query.params if p.required and p.name not in raw]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append("unknown parameter " + ", ".join(repr(n) for n in unknown))
        if missing:
            problems.append("missing parameter " + ", ".join(repr(n) for n in missing))
        raise UsageError(f"{'; '.join(problems)}: {query.describe_params()}")
    bound: dict[str, Node] = {}
    for param in query.params:
        value = raw.get(param.name, param.default)
        if value is None:  # pragma: no cover - excluded by the check above
            continue
        bound[param.name] = _convert(param, value if isinstance(value, str) else str(value))
    return bound


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*$")


def _convert(param: Param, value: str) -> Node:
    what = f"parameter {param.name!r}"
    if param.type == "string":
        return Literal(value)
    if param.type == "integer":
        if not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise UsageError(f"{what} must be an integer, got {value!r}")
        return Literal(int(value))
    if param.type == "date":
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(f"{what} must be a date like 2024-05-02, got {value!r}") from None
        return Literal(day.isoformat(), datatype=XSD.date)
    if param.type == "iri":
        if not _IRI.match(value.strip()):
            raise UsageError(
                f"{what} must be an absolute IRI without spaces, quotes or angle brackets "
                f"(like https://w3id.org/scholarkg/arxiv/cs.LG), got {value!r}"
            )
        return URIRef(value.strip())
    raise QueryError(f"{what} has unknown type {param.type!r}")  # pragma: no cover


# --- running -----------------------------------------------------------------------------------


class Engine(Protocol):
    """Anything that runs a SELECT text with pre-bound variables."""

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results: ...


def run_query(query: SavedQuery, raw_params: Mapping[str, str], engine: Engine) -> Results:
    """Bind the parameters, run the query on ``engine`` and apply ``limit`` by slicing the rows.

    Raises:
        UsageError: bad parameters (see :func:`bind_params`) or a negative limit.
        QueryError: the query does not parse or is not a SELECT query.
        RemoteError: a remote endpoint failed (see :class:`EndpointEngine`).
    """
    bindings = bind_params(query, raw_params)
    limit: int | None = None
    if query.param(LIMIT_PARAM) is not None:
        limit = int(bindings.pop(LIMIT_PARAM))  # type: ignore[call-overload]
        if limit < 0:
            raise UsageError(f"parameter {LIMIT_PARAM!r} must be 0 or more, got {limit}")
    results = engine.select(query.text, bindings)
    if limit is not None:
        results = Results(results.variables, results.rows[:limit])
    return results


class RdflibEngine:
    """Runs queries in-process with rdflib; a :class:`~rdflib.Dataset` is queried with its
    default graph as the union of all its graphs (the object passed in is not changed)."""

    def __init__(self, graph: Graph | Dataset) -> None:
        if isinstance(graph, ConjunctiveGraph) and not graph.default_union:
            graph = Dataset(store=graph.store, default_union=True)
        self.graph = graph

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results:
        _require_select(text)
        try:
            result = self.graph.query(text, initBindings=_variables(bindings))
            variables = [str(v) for v in result.vars or ()]
            rows = [tuple(normalise_term(cell) for cell in row) for row in result]  # type: ignore[union-attr]
        except ParseException as exc:
            raise QueryError(f"the query does not parse: {_one_line(str(exc))}") from None
        except Exception as exc:  # rdflib raises assorted errors while evaluating
            raise QueryError(f"rdflib could not run the query: {_one_line(str(exc)) or exc!r}") from None
        return Results(variables, rows)


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
        _require_select(text)
        try:
            solutions = self.store.query(inject_values(text, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {_one_line(str(exc))}") from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"Oxigraph could not run the query: {_one_line(str(exc))}") from None
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise QueryError("only SELECT queries can be run")
        variables = [v.value for v in solutions.variables]
        rows = [tuple(_from_oxigraph(solution[name]) for name in variables) for solution in solutions]
        return Results(variables, rows)


class EndpointEngine:
    """Runs queries on a SPARQL 1.1 Protocol endpoint (``POST`` of ``query=``, JSON results).

    Parameters travel as a ``VALUES`` block of serialised terms placed at the opening of the
    query's ``WHERE`` group. Connection errors and HTTP 5xx are retried once.
    """

    def __init__(
        self, url: str, *, timeout: float = 30.0, auth: httpx.Auth | tuple[str, str] | None = None
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"the SPARQL endpoint must be an http(s) URL, got {_redact(url)!r}")
        self.url = url
        self.timeout = timeout
        self.auth = auth

    def select(self, text: str, bindings: Mapping[str, Node]) -> Results:
        _require_select(text)
        body = inject_values(text, bindings)
        where = _redact(self.url)
        headers = {"Accept": "application/sparql-results+json"}
        for attempt in (1, 2):
            try:
                response = httpx.post(
                    self.url, data={"query": body}, headers=headers, timeout=self.timeout, auth=self.auth
                )
            except httpx.TimeoutException:
                raise RemoteError(
                    f"the SPARQL endpoint {where} did not answer within {self.timeout:g} s"
                ) from None
            except httpx.ConnectError as exc:
                if attempt == 1:
                    time.sleep(0.2)
                    continue
                raise RemoteError(
                    f"cannot connect to the SPARQL endpoint {where}: {_reason(exc)} (tried twice)"
                ) from None
            except httpx.HTTPError as exc:
                raise RemoteError(f"request to the SPARQL endpoint {where} failed: {_reason(exc)}") from None
            if response.status_code >= 500 and attempt == 1:
                time.sleep(0.2)
                continue
            break
        return _parse_json_results(
            response, where=where, authenticated=self.auth is not None, tries=attempt
        )


def _parse_json_results(response: httpx.Response, *, where: str, authenticated: bool, tries: int) -> Results:
    status = response.status_code
    if status >= 300:
        detail = _one_line(re.sub(r"<[^>]*>", " ", response.text))[:200]
        tail = f": {detail}" if detail else ""
        if status in (401, 403):
            what = "refused the credentials" if authenticated else "requires credentials"
            raise RemoteError(f"the SPARQL endpoint {where} {what} (HTTP {status}{tail})")
        if status in (404, 405):
            raise RemoteError(
                f"no SPARQL query service at {where} (HTTP {status}{tail}); "
                "is this the query endpoint (Oxigraph .../query, Fuseki .../DATASET/sparql)?"
            )
        if status == 400:
            raise RemoteError(f"the SPARQL endpoint {where} rejected the query (HTTP 400{tail})")
        again = " (tried twice)" if tries > 1 else ""
        raise RemoteError(f"the SPARQL endpoint {where} failed (HTTP {status}{tail}){again}")
    try:
        document = response.json()
        names = [str(v) for v in document["head"].get("vars", [])]
        if "boolean" in document:
            raise QueryError("only SELECT queries can be run")
        bindings = document["results"]["bindings"]
        rows = [tuple(_from_json(binding.get(name)) for name in names) for binding in bindings]
    except (ValueError, KeyError, TypeError, AttributeError):
        kind = response.headers.get("Content-Type", "no content type")
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


# --- the VALUES block --------------------------------------------------------------------------


def inject_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with a ``VALUES`` block for ``bindings`` right after its first group opening.

    The opening brace is found outside comments, strings and IRIs; for a SELECT query it opens
    the ``WHERE`` group. Terms are serialised with escapes (never pasted), blank nodes refused.
    """
    variables = _variables(bindings)
    if not variables:
        return text
    names = " ".join(f"?{name}" for name in variables)
    terms = " ".join(_sparql_term(term) for term in variables.values())
    at = _scan(text).brace
    if at is None:
        raise QueryError("the query has no WHERE group to bind its parameters in")
    return f"{text[: at + 1]}\n  VALUES ({names}) {{ ({terms}) }}\n{text[at + 1 :]}"


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LANG = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")


def _sparql_term(term: Node) -> str:
    """A term in SPARQL syntax. Literals are written with ECHAR escapes in one short string
    (rdflib's ``n3()`` switches to a triple-quoted form for multi-line values that it does not
    always escape correctly); IRIs go through ``n3()`` after checking they hold no delimiter."""
    if isinstance(term, URIRef):
        if not _IRI.match(str(term)):
            raise QueryError(f"cannot send the IRI {str(term)!r} to an endpoint: it is not a valid IRI")
        return term.n3()
    if isinstance(term, Literal):
        quoted = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"cannot send the language tag {term.language!r}")
            return f"{quoted}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{quoted}^^{_sparql_term(URIRef(term.datatype))}"
        return quoted
    raise QueryError(f"cannot bind {term!r} in a VALUES block (only IRIs and literals)")


@dataclass(frozen=True)
class _Scan:
    form: str | None  # the first query-form keyword, upper case
    brace: int | None  # index of the first '{'


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE",
          "DROP", "COPY", "MOVE", "ADD", "WITH"}


def _scan(text: str) -> _Scan:
    """Find the query form and the first group-opening brace, skipping comments, strings, IRIs."""
    form: str | None = None
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'":
            i = _skip_string(text, i)
        elif ch == "<" and (iri := _IRIREF.match(text, i)):
            i = iri.end()
        elif ch == "{":
            return _Scan(form, i)
        elif ch in "?$":
            word = _WORD.match(text, i + 1)
            i = word.end() if word else i + 1
        elif word := _WORD.match(text, i):
            i = word.end()
            if form is None and word[0].upper() in _FORMS and not text.startswith(":", i):
                form = word[0].upper()
        else:
            i += 1
    return _Scan(form, None)


def _skip_string(text: str, i: int) -> int:
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text.startswith(quote, j):
            return j + len(quote)
        else:
            j += 1
    return j


def _require_select(text: str) -> None:
    form = _scan(text).form
    if form != "SELECT":
        what = f"a {form} request" if form else "not a SPARQL query"
        raise QueryError(f"only SELECT queries can be run; this is {what}")


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


def _variables(bindings: Mapping[str, Node]) -> dict[str, Node]:
    return {str(name).lstrip("?$"): term for name, term in bindings.items()}


# --- messages ----------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _reason(exc: BaseException) -> str:
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", _one_line(str(exc)))
    return text or type(exc).__name__


def _redact(url: str) -> str:
    """The URL without a user or password in it, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
