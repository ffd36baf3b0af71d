"""The storage facade: one database, its repositories, opened and closed together."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from bot.storage.articles import ArticleStore
from bot.storage.database import open_database
from bot.storage.digests import DigestStore
from bot.storage.feeds import FeedStore
from bot.storage.outbox import Outbox
from bot.storage.retention import Retention
from bot.storage.stories import StoryStore
from bot.storage.subscriptions import SubscriptionStore
from bot.storage.transactions import write


class Storage:
    """Everything newsbot keeps, in one SQLite file. Use it from one thread at a time."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.db = open_database(path)
        self._identity = None if self.path == ":memory:" else _identity(self.path)
        self.feeds = FeedStore(self.db)
        self.stories = StoryStore(self.db)
        self.articles = ArticleStore(self.db, self.stories)
        self.subscriptions = SubscriptionStore(self.db)
        self.outbox = Outbox(self.db)
        self.retention = Retention(self.db)
        self.digests = DigestStore(self.db)

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction around several stores' writes: all committed, or none
        (nested: a savepoint). Every store's own writes go through the same idiom."""
        with write(self.db) as db:
            yield db

    def file_problem(self) -> str | None:
        """Why the file this storage opened is no longer the one at its path (None: it is).

        SQLite keeps using an open file after it is deleted or replaced, so without this
        check the bot would go on writing where nobody will ever read it.
        """
        if self._identity is None:
            return None
        try:
            identity = _identity(self.path)
        except FileNotFoundError:
            return f"the database file {self.path} was deleted while newsbot was using it"
        except OSError as exc:
            return f"the database file {self.path} cannot be checked: {exc.strerror}"
        if identity != self._identity:
            return f"the database file {self.path} was replaced while newsbot was using it"
        return None

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.db.conn.close()


def _identity(path: str) -> tuple[int, int]:
    """The device and inode of a file: what a copy or replacement does not share."""
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino
