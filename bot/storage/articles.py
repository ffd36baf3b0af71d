"""Where an article is stored: deduplicated upserts, newest-first listing and bm25 search."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from bot.models import Article
from bot.storage.database import utcnow

# The same story on one site is the same article when its titles match within this window.
SAME_STORY_WINDOW = timedelta(days=3)

_SELECT = (
    "SELECT a.id, a.feed_id, a.guid, a.url, a.title, a.author, a.published, a.language, "
    "a.text, a.points, a.fetched_at, coalesce(f.title, a.site) AS source "
    "FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id "
)


@dataclass(slots=True)
class StoredArticle:
    """What deduplication needs to know about an article already stored."""

    id: int
    content_hash: str


def site_of(url: str | None) -> str | None:
    """The site an URL belongs to: its host without `www.`, `m.` or `amp.`."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return re.sub(r"^(www\d?|m|amp|mobile)\.", "", host) or None


def title_key(title: str) -> str:
    """A title reduced to its words, for spotting one story under two URLs."""
    return " ".join(re.findall(r"\w+", title.casefold()))


def content_hash(title: str, text: str) -> str:
    """A fingerprint of what the key points are computed from."""
    return hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _to_article(row: dict[str, Any]) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        text=row["text"],
        points=json.loads(row["points"]),
        feed_id=row["feed_id"],
        source=row["source"],
        guid=row["guid"],
        author=row["author"],
        published=row["published"],
        language=row["language"],
        fetched_at=row["fetched_at"],
    )


class ArticleStore:
    """Stores each story once and finds it again: by id, URL, recency or full-text search."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def find_existing(
        self,
        *,
        feed_id: int | None,
        guid: str | None,
        url: str | None,
        title: str,
        published: str | None,
    ) -> StoredArticle | None:
        """The stored copy of this item: same guid in its feed, same canonical URL, or the
        same title on the same site within a few days."""
        candidates: list[tuple[str, list[Any]]] = []
        if guid and feed_id is not None:
            candidates.append(("feed_id = ? AND guid = ?", [feed_id, guid]))
        if url:
            candidates.append(("url = ?", [url]))
        for where, params in candidates:
            for row in self.db.query(
                f"SELECT id, content_hash FROM articles WHERE {where} LIMIT 1", params
            ):
                return StoredArticle(row["id"], row["content_hash"])
        site, key = site_of(url), title_key(title)
        if not site or not key:
            return None
        when = _parse_time(published)
        for row in self.db.query(
            "SELECT id, content_hash, published FROM articles WHERE site = ? AND title_key = ?",
            [site, key],
        ):
            other = _parse_time(row["published"])
            if when is None or other is None or abs(when - other) <= SAME_STORY_WINDOW:
                return StoredArticle(row["id"], row["content_hash"])
        return None

    def save(
        self,
        *,
        title: str,
        text: str,
        points: list[str],
        url: str | None = None,
        feed_id: int | None = None,
        guid: str | None = None,
        author: str | None = None,
        published: str | None = None,
        language: str | None = None,
        existing_id: int | None = None,
    ) -> int:
        """Insert a new article, or replace the content of `existing_id`; return its id.

        Inside `db.atomic()` the write joins that transaction; else it commits at once.
        """
        now = utcnow()
        record: dict[str, Any] = {
            "title": title,
            "title_key": title_key(title),
            "text": text,
            "content_hash": content_hash(title, text),
            "points": json.dumps(points, ensure_ascii=False),
            "author": author,
            "published": published,
            "language": language,
            "updated_at": now,
        }
        with self.db.atomic():
            if existing_id is not None:
                self.db.table("articles").update(existing_id, record)
                return existing_id
            record |= {
                "feed_id": feed_id,
                "guid": guid,
                "url": url,
                "site": site_of(url),
                "fetched_at": now,
                "sort_at": published or now,
            }
            columns = ", ".join(record)
            marks = ", ".join("?" * len(record))
            cursor = self.db.execute(
                f"INSERT INTO articles ({columns}) VALUES ({marks})", list(record.values())
            )
            return int(cursor.lastrowid or 0)

    def get(self, article_id: int) -> Article | None:
        """The article with this id."""
        rows = list(self.db.query(_SELECT + "WHERE a.id = ?", [article_id]))
        return _to_article(rows[0]) if rows else None

    def get_by_url(self, url: str) -> Article | None:
        """The article stored under this canonical URL."""
        rows = list(self.db.query(_SELECT + "WHERE a.url = ? LIMIT 1", [url]))
        return _to_article(rows[0]) if rows else None

    def latest(self, limit: int, offset: int = 0) -> list[Article]:
        """The newest articles (by publication date, else fetch date)."""
        return [
            _to_article(row)
            for row in self.db.query(
                _SELECT + "ORDER BY a.sort_at DESC, a.id DESC LIMIT ? OFFSET ?", [limit, offset]
            )
        ]

    def latest_matching(self, fts_query: str, limit: int, offset: int = 0) -> list[Article]:
        """The newest articles whose title or text match an FTS5 expression."""
        sql = (
            _SELECT + "WHERE a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) "
            "ORDER BY a.sort_at DESC, a.id DESC LIMIT ? OFFSET ?"
        )
        return [_to_article(row) for row in self.db.query(sql, [fts_query, limit, offset])]

    def search(self, fts_query: str, limit: int, offset: int = 0) -> list[Article]:
        """Articles matching an FTS5 expression, best first (bm25, title weighted)."""
        sql = (
            "WITH hits AS (SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS rank FROM articles_fts "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?) "
            + _SELECT
            + "JOIN hits h ON h.rowid = a.id ORDER BY h.rank"
        )
        return [_to_article(row) for row in self.db.query(sql, [fts_query, limit, offset])]

    def after(self, article_id: int, limit: int = 1000) -> list[Article]:
        """Articles stored after `article_id`, oldest first (for alert matching)."""
        return [
            _to_article(row)
            for row in self.db.query(
                _SELECT + "WHERE a.id > ? ORDER BY a.id LIMIT ?", [article_id, limit]
            )
        ]

    def max_id(self) -> int:
        """The id of the newest stored article (0 when there is none)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def count(self) -> int:
        """How many articles are stored."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
