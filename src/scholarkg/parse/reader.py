"""Read one page: header, entries, and for each entry its layout and fields.

A page has an optional header (name, category code, h-index, paper count, citations, novelty,
AI score) and a list of entries. Each entry starts with a *meta line* —
``[score]CATEGORY Mon D[, YYYY][Code]`` — followed by the title, the author list
(``A, B, C et al. · org1, org2``) and the abstract, in one of three layouts (see
:mod:`scholarkg.parse.layout`). Glued title+author lines are split by
:mod:`scholarkg.parse.split` from the run's evidence and this page's own unambiguous lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from scholarkg.models import Page, Paper, Problem, Profile
from scholarkg.names import clean, name_shape, name_tokens
from scholarkg.parse.evidence import RunEvidence, title_digest
from scholarkg.parse.files import read_page_text
from scholarkg.parse.layout import EntryLayout, Shape, entry_layout, page_style
from scholarkg.parse.split import GluedSplit, Known, split_glued
from scholarkg.parse.text import (
    META_RE,
    MONTHS,
    Line,
    entries,
    is_meta_line,
    lines,
    split_author_line,
    strip_author_tail,
)

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)"
HEADER_PATTERNS: dict[str, re.Pattern[str]] = {
    "h_index": re.compile(rf"^h-index\s*{_NUM}$", re.IGNORECASE),
    "papers": re.compile(rf"^{_NUM}\s*papers$"),
    "citations": re.compile(rf"^{_NUM}\s*citations?$", re.IGNORECASE),
    "novelty_pct": re.compile(rf"^Novelty\s*{_NUM}\s*%$", re.IGNORECASE),
    "ai_score": re.compile(rf"^AI\s*Score\s*{_NUM}$", re.IGNORECASE),
}
PAPER_COUNT_LINE = re.compile(r"^\d[\d,]*\s+Papers$")
CATEGORY_LINE = re.compile(r"^[A-Z][A-Za-z]{1,7}(?:\.[A-Z]{2})?$")

Evidence = RunEvidence | Set[str]


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def infer_year(month: int, day: int, as_of: dt.date) -> dt.date:
    """The latest date with this month and day that is not after ``as_of``.

    Raises ValueError when no year makes it a real date (``Feb 30``). Feb 29 goes back to the
    latest leap year.
    """
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise ValueError("no such date")
    for year in range(as_of.year, as_of.year - 9, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= as_of:
            return candidate
    raise ValueError("no such date")


def _parse_header(lines_: list[Line]) -> tuple[Profile | None, list[Problem]]:
    """The header is every non-blank line before the first entry; its first line is the name."""
    content = [ln for ln in lines_ if ln.text]
    if not content:
        return None, []
    fields: dict[str, object] = {"name": clean(content[0].text)}
    problems: list[Problem] = []
    for ln in content[1:]:
        if PAPER_COUNT_LINE.match(ln.text):
            continue
        for key, pattern in HEADER_PATTERNS.items():
            match = pattern.match(ln.text)
            if match:
                fields[key] = _number(match.group(1))
                break
        else:
            if CATEGORY_LINE.match(ln.text) and "category" not in fields:
                fields["category"] = ln.text
            else:
                problems.append(Problem(line=ln.number, message=f"unrecognised header line {ln.text!r}"))
    try:
        return Profile(**fields), problems
    except ValidationError as exc:
        problems.append(Problem(line=content[0].number, message=f"invalid header: {_first_error(exc)}"))
        return None, problems


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def _parse_meta(ln: Line, as_of: dt.date) -> tuple[dict[str, object], str | None]:
    match = META_RE.match(ln.text)
    assert match is not None
    month = MONTHS[match["mon"]]
    day = int(match["day"])
    fields: dict[str, object] = {
        "score": float(match["score"]) if match["score"] else None,
        "category": match["cat"],
        "has_code": bool(match["code"]),
        "line": ln.number,
    }
    try:
        if match["year"]:
            fields["date"] = dt.date(int(match["year"]), month, day)
            fields["year_given"] = True
        else:
            fields["date"] = infer_year(month, day, as_of)
            fields["year_given"] = False
    except ValueError:
        shown = f"{match['mon']} {match['day']}" + (f", {match['year']}" if match["year"] else "")
        return fields, f"date {shown!r} does not exist; entry left out"
    return fields, None


@dataclass(frozen=True, slots=True)
class GluedLine:
    """A glued line of a page and how it was split (for ``scholarkg parse --explain``)."""

    line: int
    split: GluedSplit


@dataclass(frozen=True, slots=True)
class Reading:
    page: Page
    glued: tuple[GluedLine, ...]


_cache: list[tuple[object, RunEvidence]] = []


def as_evidence(names: Evidence) -> RunEvidence:
    """Run evidence from either form ``parse_file`` accepts (converted once per object)."""
    if isinstance(names, RunEvidence):
        return names
    if _cache and _cache[0][0] is names:
        return _cache[0][1]
    evidence = RunEvidence.of_names(names)
    _cache[:] = [(names, evidence)]
    return evidence


def _page_known(header: Profile | None, layouts: list[EntryLayout], run: RunEvidence) -> Known:
    """What this page itself prints unambiguously: its header name and spaced entries, and
    (weakly) the words of the names its glued lines print after their first comma — unless
    the run's evidence already holds those (it was collected from this page too)."""
    names: set[str] = set()
    words: set[str] = set()
    titles: set[bytes] = set()
    later: set[str] = set()
    if header is not None:
        names.add(header.name)
    for layout in layouts:
        if layout.shape is Shape.SPACED and layout.first and layout.authors:
            title = clean(layout.first.text)
            words.update(title.split())
            titles.add(title_digest(title))
            names.update(clean(a) for a in split_author_line(layout.authors.text)[0])
        elif layout.shape is Shape.GLUED and layout.first and not run.later_names:
            later.update(strip_author_tail(clean(layout.first.text))[0].split(", ")[1:])
    tokens = {t for n in names for t in name_tokens(n)}
    for piece in later:
        shape = name_shape(piece)
        if shape.ok and not shape.cost:
            tokens.update(name_tokens(piece))
    return Known(run, frozenset(names), frozenset(tokens), frozenset(words), frozenset(titles))


def _entry(meta: dict[str, object], layout: EntryLayout, known: Known, *, explain: bool
           ) -> tuple[Paper | Problem, GluedSplit | None, Problem | None]:
    """The entry's paper (or why it was left out), its split if glued, a warning if unsure."""
    line = int(meta["line"])  # type: ignore[call-overload]
    if layout.shape is Shape.EMPTY or layout.first is None:
        return Problem(line=line, message="entry has no title; entry left out"), None, None
    fields = dict(meta)
    split = warning = None
    if layout.shape is Shape.CUT_OFF:
        return _cut_off(line, layout.first.text), None, None
    if layout.shape is Shape.SPACED:
        assert layout.authors is not None
        title = clean(layout.first.text)
        raw_authors, et_al, raw_affiliations = split_author_line(layout.authors.text)
        authors = [clean(a) for a in raw_authors]
        affiliations = [clean(a) for a in raw_affiliations]
    else:
        split = split_glued(clean(layout.first.text), known, explain=explain)
        best = split.best
        if best is None:
            return _cut_off(line, layout.first.text), split, None
        title, authors, et_al = best.title, list(best.authors), split.et_al
        affiliations = list(split.affiliations)
        if split.uncertain:
            runner = split.runner_up
            assert runner is not None
            warning = Problem(line=layout.first.number, message=(
                f"uncertain title/author split: read title {_short(best.title)!r}, first author "
                f"{best.authors[0]!r}; runner-up title {_short(runner.title)!r}, first author "
                f"{runner.authors[0]!r} (see parse --explain)"))
    fields.update(
        title=title,
        authors=tuple(authors),
        et_al=et_al,
        affiliations=tuple(affiliations),
        abstract=" ".join(ln.text for ln in layout.abstract),
    )
    try:
        return Paper(**fields), split, warning  # type: ignore[arg-type]
    except ValidationError as exc:
        return Problem(line=line, message=f"invalid entry: {_first_error(exc)}; left out"), split, None


def _short(text: str) -> str:
    return text if len(text) <= 40 else "…" + text[-39:]


def _cut_off(line: int, title: str) -> Problem:
    return Problem(line=line, message=f"entry cut off before its authors (title {title[:60]!r}); left out")


def read_text(text: str, *, as_of: dt.date, file: str = "<text>", names: Evidence = frozenset(),
              explain: bool = False) -> Reading:
    """Parse one page's text, keeping how each glued line was split (with ``explain``, every
    candidate is scored, even on lines with only one that can be taken)."""
    run = as_evidence(names)
    page_lines = lines(text)
    first_meta = next((i for i, ln in enumerate(page_lines) if is_meta_line(ln.text)), len(page_lines))
    profile, problems = _parse_header(page_lines[:first_meta])
    found = list(entries(page_lines[first_meta:]))
    style = page_style([groups for _meta, groups in found])
    layouts = [entry_layout(groups, style) for _meta, groups in found]
    # What the page itself prints unambiguously is only needed if it has a glued line.
    has_glued = any(layout.shape is Shape.GLUED for layout in layouts)
    known = _page_known(profile, layouts, run) if has_glued else Known(run)
    papers: list[Paper] = []
    warnings: list[Problem] = []
    glued: list[GluedLine] = []
    for (meta_line, _groups), layout in zip(found, layouts, strict=True):
        meta, date_problem = _parse_meta(meta_line, as_of)
        if date_problem:
            problems.append(Problem(line=meta_line.number, message=date_problem))
            continue
        result, split, warning = _entry(meta, layout, known, explain=explain)
        if split is not None and layout.first is not None:
            glued.append(GluedLine(layout.first.number, split))
        if warning is not None:
            warnings.append(warning)
        if isinstance(result, Paper):
            papers.append(result)
        else:
            problems.append(result)
    if first_meta == len(page_lines):
        if not any(ln.text for ln in page_lines):
            problems.append(Problem(line=None, message="empty page: no header and no entries"))
        else:
            problems.append(Problem(line=None, message="no paper entries found on the page"))
    page = Page(file=file, profile=profile, papers=tuple(papers), problems=tuple(problems),
                warnings=tuple(warnings))
    return Reading(page, tuple(glued))


def parse_text(text: str, *, as_of: dt.date, file: str = "<text>", names: Evidence = frozenset()
               ) -> Page:
    """Parse one page's text. Bad entries become ``problems``; the rest is still read.

    ``names`` is the run's evidence (:func:`scholarkg.parse.collect_names_from_files`), or a
    plain set of full names known from elsewhere in the run: they settle where a glued title
    ends when the shape of the names alone would not.
    """
    return read_text(text, as_of=as_of, file=file, names=names).page


def read_file(path: str | Path, *, as_of: dt.date, names: Evidence = frozenset(),
              display: str | None = None, explain: bool = False) -> Reading:
    """:func:`read_text` on a file. Raises :class:`InputError` for missing, binary or
    non-UTF-8 files."""
    shown = display if display is not None else str(path)
    return read_text(read_page_text(path, shown=shown), as_of=as_of, file=shown, names=names,
                     explain=explain)


def parse_file(path: str | Path, *, as_of: dt.date, names: Evidence = frozenset(),
               display: str | None = None) -> Page:
    """Read and parse one file. Raises :class:`InputError` for missing, binary or non-UTF-8 files."""
    return read_file(path, as_of=as_of, names=names, display=display).page
