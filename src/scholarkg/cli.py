"""The ``scholarkg`` command: a thin click layer over the library.

Every command reads its options, calls one library function and formats the result. Library
errors (:class:`~scholarkg.errors.ScholarkgError`) are turned into a one-line ``Error: ...`` on
stderr and the error's exit code in exactly one place, :class:`_Group.invoke`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from scholarkg import __version__
from scholarkg.errors import InputError, ScholarkgError, Terminated, UsageError, clip
from scholarkg.export import ExportOptions
from scholarkg.export import export as export_graph
from scholarkg.load import LoadEvent, load_files
from scholarkg.models import Page
from scholarkg.namespaces import DEFAULT_BASE
from scholarkg.parse import collect_names_from_files, find_sources, parse_file
from scholarkg.queries import (
    EndpointEngine,
    Engine,
    OxigraphEngine,
    get_query,
    list_queries,
    load_query_file,
    run_query,
)
from scholarkg.results import FORMATS as RESULT_FORMATS
from scholarkg.results import format_results
from scholarkg.serialize import FORMATS, write_with
from scholarkg.store import load_data, open_store
from scholarkg.validation import validate_files

EXIT_PROBLEMS = 1
EXIT_NO_INPUT = 3


# What an interrupt leaves behind, said in the one line printed for it; a command that writes
# sets it (export: whether its outputs were already in place).
_INTERRUPT_NOTE = "scholarkg.interrupt_note"


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScholarkgError as exc:
            click.echo(f"Error: {clip(exc.message)}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            signum = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
            note = ctx.meta.get(_INTERRUPT_NOTE, "stopped")
            click.echo(f"Interrupted by {signum.name}; {note}.", err=True)
            ctx.exit(128 + signum)


def _as_of_option(func: Any) -> Any:
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Date the pages were captured (YYYY-MM-DD). A date shown without a year gets the "
        "latest year that does not put it after this date. Default: today.",
    )(func)


def _resolve_as_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value is not None else dt.date.today()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scholarkg")
def cli() -> None:
    """Turn author-profile pages into a validated scholarly knowledge graph and query it.

    Typical run: `scholarkg export PAGES/ -o graph.ttl`, then
    `scholarkg query coauthors --data graph.ttl --param author="Jane Doe"`.
    Exit codes: 0 ok, 1 problems found, 2 usage error, 3 no readable input,
    4 remote service failed, 5 output not written, 130/143 interrupted.
    """


def _summary_lines(page: Page) -> list[str]:
    lines: list[str] = []
    if page.profile is not None:
        p = page.profile
        metrics = [
            f"h-index {p.h_index}" if p.h_index is not None else None,
            f"{p.papers} papers" if p.papers is not None else None,
            f"{p.citations:,} citations" if p.citations is not None else None,
            f"novelty {p.novelty_pct}%" if p.novelty_pct is not None else None,
            f"AI score {p.ai_score}" if p.ai_score is not None else None,
        ]
        category = f" [{p.category}]" if p.category else ""
        lines.append(f"{page.file}: {p.name}{category} — " + ", ".join(m for m in metrics if m))
    else:
        lines.append(f"{page.file}: (no header)")
    lines.append(f"  {len(page.papers)} entries read, {len(page.problems)} problems")
    for paper in page.papers:
        authors = ", ".join(paper.authors) + (" et al." if paper.et_al else "")
        title = paper.title if len(paper.title) <= 70 else paper.title[:69] + "…"
        inferred = " " if paper.year_given else "*"
        code = " code" if paper.has_code else ""
        lines.append(f"  {paper.date.isoformat()}{inferred} {paper.category:<3} {title} — {authors}{code}")
    if any(not paper.year_given for paper in page.papers):
        lines.append("  (* year inferred from --as-of)")
    return lines


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@_as_of_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line (JSON Lines).")
def parse(paths: Sequence[str], as_of: dt.datetime | None, as_json: bool) -> None:
    """Read profile pages and show what they say.

    PATHS are files or directories (their *.txt files, recursively, in sorted order). Entries
    that cannot be read (a date that does not exist, an entry cut off before its authors) are
    reported with their line and left out; a file that is not UTF-8 text is refused; the rest of
    the run goes on. Exit 0 when everything was read, 1 when something was reported, 3 when no
    file could be read.
    """
    day = _resolve_as_of(as_of)
    sources = find_sources(paths)
    if not sources:
        raise InputError("no *.txt files found in " + ", ".join(paths))
    names = collect_names_from_files(sources)
    refused = problems = 0
    for source in sources:
        try:
            page = parse_file(source.path, as_of=day, names=names, display=source.shown)
        except InputError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            refused += 1
            continue
        for problem in page.problems:
            where = f"{page.file}:{problem.line}" if problem.line else page.file
            click.echo(f"Warning: {where}: {clip(problem.message)}", err=True)
        problems += len(page.problems)
        if as_json:
            click.echo(json.dumps(page.to_json_dict(), ensure_ascii=False))
        else:
            click.echo("\n".join(_summary_lines(page)))
    if refused == len(sources):
        sys.exit(EXIT_NO_INPUT)
    if refused or problems:
        sys.exit(EXIT_PROBLEMS)


def _progress_factory(label: str):
    """A progress bar on stderr when it is a terminal; nothing otherwise (logs stay clean)."""
    if not sys.stderr.isatty():
        return None

    def start(total: int):
        bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True,
                                show_eta=True, item_show_func=None)
        bar.__enter__()
        started = time.monotonic()

        def advance(n: int) -> None:
            bar.update(n)
            done = bar.pos
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.label = f"{label} ({rate:,.0f} pages/s)"
            if done >= total:
                bar.__exit__(None, None, None)

        return advance

    return start


def _generated_at() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    except ValueError:
        raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}") from None


def _usable_cores() -> int:
    """The CPUs this process may run on (its affinity mask, which a container or `taskset` may
    narrow), not the machine's count."""
    return max(1, min(64, len(os.sched_getaffinity(0))))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; the format follows the extension "
              "(.ttl, .nt, .nq, .trig, .jsonld) unless --format is given.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              help="Output format (default: from the extension of --output).")
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="Base IRI under which papers, people, pages... are minted.")
@_as_of_option
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (faster; not advised).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a persistent embedded Oxigraph store to this folder "
              "(query it with `scholarkg query NAME --store DIR`).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=_usable_cores,
              show_default="the cores this process may use",
              help="Parse, map and validate in this many processes (same output for any N).")
def export(paths: Sequence[str], output: Path | None, fmt: str | None, base: str,
           as_of: dt.datetime | None, no_validate: bool, store_dir: Path | None, jobs: int) -> None:
    """Parse, map, validate and write the knowledge graph.

    Every record is checked against the SHACL shapes; a record that fails is reported with
    the shape's message, its file and line, and left out; the rest is exported. The output is
    written atomically: a failed export leaves no partial file and keeps an earlier one.
    Exit 0 when everything was exported, 1 when something was rejected or refused.
    """
    if output is None and store_dir is None:
        raise UsageError("give -o/--output FILE, --store DIR, or both")
    options = ExportOptions(as_of=_resolve_as_of(as_of), base=base, validate=not no_validate,
                            jobs=jobs, generated_at=_generated_at())
    meta = click.get_current_context().meta
    meta[_INTERRUPT_NOTE] = "nothing was written; earlier outputs are as they were"

    def committed() -> None:
        meta[_INTERRUPT_NOTE] = "the new outputs had already been written in full"

    report = export_graph(paths, output=output, fmt=fmt, options=options, store_dir=store_dir,
                          progress_start=_progress_factory("Exporting"), on_commit=committed)
    for notice in report.files_refused:
        click.echo(f"Error: {notice}", err=True)
    for notice in report.problems:
        click.echo(f"Warning: {notice}", err=True)
    for notice in report.rejected:
        click.echo(f"Rejected: {notice}", err=True)
    for notice in report.warnings:
        click.echo(f"Warning: {notice}", err=True)
    where = " and ".join(str(x) for x in (output, store_dir) if x is not None)
    click.echo(
        f"Exported {report.files - len(report.files_refused)} of {report.files} files to {where}: "
        f"{report.profiles} profiles, {report.papers} papers, {report.people} people, "
        f"{report.topics} topics, {report.organisations} organisations, "
        f"{report.triples:,} triples; {len(report.rejected)} records rejected, "
        f"{len(report.warnings)} merge warnings.",
        err=True,
    )
    if report.files_refused and len(report.files_refused) == report.files:
        sys.exit(EXIT_NO_INPUT)
    if not report.clean:
        sys.exit(EXIT_PROBLEMS)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the SHACL validation report graph (Turtle) here.")
def validate(files: Sequence[Path], report_path: Path | None) -> None:
    """Check RDF files against the bundled SHACL shapes.

    Exit 0 when the graph conforms, 1 when it does not (with a readable report).
    """
    outcome = validate_files(list(files))
    if report_path is not None:
        data = outcome.report.serialize(format="turtle").encode("utf-8")
        write_with(report_path, lambda handle: handle.write(data))
    if outcome.conforms:
        click.echo(f"Conforms: {', '.join(map(str, files))} satisfies every shape.")
        return
    click.echo(f"Does not conform: {len(outcome.violations)} violations.")
    for v in outcome.violations:
        value = f" [value: {v.value}]" if v.value is not None else ""
        click.echo(f"  {v.focus}: {v}{value}")
    sys.exit(EXIT_PROBLEMS)


@cli.group(invoke_without_command=True)
@click.pass_context
def queries(ctx: click.Context) -> None:
    """List the bundled SPARQL queries (`queries show NAME` prints one)."""
    if ctx.invoked_subcommand is not None:
        return
    saved = list_queries()
    width = max(len(q.name) for q in saved)
    for q in saved:
        click.echo(f"{q.name:<{width}}  {q.description or q.title}")
        params = ", ".join(p.describe() for p in q.params) or "no parameters"
        click.echo(f"{'':<{width}}  params: {params}")


@queries.command("show")
@click.argument("name")
def queries_show(name: str) -> None:
    """Print one saved query: its header (parameters, example) and its SPARQL text."""
    click.echo(get_query(name).text.rstrip("\n"))


def _parse_params(values: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param takes NAME=VALUE, got {item!r}")
        params[key.strip()] = value
    return params


@cli.command()
@click.argument("name", required=False)
@click.option("--file", "query_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Run your own .rq file instead of a bundled query.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter (repeatable); see `scholarkg queries`.")
@click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="RDF file(s) to load into an in-memory Oxigraph engine (repeatable).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A persistent store written by `export --store DIR`.")
@click.option("--endpoint", help="A SPARQL 1.1 query endpoint URL (Oxigraph /query, Fuseki "
              "/DATASET/sparql, ...).")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table",
              show_default=True, help="table for people; csv, tsv or json (SPARQL 1.1 results).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds to wait for a remote endpoint.")
def query(name: str | None, query_file: Path | None, params: Sequence[str], data: Sequence[Path],
          store_dir: Path | None, endpoint: str | None, fmt: str, timeout: float) -> None:
    """Run a saved query NAME (or --file) on --data files, a --store, or an --endpoint.

    Parameters are bound as RDF terms, never pasted into the query text: any value is safe.
    Example: scholarkg query coauthors --data graph.ttl --param author="Jane Doe"
    """
    if (name is None) == (query_file is None):
        raise UsageError("give a query NAME or --file FILE.rq (see `scholarkg queries`)")
    saved = load_query_file(query_file) if query_file is not None else get_query(name or "")
    sources = sum(x is not None and x != () for x in (data or None, store_dir, endpoint))
    if sources != 1:
        raise UsageError("give exactly one of --data FILE, --store DIR or --endpoint URL")
    engine: Engine
    if endpoint:
        engine = EndpointEngine(endpoint, timeout=timeout)
    elif store_dir is not None:
        engine = OxigraphEngine(open_store(store_dir))
    else:
        engine = OxigraphEngine(load_data(list(data)))
    results = run_query(saved, _parse_params(params), engine)
    click.echo(format_results(results, fmt), nl=False)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--endpoint", required=True,
              help="The store's Graph Store Protocol URL (Oxigraph /store, Fuseki /DATASET/data, "
              "GraphDB /repositories/REPO/rdf-graphs/service, Virtuoso /sparql-graph-crud).")
@click.option("--graph", help="Load triples files into this named graph (default: the default "
              "graph). Datasets (.trig, .nq) keep their own graphs.")
@click.option("--user", help="User name for HTTP authentication.")
@click.option("--password-env", metavar="VAR",
              help="Name of the environment variable that holds the password (never on the command line).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries for transient failures (connection refused, timeouts, 5xx).")
def load(files: Sequence[Path], endpoint: str, graph: str | None, user: str | None,
         password_env: str | None, timeout: float, retries: int) -> None:
    """Push RDF files into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

    Each named graph of a TriG/N-Quads export is replaced (PUT), so reloading an export is
    idempotent and a changed page replaces only its own graph. Files are streamed.
    """
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if password is None:
            raise UsageError(f"--password-env {password_env}: that environment variable is not set")
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Loading", file=sys.stderr)

    def progress(event: LoadEvent) -> None:
        if bar is not None:
            bar.length = event.total_triples
            bar.update(event.triples)

    report = load_files(list(files), endpoint=endpoint, graph=graph, user=user, password=password,
                        timeout=timeout, retries=retries, progress=progress)
    if bar is not None:
        bar.render_finish()
    click.echo(
        f"Loaded {report.triples:,} triples from {len(report.files)} files into "
        f"{len(report.graphs)} graphs in {report.seconds:.1f} s ({report.requests} requests).",
        err=True,
    )


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def main() -> None:
    """Run the command. SIGTERM unwinds like Ctrl-C (exit 143 instead of 130)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="scholarkg")
