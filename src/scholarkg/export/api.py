"""The export call: pages in, a file and/or a store out, all or nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

from scholarkg.errors import InputError, OutputError
from scholarkg.export.outputs import Outputs
from scholarkg.export.pipeline import build, timed
from scholarkg.export.report import ExportOptions, ExportReport
from scholarkg.mapping import Minter
from scholarkg.parse import find_sources
from scholarkg.serialize import DATASET_FORMATS, format_for


def export(
    paths: Sequence[str | Path],
    *,
    output: Path | None,
    options: ExportOptions,
    fmt: str | None = None,
    store_dir: Path | None = None,
    progress_start: Callable[[int], Callable[[int], None]] | None = None,
    on_commit: Callable[[], None] | None = None,
) -> ExportReport:
    """Export pages to ``output`` (format from ``fmt`` or the extension) and/or ``store_dir``.

    Every output appears whole or not at all, and earlier ones stay as they were until all the
    new ones are complete (:mod:`scholarkg.export.outputs`); ``on_commit`` is called the moment
    they are in place, which tells a caller handling an interrupt which of the two happened.

    Raises InputError when no input file exists; UsageError for a bad format or a ``store_dir``
    that holds files other than a store; MappingError for a bad base IRI; OutputError when an
    output cannot be written (every earlier output untouched); WorkerFailed when a worker
    process dies.
    """
    fmt = format_for(output, fmt) if output is not None else None
    base = Minter(options.base).base
    # Page graphs are only needed for a TriG/N-Quads file (they make `load` replace one page at
    # a time); the embedded store holds the merged graph in its default graph, so queries see
    # each triple once and run fast.
    named = fmt in DATASET_FORMATS
    with Outputs(output=output, fmt=fmt, store_dir=store_dir, named_graphs=named) as outputs:
        sources = find_sources(paths)
        if not sources:
            raise InputError("no *.txt files found in " + ", ".join(str(p) for p in paths))
        progress = progress_start(len(sources)) if progress_start else None
        store = outputs.work_store()
        try:
            report = build(sources, store, options=options, named_graphs=named, progress=progress)
        except OSError as exc:  # the store's own writes: a full disk, mostly
            where = f"--store {store_dir}" if store_dir is not None and not named else "the temporary store"
            raise OutputError(f"{where}: write failed: {exc}") from None
        with timed(report.timings, "write") if output is not None else contextlib.nullcontext():
            outputs.write(store, base=base)
        del store
        outputs.commit(on_commit)
    return report

