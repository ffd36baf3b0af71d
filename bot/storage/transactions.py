"""The one way newsbot writes to its database: `write(db)` (also `Storage.write()`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction: everything inside is committed together, or not at all.

    The outermost one starts with BEGIN IMMEDIATE: it holds the write lock from its start,
    so its reads cannot be outdated by another process's write before its own first write
    (which SQLite refuses at once with "database is locked"); another writer makes it wait
    (busy timeout) instead. Nested inside another transaction it is a savepoint
    (sqlite-utils' `atomic()`): a failure inside undoes only its own writes, and they are
    committed only when the outermost transaction is.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:  # an error may have ended it already
            db.conn.rollback()
        raise
    try:
        db.conn.commit()
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise
