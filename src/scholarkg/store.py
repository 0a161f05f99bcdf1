"""Embedded Oxigraph stores: load RDF files into memory for a query, or open a persistent store.

Oxigraph answers the bundled queries on a 1.5M-triple graph in about a second where rdflib's
own engine needs about forty, so every local query runs here; rdflib stays the library of the
graph model and of pyshacl.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import secrets
import stat
import time
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import InputError, OutputError, UsageError
from scholarkg.interruptible import interruptible
from scholarkg.leftovers import hold, release, remove_tree, staged_store_pattern, sweep

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"unknown RDF file extension {path.suffix!r}; use one of {', '.join(_FORMATS)}", path=path
        ) from None


def load_data(files: Sequence[Path]) -> ox.Store:
    """An in-memory store holding every file (datasets keep their named graphs).

    Raises InputError naming the file (and the parser's position) when a file cannot be read.
    """
    store = ox.Store()
    for path in files:
        fmt = rdf_format(path)
        if not path.is_file():
            raise InputError("no such file", path=path)
        try:
            interruptible(store.bulk_load, path=str(path), format=fmt)
        except SyntaxError as exc:
            raise InputError(f"not valid RDF: {str(exc).splitlines()[0]}", path=path) from None
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot load: {exc}", path=path) from None
    return store


def open_store(directory: Path) -> ox.Store:
    """Open a store written by ``scholarkg export --store DIR`` for reading."""
    if not directory.is_dir():
        raise UsageError(f"--store {directory}: no such store folder (write one with export --store)")
    if not is_store_folder(directory):
        raise UsageError(f"--store {directory}: not an Oxigraph store (write one with export --store)")
    # An export swaps a new store in with one rename (StagedStore), but opening reads CURRENT,
    # then the manifest it names, then the tables, each by path: an open that straddles the
    # swap mixes the two stores' files and fails as "corrupted". Opening again after a moment
    # sees one whole store.
    for attempt in range(_OPEN_ATTEMPTS):
        try:
            return ox.Store.read_only(str(directory))
        except (OSError, RuntimeError) as exc:
            if attempt == _OPEN_ATTEMPTS - 1:
                raise UsageError(f"--store {directory}: not an Oxigraph store ({_first_line(exc)})") from None
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


_OPEN_ATTEMPTS = 4


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_store_folder(directory: Path) -> bool:
    """Whether ``directory`` looks like an embedded store (RocksDB's ``CURRENT`` and manifest)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    return "CURRENT" in names and any(name.startswith("MANIFEST-") for name in names)


# renameat2(2) with RENAME_EXCHANGE swaps two paths in one step (Linux ≥ 3.15, glibc ≥ 2.28).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system cannot (then the caller renames)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot swap
        return False
    raise OSError(errno, os.strerror(errno), str(b))


class StagedStore:
    """A new store built in a folder beside ``directory`` and swapped in whole by :meth:`commit`.

    Until the swap the folder at ``directory`` is untouched, so a failed or interrupted export
    leaves an earlier store as it was, and ``query --store`` never sees a half-written one.
    The swap is one ``renameat2(RENAME_EXCHANGE)``: a reader opening the store sees the old
    one or the new one, never a missing or a partial folder; a reader that already had the old
    store open keeps reading it (its files stay open after the old folder is deleted). Where
    the file system cannot exchange, two renames leave a moment without a folder at the path.

    ``directory`` must be absent, empty, or an earlier store: a folder holding anything else
    is refused (:class:`UsageError`) rather than written among the user's files. A symlink is
    followed: the store is swapped in where it points.
    """

    def __init__(self, directory: Path) -> None:
        """Name the staging folder only; :meth:`open` makes it. An interrupt can come between
        any two steps, so whoever holds this object knows what to delete before it exists."""
        self.path = Path(directory)
        self.target = Path(os.path.realpath(self.path))
        self.staging = self.target.parent / f".{self.target.name}.{secrets.token_hex(4)}.new"
        self.swapped = False
        self.store: ox.Store | None = None
        self._locks: list[int] = []  # flock(2) holds on what sits at the staging path

    def open(self) -> ox.Store:
        """Create the staging folder (mode as a plain mkdir, or the old store's) and the store."""
        check_store_target(self.path, self.target)
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            mode = stat.S_IMODE(os.stat(self.target).st_mode) if self.target.exists() else None
            sweep(self.target.parent, staged_store_pattern(self.target.name))  # a killed export's
            self.staging.mkdir()
            self._locks.append(hold(self.staging))
            if mode is not None:
                os.chmod(self.staging, mode)
        except OSError as exc:
            raise OutputError(f"--store {self.path}: cannot write here: {exc.strerror or exc}") from None
        try:
            self.store = ox.Store(str(self.staging))
        except (OSError, RuntimeError) as exc:
            raise OutputError(f"--store {self.path}: cannot create a store: {_first_line(exc)}") from None
        return self.store

    def close(self) -> None:
        """Flush and close the new store (RocksDB must not write while its folder moves)."""
        if self.store is not None:
            store, self.store = self.store, None
            try:
                interruptible(store.flush)
            except (OSError, RuntimeError) as exc:
                raise OutputError(f"--store {self.path}: write failed: {_first_line(exc)}") from None
            finally:
                del store
                gc.collect()

    def commit(self) -> None:
        """Put the new store at ``directory``; the old one (if any) waits in the staging folder
        until :meth:`cleanup`, so that :meth:`rollback` can still put it back."""
        self.close()
        try:
            if self.target.exists():
                if not _exchange(self.staging, self.target):
                    old = self.staging.with_suffix(".old")
                    os.rename(self.target, old)
                    os.rename(self.staging, self.target)
                    os.rename(old, self.staging)
            else:
                os.rename(self.staging, self.target)
                self.staging.mkdir()  # nothing old to keep: cleanup removes an empty folder
            self.swapped = True
            # The lock went with the new store's folder; hold what the staging path now holds.
            with contextlib.suppress(OSError):
                self._locks.append(hold(self.staging))
        except OSError as exc:
            raise OutputError(f"--store {self.path}: cannot move the new store in place: "
                              f"{exc.strerror or exc}") from None

    def rollback(self) -> None:
        """Undo :meth:`commit` (another output failed): the old store goes back in place."""
        if self.swapped and is_store_folder(self.staging):
            if not _exchange(self.staging, self.target):
                new = self.staging.with_suffix(".old")
                os.rename(self.target, new)
                os.rename(self.staging, self.target)
                os.rename(new, self.staging)
        elif self.swapped:  # there was none: take the new one away
            remove_tree(self.staging)
            os.rename(self.target, self.staging)
        self.swapped = False

    def cleanup(self) -> None:
        """Delete the staging folder: the old store after a commit, the new one otherwise."""
        if self.store is not None:
            self.store = None
            gc.collect()
        remove_tree(self.staging)
        for fd in self._locks:
            release(fd)
        self._locks = []


def check_store_target(path: Path, target: Path | None = None) -> None:
    """Refuse a ``--store`` folder that exists and is neither empty nor an Oxigraph store."""
    target = target if target is not None else path
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise UsageError(f"--store {path}: is a file, not a folder")
    try:
        names = sorted(os.listdir(target))
    except OSError as exc:
        raise UsageError(f"--store {path}: cannot read the folder: {exc.strerror}") from None
    if not names:
        return
    if not is_store_folder(target):
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        raise UsageError(
            f"--store {path}: the folder holds files that are not an Oxigraph store ({shown}); "
            "give a new or empty folder, or one an earlier export --store wrote"
        )
    try:
        with contextlib.closing(_ReadOnly(target)):
            pass
    except (OSError, RuntimeError) as exc:
        raise UsageError(
            f"--store {path}: not a readable Oxigraph store ({_first_line(exc)}); "
            "give a new or empty folder, or one an earlier export --store wrote"
        ) from None


class _ReadOnly:
    """Open a store read-only just to see that it is one; closed at once."""

    def __init__(self, directory: Path) -> None:
        self.store: ox.Store | None = ox.Store.read_only(str(directory))

    def close(self) -> None:
        self.store = None
        gc.collect()
