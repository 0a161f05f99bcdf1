"""SHACL validation against the shapes in ``shapes/``, with a fast engine or with pyshacl.

The default validator (``fast``, :mod:`scholarkg.fast_shacl`) runs SHACL Core in the ``shacl``
engine and the one SPARQL constraint as one query in Oxigraph; ``pyshacl`` is the reference
it is tested against (``tests/test_fast_shacl.py``) and stays selectable (``--validator
pyshacl``). Export validates record by record: a batch of pages is checked in one call, and
each failing result is traced back through its focus node to the record that wrote it, so only
that record is kept out — and reported with the shape's message, its file and its line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from scholarkg import fast_shacl
from scholarkg.errors import InputError, UsageError
from scholarkg.mapping import MappedRecord, Triple
from scholarkg.namespaces import SKG
from scholarkg.resources import shapes_dir
from scholarkg.serialize import nt_term

SH = Namespace("http://www.w3.org/ns/shacl#")

Validator = Literal["fast", "pyshacl"]
VALIDATORS: tuple[Validator, ...] = ("fast", "pyshacl")
DEFAULT_VALIDATOR: Validator = "fast"


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words a user can act on."""

    focus: str
    path: str | None
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.message}{where}"


@dataclass(frozen=True)
class Outcome:
    """Whether the graph conforms, its violations, and the SHACL report graph when asked for."""

    conforms: bool
    violations: tuple[Violation, ...]
    report: Graph | None = None


@cache
def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl`` in one graph, parsed once per process."""
    graph = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def _compiled() -> fast_shacl.Compiled:
    """The shapes compiled for the fast engine, once per process."""
    return fast_shacl.compile_shapes(shapes_graph())


def _check_validator(validator: str) -> None:
    if validator not in VALIDATORS:
        raise UsageError(f"unknown validator {validator!r}; choose one of {', '.join(VALIDATORS)}")


def _sorted(found: Iterable[Violation]) -> tuple[Violation, ...]:
    return tuple(sorted(found, key=lambda v: (v.focus, v.path or "", v.message, v.value or "")))


def _violations(report: Graph) -> tuple[Violation, ...]:
    found = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        if (None, SH.result, result) not in report:
            continue  # nested under sh:detail (pyshacl only): its top-level result is reported
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        found.append(Violation(
            focus=str(focus),
            path=None if path is None or not isinstance(path, URIRef) else str(path),
            message=str(message) if message is not None else "does not conform to the shapes",
            value=None if value is None else str(value),
        ))
    return _sorted(found)


def _plain_term(nt: str) -> str:
    """An N-Triples IRI or blank node as ``str()`` of the rdflib term would give it."""
    if nt.startswith("<") and nt.endswith(">"):
        return nt[1:-1]
    return nt.removeprefix("_:")


def _fast(ntriples: str | None, *, path: Path | None = None, store: ox.Store | None = None,
          query_ntriples: str | None = None, report: bool = False) -> Outcome:
    conforms, results, text = fast_shacl.validate(
        _compiled(), ntriples, path=None if path is None else str(path), store=store,
        query_ntriples=query_ntriples, report=report)
    found = [
        Violation(
            focus=_plain_term(r.focus),
            path=r.path[1:-1] if r.path and r.path.startswith("<") and r.path.endswith(">") else None,
            message=r.message if r.message is not None else "does not conform to the shapes",
            value=r.value_plain,
        )
        for r in results
    ]
    graph = Graph().parse(data=text, format="nt") if text is not None else None
    return Outcome(conforms, _sorted(found), graph)


def _pyshacl(data: Graph) -> Outcome:
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True,
        inplace=True,  # no inference, so nothing is added: skip pyshacl's defensive copy
    )
    return Outcome(bool(conforms), _violations(report), report)


def validate_graph(data: Graph, *, validator: Validator = DEFAULT_VALIDATOR,
                   report: bool = False) -> Outcome:
    """Validate any graph against the bundled shapes (inference off).

    ``report`` also returns the SHACL report graph (pyshacl always builds one).
    """
    _check_validator(validator)
    if validator == "pyshacl":
        return _pyshacl(data)
    return _fast(data.serialize(format="nt"), report=report)


def _validate_triples(triples: Sequence[Triple], *, validator: Validator) -> Outcome:
    """Validate a batch of triples; the fast engine gets them as text, never as a Graph, and
    its queries only the triples they read."""
    if validator == "pyshacl":
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        return _pyshacl(graph)
    read, classes = _query_filter()
    classes = classes | {s for s, p, _ in triples if p == RDFS.subClassOf}
    lines = [f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples]
    queried = [line for line, (_, p, o) in zip(lines, triples, strict=True)
               if p in read and (p != RDF.type or o in classes)]
    return _fast("".join(lines), query_ntriples="".join(queried))


@cache
def _query_filter() -> tuple[frozenset[URIRef], frozenset[URIRef]]:
    """The predicates the fast validator's queries read, and the classes whose rdf:type
    triples they need (plus any class with an rdfs:subClassOf triple in the batch)."""
    compiled = _compiled()
    return (frozenset(URIRef(p) for p in compiled.query_predicates),
            frozenset(URIRef(c) for c in compiled.query_classes))


def _read_with_rdflib(paths: Sequence[Path]) -> Graph:
    from rdflib import Dataset

    data = Dataset(default_union=True)
    for path in paths:
        try:
            data.parse(path)
        except FileNotFoundError:
            raise InputError("no such file", path=path) from None
        except Exception as exc:  # rdflib raises many parser-specific types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"cannot read RDF: {first}", path=path) from None
    union = Graph()
    for triple in data.triples((None, None, None)):
        union.add(triple)
    return union


def _read_with_oxigraph(paths: Sequence[Path]) -> ox.Store:
    """Every file into one in-memory store (each file's named graphs kept; queries read the
    union). Parsing in Rust: a 10k export (2.8M triples) loads in seconds, not minutes."""
    store = ox.Store()
    for path in paths:
        rdf_format = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
        try:
            with path.open("rb") as handle:
                # relative IRIs resolve against the file, as rdflib resolves them
                store.bulk_load(handle, rdf_format, base_iri=path.resolve().as_uri())
        except FileNotFoundError:
            raise InputError("no such file", path=path) from None
        except IsADirectoryError:
            raise InputError("is a folder, not an RDF file", path=path) from None
        except (SyntaxError, ValueError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"cannot read RDF: {first}", path=path) from None
    return store


_ENGINE_READS = frozenset({".nt", ".ttl"})


def validate_files(paths: Sequence[Path], *, validator: Validator = DEFAULT_VALIDATOR,
                   report: bool = False) -> Outcome:
    """Load RDF files (format from the extension) into one graph and validate it.

    Raises InputError naming the file that is missing or cannot be parsed.
    """
    _check_validator(validator)
    if validator == "pyshacl":
        return _pyshacl(_read_with_rdflib(paths))
    store = _read_with_oxigraph(paths)
    if len(paths) == 1 and paths[0].suffix.lower() in _ENGINE_READS:
        # One file the engine parses itself: no copy of the graph as one big string.
        return _fast(None, path=paths[0], store=store, report=report)
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    ntriples = union.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8")  # type: ignore[union-attr]
    return _fast(ntriples, store=store, report=report)


@dataclass
class Rejection:
    record: MappedRecord
    violations: list[Violation]


def _rounds(records: Sequence[MappedRecord]) -> list[list[int]]:
    """Group record indexes so that no two records in a group describe the same paper.

    The same paper listed on two pages of one batch must be checked separately: together, two
    honest records would look like one paper with two dates.
    """
    rounds: list[tuple[set[URIRef], list[int]]] = []
    for index, record in enumerate(records):
        for owned, members in rounds:
            if owned.isdisjoint(record.owned):
                owned |= record.owned
                members.append(index)
                break
        else:
            rounds.append((set(record.owned), [index]))
    return [members for _, members in rounds]


class ValidationCache:
    """The records this process has already checked and found valid.

    A paper listed on three pages is the same record three times (only its page link differs):
    it is checked once per process.
    """

    def __init__(self) -> None:
        self.records: set[str] = set()

    @staticmethod
    def key(record: MappedRecord) -> str:
        """The record's mapping fingerprint; for a record built by hand, a digest of its triples
        without the page link (sorting and hashing every triple was 15% of validation time)."""
        if record.fingerprint:
            return record.fingerprint
        digest = hashlib.blake2b(digest_size=16)
        for triple in sorted(t for t in record.triples() if t[1] != SKG.lists):
            digest.update(repr(triple).encode("utf-8"))
        return digest.hexdigest()


def check_records(
    page_triples: Sequence[Triple],
    records: Sequence[MappedRecord],
    *,
    cache: ValidationCache | None = None,
    validator: Validator = DEFAULT_VALIDATOR,
) -> tuple[list[MappedRecord], list[Rejection], list[Violation]]:
    """Validate records in as few validator calls as possible: kept records, rejected ones, and
    violations that no record wrote (on page-level nodes; the caller reports them).

    A result whose focus node a record *owns* (its paper, its authorships, the page it heads)
    rejects that record; a result on a shared node (a person, an organisation, a topic) rejects
    every record of the group that describes that node. With a ``cache``, records already
    found valid are not checked again.
    """
    _check_validator(validator)
    cache = cache if cache is not None else ValidationCache()
    keys = {i: cache.key(r) for i, r in enumerate(records)}
    # One representative per distinct record: the same paper printed the same way on three
    # pages of the batch is checked once and its verdict shared.
    representative: dict[str, int] = {}
    for i in range(len(records)):
        if keys[i] not in cache.records:
            representative.setdefault(keys[i], i)
    todo = sorted(representative.values())
    failing: dict[int, list[Violation]] = {}
    unattributed: list[Violation] = []
    for n, members in enumerate(_rounds([records[i] for i in todo]) or [[]]):
        # A later round mostly holds the same paper from another page of this batch: skip the
        # ones an earlier round has just found valid.
        members = [todo[m] for m in members if n == 0 or keys[todo[m]] not in cache.records]
        if n > 0 and not members:
            continue
        batch: list[Triple] = list(page_triples)
        describes: dict[Node, list[int]] = {}
        for index in members:
            record = records[index]
            for triple in (*record.triples(), *record.context):
                batch.append(triple)
                describes.setdefault(triple[0], []).append(index)
            for node in record.owned:
                describes.setdefault(node, []).append(index)
        outcome = _validate_triples(batch, validator=validator)
        for violation in outcome.violations:
            owners = sorted(set(describes.get(URIRef(violation.focus), [])))
            if not owners and n == 0:
                unattributed.append(violation)
            for index in owners:
                failing.setdefault(index, []).append(violation)
        cache.records.update(keys[index] for index in members if index not in failing)
    for i in range(len(records)):  # copies share their representative's verdict
        rep = representative.get(keys[i], i)
        if rep != i and rep in failing:
            failing[i] = failing[rep]
    kept = [r for i, r in enumerate(records) if i not in failing]
    rejected = [Rejection(records[i], failing[i]) for i in sorted(failing)]
    return kept, rejected, unattributed
