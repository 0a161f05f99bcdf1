"""The SHACL shapes in ``shapes/`` accept the model of ``docs/model.md`` and reject each way of
breaking it, at the right node.

``tests/shapes_cases/valid.ttl`` is one small graph that conforms. Every negative case removes
and/or adds a few triples (Turtle, using the prefixes of ``valid.ttl``) and lists the violations it
must cause as ``(focus node, result path, source shape)``; the test compares the full set, so a
case also fails when a shape fires where it should not. Where one property shape holds several
constraints, the case also names the constraint components it must hit, so that every single
constraint in ``shapes/`` is needed by at least one case (checked by deleting each in turn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from scholarkg.resources import shapes_dir

CASES_DIR = Path(__file__).parent / "shapes_cases"
VALID = CASES_DIR / "valid.ttl"
SKGSH = Namespace("https://w3id.org/scholarkg/shapes#")
SHAPE_FILES = {
    "paper.ttl",
    "authorship.ttl",
    "person.ttl",
    "organization.ttl",
    "topic.ttl",
    "profile_page.ttl",
    "provenance.ttl",
    "dataset.ttl",
}

# Nodes of valid.ttl, written as in that file.
P = "paper:attention-0123456789"
A1, A2 = "ap:1", "ap:2"
ASHISH = "person:ashish-vaswani-aaaaaaaaaa"
NOAM = "person:noam-shazeer-bbbbbbbbbb"
ORG = "org:google-brain-cccccccccc"
PROFILE = "profile:vaswani-html-dddddddddd"
PAGE_GRAPH = "graph:vaswani-html-dddddddddd"
SOURCE = "source:vaswani-html-dddddddddd"
DATASET = "id:dataset"
CLASS_PART = "classpart:scholarlyarticle-eeeeeeeeee"
PROP_PART = "proppart:name-ffffffffff"
LG, CS = "arxiv:cs.LG", "arxiv:cs"
TITLE = '"Attention Is All You Need"'
ABSTRACT = '"We propose the Transformer."'
DATE = '"2017-06-12"^^xsd:date'
BLANK = "_:"  # how any blank focus node is shown

_PREFIX_LINES = "".join(
    line + "\n" for line in VALID.read_text(encoding="utf-8").splitlines() if line.startswith("@")
)


def _turtle(fragment: str) -> Graph:
    return Graph().parse(data=_PREFIX_LINES + fragment, format="turtle")


def _prefixes() -> list[tuple[str, str]]:
    found = re.findall(r"^@prefix (\w*): <([^>]*)> \.$", _PREFIX_LINES, flags=re.MULTILINE)
    found.append(("skgsh", str(SKGSH)))
    # Longest namespace first, so ap:1 wins over paper:attention-.../authorship/1.
    return sorted(found, key=lambda pair: len(pair[1]), reverse=True)


_PREFIX_LIST = _prefixes()


def _iri(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(dict(_PREFIX_LIST)[prefix] + local)


def _show(node: object, graph: Graph) -> str | None:
    """A readable, stable name for a focus node, path or shape from a validation report."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        for prefix, namespace in _PREFIX_LIST:
            if str(node).startswith(namespace):
                return f"{prefix}:{node[len(namespace) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    assert isinstance(node, BNode)
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + str(_show(inverse, graph))
    if graph.value(node, RDF.first) is not None:
        return "/".join(str(_show(step, graph)) for step in Collection(graph, node))
    return BLANK


@pytest.fixture(scope="session")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session")
def valid_graph() -> Graph:
    return Graph().parse(VALID, format="turtle")


Violation = tuple[str, str | None, str]


def _report(data: Graph, shapes: Graph) -> tuple[bool, set[Violation], set[str]]:
    """Whether ``data`` conforms, every result of the report, and the constraint components hit.

    Results nested under ``sh:detail`` (pySHACL adds them for ``sh:node``) are included: they name
    the node inside the partition that is actually broken.
    """
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    found, components = set(), set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = _show(report.value(result, SH.focusNode), report)
        path = _show(report.value(result, SH.resultPath), report)
        shape = _show(report.value(result, SH.sourceShape), report)
        found.add((focus, path, shape))
        component = str(report.value(result, SH.sourceConstraintComponent))
        components.add(component.removeprefix(str(SH)).removesuffix("ConstraintComponent"))
    return bool(conforms), found, components


@dataclass(frozen=True)
class Case:
    """One edit of valid.ttl and the violations it must cause.

    ``remove`` and ``add`` are Turtle (prefixes of valid.ttl); ``blank`` names a node of valid.ttl
    that is replaced by a blank node everywhere. ``components`` (short names such as ``MaxCount``),
    when given, must be exactly the constraint components reported: it tells apart two
    constraints of one property shape (a datatype and a range, a count and a class).
    """

    name: str
    expected: set[Violation]
    remove: str = ""
    add: str = ""
    blank: str = ""
    components: frozenset[str] | None = None


def _edited(valid_graph: Graph, case: Case) -> Graph:
    graph = Graph()
    graph += valid_graph
    gone = _turtle(case.remove)
    missing = [triple for triple in gone if triple not in graph]
    assert not missing, f"case removes triples that valid.ttl does not hold: {missing}"
    graph -= gone
    graph += _turtle(case.add)
    if case.blank:
        node = _iri(case.blank)
        stand_in = BNode()
        for s, p, o in list(graph):
            if node in (s, o):
                graph.remove((s, p, o))
                graph.add((stand_in if s == node else s, p, stand_in if o == node else o))
    return graph


def _check(case: Case, valid_graph: Graph, shapes: Graph) -> None:
    """Validate the edited graph and compare the report with what the case expects."""
    conforms, found, components = _report(_edited(valid_graph, case), shapes)
    assert found == case.expected
    assert conforms == (not case.expected)
    if case.components is not None:
        assert components == case.components


def _v(focus: str, path: str | None, shape: str) -> Violation:
    return (focus, path, f"skgsh:{shape}")


def _c(*names: str) -> frozenset[str]:
    return frozenset(names)


NEGATIVE_CASES = [
    # --- paper: title -------------------------------------------------------------------------
    Case(
        "paper_without_title",
        remove=f"{P} dcterms:title {TITLE} .",
        expected={
            _v(P, "dcterms:title", "PaperTitleCount"),
            _v(P, "schema:name", "PaperNameValue"),  # name no longer equals title
        },
    ),
    Case(
        "paper_without_schema_name",
        remove=f"{P} schema:name {TITLE} .",
        expected={
            _v(P, "schema:name", "PaperNameCount"),
            _v(P, "schema:name", "PaperNameValue"),
        },
    ),
    Case(
        "paper_with_two_titles",
        add=f'{P} schema:name "Other" ; dcterms:title "Other" .',
        expected={
            _v(P, "schema:name", "PaperNameCount"),
            _v(P, "dcterms:title", "PaperTitleCount"),
        },
    ),
    Case(
        "paper_with_empty_title",
        remove=f"{P} schema:name {TITLE} ; dcterms:title {TITLE} .",
        add=f'{P} schema:name "" ; dcterms:title "" .',
        expected={
            _v(P, "schema:name", "PaperNameValue"),
            _v(P, "dcterms:title", "PaperTitleValue"),
        },
    ),
    Case(
        "paper_title_with_language_tag",
        remove=f"{P} schema:name {TITLE} ; dcterms:title {TITLE} .",
        add=f"{P} schema:name {TITLE}@en ; dcterms:title {TITLE}@en .",
        expected={
            _v(P, "schema:name", "PaperNameValue"),
            _v(P, "dcterms:title", "PaperTitleValue"),
        },
    ),
    Case(
        "paper_name_differs_from_title",
        remove=f"{P} schema:name {TITLE} .",
        add=f'{P} schema:name "Attention is all you need" .',
        expected={_v(P, "schema:name", "PaperNameValue")},
    ),
    # --- paper: abstract ----------------------------------------------------------------------
    Case(
        "paper_with_two_abstracts",
        add=f'{P} schema:abstract "Second." ; dcterms:abstract "Second." .',
        expected={
            _v(P, "schema:abstract", "PaperAbstract"),
            _v(P, "dcterms:abstract", "PaperDcAbstract"),
        },
    ),
    Case(
        "paper_abstract_differs_from_dcterms_abstract",
        remove=f"{P} dcterms:abstract {ABSTRACT} .",
        add=f'{P} dcterms:abstract "Something else." .',
        expected={_v(P, "schema:abstract", "PaperAbstract")},
    ),
    Case(
        "paper_abstract_not_a_string",
        remove=f"{P} schema:abstract {ABSTRACT} ; dcterms:abstract {ABSTRACT} .",
        add=f"{P} schema:abstract 42 ; dcterms:abstract 42 .",
        expected={
            _v(P, "schema:abstract", "PaperAbstract"),
            _v(P, "dcterms:abstract", "PaperDcAbstract"),
        },
    ),
    # --- paper: date --------------------------------------------------------------------------
    Case(
        "paper_without_date",
        remove=f"{P} schema:datePublished {DATE} ; dcterms:issued {DATE} .",
        expected={
            _v(P, "schema:datePublished", "PaperDatePublished"),
            _v(P, "dcterms:issued", "PaperIssued"),
        },
    ),
    Case(
        "paper_date_not_xsd_date",
        remove=f"{P} schema:datePublished {DATE} ; dcterms:issued {DATE} .",
        add=f'{P} schema:datePublished "2017-06-12" ; dcterms:issued "2017-06-12" .',
        expected={
            _v(P, "schema:datePublished", "PaperDatePublished"),
            _v(P, "dcterms:issued", "PaperIssued"),
        },
    ),
    Case(
        "paper_with_two_dates",
        add=f'{P} schema:datePublished "2018-01-01"^^xsd:date ; dcterms:issued "2018-01-01"^^xsd:date .',
        expected={
            _v(P, "schema:datePublished", "PaperDatePublished"),
            _v(P, "dcterms:issued", "PaperIssued"),
        },
    ),
    Case(
        "paper_date_published_differs_from_issued",
        remove=f"{P} dcterms:issued {DATE} .",
        add=f'{P} dcterms:issued "2017-06-13"^^xsd:date .',
        expected={_v(P, "schema:datePublished", "PaperDatePublished")},
    ),
    # --- paper: authors -----------------------------------------------------------------------
    Case(
        "paper_without_authors",
        remove=f"{P} schema:author {ASHISH}, {NOAM} ; dcterms:creator {ASHISH}, {NOAM} .",
        expected={
            _v(P, "schema:author", "PaperAuthor"),
            _v(P, "dcterms:creator", "PaperCreator"),
            _v(A1, None, "AuthorshipPersonIsAuthorShape"),
            _v(A2, None, "AuthorshipPersonIsAuthorShape"),
        },
    ),
    Case(
        "paper_author_not_a_person",
        add=f"{P} schema:author {ORG} ; dcterms:creator {ORG} .",
        expected={
            _v(P, "schema:author", "PaperAuthor"),
            _v(P, "dcterms:creator", "PaperCreator"),
        },
    ),
    Case(
        "paper_authors_differ_from_creators",
        remove=f"{P} dcterms:creator {NOAM} .",
        expected={_v(P, "schema:author", "PaperAuthor")},
    ),
    # --- paper: authorships -------------------------------------------------------------------
    Case(
        "paper_without_authorships",
        remove=f"{P} skg:authorship {A1}, {A2} .",
        expected={
            _v(P, "skg:authorship", "PaperAuthorship"),
            _v(A1, "^skg:authorship", "AuthorshipListedByPaper"),
            _v(A2, "^skg:authorship", "AuthorshipListedByPaper"),
        },
    ),
    Case(
        "paper_authorship_not_an_authorship",
        remove=f"{A2} a skg:Authorship .",
        expected={_v(P, "skg:authorship", "PaperAuthorship")},
    ),
    Case(
        "paper_with_two_authorships_at_one_position",
        remove=f"{A2} skg:position 2 .",
        add=f"{A2} skg:position 1 .",
        expected={_v(P, None, "PaperShape")},
    ),
    # --- paper: topics and organisations ------------------------------------------------------
    Case(
        "paper_without_topics",
        remove=f"{P} schema:about {LG} ; dcterms:subject {LG} .",
        expected={
            _v(P, "schema:about", "PaperAbout"),
            _v(P, "dcterms:subject", "PaperSubject"),
        },
    ),
    Case(
        "paper_topic_not_a_concept",
        add=f"{P} schema:about {ORG} ; dcterms:subject {ORG} .",
        expected={
            _v(P, "schema:about", "PaperAbout"),
            _v(P, "dcterms:subject", "PaperSubject"),
        },
    ),
    Case(
        "paper_topics_differ_from_subjects",
        add=f"{P} schema:about {CS} .",
        expected={_v(P, "schema:about", "PaperAbout")},
    ),
    Case(
        "paper_organisation_not_an_organisation",
        add=f"{P} schema:sourceOrganization {ASHISH} .",
        expected={_v(P, "schema:sourceOrganization", "PaperOrganization")},
    ),
    # --- paper: score and flags ---------------------------------------------------------------
    Case(
        "paper_score_above_100",
        remove=f"{P} skg:score 97.5 .",
        add=f"{P} skg:score 100.5 .",
        expected={_v(P, "skg:score", "PaperScore")},
    ),
    Case(
        "paper_score_below_0",
        remove=f"{P} skg:score 97.5 .",
        add=f"{P} skg:score -0.5 .",
        expected={_v(P, "skg:score", "PaperScore")},
    ),
    Case(
        "paper_score_not_decimal",
        remove=f"{P} skg:score 97.5 .",
        add=f"{P} skg:score 97 .",  # an xsd:integer: the exporter must write xsd:decimal
        expected={_v(P, "skg:score", "PaperScore")},
        components=_c("Datatype"),
    ),
    Case(
        "paper_with_two_scores",
        add=f"{P} skg:score 12.0 .",
        expected={_v(P, "skg:score", "PaperScore")},
    ),
    Case(
        "paper_without_code_flag",
        remove=f"{P} skg:hasCode true .",
        expected={_v(P, "skg:hasCode", "PaperHasCode")},
    ),
    Case(
        "paper_code_flag_not_boolean",
        remove=f"{P} skg:hasCode true .",
        add=f'{P} skg:hasCode "yes" .',
        expected={_v(P, "skg:hasCode", "PaperHasCode")},
    ),
    Case(
        "paper_with_two_code_flags",
        add=f"{P} skg:hasCode false .",
        expected={_v(P, "skg:hasCode", "PaperHasCode")},
    ),
    Case(
        "paper_without_et_al_flag",
        remove=f"{P} skg:authorListTruncated true .",
        expected={_v(P, "skg:authorListTruncated", "PaperAuthorListTruncated")},
    ),
    Case(
        "paper_et_al_flag_not_boolean",
        remove=f"{P} skg:authorListTruncated true .",
        add=f"{P} skg:authorListTruncated 1 .",
        expected={_v(P, "skg:authorListTruncated", "PaperAuthorListTruncated")},
    ),
    Case(
        "paper_without_year_inferred_flag",
        remove=f"{P} skg:yearInferred false .",
        expected={_v(P, "skg:yearInferred", "PaperYearInferred")},
    ),
    Case(
        "paper_with_two_year_inferred_flags",
        add=f"{P} skg:yearInferred true .",
        expected={_v(P, "skg:yearInferred", "PaperYearInferred")},
    ),
    # --- authorship ---------------------------------------------------------------------------
    Case(
        "authorship_without_paper",
        remove=f"{A2} skg:paper {P} .",
        expected={
            _v(A2, "skg:paper", "AuthorshipPaper"),
            _v(A2, "^skg:authorship", "AuthorshipListedByPaper"),
            _v(A2, None, "AuthorshipPersonIsAuthorShape"),
        },
    ),
    Case(
        "authorship_not_listed_by_its_paper",
        remove=f"{P} skg:authorship {A2} .",
        expected={_v(A2, "^skg:authorship", "AuthorshipListedByPaper")},
    ),
    Case(
        "authorship_listed_by_a_second_node",
        add=f"{ORG} skg:authorship {A2} .",
        expected={_v(A2, "^skg:authorship", "AuthorshipListedByPaper")},
    ),
    Case(
        "authorship_paper_not_a_paper",
        remove=f"{A2} skg:paper {P} .",
        add=f"{A2} skg:paper {ORG} .",
        expected={
            _v(A2, "skg:paper", "AuthorshipPaper"),
            _v(A2, "^skg:authorship", "AuthorshipListedByPaper"),
            _v(A2, None, "AuthorshipPersonIsAuthorShape"),
        },
    ),
    Case(
        "authorship_without_person",
        remove=f"{A2} skg:person {NOAM} .",
        expected={
            _v(A2, "skg:person", "AuthorshipPerson"),
            _v(A2, None, "AuthorshipPersonIsAuthorShape"),
        },
    ),
    Case(
        "authorship_with_two_persons",
        add=f"{A2} skg:person {ASHISH} .",
        expected={_v(A2, "skg:person", "AuthorshipPerson")},
    ),
    Case(
        "authorship_person_not_a_person",
        remove=f"{NOAM} a schema:Person .",
        expected={
            _v(A2, "skg:person", "AuthorshipPerson"),
            _v(P, "schema:author", "PaperAuthor"),
            _v(P, "dcterms:creator", "PaperCreator"),
        },
    ),
    Case(
        "authorship_person_not_among_paper_authors",
        remove=f"{A2} skg:person {NOAM} .",
        add=f"{A2} skg:person person:someone-else-9999999999 .\n"
        f'person:someone-else-9999999999 a schema:Person ; schema:name "Someone Else" .',
        expected={_v(A2, None, "AuthorshipPersonIsAuthorShape")},
    ),
    Case(
        "authorship_position_zero",
        remove=f"{A1} skg:position 1 .",
        add=f"{A1} skg:position 0 .",
        expected={_v(A1, "skg:position", "AuthorshipPosition")},
    ),
    Case(
        "authorship_position_not_integer",
        remove=f"{A1} skg:position 1 .",
        add=f"{A1} skg:position 1.0 .",
        expected={_v(A1, "skg:position", "AuthorshipPosition")},
        components=_c("Datatype"),
    ),
    Case(
        "authorship_without_position",
        remove=f"{A1} skg:position 1 .",
        expected={_v(A1, "skg:position", "AuthorshipPosition")},
    ),
    Case(
        "authorship_with_two_positions",
        add=f"{A1} skg:position 3 .",
        expected={_v(A1, "skg:position", "AuthorshipPosition")},
    ),
    Case(
        "authorship_without_printed_name",
        remove=f'{A1} skg:printedName "A. Vaswani" .',
        expected={_v(A1, "skg:printedName", "AuthorshipPrintedName")},
    ),
    Case(
        "authorship_with_empty_printed_name",
        remove=f'{A1} skg:printedName "A. Vaswani" .',
        add=f'{A1} skg:printedName "" .',
        expected={_v(A1, "skg:printedName", "AuthorshipPrintedName")},
    ),
    # --- person -------------------------------------------------------------------------------
    Case(
        "person_without_name",
        remove=f'{NOAM} schema:name "Noam Shazeer" .',
        expected={_v(NOAM, "schema:name", "PersonName")},
    ),
    Case(
        "person_with_two_names",
        add=f'{NOAM} schema:name "N. Shazeer" .',
        expected={_v(NOAM, "schema:name", "PersonName")},
    ),
    Case(
        "person_with_empty_name",
        remove=f'{NOAM} schema:name "Noam Shazeer" .',
        add=f'{NOAM} schema:name "" .',
        expected={_v(NOAM, "schema:name", "PersonName")},
    ),
    Case(
        "person_with_two_name_keys",
        add=f'{NOAM} skg:nameKey "n shazeer" .',
        expected={_v(NOAM, "skg:nameKey", "PersonNameKey")},
    ),
    Case(
        "person_with_empty_name_key",
        remove=f'{NOAM} skg:nameKey "noam shazeer" .',
        add=f'{NOAM} skg:nameKey "" .',
        expected={_v(NOAM, "skg:nameKey", "PersonNameKey")},
    ),
    Case(
        "person_knows_about_a_non_topic",
        add=f"{NOAM} schema:knowsAbout {ORG} .",
        expected={_v(NOAM, "schema:knowsAbout", "PersonKnowsAbout")},
    ),
    Case(
        "person_as_blank_node",
        add='[] a schema:Person ; schema:name "Anonymous" .',
        expected={_v(BLANK, None, "PersonShape")},
    ),
    # --- organisation -------------------------------------------------------------------------
    Case(
        "organisation_without_name",
        remove=f'{ORG} schema:name "Google Brain" .',
        expected={_v(ORG, "schema:name", "OrganizationName")},
    ),
    Case(
        "organisation_with_two_names",
        add=f'{ORG} schema:name "Google Research" .',
        expected={_v(ORG, "schema:name", "OrganizationName")},
    ),
    Case(
        "organisation_with_empty_name",
        remove=f'{ORG} schema:name "Google Brain" .',
        add=f'{ORG} schema:name "" .',
        expected={_v(ORG, "schema:name", "OrganizationName")},
    ),
    Case(
        "organisation_as_blank_node",
        add='[] a schema:Organization ; schema:name "Somewhere" .',
        expected={_v(BLANK, None, "OrganizationShape")},
    ),
    # --- topic --------------------------------------------------------------------------------
    Case(
        "topic_without_notation",
        remove=f'{LG} skos:notation "cs.LG" .',
        expected={_v(LG, "skos:notation", "TopicNotation")},
    ),
    Case(
        "topic_notation_not_a_string",
        remove=f'{LG} skos:notation "cs.LG" .',
        add=f'{LG} skos:notation "cs.LG"^^xsd:token .',
        expected={_v(LG, "skos:notation", "TopicNotation")},
    ),
    Case(
        "topic_without_label",
        remove=f'{LG} skos:prefLabel "Machine Learning"@en .',
        expected={_v(LG, "skos:prefLabel", "TopicPrefLabel")},
    ),
    Case(
        "topic_label_without_language",
        remove=f'{LG} skos:prefLabel "Machine Learning"@en .',
        add=f'{LG} skos:prefLabel "Machine Learning" .',
        expected={_v(LG, "skos:prefLabel", "TopicPrefLabel")},
        components=_c("Datatype", "LanguageIn"),
    ),
    Case(
        "topic_label_not_english",
        remove=f'{LG} skos:prefLabel "Machine Learning"@en .',
        add=f'{LG} skos:prefLabel "Maschinelles Lernen"@de .',
        expected={_v(LG, "skos:prefLabel", "TopicPrefLabel")},
    ),
    Case(
        "topic_with_two_labels",
        add=f'{LG} skos:prefLabel "Learning"@en .',
        expected={_v(LG, "skos:prefLabel", "TopicPrefLabel")},
    ),
    Case(
        "topic_without_scheme",
        remove=f"{LG} skos:inScheme arxiv: .",
        expected={_v(LG, "skos:inScheme", "TopicInScheme")},
    ),
    Case(
        "topic_scheme_not_a_scheme",
        remove=f"{LG} skos:inScheme arxiv: .",
        add=f"{LG} skos:inScheme {CS} .",
        expected={_v(LG, "skos:inScheme", "TopicInScheme")},
    ),
    Case(
        "topic_broader_not_a_concept",
        remove=f"{LG} skos:broader {CS} .",
        add=f"{LG} skos:broader {ORG} .",
        expected={_v(LG, "skos:broader", "TopicBroader")},
    ),
    Case(
        "topic_with_two_broader",
        add=f"{LG} skos:broader {LG} .",
        expected={_v(LG, "skos:broader", "TopicBroader")},
    ),
    Case(
        "topic_with_two_top_concept_schemes",
        add=f"{CS} skos:topConceptOf {LG} .\n{LG} a skos:ConceptScheme .",
        expected={
            _v(CS, "skos:topConceptOf", "TopicTopConceptOf"),
            # cs.LG, now typed as a scheme too, stays a valid concept; nothing else fires.
        },
    ),
    Case(
        "topic_neither_category_nor_archive",
        remove=f"{LG} skos:broader {CS} .",
        expected={_v(LG, None, "TopicPlaceShape")},
    ),
    Case(
        "topic_both_category_and_archive",
        add=f"{LG} skos:topConceptOf arxiv: .",
        expected={_v(LG, None, "TopicPlaceShape")},
    ),
    # --- profile page -------------------------------------------------------------------------
    Case(
        "profile_with_two_main_entities",
        add=f"{PROFILE} schema:mainEntity {NOAM} .",
        expected={_v(PROFILE, "schema:mainEntity", "ProfileMainEntity")},
    ),
    Case(
        "profile_main_entity_not_a_person",
        remove=f"{PROFILE} schema:mainEntity {ASHISH} .",
        add=f"{PROFILE} schema:mainEntity {ORG} .",
        expected={_v(PROFILE, "schema:mainEntity", "ProfileMainEntity")},
    ),
    Case(
        "profile_with_two_header_topics",
        add=f"{PROFILE} schema:about {CS} .",
        expected={_v(PROFILE, "schema:about", "ProfileAbout")},
    ),
    Case(
        "profile_header_topic_not_a_concept",
        remove=f"{PROFILE} schema:about {LG} .",
        add=f"{PROFILE} schema:about {ORG} .",
        expected={_v(PROFILE, "schema:about", "ProfileAbout")},
    ),
    Case(
        "profile_h_index_negative",
        remove=f"{PROFILE} skg:hIndex 40 .",
        add=f"{PROFILE} skg:hIndex -1 .",
        expected={_v(PROFILE, "skg:hIndex", "ProfileHIndex")},
    ),
    Case(
        "profile_h_index_not_integer",
        remove=f"{PROFILE} skg:hIndex 40 .",
        add=f"{PROFILE} skg:hIndex 40.0 .",
        expected={_v(PROFILE, "skg:hIndex", "ProfileHIndex")},
        components=_c("Datatype"),
    ),
    Case(
        "profile_with_two_h_indexes",
        add=f"{PROFILE} skg:hIndex 41 .",
        expected={_v(PROFILE, "skg:hIndex", "ProfileHIndex")},
    ),
    Case(
        "profile_paper_count_negative",
        remove=f"{PROFILE} skg:paperCount 60 .",
        add=f"{PROFILE} skg:paperCount -1 .",
        expected={_v(PROFILE, "skg:paperCount", "ProfilePaperCount")},
    ),
    Case(
        "profile_citation_count_not_integer",
        remove=f"{PROFILE} skg:citationCount 150000 .",
        add=f"{PROFILE} skg:citationCount 150000.0 .",
        expected={_v(PROFILE, "skg:citationCount", "ProfileCitationCount")},
    ),
    Case(
        "profile_novelty_above_100",
        remove=f"{PROFILE} skg:noveltyPercent 88 .",
        add=f"{PROFILE} skg:noveltyPercent 101 .",
        expected={_v(PROFILE, "skg:noveltyPercent", "ProfileNoveltyPercent")},
    ),
    Case(
        "profile_novelty_negative",
        remove=f"{PROFILE} skg:noveltyPercent 88 .",
        add=f"{PROFILE} skg:noveltyPercent -1 .",
        expected={_v(PROFILE, "skg:noveltyPercent", "ProfileNoveltyPercent")},
    ),
    Case(
        "profile_ai_score_above_100",
        remove=f"{PROFILE} skg:aiScore 100 .",
        add=f"{PROFILE} skg:aiScore 101 .",
        expected={_v(PROFILE, "skg:aiScore", "ProfileAiScore")},
    ),
    Case(
        "profile_ai_score_negative",
        remove=f"{PROFILE} skg:aiScore 100 .",
        add=f"{PROFILE} skg:aiScore -5 .",
        expected={_v(PROFILE, "skg:aiScore", "ProfileAiScore")},
    ),
    Case(
        "profile_lists_a_non_paper",
        add=f"{PROFILE} skg:lists {ASHISH} .",
        expected={_v(PROFILE, "skg:lists", "ProfileLists")},
    ),
    Case(
        "profile_without_file_name",
        remove=f'{PROFILE} dcterms:source "vaswani.html" .',
        expected={_v(PROFILE, "dcterms:source", "ProfileSource")},
    ),
    Case(
        "profile_without_source",
        remove=f"{PROFILE} prov:wasDerivedFrom {SOURCE} .",
        expected={_v(PROFILE, "prov:wasDerivedFrom", "ProfileDerivedFrom")},
    ),
    Case(
        "profile_source_not_an_iri",
        remove=f"{PROFILE} prov:wasDerivedFrom {SOURCE} .",
        add=f'{PROFILE} prov:wasDerivedFrom "vaswani.html" .',
        expected={_v(PROFILE, "prov:wasDerivedFrom", "ProfileDerivedFrom")},
    ),
    # --- page graph ---------------------------------------------------------------------------
    Case(
        "page_graph_without_time",
        remove=f'{PAGE_GRAPH} prov:generatedAtTime "2024-05-01T00:00:00Z"^^xsd:dateTime .',
        expected={_v(PAGE_GRAPH, "prov:generatedAtTime", "PageGraphGeneratedAt")},
    ),
    Case(
        "page_graph_time_not_a_date_time",
        remove=f'{PAGE_GRAPH} prov:generatedAtTime "2024-05-01T00:00:00Z"^^xsd:dateTime .',
        add=f'{PAGE_GRAPH} prov:generatedAtTime "2024-05-01"^^xsd:date .',
        expected={_v(PAGE_GRAPH, "prov:generatedAtTime", "PageGraphGeneratedAt")},
    ),
    Case(
        "page_graph_with_two_times",
        add=f'{PAGE_GRAPH} prov:generatedAtTime "2024-05-02T00:00:00Z"^^xsd:dateTime .',
        expected={_v(PAGE_GRAPH, "prov:generatedAtTime", "PageGraphGeneratedAt")},
    ),
    Case(
        "page_graph_without_file_name",
        remove=f'{PAGE_GRAPH} dcterms:source "vaswani.html" .',
        expected={_v(PAGE_GRAPH, "dcterms:source", "PageGraphSource")},
    ),
    Case(
        "page_graph_without_source",
        remove=f"{PAGE_GRAPH} prov:wasDerivedFrom {SOURCE} .",
        expected={_v(PAGE_GRAPH, "prov:wasDerivedFrom", "PageGraphDerivedFrom")},
    ),
    # --- dataset ------------------------------------------------------------------------------
    Case(
        "dataset_vocabulary_not_an_iri",
        add=f'{DATASET} void:vocabulary "https://schema.org/" .',
        expected={_v(DATASET, "void:vocabulary", "DatasetVocabulary")},
    ),
    Case(
        "class_partition_without_class",
        remove=f"{CLASS_PART} void:class schema:ScholarlyArticle .",
        expected={
            _v(DATASET, "void:classPartition", "DatasetClassPartition"),
            _v(CLASS_PART, "void:class", "ClassPartitionClass"),  # the sh:detail
        },
    ),
    Case(
        "class_partition_entity_count_negative",
        remove=f"{CLASS_PART} void:entities 1 .",
        add=f"{CLASS_PART} void:entities -1 .",
        expected={
            _v(DATASET, "void:classPartition", "DatasetClassPartition"),
            _v(CLASS_PART, "void:entities", "ClassPartitionEntities"),
        },
    ),
    Case(
        "property_partition_without_property",
        remove=f"{PROP_PART} void:property schema:name .",
        expected={
            _v(DATASET, "void:propertyPartition", "DatasetPropertyPartition"),
            _v(PROP_PART, "void:property", "PropertyPartitionProperty"),
        },
    ),
    Case(
        "property_partition_without_triple_count",
        remove=f"{PROP_PART} void:triples 4 .",
        expected={
            _v(DATASET, "void:propertyPartition", "DatasetPropertyPartition"),
            _v(PROP_PART, "void:triples", "PropertyPartitionTriples"),
        },
    ),
]


def _missing(name: str, node: str, pred: str, obj: str, shape: str) -> Case:
    return Case(
        name, remove=f"{node} {pred} {obj} .", expected={_v(node, pred, shape)}, components=_c("MinCount")
    )


def _second(name: str, node: str, pred: str, obj: str, shape: str) -> Case:
    return Case(
        name, add=f"{node} {pred} {obj} .", expected={_v(node, pred, shape)}, components=_c("MaxCount")
    )


def _replaced(name: str, node: str, pred: str, old: str, new: str, shape: str, component: str) -> Case:
    return Case(
        name,
        remove=f"{node} {pred} {old} .",
        add=f"{node} {pred} {new} .",
        expected={_v(node, pred, shape)},
        components=_c(component),
    )


def _blank(name: str, node: str, focus: str, path: str | None, shape: str) -> Case:
    return Case(name, blank=node, expected={_v(focus, path, shape)}, components=_c("NodeKind"))


# Each constraint told apart from its neighbours on the same property shape by the component.
NEGATIVE_CASES += [
    # --- identified by IRIs, not blank nodes ----------------------------------------------------
    _blank("paper_as_blank_node", P, BLANK, None, "PaperShape"),
    _blank("authorship_as_blank_node", A1, BLANK, None, "AuthorshipShape"),
    _blank("topic_as_blank_node", LG, BLANK, None, "TopicShape"),
    _blank("profile_as_blank_node", PROFILE, BLANK, None, "ProfilePageShape"),
    _blank("page_graph_as_blank_node", PAGE_GRAPH, BLANK, None, "PageGraphShape"),
    _blank("dataset_as_blank_node", DATASET, BLANK, None, "DatasetShape"),
    _blank(
        "class_partition_as_blank_node", CLASS_PART, DATASET, "void:classPartition", "DatasetClassPartition"
    ),
    _blank(
        "property_partition_as_blank_node",
        PROP_PART,
        DATASET,
        "void:propertyPartition",
        "DatasetPropertyPartition",
    ),
    # --- paper and authorship ---------------------------------------------------------------------
    _replaced(
        "paper_year_inferred_flag_not_boolean",
        P,
        "skg:yearInferred",
        "false",
        '"false"',
        "PaperYearInferred",
        "Datatype",
    ),
    _second("paper_with_two_et_al_flags", P, "skg:authorListTruncated", "false", "PaperAuthorListTruncated"),
    Case(
        "authorship_with_two_papers",
        add=f"{A2} skg:paper {ORG} .",
        expected={
            _v(A2, "skg:paper", "AuthorshipPaper"),  # a second value, and not a paper
            _v(A2, "^skg:authorship", "AuthorshipListedByPaper"),
        },
        components=_c("MaxCount", "Class", "Equals"),
    ),
    _second("authorship_with_two_printed_names", A1, "skg:printedName", '"Vaswani"', "AuthorshipPrintedName"),
    _replaced(
        "authorship_printed_name_with_language_tag",
        A1,
        "skg:printedName",
        '"A. Vaswani"',
        '"A. Vaswani"@en',
        "AuthorshipPrintedName",
        "Datatype",
    ),
    # --- person and organisation ------------------------------------------------------------------
    _replaced(
        "person_name_with_language_tag",
        NOAM,
        "schema:name",
        '"Noam Shazeer"',
        '"Noam Shazeer"@en',
        "PersonName",
        "Datatype",
    ),
    _replaced(
        "organisation_name_with_language_tag",
        ORG,
        "schema:name",
        '"Google Brain"',
        '"Google Brain"@en',
        "OrganizationName",
        "Datatype",
    ),
    # --- topic ------------------------------------------------------------------------------------
    _second("topic_with_two_notations", LG, "skos:notation", '"LG"', "TopicNotation"),
    _replaced(
        "topic_with_empty_notation", LG, "skos:notation", '"cs.LG"', '""', "TopicNotation", "MinLength"
    ),
    _replaced(
        "topic_with_empty_label",
        LG,
        "skos:prefLabel",
        '"Machine Learning"@en',
        '""@en',
        "TopicPrefLabel",
        "MinLength",
    ),
    Case(
        "topic_in_two_schemes",
        add=f"{LG} skos:inScheme arxiv:other .\narxiv:other a skos:ConceptScheme .",
        expected={_v(LG, "skos:inScheme", "TopicInScheme")},
        components=_c("MaxCount"),
    ),
    _replaced(
        "archive_top_concept_of_a_non_scheme",
        CS,
        "skos:topConceptOf",
        "arxiv:",
        LG,
        "TopicTopConceptOf",
        "Class",
    ),
    # --- profile page -----------------------------------------------------------------------------
    _second("profile_with_two_paper_counts", PROFILE, "skg:paperCount", "61", "ProfilePaperCount"),
    _replaced(
        "profile_paper_count_not_integer",
        PROFILE,
        "skg:paperCount",
        "60",
        "60.0",
        "ProfilePaperCount",
        "Datatype",
    ),
    _second("profile_with_two_citation_counts", PROFILE, "skg:citationCount", "1", "ProfileCitationCount"),
    _replaced(
        "profile_citation_count_negative",
        PROFILE,
        "skg:citationCount",
        "150000",
        "-1",
        "ProfileCitationCount",
        "MinInclusive",
    ),
    _second(
        "profile_with_two_novelty_percents", PROFILE, "skg:noveltyPercent", "87", "ProfileNoveltyPercent"
    ),
    _replaced(
        "profile_novelty_not_integer",
        PROFILE,
        "skg:noveltyPercent",
        "88",
        "88.0",
        "ProfileNoveltyPercent",
        "Datatype",
    ),
    _second("profile_with_two_ai_scores", PROFILE, "skg:aiScore", "99", "ProfileAiScore"),
    _replaced(
        "profile_ai_score_not_integer", PROFILE, "skg:aiScore", "100", "100.0", "ProfileAiScore", "Datatype"
    ),
    _second("profile_with_two_file_names", PROFILE, "dcterms:source", '"other.html"', "ProfileSource"),
    _replaced(
        "profile_with_empty_file_name",
        PROFILE,
        "dcterms:source",
        '"vaswani.html"',
        '""',
        "ProfileSource",
        "MinLength",
    ),
    _replaced(
        "profile_file_name_not_a_string",
        PROFILE,
        "dcterms:source",
        '"vaswani.html"',
        "<file:///vaswani.html>",
        "ProfileSource",
        "Datatype",
    ),
    _second(
        "profile_with_two_sources",
        PROFILE,
        "prov:wasDerivedFrom",
        "source:other-0000000000",
        "ProfileDerivedFrom",
    ),
    # --- page graph -------------------------------------------------------------------------------
    _second(
        "page_graph_with_two_file_names", PAGE_GRAPH, "dcterms:source", '"other.html"', "PageGraphSource"
    ),
    _replaced(
        "page_graph_with_empty_file_name",
        PAGE_GRAPH,
        "dcterms:source",
        '"vaswani.html"',
        '""',
        "PageGraphSource",
        "MinLength",
    ),
    _replaced(
        "page_graph_file_name_not_a_string",
        PAGE_GRAPH,
        "dcterms:source",
        '"vaswani.html"',
        '"vaswani.html"@en',
        "PageGraphSource",
        "Datatype",
    ),
    _second(
        "page_graph_with_two_sources",
        PAGE_GRAPH,
        "prov:wasDerivedFrom",
        "source:other-0000000000",
        "PageGraphDerivedFrom",
    ),
    _replaced(
        "page_graph_source_not_an_iri",
        PAGE_GRAPH,
        "prov:wasDerivedFrom",
        SOURCE,
        '"vaswani.html"',
        "PageGraphDerivedFrom",
        "NodeKind",
    ),
]

# The five dataset statistics share one pattern: exactly one xsd:integer, at least 0.
for _pred, _value, _shape in [
    ("void:triples", "95", "DatasetTriples"),
    ("void:entities", "11", "DatasetEntities"),
    ("void:classes", "8", "DatasetClasses"),
    ("void:properties", "40", "DatasetProperties"),
    ("void:distinctSubjects", "12", "DatasetDistinctSubjects"),
]:
    _what = _pred.removeprefix("void:")
    NEGATIVE_CASES += [
        _missing(f"dataset_without_{_what}", DATASET, _pred, _value, _shape),
        _second(f"dataset_with_two_{_what}", DATASET, _pred, "1", _shape),
        _replaced(f"dataset_{_what}_negative", DATASET, _pred, _value, "-1", _shape, "MinInclusive"),
        _replaced(f"dataset_{_what}_not_integer", DATASET, _pred, _value, f"{_value}.0", _shape, "Datatype"),
    ]


def _partition(name: str, part: str, remove: str, add: str, detail: Violation, component: str) -> Case:
    """A broken partition: reported on the dataset (sh:node) with the partition's own result as detail."""
    link = "void:classPartition" if part == CLASS_PART else "void:propertyPartition"
    shape = "DatasetClassPartition" if part == CLASS_PART else "DatasetPropertyPartition"
    return Case(
        name,
        remove=remove,
        add=add,
        expected={_v(DATASET, link, shape), detail},
        components=_c("Node", component),
    )


NEGATIVE_CASES += [
    _partition(
        "class_partition_with_two_classes",
        CLASS_PART,
        "",
        f"{CLASS_PART} void:class schema:Person .",
        _v(CLASS_PART, "void:class", "ClassPartitionClass"),
        "MaxCount",
    ),
    _partition(
        "class_partition_class_not_an_iri",
        CLASS_PART,
        f"{CLASS_PART} void:class schema:ScholarlyArticle .",
        f'{CLASS_PART} void:class "ScholarlyArticle" .',
        _v(CLASS_PART, "void:class", "ClassPartitionClass"),
        "NodeKind",
    ),
    _partition(
        "class_partition_without_entities",
        CLASS_PART,
        f"{CLASS_PART} void:entities 1 .",
        "",
        _v(CLASS_PART, "void:entities", "ClassPartitionEntities"),
        "MinCount",
    ),
    _partition(
        "class_partition_with_two_entity_counts",
        CLASS_PART,
        "",
        f"{CLASS_PART} void:entities 2 .",
        _v(CLASS_PART, "void:entities", "ClassPartitionEntities"),
        "MaxCount",
    ),
    _partition(
        "class_partition_entities_not_integer",
        CLASS_PART,
        f"{CLASS_PART} void:entities 1 .",
        f"{CLASS_PART} void:entities 1.0 .",
        _v(CLASS_PART, "void:entities", "ClassPartitionEntities"),
        "Datatype",
    ),
    _partition(
        "property_partition_with_two_properties",
        PROP_PART,
        "",
        f"{PROP_PART} void:property schema:author .",
        _v(PROP_PART, "void:property", "PropertyPartitionProperty"),
        "MaxCount",
    ),
    _partition(
        "property_partition_property_not_an_iri",
        PROP_PART,
        f"{PROP_PART} void:property schema:name .",
        f'{PROP_PART} void:property "name" .',
        _v(PROP_PART, "void:property", "PropertyPartitionProperty"),
        "NodeKind",
    ),
    _partition(
        "property_partition_with_two_triple_counts",
        PROP_PART,
        "",
        f"{PROP_PART} void:triples 5 .",
        _v(PROP_PART, "void:triples", "PropertyPartitionTriples"),
        "MaxCount",
    ),
    _partition(
        "property_partition_triples_negative",
        PROP_PART,
        f"{PROP_PART} void:triples 4 .",
        f"{PROP_PART} void:triples -4 .",
        _v(PROP_PART, "void:triples", "PropertyPartitionTriples"),
        "MinInclusive",
    ),
    _partition(
        "property_partition_triples_not_integer",
        PROP_PART,
        f"{PROP_PART} void:triples 4 .",
        f"{PROP_PART} void:triples 4.0 .",
        _v(PROP_PART, "void:triples", "PropertyPartitionTriples"),
        "Datatype",
    ),
]


# Edge values and optional facts the model allows; each must still conform.
ACCEPTED_CASES = [
    Case("paper_score_0", remove=f"{P} skg:score 97.5 .", add=f"{P} skg:score 0.0 .", expected=set()),
    Case(
        "paper_score_100",
        remove=f"{P} skg:score 97.5 .",
        add=f"{P} skg:score 100.0 .",
        expected=set(),
    ),
    Case("paper_without_score", remove=f"{P} skg:score 97.5 .", expected=set()),
    Case(
        "paper_without_abstract",
        remove=f"{P} schema:abstract {ABSTRACT} ; dcterms:abstract {ABSTRACT} .",
        expected=set(),
    ),
    Case(
        "paper_without_organisation",
        remove=f"{P} schema:sourceOrganization {ORG} .",
        expected=set(),
    ),
    Case(
        "paper_with_more_authors_than_authorships",
        add=f"{P} schema:author {ORG} ; dcterms:creator {ORG} .\n{ORG} a schema:Person .",
        expected=set(),
    ),
    Case(
        "profile_with_zero_metrics",
        remove=f"{PROFILE} skg:hIndex 40 ; skg:paperCount 60 ; skg:citationCount 150000 ; "
        "skg:noveltyPercent 88 ; skg:aiScore 100 .",
        add=f"{PROFILE} skg:hIndex 0 ; skg:paperCount 0 ; skg:citationCount 0 ; "
        "skg:noveltyPercent 0 ; skg:aiScore 0 .",
        expected=set(),
    ),
    Case(
        "profile_without_header",
        remove=f"{PROFILE} schema:mainEntity {ASHISH} ; schema:about {LG} ; skg:hIndex 40 ; "
        "skg:paperCount 60 ; skg:citationCount 150000 ; skg:noveltyPercent 88 ; "
        "skg:aiScore 100 .",
        expected=set(),
    ),
]


def test_valid_example_conforms(valid_graph: Graph, shapes: Graph) -> None:
    _check(Case("valid", expected=set()), valid_graph, shapes)


@pytest.mark.parametrize("case", NEGATIVE_CASES, ids=lambda case: f"{case.name}_is_rejected")
def test_broken_graph_is_rejected_at_the_broken_node(case: Case, valid_graph: Graph, shapes: Graph) -> None:
    assert case.expected, "a negative case must expect at least one violation"
    _check(case, valid_graph, shapes)


@pytest.mark.parametrize("case", ACCEPTED_CASES, ids=lambda case: f"{case.name}_is_accepted")
def test_edge_values_and_optional_facts_are_accepted(case: Case, valid_graph: Graph, shapes: Graph) -> None:
    _check(case, valid_graph, shapes)


def test_negative_case_names_are_unique() -> None:
    names = [case.name for case in NEGATIVE_CASES + ACCEPTED_CASES]
    assert len(names) == len(set(names))


def test_every_shape_file_parses_and_declares_a_node_shape() -> None:
    files = sorted(shapes_dir().glob("*.ttl"))
    assert {path.name for path in files} == SHAPE_FILES
    for path in files:
        assert path.read_text(encoding="utf-8").startswith("#"), f"{path.name}: no comment header"
        graph = Graph().parse(path, format="turtle")
        assert any(graph.subjects(RDF.type, SH.NodeShape)), f"{path.name}: no sh:NodeShape"


def test_every_shape_has_a_name_and_a_non_empty_message(shapes: Graph) -> None:
    declared = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    declared |= set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    assert declared
    for shape in declared:
        assert isinstance(shape, URIRef), f"shape without an IRI: {shape!r}"
        assert str(shapes.value(shape, SH.name) or "").strip(), f"{shape} has no sh:name"
        assert str(shapes.value(shape, SH.message) or "").strip(), f"{shape} has no sh:message"
    for message in shapes.objects(None, SH.message):
        assert str(message).strip()


def test_every_shape_is_used(shapes: Graph) -> None:
    """A declared property shape that no node shape refers to would never be checked."""
    referenced = (
        set(shapes.objects(None, SH.property))
        | set(shapes.objects(None, SH["not"]))
        | {member for head in shapes.objects(None, SH.xone) for member in Collection(shapes, head)}
    )
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert shape in referenced, f"{shape} is declared but never used"
