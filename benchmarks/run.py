#!/usr/bin/env python3
"""Benchmark the scholarkg pipeline stage by stage against a naive rdflib + pyshacl pipeline.

    python benchmarks/run.py --sizes 1000 10000 [--jobs 2] [--out benchmarks/results/NAME.json]
                             [--skip-naive] [--naive-max-size 10000] [--corpus-dir DIR]

For each size a synthetic corpus (``scholarkg.synthetic``) is written, then every stage runs in
a child process of its own, so that its time and peak memory are its own: the parent samples the
resident memory of the child's whole process tree (the child and any worker processes) every
0.1 s, and the child reports its own ``ru_maxrss``; the peak is the larger of the two. Seconds
are measured inside the child around the work (interpreter start-up and imports excluded; the
wall time including them is in the JSON). See benchmarks/README.md for the columns and targets.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-24"
SAMPLE_EVERY = 0.1  # seconds between memory samples of a stage's process tree
NAIVE_STEPS = ("parse", "graph", "shacl", "serialize", "query")

# Real parameter values for the saved queries, picked from the store (not timed). The author is
# the profile owner with the most papers (the heaviest case for per-author queries).
PICK_AUTHOR = """
PREFIX schema: <https://schema.org/>
SELECT ?name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?page schema:mainEntity ?person .
  ?person schema:name ?name .
  ?paper schema:author ?person .
} GROUP BY ?name ORDER BY DESC(?papers) ?name LIMIT 1
"""
PICK_PAPER = """
PREFIX schema: <https://schema.org/>
SELECT ?title WHERE {
  ?paper schema:author ?person ; schema:name ?title .
  ?person schema:name ?author .
} ORDER BY ?title LIMIT 1
"""


# === child side: one stage per process ==========================================================


def _options(spec: dict[str, Any], **overrides: Any) -> Any:
    from scholarkg.export import ExportOptions

    fields = {"as_of": dt.date.fromisoformat(spec["as_of"]), "jobs": spec.get("jobs", 1),
              "validate": spec.get("validate", True)}
    if spec.get("validator"):
        fields["validator"] = spec["validator"]
    fields.update(overrides)
    return ExportOptions(**fields)


def _stage_corpus(spec: dict[str, Any]) -> dict[str, Any]:
    from scholarkg.synthetic import write_corpus

    directory = Path(spec["corpus"])
    kwargs = {"seed": spec["seed"]}
    if spec.get("abstract_words") is not None:
        kwargs["abstract_words"] = spec["abstract_words"]
    start = time.perf_counter()
    files = write_corpus(directory, spec["size"], **kwargs)
    seconds = time.perf_counter() - start
    size = sum(path.stat().st_size for path in files)
    return {"seconds": seconds, "extra": {"files": len(files), "megabytes": round(size / 1e6, 1)}}


def _pages(spec: dict[str, Any], timer: dict[str, float]) -> Any:
    """Parse every page as the pipeline does (names collected first), timing it into ``timer``."""
    from scholarkg.parse import collect_names_from_files, find_sources, parse_file

    as_of = dt.date.fromisoformat(spec["as_of"])
    start = time.perf_counter()
    sources = find_sources([spec["corpus"]])
    names = collect_names_from_files(sources)
    timer["parse"] += time.perf_counter() - start
    for source in sources:
        start = time.perf_counter()
        page = parse_file(source.path, as_of=as_of, names=names, display=source.shown)
        timer["parse"] += time.perf_counter() - start
        yield source, page


def _stage_parse(spec: dict[str, Any]) -> dict[str, Any]:
    timer = {"parse": 0.0}
    files = listings = problems = headers = 0
    titles: set[str] = set()
    for _source, page in _pages(spec, timer):
        files += 1
        listings += len(page.papers)
        problems += len(page.problems)
        headers += page.profile is not None
        titles.update(" ".join(p.title.casefold().split()) for p in page.papers)
    return {"seconds": timer["parse"], "extra": {
        "files": files, "listings": listings, "distinct_titles": len(titles), "problems": problems,
        "headers": headers}}


def _stage_map(spec: dict[str, Any]) -> dict[str, Any]:
    from scholarkg.mapping import Minter, map_page

    minter = Minter()
    generated_at = _options(spec).timestamp()
    timer = {"parse": 0.0}
    seconds = 0.0
    triples = 0
    for source, page in _pages(spec, timer):
        start = time.perf_counter()
        page_triples, records = map_page(page, source_key=source.key, minter=minter,
                                         generated_at=generated_at)
        triples += len(page_triples) + sum(len(list(r.triples())) for r in records)
        seconds += time.perf_counter() - start
    return {"seconds": seconds, "extra": {"mapped_triples_with_repeats": triples,
                                          "parse_seconds_untimed": round(timer["parse"], 3)}}


def _stage_validate(spec: dict[str, Any]) -> dict[str, Any]:
    """Validation alone, the way the export batches it: pages in chunks, one check per chunk."""
    from scholarkg.export import CHUNK
    from scholarkg.mapping import Minter, map_page
    from scholarkg.validation import ValidationCache, check_records

    minter = Minter()
    generated_at = _options(spec).timestamp()
    cache = ValidationCache()
    timer = {"parse": 0.0}
    seconds = 0.0
    rejected = unattributed = 0
    chunk: list[tuple[list[Any], list[Any]]] = []

    def check() -> None:
        nonlocal seconds, rejected, unattributed
        page_triples = [t for triples, _ in chunk for t in triples]
        records = [r for _, rs in chunk for r in rs]
        start = time.perf_counter()
        _kept, bad, loose = check_records(page_triples, records, cache=cache,
                                          validator=spec.get("validator") or "fast")
        seconds += time.perf_counter() - start
        rejected += len(bad)
        unattributed += len(loose)
        chunk.clear()

    for source, page in _pages(spec, timer):
        chunk.append(map_page(page, source_key=source.key, minter=minter, generated_at=generated_at))
        if len(chunk) == CHUNK:
            check()
    if chunk:
        check()
    return {"seconds": seconds, "extra": {"rejected": rejected, "unattributed": unattributed}}


def _stage_export(spec: dict[str, Any]) -> dict[str, Any]:
    from scholarkg.export import export

    output = Path(spec["output"]) if spec.get("output") else None
    store = Path(spec["store"]) if spec.get("store") else None
    start = time.perf_counter()
    report = export([spec["corpus"]], output=output, options=_options(spec), store_dir=store)
    seconds = time.perf_counter() - start
    extra = {key: getattr(report, key) for key in
             ("files", "profiles", "papers", "people", "topics", "organisations", "triples")}
    extra.update(rejected=len(report.rejected), problems=len(report.problems),
                 refused=len(report.files_refused), warnings=len(report.warnings))
    if output is not None and output.exists():
        extra["output_megabytes"] = round(output.stat().st_size / 1e6, 1)
    extra["timings"] = {phase: round(value, 2) for phase, value in report.timings.items()}
    return {"seconds": seconds, "extra": extra}


def _stage_floor(spec: dict[str, Any]) -> dict[str, Any]:
    """The floor for an export: read the pages' text, bulk-load the export's own triples as
    N-Triples into an on-disk pyoxigraph store (the kind the export writes through), dump it as
    Turtle. The N-Triples are made from the export's Turtle file first, untimed."""
    import pyoxigraph as ox

    work = Path(spec["work"])
    ntriples = work / "floor-input.nt"
    with ntriples.open("wb") as handle:
        ox.serialize(ox.parse(path=spec["export"], format=ox.RdfFormat.TURTLE), handle,
                     ox.RdfFormat.N_TRIPLES)
    start = time.perf_counter()
    chars = 0
    for path in sorted(Path(spec["corpus"]).rglob("*.txt")):
        chars += len(path.read_text(encoding="utf-8"))
    read = time.perf_counter() - start
    store = ox.Store(str(work / "floor-store"))
    with ntriples.open("rb") as handle:
        store.bulk_load(handle, ox.RdfFormat.N_TRIPLES)
    loaded = time.perf_counter() - start - read
    with (work / "floor.ttl").open("wb") as handle:
        store.dump(handle, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    seconds = time.perf_counter() - start
    triples = len(store)
    del store
    shutil.rmtree(work / "floor-store", ignore_errors=True)
    (work / "floor.ttl").unlink(missing_ok=True)
    ntriples.unlink(missing_ok=True)
    return {"seconds": seconds, "extra": {
        "read_seconds": round(read, 2), "load_seconds": round(loaded, 2),
        "dump_seconds": round(seconds - read - loaded, 2), "triples": triples,
        "text_megachars": round(chars / 1e6, 1)}}


def _stage_wide(spec: dict[str, Any]) -> dict[str, Any]:
    """One page listing one paper with ``authors`` authors, validated as export validates a
    batch (shapes compiled beforehand, untimed: that is once per process)."""
    from scholarkg.mapping import Minter, map_page
    from scholarkg.models import Page, Paper, Profile
    from scholarkg.validation import check_records

    def page(authors: int) -> Any:
        paper = Paper(category="cs.LG", date=dt.date(2026, 1, 2), year_given=True,
                      title=f"A Paper With {authors} Authors",
                      authors=tuple(f"Author Number{i}" for i in range(authors)))
        return map_page(Page(file="wide.txt", profile=Profile(name="Author Number0"), papers=(paper,)),
                        source_key="wide.txt", minter=Minter(), generated_at=_options(spec).timestamp())

    check_records(*page(2), validator=spec["validator"])  # compile the shapes
    page_triples, records = page(spec["authors"])
    start = time.perf_counter()
    kept, rejected, _ = check_records(page_triples, records, validator=spec["validator"])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "extra": {"kept": len(kept), "rejected": len(rejected)}}


def _stage_pick(spec: dict[str, Any]) -> dict[str, Any]:
    from scholarkg.store import open_store

    store = open_store(Path(spec["store"]))
    start = time.perf_counter()
    author = papers = None
    for row in store.query(PICK_AUTHOR, use_default_graph_as_union=True):  # type: ignore[union-attr]
        author, papers = row[0].value, int(row[1].value)
    paper = None
    if author is not None:
        text = PICK_PAPER.replace("?author .", f"?author . FILTER(?author = {json.dumps(author)})")
        for row in store.query(text, use_default_graph_as_union=True):  # type: ignore[union-attr]
            paper = row[0].value
    return {"seconds": time.perf_counter() - start,
            "extra": {"author": author, "author_papers": papers, "paper": paper}}


def _stage_query(spec: dict[str, Any]) -> dict[str, Any]:
    from scholarkg.queries import OxigraphEngine, get_query, run_query
    from scholarkg.store import open_store

    query = get_query(spec["name"])
    engine = OxigraphEngine(open_store(Path(spec["store"])))
    times = []
    rows = 0
    for _ in range(max(1, spec.get("repeats", 1))):
        start = time.perf_counter()
        rows = len(run_query(query, spec["params"], engine))
        times.append(time.perf_counter() - start)
    return {"seconds": times[0], "extra": {"best_seconds": round(min(times), 4), "rows": rows,
                                           "params": spec["params"]}}


def _stage_naive(spec: dict[str, Any], result_path: Path) -> dict[str, Any]:
    """parse → one rdflib Graph → pyshacl on the whole graph → rdflib Turtle → rdflib SPARQL.

    Step times are written to the result file after every step, so a run stopped by the time
    limit still tells how far it got.
    """
    import pyshacl
    from rdflib import Graph

    from scholarkg.mapping import Minter, map_page, scheme_triples
    from scholarkg.queries import RdflibEngine, get_query, run_query
    from scholarkg.validation import shapes_graph

    steps: dict[str, float] = {}
    extra: dict[str, Any] = {}

    def done(step: str, start: float) -> None:
        steps[step] = time.perf_counter() - start
        result_path.write_text(json.dumps({"seconds": sum(steps.values()), "steps": steps,
                                           "extra": extra, "partial": True}))

    timer = {"parse": 0.0}
    start = time.perf_counter()
    pages = list(_pages(spec, timer))
    done("parse", start)

    start = time.perf_counter()
    minter = Minter()
    generated_at = _options(spec).timestamp()
    graph = Graph()
    for triple in scheme_triples():
        graph.add(triple)
    for source, page in pages:
        page_triples, records = map_page(page, source_key=source.key, minter=minter,
                                         generated_at=generated_at)
        for triple in page_triples:
            graph.add(triple)
        for record in records:
            for triple in record.triples():
                graph.add(triple)
    del pages
    extra["triples"] = len(graph)
    done("graph", start)

    start = time.perf_counter()
    conforms, _report, _text = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    extra["conforms"] = bool(conforms)
    done("shacl", start)

    start = time.perf_counter()
    graph.serialize(destination=spec["output"], format="turtle")
    extra["output_megabytes"] = round(Path(spec["output"]).stat().st_size / 1e6, 1)
    done("serialize", start)

    author = spec.get("author")
    if author is None:
        for row in graph.query(PICK_AUTHOR):
            author = str(row[0])
    extra["author"] = author
    start = time.perf_counter()
    extra["query_rows"] = len(run_query(get_query("coauthors"), {"author": author or ""},
                                        RdflibEngine(graph)))
    done("query", start)
    return {"seconds": sum(steps.values()), "steps": steps, "extra": extra}


CHILD_STAGES = {"corpus": _stage_corpus, "parse": _stage_parse, "map": _stage_map,
                "validate": _stage_validate, "export": _stage_export, "pick": _stage_pick,
                "floor": _stage_floor, "wide": _stage_wide,
                "query": _stage_query}


def _child(spec_path: str, result_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    result_file = Path(result_path)
    kind = spec["kind"]
    result = _stage_naive(spec, result_file) if kind == "naive" else CHILD_STAGES[kind](spec)
    result["maxrss_self_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["maxrss_children_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result_file.write_text(json.dumps(result))
    return 0


# === parent side: run a stage in a child and watch its memory ===================================


def _tree_rss_kb(root: int) -> int:
    """Resident memory (KiB) of ``root`` and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * page_kb
        except (OSError, IndexError, ValueError):
            continue
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(OSError):
                self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))
            self.stop.wait(SAMPLE_EVERY)


def measure(spec: dict[str, Any], *, workdir: Path, timeout: float) -> dict[str, Any]:
    """Run one stage in a fresh child process; seconds, peak memory and what it reported."""
    handle, spec_name = tempfile.mkstemp(prefix="spec-", suffix=".json", dir=workdir)
    os.close(handle)
    spec_path = Path(spec_name)
    result_path = spec_path.with_name(spec_path.name.replace("spec-", "result-"))
    spec_path.write_text(json.dumps(spec))
    command = [sys.executable, str(Path(__file__).resolve()), "_stage", str(spec_path), str(result_path)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    sampler = _Sampler(child.pid)
    sampler.start()
    status = "ok"
    try:
        _out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the child's own session: it and its workers
        _out, err = child.communicate()
        status = "timeout"
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    result: dict[str, Any] = {}
    if result_path.exists():
        try:
            result = json.loads(result_path.read_text())
        except ValueError:
            result = {}
    if status == "ok" and child.returncode != 0:
        status = "error"
    if status == "ok" and result.get("partial"):
        status = "error"
    self_kb = int(result.get("maxrss_self_kb", 0))
    record = {
        "status": status,
        "seconds": result.get("seconds"),
        "wall_seconds": round(wall, 3),
        "peak_mb": round(max(sampler.peak_kb, self_kb) / 1024, 1),
        "self_maxrss_mb": round(self_kb / 1024, 1),
        "extra": result.get("extra", {}),
    }
    if "steps" in result:
        record["steps"] = result["steps"]
    if status != "ok":
        record["error"] = err.decode("utf-8", "replace").strip().splitlines()[-5:]
    spec_path.unlink(missing_ok=True)
    result_path.unlink(missing_ok=True)
    return record


# === the run ===================================================================================


def _example_params(example: str) -> dict[str, str]:
    """``--param author="X" --param limit=5`` in a query's example line → {"author": "X", ...}."""
    params: dict[str, str] = {}
    try:
        words = shlex.split(example)
    except ValueError:
        return params
    for i, word in enumerate(words):
        value = None
        if word in ("--param", "-p") and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("--param="):
            value = word.split("=", 1)[1]
        if value and "=" in value:
            key, val = value.split("=", 1)
            params[key] = val
    return params


def _query_params(query: Any, picked: dict[str, Any]) -> dict[str, str]:
    params = _example_params(query.example)
    for param in query.params:
        if param.name == "author" and picked.get("author"):
            params["author"] = picked["author"]
        elif param.name == "paper" and picked.get("paper"):
            params["paper"] = picked["paper"]
        elif param.required and param.name not in params:
            params[param.name] = ""  # no example: the run reports the query's own error
    return params


def _corpus_dir(args: argparse.Namespace, size: int, scratch: Path) -> Path:
    if args.corpus_dir is None:
        return scratch / "corpus"
    words = args.abstract_words if args.abstract_words is not None else "default"
    return Path(args.corpus_dir) / f"profiles-{size}-seed-{args.seed}-words-{words}"


def _corpus_ready(directory: Path, size: int) -> bool:
    marker = directory / ".complete"
    return marker.exists() and sum(1 for _ in directory.glob("*.txt")) == size


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rows: list[dict[str, Any]] = []

    def add(self, stage: str, size: int, record: dict[str, Any], **more: Any) -> dict[str, Any]:
        row = {"stage": stage, "size": size, **record, **more}
        self.rows.append(row)
        secs = "-" if row.get("seconds") is None else f"{row['seconds']:.2f}"
        note = "" if row["status"] == "ok" else f"  [{row['status']}]"
        print(f"  {stage:<34} {secs:>9} s {row['peak_mb']:>9.1f} MB{note}", flush=True)
        if row["status"] == "error":
            for line in row.get("error", []):
                print(f"      {line}", flush=True)
        return row

    def wide(self, scratch: Path) -> None:
        """One paper with many authors, validated alone (issue 14: pyshacl grew with the square
        of the authors). The size column is 1: one page."""
        args = self.args
        print("\n== one paper with many authors ==", flush=True)
        for validator in ("fast", "pyshacl"):
            for authors in args.wide_authors:
                if validator == "pyshacl" and authors > args.wide_pyshacl_max:
                    continue
                spec = {"kind": "wide", "authors": authors, "validator": validator,
                        "as_of": args.as_of}
                self.add(f"validate 1 paper, {authors} authors ({validator})", 1,
                         measure(spec, workdir=scratch, timeout=args.timeout))

    def find(self, stage: str, size: int) -> dict[str, Any] | None:
        return next((r for r in self.rows if r["stage"] == stage and r["size"] == size), None)

    def size(self, size: int, scratch: Path) -> None:
        args = self.args
        wanted = set(args.only)
        print(f"\n== {size:,} profiles ==", flush=True)
        common = {"as_of": args.as_of, "seed": args.seed, "validator": args.validator}
        corpus = _corpus_dir(args, size, scratch)
        if _corpus_ready(corpus, size):
            print(f"  corpus: reusing {corpus}", flush=True)
        else:
            if corpus.exists():
                shutil.rmtree(corpus)
            record = measure({"kind": "corpus", "corpus": str(corpus), "size": size,
                              "abstract_words": args.abstract_words, **common},
                             workdir=scratch, timeout=args.timeout)
            self.add("write corpus", size, record)
            if record["status"] != "ok":
                return
            (corpus / ".complete").write_text("")
        common["corpus"] = str(corpus)

        def run(stage: str, spec: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
            record = measure({**common, **spec}, workdir=scratch, timeout=timeout or args.timeout)
            return self.add(stage, size, record)

        if "parse" in wanted:
            run("parse", {"kind": "parse"})
        if "map" in wanted:
            run("map", {"kind": "map"})
        if "validate" in wanted:
            run("validate (measured inside)", {"kind": "validate"})
        ttl = scratch / "out.ttl"
        def floor() -> None:
            """The floor of the export just written (its Turtle file is still there)."""
            if ttl.exists():
                run("floor (read, bulk-load N-Triples, dump)",
                    {"kind": "floor", "export": str(ttl), "work": str(scratch)})

        if "export-jobs" in wanted and "export" not in wanted:  # the headline row alone (100k)
            run(f"export ttl +validate j{args.jobs}",
                {"kind": "export", "output": str(ttl), "jobs": args.jobs})
            floor()
            ttl.unlink(missing_ok=True)
        if "export" in wanted:
            run("export ttl +validate j1", {"kind": "export", "output": str(ttl), "jobs": 1})
            if args.jobs == 1:
                floor()
            ttl.unlink(missing_ok=True)
            if args.jobs > 1:
                run(f"export ttl +validate j{args.jobs}",
                    {"kind": "export", "output": str(ttl), "jobs": args.jobs})
                floor()
                ttl.unlink(missing_ok=True)
            run("export ttl no-validate j1",
                {"kind": "export", "output": str(ttl), "jobs": 1, "validate": False})
            ttl.unlink(missing_ok=True)
            with_v, without = self.find("export ttl +validate j1", size), self.find(
                "export ttl no-validate j1", size)
            if with_v and without and with_v["status"] == without["status"] == "ok":
                self.add("validate (export j1 minus no-validate)", size, {
                    "status": "ok", "seconds": with_v["seconds"] - without["seconds"],
                    "wall_seconds": None, "peak_mb": with_v["peak_mb"], "self_maxrss_mb": None,
                    "extra": {"derived": True}})
        store = scratch / "store"
        picked: dict[str, Any] = {}
        if args.reuse_store is not None and "store" not in wanted:
            store = args.reuse_store  # written earlier by `export --store` of this corpus
            print(f"  store: reusing {store}", flush=True)
        if "store" in wanted or "queries" in wanted:
            if store.parent == scratch:
                shutil.rmtree(store, ignore_errors=True)
                run(f"export --store +validate j{args.jobs}",
                    {"kind": "export", "store": str(store), "jobs": args.jobs})
            pick = measure({**common, "kind": "pick", "store": str(store)}, workdir=scratch,
                           timeout=args.timeout)
            picked = pick["extra"] if pick["status"] == "ok" else {}
            print(f"  query parameters: author={picked.get('author')!r} "
                  f"({picked.get('author_papers')} papers), paper={picked.get('paper')!r}", flush=True)
        if "queries" in wanted and store.exists():
            from scholarkg.queries import list_queries

            for query in list_queries():
                run(f"query {query.name}", {"kind": "query", "store": str(store), "name": query.name,
                                            "params": _query_params(query, picked),
                                            "repeats": args.query_repeats})
        if store.parent == scratch:
            shutil.rmtree(store, ignore_errors=True)
        if "naive" in wanted and not args.skip_naive:
            if size > args.naive_max_size:
                print(f"  naive: skipped ({size:,} > --naive-max-size {args.naive_max_size:,})")
            else:
                out = scratch / "naive.ttl"
                record = measure({**common, "kind": "naive", "output": str(out),
                                  "author": picked.get("author")},
                                 workdir=scratch, timeout=args.naive_timeout)
                out.unlink(missing_ok=True)
                steps = record.get("steps", {})
                total = sum(steps.get(s, 0.0) for s in ("parse", "graph", "shacl", "serialize"))
                complete = all(s in steps for s in ("parse", "graph", "shacl", "serialize"))
                status = "error" if record["status"] == "ok" and not complete else record["status"]
                if status == "timeout":  # stopped at the limit: the limit is the lower bound
                    total = max(total, record["wall_seconds"])
                self.add("naive pipeline (parse→ttl)", size,
                         {**record, "seconds": total if steps or status == "timeout" else None,
                          "status": status})
                for step in NAIVE_STEPS:
                    if step in steps:
                        self.add(f"naive {step}", size, {**record, "status": "ok",
                                                         "seconds": steps[step]})
                    elif record["status"] != "ok":
                        self.add(f"naive {step}", size, {**record, "seconds": None})
        self._ratios(size)

    # ratios: naive seconds / our seconds for the stage that does the same work
    PAIRS: ClassVar[dict[str, str]] = {
        "parse": "naive parse",
        "map": "naive graph",
        "validate (measured inside)": "naive shacl",
        "validate (export j1 minus no-validate)": "naive shacl",
        "export ttl +validate j1": "naive pipeline (parse→ttl)",
        "query coauthors": "naive query",
    }

    def _ratios(self, size: int) -> None:
        pairs = dict(self.PAIRS)
        pairs[f"export ttl +validate j{self.args.jobs}"] = "naive pipeline (parse→ttl)"
        for ours, theirs in pairs.items():
            a, b = self.find(ours, size), self.find(theirs, size)
            if not a or not b or not a.get("seconds") or b.get("seconds") is None:
                continue
            ratio = b["seconds"] / a["seconds"]
            a["vs_naive"] = round(ratio, 2)
            a["vs_naive_lower_bound"] = b["status"] == "timeout"


def _best_export(run: Run, size: int) -> dict[str, Any] | None:
    rows = [r for r in run.rows if r["size"] == size and r["stage"].startswith("export ttl +validate")
            and r["status"] == "ok"]
    return min(rows, key=lambda r: r["seconds"]) if rows else None


def targets(run: Run, jobs: int) -> list[dict[str, Any]]:
    """The issue's targets, each PASS, MISS or n/a (the size was not run)."""
    out: list[dict[str, Any]] = []

    def verdict(name: str, ok: bool | None, detail: str) -> None:
        out.append({"target": name, "result": "n/a" if ok is None else "PASS" if ok else "MISS",
                    "detail": detail})

    best10 = _best_export(run, 10_000)
    naive10 = run.find("naive pipeline (parse→ttl)", 10_000)
    if best10 is None:
        verdict("10k: validated Turtle export < 20 s", None, "10,000 not run")
        verdict("10k: >= 5x faster than naive", None, "10,000 not run")
    else:
        verdict("10k: validated Turtle export < 20 s", best10["seconds"] < 20,
                f"{best10['stage']}: {best10['seconds']:.1f} s")
        if naive10 is None or naive10.get("seconds") is None:
            verdict("10k: >= 5x faster than naive", None, "naive not run at 10,000")
        else:
            ratio = naive10["seconds"] / best10["seconds"]
            lower = naive10["status"] == "timeout"
            ok: bool | None = ratio >= 5 if not lower else (True if ratio >= 5 else None)
            verdict("10k: >= 5x faster than naive", ok,
                    f"naive {naive10['seconds']:.1f} s / {best10['seconds']:.1f} s = "
                    f"{'>=' if lower else ''}{ratio:.1f}x")
    floor10 = run.find("floor (read, bulk-load N-Triples, dump)", 10_000)
    if best10 is None or floor10 is None or floor10["status"] != "ok":
        verdict("10k: export <= 3x the floor", None, "floor not run at 10,000")
    else:
        ratio = best10["seconds"] / floor10["seconds"]
        verdict("10k: export <= 3x the floor", ratio <= 3,
                f"{best10['seconds']:.1f} s / floor {floor10['seconds']:.1f} s = {ratio:.1f}x")
    best100 = _best_export(run, 100_000)
    if best100 is None or best10 is None:
        verdict("100k: <= 10.5x the 10k time", None, "needs both 10,000 and 100,000")
    else:
        same = run.find(best10["stage"], 100_000) or best100
        factor = same["seconds"] / best10["seconds"]
        verdict("100k: <= 10.5x the 10k time", factor <= 10.5,
                f"{same['stage']}: {same['seconds']:.1f} s = {factor:.1f}x the 10k time")
    rows100 = [r for r in run.rows if r["size"] == 100_000 and not r["stage"].startswith("naive")
               and r["stage"] != "write corpus" and r.get("extra", {}).get("derived") is not True]
    if not rows100:
        verdict("100k: peak memory < 3 GB", None, "100,000 not run")
    else:
        worst = max(rows100, key=lambda r: r["peak_mb"])
        verdict("100k: peak memory < 3 GB", worst["peak_mb"] < 3 * 1024,
                f"highest: {worst['stage']} {worst['peak_mb']:.0f} MB")
    queries10 = [r for r in run.rows if r["size"] == 10_000 and r["stage"].startswith("query ")]
    if not queries10:
        verdict("10k: every bundled query < 1 s", None, "queries not run at 10,000")
    else:
        failed = [r for r in queries10 if r["status"] != "ok"]
        slowest = max((r for r in queries10 if r["status"] == "ok"), key=lambda r: r["seconds"],
                      default=None)
        ok = not failed and slowest is not None and slowest["seconds"] < 1
        detail = f"slowest: {slowest['stage'][6:]} {slowest['seconds']:.2f} s" if slowest else ""
        if failed:
            detail += f"; failed: {', '.join(r['stage'][6:] for r in failed)}"
        verdict("10k: every bundled query < 1 s", ok, detail)
        times = sorted(r["seconds"] for r in queries10 if r["status"] == "ok")
        if times:
            middle = len(times) // 2
            median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
            verdict("10k: median bundled query < 0.3 s", median < 0.3 and not failed,
                    f"median of {len(times)}: {median:.2f} s")
    wide = run.find("validate 1 paper, 1000 authors (fast)", 1)
    if wide is None or wide["status"] != "ok":
        verdict("1 paper with 1,000 authors < 1 s", None, "not run")
    else:
        verdict("1 paper with 1,000 authors < 1 s", wide["seconds"] < 1, f"{wide['seconds']:.2f} s")
    return out


def print_table(run: Run) -> None:
    print(f"\n{'stage':<40} {'size':>8} {'seconds':>9} {'peak MB':>9} {'vs naive':>9}")
    print("-" * 79)
    for row in run.rows:
        secs = "-" if row.get("seconds") is None else f"{row['seconds']:.2f}"
        if row["status"] == "timeout":
            secs = (">=" + secs) if secs != "-" else "timeout"
        elif row["status"] != "ok":
            secs = row["status"]
        ratio = ""
        if "vs_naive" in row:
            ratio = f"{'>=' if row.get('vs_naive_lower_bound') else ''}{row['vs_naive']:.1f}x"
        print(f"{row['stage']:<40} {row['size']:>8,} {secs:>9} {row['peak_mb']:>9.1f} {ratio:>9}")
    for size in sorted({r["size"] for r in run.rows}):
        queries = [r for r in run.rows if r["size"] == size and r["stage"].startswith("query ")
                   and r["status"] == "ok"]
        if queries:
            slowest = max(queries, key=lambda r: r["seconds"])
            print(f"slowest query at {size:,}: {slowest['stage'][6:]} {slowest['seconds']:.3f} s")


def environment() -> dict[str, Any]:
    from importlib import metadata

    versions = {}
    for name in ("scholarkg", "rdflib", "pyshacl", "pyoxigraph", "pydantic"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, cwd=HERE, check=False).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                    capture_output=True, text=True, cwd=HERE, check=False).stdout.strip())
    except OSError:
        commit, dirty = "", False
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "commit": commit, "dirty": dirty, "versions": versions,
            "load_average_start": os.getloadavg()}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], metavar="N",
                        help="numbers of profiles to run (default: 1000)")
    parser.add_argument("--jobs", "-j", type=int, default=2,
                        help="worker processes for the parallel export runs (default: 2)")
    parser.add_argument("--out", type=Path, default=None,
                        help="JSON file for the results (default: benchmarks/results/run-TIME.json)")
    parser.add_argument("--skip-naive", action="store_true", help="do not run the naive pipeline")
    parser.add_argument("--naive-max-size", type=int, default=10_000, metavar="N",
                        help="run the naive pipeline only up to this many profiles (default: 10000)")
    parser.add_argument("--corpus-dir", type=Path, default=None,
                        help="keep corpora here (one folder per size, reused by later runs) "
                             "instead of a temporary folder")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where temporary corpora, outputs and stores go (default: system temp)")
    parser.add_argument("--only", nargs="+", default=["parse", "map", "validate", "export", "store",
                                                      "queries", "naive", "wide"],
                        choices=["parse", "map", "validate", "export", "export-jobs", "store",
                                 "queries", "naive", "wide"],
                        help="run only these stage groups (default: all; export-jobs is the "
                             "validated --jobs N export alone, part of export)")
    parser.add_argument("--validator", choices=["fast", "pyshacl"], default="fast",
                        help="validator of the export stages (default: fast)")
    parser.add_argument("--wide-authors", type=int, nargs="+", default=[250, 500, 1000], metavar="N",
                        help="author counts of the one-paper validation runs (group wide)")
    parser.add_argument("--wide-pyshacl-max", type=int, default=500, metavar="N",
                        help="run the one-paper case with pyshacl only up to N authors (default 500)")
    parser.add_argument("--reuse-store", type=Path, default=None, metavar="DIR",
                        help="with --only queries (no store): run the queries on this store, "
                             "written earlier by `scholarkg export CORPUS --store DIR`")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default: 7)")
    parser.add_argument("--abstract-words", type=int, default=None,
                        help="mean abstract length in words (default: the generator's, calibrated "
                             "to 10k profiles ≈ 190 MB)")
    parser.add_argument("--as-of", default=AS_OF, help=f"as-of date for parsing (default: {AS_OF})")
    parser.add_argument("--query-repeats", type=int, default=3,
                        help="runs per query in one process; the table shows the first (default: 3)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds before a stage is stopped (default: 1800)")
    parser.add_argument("--naive-timeout", type=float, default=3600,
                        help="seconds before the naive pipeline is stopped (default: 3600)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_stage"]:
        return _child(argv[1], argv[2])
    args = parse_args(argv)
    out = args.out or HERE / "results" / f"run-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    run = Run(args)
    env = environment()
    started = time.perf_counter()
    print(f"scholarkg benchmark: sizes {args.sizes}, jobs {args.jobs}, {env['cpus']} CPUs, "
          f"load average {env['load_average_start'][0]:.1f}", flush=True)
    if "wide" in args.only:
        scratch = Path(tempfile.mkdtemp(prefix="skg-bench-wide-", dir=args.work_dir))
        try:
            run.wide(scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    for size in args.sizes if set(args.only) - {"wide"} else []:
        scratch = Path(tempfile.mkdtemp(prefix=f"skg-bench-{size}-", dir=args.work_dir))
        try:
            run.size(size, scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    print_table(run)
    verdicts = targets(run, args.jobs)
    print("\ntargets:")
    for v in verdicts:
        print(f"  {v['result']:<5} {v['target']:<38} {v['detail']}")
    env["load_average_end"] = os.getloadavg()
    env["total_seconds"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"environment": env, "arguments": {
        k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "rows": run.rows, "targets": verdicts}, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {out} ({env['total_seconds']:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
