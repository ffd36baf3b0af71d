"""One `newsbot run` per database: an OS file lock beside the database file.

The lock is `flock` on `<database>.lock`, which the kernel releases when the process exits
however it exits (a crash or SIGKILL included), so a dead bot never keeps a new one from
starting. The file holds the owner's pid, for the message the second bot prints.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage.database import StorageError


def lock_path(db_path: str | Path) -> Path:
    """The lock file of a database."""
    return Path(f"{Path(db_path).expanduser()}.lock")


@contextmanager
def single_instance(db_path: str | Path) -> Iterator[None]:
    """Hold the database's run lock; StorageError (one line) if another process holds it."""
    if str(db_path) == ":memory:":
        yield
        return
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StorageError(f"cannot create the lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise StorageError(
                f"another newsbot run (pid {owner}) is already using {db_path}: "
                "stop it first, or point NEWSBOT_DB at another file"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
