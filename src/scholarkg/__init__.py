"""scholarkg: author-profile pages in, a validated scholarly knowledge graph out."""

from __future__ import annotations

from typing import Any

from scholarkg.errors import ScholarkgError

__version__ = "0.1.0"

__all__ = ["ScholarkgError", "__version__", "parse_file", "parse_text"]


def __getattr__(name: str) -> Any:
    """``parse_file`` and ``parse_text`` load the parser on first use: ``scholarkg`` itself
    imports nothing heavy, so the command can take over Ctrl-C before anything else loads
    (``scholarkg.__main__``)."""
    if name in ("parse_file", "parse_text"):
        from scholarkg import parse

        return getattr(parse, name)
    raise AttributeError(f"module 'scholarkg' has no attribute {name!r}")
