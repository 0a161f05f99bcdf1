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
* 5 — output could not be written (every earlier output left as it was)
* 130, 143 — interrupted by SIGINT (Ctrl-C) or SIGTERM (the CLI; see :class:`Terminated`)
"""

from __future__ import annotations

import re
from pathlib import Path

QUOTE_LIMIT = 200  # characters of any one quoted piece of input a message may show
MESSAGE_LIMIT = 2000  # and of the whole message, whatever it holds
# A Python repr of a string ('...' or "...", escapes included), as messages quote input.
_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'" r'|"(?:[^"\\\n]|\\.)*"')


def clip(message: str, *, limit: int = QUOTE_LIMIT) -> str:
    """``message`` with every quoted piece of input cut to ``limit`` characters.

    Messages quote the input they are about (``unrecognised header line '...'``); a page that is
    one 200 MB line must not put 200 MB on stderr. The cut says how much was left out; a message
    still longer than :data:`MESSAGE_LIMIT` (an unquoted flood) is cut as a whole.
    """

    def cut(match: re.Match[str]) -> str:
        text = match.group()
        if len(text) <= limit + 2:
            return text
        return f"{text[: limit + 1]}…{text[-1]} ({len(text) - 2 - limit:,} more characters)"

    if len(message) > limit:
        message = _QUOTED.sub(cut, message)
    if len(message) > MESSAGE_LIMIT:
        message = f"{message[:MESSAGE_LIMIT]}… ({len(message) - MESSAGE_LIMIT:,} more characters)"
    return message


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Python raises KeyboardInterrupt for SIGINT (the CLI installs the
    handler), so that both unwind the same way: every ``finally`` runs, temporary files go, and
    the CLI prints one line and exits 143 instead of 130."""


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


class WorkerFailed(ScholarkgError):
    """A worker process of a parallel export died (out of memory, killed); nothing was written."""

    exit_code = 1
