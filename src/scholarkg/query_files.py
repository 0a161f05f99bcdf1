"""Saved query files: the comment header, the bundled catalogue, parameters bound as RDF terms.

A saved query is a ``queries/NAME.rq`` file that opens with a comment header::

    # title: Coauthors of an author
    # description: People who share papers with the author, most joint papers first.
    # param: author string — the author's name, matched case-insensitively
    # param: limit integer = 20 — at most this many rows
    # example: scholarkg query coauthors --param author="Ritika Borkar"

A ``param`` line reads ``NAME TYPE [= DEFAULT] — description``; the types are ``string``,
``integer``, ``date`` and ``iri``. A parameter without a default is required. Values become RDF
terms of the declared type (:func:`bind_params`); how an engine binds them is in
:mod:`scholarkg.engines`, how ``limit`` is applied in :func:`scholarkg.queries.run_query`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from scholarkg.errors import QueryError, UsageError
from scholarkg.resources import queries_dir
from scholarkg.sparql_text import IRI

__all__ = [
    "LIMIT_PARAM",
    "PARAM_TYPES",
    "Param",
    "SavedQuery",
    "bind_params",
    "get_query",
    "list_queries",
    "load_query_file",
    "parse_header",
]

PARAM_TYPES = ("string", "integer", "date", "iri")
LIMIT_PARAM = "limit"
"""The parameter that caps the rows (:func:`scholarkg.queries.run_query`); never bound in the query."""

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
        if not IRI.match(value.strip()):
            raise UsageError(
                f"{what} must be an absolute IRI without spaces, quotes or angle brackets "
                f"(like https://w3id.org/scholarkg/arxiv/cs.LG), got {value!r}"
            )
        return URIRef(value.strip())
    raise QueryError(f"{what} has unknown type {param.type!r}")  # pragma: no cover
