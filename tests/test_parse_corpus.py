"""A floor on how well pages nobody here wrote are read: Faker names, hostile titles, all three
layouts (``scholarkg.testing.corpus``), read as a run and page by page. The benchmark
(``benchmarks/parse_accuracy.py``) prints the same figures on larger corpora."""

from __future__ import annotations

import pytest

from scholarkg.parse import RunEvidence, collect_evidence, parse_text
from scholarkg.testing.corpus import build_corpus, score_readings

from conftest import AS_OF

# (mix, read as a run?) -> the least share of all papers read exactly. Page by page a glued line
# can be truly ambiguous (``PerMy|Sil`` or ``Per|MySil``), hence the lower floors there.
FLOORS = {("realistic", True): 0.995, ("realistic", False): 0.985,
          ("hard", True): 0.99, ("hard", False): 0.97}


@pytest.fixture(scope="module", params=["realistic", "hard"])
def corpus(request):
    return request.param, build_corpus(120, mix=request.param, seed=29)


@pytest.mark.parametrize("as_run", [True, False], ids=["run", "page-alone"])
def test_corpus_is_read_above_the_floor_and_nothing_printed_whole_is_dropped(corpus, as_run):
    mix, pages = corpus
    evidence = RunEvidence.merge(collect_evidence(p.text) for p in pages) if as_run else RunEvidence()
    readings = []
    for page in pages:
        read = parse_text(page.text, as_of=AS_OF, names=evidence)
        assert read.problems == (), (page.name, read.problems)
        assert read.profile == page.profile
        readings.append(read.papers)
    scores = score_readings(pages, readings)
    assert scores["all"].papers > 1000
    for layout, score in scores.items():
        assert score.dropped == 0, layout
    assert scores["all"].exact_rate >= FLOORS[mix, as_run], scores
    assert scores["spaced"].exact_rate == 1.0  # structure alone: no guessing on spaced pages
