"""Which lines of an entry are title, author list and abstract — from structure alone.

The three layouts differ in blank lines, not in content:

* spaced: ``title`` / blank / ``authors`` / blank / ``abstract`` — the first group of non-blank
  lines is one line long and another group follows;
* compact and compact with gaps: ``title+authors`` glued on one line, the abstract on the next —
  the first group is two or more lines long.

An entry whose own structure is ambiguous — one group of one line, or one line then a blank then
more (a stray blank line on a compact page) — is read the way the rest of the page reads its
entries. Whether a line *looks like* names never decides the layout: on a spaced page the author
line is the author line whatever names it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from scholarkg.parse.text import Line


class Shape(Enum):
    SPACED = "spaced"
    GLUED = "glued"
    CUT_OFF = "cut off"  # a spaced entry with a title and nothing after it
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class EntryLayout:
    shape: Shape
    first: Line | None = None  # the title line (spaced) or the glued line
    authors: Line | None = None  # spaced only
    abstract: tuple[Line, ...] = ()


def _own_vote(groups: list[list[Line]]) -> Shape | None:
    if groups and len(groups[0]) >= 2:
        return Shape.GLUED
    if len(groups) >= 2:
        return Shape.SPACED
    return None


def page_style(all_groups: list[list[list[Line]]]) -> Shape | None:
    """What most entries of the page say about themselves (None: no entry says anything)."""
    glued = spaced = 0
    for groups in all_groups:
        vote = _own_vote(groups)
        glued += vote is Shape.GLUED
        spaced += vote is Shape.SPACED
    if glued == spaced == 0:
        return None
    return Shape.GLUED if glued > spaced else Shape.SPACED


def entry_layout(groups: list[list[Line]], style: Shape | None) -> EntryLayout:
    if not groups:
        return EntryLayout(Shape.EMPTY)
    first = groups[0][0]
    rest = [ln for group in groups for ln in group][1:]
    vote = _own_vote(groups)
    if vote is Shape.GLUED or (vote is Shape.SPACED and style is Shape.GLUED):
        return EntryLayout(Shape.GLUED, first, abstract=tuple(rest))
    if vote is Shape.SPACED:
        return EntryLayout(Shape.SPACED, first, authors=groups[1][0], abstract=tuple(rest[1:]))
    # One line and nothing else: a spaced page's entry cut off after its title, or a compact
    # entry without an abstract.
    if style is Shape.SPACED:
        return EntryLayout(Shape.CUT_OFF, first)
    return EntryLayout(Shape.GLUED, first)
