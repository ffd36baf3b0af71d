"""Open the SQLite file the way every part of newsbot needs it: WAL, busy timeout, migrated."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot.storage.migrations import migrate


class StorageError(Exception):
    """The database cannot be used (unwritable, corrupt, ...); the message is one line."""


def utcnow(plus_seconds: float = 0.0) -> str:
    """Now (or `plus_seconds` from now), as the ISO 8601 UTC text every timestamp column holds."""
    when = datetime.now(UTC) + timedelta(seconds=plus_seconds)
    return when.isoformat(timespec="seconds")


def open_database(path: str | Path = ":memory:") -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at `path`.

    The connection may be used from another thread than the one that opened it, but only
    from one thread at a time: callers serialise access (see bot.newsroom).
    """
    memory = str(path) == ":memory:"
    if not memory:
        parent = Path(path).expanduser().resolve().parent
        if not parent.is_dir():
            raise StorageError(f"cannot open database {path}: folder {parent} does not exist")
    try:
        conn = sqlite3.connect(
            ":memory:" if memory else str(path), check_same_thread=False, timeout=10.0
        )
        conn.execute("PRAGMA busy_timeout = 10000")
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        migrate(db)
        (verdict,) = conn.execute("PRAGMA quick_check(1)").fetchone()
        if verdict != "ok":
            detail = " ".join(str(verdict).replace("*", "").split())
            raise sqlite3.DatabaseError(f"database disk image is malformed ({detail})")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot use database {path}: {exc}") from None
    return db
