"""Where a glued line's title ends and its author list begins: a decision from evidence.

Compact pages print ``<title><first author>, <second author> et al. · <orgs>`` with nothing
between the title and the first name. The first author starts somewhere inside one word of the
line (``WayBita``): every such place is a *candidate*, and each is scored.

Evidence, strongest first:

1. the same title printed on a spaced page of the run (``SAME_TITLE``);
2. the first author's full name printed unambiguously in the run — a spaced author line or a
   header (``KNOWN_NAME``; later authors known add ``KNOWN_LATER_NAME`` each);
3. the first author's first word seen as a given name or surname in those lists
   (``KNOWN_TOKEN``), the title's last word seen in a spaced title (``KNOWN_TITLE_WORD``);
4. the general shape of the names (:func:`scholarkg.names.name_shape`): unusual shapes cost a
   little, so a candidate that leaves ``FlowAda`` as a name loses to one that leaves ``Ada``.

A place right after a hyphen (``Cross-|Lingual``) or inside a run of capitals (``BE|RT``) is
never taken unless strong evidence (1 or 2) says so. Ties go to the earliest place — the
whole of ``DeAndre`` rather than ``Andre``. When the best reading has no strong evidence and the
runner-up is close, the reading is kept and flagged as uncertain, so the user is told.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from scholarkg.names import (
    APOSTROPHES,
    HYPHENS,
    JOINERS,
    humps,
    is_cased_script,
    is_uncased_letter,
    is_upper,
    name_shape,
    script_of,
)
from scholarkg.parse.evidence import RunEvidence, title_digest
from scholarkg.parse.text import strip_author_tail

SAME_TITLE = 50.0
KNOWN_NAME = 12.0
KNOWN_LATER_NAME = 3.0
KNOWN_TOKEN = 5.0
KNOWN_TITLE_WORD = 3.0
SHORT_TITLE_TAIL = 1.5  # the title would end in "WildDe": the start of a name like "DeAndre"?
TITLE_HUMP = 1.5  # an inner capital left in the title near the cut ("GraphDe", "LoRA")
MOVED_PIECE = 2.0  # per comma-separated piece that would be title here but a name elsewhere
TITLE_APOSTROPHE = 2.0  # the title would end inside a word at its apostrophe ("O'|Brien")
LONE_PUNCTUATION = 2.0  # the title would end in an opening quote or bracket
AFTER_CLOSING = 3.0  # the title would end in "?Ja" or ")Cri": a name's start after closing punctuation
THREE_LETTER_TAIL = 0.5  # the title would end in "ImageNet", "GitHub": a camel-case word
GLUED_FIRST_WORD = 1.5  # the first author would start "NetKenji": a word of 3+ letters, then a name
DIGIT_TAIL = 2.0  # the title would end in "3La": a digit, then the first syllable of "LaToya"
SHORT_NAME_PART = 2.5  # the first author would start "NetVi Trần": a hump with a 2-letter rest
MIXED_WORD_CUT = 2.5  # "RoBER|TaHoàng": the cut ends a capitals run inside a mixed-case word
CUT_TITLE_WORD = 6.0  # "Image|NetVi": "ImageNet" is a word seen whole in the run's titles
UNCERTAIN_MARGIN = 2.0

# A letter that is not ASCII lower case, right after a non-space: where a name may start.
_START = re.compile(r"(?<=\S)[^\W\d_a-z]")
_AFTER_CLOSING = re.compile(r"[?!)\]}\"'’”»]([^\W\d_]+)$")
_NOT_IN_NAME = re.compile(r"[^\w\s'’ʼ.()‐-]|[\d_]")
_OPENING_QUOTES = "'\"‘“«‹"
_OPENED_QUOTE = re.compile(r"(?:^|\s)['‘]")  # a single quote opened at a word start
_SHORT_WORD = re.compile(r"(?:^|[\s,])[^\W\d_a-z][^\W\d_A-Z]{0,2}$")  # "…, Le" of "LeAnn"


@dataclass(frozen=True, slots=True)
class Known:
    """The run's evidence plus what this page itself prints unambiguously."""

    run: RunEvidence
    names: Set[str] = frozenset()
    tokens: Set[str] = frozenset()
    title_words: Set[str] = frozenset()
    titles: Set[bytes] = frozenset()

    def name(self, text: str) -> bool:
        return text in self.names or text in self.run.names

    def token(self, text: str) -> bool:
        return text in self.tokens or text in self.run.name_tokens

    def title_word(self, text: str) -> bool:
        return text in self.title_words or text in self.run.title_words

    def title(self, text: str) -> bool:
        if not (self.titles or self.run.titles):
            return False
        digest = title_digest(text)
        return digest in self.titles or digest in self.run.titles


class Candidate(NamedTuple):
    """One way to read the glued line, with the evidence for and against it.

    (Named tuples, not dataclasses: a run builds one per glued line, and they are cheaper.)
    """

    at: int  # where the first author starts, in the line without its et al./affiliations
    title: str
    authors: tuple[str, ...]
    score: float
    evidence: tuple[str, ...]
    strong: bool
    refused: str | None = None  # why it cannot be taken (hyphen, capitals) without strong evidence


class GluedSplit(NamedTuple):
    """Every candidate of one glued line, best first; ``best`` is the reading taken."""

    text: str
    et_al: bool
    affiliations: tuple[str, ...]
    candidates: tuple[Candidate, ...] = ()

    @property
    def best(self) -> Candidate | None:
        first = self.candidates[0] if self.candidates else None
        return first if first is not None and first.refused is None else None

    @property
    def runner_up(self) -> Candidate | None:
        if len(self.candidates) > 1 and self.candidates[1].refused is None:
            return self.candidates[1]
        return None

    @property
    def uncertain(self) -> bool:
        best, runner = self.best, self.runner_up
        return (best is not None and runner is not None and not best.strong
                and best.score - runner.score < UNCERTAIN_MARGIN)


def _ends_in_mixed_caps(word: str) -> bool:
    """``RoBER``, ``XLM-RoBER``: two or more capitals after a lower-case letter (not ``BER``)."""
    i = len(word)
    while i > 0 and is_upper(word[i - 1]):
        i -= 1
    return len(word) - i >= 2 and i > 0 and word[i - 1].islower()


def _hump_positions(word: str) -> list[int]:
    """Where a capital follows a lower-case letter: ``NetVi`` -> [3]."""
    return [i for i in range(1, len(word)) if is_upper(word[i]) and word[i - 1].islower()]


def _glued_costs(title: str, title_word: str, first_word: str,
                 known: Known) -> list[tuple[float, str]]:
    """What speaks against cutting *this* word here, when the title and the first author are
    glued inside one word (``ImageNetVi``, ``RoBERTaHoàng``): the first author's first token
    would keep an inner capital, and the place at that capital would leave a cleaner name."""
    if not title or not title[-1].isalpha() or not first_word:
        return []
    inner = _hump_positions(first_word)
    if not inner:
        return []
    costs: list[tuple[float, str]] = []
    if inner[0] >= 3:
        costs.append((GLUED_FIRST_WORD, f"first author would start {first_word!r}: a "
                                        f"{inner[0]}-letter word glued to a name"))
    rest = len(first_word) - inner[-1]
    if rest <= 2 and first_word[inner[-1] :].isalpha():
        costs.append((SHORT_NAME_PART, f"first author would start {first_word!r}: an inner "
                                       f"capital with a {rest}-letter rest"))
    if is_upper(title[-1]) and _ends_in_mixed_caps(title_word) and first_word[1:2].islower():
        costs.append((MIXED_WORD_CUT, f"cut would end the capitals run of {title_word + first_word!r} "
                                      "inside a mixed-case word"))
    for j in inner:
        whole = title_word + first_word[:j]
        if known.title_word(whole):
            costs.append((CUT_TITLE_WORD, f"{whole!r} seen whole in titles would be cut"))
            break
    return costs


def _title_tail_cost(word: str) -> float:
    """``WildDe``/``ParsingLa``: a title word ending in a short capitalised bit after a
    lower-case letter may be the first syllable of the name (``DeAndre``, ``LaVonne``)."""
    i = len(word) - 1
    while i > 0 and word[i].islower():
        i -= 1
    tail = len(word) - i
    if not (2 <= tail <= 3 and is_upper(word[i])):
        return 0.0
    if i == 0:
        return SHORT_TITLE_TAIL
    if word[i - 1].islower():
        # "WildDe" is likelier the start of "DeAndre" than "ImageNet" is the start of "NetKenji":
        # name prefixes are mostly two letters, the tails of camel-case words three or more
        return SHORT_TITLE_TAIL if tail == 2 else THREE_LETTER_TAIL
    if word[i - 1].isdigit():  # "3La", "3.1De": a name's first syllable after a version number
        return DIGIT_TAIL
    if _ends_in_mixed_caps(word[:i]):  # "RoBERTa": a capitals run inside a mixed-case word
        return 0.0
    # "FIGDKo" (the start of "KoRitt") but not the plural of an acronym ("LLMs")
    return SHORT_TITLE_TAIL if is_upper(word[i - 1]) and word[i + 1 :] != "s" else 0.0


def _score(title: str, region: str, authors: tuple[str, ...], first_word: str,
           known: Known) -> tuple[float, tuple[str, ...], bool]:
    """``region``: the title's text from the first piece that could hold the cut (the part
    where candidates differ); its inner capitals count against the reading."""
    title_word = title.rsplit(" ", 1)[-1]
    score = 0.0
    notes: list[str] = []
    strong = False
    if known.title(title):
        score += SAME_TITLE
        notes.append(f"+{SAME_TITLE:g} same title printed on a spaced page")
        strong = True
    if known.name(authors[0]):
        score += KNOWN_NAME
        notes.append(f"+{KNOWN_NAME:g} full name {authors[0]!r} printed unambiguously")
        strong = True
    later = sum(known.name(a) for a in authors[1:])
    if later:
        score += KNOWN_LATER_NAME * later
        notes.append(f"+{KNOWN_LATER_NAME * later:g} {later} later author(s) printed unambiguously")
    if known.token(first_word):
        score += KNOWN_TOKEN
        notes.append(f"+{KNOWN_TOKEN:g} {first_word!r} seen in author lists")
    if known.title_word(title_word):
        score += KNOWN_TITLE_WORD
        notes.append(f"+{KNOWN_TITLE_WORD:g} {title_word!r} seen in titles")
    for author in authors:
        shape = name_shape(author)
        if shape.cost:
            score -= shape.cost
            notes.append(f"-{shape.cost:g} {author!r}: {', '.join(shape.notes)}")
    left = sum(humps(word) for word in region.split())
    if left:
        score -= TITLE_HUMP * left
        notes.append(f"-{TITLE_HUMP * left:g} {left} inner capital(s) left in the title")
    for cost, note in _glued_costs(title, title_word, first_word, known):
        score -= cost
        notes.append(f"-{cost:g} {note}")
    tail = _title_tail_cost(title_word)
    if tail:
        score -= tail
        notes.append(f"-{tail:g} title would end in {title_word!r}")
    after = _AFTER_CLOSING.search(title_word)
    if after and after.group(0)[0] in APOSTROPHES and title_word[0] not in APOSTROPHES:
        after = None  # "O'Brien", "L'Art": an apostrophe inside a word, not a closing quote
    if after:
        score -= AFTER_CLOSING
        notes.append(f"-{AFTER_CLOSING:g} title would end in {after.group(1)!r} after {after.group(0)[0]!r}")
    if not any(ch.isalnum() for ch in title_word):
        score -= LONE_PUNCTUATION
        notes.append(f"-{LONE_PUNCTUATION:g} title would end in a lone {title_word!r}")
    if (len(title_word) >= 2 and title_word[-1] in APOSTROPHES and title_word[-2].isalpha()
            and title_word[0] not in APOSTROPHES  # "O'" but not a closing quote: 'Able'
            and not _OPENED_QUOTE.search(title)):  # nor the end of 'Considered Harmful'
        score -= TITLE_APOSTROPHE
        notes.append(f"-{TITLE_APOSTROPHE:g} title would end inside {title_word!r}")
    if not notes:
        notes.append("0 plain shapes, no evidence")
    return score, tuple(notes), strong


def _name_may_start_after(piece: str) -> int:
    """Where the last character that no name holds is (a digit, a colon, a bracket), plus one.

    Combining marks (Thai, Devanagari vowel signs) are not ``\\w`` to ``re``, so a match on
    one is skipped."""
    backwards = piece[::-1]
    for match in _NOT_IN_NAME.finditer(backwards):
        if unicodedata.category(match.group())[0] != "M":
            return len(piece) - match.start()
    return 1


_Found = tuple[int, int, str, tuple[str, ...], str | None]  # piece, at, first author, later, refused


@lru_cache(maxsize=4096)  # the same paper's glued line recurs on its coauthors' pages
def _places(text: str) -> tuple[str, bool, tuple[str, ...], int, int, tuple[_Found, ...]]:
    """Every place the author list could start, before any evidence is weighed."""
    body, et_al, affiliations = strip_author_tail(text)
    pieces = body.split(", ")
    names = [piece.strip() for piece in pieces]
    # The pieces after the one holding the junction are whole names.
    p_min = len(pieces) - 1
    while p_min > 0 and name_shape(names[p_min]).ok:
        p_min -= 1
    offset = region_start = sum(len(pieces[i]) + 2 for i in range(p_min))
    found: list[_Found] = []
    for p in range(p_min, len(pieces)):
        piece = pieces[p]
        later: tuple[str, ...] | None = None
        # A name holds letters, marks, spaces, apostrophes, hyphens and dots only: the author
        # list cannot start before the last other character (a digit, a colon, a bracket).
        for match in _START.finditer(piece, _name_may_start_after(piece)):
            k = match.start()
            ch, base = piece[k], k - 1
            while base > 0 and unicodedata.category(piece[base])[0] == "M":
                base -= 1  # the letter a combining mark sits on tells the script
            prev = piece[base]
            script_change = (is_uncased_letter(ch) and not is_uncased_letter(prev)) or (
                prev.isalpha() and is_cased_script(ch) and script_of(ch) != script_of(prev))
            after_punctuation = ch.islower() and not prev.isalnum() and prev not in JOINERS
            if not (is_upper(ch) or script_change or after_punctuation):
                continue
            first = piece[k:].strip()
            if not name_shape(first).ok:
                continue
            refused = None
            if prev in _OPENING_QUOTES and (base == 0 or piece[base - 1].isspace()):
                # "…Attention 'Considered Harmful'Björn": the title would keep an unclosed
                # quote and the name an unmatched closing one
                refused = "right after an opening quote"
            elif prev in HYPHENS:
                refused = "inside a hyphenated word"
            elif k + 1 < len(piece) and is_upper(piece[k + 1]):
                refused = "inside a run of capitals"
            if later is None:
                later = tuple(name for name in names[p + 1 :] if name)
            found.append((p, offset + k, first, later, refused))
        offset += len(piece) + 2
    return body, et_al, tuple(affiliations), p_min, region_start, tuple(found)


def split_glued(text: str, known: Known, *, explain: bool = False) -> GluedSplit:
    """Score every place the author list could start on the glued line ``text`` (cleaned).

    A line with a single place that can be taken is not scored unless ``explain`` (most lines
    of a run are like that, and scoring is what costs); it is marked as the only candidate.
    """
    body, et_al, affiliations, p_min, region_start, places = _places(text)
    found = list(places)
    candidates: list[Candidate] = []
    open_ = [f for f in found if f[4] is None]
    if len(open_) == 1 and not explain:
        # One place that can be taken: only strong evidence for a refused place could change
        # that, so only that is checked.
        p, at, first, later, _ = open_[0]
        candidates.append(Candidate(at, body[:at], (first, *later), 0.0, ("the only candidate",),
                                    False))
        found = [f for f in found if f[4] is not None and (known.name(f[2]) or known.title(body[: f[1]]))]
    earliest_open = min((f[0] for f in places if f[4] is None), default=None)
    for p, at, first, later, refused in found:
        title = body[:at]
        inside_listed = (refused is None and p > p_min and earliest_open is not None
                         and earliest_open < p and _SHORT_WORD.search(title) is not None)
        authors = (first, *later)
        score, notes, strong = _score(title, body[region_start:at], authors, first.split(" ", 1)[0],
                                      known)
        if p > p_min:
            score -= MOVED_PIECE * (p - p_min)
            notes = (*notes, f"-{MOVED_PIECE * (p - p_min):g} {p - p_min} comma piece(s) that "
                             "could be names read as title")
        if inside_listed and not known.title(title):
            # "…Part 1Lena M. Schmidt, Le|Ann Levi": whole names would go into the title for a
            # cut inside "LeAnn", while an earlier place keeps every listed name whole. Only
            # the same title printed on a spaced page outweighs that, not a name or a word.
            refused = f"inside the listed name {title.rsplit(' ', 1)[-1] + first.split(' ', 1)[0]!r}"
            strong = False
        elif refused and strong:
            notes = (*notes, f"({refused}, but taken on strong evidence)")
            refused = None
        candidates.append(Candidate(at, title, authors, score, notes, strong, refused))
    candidates.sort(key=lambda c: (c.refused is not None, -c.score, c.at))
    return GluedSplit(text, et_al, affiliations, tuple(candidates))
