"""Export outputs are whole or absent: interrupts (real signals to a real `scholarkg export`),
failures (a full disk, injected or real), store swaps under readers, modes and symlinks."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from scholarkg.cli import cli
from scholarkg.errors import OutputError, UsageError
from scholarkg.export import CHUNK, ExportOptions, export
from scholarkg.store import open_store
from scholarkg.synthetic import write_corpus

from conftest import AS_OF, EXAMPLES
from signalling import kill, signal_and_wait

PAGES = 12 * CHUNK  # enough for a --jobs 2 export to be mid-run for seconds
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("corpus")
    write_corpus(directory, PAGES, seed=11)
    return directory


@pytest.fixture(scope="module")
def long_corpus(tmp_path_factory) -> Path:
    """Pages enough for `parse` to still be at work seconds after launch on a fast machine
    (384 pages parse in < 1.5 s on CI, which once let the run end before its signal)."""
    directory = tmp_path_factory.mktemp("long-corpus")
    write_corpus(directory, 4000, seed=11)
    return directory


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """An earlier export (the examples) as a file and a store, to be left as they were."""
    directory = tmp_path_factory.mktemp("earlier")
    export([str(EXAMPLES)], output=directory / "out.ttl", store_dir=directory / "st",
           options=ExportOptions(as_of=AS_OF))
    return directory


def _snapshot(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` (relative path -> digest of its bytes)."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).digest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def place(tmp_path, earlier) -> Path:
    """A folder holding a copy of the earlier outputs; ``TMPDIR`` for the run beside it."""
    here = tmp_path / "work"
    here.mkdir()
    shutil.copy2(earlier / "out.ttl", here / "out.ttl")
    shutil.copytree(earlier / "st", here / "st")
    (tmp_path / "tmp").mkdir()
    return here


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(entry.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.parent.name))
    return children


def _tree(pid: int) -> set[int]:
    children, found, todo = _children(), set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the export never reached the point to interrupt")
        time.sleep(0.005)


def _start(place: Path, corpus: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(place.parent / "tmp")}
    env.pop("SOURCE_DATE_EPOCH", None)
    command = [sys.executable, "-m", "scholarkg", "export", str(corpus), "-o", "out.ttl",
               "--store", "st", "--as-of", "2026-11-24", *extra]
    return subprocess.Popen(command, cwd=place, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _staged(place: Path, suffix: str) -> bool:
    return any(p.name.endswith(suffix) for p in place.iterdir())


# Points of a run, each found from outside as a user would see it: the new store's staging
# folder appears before the first page is read; pages are read for seconds after that; the
# file's .part appears when the merged graph is written out.
POINTS = {
    "start": lambda place: _staged(place, ".new"),
    "pages": lambda place: _staged(place, ".new") and _busy_for(place, 2.0),
    "write": lambda place: _staged(place, ".part"),
}
_first_seen: dict[Path, float] = {}


def _busy_for(place: Path, seconds: float) -> bool:
    first = _first_seen.setdefault(place, time.monotonic())
    return time.monotonic() - first >= seconds


@pytest.mark.parametrize("signum,to_group,point,jobs,extra", [
    (signal.SIGINT, True, "start", 2, ()),
    (signal.SIGINT, True, "pages", 2, ()),
    (signal.SIGTERM, False, "pages", 2, ()),
    (signal.SIGTERM, True, "pages", 2, ()),
    (signal.SIGINT, True, "pages", 1, ()),
    (signal.SIGTERM, False, "write", 2, ("--no-validate",)),
    (signal.SIGINT, True, "write", 1, ("--no-validate",)),
])
def test_an_interrupted_export_exits_at_once_and_leaves_earlier_outputs_and_no_temporary_files(
        place, corpus, signum, to_group, point, jobs, extra):
    """Ctrl-C signals the process group; `kill PID` the export alone; a service manager's stop
    (systemd's default) SIGTERMs the whole group."""
    before = _snapshot(place)
    run = _start(place, corpus, "--jobs", str(jobs), *extra)
    try:
        _wait_for(lambda: POINTS[point](place) or run.poll() is not None)
        assert run.poll() is None, f"finished before {point}: {run.stderr.read()}"
        processes = _tree(run.pid) | {run.pid}
    except BaseException:
        kill(run)
        raise
    _, stderr, latency = signal_and_wait(run, signum, group=to_group)
    assert run.returncode == 128 + signum, stderr
    assert latency < 5, f"took {latency:.1f} s to stop"
    name = signal.Signals(signum).name
    assert stderr.splitlines() == [
        f"Interrupted by {name}; nothing was written; earlier outputs are as they were."]
    assert _snapshot(place) == before  # the earlier file and store, byte for byte
    assert sorted(p.name for p in place.iterdir()) == ["out.ttl", "st"]
    assert list((place.parent / "tmp").iterdir()) == []  # no store, names file, pymp-*, .part
    time.sleep(0.2)
    assert [pid for pid in processes if _alive(pid)] == []  # workers and forkserver gone too


def test_a_store_reader_sees_the_old_store_until_the_new_one_is_whole(place, corpus):
    old_count = _count(open_store(place / "st"))
    reader = open_store(place / "st")  # held open across the swap
    run = _start(place, corpus, "--jobs", "2", "--no-validate")
    counts = set()
    try:
        while run.poll() is None:  # readers opening while the export writes
            try:
                counts.add(_count(open_store(place / "st")))
            except Exception as exc:  # any failure to read fails the test below
                counts.add(repr(exc))
            time.sleep(0.05)
        _, stderr = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 0, stderr
    new_count = _count(open_store(place / "st"))
    assert new_count > old_count
    assert counts <= {old_count, new_count}, counts  # never a half-written or missing store
    assert _count(reader) == old_count  # the old snapshot stays readable after the swap
    assert sorted(p.name for p in place.iterdir()) == ["out.ttl", "st"]


def _count(store: ox.Store) -> int:
    return int(next(iter(store.query(COUNT)))[0].value)  # type: ignore[arg-type]


def _export_here(place: Path, pages: Path, **kwargs):
    return export([str(pages)], output=place / "out.ttl", store_dir=place / "st",
                  options=ExportOptions(as_of=AS_OF), **kwargs)


@pytest.mark.parametrize("where", ["merge", "file", "store", "commit"])
def test_a_full_disk_at_any_step_leaves_both_earlier_outputs_intact(place, monkeypatch, where):
    """ENOSPC injected at the system boundary: the store's bulk load (merge), the file's fsync,
    the new store's last flush, and the file's rename after the store was swapped in."""
    before = _snapshot(place)
    full = OSError(errno.ENOSPC, "No space left on device")
    if where == "merge":
        monkeypatch.setattr(ox.Store, "bulk_load", _raise(full))
    elif where == "file":
        monkeypatch.setattr(os, "fsync", _raise(full))
    elif where == "store":  # the pipeline flushes the new store once; its close flushes again
        real_flush, calls = ox.Store.flush, []

        def flush(self):
            calls.append(self)
            if len(calls) > 1:
                raise full
            return real_flush(self)
        monkeypatch.setattr(ox.Store, "flush", flush)
    else:
        monkeypatch.setattr(os, "replace", _raise(full))
    with pytest.raises(OutputError) as info:
        _export_here(place, EXAMPLES)
    assert "No space left on device" in str(info.value)
    assert _snapshot(place) == before
    assert sorted(p.name for p in place.iterdir()) == ["out.ttl", "st"]


def _raise(error: OSError):
    def fail(*args, **kwargs):
        raise error
    return fail


def test_a_real_full_disk_leaves_the_earlier_outputs_and_no_staging(tmp_path, earlier, corpus):
    """A 4 MB tmpfs (needs root and a kernel that lets this process mount: else skipped, and
    the injected failures above are what is checked)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        shutil.copy2(earlier / "out.ttl", disk / "out.ttl")
        shutil.copytree(earlier / "st", disk / "st")
        before = _snapshot(disk)
        result = subprocess.run(
            [sys.executable, "-m", "scholarkg", "export", str(corpus), "-o", "out.ttl", "--store",
             "st", "--as-of", "2026-11-24", "--jobs", "1", "--no-validate"],
            cwd=disk, capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp_path)},
            timeout=300,
        )
        assert result.returncode == 5, result.stderr
        assert "No space left on device" in result.stderr
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
        assert _snapshot(disk) == before
        assert sorted(p.name for p in disk.iterdir()) == ["out.ttl", "st"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_file_and_store_are_replaced_together_when_the_export_succeeds(place):
    report = _export_here(place, EXAMPLES / "profile_05.txt")
    assert report.files == 1
    graph = Graph().parse(place / "out.ttl")
    assert len(graph) == report.triples
    assert _count(open_store(place / "st")) == report.triples
    assert sorted(p.name for p in place.iterdir()) == ["out.ttl", "st"]


# --- modes, symlinks, what --store accepts ----------------------------------------------------


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_file_honours_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        export([str(EXAMPLES / "profile_05.txt")], output=tmp_path / "g.ttl",
               options=ExportOptions(as_of=AS_OF))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "g.ttl").stat().st_mode) == mode


def test_an_existing_output_keeps_its_mode(tmp_path):
    out = tmp_path / "g.ttl"
    out.write_text("earlier\n")
    out.chmod(0o640)
    export([str(EXAMPLES / "profile_05.txt")], output=out, options=ExportOptions(as_of=AS_OF))
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text() != "earlier\n"


def test_a_symlinked_output_is_written_through_to_its_target(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "graph.ttl"
    target.write_text("earlier\n")
    link = tmp_path / "latest.ttl"
    link.symlink_to(target)
    export([str(EXAMPLES / "profile_05.txt")], output=link, options=ExportOptions(as_of=AS_OF))
    assert link.is_symlink() and link.resolve() == target
    assert len(Graph().parse(target, format="turtle")) > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.ttl", "real"]
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["graph.ttl"]


def test_store_refuses_a_folder_of_user_files_and_touches_none(runner, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "LOG").write_text("my notes\n")
    (folder / "thesis.tex").write_text("\\begin{document}\n")
    before = _snapshot(folder)
    result = runner.invoke(cli, ["export", str(EXAMPLES), "--store", str(folder), "--as-of", "2026-11-24"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: --store {folder}: the folder holds files that are not an Oxigraph store "
        "(LOG, thesis.tex); give a new or empty folder, or one an earlier export --store wrote"
    ]
    assert _snapshot(folder) == before and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_folder_with_a_stray_rocksdb_log_is_a_one_line_error(runner, tmp_path):
    folder = tmp_path / "st"
    folder.mkdir()
    (folder / "000003.log").write_bytes(b"\x00" * 64)
    for command in (["export", str(EXAMPLES), "--store", str(folder), "--as-of", "2026-11-24"],
                    ["query", "topic-authors", "--store", str(folder)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert len(result.stderr.splitlines()) == 1 and "not an Oxigraph store" in result.stderr
        assert "Traceback" not in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["000003.log"]


def test_store_refusal_comes_before_any_work(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.txt").write_text("x")
    with pytest.raises(UsageError):
        export([str(tmp_path / "nowhere")], output=None, store_dir=tmp_path / "mine",
               options=ExportOptions(as_of=AS_OF))


def test_an_earlier_store_is_replaced_and_a_symlinked_store_is_written_through(tmp_path, earlier):
    shutil.copytree(earlier / "st", tmp_path / "real-store")
    (tmp_path / "st").symlink_to(tmp_path / "real-store")
    report = export([str(EXAMPLES / "profile_05.txt")], output=None, store_dir=tmp_path / "st",
                    options=ExportOptions(as_of=AS_OF))
    assert (tmp_path / "st").is_symlink()
    assert _count(open_store(tmp_path / "real-store")) == report.triples
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real-store", "st"]


@pytest.mark.parametrize("suffix,rdflib_format", [(".ttl", "turtle"), (".nq", "nquads")])
def test_the_summary_triple_count_is_the_count_in_the_file(runner, tmp_path, suffix, rdflib_format):
    out = tmp_path / f"g{suffix}"
    result = runner.invoke(cli, ["export", str(EXAMPLES), "-o", str(out), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.stderr
    data = Dataset(default_union=True)
    data.parse(out, format=rdflib_format)
    distinct = {t for t in data.triples((None, None, None))}
    assert f" {len(distinct):,} triples;" in result.stderr


def test_a_page_that_is_one_huge_line_is_not_echoed_whole(runner, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Wei Zhang\nUnknown: " + "x" * 2_000_000 + "\n")
    result = runner.invoke(cli, ["export", str(page), "-o", str(tmp_path / "g.ttl"), "--as-of", "2026-11-24"])
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings and all(len(line) < 400 for line in warnings)
    assert any("more characters)" in line for line in warnings)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("after", [0.3, 0.8, 1.5])
def test_any_command_stops_with_one_line_at_any_moment_even_while_it_starts(
        tmp_path, long_corpus, signum, after):
    """`parse` of the whole corpus, signalled while it imports its libraries and while it works.
    (Before Python runs any of scholarkg's code, ≈ 0.1 s after launch, the signal's default
    action applies: a SIGTERM then kills silently, a Ctrl-C gets Python's own traceback.)"""
    (tmp_path / "tmp").mkdir()
    run = subprocess.Popen(
        [sys.executable, "-m", "scholarkg", "parse", str(long_corpus), "--as-of", "2026-11-24", "--json"],
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(after)
    if run.poll() is not None:
        pytest.fail("parse ended before it was signalled: the corpus is too small to test this")
    _, stderr, latency = signal_and_wait(run, signum)
    assert latency < 5
    assert run.returncode == 128 + signum, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Interrupted by {signal.Signals(signum).name}; stop")
    assert list((tmp_path / "tmp").iterdir()) == []


def _age(path: Path, seconds: float) -> None:
    """Make ``path`` look ``seconds`` old (a leftover younger than MIN_AGE is never swept)."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_what_a_killed_export_leaves_is_removed_by_the_next_export(place, corpus):
    """SIGKILL (the OOM killer, a CI timeout) gives the export no chance to clean up: its
    staged store, its staged file and its work folder stay. The next export removes them."""
    run = _start(place, corpus, "--jobs", "2", "--no-validate")
    try:
        _wait_for(lambda: POINTS["write"](place) or run.poll() is not None)
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
    finally:
        kill(run)
    left = sorted(p.name for p in place.iterdir() if p.name not in ("out.ttl", "st"))
    assert any(name.endswith(".new") for name in left) and any(name.endswith(".part") for name in left)
    for path in [*place.iterdir(), *(place.parent / "tmp").iterdir()]:
        _age(path, 60)
    again = _start(place, EXAMPLES)
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert sorted(p.name for p in place.iterdir()) == ["out.ttl", "st"]
    assert [p.name for p in (place.parent / "tmp").iterdir() if p.name.startswith("scholarkg-")] == []
    assert _count(open_store(place / "st")) == len(Graph().parse(place / "out.ttl"))


def test_the_next_export_leaves_staging_that_a_live_export_holds(place):
    from scholarkg.leftovers import hold, release

    held_store, held_file = place / ".st.0123abcd.new", place / ".out.ttl.89abcdef.part"
    stale_store, stale_file = place / ".st.deadbeef.new", place / ".out.ttl.cafebabe.part"
    young, unrelated = place / ".st.0badf00d.new", place / ".st.backup"
    for folder in (held_store, stale_store, young, unrelated):
        folder.mkdir()
        (folder / "000001.sst").write_bytes(b"x")
    for file in (held_file, stale_file):
        file.write_bytes(b"half a graph")
    locks = [hold(held_store), hold(held_file)]
    try:
        for path in (held_store, held_file, stale_store, stale_file, unrelated):
            _age(path, 3600)
        _export_here(place, EXAMPLES)
        assert sorted(p.name for p in place.iterdir()) == sorted(
            ["out.ttl", "st", held_store.name, held_file.name, young.name, unrelated.name])
    finally:
        for fd in locks:
            release(fd)
