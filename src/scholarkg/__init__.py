"""scholarkg: author-profile pages in, a validated scholarly knowledge graph out."""

from scholarkg.errors import ScholarkgError
from scholarkg.parse import parse_file, parse_text

__version__ = "0.1.0"

__all__ = ["ScholarkgError", "__version__", "parse_file", "parse_text"]
