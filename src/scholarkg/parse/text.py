"""Lines, meta lines and author lines: the pieces of a page every other part reads."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH_ALT = "|".join(MONTHS)
META_RE = re.compile(
    rf"^(?P<score>\d{{1,3}}(?:\.\d+)?)?(?P<cat>[A-Z][A-Za-z]*?(?:\.[A-Z]{{2}})?)"
    rf"(?P<mon>{_MONTH_ALT})\s+(?P<day>\d{{1,2}})(?:,\s*(?P<year>\d{{4}}))?\s*(?P<code>Code)?$"
)
AFFILIATION_SEP = " · "
ET_AL = "et al."
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str


def lines(text: str) -> list[Line]:
    """The page's lines, stripped, numbered from 1; any of the three line-end conventions."""
    return [Line(i, raw.strip()) for i, raw in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")),
                                                         start=1)]


def is_meta_line(text: str) -> bool:
    return META_RE.match(text) is not None


def entries(page_lines: list[Line]) -> Iterator[tuple[Line, list[list[Line]]]]:
    """Each meta line with what follows it up to the next one, as groups of non-blank lines
    (a blank line ends a group). The groups are the structure the layout is read from."""
    metas = [i for i, ln in enumerate(page_lines) if is_meta_line(ln.text)]
    for n, i in enumerate(metas):
        j = metas[n + 1] if n + 1 < len(metas) else len(page_lines)
        groups: list[list[Line]] = []
        current: list[Line] = []
        for ln in page_lines[i + 1 : j]:
            if ln.text:
                current.append(ln)
            elif current:
                groups.append(current)
                current = []
        if current:
            groups.append(current)
        yield page_lines[i], groups


def split_author_line(text: str) -> tuple[list[str], bool, list[str]]:
    """``A, B et al. · x, y`` → (["A", "B"], True, ["x", "y"])."""
    body, et_al, affiliations = strip_author_tail(text)
    authors = [a.strip() for a in body.split(",") if a.strip()]
    return authors, et_al, affiliations


def strip_author_tail(text: str) -> tuple[str, bool, list[str]]:
    """Take ``et al.`` and ``· affiliations`` off the end of an author (or glued) line."""
    affiliations: list[str] = []
    if AFFILIATION_SEP in text:
        text, affs = text.rsplit(AFFILIATION_SEP, 1)
        affiliations = [a.strip() for a in affs.split(",") if a.strip()]
    text = text.rstrip().removesuffix(" ·").rstrip()
    et_al = text.endswith(ET_AL)
    if et_al:
        text = text[: -len(ET_AL)].rstrip(" ,")
    return text, et_al, affiliations
