"""``python -m scholarkg`` and the ``scholarkg`` command.

The command's modules take a second or more to import (rdflib, pyshacl, pyoxigraph), and a
Ctrl-C or SIGTERM in that second would print a traceback from whatever module was loading
(or be swallowed by a library's bare ``except``). Until :func:`scholarkg.cli.main` takes over
the signals, they end the process at once with the usual one line: nothing has been touched.
"""

import os
import signal
import sys


def _quit_now(signum: int, frame: object) -> None:
    name = signal.Signals(signum).name
    os.write(sys.stderr.fileno(), f"Interrupted by {name}; stopped before starting.\n".encode())
    os._exit(128 + signum)


def run() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _quit_now)
    from scholarkg.cli import main

    main()


if __name__ == "__main__":
    run()
