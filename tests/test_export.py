"""``scholarkg export``: the graph users query, merging, determinism, formats, atomic output."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, VOID

from scholarkg.cli import cli
from scholarkg.errors import OutputError
from scholarkg.export import ExportOptions, export

from conftest import AS_OF, EXAMPLES, TESTS

BASE = "https://w3id.org/scholarkg/id/"
CASE = TESTS / "export_cases" / "two_pages"
SCHEMA = "https://schema.org/"
SKG = "https://w3id.org/scholarkg/vocab#"


def _iri(kind: str, key: str) -> str:
    """IRI rule of docs/model.md, written out independently of the code under test."""
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_key).strip("-")[:40].rstrip("-") or "x"
    return f"{BASE}{kind}/{slug}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def _expand(template: str) -> str:
    def repl(match: re.Match[str]) -> str:
        kind, key = match.group(1), match.group(2)
        if kind == "authorship":
            title, position = key.rsplit("|", 1)
            return f"{BASE}authorship/{_iri('paper', title).rsplit('/', 1)[1]}-{position}"
        if kind == "collaboration":  # the two names, "|" for the newline between them; no slug
            names = key.replace("|", "\n").encode()
            return f"{BASE}collaboration/{hashlib.sha256(names).hexdigest()[:16]}"
        return _iri(kind, key)

    return re.sub(r"\{(\w+):([^}]+)\}", repl, template)


def _run(paths, out: Path, **kwargs):
    options = ExportOptions(as_of=AS_OF, **{k: kwargs.pop(k) for k in list(kwargs) if k in
                                            {"base", "validate", "jobs", "generated_at"}})
    return export([str(p) for p in paths], output=out, options=options, **kwargs)


def _data_only(graph: Graph) -> Graph:
    """Drop the arXiv scheme and the VoID description: the golden file covers the pages."""
    dataset_nodes = {s for s in graph.subjects(RDF.type, VOID.Dataset)}
    dataset_nodes |= {o for s in dataset_nodes for p, o in graph.predicate_objects(s)
                      if str(p) in (str(VOID.classPartition), str(VOID.propertyPartition))}
    kept = Graph()
    for s, p, o in graph:
        if s in dataset_nodes or str(s).startswith("https://w3id.org/scholarkg/arxiv/"):
            continue
        kept.add((s, p, o))
    return kept


def test_two_pages_give_the_documented_graph(tmp_path):
    out = tmp_path / "graph.ttl"
    report = _run([CASE / "a_profile.txt", CASE / "b_headerless.txt"], out)
    assert report.clean and report.rejected == []
    got = _data_only(Graph().parse(out))
    expected = Graph().parse(data=_expand((CASE / "expected.ttl").read_text()), format="turtle")
    if not isomorphic(got, expected):
        missing = to_isomorphic(expected) - to_isomorphic(got)
        extra = to_isomorphic(got) - to_isomorphic(expected)
        pytest.fail(f"missing: {sorted(missing)[:5]}\nextra: {sorted(extra)[:5]}")


def test_summary_counts_match_the_graph(tmp_path):
    report = _run([CASE], tmp_path / "g.ttl")
    assert (report.files, report.profiles, report.papers, report.people) == (2, 1, 2, 2)
    assert (report.topics, report.organisations) == (1, 3)
    graph = Graph().parse(tmp_path / "g.ttl")
    assert report.triples == len(graph)  # the VoID description included


def test_report_times_each_phase_and_the_merge_fits_inside_the_page_loop(tmp_path):
    report = _run([CASE], tmp_path / "g.ttl")
    assert set(report.timings) == {"names", "pages", "merge", "bulk_load", "collaborations", "name_variants",
                                   "counts", "void", "write"}
    assert all(seconds >= 0 for seconds in report.timings.values())
    assert report.timings["bulk_load"] <= report.timings["pages"]
    assert report.timings["merge"] <= report.timings["pages"]
    no_file = export([str(CASE)], output=None, options=ExportOptions(as_of=AS_OF),
                     store_dir=tmp_path / "store")
    assert "write" not in no_file.timings


def test_an_in_process_export_leaves_none_of_the_callers_objects_frozen(tmp_path):
    gc.unfreeze()
    report = _run([CASE], tmp_path / "g.ttl", jobs=1)
    assert report.clean
    assert gc.get_freeze_count() == 0


def _void_triples(graph: Graph):
    ds = next(graph.subjects(RDF.type, VOID.Dataset))
    parts = set(graph.objects(ds, VOID.classPartition)) | set(graph.objects(ds, VOID.propertyPartition))
    for s, p, o in graph:
        if s == ds or s in parts:
            yield s, p, o


def test_void_describes_the_export(tmp_path):
    _run([CASE], tmp_path / "g.ttl")
    graph = Graph().parse(tmp_path / "g.ttl")
    ds = next(graph.subjects(RDF.type, VOID.Dataset))
    void_count = len(list(_void_triples(graph)))
    assert int(graph.value(ds, VOID.triples)) == len(graph) - void_count
    assert URIRef(SCHEMA) in set(graph.objects(ds, VOID.vocabulary))
    classes = {graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
               for p in graph.objects(ds, VOID.classPartition)}
    assert classes[URIRef(SCHEMA + "ScholarlyArticle")] == 2
    assert classes[URIRef(SCHEMA + "Person")] == 2


@pytest.mark.parametrize("suffix,rdflib_format", [
    (".ttl", "turtle"), (".nt", "nt"), (".nq", "nquads"), (".trig", "trig"), (".jsonld", "json-ld"),
])
def test_every_format_parses_back_to_the_same_union(tmp_path, suffix, rdflib_format):
    reference = Graph().parse(_export_once(tmp_path, ".nt"), format="nt")
    out = tmp_path / f"graph{suffix}"
    _run([CASE], out)
    data = Dataset(default_union=True)
    data.parse(out, format=rdflib_format)
    union = Graph()
    for triple in data.triples((None, None, None)):
        union.add(triple)
    assert isomorphic(union, reference)


def _export_once(tmp_path: Path, suffix: str) -> Path:
    out = tmp_path / f"reference{suffix}"
    if not out.exists():
        _run([CASE], out)
    return out


def test_dataset_formats_put_each_page_in_its_own_named_graph(tmp_path):
    out = tmp_path / "g.trig"
    _run([CASE], out)
    data = Dataset()
    data.parse(out, format="trig")
    names = {str(g.identifier) for g in data.graphs() if len(g)}
    assert _iri("graph", "a_profile.txt") in names and _iri("graph", "b_headerless.txt") in names
    page_a = data.graph(URIRef(_iri("graph", "a_profile.txt")))
    assert (URIRef(_iri("profile", "a_profile.txt")), URIRef(SKG + "hIndex"), Literal(7)) in page_a
    # graph descriptions live in the default graph
    default = data.default_graph if hasattr(data, "default_graph") else data.default_context
    assert (URIRef(_iri("graph", "a_profile.txt")), RDF.type,
            URIRef("http://www.w3.org/ns/prov#Entity")) in default


def test_same_pages_give_byte_identical_output_in_any_order(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for d in (one, two):
        d.mkdir()
    for name in ("a_profile.txt", "b_headerless.txt"):
        shutil.copy(CASE / name, one / name)
    # the same pages, listed through another directory layout and argument order
    shutil.copy(CASE / "b_headerless.txt", two / "b_headerless.txt")
    shutil.copy(CASE / "a_profile.txt", two / "a_profile.txt")
    _run([one], tmp_path / "x.ttl")
    _run([two / "b_headerless.txt", two / "a_profile.txt"], tmp_path / "y.ttl")
    _run([one], tmp_path / "z.ttl")
    x = (tmp_path / "x.ttl").read_bytes()
    assert x == (tmp_path / "y.ttl").read_bytes() == (tmp_path / "z.ttl").read_bytes()


def test_examples_export_is_deterministic_across_jobs(tmp_path):
    _run([EXAMPLES], tmp_path / "one.nq", jobs=1)
    _run([EXAMPLES], tmp_path / "two.nq", jobs=2)
    assert (tmp_path / "one.nq").read_bytes() == (tmp_path / "two.nq").read_bytes()


def test_conflicting_abstracts_keep_the_first_page_and_warn_with_both_sources(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("CLMar 1, 2020\nTokenisers AgainWei Zhang\nFirst abstract.\n")
    (pages / "b.txt").write_text("CLMar 2, 2020\nTokenisers againWei Zhang\nSecond abstract.\n")
    report = _run([pages], tmp_path / "g.ttl")
    graph = Graph().parse(tmp_path / "g.ttl")
    papers = set(graph.subjects(RDF.type, URIRef(SCHEMA + "ScholarlyArticle")))
    assert len(papers) == 1
    paper = papers.pop()
    assert {str(o) for o in graph.objects(paper, URIRef(SCHEMA + "abstract"))} == {"First abstract."}
    assert {str(o) for o in graph.objects(paper, URIRef(SCHEMA + "datePublished"))} == {"2020-03-01"}
    assert len(report.warnings) == 1
    warning = str(report.warnings[0])
    assert "b.txt:1" in warning and "a.txt:1" in warning
    assert "abstract" in warning and "date" in warning and "title" in warning


def test_unknown_topic_code_rejects_that_record_only(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text(
        "ZZMar 1, 2020\nTokenisers AgainWei Zhang\nAn abstract.\n"
        "CLMar 2, 2020\nTokenisers OnceWei Zhang\nAnother abstract.\n"
    )
    report = _run([page], tmp_path / "g.ttl")
    assert len(report.rejected) == 1
    notice = report.rejected[0]
    assert notice.file == str(page) and notice.line == 1
    assert "Tokenisers Again" in notice.message and "rejected by the shapes" in notice.message
    graph = Graph().parse(tmp_path / "g.ttl")
    titles = {str(o) for o in graph.objects(None, URIRef(SCHEMA + "name"))}
    assert "Tokenisers Once" in titles and "Tokenisers Again" not in titles


def test_a_rejected_paper_is_rejected_on_every_page_that_lists_it_for_any_jobs(tmp_path):
    # One chunk checks a distinct record and later chunks reuse its verdict (export.pipeline):
    # pages 0, 40 and 79 land in three different chunks of export.CHUNK pages.
    from scholarkg.export import CHUNK

    pages = tmp_path / "pages"
    pages.mkdir()
    count = 2 * CHUNK + 16
    for n in range(count):
        body = f"CLMar 2, 2020\nPaper Number {n}Wei Zhang\nAn abstract.\n"
        if n in (0, CHUNK + 8, count - 1):
            body = (f"LGMar 3, 2020\nA Fine PaperWei Zhang\nOk.\n{body}"
                    "ZZMar 1, 2020\nBad TopicWei Zhang\nNothing to see.\n")
        (pages / f"p{n:03}.txt").write_text(body)
    reports = {jobs: _run([pages], tmp_path / f"j{jobs}.nq", jobs=jobs) for jobs in (1, 2)}
    assert (tmp_path / "j1.nq").read_bytes() == (tmp_path / "j2.nq").read_bytes()
    for report in reports.values():
        assert [(n.file.rsplit("/", 1)[1], n.line) for n in report.rejected] == [
            ("p000.txt", 7), (f"p{CHUNK + 8:03}.txt", 7), (f"p{count - 1:03}.txt", 7)]
        assert all("'Bad Topic' rejected by the shapes" in n.message for n in report.rejected)
    text = (tmp_path / "j2.nq").read_text()
    assert "Bad Topic" not in text and "A Fine Paper" in text and f"Paper Number {count - 1}" in text


HOSTILE = [
    'Quotes "double" and \'single\'',
    'Triple """quotes""" inside',
    "Back\\slash and a trailing backslash\\",
    'Angle <brackets> and "> . injected',
    "Émigré naïve façade — ünïcödé",
    "URL http://example.org/a path with spaces?q=1&x=<y>",
]


@pytest.mark.parametrize("suffix,ox_format", [
    (".ttl", ox.RdfFormat.TURTLE), (".nt", ox.RdfFormat.N_TRIPLES), (".jsonld", ox.RdfFormat.JSON_LD),
    (".trig", ox.RdfFormat.TRIG),
])
def test_hostile_text_round_trips_through_independent_parsers(tmp_path, suffix, ox_format):
    lines = []
    for i, text in enumerate(HOSTILE):
        lines += [f"CLMar {i + 1}, 2020", f"Title {i} {text}", "", "Wei Zhang", "", f"Abstract: {text}", ""]
    page = tmp_path / "hostile.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / f"g{suffix}"
    report = _run([page], out)
    assert report.clean, report.rejected + report.problems
    expected_abstracts = {f"Abstract: {t}".strip() for t in HOSTILE}
    expected_titles = {f"Title {i} {t}".strip() for i, t in enumerate(HOSTILE)}
    # parser 1: Oxigraph
    quads = list(ox.parse(path=str(out), format=ox_format))
    ox_abstracts = {q.object.value for q in quads if q.predicate.value == SCHEMA + "abstract"}
    ox_titles = {q.object.value for q in quads if q.predicate.value == SCHEMA + "name"
                 and q.subject.value.startswith(BASE + "paper/")}
    assert ox_abstracts == expected_abstracts
    assert ox_titles == expected_titles
    # parser 2: rdflib
    data = Dataset(default_union=True)
    data.parse(out, format={".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".trig": "trig"}[suffix])
    rdflib_abstracts = {str(o) for _, _, o in data.triples((None, URIRef(SCHEMA + "abstract"), None))}
    assert rdflib_abstracts == expected_abstracts


def test_failed_write_leaves_earlier_output_untouched_and_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / "g.ttl"
    out.write_text("earlier good export\n")

    def broken_dump(*args, **kwargs):
        handle = args[1]
        handle.write(b"@prefix half-written")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ox.Store, "dump", broken_dump)
    with pytest.raises(OutputError) as info:
        _run([CASE], out)
    assert "No space left on device" in str(info.value)
    assert out.read_text() == "earlier good export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.ttl"]


def test_source_date_epoch_sets_generated_at_time(runner, tmp_path):
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["export", str(CASE), "-o", str(out), "--as-of", "2026-11-24"],
                           env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(out)
    times = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/prov#generatedAtTime"))}
    assert times == {"2023-11-14T22:13:20+00:00"} or times == {"2023-11-14T22:13:20Z"}


def test_cli_export_prints_a_summary_and_exits_zero(runner, tmp_path):
    out = tmp_path / "g.ttl"
    result = runner.invoke(cli, ["export", str(CASE), "-o", str(out), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Exported 2 of 2 files" in result.stderr
    assert "1 profiles, 2 papers, 2 people, 1 topics, 3 organisations" in result.stderr
    assert "0 records rejected" in result.stderr


def test_cli_export_reports_rejections_with_file_and_line_and_exits_one(runner, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("ZZMar 1, 2020\nTokenisers AgainWei Zhang\nAn abstract.\n")
    result = runner.invoke(cli, ["export", str(page), "-o", str(tmp_path / "g.ttl"), "--as-of", "2026-11-24"])
    assert result.exit_code == 1
    assert f"Rejected: {page}:1: paper 'Tokenisers Again' rejected by the shapes" in result.stderr
    assert "Traceback" not in result.output
    assert (tmp_path / "g.ttl").exists()


@pytest.mark.parametrize("args,message", [
    (["-o", "g.xyz"], "cannot tell the format"),
    (["-o", "g.ttl", "--base", "not an iri"], "--base must be an absolute"),
    ([], "give -o/--output FILE, --store DIR, or both"),
    (["-o", "a-file/g.ttl"], "cannot create the folder a-file"),
])
def test_cli_export_usage_errors_are_one_line(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("a file where a folder is needed\n")
    result = runner.invoke(cli, ["export", str(CASE), *args, "--as-of", "2026-11-24"])
    assert result.exit_code in (2, 5)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not any(p.name.endswith(".part") for p in tmp_path.rglob("*"))


def test_binary_file_is_refused_and_the_rest_exported(runner, tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(CASE, pages, ignore=shutil.ignore_patterns("*.ttl"))
    (pages / "c_binary.txt").write_bytes(b"\x00\x01\x02")
    args = ["export", str(pages), "-o", str(tmp_path / "g.ttl"), "--as-of", "2026-11-24"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "c_binary.txt: not a text file" in result.stderr
    assert "Exported 2 of 3 files" in result.stderr


def test_missing_output_folders_are_created(tmp_path):
    _run([CASE], tmp_path / "new" / "deeper" / "g.ttl")
    assert (tmp_path / "new" / "deeper" / "g.ttl").stat().st_size > 0


def test_no_progress_bar_when_stderr_is_not_a_terminal(runner, tmp_path):
    result = runner.invoke(cli, ["export", str(CASE), "-o", str(tmp_path / "g.ttl"), "--as-of", "2026-11-24"])
    assert "Exporting" not in result.stderr


def test_no_blank_nodes_in_the_export(tmp_path):
    _run([EXAMPLES], tmp_path / "g.nt")
    assert "_:" not in (tmp_path / "g.nt").read_text()


def test_export_without_validation_still_writes(tmp_path):
    report = _run([CASE], tmp_path / "g.ttl", validate=False)
    assert report.papers == 2
    assert os.path.getsize(tmp_path / "g.ttl") > 0


def _children() -> dict[int, list[int]]:
    """Parent process id -> its children, read from /proc (no extra library needed)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    return children


def _grandchildren() -> list[int]:
    """Where the worker processes of a parallel export are: the forkserver's children."""
    children = _children()
    return [pid for child in children.get(os.getpid(), []) for pid in children.get(child, [])]


def test_a_worker_that_dies_ends_the_export_with_an_error_instead_of_a_wait(tmp_path):
    import signal

    from scholarkg.errors import WorkerFailed
    from scholarkg.export import CHUNK
    from scholarkg.synthetic import write_corpus

    write_corpus(tmp_path / "pages", 3 * CHUNK, abstract_words=0)
    killed: list[int] = []

    def kill_the_workers(_pages: int) -> None:  # called after the first page is merged
        if not killed:
            killed.extend(_grandchildren())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    ended, outcome = _in_thread(lambda: export(
        [str(tmp_path / "pages")], output=tmp_path / "g.ttl",
        options=ExportOptions(as_of=AS_OF, jobs=2, validate=False),
        progress_start=lambda total: kill_the_workers), 120)
    assert ended, "the export waited on a dead worker"
    assert len(killed) == 2
    assert isinstance(outcome, WorkerFailed), outcome
    assert "a worker process died" in str(outcome)
    assert not (tmp_path / "g.ttl").exists()


def _in_thread(call, seconds: float):
    """``call()`` in a daemon thread: (finished within ``seconds``, its result or exception)."""
    import threading

    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # the test looks at whatever came out
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return (not thread.is_alive()), (outcome[0] if outcome else None)


def test_a_worker_killed_while_it_sends_a_result_breaks_the_wait_instead_of_hanging_it():
    """The OOM killer strikes at a chunk's peak, when its result is pickled and sent: the
    executor's reader then waits for the rest of a message nobody will send."""
    from concurrent.futures.process import BrokenProcessPool

    from scholarkg.export.pipeline import _Processes
    from scholarkg.export.worker import WorkerSettings

    from dying_tasks import die_while_sending_a_result

    workers = _Processes(WorkerSettings(options=ExportOptions(as_of=AS_OF), named_graphs=False), 1)
    workers.start()
    try:
        assert workers.wait(workers.pids[0]) > 0
        # The executor's private members the watch relies on are there on this Python.
        assert all(w.process is not None and w.writer is not None and w.manager is not None
                   for w in workers._watched)
        future = workers.executors[0].submit(die_while_sending_a_result)
        ended, outcome = _in_thread(lambda: workers.wait(future), 20)
        assert ended, "the wait on a worker that died mid-result never ended"
        assert isinstance(outcome, BrokenProcessPool), outcome
    finally:
        closed, _ = _in_thread(lambda: workers.close(failed=True), 20)
    assert closed, "closing the workers hung on the lost executor"


def test_closing_ends_even_when_a_worker_died_mid_result_unwatched_or_never_looks_at_the_flag():
    """Ctrl-C while the parent waits on one worker, the other having died mid-result, must not
    hang the close; nor may a worker busy in a task that never checks the stop flag."""
    import time

    from scholarkg.export.pipeline import _Processes
    from scholarkg.export.worker import WorkerSettings

    from dying_tasks import die_while_sending_a_result, sleep_without_looking

    workers = _Processes(WorkerSettings(options=ExportOptions(as_of=AS_OF), named_graphs=False), 2)
    workers.start()
    for index in (0, 1):
        assert workers.wait(workers.pids[index]) > 0
    workers.executors[0].submit(die_while_sending_a_result)
    busy = workers.executors[1].submit(sleep_without_looking, 120)
    time.sleep(0.5)
    started = time.monotonic()
    closed, _ = _in_thread(lambda: workers.close(failed=True), 30)
    assert closed, "close hung"
    assert time.monotonic() - started < 10
    assert busy.done()
    assert not any(w.alive() for w in workers._watched)


def test_stopping_the_workers_ends_the_task_in_hand_at_its_next_page(tmp_path):
    """An interrupt asks the workers to stop rather than killing them (a worker killed while
    sending a result hangs the executor): the chunk in hand ends at the next page."""
    import time

    from scholarkg.export.pipeline import _Processes
    from scholarkg.export.worker import Stopped, WorkerSettings
    from scholarkg.parse import find_sources
    from scholarkg.synthetic import write_corpus

    write_corpus(tmp_path / "pages", 1500)
    sources = find_sources([tmp_path / "pages"])
    workers = _Processes(WorkerSettings(options=ExportOptions(as_of=AS_OF), named_graphs=False), 1)
    workers.start()
    task = workers.map_chunk(0, sources)  # one chunk of 1,500 pages: seconds of work
    time.sleep(1.0)
    assert not task.done()
    started = time.monotonic()
    closed, _ = _in_thread(lambda: workers.close(failed=True), 20)
    assert closed
    assert time.monotonic() - started < 3
    assert isinstance(task.exception(), Stopped)


def test_a_worker_found_dead_when_a_task_is_handed_to_it_is_a_worker_failure(tmp_path, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    from scholarkg.errors import WorkerFailed
    from scholarkg.export import CHUNK
    from scholarkg.export.pipeline import _Processes
    from scholarkg.synthetic import write_corpus

    def broken(*args, **kwargs):
        raise BrokenProcessPool("A child process terminated abruptly")

    write_corpus(tmp_path / "pages", 3 * CHUNK, abstract_words=0)
    monkeypatch.setattr(_Processes, "map_chunk", broken)
    with pytest.raises(WorkerFailed, match="a worker process died"):
        export([str(tmp_path / "pages")], output=tmp_path / "g.ttl",
               options=ExportOptions(as_of=AS_OF, jobs=2, validate=False))
    assert not (tmp_path / "g.ttl").exists()


def test_export_splits_glued_lines_with_the_whole_runs_evidence_as_parse_does(tmp_path):
    """The export's first pass hands every worker the run's evidence, so it reads a corpus nobody
    here wrote exactly as ``parse`` reading the whole run does (and not as pages read alone, which
    differ on this corpus), for any ``--jobs``."""
    from scholarkg.parse import RunEvidence, collect_evidence, parse_text
    from scholarkg.testing.corpus import build_corpus

    pages = build_corpus(40, mix="hard", seed=31)
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in pages:
        (folder / page.name).write_text(page.text, encoding="utf-8")
    evidence = RunEvidence.merge(collect_evidence(p.text) for p in pages)
    expected = {paper.title for p in pages
                for paper in parse_text(p.text, as_of=AS_OF, names=evidence).papers}
    page_alone = {paper.title for p in pages for paper in parse_text(p.text, as_of=AS_OF).papers}
    assert expected != page_alone  # the corpus holds lines only the run's evidence splits right
    for jobs in (1, 2):
        out = tmp_path / f"graph-{jobs}.nt"
        export([folder], output=out, options=ExportOptions(as_of=AS_OF, jobs=jobs, validate=False))
        graph = Graph().parse(out, format="nt")
        papers = graph.subjects(RDF.type, URIRef("https://schema.org/ScholarlyArticle"))
        titles = {str(graph.value(paper, URIRef("http://purl.org/dc/terms/title"))) for paper in papers}
        assert titles == expected, (sorted(expected - titles)[:3], sorted(titles - expected)[:3])
