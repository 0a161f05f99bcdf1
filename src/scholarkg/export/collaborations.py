"""The collaboration table: every pair of names that share a paper, counted and ranked once at
export, so that the ``collaborations`` query reads a ranking instead of computing one.

Counting the pairs at query time joins every paper's authors with each other: on the 10k
export (68,000 papers, 158,248 pairs) that join alone took 1.7 s in Oxigraph and the whole
query 2.4–2.9 s, with no query form found under 1 s. Here the pairs are counted once, in
Python, from the authors the merge keeps for each paper (:class:`~scholarkg.export.merge.Merger`
collects their names as it merges; reading them back from the on-disk store took 3.9 s at 10k),
and written as ``skg:Collaboration`` nodes (docs/model.md): the two names, the number of papers
they share, and the pair's rank in the query's order. The query then takes the first
``limit`` ranks.

The table answers exactly what the former query computed (kept as the tests' oracle,
``tests/oracles/collaborations-scan.rq``): a pair is two names ``a``, ``b`` of authors of one
paper with ``STR(a) < STR(b)``, counted over distinct papers; the order is most joint papers
first, then the two names in code point order. It grows with the number of pairs — the
query's full answer —, so a paper with *n* authors adds up to n(n−1)/2 pairs.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from scholarkg.namespaces import RDF, SKG, XSD


def count_pairs(papers: Iterable[Iterable[str]]) -> list[tuple[str, str, int]]:
    """``(name, coauthor, joint papers)`` for every pair, from each paper's author names, in
    rank order. Names are numbered in code point order first, so a pair is one int while the
    papers are counted (1.6M pairs at 100k profiles)."""
    sets = [set(names) for names in papers]
    names = sorted(set().union(*sets))
    number = {name: index for index, name in enumerate(names)}
    width = len(names)
    pairs: Counter[int] = Counter()
    for authors in sets:
        if len(authors) < 2:
            continue
        ordered = sorted(number[name] for name in authors)
        for position, first in enumerate(ordered):
            base = first * width
            pairs.update(base + second for second in ordered[position + 1 :])
    # The key's number order is the names' order, so sorting (-count, key) ranks by names.
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    return [(names[key // width], names[key % width], count) for key, count in ranked]


def collaboration_iri(base: str, name: str, coauthor: str) -> str:
    key = f"{name}\n{coauthor}".encode()
    return f"{base}collaboration/{hashlib.sha256(key).hexdigest()[:16]}"


def collaboration_lines(papers: Iterable[Iterable[str]], *, base: str) -> Iterator[str]:
    """The table as N-Triples text, a pair (five lines) at a time; pyoxigraph writes the names'
    literals, escapes included."""
    kind, of_type = f"<{SKG.Collaboration}>", f"<{RDF.type}>"
    first, second = f"<{SKG.personName}>", f"<{SKG.coauthorName}>"
    joint, place = f"<{SKG.jointPapers}>", f"<{SKG.collaborationRank}>"
    integer = f"^^<{XSD.integer}>"
    for rank, (name, coauthor, count) in enumerate(count_pairs(papers), start=1):
        pair = f"<{collaboration_iri(base, name, coauthor)}>"
        yield (f"{pair} {of_type} {kind} .\n"
               f"{pair} {first} {ox.Literal(name)} .\n"
               f"{pair} {second} {ox.Literal(coauthor)} .\n"
               f'{pair} {joint} "{count}"{integer} .\n'
               f'{pair} {place} "{rank}"{integer} .\n')
