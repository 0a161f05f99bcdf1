"""Property: any records written as a page, in any layout, parse back to the same records.

This is the strongest check of the glued title/author split: titles end in acronyms, digits and
capitalised words, first authors carry diacritics, apostrophes, initials and inner capitals.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scholarkg.models import Paper, Profile
from scholarkg.pagewriter import LAYOUTS, write_page
from scholarkg.parse import parse_text

from conftest import AS_OF

FIRST = ["Carl", "Émile", "Siobhan", "M.", "DeAndre", "Ngozi", "Wei", "Zoë", "José", "Ana",
         "Jean-Luc", "Priya", "Łukasz", "Bita", "Ritchie"]
MIDDLE = ["Sadegh", "J.", "Darvish", "van der", "de la"]
LAST = ["McKenzie", "O'Brien", "Riazi", "Durand-Noël", "Zhang", "Okafor", "Núñez", "MacLeod",
        "D'Angelo", "Jordan", "Rouhani", "Berg", "Smith-Jones", "Li"]
TITLE_WORDS = ["Learning", "LLMs", "LoRA", "SGLang", "GPT-4", "3D", "BERT", "via", "for", "of",
               "the", "Graphs", "Mixture-of-Experts", "Scale", "Efficient", "Training", "Data",
               "Inference", "2", "v2", "Models", "Attention", "RL", "Transformers", "NVFP4",
               "Reasoning:", "A", "Study", "\"Quiet\"", "<tags>", "Back\\slash", "Émigré",
               "Fast,", "Slow,", "McKenzie", "Networks", "(LLMs)", "Why?", "iPhone", "DeepSpeed"]
ABSTRACT_WORDS = ["we", "study", "models", "that", "scale", "with", "data", "and", "compute",
                  "results", "show", "gains", "of", "2x", "on", "benchmarks", "(see", "table)"]
AFFILIATIONS = ["nvidia", "amazon-science", "cmu", "mit", "inria", "ucd", "tu-berlin"]
CATEGORIES = ["LG", "CL", "DC", "ML", "SI", "CV", "AI", "NE", "RO"]


@st.composite
def person_names(draw) -> str:
    parts = [draw(st.sampled_from(FIRST))]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(MIDDLE)))
    # Mostly two or more tokens; sometimes a single token ("Carl"), never a lone initial.
    if draw(st.integers(0, 5)) or parts[0].endswith(".") or parts[-1][0].islower():
        parts.append(draw(st.sampled_from(LAST)))
    return " ".join(parts)


@st.composite
def titles(draw) -> str:
    words = draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=9))
    title = " ".join(words).rstrip(",")
    return title


@st.composite
def dates(draw) -> tuple[dt.date, bool]:
    if draw(st.booleans()):
        return draw(st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31))), True
    # A year-less date reads back only within the year up to the as-of date.
    back = draw(st.integers(0, 364))
    return AS_OF - dt.timedelta(days=back), False


@st.composite
def papers(draw) -> Paper:
    date, year_given = draw(dates())
    abstract = ""
    if draw(st.integers(0, 9)):
        words = draw(st.lists(st.sampled_from(ABSTRACT_WORDS), min_size=1, max_size=25))
        abstract = "We " + " ".join(words) + "."
    score = draw(st.none() | st.integers(0, 1000).map(lambda n: n / 10))
    return Paper(
        score=score,
        category=draw(st.sampled_from(CATEGORIES)),
        date=date,
        year_given=year_given,
        has_code=draw(st.booleans()),
        title=draw(titles()),
        authors=tuple(draw(st.lists(person_names(), min_size=1, max_size=4))),
        et_al=draw(st.booleans()),
        affiliations=tuple(draw(st.lists(st.sampled_from(AFFILIATIONS), max_size=3))),
        abstract=abstract,
    )


@st.composite
def profiles(draw) -> Profile | None:
    if draw(st.booleans()):
        return None
    metric = st.none() | st.integers(0, 200_000)
    return Profile(
        name=draw(person_names()),
        category=draw(st.none() | st.sampled_from(CATEGORIES)),
        h_index=draw(metric),
        papers=draw(metric),
        citations=draw(metric),
        novelty_pct=draw(st.none() | st.integers(0, 100)),
        ai_score=draw(st.none() | st.integers(0, 100)),
    )


def _without_lines(items):
    return [p.model_copy(update={"line": 1}) for p in items]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(), entries=st.lists(papers(), min_size=1, max_size=6),
       layout=st.sampled_from(LAYOUTS))
def test_written_page_parses_back_to_the_same_records(profile, entries, layout):
    text = write_page(profile, entries, layout=layout)
    page = parse_text(text, as_of=AS_OF)
    assert page.problems == ()
    assert page.profile == profile
    assert _without_lines(page.papers) == _without_lines(entries)


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(papers(), min_size=1, max_size=4), layout=st.sampled_from(LAYOUTS),
       crlf=st.booleans(), bom=st.booleans())
def test_line_ends_and_byte_order_mark_do_not_change_the_reading(entries, layout, crlf, bom):
    text = write_page(None, entries, layout=layout)
    plain = parse_text(text, as_of=AS_OF)
    variant = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text.replace("\n", "\r"))
    assert parse_text(variant, as_of=AS_OF).papers == plain.papers
