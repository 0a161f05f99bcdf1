"""Find the project's data files (shapes, queries, vocabulary) installed or in a checkout.

In a wheel, ``shapes/`` and ``queries/`` are packed inside the package (see ``pyproject.toml``);
in a source checkout (editable install, tests) they sit at the repository root. One function per
folder keeps that difference out of every other module.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    packed = _PACKAGE_DIR / name
    if packed.is_dir():
        return packed
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"scholarkg data folder {name!r} not found (broken installation?)")


def shapes_dir() -> Path:
    """The folder holding the SHACL shapes (``*.ttl``)."""
    return _folder("shapes")


def queries_dir() -> Path:
    """The folder holding the saved SPARQL queries (``*.rq``)."""
    return _folder("queries")


def data_dir() -> Path:
    """Package data: the project vocabulary and the arXiv category table."""
    return _PACKAGE_DIR / "data"
