"""Where an article is stored: deduplicated upserts, newest-first listing and bm25 search."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from bot.models import Article, FeedItem
from bot.storage.database import utcnow
from bot.storage.stories import StoryStore
from bot.storage.transactions import write

# The same story on one site is the same article when its titles match within this window.
SAME_STORY_WINDOW = timedelta(days=3)
MAX_TITLE_CHARS = 500  # a feed's 1 MB "title" is stored (and shown) cut to this, with "…"
MAX_AUTHOR_CHARS = 200

_SELECT = (
    "SELECT a.id, a.feed_id, a.guid, a.url, a.title, a.author, a.published, a.language, "
    "a.text, a.points, a.fetched_at, coalesce(f.title, a.site_name, a.site) AS source, "
    "coalesce(a.story_id, a.id) AS story, a.link, a.origin "
    "FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id "
)
# Pages fetched for /summary are cached as articles but listed nowhere (partial index).
_PAGES = "SELECT id FROM articles WHERE origin = 'page'"
_MATCHES = f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid NOT IN ({_PAGES})"
_NEWEST_FIRST = "ORDER BY sort_at DESC, id DESC"
# latest_matching looks each match up when there are at most this many; else it walks the
# recency index, which pays off once matches are not too rare among the newest articles.
FEW_MATCHES = 500
# ... and when more than 1 article in this many matches, it walks that index a chunk at a time
# instead of listing every match first (listing costs about 0.3 µs a match).
COMMON_MATCH = 10
# search ranks the newest this many matches (bm25 costs about a microsecond per match).
SEARCH_WINDOW = 2000
_RECENCY = "idx_articles_sort_at"  # articles(sort_at), from migration 0001
_SORT_LOOKUP = "idx_articles_id_sort_at"  # articles(id, sort_at), from migration 0003


@dataclass(slots=True)
class StoredArticle:
    """What deduplication needs to know about an article already stored."""

    id: int
    content_hash: str
    origin: str = "feed"


def site_of(url: str | None) -> str | None:
    """The site an URL belongs to: its host without `www.`, `m.` or `amp.`."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return re.sub(r"^(www\d?|m|amp|mobile)\.", "", host) or None


def title_key(title: str) -> str:
    """A title reduced to its words, for spotting one story under two URLs."""
    return " ".join(re.findall(r"\w+", title.casefold()))


def capped(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut marked with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def content_hash(title: str, text: str) -> str:
    """A fingerprint of what the key points are computed from (the title as stored, capped)."""
    return hashlib.sha1(f"{capped(title, MAX_TITLE_CHARS)}\n{text}".encode()).hexdigest()


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _to_article(row: Sequence[Any]) -> Article:
    """An Article from a row of _SELECT."""
    article_id, feed_id, guid, url, title, author, published, language = row[:8]
    text, points, fetched_at, source, story, link, origin = row[8:]
    return Article(
        id=article_id,
        title=title,
        url=url,
        text=text,
        points=json.loads(points),
        feed_id=feed_id,
        source=source,
        guid=guid,
        author=author,
        published=published,
        language=language,
        fetched_at=fetched_at,
        story_id=story,
        link=link,
        origin=origin,
    )


class ArticleStore:
    """Stores each story once and finds it again: by id, URL, recency or full-text search."""

    def __init__(self, db: sqlite_utils.Database, stories: StoryStore | None = None) -> None:
        self.db = db
        self.stories = stories

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
                f"SELECT id, content_hash, origin FROM articles WHERE {where} LIMIT 1", params
            ):
                return StoredArticle(row["id"], row["content_hash"], row["origin"])
        site, key = site_of(url), title_key(title)
        if not site or not key:
            return None
        when = _parse_time(published)
        for row in self.db.query(
            "SELECT id, content_hash, origin, published FROM articles "
            "WHERE site = ? AND title_key = ?",
            [site, key],
        ):
            other = _parse_time(row["published"])
            if when is None or other is None or abs(when - other) <= SAME_STORY_WINDOW:
                return StoredArticle(row["id"], row["content_hash"], row["origin"])
        return None

    def upsert(
        self,
        item: FeedItem,
        points: list[str],
        *,
        url: str | None,
        feed_id: int | None = None,
        replace: bool = True,
        origin: str = "feed",
        link: str | None = None,
    ) -> tuple[int, bool]:
        """Store an article once, in one transaction: look for its stored copy (find_existing,
        with `url` its canonical address), then insert it, or replace that copy's content
        (`replace=False`: keep the copy as it is). Return its id and whether it is new.
        `origin` and `link` are as for `save`."""
        with write(self.db):
            existing = self.find_existing(
                feed_id=feed_id,
                guid=item.guid,
                url=url,
                title=item.title,
                published=item.published,
            )
            if existing is not None and not replace:
                return existing.id, False
            article_id = self.save(
                title=item.title,
                text=item.text,
                points=points,
                url=url,
                feed_id=feed_id,
                guid=item.guid,
                author=item.author,
                published=item.published,
                language=item.language,
                site_name=item.site_name,
                existing_id=existing.id if existing else None,
                origin=origin,
                link=link,
            )
        return article_id, existing is None

    def was_forgotten(self, *, feed_id: int | None, guid: str | None, url: str | None) -> bool:
        """Whether retention removed this item (same guid in its feed, or same URL)."""
        keys: list[tuple[str, list[Any]]] = []
        if guid and feed_id is not None:
            keys.append(("feed_id = ? AND guid = ?", [feed_id, guid]))
        if url:
            keys.append(("url = ?", [url]))
        return any(
            self.db.execute(f"SELECT 1 FROM forgotten WHERE {where} LIMIT 1", params).fetchone()
            for where, params in keys
        )

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
        site_name: str | None = None,
        existing_id: int | None = None,
        origin: str = "feed",
        link: str | None = None,
    ) -> int:
        """Insert a new article, or replace the content of `existing_id`; return its id.

        `origin` is "feed", "first_poll" or "page" (fetched for /summary: listed nowhere);
        a feed that publishes a page already cached makes it that feed's article. `link` is
        the address as published (`url` the canonical one). Inside a write transaction
        (`write(db)`) it joins it; else it commits at once.
        """
        now = utcnow()
        title = capped(title, MAX_TITLE_CHARS)
        author = capped(author, MAX_AUTHOR_CHARS) if author else author
        record: dict[str, Any] = {
            "title": title,
            "title_key": title_key(title),
            "text": text,
            "content_hash": content_hash(title, text),
            "points": json.dumps(points, ensure_ascii=False),
            "author": author,
            "published": published,
            "language": language,
            "site_name": site_name,
            "updated_at": now,
        }
        if link:
            record["link"] = link
        with write(self.db):
            if existing_id is not None:
                self.db.table("articles").update(existing_id, record)
                if origin != "page":
                    self.claim(existing_id, feed_id, origin)
                return existing_id
            record |= {
                "feed_id": feed_id,
                "guid": guid,
                "url": url,
                "site": site_of(url),
                "fetched_at": now,
                "sort_at": published or now,
                "origin": origin,
            }
            columns = ", ".join(record)
            marks = ", ".join("?" * len(record))
            cursor = self.db.execute(
                f"INSERT INTO articles ({columns}) VALUES ({marks})", list(record.values())
            )
            article_id = int(cursor.lastrowid or 0)
            if self.stories is not None:
                self.stories.assign(
                    article_id,
                    title=title,
                    text=text,
                    points=points,
                    language=language,
                    sort_at=record["sort_at"],
                )
            return article_id

    def claim(self, article_id: int, feed_id: int | None, origin: str) -> None:
        """A feed publishes a page that was read for /summary: it becomes that feed's
        article (listed from now on; never alerted, being known already)."""
        with write(self.db):
            self.db.execute(
                "UPDATE articles SET feed_id = ?, origin = ? WHERE id = ? AND origin = 'page'",
                [feed_id, origin, article_id],
            )

    def get(self, article_id: int) -> Article | None:
        """The article with this id."""
        found = self._articles("WHERE a.id = ?", [article_id])
        return found[0] if found else None

    def get_by_url(self, url: str) -> Article | None:
        """The article stored under this canonical URL."""
        found = self._articles("WHERE a.url = ? LIMIT 1", [url])
        return found[0] if found else None

    def latest(self, limit: int, offset: int = 0) -> list[Article]:
        """The newest articles (by publication date, else fetch date), pages fetched for
        /summary left out."""
        return self._articles(
            "WHERE a.origin != 'page' ORDER BY a.sort_at DESC, a.id DESC LIMIT ? OFFSET ?",
            [limit, offset],
        )

    def latest_matching(self, fts_query: str, limit: int, offset: int = 0) -> list[Article]:
        """The newest articles whose title or text match an FTS5 expression."""
        return self.many(self._newest_matching(fts_query, offset + limit)[offset:])

    def search(self, fts_query: str, limit: int, offset: int = 0) -> list[Article]:
        """Articles matching an FTS5 expression, best first (bm25, title weighted).

        Only the SEARCH_WINDOW most recently stored matches are ranked, so a query matching
        most of a large archive costs no more than one matching a few thousand articles.
        """
        oldest = None  # an archive no bigger than the window is ranked whole
        if self.max_id() > SEARCH_WINDOW:
            oldest = self.db.conn.execute(
                _MATCHES + " ORDER BY rowid DESC LIMIT 1 OFFSET ?", [fts_query, SEARCH_WINDOW - 1]
            ).fetchone()
        return self._articles(
            "JOIN hits h ON h.rowid = a.id ORDER BY h.rank",
            [fts_query, oldest[0] if oldest else 0, limit, offset],
            before="WITH hits AS (SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS rank "
            "FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ? "
            f"AND rowid NOT IN ({_PAGES}) ORDER BY rank LIMIT ? OFFSET ?) ",
        )

    def after(self, article_id: int, limit: int = 1000) -> list[Article]:
        """Articles stored after `article_id`, oldest first (for alert matching)."""
        return self._articles("WHERE a.id > ? ORDER BY a.id LIMIT ?", [article_id, limit])

    def _articles(self, rest: str, params: Sequence[object], before: str = "") -> list[Article]:
        """Articles selected by `rest` (WHERE/ORDER BY/LIMIT) after _SELECT, with `before`
        (a WITH clause) ahead of it. Reads go to the connection: no savepoint is needed."""
        return [_to_article(row) for row in self.db.conn.execute(before + _SELECT + rest, params)]

    def many(self, ids: list[int]) -> list[Article]:
        """The articles with these ids, in the order given."""
        marks = ",".join("?" * len(ids))
        found = {a.id: a for a in self._articles(f"WHERE a.id IN ({marks})", ids)} if ids else {}
        return [found[i] for i in ids if i in found]

    def _first_matches(self, fts_query: str, count: int) -> list[int]:
        """Up to `count` matching ids, in no useful order (FTS5's cheapest)."""
        rows = self.db.conn.execute(_MATCHES + " LIMIT ?", [fts_query, count])
        return [article_id for (article_id,) in rows]

    def _more_matches_than(self, fts_query: str, count: int) -> bool:
        sql = _MATCHES + " LIMIT 1 OFFSET ?"
        return self.db.conn.execute(sql, [fts_query, count]).fetchone() is not None

    def _newest_matching(self, fts_query: str, wanted: int) -> list[int]:
        """The ids of the `wanted` newest matches, newest first.

        Up to FEW_MATCHES matches are each looked up (in the id + sort_at index); more are
        listed once, then the recency index is walked until enough turn up; the commonest
        are found by walking that index a chunk at a time, asking FTS5 only about the id
        range of each chunk.
        """
        conn = self.db.conn
        few = self._first_matches(fts_query, FEW_MATCHES + 1)
        if len(few) <= FEW_MATCHES:
            marks = ",".join("?" * len(few))
            sql = f"SELECT id FROM articles INDEXED BY {_SORT_LOOKUP} WHERE id IN ({marks}) "
            params: list[object] = [*few, wanted]
        elif not self._more_matches_than(fts_query, self.max_id() // COMMON_MATCH):
            sql = f"SELECT id FROM articles INDEXED BY {_RECENCY} WHERE id IN ({_MATCHES}) "
            params = [fts_query, wanted]
        else:
            return self._newest_matching_by_chunks(fts_query, wanted)
        rows = conn.execute(sql + _NEWEST_FIRST + " LIMIT ?", params)
        return [article_id for (article_id,) in rows]

    def _newest_matching_by_chunks(self, fts_query: str, wanted: int) -> list[int]:
        conn = self.db.conn
        found: list[int] = []
        position: list[object] = []  # (sort_at, id) of the last article looked at
        where, chunk = "", max(wanted * COMMON_MATCH, 100)
        while len(found) < wanted:
            rows = conn.execute(
                f"SELECT sort_at, id FROM articles INDEXED BY {_RECENCY} {where} "
                f"{_NEWEST_FIRST} LIMIT ?",
                [*position, chunk],
            ).fetchall()
            if not rows:
                break
            ids = [article_id for _, article_id in rows]
            hits = {
                article_id
                for (article_id,) in conn.execute(
                    _MATCHES + " AND rowid BETWEEN ? AND ?", [fts_query, min(ids), max(ids)]
                )
            }
            found += [article_id for article_id in ids if article_id in hits]
            where, position, chunk = "WHERE (sort_at, id) < (?, ?)", list(rows[-1]), chunk * 2
        return found[:wanted]

    def max_id(self) -> int:
        """The id of the newest stored article (0 when there is none)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def count(self) -> int:
        """How many articles are stored."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
