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
from collections.abc import Collection, Iterable, Iterator

import pyoxigraph as ox

from scholarkg.namespaces import RDF, SKG, XSD


def count_pairs(papers: Collection[Iterable[str]]) -> Iterator[tuple[str, str, int]]:
    """``(name, coauthor, joint papers)`` for every pair, from each paper's author names, in
    rank order. Names are numbered in code point order, a pair is one int while the papers are
    counted, and the ranking sorts one int per pair: at 100k profiles (1.6M pairs) tuples per
    pair would cost hundreds of megabytes at the end of the export."""
    names = sorted(set().union(*papers))
    number = {name: index for index, name in enumerate(names)}
    width = len(names)
    pairs: Counter[int] = Counter()
    for authors in papers:
        ordered = sorted({number[name] for name in authors})
        for position, first in enumerate(ordered[:-1]):
            base = first * width
            pairs.update(base + second for second in ordered[position + 1 :])
    if not pairs:
        return
    # Most joint papers first, then the pair's number, whose order is the names' order.
    span = width * width
    top = max(pairs.values())
    order = [(top - count) * span + key for key, count in pairs.items()]
    del pairs
    order.sort()
    for code in order:
        rest, key = divmod(code, span)
        yield names[key // width], names[key % width], top - rest


def collaboration_iri(base: str, name: str, coauthor: str) -> str:
    key = f"{name}\n{coauthor}".encode()
    return f"{base}collaboration/{hashlib.sha256(key).hexdigest()[:16]}"


def collaboration_lines(papers: Collection[Iterable[str]], *, base: str) -> Iterator[str]:
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
