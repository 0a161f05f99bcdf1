"""Start ``scholarkg serve`` on a free loopback port for tests, as a user would start it.

The server is a child process (the real command, uvicorn included) and is stopped when the
``with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_serve(store: Path, *extra: str) -> Iterator[str]:
    """Run ``scholarkg serve --store STORE`` on 127.0.0.1; yields its base URL."""
    port = _free_port()
    args = [sys.executable, "-m", "scholarkg", "serve", "--store", str(store), "--port", str(port), *extra]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"scholarkg serve exited early: {err.strip()}")
            try:
                httpx.get(base + "/", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
