"""The pyshacl speed-ups change no validation result: every shapes test case (and a batch of real
export records) gives the same report, result for result, with and without them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH
from test_shapes import ACCEPTED_CASES, NEGATIVE_CASES, VALID, Case, _edited

from scholarkg import shacl_speedups
from scholarkg.mapping import Minter, map_page
from scholarkg.namespaces import SCHEMA
from scholarkg.parse import collect_names_from_files, find_sources, parse_file
from scholarkg.validation import shapes_graph

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pages"
AS_OF = dt.date(2026, 11, 24)


def _results(data: Graph) -> tuple[bool, Counter[tuple[str, ...]]]:
    """Conformance and the multiset of results, each with every field a user could see."""
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    fields = (SH.focusNode, SH.resultPath, SH.sourceShape, SH.sourceConstraintComponent,
              SH.value, SH.resultMessage, SH.resultSeverity)
    found: Counter[tuple[str, ...]] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        # Blank nodes (paths, nested results) differ between runs: show them by kind only.
        found[tuple(
            "_:" if (value := report.value(result, f)) is not None and value.n3().startswith("_:")
            else str(value)
            for f in fields
        )] += 1
    # The text report too, result by result (the batched order may differ; the words may not).
    for block in str(text).split("Constraint Violation in ")[1:]:
        found[("text", block.strip())] += 1
    return bool(conforms), found


def _both(data: Graph) -> tuple[tuple[bool, Counter[tuple[str, ...]]], tuple[bool, Counter[tuple[str, ...]]]]:
    assert shacl_speedups.install()
    fast = _results(data)
    with shacl_speedups.disabled():
        plain = _results(data)
    return fast, plain


@pytest.mark.parametrize("case", NEGATIVE_CASES + ACCEPTED_CASES, ids=lambda case: case.name)
def test_shapes_case_gives_the_same_report_with_the_speedups(case: Case) -> None:
    fast, plain = _both(_edited(Graph().parse(VALID, format="turtle"), case))
    assert fast == plain


def test_export_records_give_the_same_report_with_the_speedups() -> None:
    sources = find_sources([EXAMPLES])
    names = collect_names_from_files(sources)
    minter = Minter()
    data = Graph()
    for source in sources:
        page = parse_file(source.path, as_of=AS_OF, names=names)
        page_triples, records = map_page(page, source_key=source.key, minter=minter,
                                         generated_at=dt.datetime(2026, 11, 24, tzinfo=dt.UTC))
        for triple in page_triples:
            data.add(triple)
        for record in records:
            for triple in (*record.triples(), *record.context):
                data.add(triple)
    # Break a few records the way the shapes catch, so the reports are not empty.
    broken = Graph()
    broken += data
    papers = sorted(set(broken.subjects(RDF.type, SCHEMA.ScholarlyArticle)))
    for paper in papers[:3]:
        for triple in list(broken.triples((paper, None, None))):
            if str(triple[1]).endswith(("datePublished", "hasCode")):
                broken.remove(triple)
    for graph in (data, broken):
        fast, plain = _both(graph)
        assert fast == plain
    assert _both(broken)[0][0] is False  # the breakage was seen


def test_speedups_can_be_removed_and_reinstalled() -> None:
    from rdflib.plugins.sparql import processor

    assert shacl_speedups.install()
    patched = processor.SPARQLProcessor.query
    with shacl_speedups.disabled():
        assert processor.SPARQLProcessor.query is not patched
    assert processor.SPARQLProcessor.query is not None
    assert shacl_speedups.install()
