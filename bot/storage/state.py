"""Small named values kept between runs (cursors, one-time lists): one row per key in `state`."""

from __future__ import annotations

import sqlite_utils

from bot.storage.transactions import write


def get_state(db: sqlite_utils.Database, key: str) -> str | None:
    """The value stored under `key`, or None."""
    row = db.execute("SELECT value FROM state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    """Store `value` under `key`, replacing what was there (joins an open transaction)."""
    with write(db):
        db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
