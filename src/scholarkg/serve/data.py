"""What the pages and pictures show, read from any engine by the entity's IRI.

The bundled queries find an author by name, which means comparing the lower-cased name of every
person in the graph (0.1-0.6 s on the 10k-profile store). A page already knows the IRI of what it
shows, so the queries here bind that IRI (``?person``, ``?paper``, ``?topic``, ``?org``) and every
lookup is an index step from it: a few milliseconds each. The grouping (coauthor counts, years,
topics per year) is done in Python on the rows, which are small (one author's papers).

Every function takes an :class:`~scholarkg.engines.Engine`, so the web app (embedded store) and
``scholarkg plot`` (``--data``, ``--store`` or ``--endpoint``) read the same facts the same way.
Rows are DISTINCT: on a union of page graphs a triple may come once per graph holding it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from scholarkg.engines import Engine, Results
from scholarkg.errors import UsageError
from scholarkg.namespaces import DCTERMS, SKG
from scholarkg.plot import CoauthorNetwork, YearCounts
from scholarkg.serve.index import Catalogue

__all__ = [
    "NETWORK_SIZE",
    "AuthorView",
    "Authorship",
    "OrganisationView",
    "PaperRow",
    "PaperView",
    "ProfileSnapshot",
    "TopicView",
    "author_view",
    "coauthor_network",
    "find_people",
    "find_topic",
    "organisation_view",
    "paper_view",
    "topic_view",
    "topics_over_time",
    "triples_about",
]

Linker = Callable[[URIRef], str | None]
"""Gives the URL of an entity's page (or None): the network picture links each person to it."""

NETWORK_SIZE = 30
"""The network picture shows the author and at most this many coauthors (most joint papers first):
a picture with more names can no longer be read."""

_PREFIXES = """
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX skg: <https://w3id.org/scholarkg/vocab#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def _select(engine: Engine, body: str, **bindings: Node) -> Results:
    return engine.select(_PREFIXES + body, bindings)


def _text(term: Node | None) -> str:
    return "" if term is None else str(term)


def _int(term: Node | None) -> int | None:
    if term is None:
        return None
    try:
        return int(str(term))
    except ValueError:
        return None


def _bool(term: Node | None) -> bool:
    return isinstance(term, Literal) and str(term) in ("true", "1")


def _date(term: Node | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(term)) if term is not None else None
    except ValueError:
        return None


def _rows(results: Results) -> list[dict[str, Node | None]]:
    return [dict(zip(results.variables, row, strict=True)) for row in results.rows]


# --- shared records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """An entity and the name it is shown by."""

    iri: URIRef
    name: str


@dataclass
class Authorship:
    position: int
    printed: str
    person: URIRef


@dataclass
class PaperRow:
    """A paper in a list: an author's papers, a topic's or an organisation's."""

    iri: URIRef
    title: str
    date: dt.date | None
    truncated: bool
    position: int | None = None  # the author's place in the list (an author's papers)
    others: list[Authorship] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


@dataclass
class ProfileSnapshot:
    """One profile page's header as the page printed it, with its source and capture time."""

    iri: URIRef
    source: str
    captured: str
    topic: str
    metrics: dict[str, int]
    listed: int


@dataclass
class Variant:
    """Another name sharing the first and last word, with the coauthors both names share."""

    person: Named
    shared: list[Named]


@dataclass
class AuthorView:
    person: URIRef
    name: str
    profiles: list[ProfileSnapshot]
    papers: list[PaperRow]
    coauthors: list[tuple[Named, int]]
    organisations: list[tuple[Named, int]]
    topics: YearCounts
    network: CoauthorNetwork
    variants: list[Variant] = field(default_factory=list)


# --- people --------------------------------------------------------------------------------------


def find_people(engine: Engine, name: str) -> list[Named]:
    """Every person whose name is ``name``, compared case-insensitively (as the saved queries do).

    Raises:
        UsageError: nobody has that name.
    """
    results = _select(engine, """
SELECT DISTINCT ?person ?name WHERE {
  ?person a schema:Person ; schema:name ?name .
  FILTER(LCASE(STR(?name)) = LCASE(STR(?wanted)))
} ORDER BY ?name ?person""", wanted=Literal(name))
    found = [Named(URIRef(str(r["person"])), _text(r["name"])) for r in _rows(results)]
    if not found:
        raise UsageError(f"nobody called {name!r} in the graph")
    return found


def _name(engine: Engine, iri: URIRef, predicate: str) -> str | None:
    results = _select(engine, f"SELECT ?name WHERE {{ ?it {predicate} ?name }} ORDER BY ?name LIMIT 1",
                      it=iri)
    return _text(results.rows[0][0]) if results.rows else None


def _author_papers(engine: Engine, people: Iterable[URIRef]) -> tuple[list[PaperRow], dict]:
    """The papers of one or more person nodes (a name and its variants read as one author)."""
    papers: dict[URIRef, PaperRow] = {}
    authors: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)
    chosen = set(people)
    for person in chosen:
        for r in _rows(_select(engine, """
SELECT DISTINCT ?paper ?title ?date ?truncated WHERE {
  ?paper schema:author ?person ; dcterms:title ?title ; dcterms:issued ?date ;
         skg:authorListTruncated ?truncated .
}""", person=person)):
            iri = URIRef(str(r["paper"]))
            papers.setdefault(iri, PaperRow(iri, _text(r["title"]), _date(r["date"]), _bool(r["truncated"])))
        for r in _rows(_select(engine, """
SELECT DISTINCT ?paper ?position ?printed ?who WHERE {
  ?paper schema:author ?person ; skg:authorship ?a .
  ?a skg:position ?position ; skg:printedName ?printed ; skg:person ?who .
}""", person=person)):
            paper = papers.get(URIRef(str(r["paper"])))
            if paper is None:
                continue
            who = URIRef(str(r["who"]))
            position = _int(r["position"]) or 0
            if who in chosen:
                paper.position = position if paper.position is None else min(paper.position, position)
            elif all(a.position != position for a in paper.others):
                paper.others.append(Authorship(position, _text(r["printed"]), who))
        for r in _rows(_select(engine, """
SELECT DISTINCT ?paper ?other ?name WHERE {
  ?paper schema:author ?person , ?other . ?other schema:name ?name .
}""", person=person)):
            other = URIRef(str(r["other"]))
            if other not in chosen:
                authors[URIRef(str(r["paper"]))][other] = _text(r["name"])
        for r in _rows(_select(engine, """
SELECT DISTINCT ?paper ?notation WHERE {
  ?paper schema:author ?person ; dcterms:subject ?concept . ?concept skos:notation ?notation .
}""", person=person)):
            paper = papers.get(URIRef(str(r["paper"])))
            if paper is not None and _text(r["notation"]) not in paper.topics:
                paper.topics.append(_text(r["notation"]))
    ordered = sorted(papers.values(), key=lambda p: (-(p.date or dt.date.min).toordinal(), p.title, p.iri))
    for paper in ordered:
        paper.others.sort(key=lambda a: a.position)
        paper.topics.sort()
    return ordered, authors


def _rank_coauthors(papers: list[PaperRow], authors: Mapping[URIRef, Mapping[URIRef, str]]
                    ) -> list[tuple[Named, int]]:
    counts: Counter[URIRef] = Counter()
    names: dict[URIRef, str] = {}
    for paper in papers:
        for other, name in authors.get(paper.iri, {}).items():
            counts[other] += 1
            names[other] = name
    return sorted(((Named(iri, names[iri]), n) for iri, n in counts.items()),
                  key=lambda item: (-item[1], item[0].name, item[0].iri))


def _network(name: str, person: URIRef, papers: list[PaperRow],
             authors: Mapping[URIRef, Mapping[URIRef, str]], ranked: list[tuple[Named, int]],
             link: Linker | None) -> CoauthorNetwork:
    shown = ranked[:NETWORK_SIZE]
    label: dict[URIRef, str] = {}
    taken = {name}
    for who, _ in shown:  # two people may print the same name: keep their labels apart
        text = who.name
        while text in taken:
            text += " "
        taken.add(text)
        label[who.iri] = text
    ties: Counter[tuple[str, str]] = Counter()
    for paper in papers:
        present = sorted(label[iri] for iri in authors.get(paper.iri, {}) if iri in label)
        for one in present:
            ties[(name, one)] += 1
        for i, one in enumerate(present):
            for two in present[i + 1:]:
                ties[(one, two)] += 1
    urls: dict[str, str] = {}
    if link is not None:
        urls = {label[iri]: path for iri in label if (path := link(iri))}
        if (path := link(person)):
            urls[name] = path
    return CoauthorNetwork(author=name, coauthors=[label[w.iri] for w, _ in shown],
                           joint={label[w.iri]: n for w, n in shown}, ties=dict(ties), urls=urls)


def _topics_by_year(papers: list[PaperRow]) -> YearCounts:
    per: dict[str, Counter[int]] = defaultdict(Counter)
    years: set[int] = set()
    for paper in papers:
        if paper.date is None:
            continue
        years.add(paper.date.year)
        for topic in paper.topics:
            per[topic][paper.date.year] += 1
    ordered = sorted(years)
    return YearCounts(ordered, {t: [c[y] for y in ordered] for t, c in sorted(per.items())})


def coauthor_network(engine: Engine, person: URIRef, *, link: Linker | None = None) -> CoauthorNetwork:
    """The network picture's data for one person node (``link``: a person IRI's URL, or None)."""
    name = _name(engine, person, "schema:name") or str(person)
    papers, authors = _author_papers(engine, [person])
    return _network(name, person, papers, authors, _rank_coauthors(papers, authors), link)


def topics_over_time(engine: Engine, person: URIRef) -> YearCounts:
    """Per year, how many of the person's papers are in each topic."""
    papers, _ = _author_papers(engine, [person])
    return _topics_by_year(papers)


_METRICS = {"hIndex": "h-index", "paperCount": "papers", "citationCount": "citations",
            "noveltyPercent": "novelty %", "aiScore": "AI score"}


def _profiles(engine: Engine, person: URIRef) -> list[ProfileSnapshot]:
    """The person's profile pages, each read in three small look-ups from the person (one query
    joining the page's OPTIONAL facts, the capture time and the listing count took 1.2 s on the
    10k store: Oxigraph evaluated the optional parts for every page before joining)."""
    facts: dict[URIRef, dict[str, Node]] = defaultdict(dict)
    for r in _rows(_select(engine, """
SELECT DISTINCT ?page ?p ?o WHERE { ?page schema:mainEntity ?person ; ?p ?o . FILTER(?p != skg:lists) }
""", person=person)):
        facts[URIRef(str(r["page"]))][str(r["p"])] = r["o"]  # type: ignore[index]
    captured = {URIRef(str(r["page"])): _text(r["captured"]) for r in _rows(_select(engine, """
SELECT DISTINCT ?page ?captured WHERE {
  ?page schema:mainEntity ?person ; prov:wasDerivedFrom ?from .
  ?graph prov:wasDerivedFrom ?from ; prov:generatedAtTime ?captured .
}""", person=person))}
    listed = {URIRef(str(r["page"])): _int(r["n"]) or 0 for r in _rows(_select(engine, """
SELECT ?page (COUNT(DISTINCT ?listed) AS ?n) WHERE { ?page schema:mainEntity ?person ; skg:lists ?listed }
GROUP BY ?page""", person=person))}
    topics = {URIRef(str(r["page"])): _text(r["topic"]) for r in _rows(_select(engine, """
SELECT DISTINCT ?page ?topic WHERE {
  ?page schema:mainEntity ?person ; schema:about ?concept . ?concept skos:notation ?topic .
}""", person=person))}
    snapshots = []
    for page, known in facts.items():
        metrics = {label: value for key, label in _METRICS.items()
                   if (value := _int(known.get(str(SKG[key])))) is not None}
        snapshots.append(ProfileSnapshot(page, _text(known.get(str(DCTERMS.source))),
                                         captured.get(page, ""), topics.get(page, ""), metrics,
                                         listed.get(page, 0)))
    return sorted(snapshots, key=lambda snap: (snap.source, snap.iri))


def _organisations(engine: Engine, person: URIRef) -> list[tuple[Named, int]]:
    results = _select(engine, """
SELECT ?org ?name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper schema:author ?person ; schema:sourceOrganization ?org . ?org schema:name ?name .
} GROUP BY ?org ?name ORDER BY DESC(?papers) ?name ?org""", person=person)
    return [(Named(URIRef(str(r["org"])), _text(r["name"])), _int(r["papers"]) or 0) for r in _rows(results)]


def _coauthor_set(engine: Engine, person: URIRef) -> dict[URIRef, str]:
    results = _select(engine, """
SELECT DISTINCT ?other ?name WHERE {
  ?paper schema:author ?person , ?other . ?other schema:name ?name . FILTER(?other != ?person)
}""", person=person)
    return {URIRef(str(r["other"])): _text(r["name"]) for r in _rows(results)}


def author_view(engine: Engine, person: URIRef, *, variants: Iterable[Named] = (),
                link: Linker | None = None) -> AuthorView | None:
    """Everything the author page shows, or ``None`` when ``person`` has no name in the graph.

    ``variants`` are other person nodes whose names may be the same person (the app finds them in
    its name index); each is shown with the coauthors both share, as ``name-variants`` does.
    """
    name = _name(engine, person, "schema:name")
    if name is None:
        return None
    papers, authors = _author_papers(engine, [person])
    ranked = _rank_coauthors(papers, authors)
    mine = {who.iri for who, _ in ranked}
    found = []
    for variant in variants:
        if variant.iri == person:
            continue
        theirs = _coauthor_set(engine, variant.iri)
        shared = sorted((Named(iri, theirs[iri]) for iri in mine & set(theirs)),
                        key=lambda n: (n.name, n.iri))
        found.append(Variant(variant, shared))
    return AuthorView(
        person=person, name=name, profiles=_profiles(engine, person), papers=papers,
        coauthors=ranked, organisations=_organisations(engine, person),
        topics=_topics_by_year(papers),
        network=_network(name, person, papers, authors, ranked, link), variants=found,
    )


# --- papers --------------------------------------------------------------------------------------


@dataclass
class ListingPage:
    iri: URIRef
    source: str
    owner: Named | None


@dataclass
class PaperView:
    iri: URIRef
    title: str
    date: dt.date | None
    year_inferred: bool
    truncated: bool
    has_code: bool
    score: str
    abstract: str
    authors: list[tuple[Authorship, str]]
    also_credited: list[Named]
    topics: list[tuple[Named, str]]
    organisations: list[Named]
    pages: list[ListingPage]


def paper_view(engine: Engine, paper: URIRef) -> PaperView | None:
    """Everything the paper page shows, or ``None`` when ``paper`` has no title in the graph."""
    facts = _rows(_select(engine, """
SELECT ?title ?date ?inferred ?truncated ?code ?score ?abstract WHERE {
  ?paper dcterms:title ?title .
  OPTIONAL { ?paper dcterms:issued ?date }
  OPTIONAL { ?paper skg:yearInferred ?inferred }
  OPTIONAL { ?paper skg:authorListTruncated ?truncated }
  OPTIONAL { ?paper skg:hasCode ?code }
  OPTIONAL { ?paper skg:score ?score }
  OPTIONAL { ?paper dcterms:abstract ?abstract }
} ORDER BY ?title LIMIT 1""", paper=paper))
    if not facts:
        return None
    f = facts[0]
    authors: list[tuple[Authorship, str]] = []
    for r in _rows(_select(engine, """
SELECT DISTINCT ?position ?printed ?who ?name WHERE {
  ?paper skg:authorship ?a . ?a skg:position ?position ; skg:printedName ?printed ; skg:person ?who .
  OPTIONAL { ?who schema:name ?name }
} ORDER BY ?position""", paper=paper)):
        who = URIRef(str(r["who"]))
        authors.append((Authorship(_int(r["position"]) or 0, _text(r["printed"]), who), _text(r["name"])))
    listed = {a.person for a, _ in authors}
    credited = [Named(URIRef(str(r["who"])), _text(r["name"])) for r in _rows(_select(engine, """
SELECT DISTINCT ?who ?name WHERE { ?paper schema:author ?who . ?who schema:name ?name }
ORDER BY ?name ?who""", paper=paper))]
    topics = [(Named(URIRef(str(r["concept"])), _text(r["notation"])), _text(r["label"]))
              for r in _rows(_select(engine, """
SELECT DISTINCT ?concept ?notation ?label WHERE {
  ?paper dcterms:subject ?concept . ?concept skos:notation ?notation .
  OPTIONAL { ?concept skos:prefLabel ?label }
} ORDER BY ?notation""", paper=paper))]
    organisations = [Named(URIRef(str(r["org"])), _text(r["name"])) for r in _rows(_select(engine, """
SELECT DISTINCT ?org ?name WHERE { ?paper schema:sourceOrganization ?org . ?org schema:name ?name }
ORDER BY ?name ?org""", paper=paper))]
    pages = []
    for r in _rows(_select(engine, """
SELECT DISTINCT ?page ?source ?owner ?name WHERE {
  ?page skg:lists ?paper ; dcterms:source ?source .
  OPTIONAL { ?page schema:mainEntity ?owner . ?owner schema:name ?name }
} ORDER BY ?source ?page""", paper=paper)):
        owner = Named(URIRef(str(r["owner"])), _text(r["name"])) if r["owner"] is not None else None
        pages.append(ListingPage(URIRef(str(r["page"])), _text(r["source"]), owner))
    return PaperView(
        iri=paper, title=_text(f["title"]), date=_date(f["date"]), year_inferred=_bool(f["inferred"]),
        truncated=_bool(f["truncated"]), has_code=_bool(f["code"]), score=_text(f["score"]),
        abstract=_text(f["abstract"]), authors=authors,
        also_credited=[c for c in credited if c.iri not in listed], topics=topics,
        organisations=organisations, pages=pages,
    )


# --- topics --------------------------------------------------------------------------------------


@dataclass
class TopicView:
    iri: URIRef
    notation: str
    label: str
    broader: Named | None
    authors: list[tuple[Named, int]]
    years: list[int]
    per_year: list[int]
    recent: list[PaperRow]
    total: int


TOPIC_AUTHORS = 50
TOPIC_RECENT = 30


def find_topic(engine: Engine, notation: str) -> URIRef:
    """The concept with this arXiv notation (``cs.LG``, ``cs``), compared case-insensitively.

    Raises:
        UsageError: no concept has that notation.
    """
    results = _select(engine, """
SELECT DISTINCT ?concept WHERE {
  ?concept skos:notation ?notation . FILTER(LCASE(STR(?notation)) = LCASE(STR(?wanted)))
} ORDER BY ?concept LIMIT 1""", wanted=Literal(notation))
    if not results.rows:
        raise UsageError(f"no topic with the notation {notation!r} (use arXiv notation such as cs.LG)")
    return URIRef(str(results.rows[0][0]))


def topic_papers_per_year(engine: Engine, topic: URIRef) -> tuple[list[int], list[int]]:
    """Years (ascending) and the topic's papers in each; an archive takes in its categories."""
    rows = _rows(_select(engine, """
SELECT ?year (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?sub skos:broader? ?topic . ?paper dcterms:subject ?sub ; dcterms:issued ?date .
  BIND(YEAR(?date) AS ?year)
} GROUP BY ?year ORDER BY ?year""", topic=topic))
    pairs = [(_int(r["year"]), _int(r["papers"]) or 0) for r in rows]
    kept = [(y, n) for y, n in pairs if y is not None]
    return [y for y, _ in kept], [n for _, n in kept]  # type: ignore[misc]


def topic_view(engine: Engine, topic: URIRef, *, catalogue: Catalogue) -> TopicView | None:
    """Everything the topic page shows, or ``None`` when ``topic`` is not a concept.

    The concept's own facts come from the engine; the counts over its papers (thousands on a
    big store) from the catalogue the app read at start (see :mod:`scholarkg.serve.index`).
    """
    facts = _rows(_select(engine, """
SELECT ?notation ?label ?broader ?broaderNotation WHERE {
  ?topic skos:notation ?notation .
  OPTIONAL { ?topic skos:prefLabel ?label }
  OPTIONAL { ?topic skos:broader ?broader . ?broader skos:notation ?broaderNotation }
} ORDER BY ?notation LIMIT 1""", topic=topic))
    if not facts:
        return None
    f = facts[0]
    summary = catalogue.topic_summary(topic, people=TOPIC_AUTHORS, papers=TOPIC_RECENT)
    broader = None
    if f["broader"] is not None:
        broader = Named(URIRef(str(f["broader"])), _text(f["broaderNotation"]))
    return TopicView(
        iri=topic, notation=_text(f["notation"]), label=_text(f["label"]), broader=broader,
        authors=[(Named(iri, name), n) for iri, name, n in summary.people],
        years=list(summary.years), per_year=list(summary.per_year),
        recent=[PaperRow(iri, title, day, cut) for iri, title, day, cut in summary.newest],
        total=summary.papers,
    )


# --- organisations -------------------------------------------------------------------------------


@dataclass
class OrganisationView:
    iri: URIRef
    name: str
    authors: list[tuple[Named, int]]
    papers: list[PaperRow]
    total: int


ORG_PAPERS = 100
ORG_PEOPLE = 50


def organisation_view(engine: Engine, org: URIRef, *, catalogue: Catalogue) -> OrganisationView | None:
    """The organisation page: the people on its papers (ranked) and its newest papers."""
    name = _name(engine, org, "schema:name")
    if name is None:
        return None
    summary = catalogue.org_summary(org, people=ORG_PEOPLE, papers=ORG_PAPERS)
    return OrganisationView(
        org, name, [(Named(iri, who), n) for iri, who, n in summary.people],
        [PaperRow(iri, title, day, cut) for iri, title, day, cut in summary.newest], summary.papers,
    )


# --- any entity ----------------------------------------------------------------------------------


def triples_about(engine: Engine, iri: URIRef) -> list[tuple[URIRef, URIRef, Node]]:
    """The entity's own triples, and those of the authorships it owns (a paper's author list):
    what its IRI answers with as Turtle or JSON-LD. Empty when the graph says nothing about it."""
    results = _select(engine, """
SELECT DISTINCT ?s ?p ?o WHERE {
  { ?it ?p ?o . BIND(?it AS ?s) }
  UNION
  { ?it skg:authorship ?s . ?s ?p ?o }
}""", it=iri)
    return [(URIRef(str(s)), URIRef(str(p)), o) for s, p, o in results.rows if o is not None]


def links_about(engine: Engine, iri: URIRef, *, limit: int = 200) -> list[tuple[URIRef, URIRef]]:
    """Subjects and predicates pointing at the entity (the generic page's incoming links)."""
    results = _select(engine, f"""
SELECT DISTINCT ?s ?p WHERE {{ ?s ?p ?it }} ORDER BY ?p ?s LIMIT {limit}""", it=iri)
    return [(URIRef(str(s)), URIRef(str(p))) for s, p in results.rows]
