"""What a personal name looks like, and where a glued title ends and the author list begins.

Compact pages print the title and the author list on one line with nothing between them
(``...Long WayBita Rouhani, Ritchie Zhao et al.``). The split point is where the title's last
character touches an upper-case letter that starts a well-formed name; names seen elsewhere in
the same run (spaced pages print authors on their own line) are stronger evidence than shape.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Lower-case words that may stand inside a name ("Ludwig van Beethoven", "Maria de la Cruz").
PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "dei", "da", "das", "dos", "di", "du",
        "la", "le", "bin", "binti", "ibn", "al", "el", "y", "ten", "ter", "zu", "af", "e",
    }
)  # fmt: skip
SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
# Capitalised prefixes that legitimately carry a second capital: McKenzie, DeAndre, O'Brien.
CAMEL_PREFIXES = ("Mac", "Mc", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Fitz", "St")
APOSTROPHES = "'’"
MAX_NAME_TOKENS = 7


def _is_upper(ch: str) -> bool:
    return ch.isupper() or unicodedata.category(ch) == "Lt"


def _is_lower_run(text: str) -> bool:
    """Lower-case letters, combining marks and apostrophes only (the tail of a name part)."""
    return all(ch.islower() or unicodedata.category(ch).startswith("M") or ch in APOSTROPHES
               for ch in text)


def _is_part(part: str) -> bool:
    """One hyphen-free piece of a name token: ``Zhao``, ``O'Brien``, ``McKenzie``, ``Émile``."""
    if not part or not _is_upper(part[0]):
        return False
    if len(part) >= 3 and part[1] in APOSTROPHES and _is_upper(part[2]):  # O'Brien, D'Angelo
        return _is_lower_run(part[3:])
    if _is_lower_run(part[1:]):
        return True
    for prefix in CAMEL_PREFIXES:
        rest = part[len(prefix):]
        if part.startswith(prefix) and len(rest) >= 2 and _is_upper(rest[0]):
            return _is_lower_run(rest[1:])
    return False


@lru_cache(maxsize=1 << 16)  # pure, and the same tokens recur on every page
def is_name_token(token: str) -> bool:
    """A capitalised word, a hyphenated double name, or an initial (``M.``, ``J.-P.``, ``M``)."""
    if token in SUFFIXES:
        return True
    if token.endswith("."):
        # Initials: "M.", "J.-P.", "A.B." — one capital before every dot ("RAM." is not).
        compact = token.replace("-", "")
        return 2 <= len(compact) <= 6 and all(
            _is_upper(compact[i]) and compact[i + 1] == "." for i in range(0, len(compact) - 1, 2)
        ) and len(compact) % 2 == 0
    if len(token) == 1:
        return _is_upper(token)
    return all(_is_part(part) for part in token.split("-"))


@lru_cache(maxsize=1 << 16)  # pure; coauthor names recur across pages
def looks_like_name(text: str) -> bool:
    """Whether ``text`` reads as one personal name as the site prints it."""
    tokens = text.split()
    if not tokens or len(tokens) > MAX_NAME_TOKENS:
        return False
    if tokens[0] in PARTICLES and len(tokens) > 1:
        tokens = tokens[1:]  # "van der Berg" as a whole name
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        if token in PARTICLES and 0 < i < last:
            continue
        if not is_name_token(token):
            return False
    return is_name_token(tokens[0]) and tokens[0] not in SUFFIXES


def looks_like_author_list(items: Iterable[str]) -> bool:
    items = list(items)
    return bool(items) and all(looks_like_name(item) for item in items)


def split_glued(piece: str, known: frozenset[str] | set[str] = frozenset()) -> tuple[str, str] | None:
    """Split ``<title tail><first author>`` into its two halves, or None when no split fits.

    Candidates are positions where a letter follows a non-space character with nothing between
    them. A known name (seen elsewhere in the run) wins; otherwise the earliest position whose
    remainder is a well-formed name: an earlier, wrong split always leaves a malformed token
    such as ``WayBita``, while a later one would cut a real name like ``McKenzie`` in two.
    """
    if known:
        for k in range(1, len(piece)):
            if not piece[k - 1].isspace() and not piece[k].isspace() and piece[k:] in known:
                title = piece[:k].rstrip()
                if title:
                    return title, piece[k:]
    for k in range(1, len(piece)):
        if piece[k - 1].isspace() or not _is_upper(piece[k]):
            continue
        candidate = piece[k:]
        if looks_like_name(candidate):
            return piece[:k], candidate
    return None
