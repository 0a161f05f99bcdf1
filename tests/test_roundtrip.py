"""Property: records written as a page parse back to the same records — with names and titles
nobody here wrote.

Names come from Faker's person names in many locales (reshaped now and then: inner capitals,
apostrophes, hyphenated given names, invisible characters, decomposed accents), titles from
Faker sentences with hostile endings (acronyms, digits, capitalised and camel-case words,
hyphenated compounds, quotes, brackets); see :mod:`scholarkg.testing.corpus`. A spaced page is
read exactly on its own (its structure says which line is what). A glued line can be genuinely
ambiguous on its own (``VoteTen|Kyra``), so compact pages are read as part of a run in which a
spaced page prints the same papers — the evidence the parser is built to use; the accuracy of
compact pages read alone is held to a floor by ``test_parse_corpus.py``.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scholarkg.models import Paper, Profile
from scholarkg.pagewriter import write_page
from scholarkg.parse import RunEvidence, collect_evidence, parse_text
from scholarkg.testing.corpus import as_printed, clean, hostile_titles, person_names

from conftest import AS_OF

NAMES = person_names(600, seed=20261124)
TITLE_POOL = hostile_titles(500, seed=20261124)
ABSTRACT_WORDS = ["we", "study", "models", "that", "scale", "with", "data", "and", "compute",
                  "results", "show", "gains", "of", "2x", "on", "benchmarks", "(see", "table)"]
AFFILIATIONS = ["nvidia", "amazon-science", "cmu", "mit", "inria", "ucd", "tu-berlin"]
CATEGORIES = ["LG", "CL", "DC", "ML", "SI", "CV", "AI", "NE", "RO"]


@st.composite
def printed_names(draw) -> str:
    """A Faker name as a page may print it (format characters, decomposed accents)."""
    return as_printed(draw(st.sampled_from(NAMES)), seed=draw(st.integers(0, 1 << 20)))


@st.composite
def dates(draw) -> tuple[dt.date, bool]:
    if draw(st.booleans()):
        return draw(st.dates(dt.date(2000, 1, 1), dt.date(2026, 11, 24))), True
    back = draw(st.integers(0, 364))  # a year-less date reads back only within the year
    return AS_OF - dt.timedelta(days=back), False


@st.composite
def papers(draw) -> Paper:
    date, year_given = draw(dates())
    abstract = ""
    if draw(st.integers(0, 9)):
        words = draw(st.lists(st.sampled_from(ABSTRACT_WORDS), min_size=1, max_size=25))
        abstract = "We " + " ".join(words) + "."
    return Paper(
        score=draw(st.none() | st.integers(0, 1000).map(lambda n: n / 10)),
        category=draw(st.sampled_from(CATEGORIES)),
        date=date,
        year_given=year_given,
        has_code=draw(st.booleans()),
        title=draw(st.sampled_from(TITLE_POOL)),
        authors=tuple(draw(st.lists(printed_names(), min_size=1, max_size=4))),
        et_al=draw(st.booleans()),
        affiliations=tuple(draw(st.lists(st.sampled_from(AFFILIATIONS), max_size=3))),
        abstract=abstract,
    )


@st.composite
def profiles(draw) -> Profile | None:
    if draw(st.booleans()):
        return None
    metric = st.none() | st.integers(0, 200_000)
    return Profile(name=draw(printed_names()), category=draw(st.none() | st.sampled_from(CATEGORIES)),
                   h_index=draw(metric), papers=draw(metric), citations=draw(metric),
                   novelty_pct=draw(st.none() | st.integers(0, 100)),
                   ai_score=draw(st.none() | st.integers(0, 100)))


def _faithful(items):
    """What a faithful reading gives: names and titles clean, line numbers aside."""
    return [p.model_copy(update={"line": 1, "title": clean(p.title),
                                 "authors": tuple(clean(a) for a in p.authors)}) for p in items]


def _read(page):
    return [p.model_copy(update={"line": 1}) for p in page.papers]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(), entries=st.lists(papers(), min_size=1, max_size=6))
def test_spaced_page_parses_back_on_its_own(profile, entries):
    page = parse_text(write_page(profile, entries, layout="spaced"), as_of=AS_OF)
    assert page.problems == ()
    expected_profile = profile and profile.model_copy(update={"name": clean(profile.name)})
    assert page.profile == expected_profile
    assert _read(page) == _faithful(entries)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(), entries=st.lists(papers(), min_size=1, max_size=6),
       layout=st.sampled_from(["compact", "compact-gapped"]))
def test_compact_page_parses_back_with_the_run_evidence_of_a_spaced_page(profile, entries, layout):
    run = RunEvidence.merge([collect_evidence(write_page(None, entries, layout="spaced"))])
    page = parse_text(write_page(profile, entries, layout=layout), as_of=AS_OF, names=run)
    assert page.problems == ()
    assert _read(page) == _faithful(entries)


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(papers(), min_size=1, max_size=4),
       layout=st.sampled_from(["spaced", "compact", "compact-gapped"]),
       crlf=st.booleans(), bom=st.booleans())
def test_line_ends_and_byte_order_mark_do_not_change_the_reading(entries, layout, crlf, bom):
    text = write_page(None, entries, layout=layout)
    plain = parse_text(text, as_of=AS_OF)
    variant = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text.replace("\n", "\r"))
    assert parse_text(variant, as_of=AS_OF).papers == plain.papers
