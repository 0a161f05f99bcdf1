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
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from scholarkg.errors import WorkerFailed
from scholarkg.export import worker
from scholarkg.export.collaborations import collaboration_lines
from scholarkg.export.merge import Merger
from scholarkg.export.name_variants import name_variant_lines
from scholarkg.export.report import ExportOptions, ExportReport, Notice
from scholarkg.export.signals import held, start_forkserver
from scholarkg.export.void import fill_counts, void_quads
from scholarkg.export.worker import ChunkWorker, PageResult, WorkerSettings
from scholarkg.interruptible import interruptible
from scholarkg.mapping import Minter, scheme_triples
from scholarkg.parse import RunEvidence, Source

CHUNK = 32  # pages per worker task and per validator call
_WATCH = 0.5  # seconds between two looks at a worker while its result is awaited
_GRACE = 2.0  # seconds a worker is gone, its result not come, before its pipe is given up


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

    def wait(self, future: Future, index: int) -> Any:  # type: ignore[type-arg]
        return future.result()

    def close(self, *, failed: bool) -> None:
        gc.unfreeze()  # the chunks ran here: give the caller's objects back to the collector


class _Processes:
    """``jobs`` worker processes, each its own executor; chunk *i* goes to worker ``i % jobs``."""

    def __init__(self, settings: WorkerSettings, jobs: int) -> None:
        self.settings, self.jobs = settings, jobs
        self.executors: list[ProcessPoolExecutor] = []
        self.pids: list[Future] = []  # type: ignore[type-arg]
        self.stop: Event | None = None  # set: every worker ends its task at the next page

    def start(self) -> None:
        """Start the processes, with signals held: a worker half-started when the parent quits
        fails on the parent's vanished semaphores with a traceback of its own."""
        # forkserver, not fork: the parent holds an open Oxigraph store (threads, locks) that a
        # forked child could inherit mid-operation and deadlock on.
        context = multiprocessing.get_context("forkserver")
        with held():
            start_forkserver(context)
            self.stop = context.Event()
            for _ in range(self.jobs):
                executor = ProcessPoolExecutor(1, mp_context=context, initializer=worker.start,
                                               initargs=(self.settings, self.stop))
                self.executors.append(executor)
                self.pids.append(executor.submit(os.getpid))

    def _on(self, index: int) -> ProcessPoolExecutor:
        return self.executors[index % len(self.executors)]

    def collect_names(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.collect_names, sources)

    def set_names(self, names: RunEvidence) -> None:
        # Each executor runs its tasks in order, so every later step sees the names.
        for index, future in enumerate([e.submit(worker.set_names, names) for e in self.executors]):
            self.wait(future, index)

    def map_chunk(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.map_chunk, index, sources)

    def finish_chunk(self, index: int, owned: frozenset[str]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.finish_chunk, index, owned)

    def wait(self, future: Future, index: int) -> Any:  # type: ignore[type-arg]
        """The result of a task of worker ``index % jobs``, watching that worker meanwhile.

        A worker that dies between tasks or while it computes breaks its executor, and the
        future raises :class:`BrokenProcessPool` within a moment. One that dies while it sends
        a result (the OOM killer strikes when the result is pickled, at the chunk's peak) leaves
        the executor's reader waiting for the rest of the message: its process and ours still
        hold the pipe's write end, so no end-of-file comes (1 of 40 exports whose workers were
        SIGKILLed at random moments waited for good). So the wait looks at the worker every
        :data:`_WATCH` seconds, and once it has been gone for :data:`_GRACE` seconds closes our
        copy of that write end: the reader then sees end-of-file and the executor breaks as
        for any other death. That copy is private to the executor (``_result_queue._writer``,
        CPython 3.11–3.13); it is closed only in this case, on an executor already lost.
        """
        slot = index % self.jobs
        gone_since: float | None = None
        while True:
            try:
                return future.result(timeout=_WATCH)
            except TimeoutError:
                if self._alive(slot):
                    gone_since = None
                    continue
                gone_since = gone_since or time.monotonic()
                if time.monotonic() - gone_since >= _GRACE:
                    writer = getattr(getattr(self.executors[slot], "_result_queue", None), "_writer", None)
                    if writer is None:  # another CPython: say so rather than wait for ever
                        raise BrokenProcessPool("the worker died while sending its result") from None
                    writer.close()
                    gone_since = float("inf")  # closed once; the executor breaks now

    def _alive(self, slot: int) -> bool:
        pid = self.pids[slot]
        if not pid.done() or pid.exception() is not None:
            return True  # not started yet, or already broken: the executor itself will tell
        try:
            os.kill(pid.result(), 0)  # no signal sent: only whether the process exists
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        try:  # a zombie (Linux) is dead too, until the forkserver reaps it
            return Path(f"/proc/{pid.result()}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return True

    def close(self, *, failed: bool) -> None:
        """Stop the workers. After a failure or an interrupt the task in hand ends at its next
        page (:class:`~scholarkg.export.worker.Stopped`) and queued ones are cancelled: their
        results are no longer wanted. The workers are asked, not killed: a worker killed while
        it sent a result left the executor reading the rest of that message for good, and the
        parent waiting on it (2 of 40 exports SIGTERMed mid-run, on a loaded machine)."""
        if failed and self.stop is not None:
            self.stop.set()
        for executor in self.executors:
            executor.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Sequence[Source], size: int) -> list[list[Source]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _result(workers: _InProcess | _Processes, future: Future, index: int,  # type: ignore[type-arg]
            chunk: Sequence[Source]) -> Any:
    try:
        return workers.wait(future, index)
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
                _result(workers, f, i, chunk)
                for i, (f, chunk) in enumerate(zip(name_sets, chunks, strict=True))))
        clock = time.perf_counter()
        merging = _run_chunks(chunks, workers, merger, report, jobs=jobs, progress=progress)
        failed = False
    except BrokenProcessPool:  # found on submitting, before any result said so
        raise WorkerFailed("a worker process died (out of memory, or killed); nothing was written") from None
    finally:
        workers.close(failed=failed)
    merger.flush()
    timings["pages"] = time.perf_counter() - clock  # workers and merge, overlapping
    timings["merge"] = merging  # of which the merge process was busy (bulk loads included)
    timings["bulk_load"] = merger.load_seconds
    with timed(timings, "collaborations"):  # counted from the merge's authors, then loaded
        merger.add_text(collaboration_lines(merger.authors.values(), base=minter.base))
        merger.flush()
    with timed(timings, "name_variants"):  # paired from the same authors, then loaded
        merger.add_text(name_variant_lines(merger.authors.values(), base=minter.base))
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
        results: list[PageResult] = _result(workers, future, index, chunks[index])
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
        keys: list[str] = _result(workers, mapped.pop(index), index, chunk)
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
