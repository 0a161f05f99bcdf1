"""Write records back as page text, in each of the three layouts the site uses.

The inverse of :mod:`scholarkg.parse`: the property-based test writes random records with it and
parses them back, the example pages and the benchmark corpus are generated with it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from typing import Literal

from scholarkg.models import Paper, Profile

Layout = Literal["spaced", "compact", "compact-gapped"]
LAYOUTS: tuple[Layout, ...] = ("spaced", "compact", "compact-gapped")


def _header(profile: Profile, n_papers: int, *, gap: bool) -> list[str]:
    lines = [profile.name]
    if gap:
        lines.append("")
    if profile.category:
        lines.append(profile.category)
    if profile.h_index is not None:
        lines.append(f"h-index{profile.h_index}")
    if profile.papers is not None:
        lines.append(f"{profile.papers}papers")
    if profile.citations is not None:
        lines.append(f"{profile.citations:,}citations")
    if profile.novelty_pct is not None:
        lines.append(f"Novelty{profile.novelty_pct}%")
    if profile.ai_score is not None:
        lines.append(f"AI Score{profile.ai_score}")
    if gap:
        lines.append("")
    lines.append(f"{n_papers} Papers")
    lines.append("")
    return lines


def meta_line(paper: Paper) -> str:
    score = "" if paper.score is None else f"{paper.score:g}"
    date = f"{calendar.month_abbr[paper.date.month]} {paper.date.day}"
    if paper.year_given:
        date += f", {paper.date.year}"
    return f"{score}{paper.category}{date}{'Code' if paper.has_code else ''}"


def author_line(paper: Paper) -> str:
    text = ", ".join(paper.authors)
    if paper.et_al:
        text += " et al."
    if paper.affiliations:
        text += " · " + ", ".join(paper.affiliations)
    return text


def write_page(profile: Profile | None, papers: Iterable[Paper], *, layout: Layout = "spaced") -> str:
    """Render a page. ``profile`` None gives a headerless page."""
    papers = list(papers)
    lines: list[str] = []
    if profile is not None:
        lines += _header(profile, len(papers), gap=layout != "compact")
    for i, paper in enumerate(papers):
        if layout == "spaced":
            lines += [meta_line(paper), paper.title, "", author_line(paper), ""]
            if paper.abstract:
                lines += [paper.abstract, ""]
        else:
            if layout == "compact-gapped" and i:
                lines.append("")
            lines += [meta_line(paper), paper.title + author_line(paper)]
            if paper.abstract:
                lines.append(paper.abstract)
    return "\n".join(lines).rstrip("\n") + "\n"
