"""What an export is asked to do (:class:`ExportOptions`) and what it did (:class:`ExportReport`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scholarkg.errors import clip
from scholarkg.namespaces import DEFAULT_BASE
from scholarkg.validation import DEFAULT_VALIDATOR, Validator


@dataclass(frozen=True)
class ExportOptions:
    as_of: dt.date
    base: str = DEFAULT_BASE
    generated_at: dt.datetime | None = None
    validate: bool = True
    jobs: int = 1
    validator: Validator = DEFAULT_VALIDATOR  # "fast" or "pyshacl" (validation.VALIDATORS)

    def timestamp(self) -> dt.datetime:
        """``prov:generatedAtTime``: given, else midnight UTC of the as-of date (reproducible)."""
        if self.generated_at is not None:
            return self.generated_at
        return dt.datetime.combine(self.as_of, dt.time(0), tzinfo=dt.UTC)


@dataclass
class Notice:
    """A warning or a rejection, located in a file (and line where there is one).

    Its text quotes at most a couple of hundred characters of any one piece of input
    (:func:`scholarkg.errors.clip`): a 200 MB line is not echoed whole.
    """

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        message = clip(self.message)
        return f"{self.file}:{self.line}: {message}" if self.line else f"{self.file}: {message}"


@dataclass
class ExportReport:
    files: int = 0
    files_refused: list[Notice] = field(default_factory=list)
    profiles: int = 0
    papers: int = 0
    people: int = 0
    topics: int = 0
    organisations: int = 0
    triples: int = 0
    rejected: list[Notice] = field(default_factory=list)
    problems: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    # seconds per phase, for benchmarks and for finding what grows with the corpus
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (self.files_refused or self.rejected or self.problems)
