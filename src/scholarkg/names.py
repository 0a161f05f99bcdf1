"""The general shape of a personal name, and the clean form names and titles are kept in.

Compact pages glue the title to the author list (``...Long WayBita Rouhani, Ritchie Zhao``);
:mod:`scholarkg.parse.split` weighs the places the author list could start. Evidence from the
run comes first; this module is the last resort: whether a piece of text *can* be a name at
all, and how unusual its shape is. The shape is general on purpose — capitalised tokens of any
script, inner capitals after any prefix, apostrophes and hyphens anywhere, initials, lower-case
words inside — and holds no list of known prefixes or particles: names nobody here wrote have
to fit it. Unusual shapes (an inner capital after a long run of lower-case letters, as in
``ModelsAda``) cost points instead of being refused, so that a real name that happens to have
one is still read when nothing better is on offer.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = "'’ʼ"
HYPHENS = "-‐"
JOINERS = APOSTROPHES + HYPHENS
MAX_NAME_TOKENS = 8
SHORT_PREFIX = 4
"""An inner capital after at most this many letters is an ordinary name shape (McKenzie,
LaVonne, DelVecchio, MaryAnn); after more it looks like a title word glued to a name."""


# Every code point of Unicode category Cf (format characters) as of Unicode 15, as ranges; a
# test checks this against ``unicodedata`` for the running Python. A regex beats asking
# ``unicodedata.category`` character by character on every line.
_FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def clean(text: str) -> str:
    """NFC, without invisible format characters (Unicode category Cf: ZWSP, ZWJ, RLM, BOM...).

    Without this, ``Ada\\u200f Ivanova`` and ``Ada Ivanova`` would be two people, and an
    invisible character between title and name would hide where the name starts.
    """
    if text.isascii():
        return text
    text = _FORMAT_CHARACTERS.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def is_upper(ch: str) -> bool:
    return ch.isupper() or unicodedata.category(ch) == "Lt"


def is_cased_script(ch: str) -> bool:
    """Latin, Greek, Cyrillic, Armenian (and their extensions): scripts whose names are
    capitalised. Georgian has lower-case letters in Unicode but is written without capitals."""
    cp = ord(ch)
    return cp < 0x0590 or 0x1E00 <= cp < 0x2000 or 0x2C60 <= cp < 0x2C80 or 0xA640 <= cp < 0xA7FF


def script_of(ch: str) -> str:
    """The capitalised script a letter belongs to, coarsely (for a change of script inside a
    word: ``Backперуна`` is a Latin title word glued to a Cyrillic name)."""
    cp = ord(ch)
    if cp < 0x0250 or 0x1E00 <= cp < 0x1F00 or 0x2C60 <= cp < 0x2C80 or 0xA720 <= cp < 0xA800:
        return "Latin"
    if 0x0370 <= cp < 0x0400 or 0x1F00 <= cp < 0x2000:
        return "Greek"
    if 0x0400 <= cp < 0x0530 or 0xA640 <= cp < 0xA6A0:
        return "Cyrillic"
    if 0x0530 <= cp < 0x0590:
        return "Armenian"
    return "other"


def is_uncased_letter(ch: str) -> bool:
    """A letter of a script without (practical) case: Han, Hangul, Kana, Arabic, Hebrew,
    Devanagari, Thai, Georgian..."""
    return unicodedata.category(ch) == "Lo" or (ch.isalpha() and not is_cased_script(ch))


def can_start_name(ch: str) -> bool:
    return is_upper(ch) or is_uncased_letter(ch)


def _name_char(ch: str) -> bool:
    # brackets: Faker's ar_AA prints a family or tribe name so, "عجرمة (العجارمة)"
    return ch.isalpha() or ch in JOINERS or ch in ".()" or unicodedata.category(ch)[0] == "M"


@dataclass(frozen=True, slots=True)
class TokenShape:
    """What is unusual about one name token (all zero for ``Zhao``, ``O'Brien``, ``M.``)."""

    ok: bool  # could be part of a name at all (letters, marks, apostrophes, hyphens, dots)
    lower: bool = False  # no capital and a cased script: a particle such as "van" or "de"
    hump_cost: float = 0.0  # inner capitals: cheap after a short prefix (McKenzie), dear after a long one
    all_caps: bool = False  # two or more capitals and no lower-case letter, not initials
    odd_dots: bool = False  # a dot that is not an initial's ("LangM.")


def prefix_cost(run: int) -> float:
    """What an inner capital after ``run`` letters costs in a name: ``Mc``/``Van`` little,
    ``Mary`` more, ``Models`` (a title word glued to a name) a lot."""
    if run <= SHORT_PREFIX - 1:
        return SHORT_HUMP
    if run == SHORT_PREFIX:
        return FOUR_LETTER_HUMP
    return LONG_HUMP


_INITIALS = re.compile(r"^(?:[^\W\d_]\.-?)+$")


@lru_cache(maxsize=1 << 16)  # pure; the same tokens recur on every page
def token_shape(token: str) -> TokenShape:
    if not token or not all(_name_char(ch) for ch in token) or not any(ch.isalpha() for ch in token):
        return TokenShape(ok=False)
    cased = [ch for ch in token if (ch.isupper() or ch.islower()) and is_cased_script(ch)]
    if cased and not any(is_upper(ch) for ch in cased):
        return TokenShape(ok=True, lower=True)
    mixed = bool(cased) and (any(ch.isalpha() and is_uncased_letter(ch) for ch in token)
                             or len({script_of(ch) for ch in cased}) > 1)
    if "." in token and _INITIALS.match(token):  # "M.", "J.-P.", "A.B."
        return TokenShape(ok=True)
    odd_dots = "." in token and not (token.endswith(".") and token.count(".") == 1 and len(token) <= 4)
    if len(cased) >= 2 and not any(ch.islower() for ch in cased):
        return TokenShape(ok=True, all_caps=True, odd_dots=odd_dots)
    cost = 0.0
    run = caps = 0  # letters (and capitals) since the start of this part or the last hump
    previous = ""
    for i, ch in enumerate(token):
        if ch in JOINERS or ch == ".":
            run = caps = 0
        elif i and is_upper(ch) and is_upper(previous) and token[i + 1 : i + 2].islower():
            cost += LONG_HUMP  # "LoRACarl", "BERTAda": a run of capitals ends where a word starts
            run = caps = 1
        elif is_upper(ch) and previous.islower():
            # "LLMsCarl", "viaCarl": an acronym or a lower-case word before the hump is a title
            # word, not a name's prefix (those are capitalised: "Mc", "La", "Del")
            if caps >= 2 or (caps == 0 and run > 2):
                cost += LONG_HUMP
            elif caps == 0:  # Irish "tSaoi", "bhFiann", "nGallchóir"
                cost += SHORT_HUMP + 1.0
            else:
                cost += prefix_cost(run)
            run = caps = 1
        else:
            run += 1
            caps += is_upper(ch)
        previous = ch
    if mixed:  # "Able'ปรมินทร์": a title word glued to a name in another script
        cost += LONG_HUMP
    return TokenShape(ok=True, hump_cost=cost, odd_dots=odd_dots)


@dataclass(frozen=True, slots=True)
class NameShape:
    """How unusual a whole name looks; ``cost`` 0 is a textbook name."""

    ok: bool
    cost: float = 0.0
    notes: tuple[str, ...] = ()


# What each unusual feature costs. Small next to any evidence from the run (see parse/split.py).
SHORT_HUMP = 1.0
FOUR_LETTER_HUMP = 2.5
LONG_HUMP = 6.0
ALL_CAPS = 3.0
ODD_DOTS = 2.0
LOWER_WORD = 1.0
LOWER_FIRST = 2.0
BRACKETS = 1.0
ONE_WORD = 1.5  # a single word of a cased script ("Carl"): names mostly have two or more
EXTRA_TOKEN = 1.0  # per token past the fourth


@lru_cache(maxsize=1 << 16)  # pure; coauthor names recur across pages
def name_shape(text: str) -> NameShape:
    """Whether ``text`` can be one personal name, and how unusual its shape is."""
    tokens = text.split()
    if not tokens or len(tokens) > MAX_NAME_TOKENS:
        return NameShape(ok=False)
    shapes = [token_shape(t) for t in tokens]
    if not all(s.ok for s in shapes):
        return NameShape(ok=False)
    first = tokens[0]
    if not first[0].isalpha() and not can_start_name(first[0]):
        return NameShape(ok=False)
    cost = 0.0
    notes: list[str] = []
    if "(" in text or ")" in text:
        if text.count("(") != text.count(")") or not text.rstrip(")").split("(")[0].strip():
            return NameShape(ok=False)
        cost += BRACKETS
        notes.append("brackets")
    if shapes[0].lower:  # Faker's bg_BG prints some given names so: "перуна Белоконска"
        cost += LOWER_FIRST
        notes.append("lower-case first word")
    humps = sum(s.hump_cost for s in shapes)
    if humps:
        cost += humps
        notes.append("inner capital" if humps < LONG_HUMP else "capital after a long lower-case run")
    caps = sum(s.all_caps for s in shapes)
    if caps:
        cost += ALL_CAPS * caps
        notes.append("all-capitals word")
    dots = sum(s.odd_dots for s in shapes)
    if dots:
        cost += ODD_DOTS * dots
        notes.append("dot inside a word")
    lower = sum(s.lower for s in shapes)
    if lower:
        cost += LOWER_WORD * lower
        notes.append("lower-case word inside")
    if len(tokens) == 1 and any(ch.isupper() or ch.islower() for ch in first):
        cost += ONE_WORD
        notes.append("one word")
    if len(tokens) > 4:
        cost += EXTRA_TOKEN * (len(tokens) - 4)
        notes.append(f"{len(tokens)} words")
    return NameShape(ok=True, cost=cost, notes=tuple(notes))


@lru_cache(maxsize=1 << 16)  # pure; title words recur
def humps(word: str) -> int:
    """Inner capitals of a word (a capital right after a lower-case letter): ``LoRA`` has one."""
    return sum(1 for a, b in itertools.pairwise(word) if b.isupper() and a.islower())


def looks_like_name(text: str) -> bool:
    """Whether ``text`` can be one personal name (any script, any of the general shapes)."""
    return name_shape(text).ok


def looks_like_author_list(items: Iterable[str]) -> bool:
    items = list(items)
    return bool(items) and all(looks_like_name(item) for item in items)


def name_tokens(name: str) -> list[str]:
    """The words of a name that evidence is kept for (given names and surnames, not initials)."""
    return [t for t in name.split() if len(t) > 1 and not t.endswith(".")]
