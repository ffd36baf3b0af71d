"""Bounded growth: old articles forgotten (their search index with them), old outbox rows
trimmed, and the WAL checkpointed, on a schedule (see bot.telegram.app's maintenance job).

A forgotten article leaves a small key behind (its feed and guid, its canonical URL), so a feed
that still lists the item does not bring it back as new at the next poll; the keys themselves
go after FORGOTTEN_KEEP_DAYS. An article with an alert still waiting to be sent is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from bot.storage.database import utcnow
from bot.storage.transactions import write

DAY = 24 * 3600
OUTBOX_KEEP_DAYS = 7  # sent and failed alerts are trimmed after this long
FORGOTTEN_KEEP_DAYS = 365
BATCH = 500  # articles deleted per transaction, so readers and writers are never held long


@dataclass(slots=True)
class RetentionReport:
    """What one maintenance pass removed."""

    articles: int = 0
    alerts: int = 0
    keys: int = 0
    wal_pages: int = 0  # WAL pages written back by the checkpoint

    def summary(self) -> str:
        return (
            f"forgot {self.articles} old articles, trimmed {self.alerts} delivered alerts "
            f"and {self.keys} old keys; checkpointed {self.wal_pages} WAL pages"
        )


class Retention:
    """Removes what is older than the configured number of days."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def run(self, days: int) -> RetentionReport:
        """One pass: forget articles older than `days` (0: keep them all), trim the outbox and
        the forgotten keys, checkpoint the WAL."""
        report = RetentionReport()
        if days > 0:
            report.articles = self.forget_articles(utcnow(-days * DAY))
        report.alerts = self._delete(
            "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'folded') "
            "AND coalesce(sent_at, created_at) < ?",
            utcnow(-OUTBOX_KEEP_DAYS * DAY),
        )
        report.keys = self._delete(
            "DELETE FROM forgotten WHERE forgotten_at < ?", utcnow(-FORGOTTEN_KEEP_DAYS * DAY)
        )
        report.wal_pages = self.checkpoint()
        return report

    def forget_articles(self, before: str) -> int:
        """Delete articles sorted before `before` (ISO time) in batches; return how many."""
        total = 0
        while True:
            with write(self.db):
                ids = [
                    row[0]
                    for row in self.db.execute(
                        "SELECT id FROM articles WHERE sort_at < ? AND id NOT IN "
                        "(SELECT article_id FROM outbox WHERE status = 'pending') LIMIT ?",
                        [before, BATCH],
                    )
                ]
                if not ids:
                    return total
                marks = ",".join("?" * len(ids))
                self.db.execute(
                    "INSERT OR REPLACE INTO forgotten (id, feed_id, guid, url, forgotten_at) "
                    f"SELECT id, feed_id, guid, url, ? FROM articles WHERE id IN ({marks})",
                    [utcnow(), *ids],
                )
                self.db.execute(f"DELETE FROM outbox WHERE article_id IN ({marks})", ids)
                # The FTS index follows through the articles table's delete trigger.
                self.db.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids)
            total += len(ids)

    def checkpoint(self) -> int:
        """Write the WAL back into the database and truncate it; return the pages written."""
        # TRUNCATE reports an empty log once it is done: PASSIVE first says how much it held.
        _, _, written = self.db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return max(0, int(written))

    def _delete(self, sql: str, *params: object) -> int:
        with write(self.db):
            return int(self.db.execute(sql, list(params)).rowcount)
