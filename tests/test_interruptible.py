"""A signal stops a command at once even while pyoxigraph is inside a long Rust call."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scholarkg.export import ExportOptions, export
from scholarkg.interruptible import abandoned, interruptible

from child_servers import free_port, wait_until_answers
from conftest import AS_OF, EXAMPLES
from signalling import kill, signal_and_wait

# Three scans of the examples' ≈ 4,000 triples joined with each other: ≈ 10^11 rows to count,
# hours of evaluation inside one pyoxigraph call that never returns to Python on its own.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("examples")
    export([str(EXAMPLES)], output=directory / "g.nt", store_dir=directory / "st",
           options=ExportOptions(as_of=AS_OF))
    (directory / "endless.rq").write_text(ENDLESS)
    return directory


def test_the_call_gives_its_result_and_its_exception():
    assert interruptible(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]
    with pytest.raises(ZeroDivisionError):
        interruptible(lambda: 1 / 0)
    assert not abandoned()


def test_outside_the_main_thread_the_call_runs_in_place():
    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.append(interruptible(threading.current_thread).name))
    worker.start()
    worker.join()
    assert seen == [worker.name]


@pytest.mark.parametrize("source", ["--store", "--data"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_query_inside_a_long_oxigraph_call_stops_at_once_with_one_line(examples, source, signum):
    where = str(examples / ("st" if source == "--store" else "g.nt"))
    run = subprocess.Popen(
        [sys.executable, "-m", "scholarkg", "query", "--file", str(examples / "endless.rq"), source, where],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(3.0)  # imports (≈ 1 s), the load, and well into the query
    if run.poll() is not None:
        pytest.fail(f"the query ended before its signal: {run.communicate()}")
    stdout, stderr, latency = signal_and_wait(run, signum, timeout=20)
    assert latency < 2, f"took {latency:.1f} s to stop"
    assert run.returncode == 128 + signum, stderr
    assert stderr.splitlines() == [f"Interrupted by {signal.Signals(signum).name}; stopped."]
    assert stdout == ""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_serving_app_stops_like_every_other_command(examples, signum):
    """uvicorn.run swallowed the signal it re-raises after its shutdown: exit 0, no word."""
    port = free_port()
    run = subprocess.Popen(
        [sys.executable, "-m", "scholarkg", "serve", "--store", str(examples / "st"), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_until_answers(run, f"http://127.0.0.1:{port}/", seconds=60, exited=lambda: "serve ended early")
    except BaseException:
        kill(run)
        raise
    _, stderr, latency = signal_and_wait(run, signum)
    assert latency < 5, f"took {latency:.1f} s to stop"
    assert run.returncode == 128 + signum, stderr
    assert stderr.splitlines()[-1] == f"Interrupted by {signal.Signals(signum).name}; stopped."
    assert "Traceback" not in stderr
