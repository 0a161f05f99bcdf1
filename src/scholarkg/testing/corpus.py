"""Pages the parser has never seen: Faker's person names in many locales and hostile titles.

The parser's own tests used to draw names from the same closed list the name model was written
around, so they could not see where it failed. Here names come from Faker's locales (honorifics
and suffixes such as ``Dr.`` and ``MD`` filtered out with Faker's own prefix and suffix lists),
titles from Faker's sentences and catch phrases in several languages, and both are made hostile
by *generated* shapes — an inner capital after a short syllable taken from another name, an
apostrophe joining two name fragments, a hyphenated given name with a lower-case second part,
invisible format characters, decomposed accents; titles ending in acronyms, digits, capitalised
or camel-case words, hyphenated compounds, quotes and brackets. Nothing is taken from the
parser's modules.

Every page is written by :func:`scholarkg.pagewriter.write_page` in one of the three layouts,
and comes with the records a faithful reading gives (names and titles NFC, without format
characters), so a benchmark or a test can count exact papers and dropped ones per layout.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from faker import Faker

from scholarkg.models import Paper, Profile
from scholarkg.pagewriter import LAYOUTS, Layout, write_page

Mix = Literal["realistic", "hard"]
MIXES: tuple[Mix, ...] = ("realistic", "hard")

# Latin-script locales dominate the site; the others bring cased (Cyrillic, Greek) and uncased
# scripts (Han, Hangul, Kana, Arabic, Hebrew, Devanagari, Thai).
LATIN_LOCALES = ("en_US", "en_GB", "en_IE", "ga_IE", "en_IN", "de_DE", "de_AT", "fr_FR", "es_ES",
                 "es_MX", "it_IT", "pt_BR", "pt_PT", "nl_NL", "nl_BE", "pl_PL", "cs_CZ", "sk_SK",
                 "hu_HU", "ro_RO", "sv_SE", "da_DK", "no_NO", "fi_FI", "tr_TR", "vi_VN", "id_ID",
                 "yo_NG", "zu_ZA", "tw_GH", "sl_SI", "hr_HR", "lt_LT", "lv_LV", "et_EE", "fil_PH")
OTHER_LOCALES = ("ru_RU", "uk_UA", "bg_BG", "el_GR", "zh_CN", "zh_TW", "ja_JP", "ko_KR", "ar_AA",
                 "he_IL", "fa_IR", "hi_IN", "th_TH", "ka_GE", "hy_AM")
TITLE_LOCALES = ("en_US", "en_US", "en_US", "de_DE", "fr_FR", "it_IT", "nl_NL", "pl_PL", "ru_RU",
                 "pt_BR")
FORMAT_CHARACTERS = ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff")
CATEGORIES = ("LG", "CL", "CV", "DC", "AI", "ML", "SI", "IR", "NE", "RO", "GT", "HC")
AS_OF = dt.date(2026, 11, 24)


@dataclass(frozen=True)
class CorpusPage:
    """One written page, its layout, and what a faithful reading of it gives."""

    name: str
    text: str
    layout: Layout
    profile: Profile | None
    papers: tuple[Paper, ...]


def clean(text: str) -> str:
    """What a faithful reading keeps of a printed name or title: NFC, no format characters."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFC", text)


class _Names:
    """Person names from Faker's locales, honorifics and suffixes left out."""

    def __init__(self, rng: random.Random, *, mix: Mix) -> None:
        self.rng = rng
        self.mix = mix
        self.fakers: dict[str, Faker] = {}
        self.honorifics: dict[str, frozenset[str]] = {}

    def _faker(self, locale: str) -> Faker:
        fake = self.fakers.get(locale)
        if fake is None:
            fake = Faker(locale)
            fake.seed_instance(self.rng.randrange(1 << 30))
            words: set[str] = set()
            for provider in fake.providers:
                for attr in dir(provider):
                    if attr.startswith(("prefixes", "suffixes")):
                        value = getattr(provider, attr)
                        items = value.keys() if isinstance(value, dict) else value
                        if isinstance(items, str):
                            continue
                        for item in items:
                            words.update(str(item).split())
            self.fakers[locale] = fake
            self.honorifics[locale] = frozenset(words)
        return fake

    def plain(self) -> str:
        rng = self.rng
        others = 0.12 if self.mix == "realistic" else 0.25
        pool = OTHER_LOCALES if rng.random() < others else LATIN_LOCALES
        locale = rng.choice(pool)
        fake = self._faker(locale)
        for _ in range(50):
            name = " ".join(fake.name().split())
            tokens = name.split()
            honorifics = self.honorifics[locale]
            if tokens and "," not in name and not any(
                    t in honorifics or t.rstrip(".") in honorifics for t in tokens):
                return name
        return fake.last_name()

    def hostile(self) -> str:
        """A plain name reshaped in one of the ways real names differ from the textbook."""
        rng = self.rng
        name = self.plain()
        tokens = name.split()
        if not all(t[:1].isupper() for t in tokens) or not _capitalised_script(name):
            return name
        donor = self.plain().split()[-1]
        if not _capitalised_script(donor):
            return name  # reshape with capitalised scripts only
        kind = rng.randrange(6)
        i = rng.randrange(len(tokens))
        if kind == 0 and donor.isalpha() and len(donor) >= 3:  # inner capital: LaVonne, DelVecchio
            cut = rng.choice((2, 3)) if len(donor) > 3 else 2
            tokens[i] = donor[:cut].capitalize() + tokens[i]
        elif kind == 1 and donor.isalpha() and len(donor) >= 4:  # apostrophe inside: Dall'Ara
            tokens[-1] = donor[: rng.choice((3, 4))].capitalize() + "'" + tokens[-1]
        elif kind == 2 and len(tokens) >= 2 and donor.isalpha():  # Hye-jin
            tokens[0] = tokens[0] + "-" + donor.lower()[: rng.randint(2, 5)]
        elif kind == 3 and len(tokens) >= 2:  # an initial for the given name
            tokens[0] = tokens[0][0] + "."
        elif kind == 4 and len(tokens) >= 2 and donor.isalpha():  # a lower-case word inside
            tokens.insert(len(tokens) - 1, donor.lower()[: rng.randint(2, 3)])
        else:  # O'Brien shape: one letter, apostrophe, capitalised rest
            tokens[-1] = donor[0].upper() + "'" + tokens[-1]
        return " ".join(tokens)


def _capitalised_script(text: str) -> bool:
    """Every letter is a Latin one with an upper and a lower case (reshaping mixes two names)."""
    return all(ch.lower() != ch.upper() and ord(ch) < 0x250 for ch in text if ch.isalpha())


def _printed(name: str, rng: random.Random, *, hostile: float) -> str:
    """The name as a page may print it: decomposed accents, an invisible character inside."""
    if rng.random() < hostile / 2:
        name = unicodedata.normalize("NFD", name)
    if rng.random() < hostile / 2 and len(name) > 2:
        at = rng.randrange(1, len(name))
        name = name[:at] + rng.choice(FORMAT_CHARACTERS) + name[at:]
    return name


class _Titles:
    """Titles from Faker sentences and catch phrases, many with a hostile ending."""

    def __init__(self, rng: random.Random, *, mix: Mix) -> None:
        self.rng = rng
        self.mix = mix
        self.fakers = {loc: Faker(loc) for loc in dict.fromkeys(TITLE_LOCALES)}  # fixed order
        for fake in self.fakers.values():
            fake.seed_instance(rng.randrange(1 << 30))
        self.en = self.fakers["en_US"]

    def _word(self) -> str:
        return self.en.word().capitalize()

    def _acronym(self) -> str:
        return "".join(self.rng.choices(string.ascii_uppercase, k=self.rng.randint(2, 6)))

    def base(self) -> str:
        rng = self.rng
        fake = self.fakers[rng.choice(TITLE_LOCALES)]
        if rng.random() < 0.4:
            try:
                text = fake.catch_phrase()
            except AttributeError:
                text = fake.sentence(nb_words=rng.randint(3, 9))
        else:
            text = fake.sentence(nb_words=rng.randint(3, 9))
        text = text.rstrip(".。")
        words = text.split()
        return " ".join(w[:1].upper() + w[1:] if len(w) > 3 else w for w in words)

    def ending(self) -> str:
        rng = self.rng
        kind = rng.randrange(12)
        if kind == 0:
            return self._acronym()
        if kind == 1:
            return self._acronym() + "s"
        if kind == 2:
            return rng.choice(("v", "V", "", self._acronym() + "-")) + str(rng.randint(1, 2030))
        if kind == 3:
            return self._word()
        if kind == 4:
            return f"{self._word()}-{self._word()}"
        if kind == 5:
            return f"{self._word()}-{self.en.word()}"
        if kind == 6:
            quote = rng.choice(('"{}"', "“{}”", "'{}'", "«{}»"))
            return quote.format(self._word())
        if kind == 7:
            bracket = rng.choice(("({})", "[{}]", "{{{}}}"))
            return bracket.format(rng.choice((self._acronym(), self._word())))
        if kind == 8:  # camel case, as product names are: DeepSpeed, TensorFlow
            return self._word() + self._word()
        if kind == 9:  # iPhone, mRNA
            return self.en.word()[:1] + rng.choice((self._word(), self._acronym()))
        if kind == 10:
            return self._acronym() + self._word()  # XGBoost, BERTScore
        return self._word() + "?"

    def title(self) -> str:
        rng = self.rng
        share = 0.35 if self.mix == "realistic" else 1.0
        title = self.base()
        if rng.random() < 0.15:
            title = f"{title}, {self.base()}"
        if rng.random() < 0.2:
            title = f"{self.ending()}: {title}"
        if rng.random() < share:
            title = f"{title} {self.ending()}"
        return title


def person_names(count: int, *, seed: int = 13, reshaped: float = 0.25) -> list[str]:
    """``count`` Faker person names from many locales, ``reshaped`` of them made hostile."""
    rng = random.Random(f"names-{seed}")
    names = _Names(rng, mix="hard")
    return [names.hostile() if rng.random() < reshaped else names.plain() for _ in range(count)]


def hostile_titles(count: int, *, seed: int = 13) -> list[str]:
    """``count`` titles from Faker sentences, each with a hostile ending (the ``hard`` mix)."""
    titles = _Titles(random.Random(f"titles-{seed}"), mix="hard")
    return [titles.title() for _ in range(count)]


def as_printed(name: str, *, seed: int, hostile: float = 0.3) -> str:
    """``name`` as a page may print it: sometimes decomposed, sometimes with an invisible
    character inside (:func:`clean` gives back the faithful form)."""
    return _printed(name, random.Random(seed), hostile=hostile)


def build_corpus(n_pages: int, *, mix: Mix = "realistic", seed: int = 13,
                 layouts: Sequence[Layout] = LAYOUTS) -> list[CorpusPage]:
    """``n_pages`` profile pages whose people list each other's papers, as on the site.

    People own pages in turn; each paper is led by one page owner with coauthors from nearby
    in a ring (so names and papers recur across pages and layouts), and is listed on the page
    of every owner among its printed authors. Deterministic for a seed.
    """
    rng = random.Random(f"{seed}-{mix}")
    hostile_names = 0.04 if mix == "realistic" else 0.3
    names = _Names(rng, mix=mix)
    titles = _Titles(rng, mix=mix)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    people: list[str] = []
    seen: set[str] = set()
    while len(people) < n_pages * 3:
        name = names.hostile() if rng.random() < hostile_names else names.plain()
        if clean(name) not in seen:
            seen.add(clean(name))
            people.append(name)
    listed: list[list[tuple[Paper, Paper]]] = [[] for _ in range(n_pages)]
    for i in range(n_pages * 4):
        lead = i % n_pages
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
        members = [lead]
        while len(members) < size:
            other = (lead + rng.randint(-6, 6)) % len(people) if rng.random() < 0.6 else \
                rng.randrange(len(people))
            if other not in members:
                members.append(other)
        rng.shuffle(members)
        shown = members[: rng.choice((3, 3, 4))]
        printed = tuple(_printed(people[m], rng, hostile=hostile_names) for m in shown)
        title = titles.title()
        year_given = rng.random() < 0.7
        date = dt.date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28)) if year_given \
            else AS_OF - dt.timedelta(days=rng.randrange(365))
        orgs = tuple(sorted({fake.domain_word() for _ in range(rng.choice((0, 0, 0, 1, 2)))}))
        abstract = "" if rng.random() < 0.05 else fake.paragraph(nb_sentences=rng.randint(2, 6))
        fields = dict(score=round(rng.uniform(30, 99.9), 1) if rng.random() < 0.3 else None,
                      category=rng.choice(CATEGORIES), date=date, year_given=year_given,
                      has_code=rng.random() < 0.25, et_al=len(members) > len(shown),
                      affiliations=orgs, abstract=abstract)
        as_printed = Paper(title=_printed(title, rng, hostile=hostile_names / 2), authors=printed,
                           **fields)
        expected = Paper(title=clean(title), authors=tuple(clean(a) for a in printed), **fields)
        for m in shown:
            if m < n_pages:
                listed[m].append((as_printed, expected))
    pages: list[CorpusPage] = []
    width = len(str(n_pages))
    for owner in range(n_pages):
        entries = listed[owner][:14]
        entries.sort(key=lambda pair: (pair[0].date, pair[0].title), reverse=True)
        layout = layouts[rng.randrange(len(layouts))]
        profile = printed_profile = None
        if rng.random() < 0.85:
            printed_profile = Profile(name=_printed(people[owner], rng, hostile=hostile_names),
                                      category=rng.choice(("LG", "CL", "CV", "DC")),
                                      h_index=rng.randint(0, 90), papers=len(entries),
                                      citations=rng.randint(0, 50_000),
                                      novelty_pct=rng.randint(0, 100), ai_score=rng.randint(0, 100))
            profile = printed_profile.model_copy(update={"name": clean(printed_profile.name)})
        text = write_page(printed_profile, [p for p, _ in entries], layout=layout)
        pages.append(CorpusPage(f"page_{owner:0{width}d}.txt", text, layout, profile,
                                tuple(e for _, e in entries)))
    return pages


@dataclass
class Score:
    """Exact and dropped papers of one layout."""

    papers: int = 0
    exact: int = 0
    dropped: int = 0

    @property
    def exact_rate(self) -> float:
        return self.exact / self.papers if self.papers else 1.0

    @property
    def dropped_rate(self) -> float:
        return self.dropped / self.papers if self.papers else 0.0


def score_readings(pages: Iterable[CorpusPage], readings: Iterable[Sequence[Paper]]
                   ) -> dict[str, Score]:
    """Per layout (and ``all``): how many expected papers were read exactly, how many dropped.

    A paper counts as exact when a read paper equals it in every field except the line number;
    as dropped when no read paper starts on its entry (the page has fewer papers than printed).
    """
    scores: dict[str, Score] = {layout: Score() for layout in LAYOUTS}
    scores["all"] = Score()
    for page, read in zip(pages, readings, strict=True):
        got = [p.model_copy(update={"line": 1}) for p in read]
        missing = max(0, len(page.papers) - len(got))
        for expected in page.papers:
            hit = expected.model_copy(update={"line": 1}) in got
            for key in (page.layout, "all"):
                scores[key].papers += 1
                scores[key].exact += hit
        for key in (page.layout, "all"):
            scores[key].dropped += missing
    return scores
