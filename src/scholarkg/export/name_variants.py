"""The name-variant table: every pair of names that may be one person, with the coauthors both
share, found once at export so that the ``name-variants`` query reads rows instead of pairing
every person with every other.

Pairing persons at query time, even on the stored ``skg:nameKey``, reads every person's key,
type and name twice and joins them (0.86 s on the 10k export in Oxigraph), then walks each
pair's papers: 1.3–1.6 s for the whole query, over the 1 s every bundled query must stay under.
Here the rows are computed in Python from the authors the merge keeps for each paper (the same
names the collaboration table is counted from) and written as ``skg:NameVariant`` nodes
(docs/model.md), one per row of the query's answer, with the row's rank in the query's order.

The rows are exactly what the former query computed (kept as the tests' oracle,
``tests/oracles/name-variants-computed-key.rq``):

* a pair is two names of authors with the same key (:func:`~scholarkg.mapping.name_key`: first
  and last word, lower case; a name without a space has none), the first before the second in
  code point order;
* the shared coauthors are the authors of the first name's papers, other than the two names,
  who are also authors of a paper of the second name; a row per shared coauthor, or one row
  without a coauthor (and a count of 0) when there is none;
* the order is most shared coauthors first, then the two names, then the coauthor's name, all
  in code point order.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator

import pyoxigraph as ox

from scholarkg.mapping import name_key
from scholarkg.namespaces import RDF, SKG, XSD

Row = tuple[str, str, int, "str | None"]


def variant_rows(papers: Collection[Iterable[str]]) -> list[Row]:
    """``(name, variant, shared coauthors, shared coauthor or None)`` in the query's order, from
    each paper's author names. Coauthor sets are built only for names that have a variant (a
    few thousand at 100k profiles), not for every person."""
    groups: dict[str, set[str]] = defaultdict(set)
    for name in set().union(*papers):
        key = name_key(name)
        if key is not None:
            groups[key].add(name)
    variants = {key: sorted(names) for key, names in groups.items() if len(names) > 1}
    wanted = {name for names in variants.values() for name in names}
    coauthors: dict[str, set[str]] = {name: set() for name in wanted}
    for authors in papers:
        present = wanted.intersection(authors)
        if present:
            everyone = set(authors)
            for name in present:
                coauthors[name] |= everyone
    rows: list[Row] = []
    for names in variants.values():
        for position, name in enumerate(names):
            for variant in names[position + 1 :]:
                shared = sorted((coauthors[name] - {name, variant}) & coauthors[variant])
                rows += [(name, variant, len(shared), person) for person in shared] or [
                    (name, variant, 0, None)]
    rows.sort(key=lambda row: (-row[2], row[0], row[1], row[3] or ""))
    return rows


def variant_iri(base: str, row: Row) -> str:
    key = "\n".join((row[0], row[1], row[3] or "")).encode()
    return f"{base}name-variant/{hashlib.sha256(key).hexdigest()[:16]}"


def name_variant_lines(papers: Collection[Iterable[str]], *, base: str) -> Iterator[str]:
    """The table as N-Triples text, a row at a time; pyoxigraph writes the names' literals,
    escapes included."""
    kind, of_type = f"<{SKG.NameVariant}>", f"<{RDF.type}>"
    first, second = f"<{SKG.pairName}>", f"<{SKG.pairVariant}>"
    count, person, place = f"<{SKG.sharedCoauthors}>", f"<{SKG.sharedCoauthorName}>", f"<{SKG.variantRank}>"
    integer = f"^^<{XSD.integer}>"
    for rank, row in enumerate(variant_rows(papers), start=1):
        node = f"<{variant_iri(base, row)}>"
        shared = "" if row[3] is None else f"{node} {person} {ox.Literal(row[3])} .\n"
        yield (f"{node} {of_type} {kind} .\n"
               f"{node} {first} {ox.Literal(row[0])} .\n"
               f"{node} {second} {ox.Literal(row[1])} .\n"
               f'{node} {count} "{row[2]}"{integer} .\n'
               f"{shared}"
               f'{node} {place} "{rank}"{integer} .\n')
