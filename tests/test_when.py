"""Publication times: dates in other languages read, times shown relative to now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.ingest.feeds import parse_feed
from bot.models import Article, FeedItem
from bot.storage import Storage
from bot.telegram.render import render_article
from bot.when import parse_date, published_label
from tests.support.feeds import rss

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("published", "label"),
    [
        ("2026-12-04T11:59:30+00:00", "just now"),
        ("2026-12-04T11:35:00+00:00", "25 min ago"),
        ("2026-12-04T09:10:00+00:00", "2 h ago"),
        ("2026-12-04T12:55:00+01:00", "5 min ago"),  # another zone: 11:55 UTC
        ("2026-12-04T00:00:00+00:00", "today"),  # a date without its time of day
        ("2026-12-03T18:40:00+00:00", "yesterday 18:40"),
        ("2026-12-03T00:00:00+00:00", "yesterday"),
        ("2026-11-30T09:15:00+00:00", "Mon 09:15"),
        ("2026-11-03T18:40:00+00:00", "3 Nov 18:40"),
        ("2024-03-05T18:40:00+00:00", "5 Mar 2024"),
        ("2026-11-03T00:00:00+00:00", "3 Nov 2026"),
        ("not a date", ""),
        (None, ""),
    ],
)
def test_published_label(published: str | None, label: str) -> None:
    assert published_label(published, NOW) == label


def test_render_shows_the_time_relative_to_now() -> None:
    published = datetime.now(UTC).replace(microsecond=0).isoformat()
    article = Article(id=7, title="T", url=None, text="", points=[], published=published)
    article.source = "Site"
    assert "<i>Site · just now · #7</i>" in render_article(article)


@pytest.mark.parametrize(
    ("written", "language", "iso"),
    [
        ("Seg, 24 Set 2018 10:15:00 -0300", "pt", "2018-09-24T13:15:00+00:00"),
        ("Seg, 24 Set 2018 10:15:00 -0300", None, "2018-09-24T13:15:00+00:00"),
        ("3 декабря 2026, 18:40", None, "2026-12-03T18:40:00+00:00"),
        ("2026년 12월 3일 18:40", "ko", "2026-12-03T18:40:00+00:00"),
        ("Seg, 24 Set 2018 10:15:00 -0300", "xx", "2018-09-24T13:15:00+00:00"),  # bad code
    ],
)
def test_parse_date(written: str, language: str | None, iso: str) -> None:
    found = parse_date(written, language)
    assert found is not None and found.isoformat() == iso


@pytest.mark.parametrize("written", ["", "soon", "Set 2018", "x" * 200])
def test_parse_date_refuses_what_is_no_full_date(written: str) -> None:
    assert parse_date(written) is None


def _store(storage: Storage, items: list[FeedItem]) -> None:
    for item in items:
        storage.articles.save(
            title=item.title, text=item.text, points=[], url=item.url, published=item.published
        )


def test_dated_feed_in_portuguese_does_not_lead_latest(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "news.db")
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    newest = rss(
        f"<item><title>Newest</title><link>https://a.example/1</link><pubDate>{hour_ago}"
        "</pubDate><description>Text.</description></item>"
    )
    uol = rss(
        "<language>pt-br</language>"
        + "".join(
            f"<item><title>Notícia {n}</title><link>https://uol.example/{n}</link>"
            f"<pubDate>Seg, 24 Set 2018 10:1{n}:00 -0300</pubDate><description>Texto.</description>"
            "</item>"
            for n in range(3)
        )
    )
    _store(storage, parse_feed(newest.encode(), "https://a.example/feed").items)
    _store(storage, parse_feed(uol.encode(), "https://uol.example/feed").items)
    titles = [a.title for a in storage.articles.latest(4)]
    assert titles == ["Newest", "Notícia 2", "Notícia 1", "Notícia 0"]


def test_undated_item_ranks_by_first_seen_never_above_newer_news(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "news.db")
    undated = FeedItem(title="Undated", text="Text.", url="https://b.example/u")
    older = FeedItem(title="Older", text="Text.", url="https://b.example/o")
    older.published = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    _store(storage, [undated, older])
    newer = FeedItem(title="Newer", text="Text.", url="https://b.example/n")
    newer.published = datetime.now(UTC).isoformat(timespec="seconds")
    _store(storage, [newer])
    assert [a.title for a in storage.articles.latest(3)] == ["Newer", "Undated", "Older"]
    [stored] = [a for a in storage.articles.latest(3) if a.title == "Undated"]
    assert stored.published is None  # shown undated, ranked by when it was first seen
