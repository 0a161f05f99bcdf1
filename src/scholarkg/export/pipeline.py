"""Running the chunks: where each step runs, who validates which record, and in what order
the merge sees the results.

Pages are cut into chunks of :data:`CHUNK` (sorted order, so the cut never depends on
``--jobs``). Each chunk goes through two worker steps with one decision of the parent between
them:

1. ``map_chunk`` (worker): parse and map the chunk, keep the records, return their
   fingerprints;
2. the parent *claims* in chunk order: chunk *i* owns the fingerprints that no chunk before
   it listed. The parent sees step-1 results in chunk order, so this is a set difference, and
   ownership — the first chunk, in sorted order, that lists a record validates it — is the
   same for any ``--jobs``;
3. ``finish_chunk`` (the same worker, which still holds the records): validate the owned
   records, convert, return the merge form; the merge consumes these in chunk order, so a
   record's verdict is known before any later copy of it is merged.

Step 3 needs the worker that did step 1, so each worker is its own one-process
:class:`~concurrent.futures.ProcessPoolExecutor` and chunk *i* always goes to worker
``i % jobs`` (chunks are of equal size, so round robin balances them). A standard executor
means a worker that dies raises :class:`~concurrent.futures.process.BrokenProcessPool` in the
parent, turned into :class:`~scholarkg.errors.WorkerFailed`, instead of a wait without end.
Simpler designs were measured or rejected: a pre-pass computing ownership up front re-parses
and re-maps every page (7 s of a 33 s export of 1k pages); letting every chunk check what it
has not seen lets a record's verdict depend on which other records shared its validation
graph, and so on timing.

With ``jobs == 1`` (or a single chunk) the same two steps run in the caller's process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pyoxigraph as ox

from scholarkg.errors import WorkerFailed
from scholarkg.export import worker
from scholarkg.export.collaborations import collaboration_lines
from scholarkg.export.merge import Merger
from scholarkg.export.report import ExportOptions, ExportReport, Notice
from scholarkg.export.signals import held, start_forkserver
from scholarkg.export.void import fill_counts, void_quads
from scholarkg.export.worker import ChunkWorker, PageResult, WorkerSettings
from scholarkg.interruptible import interruptible
from scholarkg.mapping import Minter, scheme_triples
from scholarkg.parse import RunEvidence, Source

CHUNK = 32  # pages per worker task and per validator call


@contextlib.contextmanager
def timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings[phase]`` (:attr:`ExportReport.timings`)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - started


class _Done(Future):  # type: ignore[type-arg]
    """A future that already holds its value: the in-process worker runs each step at once."""

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__()
        self.set_result(call())


class _InProcess:
    """The steps run by a :class:`ChunkWorker` in the caller's process."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.worker = ChunkWorker(settings)

    def collect_names(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return _Done(lambda: self.worker.collect_names(sources))

    def set_names(self, names: RunEvidence) -> None:
        self.worker.names = names

    def map_chunk(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return _Done(lambda: self.worker.map_chunk(index, sources))

    def finish_chunk(self, index: int, owned: frozenset[str]) -> Future:  # type: ignore[type-arg]
        return _Done(lambda: self.worker.finish_chunk(index, owned))

    def close(self, *, failed: bool) -> None:
        gc.unfreeze()  # the chunks ran here: give the caller's objects back to the collector


class _Processes:
    """``jobs`` worker processes, each its own executor; chunk *i* goes to worker ``i % jobs``."""

    def __init__(self, settings: WorkerSettings, jobs: int) -> None:
        self.settings, self.jobs = settings, jobs
        self.executors: list[ProcessPoolExecutor] = []
        self.pids: list[Future] = []  # type: ignore[type-arg]

    def start(self) -> None:
        """Start the processes, with signals held: a worker half-started when the parent quits
        fails on the parent's vanished semaphores with a traceback of its own."""
        # forkserver, not fork: the parent holds an open Oxigraph store (threads, locks) that a
        # forked child could inherit mid-operation and deadlock on.
        context = multiprocessing.get_context("forkserver")
        with held():
            start_forkserver(context)
            for _ in range(self.jobs):
                executor = ProcessPoolExecutor(1, mp_context=context, initializer=worker.start,
                                               initargs=(self.settings,))
                self.executors.append(executor)
                self.pids.append(executor.submit(os.getpid))

    def _on(self, index: int) -> ProcessPoolExecutor:
        return self.executors[index % len(self.executors)]

    def collect_names(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.collect_names, sources)

    def set_names(self, names: RunEvidence) -> None:
        # Each executor runs its tasks in order, so every later step sees the names.
        for future in [e.submit(worker.set_names, names) for e in self.executors]:
            future.result()

    def map_chunk(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.map_chunk, index, sources)

    def finish_chunk(self, index: int, owned: frozenset[str]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.finish_chunk, index, owned)

    def close(self, *, failed: bool) -> None:
        """Stop the workers. After a failure or an interrupt they are stopped at once (their
        results are no longer wanted) rather than left to finish the chunk in hand."""
        if failed:
            for pid in self.pids:
                if pid.done() and pid.exception() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid.result(), signal.SIGKILL)  # they ignore SIGTERM
        for executor in self.executors:
            executor.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Sequence[Source], size: int) -> list[list[Source]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _result(future: Future, chunk: Sequence[Source]) -> Any:  # type: ignore[type-arg]
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerFailed(
            f"a worker process died while exporting {chunk[0].shown} … {chunk[-1].shown} "
            "(out of memory, or killed); nothing was written"
        ) from None


def build(
    sources: Sequence[Source],
    store: ox.Store,
    *,
    options: ExportOptions,
    named_graphs: bool,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Run the pipeline into ``store``. Returns what was done, rejected and warned about.

    Raises :class:`~scholarkg.errors.WorkerFailed` when a worker process dies.
    """
    minter = Minter(options.base)  # validates --base before any work
    report = ExportReport(files=len(sources))
    merger = Merger(store)
    merger.add_default(scheme_triples())
    chunks = _chunks(sources, CHUNK)
    settings = WorkerSettings(options=options, named_graphs=named_graphs)
    jobs = min(options.jobs, len(chunks))
    workers: _InProcess | _Processes = _Processes(settings, jobs) if jobs > 1 else _InProcess(settings)
    timings = report.timings
    failed = True
    try:
        if isinstance(workers, _Processes):
            workers.start()
        with timed(timings, "names"):
            name_sets = [workers.collect_names(i, chunk) for i, chunk in enumerate(chunks)]
            workers.set_names(RunEvidence.merge(
                _result(f, chunk) for f, chunk in zip(name_sets, chunks, strict=True)))
        clock = time.perf_counter()
        merging = _run_chunks(chunks, workers, merger, report, jobs=jobs, progress=progress)
        failed = False
    finally:
        workers.close(failed=failed)
    merger.flush()
    timings["pages"] = time.perf_counter() - clock  # workers and merge, overlapping
    timings["merge"] = merging  # of which the merge process was busy (bulk loads included)
    timings["bulk_load"] = merger.load_seconds
    with timed(timings, "collaborations"):  # counted from the merge's authors, then loaded
        merger.add_text(collaboration_lines(merger.authors.values(), base=minter.base))
        merger.authors = {}
        merger.flush()
    report.warnings = merger.warnings
    with timed(timings, "counts"):
        fill_counts(report, store, distinct=named_graphs)
    with timed(timings, "void"):
        void = void_quads(store, minter, distinct=named_graphs)
        store.bulk_extend(void)
        interruptible(store.flush)
    report.triples += len(void)  # the summary counts what the file holds (VoID triples are new)
    return report


def _run_chunks(
    chunks: list[list[Source]],
    workers: _InProcess | _Processes,
    merger: Merger,
    report: ExportReport,
    *,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> float:
    """Steps 1-3 of the module docstring for every chunk; returns the seconds spent merging.

    Step 1 of chunk ``i + jobs`` is queued right behind step 3 of chunk ``i`` on the same
    worker, so each worker always has the next chunk in hand and holds at most two.
    """
    mapped: dict[int, Future] = {i: workers.map_chunk(i, chunks[i]) for i in range(min(jobs, len(chunks)))}  # type: ignore[type-arg]
    finished: deque[tuple[int, Future]] = deque()  # type: ignore[type-arg]
    claimed: set[str] = set()
    merging = 0.0

    def merge_next() -> None:
        nonlocal merging
        index, future = finished.popleft()
        results: list[PageResult] = _result(future, chunks[index])
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

    for index, chunk in enumerate(chunks):
        keys: list[str] = _result(mapped.pop(index), chunk)
        owned = frozenset(key for key in keys if key not in claimed)
        claimed.update(owned)
        finished.append((index, workers.finish_chunk(index, owned)))
        if index + jobs < len(chunks):
            mapped[index + jobs] = workers.map_chunk(index + jobs, chunks[index + jobs])
        while finished and (finished[0][1].done() or len(finished) > jobs):
            merge_next()
    while finished:
        merge_next()
    return merging
