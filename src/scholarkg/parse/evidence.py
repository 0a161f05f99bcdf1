"""What a run prints unambiguously, gathered in one pass before any glued line is split.

Spaced pages print the title and the author list on lines of their own, and every header
prints its owner's full name. Those readings are certain, and they settle glued lines on other
pages: the same paper's title (strongest), a full name, a given name or surname, a title word.
The evidence is one small picklable object, so ``export`` can hand it to worker processes
through a file; titles are kept as 8-byte digests to keep that file small.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scholarkg.errors import InputError
from scholarkg.names import clean, name_shape, name_tokens
from scholarkg.parse.files import decode
from scholarkg.parse.layout import Shape, entry_layout, page_style
from scholarkg.parse.text import entries, is_meta_line, lines, split_author_line, strip_author_tail


def title_digest(title: str) -> bytes:
    return hashlib.blake2b(title.encode("utf-8"), digest_size=8).digest()


@dataclass(frozen=True)
class RunEvidence:
    """Unambiguous readings from the whole run. Empty by default (a page read on its own)."""

    names: frozenset[str] = frozenset()
    """Full names printed on spaced author lines and in headers."""
    name_tokens: frozenset[str] = frozenset()
    """Given names and surnames of those names."""
    title_words: frozenset[str] = frozenset()
    """Words of titles printed on spaced pages."""
    titles: frozenset[bytes] = field(default=frozenset(), repr=False)
    """Digests (:func:`title_digest`) of titles printed on spaced pages."""
    later_names: frozenset[str] = field(default=frozenset(), repr=False)
    """What glued lines print after their first comma: mostly whole names (a comma inside a
    title could fake one), so only their words count, and only as weak evidence."""

    @classmethod
    def of_names(cls, names: Iterable[str]) -> RunEvidence:
        """Evidence from a plain set of full names (the form ``parse_file`` used to take)."""
        return cls.merge([cls(names=frozenset(clean(n) for n in names))])

    @classmethod
    def merge(cls, parts: Iterable[RunEvidence]) -> RunEvidence:
        """One object from the evidence of several pages or chunks (order does not matter).

        The words of the names are worked out here, once per distinct name of the run rather
        than once per page that prints it.
        """
        names: set[str] = set()
        tokens: set[str] = set()
        words: set[str] = set()
        titles: set[bytes] = set()
        later: set[str] = set()
        for part in parts:
            names |= part.names
            tokens |= part.name_tokens
            words |= part.title_words
            titles |= part.titles
            later |= part.later_names
        for name in names:
            tokens.update(name_tokens(name))
        for piece in later:
            shape = name_shape(piece)
            if shape.ok and not shape.cost:
                tokens.update(name_tokens(piece))
        return cls(frozenset(names), frozenset(tokens), frozenset(words), frozenset(titles),
                   frozenset(later))

    def __bool__(self) -> bool:
        return bool(self.names or self.titles or self.title_words)

    def __iter__(self):  # so ``set(evidence)`` still gives the names, as the old frozenset did
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def collect_evidence(text: str) -> RunEvidence:
    """The unambiguous readings of one page's text (see the module docstring)."""
    page_lines = lines(text)
    names: set[str] = set()
    words: set[str] = set()
    titles: set[bytes] = set()
    later: set[str] = set()
    first_meta = next((i for i, ln in enumerate(page_lines) if is_meta_line(ln.text)), None)
    header = next((ln.text for ln in page_lines[:first_meta] if ln.text), None)
    if header is not None and first_meta is not None:
        names.add(clean(header))
    all_groups = [groups for _meta, groups in entries(page_lines)]
    style = page_style(all_groups)
    for groups in all_groups:
        layout = entry_layout(groups, style)
        if layout.shape is Shape.GLUED and layout.first is not None:
            later.update(strip_author_tail(clean(layout.first.text))[0].split(", ")[1:])
        if layout.shape is not Shape.SPACED:
            continue
        assert layout.first is not None and layout.authors is not None
        title = clean(layout.first.text)
        titles.add(title_digest(title))
        words.update(title.split())
        names.update(clean(a) for a in split_author_line(layout.authors.text)[0])
    return RunEvidence(frozenset(names), frozenset(), frozenset(words), frozenset(titles),
                       frozenset(later))


def collect_evidence_from_files(paths: Iterable[Path]) -> RunEvidence:
    """Evidence from files; unreadable ones are skipped (they are reported when parsed)."""
    parts = []
    for path in paths:
        try:
            parts.append(collect_evidence(decode(Path(path).read_bytes(), path=path)))
        except (OSError, InputError):
            continue
    return RunEvidence.merge(parts)
