"""Open the SQLite file the way every part of newsbot needs it: WAL, busy timeout, migrated."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot.storage.migrations import migrate

WAL_SIZE_LIMIT = 4 * 1024 * 1024  # bytes


class StorageError(Exception):
    """The database cannot be used (unwritable, corrupt, ...); the message is one line."""


def utcnow(plus_seconds: float = 0.0) -> str:
    """Now (or `plus_seconds` from now), as the ISO 8601 UTC text every timestamp column holds."""
    when = datetime.now(UTC) + timedelta(seconds=plus_seconds)
    return when.isoformat(timespec="seconds")


def spot_check(conn: sqlite3.Connection) -> None:
    """Read the first and the last row of every table: a damaged or cut-off file fails here.

    It reads a few pages per table whatever the file's size (PRAGMA quick_check, which it
    replaces at start, reads every page: 5.9 s for a 1.2 GB file). Damage deeper inside a
    table is reported by SQLite when a query reaches it (one line, exit 1, in the CLI).
    """
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND sql NOT LIKE '%WITHOUT ROWID%'"
    ).fetchall()
    for (name,) in tables:
        quoted = '"' + name.replace('"', '""') + '"'
        for order in ("ASC", "DESC"):
            conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid {order} LIMIT 1").fetchall()


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
            # A checkpoint leaves the WAL file at most this big instead of its largest size.
            conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        migrate(db)
        spot_check(conn)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot use database {path}: {exc}") from None
    return db
