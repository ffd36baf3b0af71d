"""The feeds followed: what to poll, when, and how the last poll went."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from bot.storage.database import utcnow
from bot.storage.state import get_state, set_state
from bot.storage.transactions import write

CONFIGURED = "feeds.configured"


@dataclass(slots=True)
class Feed:
    """A followed feed and the state of its polling."""

    id: int
    url: str
    title: str | None
    etag: str | None
    last_modified: str | None
    ttl_seconds: int | None
    last_status: str | None
    last_error: str | None
    failures: int
    last_polled_at: str | None
    next_poll_at: str | None
    added_at: str
    last_ok_at: str | None = None
    articles: int = 0

    @property
    def healthy(self) -> bool:
        """True unless the last poll failed."""
        return self.failures == 0

    @property
    def never_polled(self) -> bool:
        """No poll of this feed has worked yet: the next one is its first."""
        return self.last_ok_at is None

    def failing_for(self, now: datetime | None = None) -> timedelta | None:
        """How long the feed has been failing (since its last good poll, or since it was
        added), or None when it is healthy."""
        if self.healthy:
            return None
        since = datetime.fromisoformat(self.last_ok_at or self.added_at)
        return max((now or datetime.now(UTC)) - since, timedelta(0))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Feed:
        """Build from a `feeds` row (with an optional `articles` count)."""
        return cls(**{k: row.get(k) for k in cls.__slots__ if k in row})  # type: ignore[arg-type]


class FeedStore:
    """Adds, lists and removes feeds; records each poll's outcome and schedules the next."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def add(self, url: str, title: str | None = None) -> tuple[Feed, bool]:
        """Follow `url`; return the feed and whether it was new (a removed feed comes back
        with its articles, to be polled at once)."""
        with write(self.db):
            existing = self.get_by_url(url)
            if existing:
                return existing, False
            self.db.execute(
                "INSERT INTO feeds (url, title, failures, added_at) VALUES (?, ?, 0, ?) "
                "ON CONFLICT(url) DO UPDATE SET removed_at = NULL, failures = 0, "
                "last_error = NULL, next_poll_at = NULL, title = coalesce(feeds.title, ?)",
                [url, title, utcnow(), title],
            )
            feed = self.get_by_url(url)
        assert feed is not None
        return feed, True

    def add_configured(self, urls: tuple[str, ...]) -> list[Feed]:
        """Follow configured feeds not added before: a feed the user removed stays removed."""
        with write(self.db):
            known = set(json.loads(get_state(self.db, CONFIGURED) or "[]"))
            added = [self.add(url)[0] for url in urls if url not in known]
            set_state(self.db, CONFIGURED, json.dumps(sorted(known | set(urls))))
        return added

    def get(self, feed_id: int) -> Feed | None:
        """The feed with this id, if followed."""
        rows = self._select("AND f.id = ?", [feed_id])
        return rows[0] if rows else None

    def get_by_url(self, url: str) -> Feed | None:
        """The feed with this URL, if followed."""
        rows = self._select("AND f.url = ?", [url])
        return rows[0] if rows else None

    def all(self) -> list[Feed]:
        """Every followed feed, oldest first, with its article count."""
        return self._select("", [])

    def due(self, now: str | None = None) -> list[Feed]:
        """Feeds whose next poll time is `now` or earlier (or was never set)."""
        return self._select(
            "AND (f.next_poll_at IS NULL OR f.next_poll_at <= ?)", [now or utcnow()]
        )

    def published_dates(self, feed_id: int, limit: int) -> list[str]:
        """The publication dates of a feed's newest `limit` dated articles, newest first."""
        rows = self.db.execute(
            "SELECT published FROM articles WHERE feed_id = ? AND published IS NOT NULL "
            "ORDER BY published DESC LIMIT ?",
            [feed_id, limit],
        )
        return [published for (published,) in rows]

    def remove(self, feed_id: int) -> bool:
        """Stop following a feed; its articles stay, with their source. True if it was followed."""
        with write(self.db):
            cursor = self.db.execute(
                "UPDATE feeds SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                [utcnow(), feed_id],
            )
        return cursor.rowcount > 0

    def move(self, feed_id: int, url: str, title: str | None) -> Feed | None:
        """Poll feed `feed_id` at `url` from now on (at once); None if `url` is followed already
        (the feed is then removed: the other one is it)."""
        with write(self.db):
            if self.get_by_url(url) is not None:
                self.remove(feed_id)
                return None
            self.db.execute("DELETE FROM feeds WHERE url = ? AND removed_at IS NOT NULL", [url])
            self.db.execute(
                "UPDATE feeds SET url = ?, title = coalesce(?, title), failures = 0, "
                "last_error = NULL, last_status = NULL, next_poll_at = NULL WHERE id = ?",
                [url, title, feed_id],
            )
            return self.get(feed_id)

    def record_success(
        self,
        feed_id: int,
        *,
        status: str,
        next_poll_at: str,
        title: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        ttl_seconds: int | None = None,
    ) -> None:
        """A poll worked: clear failures and schedule the next one (see bot.ingest.schedule)."""
        now = utcnow()
        updates: dict[str, Any] = {
            "last_status": status,
            "last_error": None,
            "failures": 0,
            "last_polled_at": now,
            "last_ok_at": now,
            "next_poll_at": next_poll_at,
        }
        if title:
            updates["title"] = title
        if etag is not None:
            updates["etag"] = etag
        if last_modified is not None:
            updates["last_modified"] = last_modified
        if ttl_seconds is not None:
            updates["ttl_seconds"] = ttl_seconds
        with write(self.db):
            self.db.table("feeds").update(feed_id, updates)

    def record_failure(self, feed_id: int, error: str, *, next_poll_at: str) -> int:
        """A poll failed: count it, schedule the next try; return the failures in a row."""
        with write(self.db):
            self.db.execute(
                "UPDATE feeds SET last_status = 'error', last_error = ?, "
                "failures = failures + 1, last_polled_at = ?, next_poll_at = ? WHERE id = ?",
                [error[:500], utcnow(), next_poll_at, feed_id],
            )
        row = self.db.execute("SELECT failures FROM feeds WHERE id = ?", [feed_id]).fetchone()
        return int(row[0]) if row else 0

    def _select(self, where: str, params: list[Any]) -> list[Feed]:
        """Followed (not removed) feeds, `where` adding conditions ("AND ...")."""
        sql = (
            "SELECT f.*, (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS articles "
            f"FROM feeds f WHERE f.removed_at IS NULL {where} ORDER BY f.id"
        )
        return [Feed.from_row(row) for row in self.db.query(sql, params)]
