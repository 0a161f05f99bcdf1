"""The per-chunk work: parse and map a chunk of pages, validate the records it owns, and turn
what is kept into N-Quads text for the merge.

A chunk is handled in two steps so that the parent can decide, between them, which records
the chunk owns (see :mod:`scholarkg.export.pipeline`): :meth:`ChunkWorker.map_chunk` parses
and maps, keeps the rdflib records here and returns only their fingerprints;
:meth:`ChunkWorker.finish_chunk` validates the owned ones and returns the merge form. Text,
not rdflib terms, crosses the process boundary: it pickles in one piece and the store parses
it in Rust, where converting term by term in the merge process took a third of the export's
time.

In a worker process one :class:`ChunkWorker` lives for the whole run (:func:`start`); the
module-level functions are the tasks the executor sends it. With ``--jobs 1`` the parent
calls a :class:`ChunkWorker` of its own directly.
"""

from __future__ import annotations

import gc
import hashlib
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholarkg.errors import InputError
from scholarkg.export.report import ExportOptions, Notice
from scholarkg.mapping import PAPER_CLAIMS, MappedRecord, Minter, Triple, map_page
from scholarkg.namespaces import SCHEMA
from scholarkg.parse import RunEvidence, Source, collect_names_from_files, parse_file
from scholarkg.serialize import nquads
from scholarkg.validation import Rejection, ValidationCache, Validator, Violation, check_records


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a worker needs for the whole run, given once when it starts."""

    options: ExportOptions
    named_graphs: bool  # page graphs for a TriG/N-Quads file, one merged graph otherwise


@dataclass
class Part:
    """A kept record as the merge needs it: N-Quads text and digests of its single-valued facts."""

    kind: str
    line: int | None
    label: str
    key: str
    claims: tuple[bytes | None, ...] = ()
    core: str = ""
    shared: str = ""
    optional: dict[str, str] = field(default_factory=dict)
    check: str = ""  # validation fingerprint, when the merge must look the verdict up or keep it
    authors: tuple[str, ...] = ()  # a paper's author names, for the collaboration table
    rejection: str = ""  # why the shapes rejected it, when this chunk checked it


@dataclass
class PageResult:
    source: Source
    error: str | None = None
    problems: list[Notice] = field(default_factory=list)
    page_triples: list[Triple] = field(default_factory=list)
    records: list[MappedRecord] = field(default_factory=list)
    rejected: list[Notice] = field(default_factory=list)
    has_profile: bool = False
    page_text: str = ""
    parts: list[Part] = field(default_factory=list)
    # id(record) -> (fingerprint, rejection): records the merge must look up or remember
    verdicts: dict[int, tuple[str, str]] = field(default_factory=dict)


class Stopped(Exception):
    """The parent asked the workers to stop (an interrupt or a failure): the task ends at the
    next page instead of finishing its chunk."""


def settle_garbage() -> None:
    """Collect what the last chunk left, then exempt everything still alive from later scans.

    A chunk builds and drops hundreds of thousands of rdflib and pyshacl objects, so the cyclic
    collector runs often, and every full pass walks every live object: the caches and the
    merge state, which grow with the corpus. Measured on the 100k corpus in one process, the
    collector took 0.3 s of a 0.7 s chunk and per-chunk time crept from 0.68 s to 0.81 s over
    250 chunks; collecting once per chunk and freezing the survivors (``gc.freeze``) keeps it at
    ≈ 0.55 s, flat, and the process smaller. What was frozen is still freed by reference
    counting; the pipeline unfreezes when it ran the chunks in the caller's process.
    """
    gc.collect()
    gc.freeze()


class ChunkWorker:
    """Parses, maps, validates and converts chunks; holds a chunk between its two steps."""

    def __init__(self, settings: WorkerSettings, *,
                 stopping: Callable[[], bool] = lambda: False) -> None:
        self.settings = settings
        self.minter = Minter(settings.options.base)
        self.names = RunEvidence()
        self.stopping = stopping  # asked between pages; True ends the task with Stopped
        self._held: dict[int, tuple[list[PageResult], dict[int, str]]] = {}

    def _go_on(self) -> None:
        if self.stopping():
            raise Stopped()

    def collect_names(self, sources: Sequence[Source]) -> RunEvidence:
        """First pass: what the pages print unambiguously (names, name words, title words,
        papers printed spaced), which the second pass uses to split glued lines (parse/)."""
        self._go_on()
        return collect_names_from_files(sources)

    def map_chunk(self, index: int, sources: Sequence[Source]) -> list[str]:
        """Parse and map chunk ``index`` and keep it; return its distinct record fingerprints
        in page order (empty when validation is off: nothing needs owning)."""
        self._go_on()  # before the collection, which alone can take a tenth of a second
        settle_garbage()
        results = self._parse_and_map(sources)
        keys: dict[int, str] = {}
        if self.settings.options.validate:
            keys = {id(rec): ValidationCache.key(rec) for r in results for rec in r.records}
        self._held[index] = (results, keys)
        return list(dict.fromkeys(keys.values()))

    def finish_chunk(self, index: int, owned: frozenset[str]) -> list[PageResult]:
        """Validate the records of chunk ``index`` whose fingerprint is in ``owned``, mark the
        others for the merge to apply their owner's verdict, and return the merge form."""
        results, keys = self._held.pop(index)
        self._go_on()
        if self.settings.options.validate:
            _validate_chunk([r for r in results if r.error is None], keys, owned,
                            validator=self.settings.options.validator)
        for result in results:
            self._go_on()
            if result.error is None:
                _to_text(result, self.minter, named_graphs=self.settings.named_graphs)
        return results

    def _parse_and_map(self, sources: Sequence[Source]) -> list[PageResult]:
        options = self.settings.options
        results: list[PageResult] = []
        for source in sources:
            self._go_on()
            result = PageResult(source)
            results.append(result)
            try:
                page = parse_file(source.path, as_of=options.as_of, names=self.names,
                                  display=source.shown)
            except InputError as exc:
                result.error = exc.message
                continue
            result.problems = [Notice(source.shown, p.line, p.message) for p in page.problems]
            result.has_profile = page.profile is not None
            result.page_triples, result.records = map_page(
                page, source_key=source.key, minter=self.minter, generated_at=options.timestamp()
            )
        return results


# --- the tasks a worker process runs -----------------------------------------------------------

_worker: ChunkWorker | None = None  # this process's worker, made by start()


def start(settings: WorkerSettings, stop: Any) -> None:
    """Executor initializer. Ctrl-C (and a service manager's SIGTERM) reaches the whole process
    group: the parent alone decides what it means and stops the workers, so a worker ignores
    both instead of printing a KeyboardInterrupt traceback or dying under the parent. (It is
    born ignoring them already: :func:`scholarkg.export.signals.start_forkserver`.) The parent
    sets ``stop`` (a shared ``c_bool``) to end the task in hand at the next page
    (:class:`Stopped`) rather than killing the worker: see
    :class:`scholarkg.export.pipeline._Processes`."""
    global _worker
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    _worker = ChunkWorker(settings, stopping=lambda: bool(stop.value))


def _current() -> ChunkWorker:
    if _worker is None:
        raise RuntimeError("scholarkg.export.worker.start() was not called in this process")
    return _worker


def collect_names(sources: Sequence[Source]) -> RunEvidence:
    return _current().collect_names(sources)


def set_names(names: RunEvidence) -> None:
    """Give this worker the run's evidence (between the two passes)."""
    _current().names = names


def map_chunk(index: int, sources: Sequence[Source]) -> list[str]:
    return _current().map_chunk(index, sources)


def finish_chunk(index: int, owned: frozenset[str]) -> list[PageResult]:
    return _current().finish_chunk(index, owned)


# --- validation and the merge form -------------------------------------------------------------


def _check(
    page_triples: Sequence[Triple], records: Sequence[MappedRecord], *, validator: Validator
) -> tuple[list[MappedRecord], list[Rejection], list[Violation]]:
    """The one call into the validator: ``(kept, rejected, unattributed)`` for a chunk."""
    return check_records(page_triples, records, validator=validator)


def _rejection_text(record: MappedRecord, violations: Sequence[object]) -> str:
    messages = "; ".join(sorted({str(v) for v in violations}))
    kind = "paper" if record.kind == "paper" else "header"
    return f"{kind} {record.label[:60]!r} rejected by the shapes: {messages}"


def _validate_chunk(results: list[PageResult], keys: dict[int, str], owned: frozenset[str], *,
                    validator: Validator) -> None:
    """Check the records this chunk owns (``keys``: record id → fingerprint) in one validator
    pass; mark the others with their fingerprint so the merge applies the owner's verdict."""
    records = [rec for r in results for rec in r.records if keys[id(rec)] in owned]
    page_triples = [t for r in results for t in r.page_triples]
    _, rejected, unattributed = _check(page_triples, records, validator=validator)
    failed = {id(rejection.record): rejection for rejection in rejected}
    for result in results:
        for record in result.records:
            key = keys[id(record)]
            if key not in owned:
                result.verdicts[id(record)] = (key, "")
            elif id(record) in failed:
                result.verdicts[id(record)] = (key, _rejection_text(record, failed[id(record)].violations))
    for violation in unattributed:
        for r in results:
            if any(violation.focus == str(t[0]) for t in r.page_triples):
                r.rejected.append(Notice(r.source.shown, None, f"page fails the shapes: {violation}"))


def _digest(value: object) -> bytes | None:
    if value is None or value == "":
        return None
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).digest()


def _to_text(result: PageResult, minter: Minter, *, named_graphs: bool) -> None:
    """Turn a page's kept triples into the merge form (and drop the rdflib terms)."""
    graph = minter.graph(result.source.key)
    into = str(graph) if named_graphs else None
    if named_graphs:  # the page graph's own description stays in the default graph
        describe = [t for t in result.page_triples if t[0] == graph]
        content = [t for t in result.page_triples if t[0] != graph]
        result.page_text = nquads(describe) + nquads(content, into)
    else:
        result.page_text = nquads(result.page_triples, into)
    for record in result.records:
        check, rejection = result.verdicts.get(id(record), ("", ""))
        part = Part(record.kind, record.line, record.label, str(record.subject),
                    check=check, rejection=rejection)
        result.parts.append(part)
        if rejection:
            continue  # nothing of it is written
        if record.kind != "paper":
            part.core = nquads(record.triples(), into)
            continue
        part.claims = tuple(_digest(record.claims.get(name)) for name in PAPER_CLAIMS)
        people = {o for _, p, o in record.shared if p == SCHEMA.author}
        part.authors = tuple(str(o) for s, p, o in record.shared if p == SCHEMA.name and s in people)
        part.core, part.shared = nquads(record.core, into), nquads(record.shared, into)
        part.optional = {name: nquads(triples, into) for name, triples in record.optional.items()}
    result.page_triples, result.records = [], []
