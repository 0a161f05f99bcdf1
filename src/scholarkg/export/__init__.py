"""The export pipeline: pages → records → RDF → validated → merged in an Oxigraph store → outputs.

Work is done page by page (small rdflib graphs, the validator per chunk of pages) so memory
does not grow with the corpus beyond the merge state; the merged graph lives in an on-disk
Oxigraph store that also writes the outputs. One module per stage:

==================  ==========================================================================
``report``          :class:`ExportOptions` in, :class:`ExportReport` and :class:`Notice` out
``api``             :func:`export`: find the pages, run the pipeline, write the outputs
``pipeline``        the chunks, the worker processes, who validates which record (docstring)
``worker``          the per-chunk work: parse, map, validate, convert to N-Quads text
``merge``           the merge policy: first page in sorted order wins a single-valued fact
``void``            the VoID description and the summary's counts
``outputs``         the file and the store staged beside their targets, committed together
``signals``         keeping Ctrl-C and SIGTERM out of worker start-up and the commit
==================  ==========================================================================

``jobs > 1`` runs parse, map and validate in worker processes; the merge consumes their results
in source order, so the output is the same for any ``jobs``.
"""

from scholarkg.export.api import export
from scholarkg.export.pipeline import CHUNK, build
from scholarkg.export.report import ExportOptions, ExportReport, Notice

__all__ = ["CHUNK", "ExportOptions", "ExportReport", "Notice", "build", "export"]
