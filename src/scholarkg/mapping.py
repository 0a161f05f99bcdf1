"""Records → RDF, following the contract in ``docs/model.md``.

Each page becomes a list of :class:`MappedRecord` (the header, then one per paper): small lists
of rdflib triples that can be validated on their own and kept out on their own. IRIs are minted
from normalised keys under the ``--base`` IRI so that the same paper or person on two pages is
one node, in any run and any file order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import Literal as Kind
from urllib.parse import urlsplit

from rdflib import Literal, URIRef

from scholarkg import taxonomy
from scholarkg.errors import MappingError
from scholarkg.models import Page, Paper
from scholarkg.namespaces import ARXIV, DCTERMS, DEFAULT_BASE, PROV, RDF, SCHEMA, SKG, SKOS, XSD

Term = URIRef | Literal
Triple = tuple[URIRef, URIRef, Term]

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, limit: int = 40) -> str:
    """A readable ASCII fragment: ``Émile Durand`` → ``emile-durand``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cut = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")[:limit].rstrip("-")
    return cut or "x"


def _collapse(text: str) -> str:
    return " ".join(text.split())


def paper_key(title: str) -> str:
    """Papers are the same when their titles match after NFKC, case folding and white space."""
    return _collapse(unicodedata.normalize("NFKC", title).casefold())


def person_key(name: str) -> str:
    """People are the same when their names match after NFC and white space (case kept)."""
    return _collapse(unicodedata.normalize("NFC", name))


def org_key(name: str) -> str:
    """Organisations are kept as printed (``nvidia`` and ``NVIDIA`` stay two names): the page
    gives no way to tell a spelling variant from a different body."""
    return _collapse(unicodedata.normalize("NFC", name))


@dataclass(frozen=True)
class Minter:
    """Mints every IRI of the graph under one base IRI."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        if parts.scheme not in {"http", "https", "urn", "tag"} or (
            parts.scheme in {"http", "https"} and not parts.netloc
        ) or any(ch in self.base for ch in ' <>"{}|\\^`'):
            raise MappingError(f"--base must be an absolute http(s) IRI, got {self.base!r}")
        if not self.base.endswith(("/", "#", ":")):
            object.__setattr__(self, "base", self.base + "/")

    def mint(self, kind: str, key: str) -> URIRef:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
        return URIRef(f"{self.base}{kind}/{slug(key)}-{digest}")

    def paper(self, title: str) -> URIRef:
        return self.mint("paper", paper_key(title))

    def person(self, name: str) -> URIRef:
        return self.mint("person", person_key(name))

    def authorship(self, paper: URIRef, position: int) -> URIRef:
        """``<base>authorship/<paper slug>-<paper hash>-<position>``: stable per paper and place."""
        return URIRef(f"{self.base}authorship/{paper.rsplit('/', 1)[1]}-{position}")

    def org(self, name: str) -> URIRef:
        return self.mint("org", org_key(name))

    def profile(self, source_key: str) -> URIRef:
        return self.mint("profile", source_key)

    def graph(self, source_key: str) -> URIRef:
        return self.mint("graph", source_key)

    def source(self, source_key: str) -> URIRef:
        return self.mint("source", source_key)

    @property
    def dataset(self) -> URIRef:
        return URIRef(f"{self.base}dataset")


@cache
def _concepts() -> dict[URIRef, tuple[Triple, ...]]:
    grouped: dict[URIRef, list[Triple]] = {}
    for s, p, o in taxonomy.scheme_triples(str(ARXIV)):
        grouped.setdefault(s, []).append((s, p, o))
    return {s: tuple(ts) for s, ts in grouped.items()}


def topic_for(code: str) -> URIRef:
    """The concept of a page's topic code; an unknown code gets an IRI with no concept behind it
    (validation then rejects the record with a message naming the code)."""
    category = taxonomy.resolve_code(code)
    return ARXIV[category.notation if category else code]


@cache
def concept_triples(topic: URIRef) -> tuple[Triple, ...]:
    """The scheme's description of one concept, its archive and the scheme itself: enough for a
    record to be validated on its own (the shapes check that ``skos:broader`` is a concept)."""
    concepts = _concepts()
    own = concepts.get(topic, ())
    closure = list(own)
    for _, p, o in own:
        if p in (SKOS.broader, SKOS.inScheme) and isinstance(o, URIRef):
            closure += [t for t in concepts.get(o, ()) if t[1] != SKOS.hasTopConcept]
    return tuple(dict.fromkeys(closure))


# A paper's single-valued facts, in the order the merge compares them (names used in warnings).
PAPER_CLAIMS = ("title", "abstract", "date", "year inferred", "score", "code flag", "et al. flag",
                "authors")


@dataclass
class MappedRecord:
    """The triples of one record (a header or a paper entry) from one page.

    ``core`` holds single-valued facts that only one page may state about a shared node (the
    merge keeps the first page's); ``optional`` single-valued facts a page may omit (abstract,
    score: the first page that states one gives it); ``shared`` facts every page adds to the
    union.
    """

    kind: Kind["profile", "paper"]
    line: int | None
    label: str
    subject: URIRef
    core: list[Triple] = field(default_factory=list)
    shared: list[Triple] = field(default_factory=list)
    optional: dict[str, list[Triple]] = field(default_factory=dict)
    context: tuple[Triple, ...] = ()  # read by validation only (the topic's scheme entry)
    owned: set[URIRef] = field(default_factory=set)
    claims: dict[str, object] = field(default_factory=dict)
    # What the triples are a function of, apart from the page that lists the record: equal
    # fingerprints mean equal triples (but the skg:lists link), so validation checks one of them.
    fingerprint: str = ""

    def triples(self) -> Iterator[Triple]:
        yield from self.core
        yield from self.shared
        for triples in self.optional.values():
            yield from triples


def name_key(name: str) -> str | None:
    """The key ``name-variants`` pairs names on: first and last word, lower case, as
    ``LCASE(REPLACE(?name, "^([^ ]*) (.* )?([^ ]*)$", "$1 $3"))`` gives it (words split at
    single spaces); ``None`` for a name without a space."""
    words = name.split(" ")
    if len(words) < 2:
        return None
    return f"{words[0]} {words[-1]}".lower()


@lru_cache(maxsize=1 << 16)
def _person_node(minter: Minter, name: str) -> tuple[URIRef, Literal, Literal | None]:
    """A person's IRI, name literal and name key (``skg:nameKey``, a plain string); cached:
    coauthors recur on many pages (hashing, NFC normalisation and rdflib's Literal constructor
    were a fifth of the mapping time)."""
    label = person_key(name)
    key = name_key(label)
    return minter.person(name), Literal(label), None if key is None else Literal(key)


@lru_cache(maxsize=1 << 12, typed=True)  # typed: True == 1, but not as a literal
def _value(value: object, datatype: URIRef | None = None) -> Literal:
    """Literals that recur (positions, flags, dates), built once: rdflib's constructor is slow."""
    return Literal(value, datatype=datatype)


def _person(minter: Minter, name: str, out: list[Triple]) -> URIRef:
    iri, label, key = _person_node(minter, name)
    out.append((iri, RDF.type, SCHEMA.Person))
    out.append((iri, SCHEMA.name, label))
    if key is not None:
        out.append((iri, SKG.nameKey, key))
    return iri


def _fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def map_paper(paper: Paper, *, minter: Minter, profile_iri: URIRef) -> MappedRecord:
    iri = minter.paper(paper.title)
    record = MappedRecord("paper", paper.line, paper.title, iri, owned={iri})
    core, shared = record.core, record.shared
    title = Literal(paper.title)
    core += [(iri, SCHEMA.name, title), (iri, DCTERMS.title, title)]
    if paper.abstract:
        abstract = Literal(paper.abstract)
        record.optional["abstract"] = [(iri, SCHEMA.abstract, abstract), (iri, DCTERMS.abstract, abstract)]
    date = _value(paper.date, XSD.date)
    core += [(iri, SCHEMA.datePublished, date), (iri, DCTERMS.issued, date)]
    core.append((iri, SKG.yearInferred, _value(not paper.year_given)))
    core.append((iri, SKG.hasCode, _value(paper.has_code)))
    core.append((iri, SKG.authorListTruncated, _value(paper.et_al)))
    if paper.score is not None:
        score = Literal(Decimal(str(paper.score)), datatype=XSD.decimal)
        record.optional["score"] = [(iri, SKG.score, score)]
    for position, name in enumerate(paper.authors, start=1):
        person = _person(minter, name, shared)
        shared += [(iri, SCHEMA.author, person), (iri, DCTERMS.creator, person)]
        authorship = minter.authorship(iri, position)
        record.owned.add(authorship)
        core += [
            (iri, SKG.authorship, authorship),
            (authorship, RDF.type, SKG.Authorship),
            (authorship, SKG.paper, iri),
            (authorship, SKG.person, person),
            (authorship, SKG.position, _value(position)),
            (authorship, SKG.printedName, Literal(name)),
        ]
    topic = topic_for(paper.category)
    shared += [(iri, RDF.type, SCHEMA.ScholarlyArticle), (iri, SCHEMA.about, topic),
               (iri, DCTERMS.subject, topic), (profile_iri, SKG.lists, iri)]
    record.context = concept_triples(topic)
    for name in paper.affiliations:
        org = minter.org(name)
        shared += [(org, RDF.type, SCHEMA.Organization), (org, SCHEMA.name, Literal(org_key(name))),
                   (iri, SCHEMA.sourceOrganization, org)]
    record.fingerprint = _fingerprint("paper", minter.base, paper.model_dump(exclude={"line"}))
    record.claims = {
        "title": paper.title, "abstract": paper.abstract, "date": paper.date.isoformat(),
        "year inferred": not paper.year_given, "score": paper.score, "code flag": paper.has_code,
        "et al. flag": paper.et_al, "authors": list(paper.authors),
    }
    return record


def map_page(
    page: Page, *, source_key: str, minter: Minter, generated_at: dt.datetime
) -> tuple[list[Triple], list[MappedRecord]]:
    """Map one page: the page-level triples (page resource, provenance) and its records.

    The page resource is always kept (it says where the data came from); the header and each
    paper are records that validation may keep out one by one.
    """
    profile_iri = minter.profile(source_key)
    source = minter.source(source_key)
    graph = minter.graph(source_key)
    file_name = Literal(source_key)
    page_triples: list[Triple] = [
        (profile_iri, RDF.type, SCHEMA.ProfilePage),
        (profile_iri, DCTERMS.source, file_name),
        (profile_iri, PROV.wasDerivedFrom, source),
        (graph, RDF.type, PROV.Entity),
        (graph, PROV.wasDerivedFrom, source),
        (graph, DCTERMS.source, file_name),
        (graph, PROV.generatedAtTime, Literal(generated_at, datatype=XSD.dateTime)),
    ]
    records: list[MappedRecord] = []
    if page.profile is not None:
        header = page.profile
        record = MappedRecord("profile", None, f"header of {header.name}", profile_iri,
                              owned={profile_iri})
        person = _person(minter, header.name, record.shared)
        record.shared.append((profile_iri, SCHEMA.mainEntity, person))
        if header.category:
            topic = topic_for(header.category)
            record.shared += [(profile_iri, SCHEMA.about, topic), (person, SCHEMA.knowsAbout, topic)]
            record.context = concept_triples(topic)
        metrics = [(SKG.hIndex, header.h_index), (SKG.paperCount, header.papers),
                   (SKG.citationCount, header.citations), (SKG.noveltyPercent, header.novelty_pct),
                   (SKG.aiScore, header.ai_score)]
        record.shared += [(profile_iri, prop, Literal(value)) for prop, value in metrics
                          if value is not None]
        record.fingerprint = _fingerprint("profile", str(profile_iri), header.model_dump())
        records.append(record)
    for paper in page.papers:
        records.append(map_paper(paper, minter=minter, profile_iri=profile_iri))
    return page_triples, records


def scheme_triples() -> Iterator[Triple]:
    """The arXiv scheme (every category, not only those seen)."""
    yield from taxonomy.scheme_triples(str(ARXIV))
