"""The name index behind search: every person, paper, topic and organisation with its name.

Search runs on every key stroke, so it cannot ask the store to lower-case and compare every name
(the bundled queries' way, 0.1-0.6 s on the 10k-profile store). The store is read-only while the
app runs, so the names are read once at start (one scan per kind) and searched in memory: a
case-folded substring test over ≈ 140,000 names is a few milliseconds.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from scholarkg.engines import Engine

__all__ = ["KINDS", "Entry", "NameIndex", "fold", "variant_key"]

KINDS = ("person", "paper", "topic", "organisation")

_SCANS = {
    "person": "SELECT DISTINCT ?it ?name WHERE { ?it a schema:Person ; schema:name ?name }",
    "paper": "SELECT DISTINCT ?it ?name WHERE { ?it a schema:ScholarlyArticle ; dcterms:title ?name }",
    "topic": "SELECT DISTINCT ?it ?name ?label WHERE { ?it a skos:Concept ; skos:notation ?name "
             "OPTIONAL { ?it skos:prefLabel ?label } }",
    "organisation": "SELECT DISTINCT ?it ?name WHERE { ?it a schema:Organization ; schema:name ?name }",
}
_PREFIXES = (
    "PREFIX schema: <https://schema.org/>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching (``Émile`` finds ``emile`` and back)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def variant_key(name: str) -> str | None:
    """First and last word, lower case: the key ``name-variants.rq`` pairs names on."""
    words = name.split(" ")
    if len(words) < 2:
        return None
    return f"{words[0]} {words[-1]}".lower()


@dataclass(frozen=True)
class Entry:
    kind: str
    iri: URIRef
    name: str
    detail: str = ""


class NameIndex:
    """Names of everything a user may look for, read once from the engine."""

    def __init__(self, entries: list[Entry]) -> None:
        self._entries = {kind: sorted((e for e in entries if e.kind == kind), key=lambda e: (e.name, e.iri))
                         for kind in KINDS}
        self._folded = {kind: [fold(f"{e.name} {e.detail}") for e in self._entries[kind]]
                        for kind in KINDS}
        self._variants: dict[str, list[Entry]] = defaultdict(list)
        self._people = {entry.iri: entry for entry in self._entries["person"]}
        for entry in self._entries["person"]:
            key = variant_key(entry.name)
            if key is not None:
                self._variants[key].append(entry)

    @classmethod
    def build(cls, engine: Engine) -> NameIndex:
        entries = []
        for kind, text in _SCANS.items():
            results = engine.select(_PREFIXES + text, {})
            for row in results.rows:
                values = dict(zip(results.variables, row, strict=True))
                if values["it"] is None or values["name"] is None:
                    continue
                label = values.get("label")
                entries.append(Entry(kind, URIRef(str(values["it"])), str(values["name"]),
                                     "" if label is None else str(label)))
        return cls(entries)

    def count(self, kind: str) -> int:
        return len(self._entries[kind])

    def search(self, query: str, *, limit: int = 10) -> dict[str, list[Entry]]:
        """Per kind, at most ``limit`` entries whose name contains every word of ``query``.

        A name equal to the query comes first, then names starting with it, then names with a
        word starting with it, then the others; shorter names before longer, then by name.
        """
        wanted = fold(query)
        words = wanted.split()
        found: dict[str, list[Entry]] = {}
        if not words:
            return {kind: [] for kind in KINDS}
        for kind in KINDS:
            hits = []
            for entry, text in zip(self._entries[kind], self._folded[kind], strict=True):
                if all(w in text for w in words):
                    name = fold(entry.name)
                    rank = 0 if name == wanted else 1 if name.startswith(wanted) else (
                        2 if f" {words[0]}" in f" {name}" else 3)
                    hits.append((rank, len(entry.name), entry.name, entry.iri, entry))
            hits.sort(key=lambda h: h[:4])
            found[kind] = [h[-1] for h in hits[:limit]]
        return found

    def variants_of(self, iri: URIRef) -> list[Entry]:
        """Other people whose name shares the first and last word with this person's."""
        person = self._people.get(iri)
        key = variant_key(person.name) if person is not None else None
        if key is None:
            return []
        return [e for e in self._variants.get(key, []) if e.iri != iri]
