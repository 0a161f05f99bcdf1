"""Saved SPARQL queries: read them, bind their parameters as RDF terms, run them on an engine.

The work is split by what it does; everything public is importable from here:

* :mod:`scholarkg.query_files` — the ``queries/NAME.rq`` files: their comment header
  (title, description, ``param`` lines, examples), the bundled catalogue and the parameters
  turned into RDF terms of the declared types (:func:`bind_params`);
* :mod:`scholarkg.engines` — rdflib, pyoxigraph in process and a SPARQL 1.1 endpoint, each
  returning :class:`Results` of normalised rdflib terms so that engines compare equal;
* :mod:`scholarkg.sparql_text` — the ``VALUES`` block that carries parameters into a query text
  (never pasted), the ``LIMIT`` for the ``limit`` parameter, and the check that a text is a
  query (SELECT, ASK, CONSTRUCT or DESCRIBE), never an update.

SPARQL has no variable ``LIMIT``, so a parameter named ``limit`` is special: it is not bound in
the query; :func:`run_query` writes it as a ``LIMIT`` at the end of the query text, so that the
engine stops there and only the rows kept are converted or sent (a query with a ``LIMIT`` or a
trailing ``VALUES`` of its own gets its rows sliced instead, with the same result). A query can
also cut a ranking inside itself at the same limit: a ``# LIMIT ?limit`` comment line in a
sub-select becomes ``LIMIT n`` there, and stays a comment when no limit is written.

The default graph is the union of all graphs on every engine — but not the same union: rdflib
merges the graphs (a triple held by three page graphs is matched once) while Oxigraph, in process
or as a server, matches it once per graph. Saved queries are written for both: they count
``DISTINCT`` and select ``DISTINCT`` rows (or group), so a triple matched once per graph holding
it changes no answer.
"""

from __future__ import annotations

from collections.abc import Mapping

from scholarkg.engines import (
    Boolean,
    EndpointEngine,
    Engine,
    OxigraphEngine,
    QueryResult,
    RdflibEngine,
    Results,
    Triples,
    normalise_term,
)
from scholarkg.errors import UsageError
from scholarkg.query_files import (
    LIMIT_PARAM,
    PARAM_TYPES,
    Param,
    SavedQuery,
    bind_params,
    get_query,
    list_queries,
    load_query_file,
    parse_header,
)
from scholarkg.sparql_text import QUERY_FORMS, add_limit, fill_limit_markers, inject_values, query_form

__all__ = [
    "LIMIT_PARAM",
    "PARAM_TYPES",
    "QUERY_FORMS",
    "Boolean",
    "EndpointEngine",
    "Engine",
    "OxigraphEngine",
    "Param",
    "QueryResult",
    "RdflibEngine",
    "Results",
    "SavedQuery",
    "Triples",
    "bind_params",
    "get_query",
    "inject_values",
    "list_queries",
    "load_query_file",
    "normalise_term",
    "parse_header",
    "query_form",
    "run_query",
]


def run_query(query: SavedQuery, raw_params: Mapping[str, str], engine: Engine) -> QueryResult:
    """Bind the parameters, run the query on ``engine``, keep at most ``limit`` rows.

    Any query form runs (rows for SELECT, :class:`Boolean` for ASK, :class:`Triples` for
    CONSTRUCT and DESCRIBE); an update is refused before anything is sent.

    The ``limit`` goes into the query text as a ``LIMIT`` after its ``ORDER BY`` (see
    :func:`~scholarkg.sparql_text.add_limit`), which keeps the same rows as slicing the whole
    ordered result but spares the engine the rest; where it cannot go there, the rows are sliced.
    A ``# LIMIT ?limit`` comment line in the query becomes ``LIMIT limit`` as well (see
    :func:`~scholarkg.sparql_text.fill_limit_markers`): a ranking inside the query cut early.

    Raises:
        UsageError: bad parameters (see :func:`bind_params`) or a negative limit.
        QueryError: the query does not parse or is a SPARQL update.
        RemoteError: a remote endpoint failed (see :class:`EndpointEngine`).
    """
    bindings = bind_params(query, raw_params)
    limit: int | None = None
    if query.param(LIMIT_PARAM) is not None:
        limit = int(bindings.pop(LIMIT_PARAM))  # type: ignore[call-overload]
        if limit < 0:
            raise UsageError(f"parameter {LIMIT_PARAM!r} must be 0 or more, got {limit}")
    text = query.text
    if limit is not None:
        text = fill_limit_markers(text, limit)
        text = add_limit(text, limit) or text
    results = engine.run(text, bindings)
    if isinstance(results, Results) and limit is not None and len(results.rows) > limit:
        results = Results(results.variables, results.rows[:limit])
    return results
