"""One exception hierarchy for the whole library.

The library raises these and never prints or exits; ``cli.py`` catches :class:`ScholarkgError`
in one place and turns it into a one-line ``Error: ...`` message and the class's ``exit_code``.
Exit codes are documented in the README:

* 0 — success
* 1 — the work ran but found problems (records rejected, a graph that does not conform,
  an input file refused while others were processed)
* 2 — usage error (bad option or parameter; click uses 2 as well)
* 3 — input could not be read at all (no usable input file)
* 4 — a remote service (SPARQL endpoint, graph store) failed or refused the request
* 5 — output could not be written
"""

from __future__ import annotations

from pathlib import Path


class ScholarkgError(Exception):
    """Base class: a message a user can act on, and the exit code the CLI should use."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ScholarkgError):
    """A page could not be read: missing, binary, not UTF-8, empty."""

    exit_code = 3

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f":{line}"
            where += ": "
        super().__init__(where + message)
        self.path = None if path is None else str(path)
        self.line = line
        self.reason = message


class UsageError(ScholarkgError):
    """The call itself is wrong: an unknown parameter, a bad value, a missing option."""

    exit_code = 2


class MappingError(ScholarkgError):
    """Records could not be turned into RDF (for example a malformed --base IRI)."""

    exit_code = 2


class ValidationFailed(ScholarkgError):
    """A graph does not conform to the shapes."""

    exit_code = 1


class QueryError(ScholarkgError):
    """A saved query is unknown, malformed, or failed to run."""

    exit_code = 2


class RemoteError(ScholarkgError):
    """A SPARQL endpoint or graph store was down, slow, refused credentials or answered an error."""

    exit_code = 4


class OutputError(ScholarkgError):
    """Output could not be written; any earlier file at the target is left untouched."""

    exit_code = 5
