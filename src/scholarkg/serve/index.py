"""What the app reads once at start: every name (for search) and who/what/when of every paper.

The store is read-only while the app runs, so two kinds of question are answered from memory
instead of the store:

* **search**, on every key stroke: comparing the lower-cased name of every person in the store
  (the bundled queries' way) takes 0.1-0.6 s on the 10k-profile store; here every name is folded
  once and a query word is found with ``str.find`` over one joined string per kind.
* **topic and organisation pages**: a topic of the 10k store gathers ≈ 7,500 papers and 30,000
  authorships; ranking its authors in SPARQL took seconds. The papers' dates, topics, authors and
  organisations are read once (one scan per property) and counted in Python per page.

Reading them costs one scan per property at start (a few seconds on the 10k store, reported by
``benchmarks/serve.py``) and tens of megabytes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef

from scholarkg.mapping import name_key

__all__ = ["KINDS", "Catalogue", "Entry", "Summary", "fold"]

KINDS = ("person", "paper", "topic", "organisation")

_SCHEMA = "https://schema.org/"
_DCTERMS = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SKG = "https://w3id.org/scholarkg/vocab#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TYPES = {f"{_SCHEMA}Person": "person", f"{_SCHEMA}ScholarlyArticle": "paper",
          f"{_SKOS}Concept": "topic", f"{_SCHEMA}Organization": "organisation"}


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching (``Émile`` finds ``emile`` and back)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


@dataclass(frozen=True)
class Entry:
    kind: str
    iri: URIRef
    name: str
    detail: str = ""


@dataclass
class _Paper:
    title: str = ""
    date: str = ""
    truncated: bool = False
    topics: set[str] = field(default_factory=set)
    authors: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)


class _Kind:
    """The entries of one kind and their folded names joined in one string, for ``str.find``."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = sorted(entries, key=lambda e: (e.name, e.iri))
        folded = [fold(f"{e.name} {e.detail}") for e in self.entries]
        self.folded = folded
        self.names = [fold(e.name) for e in self.entries]
        self.text = "\n".join(folded)
        self.starts = []
        at = 0
        for item in folded:
            self.starts.append(at)
            at += len(item) + 1

    def containing(self, word: str) -> set[int]:
        found: set[int] = set()
        at = self.text.find(word)
        while at >= 0:
            number = bisect.bisect_right(self.starts, at) - 1
            found.add(number)
            next_start = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)
            at = self.text.find(word, max(at + 1, next_start))
        return found


def _scan(store: ox.Store, predicate: str) -> list[tuple[str, str]]:
    node = ox.NamedNode(predicate)
    return [(sys.intern(q.subject.value), q.object.value) for q in store.quads_for_pattern(None, node, None)]


class Catalogue:
    """Names of everything a user may look for, and the papers' facts that pages count."""

    def __init__(self, entries: list[Entry], papers: dict[str, _Paper], broader: dict[str, str]) -> None:
        self._kinds = {kind: _Kind([e for e in entries if e.kind == kind]) for kind in KINDS}
        self._names = {str(e.iri): e.name for e in entries}
        self._papers = papers
        self._narrower: dict[str, set[str]] = defaultdict(set)
        for concept, parent in broader.items():
            self._narrower[parent].add(concept)
        self._by_topic: dict[str, list[str]] = defaultdict(list)
        self._by_org: dict[str, list[str]] = defaultdict(list)
        for iri, paper in papers.items():
            for topic in paper.topics:
                self._by_topic[topic].append(iri)
            for org in paper.orgs:
                self._by_org[org].append(iri)
        self._summaries: dict[tuple[str, str, int, int], Summary] = {}
        self._variants: dict[str, list[Entry]] = defaultdict(list)
        for entry in self._kinds["person"].entries:
            key = name_key(entry.name)
            if key is not None:
                self._variants[key].append(entry)

    @classmethod
    def build(cls, store: ox.Store) -> Catalogue:
        """One scan per property of the store (default graph and every named graph)."""
        typed: dict[str, set[str]] = defaultdict(set)
        for type_iri, kind in _TYPES.items():  # by class: the authorships' 195,000 types are skipped
            pattern = store.quads_for_pattern(None, ox.NamedNode(_RDF_TYPE), ox.NamedNode(type_iri))
            typed[kind].update(sys.intern(q.subject.value) for q in pattern)
        names: dict[str, str] = {}
        for subject, name in _scan(store, f"{_SCHEMA}name"):
            names.setdefault(subject, name)
        notations = dict(_scan(store, f"{_SKOS}notation"))
        labels = dict(_scan(store, f"{_SKOS}prefLabel"))
        papers = {iri: _Paper() for iri in typed["paper"]}
        for subject, title in _scan(store, f"{_DCTERMS}title"):
            if subject in papers:
                papers[subject].title = title
        for subject, date in _scan(store, f"{_DCTERMS}issued"):
            if subject in papers:
                papers[subject].date = date
        for subject, flag in _scan(store, f"{_SKG}authorListTruncated"):
            if subject in papers:
                papers[subject].truncated = flag in ("true", "1")
        for predicate, bucket in ((f"{_DCTERMS}subject", "topics"), (f"{_SCHEMA}author", "authors"),
                                  (f"{_SCHEMA}sourceOrganization", "orgs")):
            for subject, value in _scan(store, predicate):
                if subject in papers:
                    getattr(papers[subject], bucket).add(sys.intern(value))
        entries = []
        for kind in ("person", "organisation"):
            entries += [Entry(kind, URIRef(i), names[i]) for i in typed[kind] if i in names]
        entries += [Entry("paper", URIRef(i), p.title) for i, p in papers.items() if p.title]
        entries += [Entry("topic", URIRef(i), notations[i], labels.get(i, "")) for i in typed["topic"]
                    if i in notations]
        broader = {s: o for s, o in _scan(store, f"{_SKOS}broader")}
        return cls(entries, papers, broader)

    # --- search ----------------------------------------------------------------------------------

    def count(self, kind: str) -> int:
        return len(self._kinds[kind].entries)

    def first(self, kind: str, number: int = 1) -> list[Entry]:
        """The first ``number`` entries of a kind in name order (the app warms its pages on them)."""
        return self._kinds[kind].entries[:number]

    def name_of(self, iri: str | URIRef) -> str | None:
        return self._names.get(str(iri))

    def search(self, query: str, *, limit: int = 10) -> dict[str, list[Entry]]:
        """Per kind, at most ``limit`` entries whose name contains every word of ``query``.

        A name equal to the query comes first, then names starting with it, then names with a
        word starting with its first word, then the others; shorter names first, then by name.
        """
        wanted = fold(query)
        words = wanted.split()
        found: dict[str, list[Entry]] = {kind: [] for kind in KINDS}
        if not words:
            return found
        for kind, table in self._kinds.items():
            hits = table.containing(max(words, key=len))
            if len(words) > 1:
                hits = {n for n in hits if all(w in table.folded[n] for w in words)}

            def rank(number: int, table: _Kind = table) -> tuple[int, int, str, str]:
                name, entry = table.names[number], table.entries[number]
                first = 0 if name == wanted else 1 if name.startswith(wanted) else (
                    2 if f" {words[0]}" in f" {name}" else 3)
                return (first, len(entry.name), entry.name, str(entry.iri))

            found[kind] = [table.entries[n] for n in heapq.nsmallest(limit, hits, key=rank)]
        return found

    def variants_of(self, iri: URIRef) -> list[Entry]:
        """Other people whose name shares the first and last word with this person's."""
        name = self._names.get(str(iri))
        key = name_key(name) if name is not None else None
        if key is None:
            return []
        return [e for e in self._variants.get(key, []) if e.iri != iri]

    # --- counts for topic and organisation pages -------------------------------------------------

    def top_people(self, papers: list[str], *, limit: int) -> list[tuple[URIRef, str, int]]:
        """The people on ``papers`` with how many each, most first (then by name)."""
        counts: Counter[str] = Counter()
        for iri in papers:
            counts.update(self._papers[iri].authors)
        top = heapq.nsmallest(limit, counts.items(),
                              key=lambda item: (-item[1], self._names.get(item[0], item[0]), item[0]))
        return [(URIRef(p), self._names.get(p, p), n) for p, n in top]

    def newest(self, papers: list[str], *, limit: int) -> list[tuple[URIRef, str, dt.date | None, bool]]:
        """The newest of ``papers`` (then by title): IRI, title, date, et-al flag."""
        dated = ((self._papers[p].date, p) for p in papers if self._papers[p].title)
        # ISO dates sort as text. Only papers on or after the limit-th newest date can be kept;
        # those are sorted by title, then (stable) newest first.
        cut = heapq.nlargest(limit, dated, key=lambda item: item[0])
        edge = cut[-1][0] if len(cut) == limit else ""
        kept = [p for p in papers if self._papers[p].title and self._papers[p].date >= edge]
        kept.sort(key=lambda p: (self._papers[p].title, p))
        kept.sort(key=lambda p: self._papers[p].date, reverse=True)
        return [(URIRef(i), self._papers[i].title, _day(self._papers[i].date), self._papers[i].truncated)
                for i in kept[:limit]]

    def topic_papers(self, topic: str | URIRef) -> list[str]:
        """The papers of a topic and of the categories under it (an archive takes them in)."""
        concepts = {str(topic), *self._narrower.get(str(topic), ())}
        return sorted({p for c in concepts for p in self._by_topic.get(c, ())})

    def org_papers(self, org: str | URIRef) -> list[str]:
        return sorted(self._by_org.get(str(org), ()))

    def per_year(self, papers: list[str]) -> tuple[list[int], list[int]]:
        years = Counter(day.year for p in papers if (day := _day(self._papers[p].date)) is not None)
        ordered = sorted(years)
        return ordered, [years[y] for y in ordered]

    def topic_summary(self, topic: str | URIRef, *, people: int, papers: int) -> Summary:
        """Counts for a topic page, computed once per topic (the store does not change)."""
        key = ("topic", str(topic), people, papers)
        if key not in self._summaries:
            self._summaries[key] = self._summary(self.topic_papers(topic), people, papers)
        return self._summaries[key]

    def org_summary(self, org: str | URIRef, *, people: int, papers: int) -> Summary:
        """Counts for an organisation page, computed once per organisation."""
        key = ("org", str(org), people, papers)
        if key not in self._summaries:
            self._summaries[key] = self._summary(self.org_papers(org), people, papers)
        return self._summaries[key]

    def warm(self, *, topic: tuple[int, int], org: tuple[int, int]) -> None:
        """Compute every topic's and organisation's summary now (at start), not on a first visit;
        ``topic`` and ``org`` are the (people, papers) each page shows."""
        for concept in sorted({*self._by_topic, *self._narrower}):
            self.topic_summary(concept, people=topic[0], papers=topic[1])
        for name in sorted(self._by_org):
            self.org_summary(name, people=org[0], papers=org[1])

    def _summary(self, papers: list[str], people: int, newest: int) -> Summary:
        years, per_year = self.per_year(papers)
        return Summary(len(papers), years, per_year, self.top_people(papers, limit=people),
                       self.newest(papers, limit=newest))


@dataclass(frozen=True)
class Summary:
    """What a topic or organisation page counts over its papers."""

    papers: int
    years: list[int]
    per_year: list[int]
    people: list[tuple[URIRef, str, int]]
    newest: list[tuple[URIRef, str, dt.date | None, bool]]


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
