"""Tasks for a real worker process that fail the way the OOM killer makes them fail."""

from __future__ import annotations

import gc
import os
import signal
import struct
import time
from multiprocessing.queues import SimpleQueue


def die_while_sending_a_result() -> None:
    """Write the start of a result message (a length, then a few of its bytes) into this
    worker's result pipe, then die by SIGKILL: what a worker killed in the middle of sending a
    large result leaves behind. The executor's result queue is the worker's only SimpleQueue."""
    (queue,) = [o for o in gc.get_objects() if isinstance(o, SimpleQueue)]
    os.write(queue._writer.fileno(), struct.pack("!i", 1 << 20) + b"\x80\x05partial")
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_without_looking(seconds: float) -> None:
    """A task that never checks the stop flag (a huge page, a long validator call)."""
    time.sleep(seconds)
