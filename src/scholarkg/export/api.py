"""The export call: pages in, a file and/or a store out."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from scholarkg.errors import InputError, UsageError
from scholarkg.export.pipeline import build, timed
from scholarkg.export.report import ExportOptions, ExportReport
from scholarkg.mapping import Minter
from scholarkg.parse import find_sources
from scholarkg.serialize import DATASET_FORMATS, dump_store, format_for


def _open_store_for_writing(directory: Path) -> ox.Store:
    """Open (or create) the embedded store; an existing store is emptied, anything else refused."""
    try:
        store = ox.Store(str(directory))
    except OSError as exc:
        raise UsageError(
            f"--store {directory}: not an Oxigraph store folder ({exc}); give a new or empty folder"
        ) from None
    store.clear()
    return store


def export(
    paths: Sequence[str | Path],
    *,
    output: Path | None,
    options: ExportOptions,
    fmt: str | None = None,
    store_dir: Path | None = None,
    progress_start: Callable[[int], Callable[[int], None]] | None = None,
) -> ExportReport:
    """Export pages to ``output`` (format from ``fmt`` or the extension) and/or ``store_dir``.

    Raises InputError when no input file exists, UsageError for a bad format, MappingError for
    a bad base IRI, OutputError when the file cannot be written (an earlier file is untouched),
    WorkerFailed when a worker process dies.
    """
    fmt = format_for(output, fmt) if output is not None else None
    Minter(options.base)
    sources = find_sources(paths)
    if not sources:
        raise InputError("no *.txt files found in " + ", ".join(str(p) for p in paths))
    progress = progress_start(len(sources)) if progress_start else None
    # Page graphs are only needed for a TriG/N-Quads file (they make `load` replace one page at
    # a time); the embedded store holds the merged graph in its default graph, so queries see
    # each triple once and run fast.
    named = fmt in DATASET_FORMATS
    workdir = Path(tempfile.mkdtemp(prefix="scholarkg-"))
    try:
        if store_dir is not None and not named:
            store = _open_store_for_writing(store_dir)
        else:
            store = ox.Store(str(workdir / "store"))
        report = build(sources, store, options=options, named_graphs=named, progress=progress)
        if output is not None and fmt is not None:
            with timed(report.timings, "write"):
                dump_store(store, output, fmt, base=Minter(options.base).base)
        if store_dir is not None and named:
            merged = _open_store_for_writing(store_dir)
            merged.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store
            )
            merged.flush()
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
