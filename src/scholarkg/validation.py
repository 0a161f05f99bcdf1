"""SHACL validation with pyshacl, against the shapes in ``shapes/``.

Export validates record by record: a batch of pages is checked in one pyshacl call (fast), and
each failing result is traced back through its focus node to the record that wrote it, so only
that record is kept out — and reported with the shape's message, its file and its line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node

from scholarkg import shacl_speedups
from scholarkg.errors import InputError
from scholarkg.mapping import MappedRecord, Triple
from scholarkg.namespaces import SKG
from scholarkg.resources import shapes_dir

SH = Namespace("http://www.w3.org/ns/shacl#")


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
    conforms: bool
    violations: tuple[Violation, ...]
    report: Graph
    text: str


@cache
def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl`` in one graph, parsed once per process."""
    graph = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _violations(report: Graph) -> tuple[Violation, ...]:
    found = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
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
    return tuple(sorted(found, key=lambda v: (v.focus, v.path or "", v.message, v.value or "")))


def validate_graph(data: Graph, *, focus_nodes: Sequence[URIRef] | None = None) -> Outcome:
    """Validate any graph against the bundled shapes (inference off).

    ``focus_nodes`` limits the check to those nodes (pyshacl's own option): the export uses it
    to skip people, organisations and topics it has already checked.
    """
    shacl_speedups.install()
    options: dict[str, object] = {}
    if focus_nodes is not None:
        options["focus_nodes"] = list(focus_nodes)
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True,
        inplace=True,  # no inference, so nothing is added: skip pyshacl's defensive copy
        **options,
    )
    return Outcome(bool(conforms), _violations(report), report, str(text))


def validate_files(paths: Sequence[Path]) -> Outcome:
    """Load RDF files (format from the extension) into one graph and validate it."""
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
    return validate_graph(union)


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
    it is checked with pyshacl once per process.
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
) -> tuple[list[MappedRecord], list[Rejection], list[Violation]]:
    """Validate records in as few pyshacl calls as possible: kept records, rejected ones, and
    violations that no record wrote (on page-level nodes; the caller reports them).

    A result whose focus node a record *owns* (its paper, its authorships, the page it heads)
    rejects that record; a result on a shared node (a person, an organisation, a topic) rejects
    every record of the group that describes that node. With a ``cache``, records already
    found valid are not checked again.
    """
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
        graph = Graph()
        for triple in page_triples:
            graph.add(triple)
        describes: dict[Node, list[int]] = {}
        for index in members:
            record = records[index]
            for triple in (*record.triples(), *record.context):
                graph.add(triple)
                describes.setdefault(triple[0], []).append(index)
            for node in record.owned:
                describes.setdefault(node, []).append(index)
        # No focus_nodes: pyshacl filters them with a list scan per shape, which made the
        # check twice as slow as simply validating the whole (small) batch graph.
        outcome = validate_graph(graph)
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
