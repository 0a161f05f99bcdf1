"""The merge: page results into the store, in source order, with the single-valued-fact rule."""

from __future__ import annotations

import time
from collections.abc import Iterable

import pyoxigraph as ox

from scholarkg.export.report import Notice
from scholarkg.export.worker import PageResult
from scholarkg.interruptible import interruptible
from scholarkg.mapping import PAPER_CLAIMS, Triple
from scholarkg.serialize import nquads


class Merger:
    """Adds page results to the store in source order, resolving single-valued conflicts.

    Rule (documented in docs/model.md): a paper's single-valued facts come from the first page
    in source-key order that lists it; a different value elsewhere is a warning naming both.
    Per paper it keeps only the first page's place and 8-byte digests of its facts, so its
    memory grows with the distinct papers, not with the pages.

    A record that the shapes rejected is rejected on every page that lists it: the chunk that
    owned it sent the verdict with the record, and later copies (sent with their fingerprint
    only) get it from :attr:`failed`. Chunks arrive in order, so the verdict is always known
    before a later copy arrives.
    """

    FLUSH_CHARS = 8 << 20  # N-Quads text handed to the store's bulk loader at a time

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.buffer: list[str] = []
        self.buffered = 0
        self.first_seen: dict[str, tuple[str, int | None, list[bytes | None]]] = {}
        self.warnings: list[Notice] = []
        self.failed: dict[str, str] = {}  # fingerprint -> rejection, for later copies
        self.load_seconds = 0.0
        # Each kept paper's author names (the union over its pages), for the collaboration table:
        # a tuple, not a set (680,000 papers at 100k profiles), widened only when a page differs.
        self.authors: dict[str, tuple[str, ...]] = {}

    def _add(self, text: str) -> None:
        self.buffer.append(text)
        self.buffered += len(text)
        if self.buffered >= self.FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            started = time.perf_counter()
            interruptible(self.store.bulk_load, "".join(self.buffer).encode("utf-8"), ox.RdfFormat.N_QUADS)
            self.buffer, self.buffered = [], 0
            self.load_seconds += time.perf_counter() - started

    def add_default(self, triples: Iterable[Triple]) -> None:
        self._add(nquads(triples))

    def add_text(self, lines: Iterable[str]) -> None:
        """Default-graph N-Triples text, loaded in the same batches as the pages."""
        for text in lines:
            self._add(text)

    def add_page(self, result: PageResult) -> list[Notice]:
        """Merge one page; returns its records' rejections, in page order."""
        source = result.source
        rejected: list[Notice] = []
        self._add(result.page_text)
        for part in result.parts:
            if part.rejection:  # checked in this page's chunk and rejected
                self.failed[part.check] = part.rejection
            rejection = (part.rejection or self.failed.get(part.check, "")) if part.check else ""
            if rejection:
                rejected.append(Notice(source.shown, part.line, rejection))
                continue
            if part.kind != "paper":
                self._add(part.core)
                continue
            known = self.authors.get(part.key)
            if known is None:
                self.authors[part.key] = part.authors
            elif known != part.authors:
                self.authors[part.key] = tuple(sorted(set(known) | set(part.authors)))
            first = self.first_seen.get(part.key)
            if first is None:
                self.first_seen[part.key] = (source.shown, part.line, list(part.claims))
                self._add(part.core)
                self._add(part.shared)
                for text in part.optional.values():
                    self._add(text)
                continue
            first_file, first_line, first_claims = first
            differing = [
                name for name, mine, theirs in zip(PAPER_CLAIMS, part.claims, first_claims, strict=True)
                if mine is not None and theirs is not None and mine != theirs
            ]
            if differing:
                verb = "differs" if len(differing) == 1 else "differ"
                self.warnings.append(Notice(
                    source.shown, part.line,
                    f"paper {part.label[:60]!r}: {', '.join(differing)} {verb} from "
                    f"{first_file}:{first_line}; kept {first_file}'s (first page in sorted order)",
                ))
            for name, text in part.optional.items():
                slot = PAPER_CLAIMS.index(name)
                if first_claims[slot] is None:  # the first page left it out: this page fills it
                    first_claims[slot] = part.claims[slot]
                    self._add(text)
            self._add(part.shared)
        return rejected
