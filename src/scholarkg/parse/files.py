"""Input files: finding them in a stable order, and turning their bytes into text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scholarkg.errors import InputError


def decode(data: bytes, *, path: str | Path) -> str:
    """Bytes → text: UTF-8 with or without BOM; binary or other encodings are refused."""
    if b"\x00" in data:
        raise InputError("not a text file (binary data); expected a UTF-8 profile page", path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the page as UTF-8",
            path=path, line=line,
        ) from None
    return text.removeprefix("\ufeff")


def read_page_text(path: str | Path, *, shown: str) -> str:
    """A page's text. Raises :class:`InputError` for missing, binary or non-UTF-8 files."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=shown) from None
    return decode(data, path=shown)


@dataclass(frozen=True, order=True)
class Source:
    """An input file and its stable key: the path relative to the argument it was found under."""

    key: str
    path: Path
    shown: str


def find_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Expand files and directories (their ``*.txt``, recursively) into sorted sources.

    Sorting by key makes the run independent of argument order and of the file system's listing
    order. A missing path raises :class:`InputError`.
    """
    sources: dict[str, Source] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*.txt")):
                if found.is_file():
                    key = found.relative_to(path).as_posix()
                    sources.setdefault(key, Source(key, found, str(found)))
        elif path.exists():
            sources.setdefault(path.name, Source(path.name, path, str(raw)))
        else:
            raise InputError("no such file or directory", path=str(raw))
    return sorted(sources.values())
