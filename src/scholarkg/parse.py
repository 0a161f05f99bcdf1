"""Read profile pages (plain text) into :class:`~scholarkg.models.Page` records.

A page has an optional header (name, category code, h-index, paper count, citations, novelty,
AI score) and a list of entries. Each entry starts with a *meta line* —
``[score]CATEGORY Mon D[, YYYY][Code]`` — followed by the title, the author list
(``A, B, C et al. · org1, org2``) and the abstract. Three layouts occur:

* spaced: every field on its own line with blank lines between them;
* compact: title and author list glued on one line, no blank lines at all;
* compact with gaps: the same glued line, blank lines between entries.

The parser classifies lines instead of counting them, so all three (and mixtures, stray blank
lines, CRLF/CR line ends, a byte-order mark) read the same.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from scholarkg.errors import InputError
from scholarkg.models import Page, Paper, Problem, Profile
from scholarkg.names import looks_like_author_list, looks_like_name, split_glued

MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_ALT = "|".join(MONTHS)
META_RE = re.compile(
    rf"^(?P<score>\d{{1,3}}(?:\.\d+)?)?(?P<cat>[A-Z][A-Za-z]*?(?:\.[A-Z]{{2}})?)"
    rf"(?P<mon>{_MONTH_ALT})\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?\s*(?P<code>Code)?$"
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
AFFILIATION_SEP = " · "
ET_AL = "et al."
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


def decode(data: bytes, *, path: str | Path) -> str:
    """Bytes → text: UTF-8 with or without BOM; binary or other encodings are refused."""
    if b"\x00" in data:
        raise InputError("not a text file (binary data); expected a UTF-8 profile page", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the page as UTF-8",
            path=path, line=line,
        ) from None
    return text.removeprefix("\ufeff")


def _lines(text: str) -> list[_Line]:
    return [_Line(i, raw.strip()) for i, raw in enumerate(_LINE_BREAK.split(text), start=1)]


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


def _parse_header(lines: list[_Line], page: str) -> tuple[Profile | None, list[Problem]]:
    """The header is every non-blank line before the first entry; its first line is the name."""
    content = [ln for ln in lines if ln.text]
    if not content:
        return None, []
    fields: dict[str, object] = {"name": content[0].text}
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


def _split_authors(text: str) -> tuple[list[str], bool, list[str]]:
    """``A, B et al. · x, y`` → (["A", "B"], True, ["x", "y"])."""
    affiliations: list[str] = []
    if AFFILIATION_SEP in text:
        text, affs = text.rsplit(AFFILIATION_SEP, 1)
        affiliations = [a.strip() for a in affs.split(",") if a.strip()]
    elif text.endswith(" ·"):
        text = text[:-2]
    text = text.strip()
    et_al = False
    if text.endswith(ET_AL):
        et_al = True
        text = text[: -len(ET_AL)].rstrip(" ,")
    authors = [a.strip() for a in text.split(",") if a.strip()]
    return authors, et_al, affiliations


def _is_author_line(text: str) -> bool:
    authors, et_al, _affiliations = _split_authors(text)
    return (looks_like_author_list(authors) or (not authors and et_al)) and bool(authors)


def _strip_author_tail(glued: str) -> tuple[str, bool, list[str]]:
    """Remove ``et al.`` and ``· affiliations`` from the end of a glued line."""
    _, et_al, affiliations = _split_authors(glued)
    body = glued
    if AFFILIATION_SEP in body:
        body = body.rsplit(AFFILIATION_SEP, 1)[0]
    body = body.rstrip().removesuffix(" ·").rstrip()
    if et_al:
        body = body[: -len(ET_AL)].rstrip(" ,")
    return body, et_al, affiliations


def _trailing_names(pieces: list[str], known: frozenset[str] | set[str]) -> int:
    """How many whole comma-separated pieces at the end are names (the first piece never is)."""
    n = 0
    while n < len(pieces) - 1 and (looks_like_name(pieces[-1 - n]) or pieces[-1 - n] in known):
        n += 1
    return n


def _split_title_authors(
    glued: str, known: frozenset[str] | set[str]
) -> tuple[str, list[str], bool, list[str]] | None:
    """Split a compact ``TitleFirst Author, Second Author et al. · org`` line.

    Whole trailing pieces that read as names are the later authors; the piece before them holds
    the title's end glued to the first author. If that piece cannot be split, one name at a time
    is given back to it (a first author glued after a title that itself ends in a comma piece).
    """
    body, et_al, affiliations = _strip_author_tail(glued)
    pieces = body.split(", ")
    for n in range(_trailing_names(pieces, known), -1, -1):
        cut = len(pieces) - 1 - n
        split = split_glued(pieces[cut], known)
        if split is None:
            continue
        title_tail, first = split
        title = ", ".join([*pieces[:cut], title_tail]).strip()
        if title:
            return title, [first, *pieces[cut + 1 :]], et_al, affiliations
    return None


def _parse_meta(ln: _Line, as_of: dt.date) -> tuple[dict[str, object] | None, str | None]:
    match = META_RE.match(ln.text)
    if match is None:
        return None, None
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


def is_meta_line(text: str) -> bool:
    return META_RE.match(text) is not None


def _entry(
    meta: dict[str, object], body: list[_Line], known: frozenset[str] | set[str]
) -> Paper | Problem:
    line = int(meta["line"])  # type: ignore[call-overload]
    if not body:
        return Problem(line=line, message="entry has no title; entry left out")
    fields = dict(meta)
    if len(body) >= 2 and _is_author_line(body[1].text):
        title = body[0].text
        authors, et_al, affiliations = _split_authors(body[1].text)
        abstract_lines = body[2:]
    else:
        split = _split_title_authors(body[0].text, known)
        if split is None:
            return Problem(
                line=line,
                message=f"entry cut off before its authors (title {body[0].text[:60]!r}); left out",
            )
        title, authors, et_al, affiliations = split
        abstract_lines = body[1:]
    fields.update(
        title=title,
        authors=tuple(authors),
        et_al=et_al,
        affiliations=tuple(affiliations),
        abstract=" ".join(ln.text for ln in abstract_lines),
    )
    try:
        return Paper(**fields)  # type: ignore[arg-type]
    except ValidationError as exc:
        return Problem(line=line, message=f"invalid entry: {_first_error(exc)}; left out")


def parse_text(
    text: str,
    *,
    as_of: dt.date,
    file: str = "<text>",
    names: frozenset[str] | set[str] = frozenset(),
) -> Page:
    """Parse one page's text. Bad entries become ``problems``; the rest is still read.

    ``names`` are personal names known from elsewhere in the run: they settle where a glued
    title ends when the name's shape alone would not.
    """
    lines = _lines(text.removeprefix("\ufeff"))
    first_meta = next((i for i, ln in enumerate(lines) if is_meta_line(ln.text)), len(lines))
    profile, problems = _parse_header(lines[:first_meta], file)
    papers: list[Paper] = []
    for meta_line, body in _entries(lines[first_meta:]):
        meta, date_problem = _parse_meta(meta_line, as_of)
        assert meta is not None
        if date_problem:
            problems.append(Problem(line=meta_line.number, message=date_problem))
            continue
        result = _entry(meta, body, names)
        if isinstance(result, Paper):
            papers.append(result)
        else:
            problems.append(result)
    if first_meta == len(lines):
        if not any(ln.text for ln in lines):
            problems.append(Problem(line=None, message="empty page: no header and no entries"))
        else:
            problems.append(Problem(line=None, message="no paper entries found on the page"))
    return Page(file=file, profile=profile, papers=tuple(papers), problems=tuple(problems))


def parse_file(
    path: str | Path,
    *,
    as_of: dt.date,
    names: frozenset[str] | set[str] = frozenset(),
    display: str | None = None,
) -> Page:
    """Read and parse one file. Raises :class:`InputError` for missing, binary or non-UTF-8 files."""
    shown = display if display is not None else str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None
    return parse_text(decode(data, path=shown), as_of=as_of, file=shown, names=names)


# --- run-level helpers -------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Source:
    """An input file and its stable key: the path relative to the argument it was found under."""

    key: str
    path: Path
    shown: str


def find_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Expand files and directories (their ``*.txt``, recursively) into sorted sources.

    Sorting by key makes the run independent of argument order and of the file system's listing
    order. A missing path raises :class:`InputError`.
    """
    sources: dict[str, Source] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*.txt")):
                if found.is_file():
                    key = found.relative_to(path).as_posix()
                    sources.setdefault(key, Source(key, found, str(found)))
        elif path.exists():
            sources.setdefault(path.name, Source(path.name, path, str(raw)))
        else:
            raise InputError("no such file or directory", path=str(raw))
    return sorted(sources.values())


def _entries(lines: list[_Line]) -> Iterator[tuple[_Line, list[_Line]]]:
    """Each meta line with the non-blank lines that follow it up to the next meta line."""
    metas = [i for i, ln in enumerate(lines) if is_meta_line(ln.text)]
    for n, i in enumerate(metas):
        j = metas[n + 1] if n + 1 < len(metas) else len(lines)
        yield lines[i], [ln for ln in lines[i + 1 : j] if ln.text]


def collect_names(text: str) -> Iterator[str]:
    """Names a page prints unambiguously: spaced author lines, and the whole trailing names of
    glued lines (all but the first author). Evidence for splitting glued lines elsewhere."""
    for _meta, body in _entries(_lines(text.removeprefix("\ufeff"))):
        if len(body) >= 2 and _is_author_line(body[1].text):
            yield from _split_authors(body[1].text)[0]
        elif body:
            pieces = _strip_author_tail(body[0].text)[0].split(", ")
            n = _trailing_names(pieces, frozenset())
            yield from (p.strip() for p in pieces[len(pieces) - n :] if n)


def collect_names_from_files(sources: Iterable[Source]) -> frozenset[str]:
    names: set[str] = set()
    for source in sources:
        try:
            data = source.path.read_bytes()
            text = decode(data, path=source.shown)
        except (OSError, InputError):
            continue  # reported when the file itself is parsed
        names.update(collect_names(text))
    return frozenset(names)
