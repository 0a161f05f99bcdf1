"""Edits of a SPARQL query text that keep it a valid query: a ``VALUES`` block for the parameters,
a ``LIMIT`` for the ``limit`` parameter (at the end, and wherever a ``# LIMIT ?limit`` comment line
asks for it), and the check that a text is a query (``SELECT``, ``ASK``, ``CONSTRUCT`` or
``DESCRIBE``), never an update.

The check is made by a SPARQL parser (rdflib's), on the very text that is sent. The edits read
the text just enough to place what they add: comments, strings and IRIs are skipped, so a brace
or a keyword inside them is never taken for query syntax; whatever they produce is checked.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.term import Node

from scholarkg.errors import QueryError

__all__ = [
    "IRI",
    "MAX_LIMIT",
    "QUERY_FORMS",
    "add_limit",
    "bound_query_form",
    "fill_limit_markers",
    "inject_values",
    "query_form",
    "require_select",
    "variables",
]

IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*$")
"""An absolute IRI without spaces, quotes, angle brackets or other delimiters."""

MAX_LIMIT = 2**31 - 1
"""The largest ``LIMIT`` written into a query text; a larger cap is applied by slicing the rows
(some engines read ``LIMIT`` into a 32- or 64-bit integer)."""


def variables(bindings: Mapping[str, Node]) -> dict[str, Node]:
    """The bindings keyed by plain variable names (``?author`` and ``$author`` → ``author``)."""
    return {str(name).lstrip("?$"): term for name, term in bindings.items()}


# --- the VALUES block --------------------------------------------------------------------------


def inject_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with a ``VALUES`` block for ``bindings`` right after its first group opening.

    The opening brace is found outside comments, strings and IRIs; for a SELECT query it opens
    the ``WHERE`` group. Terms are serialised with escapes (never pasted), blank nodes refused.
    """
    named = variables(bindings)
    if not named:
        return text
    names = " ".join(f"?{name}" for name in named)
    terms = " ".join(_sparql_term(term) for term in named.values())
    at = _where_opening(text)
    if at is None:
        raise QueryError("the query has no WHERE group to bind its parameters in")
    return f"{text[: at + 1]}\n  VALUES ({names}) {{ ({terms}) }}\n{text[at + 1 :]}"


def _where_opening(text: str) -> int | None:
    """Where the ``WHERE`` group opens: the first group, except in a ``CONSTRUCT`` query with a
    template, whose first group is the template (the parsed query says which form it is)."""
    form, problem, template = _parsed(text)
    if problem is None and form == "CONSTRUCT":
        if not template:
            raise QueryError(
                "parameters cannot be bound in the short form CONSTRUCT WHERE { ... }; "
                "write CONSTRUCT { template } WHERE { ... }"
            )
        openings = _scan(text, whole=True).openings
        return openings[1] if len(openings) > 1 else None
    return _scan(text).brace


_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LANG = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")


def _sparql_term(term: Node) -> str:
    """A term in SPARQL syntax. Literals are written with ECHAR escapes in one short string
    (rdflib's ``n3()`` switches to a triple-quoted form for multi-line values that it does not
    always escape correctly); IRIs go through ``n3()`` after checking they hold no delimiter."""
    if isinstance(term, URIRef):
        if not IRI.match(str(term)):
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


# --- LIMIT -------------------------------------------------------------------------------------


def add_limit(text: str, limit: int) -> str | None:
    """``text`` with ``LIMIT limit`` after its solution modifiers, or ``None`` when that is not
    certain to be valid and mean the same as keeping the first ``limit`` rows.

    It is ``None`` when the query has a ``LIMIT`` of its own, a ``VALUES`` block or any other
    group after its ``WHERE`` group (a ``LIMIT`` must come before them), no closed ``WHERE``
    group, or when ``limit`` is above :data:`MAX_LIMIT`. A ``LIMIT`` after the query's
    ``ORDER BY`` and ``DISTINCT`` keeps exactly the rows that slicing the whole result would.
    """
    if not 0 <= limit <= MAX_LIMIT:
        return None
    scan = _scan(text, whole=True)
    if scan.end is None or scan.tail_group or {"LIMIT", "VALUES"} & scan.tail_words:
        return None
    return f"{text.rstrip()}\nLIMIT {limit}\n"


_MARKER = re.compile(r"^(?P<indent>[ \t]*)#[ \t]*LIMIT[ \t]+\?limit[ \t]*(?P<cr>\r?)$", re.MULTILINE)


def fill_limit_markers(text: str, limit: int) -> str:
    """``text`` with every ``# LIMIT ?limit`` comment line turned into ``LIMIT limit``.

    A query whose answer is the first rows of a ranking can rank something smaller first
    (papers before their rows, say) and cut that ranking at the same limit, so that the engine
    sorts a few rows instead of all of them; the query file asks for it with this comment line
    in the sub-select to cut. Being a comment, it leaves the query valid and whole where it is
    run without a limit, or with one above :data:`MAX_LIMIT` (the text is then returned as it
    is). A marker inside a string is text, not a comment, and is left alone.
    """
    if not 0 <= limit <= MAX_LIMIT:
        return text
    comments = _scan(text, whole=True).comments

    def fill(match: re.Match[str]) -> str:
        if match.start() + len(match["indent"]) not in comments:
            return match[0]
        return f"{match['indent']}LIMIT {limit}{match['cr']}"

    return _MARKER.sub(fill, text)


# --- reading the text --------------------------------------------------------------------------


QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
"""The query forms scholarkg runs; anything else (every SPARQL update) is refused."""


def query_form(text: str) -> str:
    """The form of the query ``text`` (one of :data:`QUERY_FORMS`), as a SPARQL parser reads it.

    The decision is rdflib's SPARQL 1.1 grammar, never a scan of the text: a text is run only
    when it parses as a whole ``Query``. An update (``INSERT DATA``, ``CLEAR GRAPH`` ...) is
    refused however it is dressed (a prefix named ``a.SELECT.b:``, a comment, a string).
    Verdicts are cached by text (a parse takes tens of milliseconds).

    Raises:
        QueryError: naming the update and its first operation, or where the text does not parse.
    """
    form, problem, _ = _parsed(text)
    if problem is not None:
        raise QueryError(problem)
    assert form is not None
    return form


_BOUND = URIRef("urn:x-scholarkg:bound-parameter")


def bound_query_form(text: str, bindings: Mapping[str, Node]) -> str:
    """:func:`query_form` of ``inject_values(text, bindings)``, decided once per query text and
    set of parameter names rather than once per set of values.

    The parser reads the text with every parameter bound to one placeholder IRI. That verdict
    holds for any values: :func:`inject_values` writes each value as one escaped RDF term (its
    own :func:`_sparql_term` check refuses what cannot be one), and a ``VALUES`` row of terms
    is the same grammar whatever the terms are. Without this, every new value cost a parse
    (25-110 ms), which made each page of ``scholarkg serve`` pay for several parses.

    Raises:
        QueryError: as :func:`query_form`.
    """
    return query_form(inject_values(text, dict.fromkeys(bindings, _BOUND)))


def require_select(text: str, bindings: Mapping[str, Node] | None = None) -> None:
    """Refuse anything but a SELECT query, as a SPARQL parser reads it (see :func:`query_form`;
    with ``bindings``, the text as :func:`inject_values` will send it, see
    :func:`bound_query_form`); for callers that want rows, whatever the text is.

    Raises:
        QueryError: naming what the text is (an update and its first operation, another query
            form) or where it does not parse.
    """
    form = bound_query_form(text, bindings) if bindings else query_form(text)
    if form != "SELECT":
        raise QueryError(
            f"only SELECT queries can be run here; this is {'an' if form == 'ASK' else 'a'} {form} query"
        )


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> tuple[str | None, str | None, bool]:
    """(form, problem, whether a CONSTRUCT has a template) of ``text``; problem ``None`` = a query."""
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        update = _update_operation(text)
        if update is not None:
            return None, (
                f"only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) can be run; this is a SPARQL "
                f"update ({update}), which is refused and not sent anywhere"
            ), False
        return None, f"the query does not parse: {' '.join(str(exc).split())}", False
    form = tree[1].name.removesuffix("Query").upper()
    return form, None, "template" in tree[1]


def _update_operation(text: str) -> str | None:
    """The first operation of ``text`` as SPARQL spells it (``INSERT DATA``), or ``None`` when
    ``text`` is not a SPARQL update either."""
    try:
        request = parseUpdate(text)
    except ParseException:
        return None
    for part in request.get("request", []):
        name = getattr(part, "name", "")
        if name:
            return {"Modify": "DELETE/INSERT"}.get(name, re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).upper())
    return "no operation"


@dataclass(frozen=True)
class _Scan:
    brace: int | None  # index of the first '{' (the WHERE group of a SELECT query)
    end: int | None = None  # index just past the '}' that closes that group
    tail_words: frozenset[str] = frozenset()  # keywords after it, upper case
    tail_group: bool = False  # a '{' after it (VALUES, EXISTS in HAVING or ORDER BY, ...)
    comments: frozenset[int] = frozenset()  # where each '#' comment starts (with ``whole``)
    openings: tuple[int, ...] = ()  # where each top-level group opens (with ``whole``)


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _scan(text: str, *, whole: bool = False) -> _Scan:
    """Find the first group-opening brace, skipping comments, strings, IRIs;
    with ``whole``, also where that group closes, the keywords and groups after it, and where
    the comments start."""
    brace: int | None = None
    end: int | None = None
    depth = 0
    tail_words: set[str] = set()
    tail_group = False
    comments: set[int] = set()
    openings: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            comments.add(i)
            stop = text.find("\n", i)
            i = n if stop < 0 else stop + 1
        elif ch in "\"'":
            i = _skip_string(text, i)
        elif ch == "<" and (iri := _IRIREF.match(text, i)):
            i = iri.end()
        elif ch == "{":
            if depth == 0:
                openings.append(i)
            if brace is None:
                brace = i
                if not whole:
                    break
            elif end is not None and depth == 0:
                tail_group = True
            depth += 1
            i += 1
        elif ch == "}":
            depth -= 1
            i += 1
            if depth == 0 and end is None and brace is not None:
                end = i
        elif ch in "?$":
            word = _WORD.match(text, i + 1)
            i = word.end() if word else i + 1
        elif word := _WORD.match(text, i):
            i = word.end()
            prefixed = text.startswith(":", i) or text[word.start() - 1 : word.start()] == ":"
            if prefixed:
                continue
            if end is not None and depth == 0:
                tail_words.add(word[0].upper())
        else:
            i += 1
    return _Scan(brace, end, frozenset(tail_words), tail_group, frozenset(comments), tuple(openings))


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
