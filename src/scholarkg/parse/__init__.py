"""Read profile pages (plain text) into :class:`~scholarkg.models.Page` records.

The stage in parts: :mod:`~scholarkg.parse.text` (lines, meta and author lines),
:mod:`~scholarkg.parse.layout` (which line is what, from the page's structure),
:mod:`~scholarkg.parse.evidence` (what the run prints unambiguously, gathered in one pass),
:mod:`~scholarkg.parse.split` (where a glued title ends, scored from that evidence) and
:mod:`~scholarkg.parse.reader` (one page). A run first collects its evidence
(:func:`collect_names_from_files`), then parses each file with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from scholarkg.parse.evidence import RunEvidence, collect_evidence, collect_evidence_from_files
from scholarkg.parse.files import Source, decode, find_sources
from scholarkg.parse.reader import (
    GluedLine,
    Reading,
    infer_year,
    parse_file,
    parse_text,
    read_file,
    read_text,
)
from scholarkg.parse.split import Candidate, GluedSplit
from scholarkg.parse.text import is_meta_line


def collect_names_from_files(sources: Iterable[Source]) -> RunEvidence:
    """The run's evidence from its sources, in one pass (the first of a run's two).

    The name is historical: it returns a :class:`RunEvidence`, which iterates over the full
    names it holds (as the frozenset of names it used to return did) and is what ``parse_file``
    takes as ``names``. Merge the evidence of several chunks with :meth:`RunEvidence.merge`.
    """
    return collect_evidence_from_files(s.path for s in sources)


__all__ = [
    "Candidate",
    "GluedLine",
    "GluedSplit",
    "Reading",
    "RunEvidence",
    "Source",
    "collect_evidence",
    "collect_names_from_files",
    "decode",
    "find_sources",
    "infer_year",
    "is_meta_line",
    "parse_file",
    "parse_text",
    "read_file",
    "read_text",
]
