"""The ``scholarkg`` command: a thin click layer over the library.

Every command reads its options, calls one library function and formats the result. Library
errors (:class:`~scholarkg.errors.ScholarkgError`) are turned into a one-line ``Error: ...`` on
stderr and the error's exit code in exactly one place, :class:`_Group.invoke`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from scholarkg import __version__
from scholarkg.errors import InputError, ScholarkgError
from scholarkg.models import Page
from scholarkg.parse import collect_names_from_files, find_sources, parse_file

EXIT_PROBLEMS = 1
EXIT_NO_INPUT = 3


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ScholarkgError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was written.", err=True)
            ctx.exit(130)


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
    4 remote service failed, 5 output not written.
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
            click.echo(f"Warning: {where}: {problem.message}", err=True)
        problems += len(page.problems)
        if as_json:
            click.echo(json.dumps(page.to_json_dict(), ensure_ascii=False))
        else:
            click.echo("\n".join(_summary_lines(page)))
    if refused == len(sources):
        sys.exit(EXIT_NO_INPUT)
    if refused or problems:
        sys.exit(EXIT_PROBLEMS)


def main() -> None:
    cli(prog_name="scholarkg")
