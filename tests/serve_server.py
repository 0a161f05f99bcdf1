"""Start ``scholarkg serve`` on a free loopback port for tests, as a user would start it.

The server is a child process (the real command, uvicorn included) and is stopped when the
``with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from child_servers import free_port, stderr_of, stop, wait_until_answers


@contextlib.contextmanager
def running_serve(store: Path, *extra: str) -> Iterator[str]:
    """Run ``scholarkg serve --store STORE`` on 127.0.0.1; yields its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "scholarkg", "serve", "--store", str(store), "--port", str(port), *extra]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(process, base + "/", seconds=60,
                           exited=lambda: f"scholarkg serve exited early: {stderr_of(process)}")
        yield base
    finally:
        stop(process)
