"""Staging left behind by a killed export, found and removed by the next export.

An export stages every output beside its target (``.NAME.XXXXXXXX.part`` for a file,
``.DIR.XXXXXXXX.new`` for a store) and merges in a ``scholarkg-XXXXXXXXXXXX`` folder in the
temporary directory; on success, failure or Ctrl-C it deletes them itself. A process killed
with SIGKILL (by a user, the OOM killer, a CI timeout) cannot, and gigabytes stayed behind.

So every staged entry is held under an ``flock(2)`` by the process that made it, for as long
as it exists: the kernel drops the lock when that process dies, however it dies. The next
export that stages beside the same target (or in the same temporary directory) removes the
matching entries it can lock, and leaves locked ones alone: another export at work. An entry
younger than :data:`MIN_AGE` is left too, since its maker may be between creating and locking
it. flock locks belong to the open file, not to the path, and survive renames, which the
store swap relies on (:class:`scholarkg.store.StagedStore` locks the folder left at the
staging path after the swap again).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import re
import shutil
import time
from pathlib import Path

MIN_AGE = 10.0  # seconds


def remove_tree(directory: Path) -> None:
    """Delete a folder we made, even while a store's background threads still write into it."""
    for attempt in range(20):
        shutil.rmtree(directory, ignore_errors=True)
        if not os.path.lexists(directory):
            return
        gc.collect()  # drop a store nobody holds any more: it stops writing
        time.sleep(0.05 * (attempt + 1))


def lock(fd: int) -> None:
    """Mark the entry open at ``fd`` as in use until the descriptor is closed."""
    with contextlib.suppress(OSError):  # a file system without flock: nothing is swept then
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def hold(path: Path) -> int:
    """Lock ``path`` (a file or a folder we just made) for this process; the descriptor to
    :func:`release` when the entry is gone. Raises OSError when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    lock(fd)
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


def sweep(directory: Path, pattern: re.Pattern[str], *, now: float | None = None) -> list[Path]:
    """Remove the entries of ``directory`` whose name matches ``pattern`` and that nobody holds;
    the paths removed. Nothing here raises: a leftover that cannot be removed stays."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in sorted(names):
        if not pattern.fullmatch(name):
            continue
        path = directory / name
        try:
            if now - os.lstat(path).st_mtime < MIN_AGE or os.path.islink(path):
                continue
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # its maker is alive
        try:
            if os.path.isdir(path):
                remove_tree(path)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def staged_file_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.part")


def staged_store_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.(new|old)")


WORK_FOLDER = re.compile(r"scholarkg-[0-9a-f]{12}")
