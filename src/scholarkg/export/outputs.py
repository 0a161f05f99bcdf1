"""The outputs of one export — a file, a store, or both — staged and then committed together.

Everything that can fail (building the store, writing the file, flushing both to disk) happens
in staging, beside the targets; the targets change only in :meth:`Outputs.commit`, which does
nothing but renames: the store is swapped in first (the old one kept aside), then the file is
moved into place, and if that fails the old store is swapped back. So a failure or an interrupt
at any point leaves every earlier output as it was, and a finished export replaces them all.
A signal that arrives during the renames is held until they are done (:func:`scholarkg.export.signals.held`),
so an interrupt cannot split a commit either.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import OutputError
from scholarkg.export.signals import held
from scholarkg.leftovers import WORK_FOLDER, hold, release, remove_tree, sweep
from scholarkg.serialize import StagedFile, dump_to
from scholarkg.store import StagedStore, check_store_target


class Outputs:
    """Staging for ``output`` (in ``fmt``) and/or ``store_dir``; use as a context manager: on
    leaving without :meth:`commit`, every staged piece is deleted."""

    def __init__(self, *, output: Path | None, fmt: str | None, store_dir: Path | None,
                 named_graphs: bool) -> None:
        self.output, self.fmt, self.store_dir = output, fmt, store_dir
        self.named_graphs = named_graphs
        self._file: StagedFile | None = None
        self._store: StagedStore | None = None
        self._workdir: Path | None = None
        self._work: ox.Store | None = None
        self._workdir_lock: int | None = None
        if store_dir is not None:
            check_store_target(store_dir)  # refuse a folder of user files before any work

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def work_store(self) -> ox.Store:
        """The store the pipeline merges into. With ``--store`` and a one-graph file it is the
        new store itself (already beside its target); with page graphs (TriG, N-Quads) or no
        ``--store`` it is a temporary store, whose merged copy becomes the new ``--store``."""
        if self.store_dir is not None and not self.named_graphs:
            self._store = StagedStore(self.store_dir)
            return self._store.open()
        # Named before it is made (mkdtemp would make it first): an interrupt may come any time.
        temporary = Path(tempfile.gettempdir())
        sweep(temporary, WORK_FOLDER)  # what a killed export left
        self._workdir = temporary / f"scholarkg-{secrets.token_hex(6)}"
        try:
            self._workdir.mkdir(mode=0o700)
            self._workdir_lock = hold(self._workdir)
            self._work = ox.Store(str(self._workdir / "store"))
        except (OSError, RuntimeError) as exc:
            raise OutputError(f"cannot create a temporary store in {self._workdir.parent}: {exc}") from None
        return self._work

    def write(self, store: ox.Store, *, base: str) -> None:
        """Write every staged output from the merged ``store`` (nothing is in place yet)."""
        if self.output is not None and self.fmt is not None:
            self._file = StagedFile(self.output)
            handle = self._file.open()
            try:
                dump_to(store, handle, self.fmt, base=base)
            except OSError as exc:
                self._file.discard()
                raise OutputError(f"{self.output}: write failed: {exc.strerror or exc}") from None
            self._file.finish()
        if self.store_dir is not None and self.named_graphs:
            self._store = StagedStore(self.store_dir)
            staged = self._store.open()
            try:
                staged.bulk_extend(
                    ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store
                )
            except (OSError, RuntimeError) as exc:
                raise OutputError(f"--store {self.store_dir}: write failed: {exc}") from None
        if self._store is not None:
            self._store.close()

    def commit(self, on_commit: Callable[[], None] | None = None) -> None:
        """Put every output in place at once; ``on_commit`` runs right after, before any held
        signal is handled (so the caller knows whether an interrupt came before or after)."""
        with held():
            if self._store is not None:
                self._store.commit()
            if self._file is not None:
                try:
                    self._file.commit()
                except BaseException:
                    if self._store is not None:
                        self._store.rollback()
                    raise
            if on_commit is not None:
                on_commit()
        self.discard()  # the old store, kept aside for a rollback

    def discard(self) -> None:
        """Delete everything staged (and, after a commit, the replaced store)."""
        if self._file is not None:
            self._file.discard()
            self._file = None
        if self._store is not None:
            self._store.cleanup()
            self._store = None
        if self._workdir is not None:
            self._work = None
            remove_tree(self._workdir)
            self._workdir = None
            release(self._workdir_lock)
            self._workdir_lock = None

