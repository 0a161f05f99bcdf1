"""Writing RDF: formats, rdflib terms as N-Triples text for the store, and atomic file output.

Oxigraph's serialisers write the big outputs (≈ 50× faster than rdflib's Turtle writer on a
1.5M-triple graph); an on-disk Oxigraph store lists quads in the order of its index, which does
not depend on insertion order, so the same content always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from scholarkg.errors import OutputError, UsageError
from scholarkg.interruptible import interruptible
from scholarkg.leftovers import lock, staged_file_pattern, sweep
from scholarkg.namespaces import PREFIXES

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}
EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
              ".jsonld": "jsonld"}
DATASET_FORMATS = frozenset({"nquads", "trig"})


def format_for(path: Path, explicit: str | None = None) -> str:
    """The output format: ``explicit`` if given, else from the file extension."""
    if explicit is not None:
        if explicit not in FORMATS:
            raise UsageError(f"unknown format {explicit!r}; choose one of {', '.join(FORMATS)}")
        return explicit
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise UsageError(
            f"cannot tell the format of {path} from its extension; use --format "
            f"({', '.join(FORMATS)}) or one of {', '.join(EXTENSIONS)}"
        ) from None


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
# Characters N-Triples does not allow raw inside <...>; written as \u escapes (the store's
# parser then checks the IRI itself, exactly as ox.NamedNode would).
_IRI_UNSAFE = re.compile('[\x00-\x20<>"{}|^`\\\\]')


def _nt_iri(value: str) -> str:
    if _IRI_UNSAFE.search(value):
        value = _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", value)
    return f"<{value}>"


_NT_IRIS: dict[URIRef, str] = {}  # predicates, classes, people and pages recur on every page


def nt_term(node: Node) -> str:
    """One rdflib term in N-Triples syntax (the lexical form is rdflib's ``str``)."""
    if isinstance(node, URIRef):
        text = _NT_IRIS.get(node)
        if text is None:
            text = _nt_iri(str(node))
            if len(_NT_IRIS) < 1 << 18:
                _NT_IRIS[node] = text
        return text
    if isinstance(node, Literal):
        text = f'"{str(node).translate(_LITERAL_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f"{text}^^{_nt_iri(str(node.datatype))}"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    raise TypeError(f"not an RDF term: {node!r}")


def nquads(triples: Iterable[tuple[Node, Node, Node]], graph: str | None = None) -> str:
    """Triples as N-Quads lines (N-Triples when ``graph`` is None): the compact, picklable form
    in which workers hand their output to the merge, which the store then parses in Rust."""
    end = f" {_nt_iri(graph)} .\n" if graph is not None else " .\n"
    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{end}" for s, p, o in triples)


class StagedFile:
    """A new version of ``path``, written to a temporary file beside it, moved into place by
    :meth:`commit`; until then (and for good after :meth:`discard`) ``path`` is as it was.

    The file gets the mode a plain ``open(path, "w")`` would give it: an existing file keeps
    its mode, a new one gets 0666 less the umask (``os.open`` applies the umask; ``mkstemp``
    would make it 0600 whatever the umask). A symlinked ``path`` is written through to its
    target, so the link stays a link. Raises :class:`OutputError` when the file cannot be
    created.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Through a symlink (even a dangling one) to the file it names.
        self.target = Path(os.path.realpath(self.path)) if self.path.is_symlink() else self.path
        self.tmp: Path | None = None  # named before it exists: an interrupt may come any time
        self.handle: BinaryIO | None = None
        self.finished = False

    def open(self) -> BinaryIO:
        """Create the temporary file (separate from ``__init__``, so that whoever holds this
        object can :meth:`discard` it even when an interrupt lands inside this call)."""
        path = self.path
        directory = self.target.parent if str(self.target.parent) else Path(".")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create the folder {directory}: {exc.strerror}") from None
        try:
            mode = stat.S_IMODE(os.stat(self.target).st_mode)
        except OSError:
            mode = None
        sweep(directory, staged_file_pattern(self.target.name))  # what a killed export left
        fd = -1
        for _ in range(100):
            self.tmp = directory / f".{self.target.name}.{secrets.token_hex(4)}.part"
            try:
                fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
                break
            except FileExistsError:
                continue
            except OSError as exc:
                self.tmp = None
                raise OutputError(f"{path}: cannot write here: {exc.strerror}") from None
        if fd < 0:
            self.tmp = None
            raise OutputError(f"{path}: cannot write here: no free temporary name")
        lock(fd)  # ours until closed: the next export leaves it alone (scholarkg.leftovers)
        self.handle = os.fdopen(fd, "wb")
        if mode is not None:
            os.fchmod(fd, mode)
        return self.handle

    def finish(self) -> None:
        """Flush the content to disk (everything that can fail, before any rename). The file
        stays open, and so locked, until :meth:`commit` has moved it."""
        assert self.handle is not None
        if self.finished:
            return
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.finished = True
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.path}: write failed: {exc.strerror or exc}") from None

    def commit(self) -> None:
        """Move the finished file into place (one rename: readers see the old or the new file)."""
        self.finish()
        assert self.tmp is not None and self.handle is not None
        try:
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.path}: write failed: {exc.strerror or exc}") from None
        self.tmp = None
        with contextlib.suppress(OSError):
            self.handle.close()

    def discard(self) -> None:
        """Forget the new version; ``path`` stays as it was. Safe to call more than once."""
        if self.handle is not None:
            with contextlib.suppress(OSError):
                self.handle.close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` through a :class:`StagedFile`: it is replaced only if the block succeeds.

    An interrupted or failed write leaves no partial file and keeps any earlier file intact.
    """
    staged = StagedFile(path)
    try:
        yield staged.open()
        staged.finish()
        staged.commit()
    except BaseException as exc:
        staged.discard()
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: write failed: {exc.strerror or exc}") from None
        raise


def dump_to(store: ox.Store, handle: BinaryIO, fmt: str, *, base: str) -> None:
    """Write the store: the whole dataset for TriG/N-Quads, the default graph otherwise."""
    kinds = ("paper", "authorship", "person", "org", "profile", "graph", "source")
    prefixes = {**PREFIXES, **{kind: f"{base}{kind}/" for kind in kinds}}
    rdf_format = FORMATS[fmt]
    kwargs: dict[str, object] = {}
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        kwargs["prefixes"] = prefixes
    if fmt not in DATASET_FORMATS:
        kwargs["from_graph"] = ox.DefaultGraph()
    interruptible(store.dump, handle, rdf_format, **kwargs)


def dump_store(store: ox.Store, path: Path, fmt: str, *, base: str) -> None:
    """Atomically write the store to ``path`` (see :func:`dump_to`)."""
    with atomic_output(path) as handle:
        dump_to(store, handle, fmt, base=base)


def write_with(path: Path, writer: Callable[[BinaryIO], None]) -> None:
    """Atomically write ``path`` with ``writer``."""
    with atomic_output(path) as handle:
        writer(handle)
