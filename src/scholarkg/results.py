"""Write query :class:`~scholarkg.queries.Results` as a table, CSV, TSV or SPARQL JSON.

* ``table`` — for people: aligned columns (numbers to the right), a header and a separator line,
  IRIs shortened with the model's prefixes (``arxiv:cs.LG``, ``id:paper/…``), literals as plain
  text, a final ``(N rows)`` line.
* ``csv`` — the SPARQL 1.1 Query Results CSV format: plain values, CRLF line ends.
* ``tsv`` — the SPARQL 1.1 Query Results TSV format: ``?var`` header, terms in Turtle syntax.
* ``json`` — the SPARQL 1.1 Query Results JSON format.

An ASK answer is ``true`` or ``false`` in ``table``, ``{"head": {}, "boolean": ...}`` in
``json``; CSV and TSV have no boolean form in SPARQL 1.1, so they are refused for it. A
CONSTRUCT or DESCRIBE graph is written by pyoxigraph's serialisers as ``turtle`` (the default,
with the model's prefixes), ``ntriples`` or ``jsonld``; the row formats are refused for it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping

import pyoxigraph
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from scholarkg.errors import UsageError
from scholarkg.namespaces import DEFAULT_BASE, PREFIXES
from scholarkg.queries import Boolean, QueryResult, Results, Triples

__all__ = ["ALL_FORMATS", "FORMATS", "GRAPH_FORMATS", "format_for", "format_results"]

FORMATS = ("table", "csv", "tsv", "json")
"""Formats for rows (SELECT); ``table`` and ``json`` also for ASK."""

GRAPH_FORMATS = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}
"""Formats for a graph (CONSTRUCT, DESCRIBE), the first the default."""

ALL_FORMATS = (*FORMATS, *GRAPH_FORMATS)


def format_for(form: str, fmt: str | None) -> str:
    """The format to write a ``form`` query's answer in: ``fmt``, or by default ``table`` for
    SELECT and ASK and ``turtle`` for a graph; refused when it cannot hold that answer, which is
    known before the query runs.

    Raises:
        UsageError: a format that does not fit the query form, in one line naming those that do.
    """
    graph = form in ("CONSTRUCT", "DESCRIBE")
    if fmt is None:
        return "turtle" if graph else "table"
    if fmt not in ALL_FORMATS:
        raise UsageError(f"unknown results format {fmt!r}; use one of {', '.join(ALL_FORMATS)}")
    fits = tuple(GRAPH_FORMATS) if graph else ("table", "json") if form == "ASK" else FORMATS
    if fmt not in fits:
        what = "an RDF graph" if graph else "true or false" if form == "ASK" else "rows"
        raise UsageError(
            f"--format {fmt} cannot hold the answer of {'an' if form == 'ASK' else 'a'} {form} "
            f"query ({what}); use --format {'|'.join(fits)}"
        )
    return fmt

_NUMERIC = frozenset(
    XSD[name]
    for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                 "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                 "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")
)


def format_results(results: QueryResult, fmt: str, *, prefixes: Mapping[str, str] | None = None) -> str:
    """The results as text in format ``fmt`` (one that :func:`format_for` allows for them).

    ``prefixes`` (prefix → namespace IRI) shortens IRIs in the table and in Turtle; by default
    the model's prefixes and ``id:`` for the default ``--base``.

    Raises:
        UsageError: an unknown format, or one that cannot hold these results.
    """
    chosen = _default_prefixes() if prefixes is None else dict(prefixes)
    if isinstance(results, Boolean):
        format_for("ASK", fmt)
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": results.value}) + "\n"
        return ("true" if results.value else "false") + "\n"
    if isinstance(results, Triples):
        syntax = GRAPH_FORMATS[format_for("CONSTRUCT", fmt)]
        kept = _used_prefixes(results, chosen) if syntax == pyoxigraph.RdfFormat.TURTLE else None
        written = pyoxigraph.serialize(results.triples, format=syntax, prefixes=kept)
        assert written is not None
        text = written.decode("utf-8")
        return text if text.endswith("\n") or not text else text + "\n"
    format_for("SELECT", fmt)
    if fmt == "table":
        return _table(results, chosen)
    if fmt == "csv":
        return _csv(results)
    if fmt == "tsv":
        return _tsv(results)
    return _json(results)


_IMPLICIT = frozenset((str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))


def _used_prefixes(results: Triples, prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes some IRI of the graph starts with, so the Turtle declares only those."""
    iris = set()
    for triple in results.triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
            elif isinstance(term, pyoxigraph.Literal) and term.datatype.value not in _IMPLICIT:
                iris.add(term.datatype.value)
    namespaces = {iri[: iri.rfind("/") + 1] for iri in iris} | {iri[: iri.rfind("#") + 1] for iri in iris}
    return {p: ns for p, ns in prefixes.items() if any(space.startswith(ns) for space in namespaces)}


# --- table -------------------------------------------------------------------------------------


def _default_prefixes() -> dict[str, str]:
    return {**PREFIXES, "id": DEFAULT_BASE}


_LOCAL = re.compile(r"^[^\s<>\"{}|^`\\]+$")


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(prefixes.get(best, "")) and _LOCAL.match(
            iri[len(namespace) :]
        ):
            best = prefix
    return f"{best}:{iri[len(prefixes[best]) :]}" if best else f"<{iri}>"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(text: str) -> str:
    """Control characters shown as escapes, so one value stays on one line of the table."""
    shown = []
    for ch in text:
        if ch in _ESCAPES:
            shown.append(_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            shown.append(ch)
        else:
            shown.append(f"\\u{ord(ch):04x}")
    return "".join(shown)


def _width(text: str) -> int:
    """Columns the text takes on a terminal: wide East Asian characters count 2, marks 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cell(term: Node | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return _compact(str(term), prefixes)
    if isinstance(term, BNode):
        return f"_:{term}"
    return _visible(str(term))


def _table(results: Results, prefixes: Mapping[str, str]) -> str:
    header = list(results.variables)
    cells = [[_cell(term, prefixes) for term in row] for row in results.rows]
    widths = [max([_width(name)] + [_width(row[i]) for row in cells]) for i, name in enumerate(header)]
    right = [
        any(row[i] is not None for row in results.rows)
        and all(row[i] is None or (isinstance(row[i], Literal) and row[i].datatype in _NUMERIC)
                for row in results.rows)
        for i in range(len(header))
    ]

    def line(values: list[str]) -> str:
        padded = []
        for value, width, to_right in zip(values, widths, right, strict=True):
            pad = " " * (width - _width(value))
            padded.append(pad + value if to_right else value + pad)
        return "  ".join(padded).rstrip()

    lines = []
    if header:
        lines.append(line(header))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend(line(row) for row in cells)
    count = len(results.rows)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines) + "\n"


# --- CSV and TSV -------------------------------------------------------------------------------


def _plain(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv(results: Results) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(results.variables)
    for row in results.rows:
        writer.writerow([_plain(term) for term in row])
    return out.getvalue()


_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TURTLE_NUMBER = {
    XSD.integer: re.compile(r"^[+-]?\d+$"),
    XSD.decimal: re.compile(r"^[+-]?\d*\.\d+$"),
    XSD.double: re.compile(r"^[+-]?(\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)$"),
}


def _turtle(term: Node | None) -> str:
    """A term in Turtle syntax on one line (tabs and line breaks escaped), as TSV wants it."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    lexical = str(term)
    if term.datatype in _TURTLE_NUMBER and _TURTLE_NUMBER[term.datatype].match(lexical):
        return lexical
    if term.datatype == XSD.boolean and lexical in ("true", "false"):
        return lexical
    quoted = '"' + "".join(_TSV_ESCAPES.get(ch, ch) for ch in lexical) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"{quoted}^^<{term.datatype}>"
    return quoted


def _tsv(results: Results) -> str:
    lines = ["\t".join(f"?{name}" for name in results.variables)]
    lines.extend("\t".join(_turtle(term) for term in row) for row in results.rows)
    return "\n".join(lines) + "\n"


# --- JSON --------------------------------------------------------------------------------------


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        cell["datatype"] = str(term.datatype)
    return cell


def _json(results: Results) -> str:
    document = {
        "head": {"vars": list(results.variables)},
        "results": {
            "bindings": [
                {name: _json_term(term) for name, term in zip(results.variables, row, strict=True)
                 if term is not None}
                for row in results.rows
            ]
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
