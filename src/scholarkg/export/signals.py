"""Keeping Ctrl-C and SIGTERM out of the few steps that must not be cut in two.

An interrupt may land between any two bytecodes. Most of the export only needs its
``finally`` blocks to run; two steps need more: starting the worker processes (a process
half-started when the parent quits prints a traceback of its own) and committing the outputs
(two renames that must both happen or neither). :func:`held` keeps signals out of such a step
and handles them right after it, as the process would have.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import signal
import threading
from collections.abc import Iterator
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the block, then handle them as the process would have.

    Python runs signal handlers in the main thread between bytecodes, so the only way to keep
    one out of a block is to swap the handler for one that notes the signal and to call the
    real handler afterwards. Outside the main thread (where handlers cannot be set) the block
    runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []

    def note(signum: int, frame: FrameType | None) -> None:
        caught.append((signum, frame))

    saved = {sig: signal.signal(sig, note) for sig in _SIGNALS}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        for signum, frame in caught[:1]:
            handler = saved[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def start_forkserver(context: multiprocessing.context.BaseContext) -> None:
    """Start the forkserver with SIGINT and SIGTERM ignored, so that it and every worker forked
    from it are born deaf to both (an ignored signal stays ignored through fork and exec; a
    blocked one does not: the spawn resets the mask). The parent alone decides what a signal
    means, and stops its workers itself (:class:`~scholarkg.export.pipeline._Processes`).

    Ctrl-C signals the whole process group, and so does a service manager's SIGTERM. The
    forkserver imports the worker module (a second or more) before it ignores SIGINT itself,
    and a worker runs for a moment before its initializer does: a Ctrl-C in either moment
    printed a KeyboardInterrupt traceback from the child, and a SIGTERM to the group killed
    workers under the parent, which then reported a dead worker instead of the signal. The
    signals are ignored only while the forkserver is spawned (≈ 30 ms: one within them is
    lost); call this inside :func:`held` so that one just before or after is not.
    """
    context.set_forkserver_preload(["scholarkg.export.worker"])  # imported once, not per worker
    if threading.current_thread() is not threading.main_thread():
        multiprocessing.forkserver.ensure_running()
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in _SIGNALS}
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
