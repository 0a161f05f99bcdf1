"""What the tests' real servers (Oxigraph, Virtuoso, ``scholarkg serve``) share: a free loopback
port, waiting until the child answers over HTTP (or failing with why it exited), and stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answers(process: subprocess.Popen, url: str, *, seconds: float,
                       exited: Callable[[], str]) -> None:
    """Poll ``url`` until it answers 2xx; raise ``RuntimeError(exited())`` if the child quits
    first, or the last HTTP error once ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(exited())
        try:
            httpx.get(url, timeout=2).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def stop(process: subprocess.Popen, *, seconds: float = 10) -> None:
    """Terminate the child, then kill it if it does not end within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stderr_of(process: subprocess.Popen) -> str:
    return process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
