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
from scholarkg.http import DEFAULT_MAX_BYTES
from scholarkg.interruptible import abandoned
from scholarkg.load import LoadEvent, load_files
from scholarkg.models import Page
from scholarkg.namespaces import DEFAULT_BASE
from scholarkg.parse import GluedLine, collect_names_from_files, find_sources, read_file
from scholarkg.queries import (
    EndpointEngine,
    Engine,
    OxigraphEngine,
    get_query,
    list_queries,
    load_query_file,
    query_form,
    run_query,
)
from scholarkg.results import ALL_FORMATS as RESULT_FORMATS
from scholarkg.results import format_for, format_results
from scholarkg.serialize import FORMATS, write_with
from scholarkg.store import load_data, open_store
from scholarkg.validation import DEFAULT_VALIDATOR, VALIDATORS, Validator, validate_files

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


def _validator_option(func: Any) -> Any:
    return click.option(
        "--validator",
        type=click.Choice(VALIDATORS),
        default=DEFAULT_VALIDATOR,
        show_default=True,
        help="SHACL engine: 'fast' (SHACL Core in the shacl engine, the SPARQL check in "
        "Oxigraph) or 'pyshacl' (the reference; same results, much slower).",
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
@click.option("--explain", is_flag=True,
              help="For every glued title+author line: the candidate splits, their evidence, the one taken.")
def parse(paths: Sequence[str], as_of: dt.datetime | None, as_json: bool, explain: bool) -> None:
    """Read profile pages and show what they say.

    PATHS are files or directories (their *.txt files, recursively, in sorted order). Entries
    that cannot be read (a date that does not exist, an entry cut off before its authors) are
    reported with their line and left out; a file that is not UTF-8 text is refused; the rest of
    the run goes on. A glued title+author line whose split had a close runner-up is read and
    warned about. Exit 0 when everything was read (uncertain splits included), 1 when something
    was left out or refused, 3 when no file could be read.
    """
    day = _resolve_as_of(as_of)
    sources = find_sources(paths)
    if not sources:
        raise InputError("no *.txt files found in " + ", ".join(paths))
    names = collect_names_from_files(sources)
    refused = problems = 0
    for source in sources:
        try:
            reading = read_file(source.path, as_of=day, names=names, display=source.shown, explain=explain)
        except InputError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            refused += 1
            continue
        page = reading.page
        for problem in (*page.problems, *page.warnings):
            where = f"{page.file}:{problem.line}" if problem.line else page.file
            click.echo(f"Warning: {where}: {clip(problem.message)}", err=True)
        problems += len(page.problems)
        if explain:
            click.echo("\n".join(_explain_lines(page.file, reading.glued)))
        elif as_json:
            click.echo(json.dumps(page.to_json_dict(), ensure_ascii=False))
        else:
            click.echo("\n".join(_summary_lines(page)))
    if refused == len(sources):
        sys.exit(EXIT_NO_INPUT)
    if refused or problems:
        sys.exit(EXIT_PROBLEMS)


def _explain_lines(file: str, glued: Sequence[GluedLine]) -> list[str]:
    """``parse --explain``: each glued line, then its candidates best first ("*" = taken)."""
    if not glued:
        return [f"{file}: no glued title+author lines"]
    lines: list[str] = []
    for item in glued:
        split = item.split
        lines.append(f"{file}:{item.line}: {split.text}")
        if not split.candidates:
            lines.append("  no place where an author list could start: entry left out")
        for candidate in split.candidates:
            mark = "*" if candidate is split.best else "x" if candidate.refused else " "
            authors = ", ".join(candidate.authors)
            lines.append(f"  {mark} {candidate.score:+.1f}  {candidate.title!r} | {authors}")
            if candidate.refused:
                lines.append(f"        refused: {candidate.refused}")
            lines.extend(f"        {note}" for note in candidate.evidence)
        if split.uncertain:
            lines.append("  (uncertain: the runner-up is close and no strong evidence decides)")
    return lines


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
@_validator_option
def export(paths: Sequence[str], output: Path | None, fmt: str | None, base: str,
           as_of: dt.datetime | None, no_validate: bool, store_dir: Path | None, jobs: int,
           validator: Validator) -> None:
    """Parse, map, validate and write the knowledge graph.

    Every record is checked against the SHACL shapes; a record that fails is reported with
    the shape's message, its file and line, and left out; the rest is exported. The output is
    written atomically: a failed export leaves no partial file and keeps an earlier one.
    Exit 0 when everything was exported, 1 when something was rejected or refused.
    """
    if output is None and store_dir is None:
        raise UsageError("give -o/--output FILE, --store DIR, or both")
    options = ExportOptions(as_of=_resolve_as_of(as_of), base=base, validate=not no_validate,
                            jobs=jobs, generated_at=_generated_at(), validator=validator)
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
@_validator_option
def validate(files: Sequence[Path], report_path: Path | None, validator: Validator) -> None:
    """Check RDF files against the bundled SHACL shapes.

    Exit 0 when the graph conforms, 1 when it does not (with a readable report).
    """
    outcome = validate_files(list(files), validator=validator, report=report_path is not None)
    if report_path is not None and outcome.report is not None:
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


def _remote_options(func: Any) -> Any:
    """--user, --password-env and --basic, shared by `query --endpoint` and `load`."""
    func = click.option(
        "--basic", is_flag=True,
        help="Send Basic credentials with the first request (https or a loopback host only), for a "
        "server that refuses without saying which scheme it wants. By default the scheme is the "
        "one the server asks for (Digest or Basic).")(func)
    func = click.option(
        "--password-env", metavar="VAR",
        help="Name of the environment variable that holds the password (never on the command "
        "line).")(func)
    return click.option("--user", help="User name for HTTP authentication.")(func)


def _password(variable: str | None) -> str | None:
    if not variable:
        return None
    password = os.environ.get(variable)
    if password is None:
        raise UsageError(f"--password-env {variable}: that environment variable is not set")
    return password


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
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default=None,
              help="Rows and ASK: table (default, for people) or json (SPARQL 1.1 results); rows "
              "also csv or tsv. CONSTRUCT/DESCRIBE graphs: turtle (default), ntriples or jsonld.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds the whole request to an --endpoint may take.")
@_remote_options
@click.option("--max-answer-mb", type=click.FloatRange(min=0.001), default=DEFAULT_MAX_BYTES / 2**20,
              show_default=True, help="Refuse an --endpoint answer larger than this many MiB.")
def query(name: str | None, query_file: Path | None, params: Sequence[str], data: Sequence[Path],
          store_dir: Path | None, endpoint: str | None, fmt: str | None, timeout: float, user: str | None,
          password_env: str | None, basic: bool, max_answer_mb: float) -> None:
    """Run a saved query NAME (or --file) on --data files, a --store, or an --endpoint.

    SELECT, ASK (prints true or false; exit status 0 either way), CONSTRUCT and DESCRIBE (an RDF
    graph) run; SPARQL updates are refused. Parameters are bound as RDF terms, never pasted into
    the query text: any value is safe.
    Example: scholarkg query coauthors --data graph.ttl --param author="Jane Doe"
    """
    if (name is None) == (query_file is None):
        raise UsageError("give a query NAME or --file FILE.rq (see `scholarkg queries`)")
    saved = load_query_file(query_file) if query_file is not None else get_query(name or "")
    fmt = format_for(query_form(saved.text), fmt)
    engine = _engine(data, store_dir, endpoint, timeout=timeout, user=user, password_env=password_env,
                     basic=basic, max_bytes=int(max_answer_mb * 2**20))
    results = run_query(saved, _parse_params(params), engine)
    click.echo(format_results(results, fmt), nl=False)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--endpoint", required=True,
              help="The store's Graph Store Protocol URL (Oxigraph /store, Fuseki /DATASET/data, "
              "GraphDB /repositories/REPO/rdf-graphs/service, Virtuoso /sparql-graph-crud).")
@click.option("--graph", help="Load triples files into this named graph (default: the default "
              "graph). Datasets (.trig, .nq) keep their own graphs.")
@click.option("--default-graph", "default_graph", metavar="IRI",
              help="Send what belongs in the default graph (a dataset's default-graph part, triples "
              "files without --graph) to this named graph instead: for stores without a default "
              "graph, such as Virtuoso's Graph Store endpoint.")
@_remote_options
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds each request may take in all (sending the file included).")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries for transient failures (connection refused or dropped, timeouts, "
              "429/502/503/504).")
def load(files: Sequence[Path], endpoint: str, graph: str | None, default_graph: str | None,
         user: str | None, password_env: str | None, basic: bool, timeout: float, retries: int) -> None:
    """Push RDF files into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

    Each named graph of a TriG/N-Quads export is replaced (PUT), so reloading an export is
    idempotent and a changed page replaces only its own graph. Files are streamed.
    """
    password = _password(password_env)
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Loading", file=sys.stderr)

    def progress(event: LoadEvent) -> None:
        if bar is not None:
            bar.length = event.total_triples
            bar.update(event.triples)

    report = load_files(list(files), endpoint=endpoint, graph=graph, default_graph=default_graph,
                        user=user, password=password, basic=basic, timeout=timeout, retries=retries,
                        progress=progress)
    if bar is not None:
        bar.render_finish()
    click.echo(
        f"Loaded {report.triples:,} triples from {len(report.files)} files into "
        f"{len(report.graphs)} graphs in {report.seconds:.1f} s ({report.requests} requests).",
        err=True,
    )


# --- serve and plot (issue 16) ------------------------------------------------------------------


@cli.command()
@click.option("--store", "store_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="A store written by `export --store DIR` (opened read-only).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@click.option("--base", default=DEFAULT_BASE, show_default=True,
              help="The --base the store was exported with: its IRIs resolve under /id/.")
def serve(store_dir: Path, host: str, port: int, base: str) -> None:
    """Browse the graph in a web browser: search, author, paper and topic pages, pictures.

    Read-only, and nothing is fetched from another host. Every minted IRI's path (/id/...)
    answers with a page, or with Turtle / JSON-LD when asked (Accept header); the saved queries
    are forms under /queries; /sparql is a read-only SPARQL 1.1 Protocol endpoint.
    Example: scholarkg serve --store graph.store, then open http://127.0.0.1:8000/
    """
    from scholarkg.serve import AppConfig, run

    config = AppConfig(store=open_store(store_dir), base=base)
    click.echo(f"Serving {store_dir} at http://{host}:{port}/ (read-only; Ctrl+C stops)", err=True)
    run(config, host=host, port=port)


def _engine(data: Sequence[Path], store_dir: Path | None, endpoint: str | None, *, timeout: float,
            **remote: Any) -> Engine:
    """The one engine that --data, --store or --endpoint names (``remote``: the endpoint's
    credentials and limits); refused unless exactly one is given."""
    sources = sum(x is not None and x != () for x in (data or None, store_dir, endpoint))
    if sources != 1:
        raise UsageError("give exactly one of --data FILE, --store DIR or --endpoint URL")
    if endpoint:
        if "password_env" in remote:
            remote["password"] = _password(remote.pop("password_env"))
        return EndpointEngine(endpoint, timeout=timeout, **remote)
    if store_dir is not None:
        return OxigraphEngine(open_store(store_dir))
    return OxigraphEngine(load_data(list(data)))


def _plot_sources(func: Any) -> Any:
    for option in reversed([
        click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Picture to write: .svg or .png."),
        click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="RDF file(s) to load into an in-memory engine (repeatable)."),
        click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="A store written by `export --store DIR`."),
        click.option("--endpoint", help="A SPARQL 1.1 query endpoint URL."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     help="Seconds to wait for a remote endpoint."),
    ]):
        func = option(func)
    return func


@cli.group()
def plot() -> None:
    """Draw the web app's pictures to SVG or PNG files (format from the -o extension)."""


def _write_picture(output: Path, figure: Any, what: str) -> None:
    from scholarkg.plot import image_format, render

    picture = render(figure, image_format(output))
    write_with(output, lambda handle: handle.write(picture))
    click.echo(f"Wrote {what} to {output}.", err=True)


@plot.command("coauthors")
@click.option("--author", required=True, help="The author's name (case-insensitive).")
@_plot_sources
def plot_coauthors(author: str, output: Path, data: Sequence[Path], store_dir: Path | None,
                   endpoint: str | None, timeout: float) -> None:
    """The author's coauthor network: the author, the coauthors with most joint papers, the ties.

    Example: scholarkg plot coauthors --author "Jane Doe" --data graph.ttl -o jane.svg
    """
    from scholarkg.plot import coauthor_network_figure, image_format
    from scholarkg.serve.data import coauthor_network, find_people

    image_format(output)
    engine = _engine(data, store_dir, endpoint, timeout=timeout)
    person = find_people(engine, author)[0]
    network = coauthor_network(engine, person.iri)
    _write_picture(output, coauthor_network_figure(network),
                   f"the coauthor network of {network.author} ({len(network.coauthors)} coauthors)")


@plot.command("topics")
@click.option("--author", required=True, help="The author's name (case-insensitive).")
@_plot_sources
def plot_topics(author: str, output: Path, data: Sequence[Path], store_dir: Path | None,
                endpoint: str | None, timeout: float) -> None:
    """The author's papers per year, stacked by topic.

    Example: scholarkg plot topics --author "Jane Doe" --data graph.ttl -o jane-topics.png
    """
    from scholarkg.plot import image_format, topics_over_time_figure
    from scholarkg.serve.data import find_people, topics_over_time

    image_format(output)
    engine = _engine(data, store_dir, endpoint, timeout=timeout)
    person = find_people(engine, author)[0]
    counts = topics_over_time(engine, person.iri)
    _write_picture(output, topics_over_time_figure(counts, title=person.name),
                   f"the topics of {person.name} over {len(counts.years)} years")


@plot.command("topic-papers")
@click.option("--topic", required=True, help="An arXiv category (cs.LG) or archive (cs).")
@_plot_sources
def plot_topic_papers(topic: str, output: Path, data: Sequence[Path], store_dir: Path | None,
                      endpoint: str | None, timeout: float) -> None:
    """A topic's papers per year (an archive such as cs takes in its categories).

    Example: scholarkg plot topic-papers --topic cs.LG --data graph.ttl -o lg.svg
    """
    from scholarkg.plot import image_format, papers_per_year_figure
    from scholarkg.serve.data import find_topic, topic_papers_per_year

    image_format(output)
    engine = _engine(data, store_dir, endpoint, timeout=timeout)
    years, papers = topic_papers_per_year(engine, find_topic(engine, topic))
    _write_picture(output, papers_per_year_figure(years, papers, title=topic),
                   f"the papers per year of {topic} ({sum(papers)} papers)")


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def main() -> None:
    """Run the command. SIGTERM unwinds like Ctrl-C (exit 143 instead of 130)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli(prog_name="scholarkg")
    except SystemExit as exc:
        if abandoned():  # an interrupted Rust call is still running: do not wait for it
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        raise
