"""The storage facade: one database, its repositories, opened and closed together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from bot.storage.articles import ArticleStore
from bot.storage.database import open_database
from bot.storage.feeds import FeedStore
from bot.storage.outbox import Outbox
from bot.storage.subscriptions import SubscriptionStore
from bot.storage.transactions import write


class Storage:
    """Everything newsbot keeps, in one SQLite file. Use it from one thread at a time."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.db = open_database(path)
        self.feeds = FeedStore(self.db)
        self.articles = ArticleStore(self.db)
        self.subscriptions = SubscriptionStore(self.db)
        self.outbox = Outbox(self.db)

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction around several stores' writes: all committed, or none
        (nested: a savepoint). Every store's own writes go through the same idiom."""
        with write(self.db) as db:
            yield db

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.db.conn.close()
