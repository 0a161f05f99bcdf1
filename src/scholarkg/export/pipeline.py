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
import ctypes
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
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
_WATCH = 0.5  # seconds between two looks at the workers while the parent waits on them
_GRACE = 2.0  # seconds a worker is dead, its executor not broken, before its pipe is given up
_STOP_WITHIN = 3.0  # seconds a worker asked to stop may take before it is killed


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

    def wait(self, future: Future) -> Any:  # type: ignore[type-arg]
        return future.result()

    def close(self, *, failed: bool) -> None:
        gc.unfreeze()  # the chunks ran here: give the caller's objects back to the collector


class _Processes:
    """``jobs`` worker processes, each its own executor; chunk *i* goes to worker ``i % jobs``.

    Stopping them is the delicate part. A worker killed while it sends a result leaves half a
    message in the executor's result pipe, and the executor's reader waits for the rest for good:
    our process holds that pipe's write end too, so no end-of-file comes (seen: 2 of 40 exports
    SIGTERMed mid-run hung when the parent SIGKILLed its workers; 1 of 40 whose workers were
    SIGKILLed from outside at random moments). So:

    * on an interrupt or a failure the workers are *asked* to stop (a flag in shared memory,
      without a lock a dying process could leave held), and each ends its task at the next page
      (:class:`~scholarkg.export.worker.Stopped`); one still running :data:`_STOP_WITHIN`
      seconds later (a huge page, a long validator call) is killed;
    * while the parent waits (for a result, or for the executors to shut down) it watches the
      workers, and once one has been dead :data:`_GRACE` seconds with its executor not yet
      broken, closes our copy of that executor's result-pipe write end: the reader then sees
      end-of-file and the executor breaks as for any other death.

    Three members of each executor are private (read on CPython 3.11), taken once at start
    because ``shutdown`` drops them: ``_processes`` (the worker's
    :class:`multiprocessing.Process`, whose sentinel tells a death without being fooled by a
    reused pid), ``_result_queue._writer`` and ``_executor_manager_thread`` (joined with a
    timeout, where ``shutdown(wait=True)`` joins without one). They are only read, closed or
    joined here, never replaced; a test pins them.
    """

    def __init__(self, settings: WorkerSettings, jobs: int) -> None:
        self.settings, self.jobs = settings, jobs
        self.executors: list[ProcessPoolExecutor] = []
        self.pids: list[Future] = []  # type: ignore[type-arg]
        self.stop: Any = None  # shared c_bool: True asks every worker to end its task
        self._watched: list[_Watched] = []

    def start(self) -> None:
        """Start the processes, with signals held: a worker half-started when the parent quits
        fails on the parent's vanished semaphores with a traceback of its own."""
        # forkserver, not fork: the parent holds an open Oxigraph store (threads, locks) that a
        # forked child could inherit mid-operation and deadlock on.
        context = multiprocessing.get_context("forkserver")
        with held():
            start_forkserver(context)
            self.stop = context.RawValue(ctypes.c_bool, False)
            for _ in range(self.jobs):
                executor = ProcessPoolExecutor(1, mp_context=context, initializer=worker.start,
                                               initargs=(self.settings, self.stop))
                self.executors.append(executor)
                self.pids.append(executor.submit(os.getpid))  # starts the process and the manager
                self._watched.append(_Watched.of(executor))

    def _on(self, index: int) -> ProcessPoolExecutor:
        return self.executors[index % len(self.executors)]

    def collect_names(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.collect_names, sources)

    def set_names(self, names: RunEvidence) -> None:
        # Each executor runs its tasks in order, so every later step sees the names.
        for future in [e.submit(worker.set_names, names) for e in self.executors]:
            self.wait(future)

    def map_chunk(self, index: int, sources: Sequence[Source]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.map_chunk, index, sources)

    def finish_chunk(self, index: int, owned: frozenset[str]) -> Future:  # type: ignore[type-arg]
        return self._on(index).submit(worker.finish_chunk, index, owned)

    def wait(self, future: Future) -> Any:  # type: ignore[type-arg]
        """The result of a task, watching every worker meanwhile; :class:`BrokenProcessPool`
        when the worker that ran it died."""
        while not futures_wait([future], timeout=_WATCH).done:
            self._watch()
        return future.result()

    def _watch(self) -> None:
        """Give up the result pipe of every worker dead for :data:`_GRACE` seconds."""
        now = time.monotonic()
        for watched in self._watched:
            watched.look(now)

    def _kill_the_living(self) -> None:
        for watched in self._watched:
            if watched.alive() and watched.process is not None and watched.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(watched.process.pid, signal.SIGKILL)  # they ignore SIGTERM

    def close(self, *, failed: bool) -> None:
        """Stop the workers (see the class docstring). After a failure or an interrupt the task
        in hand ends at its next page and queued ones are cancelled: their results are no
        longer wanted. Signals are held meanwhile (seconds at most) and handled after: a second
        Ctrl-C must not leave executors running under the interpreter's exit."""
        with held():
            if failed and self.stop is not None:
                self.stop.value = True
            for executor in self.executors:
                executor.shutdown(wait=False, cancel_futures=failed)
            asked = time.monotonic()
            for watched in self._watched:
                while watched.manager is not None and watched.manager.is_alive():
                    watched.manager.join(_WATCH)
                    self._watch()
                    if failed and time.monotonic() - asked > _STOP_WITHIN:
                        self._kill_the_living()


@dataclass
class _Watched:
    """What :class:`_Processes` needs of one executor, kept past its ``shutdown``."""

    process: multiprocessing.process.BaseProcess | None
    writer: Any
    manager: threading.Thread | None
    dead_since: float | None = None  # when a look first found the worker dead

    @classmethod
    def of(cls, executor: ProcessPoolExecutor) -> _Watched:
        processes = getattr(executor, "_processes", None) or {}
        return cls(process=next(iter(processes.values()), None),
                   writer=getattr(getattr(executor, "_result_queue", None), "_writer", None),
                   manager=getattr(executor, "_executor_manager_thread", None))

    def alive(self) -> bool:
        if self.process is None:
            return True  # unknown here: the executor itself will tell
        return not multiprocessing.connection.wait([self.process.sentinel], timeout=0)

    def look(self, now: float) -> None:
        """Give up the result pipe (end-of-file for the executor's reader, see
        :class:`_Processes`) once the worker has been dead :data:`_GRACE` seconds."""
        if self.writer is None:  # given up already, or never known
            return
        if self.alive():
            self.dead_since = None
        elif now - (self.dead_since or now) >= _GRACE:
            self.writer.close()
            self.writer = None
        elif self.dead_since is None:
            self.dead_since = now


def _chunks(items: Sequence[Source], size: int) -> list[list[Source]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def _result(workers: _InProcess | _Processes, future: Future, chunk: Sequence[Source]) -> Any:  # type: ignore[type-arg]
    try:
        return workers.wait(future)
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
                _result(workers, f, chunk) for f, chunk in zip(name_sets, chunks, strict=True)))
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
        results: list[PageResult] = _result(workers, future, chunks[index])
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
        keys: list[str] = _result(workers, mapped.pop(index), chunk)
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
