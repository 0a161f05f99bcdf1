"""Typed records for what a profile page says.

The records validate themselves (real dates, non-negative counts, scores in range, non-empty
titles and names) so that every later stage can trust them; a page line that cannot become a
valid record is reported as a :class:`Problem` by the parser instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Count = Annotated[int, Field(ge=0)]
Percent = Annotated[int, Field(ge=0, le=100)]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z.-]{0,15}$")]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Profile(_Record):
    """The header of a profile page: who it is about and the site's metrics at that time."""

    name: NonEmpty
    category: CategoryCode | None = None
    h_index: Count | None = None
    papers: Count | None = None
    citations: Count | None = None
    novelty_pct: Percent | None = None
    ai_score: Percent | None = None


class Paper(_Record):
    """One paper entry as the page prints it (authors in page order, at most the first few)."""

    score: Annotated[float, Field(ge=0, le=100)] | None = None
    category: CategoryCode
    date: dt.date
    year_given: bool
    has_code: bool = False
    title: NonEmpty
    authors: tuple[NonEmpty, ...] = Field(min_length=1)
    et_al: bool = False
    affiliations: tuple[NonEmpty, ...] = ()
    abstract: str = ""
    line: Annotated[int, Field(ge=1)] = 1

    @field_validator("abstract")
    @classmethod
    def _strip_abstract(cls, value: str) -> str:
        return value.strip()


class Problem(_Record):
    """Something on a page that could not be read; the entry it names was left out."""

    line: Annotated[int, Field(ge=1)] | None = None
    message: NonEmpty


class Page(_Record):
    """Everything read from one file: header (if any), entries, and what was left out."""

    file: str
    profile: Profile | None = None
    papers: tuple[Paper, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    """Readings kept but not certain (a glued line whose split had close runners-up)."""

    def to_json_dict(self) -> dict[str, object]:
        """The JSON Lines shape of ``scholarkg parse --json`` (field names as in the samples)."""
        data = self.model_dump(mode="json", exclude={"warnings"})
        for paper in data["papers"]:
            paper["authors"] = list(paper["authors"])
            paper["affiliations"] = list(paper["affiliations"])
        return data
