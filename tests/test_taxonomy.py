"""The arXiv category table, code resolution, the SKOS scheme and the project vocabulary."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef

from scholarkg import taxonomy
from scholarkg.resources import data_dir

SKG = Namespace("https://w3id.org/scholarkg/vocab#")
ARXIV = Namespace(taxonomy.ARXIV_SCHEME)
MODEL_DOC = Path(__file__).resolve().parent.parent / "docs" / "model.md"


@pytest.fixture(scope="module")
def scheme() -> Graph:
    graph = Graph()
    for triple in taxonomy.scheme_triples():
        graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(data_dir() / "vocab.ttl", format="turtle")


# --- the table ---------------------------------------------------------------------------------


def test_table_has_header_and_four_tab_separated_fields_per_row():
    with (data_dir() / "arxiv_categories.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["notation", "archive", "archive_label", "label"]
    assert all(len(row) == 4 and all(field == field.strip() != "" for field in row) for row in rows)


def test_table_notations_are_unique_and_sorted():
    notations = [c.notation for c in taxonomy.all_categories()]
    assert len(notations) == len(set(notations))
    assert notations == sorted(notations)


def test_every_referenced_archive_exists_with_one_label():
    categories = taxonomy.all_categories()
    labels_per_archive = {
        c.archive: {d.archive_label for d in categories if d.archive == c.archive}
        for c in categories
    }
    assert all(len(labels) == 1 for labels in labels_per_archive.values())
    for category in categories:
        assert category.archive in taxonomy.archives()
        assert category.notation == category.archive or category.notation.startswith(
            category.archive + "."
        )


def test_one_category_archives_are_their_own_archive():
    for notation in (
        "quant-ph",
        "gr-qc",
        "hep-th",
        "hep-ph",
        "hep-ex",
        "hep-lat",
        "math-ph",
        "nucl-ex",
        "nucl-th",
    ):
        category = taxonomy.resolve_code(notation)
        assert category is not None
        assert category.archive == notation
        assert category.is_archive


def test_table_covers_the_known_archives():
    assert set(taxonomy.archives()) == {
        "astro-ph",
        "cond-mat",
        "cs",
        "econ",
        "eess",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "physics",
        "q-bio",
        "q-fin",
        "quant-ph",
        "stat",
    }
    per_archive = Counter(c.archive for c in taxonomy.all_categories())
    assert per_archive["cs"] == 40
    assert per_archive["math"] == 32
    assert per_archive["physics"] == 22
    assert per_archive["stat"] == 6


def test_labels_are_the_official_english_names():
    by_notation = {c.notation: c for c in taxonomy.all_categories()}
    assert by_notation["cs.LG"].label == "Machine Learning"
    assert by_notation["cs.LG"].archive_label == "Computer Science"
    assert by_notation["cs.DC"].label == "Distributed, Parallel, and Cluster Computing"
    assert by_notation["eess.SP"].archive_label == "Electrical Engineering and Systems Science"
    assert by_notation["hep-th"].label == "High Energy Physics - Theory"


# --- resolving page codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "notation"),
    [
        ("LG", "cs.LG"),
        ("CL", "cs.CL"),
        ("DC", "cs.DC"),
        ("SI", "cs.SI"),  # also nlin.SI
        ("AI", "cs.AI"),
        ("ML", "stat.ML"),  # only stat has ML
        ("NA", "cs.NA"),  # cs beats math
        ("SY", "cs.SY"),  # cs beats eess
        ("CO", "stat.CO"),  # stat beats math and astro-ph
        ("TH", "stat.TH"),  # stat beats econ
        ("AP", "stat.AP"),  # stat beats math
        ("PR", "math.PR"),  # math beats q-fin
        ("SP", "eess.SP"),  # eess beats math (signal processing on an ML site)
        ("HE", "astro-ph.HE"),  # only in astro-ph
        ("dis-nn", "cond-mat.dis-nn"),
        ("optics", "physics.optics"),
    ],
)
def test_short_code_resolves_by_archive_priority(code, notation):
    category = taxonomy.resolve_code(code)
    assert category is not None
    assert category.notation == notation


def test_every_shared_code_goes_to_the_highest_priority_archive():
    priority = ["cs", "stat", "eess", "econ", "math", "q-bio", "q-fin", "physics"]
    table_order = list(taxonomy.archives())
    rank = {
        a: (0, priority.index(a)) if a in priority else (1, table_order.index(a))
        for a in table_order
    }
    sharing: dict[str, list[str]] = {}
    for category in taxonomy.all_categories():
        if category.code is not None:
            sharing.setdefault(category.code, []).append(category.archive)
    for code, archives in sharing.items():
        expected = min(archives, key=rank.__getitem__)
        assert taxonomy.resolve_code(code).archive == expected, code


@pytest.mark.parametrize("notation", ["cs.LG", "math.NA", "stat.CO", "quant-ph", "gr-qc"])
def test_full_notation_resolves_as_is(notation):
    category = taxonomy.resolve_code(notation)
    assert category is not None
    assert category.notation == notation


@pytest.mark.parametrize("code", ["XX", "lg", "Lg", "cs", "cs.XX", "", "quant"])
def test_unknown_or_wrong_case_code_resolves_to_none(code):
    assert taxonomy.resolve_code(code) is None


def test_topic_iri_is_the_notation_under_the_scheme():
    assert taxonomy.topic_iri("cs.LG") == URIRef("https://w3id.org/scholarkg/arxiv/cs.LG")
    assert taxonomy.topic_iri("cs", base="http://example.org/a/") == URIRef(
        "http://example.org/a/cs"
    )


# --- the SKOS scheme ---------------------------------------------------------------------------


def test_scheme_has_no_blank_nodes_and_no_repeated_triples(scheme):
    triples = list(taxonomy.scheme_triples())
    assert len(triples) == len(set(triples)) == len(scheme)
    assert not any(isinstance(term, BNode) for triple in scheme for term in triple)


def test_scheme_is_a_titled_concept_scheme(scheme):
    root = URIRef(taxonomy.ARXIV_SCHEME)
    assert (root, RDF.type, SKOS.ConceptScheme) in scheme
    assert len(list(scheme.objects(root, SKOS.prefLabel))) == 1
    assert len(list(scheme.objects(root, URIRef("http://purl.org/dc/terms/title")))) == 1


def test_every_category_has_one_label_one_notation_and_is_in_the_scheme(scheme):
    root = URIRef(taxonomy.ARXIV_SCHEME)
    for category in taxonomy.all_categories():
        concept = ARXIV[category.notation]
        assert (concept, RDF.type, SKOS.Concept) in scheme
        assert list(scheme.objects(concept, SKOS.notation)) == [Literal(category.notation)]
        assert list(scheme.objects(concept, SKOS.prefLabel)) == [Literal(category.label, lang="en")]
        assert (concept, SKOS.inScheme, root) in scheme


def test_categories_are_narrower_than_their_archive_except_archives_themselves(scheme):
    for category in taxonomy.all_categories():
        broader = list(scheme.objects(ARXIV[category.notation], SKOS.broader))
        if category.is_archive:
            assert broader == []
        else:
            assert broader == [ARXIV[category.archive]]


def test_archives_are_top_concepts(scheme):
    root = URIRef(taxonomy.ARXIV_SCHEME)
    assert set(scheme.objects(root, SKOS.hasTopConcept)) == {ARXIV[a] for a in taxonomy.archives()}
    for archive, label in taxonomy.archives().items():
        concept = ARXIV[archive]
        assert (concept, SKOS.topConceptOf, root) in scheme
        assert (concept, SKOS.inScheme, root) in scheme
        assert list(scheme.objects(concept, SKOS.notation)) == [Literal(archive)]
        assert list(scheme.objects(concept, SKOS.prefLabel)) == [Literal(label, lang="en")]


def test_scheme_base_can_be_changed():
    base = "http://example.org/arxiv/"
    subjects = {s for s, _, _ in taxonomy.scheme_triples(base)}
    assert all(str(s).startswith(base) for s in subjects)


# --- the project vocabulary --------------------------------------------------------------------

_MODEL_TERMS = {
    "authorship",
    "paper",
    "person",
    "position",
    "printedName",
    "nameKey",
    "score",
    "hasCode",
    "authorListTruncated",
    "yearInferred",
    "hIndex",
    "paperCount",
    "citationCount",
    "noveltyPercent",
    "aiScore",
    "lists",
    "personName",
    "coauthorName",
    "jointPapers",
    "collaborationRank",
    "pairName",
    "pairVariant",
    "sharedCoauthors",
    "sharedCoauthorName",
    "variantRank",
}


def test_vocabulary_is_a_versioned_ontology(vocab):
    ontologies = list(vocab.subjects(RDF.type, OWL.Ontology))
    assert len(ontologies) == 1
    assert vocab.value(ontologies[0], OWL.versionInfo) == Literal("0.1.0")
    assert vocab.value(ontologies[0], RDFS.comment) is not None
    assert vocab.value(ontologies[0], URIRef("http://purl.org/dc/terms/title")) is not None


def test_vocabulary_declares_every_model_term_with_label_comment_domain_range(vocab):
    properties = set(vocab.subjects(RDF.type, OWL.ObjectProperty)) | set(
        vocab.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert properties == {SKG[name] for name in _MODEL_TERMS}
    for prop in properties:
        for predicate in (RDFS.label, RDFS.comment):
            values = list(vocab.objects(prop, predicate))
            assert len(values) == 1 and values[0].language == "en", (prop, predicate)
        assert len(list(vocab.objects(prop, RDFS.domain))) == 1, prop
        assert len(list(vocab.objects(prop, RDFS.range))) == 1, prop
    for cls in (SKG.Authorship, SKG.Collaboration, SKG.NameVariant):
        assert (cls, RDF.type, OWL.Class) in vocab
        assert vocab.value(cls, RDFS.label) is not None
        assert vocab.value(cls, RDFS.comment) is not None


def test_vocabulary_uses_datatype_properties_for_literals(vocab):
    for prop in vocab.subjects(RDF.type, OWL.DatatypeProperty):
        assert str(vocab.value(prop, RDFS.range)).startswith("http://www.w3.org/2001/XMLSchema#")
    for prop in vocab.subjects(RDF.type, OWL.ObjectProperty):
        assert not str(vocab.value(prop, RDFS.range)).startswith(
            "http://www.w3.org/2001/XMLSchema#"
        )


def test_every_skg_term_in_the_model_doc_is_declared(vocab):
    if not MODEL_DOC.is_file():
        pytest.skip("docs/model.md is not in this checkout")
    mentioned = set(re.findall(r"`?skg:([A-Za-z]+)", MODEL_DOC.read_text(encoding="utf-8")))
    declared = {str(s).removeprefix(str(SKG)) for s in vocab.subjects() if str(s).startswith(SKG)}
    assert mentioned <= declared
