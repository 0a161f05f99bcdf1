"""Long calls into Rust (pyoxigraph's loads, dumps and queries) that a signal can still stop.

Python runs a signal handler only in the main thread, between bytecodes. A pyoxigraph call
that loads, dumps or queries millions of triples runs for many seconds without returning to
the interpreter, so a Ctrl-C or SIGTERM was handled only when it returned: a 10k-profile
export signalled during its Turtle dump stopped ≈ 13 s later. pyoxigraph releases the GIL
in those calls (measured: another thread keeps running through ``bulk_load``, ``dump`` and
query evaluation), so :func:`interruptible` runs the call in a helper thread and keeps the
main thread waiting in short, signal-aware joins: the handler runs at once, its exception
unwinds the caller (whose ``finally`` blocks discard what was staged), and the call, which
cannot be cancelled, is abandoned.

An abandoned call may still be running when the command ends; :func:`abandoned` says so,
and the command then leaves with ``os._exit`` rather than a normal interpreter shutdown,
which would wait for, or stop, a thread that is inside Rust code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

_POLL = 0.05  # seconds between two joins: the longest a signal waits for its handler
_running: set[threading.Thread] = set()
_lock = threading.Lock()


def interruptible(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``call(*args, **kwargs)``, run so that signals are handled while it runs; its result or its exception.

    Outside the main thread (where signal handlers never run anyway) the call runs in place.
    Meant for calls that release the GIL for long stretches; a call that holds it gains
    nothing, though it is not harmed either.
    """
    if threading.current_thread() is not threading.main_thread():
        return call(*args, **kwargs)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call(*args, **kwargs))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)
        finally:
            with _lock:
                _running.discard(thread)

    thread = threading.Thread(target=run, name="scholarkg-long-call", daemon=True)
    with _lock:
        _running.add(thread)
    thread.start()
    while thread.is_alive():
        thread.join(_POLL)  # a signal's handler runs here and may raise
    if failure:
        raise failure[0]
    return outcome[0]


def abandoned() -> bool:
    """Whether a call left behind by an interrupt is still running."""
    with _lock:
        return any(thread.is_alive() for thread in _running)
