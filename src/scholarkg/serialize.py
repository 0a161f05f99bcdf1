"""Writing RDF: formats, rdflib terms as N-Triples text for the store, and atomic file output.

Oxigraph's serialisers write the big outputs (≈ 50× faster than rdflib's Turtle writer on a
1.5M-triple graph); an on-disk Oxigraph store lists quads in the order of its index, which does
not depend on insertion order, so the same content always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from scholarkg.errors import OutputError, UsageError
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


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path`` and move it into place only on success.

    An interrupted or failed write leaves no partial file and keeps any earlier file intact.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder {directory}: {exc.strerror}") from None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write here: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: write failed: {exc.strerror or exc}") from None
        raise


def dump_store(store: ox.Store, path: Path, fmt: str, *, base: str) -> None:
    """Write the store: the whole dataset for TriG/N-Quads, the default graph otherwise."""
    kinds = ("paper", "authorship", "person", "org", "profile", "graph", "source")
    prefixes = {**PREFIXES, **{kind: f"{base}{kind}/" for kind in kinds}}
    rdf_format = FORMATS[fmt]

    def write(handle: BinaryIO) -> None:
        kwargs: dict[str, object] = {}
        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = prefixes
        if fmt not in DATASET_FORMATS:
            kwargs["from_graph"] = ox.DefaultGraph()
        store.dump(handle, rdf_format, **kwargs)

    with atomic_output(path) as handle:
        write(handle)


def write_with(path: Path, writer: Callable[[BinaryIO], None]) -> None:
    """Atomically write ``path`` with ``writer``."""
    with atomic_output(path) as handle:
        writer(handle)
