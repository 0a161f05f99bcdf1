"""Signalling a real `scholarkg` child as a user or a service manager would, and timing its end."""

from __future__ import annotations

import os
import signal
import subprocess
import time


def kill(run: subprocess.Popen[str]) -> None:
    """End the child and everything in its process group, if it still runs."""
    if run.poll() is None:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()


def signal_and_wait(run: subprocess.Popen[str], signum: int, *, group: bool = True,
                    timeout: float = 30.0) -> tuple[str, str, float]:
    """Send ``signum`` to the child's process group (Ctrl-C, systemd's stop) or to the child
    alone (``kill PID``) and wait for it: ``(stdout, stderr, seconds until it ended)``. A child
    still running after ``timeout`` is killed, and the wait's TimeoutExpired raised."""
    sent = time.monotonic()
    try:
        if group:
            os.killpg(run.pid, signum)
        else:
            os.kill(run.pid, signum)
        stdout, stderr = run.communicate(timeout=timeout)
        return stdout or "", stderr or "", time.monotonic() - sent
    finally:
        kill(run)
