"""The arXiv category taxonomy, shipped as data, and its SKOS description.

Profile pages name topics by a short code (``LG``, ``CL``, ``ML``); the graph names them by arXiv
notation (``arxiv:cs.LG``). The table ``data/arxiv_categories.tsv`` holds every current arXiv
category (aliases such as ``cs.NA`` / ``math.NA`` are both listed, as arXiv lists them). An
archive with a single category (``quant-ph``, ``gr-qc``, ``hep-th``, ...) appears as one row whose
notation and archive are the same.

The SKOS scheme follows ``docs/model.md``: the scheme ``arxiv:``, one top concept per archive and
one concept per category with ``skos:broader`` to its archive.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from rdflib import RDF, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS

from scholarkg.resources import data_dir

ARXIV_SCHEME = "https://w3id.org/scholarkg/arxiv/"
"""The scheme IRI; concepts are ``<ARXIV_SCHEME><notation>``."""

_TABLE = "arxiv_categories.tsv"
_COLUMNS = ["notation", "archive", "archive_label", "label"]

# When several archives share a short code (``NA``: cs.NA and math.NA), the first archive here
# wins; archives not named here come after, in table order.
_ARCHIVE_PRIORITY = ("cs", "stat", "eess", "econ", "math", "q-bio", "q-fin", "physics")

_SCHEME_TITLE = "arXiv category taxonomy"

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Category:
    """One arXiv category: ``cs.LG`` in archive ``cs`` ("Computer Science"), "Machine Learning"."""

    notation: str
    archive: str
    archive_label: str
    label: str

    @property
    def code(self) -> str | None:
        """The short code after the dot (``LG``), or None for a single-category archive."""
        _, dot, code = self.notation.partition(".")
        return code if dot else None

    @property
    def is_archive(self) -> bool:
        """True when the category is its own archive (``quant-ph``)."""
        return self.notation == self.archive


@cache
def all_categories() -> tuple[Category, ...]:
    """Every category in the shipped table, in table order (sorted by notation).

    Raises ``ValueError`` if the table is malformed (wrong header, a short row, a duplicate).
    """
    path = data_dir() / _TABLE
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != _COLUMNS:
            raise ValueError(f"{path}: expected header {_COLUMNS}, found {header}")
        categories: list[Category] = []
        seen: set[str] = set()
        for line_number, row in enumerate(reader, start=2):
            if len(row) != len(_COLUMNS) or not all(row):
                raise ValueError(f"{path}:{line_number}: expected 4 non-empty fields, got {row}")
            category = Category(*row)
            if category.notation in seen:
                raise ValueError(f"{path}:{line_number}: duplicate notation {category.notation}")
            if category.is_archive and category.label != category.archive_label:
                raise ValueError(f"{path}:{line_number}: a one-category archive needs one label")
            seen.add(category.notation)
            categories.append(category)
    return tuple(categories)


@cache
def archives() -> dict[str, str]:
    """Archive notation -> English label, in table order (``{"astro-ph": "Astrophysics", ...}``)."""
    return {c.archive: c.archive_label for c in all_categories()}


@cache
def _by_notation() -> dict[str, Category]:
    return {c.notation: c for c in all_categories()}


def _archive_rank(archive: str, table_order: dict[str, int]) -> tuple[int, int]:
    if archive in _ARCHIVE_PRIORITY:
        return (0, _ARCHIVE_PRIORITY.index(archive))
    return (1, table_order[archive])


@cache
def _by_code() -> dict[str, Category]:
    table_order = {archive: i for i, archive in enumerate(archives())}
    winners: dict[str, Category] = {}
    for category in all_categories():
        code = category.code
        if code is None:
            continue
        current = winners.get(code)
        if current is None or _archive_rank(category.archive, table_order) < _archive_rank(
            current.archive, table_order
        ):
            winners[code] = category
    return winners


def resolve_code(code: str) -> Category | None:
    """Resolve a page's topic code to a category, or None if no category has that code.

    ``code`` is either a full notation (``cs.LG``, ``quant-ph``), taken as-is, or the short code
    after the dot (``LG``), matched case-sensitively. Where several archives share a short code,
    ``cs`` wins, then ``stat``, ``eess``, ``econ``, ``math``, ``q-bio``, ``q-fin``, ``physics``,
    then the remaining archives in table order: ``ML`` is ``stat.ML``, ``NA`` is ``cs.NA``.
    """
    code = code.strip()
    return _by_notation().get(code) or _by_code().get(code)


def topic_iri(notation: str, *, base: str = ARXIV_SCHEME) -> URIRef:
    """The concept IRI of a category or archive notation: ``arxiv:cs.LG``."""
    return URIRef(base + notation)


def scheme_triples(base_scheme: str = ARXIV_SCHEME) -> Iterator[Triple]:
    """Yield the triples describing the whole arXiv scheme, as ``docs/model.md`` lays it out.

    The scheme IRI is ``base_scheme`` itself; every archive and category is ``<base><notation>``.
    No blank nodes, and no triple is yielded twice.
    """
    scheme = URIRef(base_scheme)
    yield scheme, RDF.type, SKOS.ConceptScheme
    yield scheme, DCTERMS.title, Literal(_SCHEME_TITLE, lang="en")
    yield scheme, SKOS.prefLabel, Literal(_SCHEME_TITLE, lang="en")

    for archive, archive_label in archives().items():
        concept = topic_iri(archive, base=base_scheme)
        yield concept, RDF.type, SKOS.Concept
        yield concept, SKOS.notation, Literal(archive)
        yield concept, SKOS.prefLabel, Literal(archive_label, lang="en")
        yield concept, SKOS.inScheme, scheme
        yield concept, SKOS.topConceptOf, scheme
        yield scheme, SKOS.hasTopConcept, concept

    for category in all_categories():
        if category.is_archive:
            continue  # described above as an archive (top concept, no broader)
        concept = topic_iri(category.notation, base=base_scheme)
        yield concept, RDF.type, SKOS.Concept
        yield concept, SKOS.notation, Literal(category.notation)
        yield concept, SKOS.prefLabel, Literal(category.label, lang="en")
        yield concept, SKOS.broader, topic_iri(category.archive, base=base_scheme)
        yield concept, SKOS.inScheme, scheme
