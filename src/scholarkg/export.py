"""The export pipeline: pages → records → RDF → validated → merged in an Oxigraph store → file.

Work is done page by page (small rdflib graphs, pyshacl per batch of records) so memory does not
grow with the corpus beyond the merge state; the merged graph lives in an on-disk Oxigraph store
that also writes the output. ``jobs > 1`` runs parse, map and validate in worker processes; the
merge consumes their results in source order, so the output is the same for any ``jobs``.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing
import pickle
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.managers import BaseManager
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import InputError, UsageError
from scholarkg.mapping import PAPER_CLAIMS, MappedRecord, Minter, Triple, map_page, scheme_triples
from scholarkg.namespaces import DEFAULT_BASE
from scholarkg.parse import Source, collect_names_from_files, find_sources, parse_file
from scholarkg.serialize import DATASET_FORMATS, dump_store, format_for, nquads
from scholarkg.validation import DEFAULT_VALIDATOR, ValidationCache, Validator, check_records
from scholarkg.void import count_triples, void_quads

CHUNK = 32  # pages per worker task and per pyshacl call


@dataclass(frozen=True)
class ExportOptions:
    as_of: dt.date
    base: str = DEFAULT_BASE
    generated_at: dt.datetime | None = None
    validate: bool = True
    jobs: int = 1
    validator: Validator = DEFAULT_VALIDATOR  # "fast" or "pyshacl" (validation.VALIDATORS)

    def timestamp(self) -> dt.datetime:
        """``prov:generatedAtTime``: given, else midnight UTC of the as-of date (reproducible)."""
        if self.generated_at is not None:
            return self.generated_at
        return dt.datetime.combine(self.as_of, dt.time(0), tzinfo=dt.UTC)


@dataclass
class Notice:
    """A warning or a rejection, located in a file (and line where there is one)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class ExportReport:
    files: int = 0
    files_refused: list[Notice] = field(default_factory=list)
    profiles: int = 0
    papers: int = 0
    people: int = 0
    topics: int = 0
    organisations: int = 0
    triples: int = 0
    rejected: list[Notice] = field(default_factory=list)
    problems: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    # seconds per phase, for benchmarks and for finding what grows with the corpus
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (self.files_refused or self.rejected or self.problems)


@dataclass
class _Part:
    """A kept record as the merge needs it: N-Quads text and digests of its single-valued facts.

    Text, not rdflib terms, crosses the process boundary: it pickles in one piece and the store
    parses it in Rust, where converting term by term in the merge process took a third of the
    export's time.
    """

    kind: str
    line: int | None
    label: str
    key: str
    claims: tuple[bytes | None, ...] = ()
    core: str = ""
    shared: str = ""
    optional: dict[str, str] = field(default_factory=dict)
    check: str = ""  # validation fingerprint, when the merge must look the verdict up or keep it
    rejection: str = ""  # why the shapes rejected it, when this chunk checked it


@dataclass
class _PageResult:
    source: Source
    error: str | None = None
    problems: list[Notice] = field(default_factory=list)
    page_triples: list[Triple] = field(default_factory=list)
    records: list[MappedRecord] = field(default_factory=list)
    rejected: list[Notice] = field(default_factory=list)
    has_profile: bool = False
    page_text: str = ""
    parts: list[_Part] = field(default_factory=list)
    # id(record) -> (fingerprint, rejection): records the merge must look up or remember
    verdicts: dict[int, tuple[str, str]] = field(default_factory=dict)


# --- worker side -------------------------------------------------------------------------------

_STATE: dict[str, object] = {}


class Claims:
    """Which chunk checks which distinct record: the first chunk, in source order, to list it.

    Workers claim their chunk's record fingerprints strictly in chunk order (a chunk waits for
    the one before it to have claimed), so ownership is the same for any ``--jobs``: with two
    workers each keeping its own cache, a paper listed on three pages was checked 1.6 times on
    average. Claiming is a set operation per chunk, so the wait is short. The merge consumes
    chunks in order, so a record's verdict is known before any later copy of it is merged.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._next = 0
        self._turn = threading.Condition()

    def claim(self, index: int, keys: list[str]) -> list[str]:
        """Wait for chunk ``index``'s turn, then return the keys no earlier chunk claimed."""
        with self._turn:
            while self._next != index:
                self._turn.wait()
            fresh = [key for key in keys if key not in self._seen]
            self._seen.update(fresh)
            self._next += 1
            self._turn.notify_all()
            return fresh


class _ClaimsManager(BaseManager):
    pass


_ClaimsManager.register("Claims", Claims)


def _init_worker(names_file: Path, options: ExportOptions, named_graphs: bool,
                 claims: Claims | None) -> None:
    _STATE.clear()
    _STATE["names_file"] = names_file
    _STATE["options"] = options
    _STATE["named_graphs"] = named_graphs
    _STATE["minter"] = Minter(options.base)
    _STATE["claims"] = claims


@contextmanager
def _timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings[phase]`` (:attr:`ExportReport.timings`)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - started


def _settle_garbage() -> None:
    """Collect what the last chunk left, then exempt everything still alive from later scans.

    A chunk builds and drops hundreds of thousands of rdflib and pyshacl objects, so the cyclic
    collector runs often, and every full pass walks every live object: the caches and the
    merge state, which grow with the corpus. Measured on the 100k corpus in one process, the
    collector took 0.3 s of a 0.7 s chunk and per-chunk time crept from 0.68 s to 0.81 s over
    250 chunks; collecting once per chunk and freezing the survivors (``gc.freeze``) keeps it at
    ≈ 0.55 s, flat, and the process smaller. What was frozen is still freed by reference
    counting; :func:`build` unfreezes when it ran the chunks in the caller's process.
    """
    gc.collect()
    gc.freeze()


def _process_chunk(task: tuple[int, Sequence[Source]]) -> list[_PageResult]:
    index, sources = task
    _settle_garbage()
    claims: Claims | None = _STATE["claims"]  # type: ignore[assignment]
    keys: dict[int, str] = {}
    try:
        results = _parse_and_map(sources)
        if claims is not None:
            keys = {id(rec): ValidationCache.key(rec) for r in results for rec in r.records}
    finally:
        # Take this chunk's turn whatever happened above: later chunks wait for it.
        owned = set(claims.claim(index, list(dict.fromkeys(keys.values())))) if claims else set()
    if claims is not None:
        _validate_chunk([r for r in results if r.error is None], keys, owned)
    minter: Minter = _STATE["minter"]  # type: ignore[assignment]
    for result in results:
        if result.error is None:
            _to_text(result, minter, named_graphs=bool(_STATE["named_graphs"]))
    return results


def _collect_names(sources: Sequence[Source]) -> set[str]:
    """First pass, in the workers too: the names pages print unambiguously (parse.py)."""
    return set(collect_names_from_files(sources))


def _names() -> frozenset[str]:
    """The run's names, written by the parent between the two passes; read once per worker."""
    names = _STATE.get("names")
    if names is None:
        names = _STATE["names"] = pickle.loads(Path(_STATE["names_file"]).read_bytes())  # type: ignore[arg-type]
    return names  # type: ignore[return-value]


def _parse_and_map(sources: Sequence[Source]) -> list[_PageResult]:
    options: ExportOptions = _STATE["options"]  # type: ignore[assignment]
    minter: Minter = _STATE["minter"]  # type: ignore[assignment]
    names = _names()
    results: list[_PageResult] = []
    for source in sources:
        result = _PageResult(source)
        results.append(result)
        try:
            page = parse_file(source.path, as_of=options.as_of, names=names, display=source.shown)
        except InputError as exc:
            result.error = exc.message
            continue
        result.problems = [Notice(source.shown, p.line, p.message) for p in page.problems]
        result.has_profile = page.profile is not None
        result.page_triples, result.records = map_page(
            page, source_key=source.key, minter=minter, generated_at=options.timestamp()
        )
    return results


def _digest(value: object) -> bytes | None:
    if value is None or value == "":
        return None
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).digest()


def _to_text(result: _PageResult, minter: Minter, *, named_graphs: bool) -> None:
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
        part = _Part(record.kind, record.line, record.label, str(record.subject),
                     check=check, rejection=rejection)
        result.parts.append(part)
        if rejection:
            continue  # nothing of it is written
        if record.kind != "paper":
            part.core = nquads(record.triples(), into)
            continue
        part.claims = tuple(_digest(record.claims.get(name)) for name in PAPER_CLAIMS)
        part.core, part.shared = nquads(record.core, into), nquads(record.shared, into)
        part.optional = {name: nquads(triples, into) for name, triples in record.optional.items()}
    result.page_triples, result.records = [], []


def _rejection_text(record: MappedRecord, violations: Sequence[object]) -> str:
    messages = "; ".join(sorted({str(v) for v in violations}))
    kind = "paper" if record.kind == "paper" else "header"
    return f"{kind} {record.label[:60]!r} rejected by the shapes: {messages}"


def _validate_chunk(results: list[_PageResult], keys: dict[int, str], owned: set[str]) -> None:
    """Check the records this chunk owns (``keys``: record id → fingerprint; ``owned``: what
    :class:`Claims` gave it) in one pyshacl pass; mark the others with their fingerprint so the
    merge applies the owner's verdict."""
    records = [rec for r in results for rec in r.records if keys[id(rec)] in owned]
    page_triples = [t for r in results for t in r.page_triples]
    options: ExportOptions = _STATE["options"]  # type: ignore[assignment]
    _, rejected, unattributed = check_records(page_triples, records, validator=options.validator)
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


# --- merge side --------------------------------------------------------------------------------


class _Merger:
    """Adds page results to the store in source order, resolving single-valued conflicts.

    Rule (documented in docs/model.md): a paper's single-valued facts come from the first page
    in source-key order that lists it; a different value elsewhere is a warning naming both.
    Per paper it keeps only the first page's place and 8-byte digests of its facts, so its
    memory grows with the distinct papers, not with the pages.
    """

    FLUSH_CHARS = 8 << 20  # N-Quads text handed to the store's bulk loader at a time

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.buffer: list[str] = []
        self.buffered = 0
        self.first_seen: dict[str, tuple[str, int | None, list[bytes | None]]] = {}
        self.warnings: list[Notice] = []
        self.failed: dict[str, str] = {}  # fingerprint -> rejection, for later copies
        self.load_seconds = 0.0

    def _add(self, text: str) -> None:
        self.buffer.append(text)
        self.buffered += len(text)
        if self.buffered >= self.FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            started = time.perf_counter()
            self.store.bulk_load("".join(self.buffer).encode("utf-8"), ox.RdfFormat.N_QUADS)
            self.buffer, self.buffered = [], 0
            self.load_seconds += time.perf_counter() - started

    def add_default(self, triples: Iterator[Triple] | list[Triple]) -> None:
        self._add(nquads(triples))

    def add_page(self, result: _PageResult) -> list[Notice]:
        """Merge one page; returns its records' rejections, in page order."""
        source = result.source
        rejected: list[Notice] = []
        self._add(result.page_text)
        for part in result.parts:
            if part.rejection:  # checked in this page's chunk and rejected
                self.failed[part.check] = part.rejection
            rejection = (part.rejection or self.failed.get(part.check, "")) if part.check else ""
            if rejection:
                rejected.append(Notice(source.shown, part.line, rejection))
                continue
            if part.kind != "paper":
                self._add(part.core)
                continue
            first = self.first_seen.get(part.key)
            if first is None:
                self.first_seen[part.key] = (source.shown, part.line, list(part.claims))
                self._add(part.core)
                self._add(part.shared)
                for text in part.optional.values():
                    self._add(text)
                continue
            first_file, first_line, first_claims = first
            differing = [
                name for name, mine, theirs in zip(PAPER_CLAIMS, part.claims, first_claims, strict=True)
                if mine is not None and theirs is not None and mine != theirs
            ]
            if differing:
                verb = "differs" if len(differing) == 1 else "differ"
                self.warnings.append(Notice(
                    source.shown, part.line,
                    f"paper {part.label[:60]!r}: {', '.join(differing)} {verb} from "
                    f"{first_file}:{first_line}; kept {first_file}'s (first page in sorted order)",
                ))
            for name, text in part.optional.items():
                slot = PAPER_CLAIMS.index(name)
                if first_claims[slot] is None:  # the first page left it out: this page fills it
                    first_claims[slot] = part.claims[slot]
                    self._add(text)
            self._add(part.shared)
        return rejected


def _count(store: ox.Store, query: str) -> int:
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        return int(row[0].value)
    return 0


def _fill_counts(report: ExportReport, store: ox.Store, *, distinct: bool) -> None:
    def count_class(cls: str) -> int:
        return _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")

    report.papers = count_class("https://schema.org/ScholarlyArticle")
    report.people = count_class("https://schema.org/Person")
    report.organisations = count_class("https://schema.org/Organization")
    report.topics = _count(
        store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?x <https://schema.org/about> ?t }"
    )
    report.triples = count_triples(store, distinct=distinct)


def _chunks(items: Sequence[Source], size: int) -> Iterator[list[Source]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def build(
    sources: Sequence[Source],
    store: ox.Store,
    *,
    options: ExportOptions,
    named_graphs: bool,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Run the pipeline into ``store``. Returns what was done, rejected and warned about."""
    minter = Minter(options.base)  # validates --base before any work
    report = ExportReport(files=len(sources))
    merger = _Merger(store)
    merger.add_default(scheme_triples())
    chunks = list(_chunks(sources, CHUNK))
    tasks = list(enumerate(chunks))
    workdir = Path(tempfile.mkdtemp(prefix="scholarkg-names-"))
    names_file = workdir / "names.pickle"
    pool = manager = None
    if options.jobs > 1 and len(chunks) > 1:
        # forkserver, not fork: the parent holds an open Oxigraph store (threads, locks) that a
        # forked child could inherit mid-operation and deadlock on.
        context = multiprocessing.get_context("forkserver")
        claims: Claims | None = None
        if options.validate:
            manager = _ClaimsManager(ctx=context)
            manager.start()
            claims = manager.Claims()  # type: ignore[attr-defined]
        pool = context.Pool(options.jobs, initializer=_init_worker,
                            initargs=(names_file, options, named_graphs, claims))
        name_sets: Iterable[set[str]] = pool.imap_unordered(_collect_names, chunks)
    else:
        _init_worker(names_file, options, named_graphs, Claims() if options.validate else None)
        name_sets = map(_collect_names, chunks)
    timings = report.timings
    clock = time.perf_counter()
    try:
        names = frozenset().union(*name_sets)
        names_file.write_bytes(pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL))
        timings["names"] = time.perf_counter() - clock
        clock = time.perf_counter()
        merging = 0.0
        results_iter: Iterator[list[_PageResult]] = (
            pool.imap(_process_chunk, tasks) if pool is not None else map(_process_chunk, tasks)
        )
        for results in results_iter:
            started = time.perf_counter()
            for result in results:
                if result.error is not None:
                    report.files_refused.append(Notice(result.source.shown, None, result.error))
                else:
                    report.problems += result.problems
                    report.profiles += result.has_profile
                    report.rejected += merger.add_page(result)
                    report.rejected += result.rejected
                if progress is not None:
                    progress(1)
            merging += time.perf_counter() - started
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        else:
            gc.unfreeze()  # the chunks ran here: give the caller's objects back to the collector
        if manager is not None:
            manager.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    merger.flush()
    timings["pages"] = time.perf_counter() - clock  # workers and merge, overlapping
    timings["merge"] = merging  # of which the merge process was busy (bulk loads included)
    timings["bulk_load"] = merger.load_seconds
    report.warnings = merger.warnings
    with _timed(timings, "counts"):
        _fill_counts(report, store, distinct=named_graphs)
    with _timed(timings, "void"):
        store.bulk_extend(void_quads(store, minter, distinct=named_graphs))
        store.flush()
    return report


def _open_store_for_writing(directory: Path) -> ox.Store:
    """Open (or create) the embedded store; an existing store is emptied, anything else refused."""
    try:
        store = ox.Store(str(directory))
    except OSError as exc:
        raise UsageError(
            f"--store {directory}: not an Oxigraph store folder ({exc}); give a new or empty folder"
        ) from None
    store.clear()
    return store


def export(
    paths: Sequence[str | Path],
    *,
    output: Path | None,
    options: ExportOptions,
    fmt: str | None = None,
    store_dir: Path | None = None,
    progress_start: Callable[[int], Callable[[int], None]] | None = None,
) -> ExportReport:
    """Export pages to ``output`` (format from ``fmt`` or the extension) and/or ``store_dir``.

    Raises InputError when no input file exists, UsageError for a bad format, MappingError for
    a bad base IRI, OutputError when the file cannot be written (an earlier file is untouched).
    """
    fmt = format_for(output, fmt) if output is not None else None
    Minter(options.base)
    sources = find_sources(paths)
    if not sources:
        raise InputError("no *.txt files found in " + ", ".join(str(p) for p in paths))
    progress = progress_start(len(sources)) if progress_start else None
    # Page graphs are only needed for a TriG/N-Quads file (they make `load` replace one page at
    # a time); the embedded store holds the merged graph in its default graph, so queries see
    # each triple once and run fast.
    named = fmt in DATASET_FORMATS
    workdir = Path(tempfile.mkdtemp(prefix="scholarkg-"))
    try:
        if store_dir is not None and not named:
            store = _open_store_for_writing(store_dir)
        else:
            store = ox.Store(str(workdir / "store"))
        report = build(sources, store, options=options, named_graphs=named, progress=progress)
        if output is not None and fmt is not None:
            with _timed(report.timings, "write"):
                dump_store(store, output, fmt, base=Minter(options.base).base)
        if store_dir is not None and named:
            merged = _open_store_for_writing(store_dir)
            merged.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store
            )
            merged.flush()
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
