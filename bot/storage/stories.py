"""Where an article's story is decided and kept: the grouper's window, loaded from SQLite.

Each process keeps its own StoryGrouper over the articles of the last WINDOW; before every
assignment it reads the articles other processes stored since (by id), so `newsbot ingest`
and `newsbot run` on one file agree. Articles stored before stories existed are grouped once,
the recent ones, when the window is first loaded; older ones stay stories of their own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlite_utils

from bot.storage.transactions import write
from bot.stories import WINDOW, StoryGrouper, fingerprint

# A publication date further ahead than this is taken as now (a feed's clock or typo must
# not push the whole window out).
_FUTURE_SLACK = timedelta(hours=1)
_COLUMNS = "id, story_id, title, text, points, language, sort_at"


def _moment(sort_at: str | None, now: datetime) -> datetime:
    try:
        when = datetime.fromisoformat(sort_at or "")
    except ValueError:
        return now
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(when, now + _FUTURE_SLACK)


class StoryStore:
    """Assigns stored articles to stories (the `story_id` column). One thread at a time."""

    def __init__(self, db: sqlite_utils.Database, window: timedelta = WINDOW) -> None:
        self.db = db
        self.grouper = StoryGrouper(window=window)
        self._loaded = False

    def prepare(self) -> int:
        """Load the window (grouping its articles stored before stories existed, once);
        return how many articles were grouped now."""
        if self._loaded:
            with write(self.db):
                return self._catch_up()
        self._loaded = True
        now = datetime.now(UTC)
        since = (now - self.grouper.window_span).isoformat(timespec="seconds")
        rows = self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE sort_at >= ? ORDER BY sort_at, id", [since]
        ).fetchall()
        with write(self.db):
            grouped = self._take(rows, now)
        last = self.db.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        self.grouper.last_article_id = max(self.grouper.last_article_id, int(last))
        return grouped

    def assign(
        self,
        article_id: int,
        *,
        title: str,
        text: str,
        points: list[str],
        language: str | None,
        sort_at: str,
    ) -> int:
        """Decide the story of a just-inserted article and store it; return the story id."""
        self.prepare()
        now = datetime.now(UTC)
        fp = fingerprint(title, text, points, language)
        story_id = self.grouper.assign(article_id, fp, _moment(sort_at, now))
        self.db.conn.execute(
            "UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id]
        )
        return story_id

    def _catch_up(self) -> int:
        """Add the articles other processes stored since this one last looked."""
        rows = self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM articles WHERE id > ? ORDER BY id",
            [self.grouper.last_article_id],
        ).fetchall()
        return self._take(rows, datetime.now(UTC))

    def _take(self, rows: list[tuple], now: datetime) -> int:
        """Put rows into the window; those without a story are assigned one now."""
        grouped = 0
        for article_id, story_id, title, text, points, language, sort_at in rows:
            fp = fingerprint(title, text, json.loads(points), language)
            when = _moment(sort_at, now)
            if story_id is None:
                story_id = self.grouper.assign(article_id, fp, when)
                self.db.conn.execute(
                    "UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id]
                )
                grouped += 1
            else:
                self.grouper.add(article_id, story_id, fp, when)
        return grouped

    def members(self, story_ids: list[int], per_story: int) -> dict[int, int]:
        """article id -> story id for the newest `per_story` articles of each story (an
        article stored before stories existed is a story of its own, under its id)."""
        found: dict[int, int] = {}
        for story_id in story_ids:
            rows = self.db.conn.execute(
                "SELECT id FROM articles WHERE story_id = ? OR (id = ? AND story_id IS NULL) "
                "ORDER BY id DESC LIMIT ?",
                [story_id, story_id, per_story],
            )
            found.update((article_id, story_id) for (article_id,) in rows)
        return found

    def ranked_since(self, since: str) -> list[int]:
        """Stories with articles published since `since`: most outlets first, then newest."""
        rows = self.db.conn.execute(
            "SELECT coalesce(story_id, id) AS story, "
            "count(DISTINCT coalesce(site, 'feed:' || feed_id, id)) AS outlets, "
            "max(sort_at) AS newest FROM articles WHERE sort_at >= ? "
            "GROUP BY story ORDER BY outlets DESC, newest DESC, story DESC",
            [since],
        )
        return [story for story, _, _ in rows]

    def alerted(self, chat_id: int, story_id: int) -> bool:
        """Whether an article of this story is already in the chat's outbox."""
        row = self.db.conn.execute(
            "SELECT 1 FROM articles a JOIN outbox o ON o.chat_id = ? AND o.article_id = a.id "
            "WHERE a.story_id = ? OR a.id = ? LIMIT 1",
            [chat_id, story_id, story_id],
        ).fetchone()
        return row is not None
