"""Bounded growth: old articles forgotten with their search entries and not brought back by a
feed that still lists them, delivered alerts trimmed, titles and authors capped, WAL truncated."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.newsroom import Newsroom
from bot.storage import Storage
from bot.storage.articles import MAX_AUTHOR_CHARS, MAX_TITLE_CHARS
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import rss_feed, rss_item

BODY = [
    "The ferry company said the new boats would run every hour from the spring onwards.",
    "Passengers had complained for years about crowded decks and late departures.",
    "The harbour authority approved the timetable at its meeting on Monday evening.",
]


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")


def rfc822(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%a, %d %b %Y %H:%M:%S +0000")


def fts_ok(storage: Storage) -> bool:
    try:
        storage.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError:
        return False
    return True


def test_old_articles_go_with_their_search_entries_unless_an_alert_waits(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "r.db")
    save = storage.articles.save
    old = [
        save(title=f"Old ferry {n}", text="ferry " * 50, points=["p"], published=days_ago(100))
        for n in range(3)
    ]
    waiting = save(
        title="Old ferry waiting", text="ferry " * 50, points=["p"], published=days_ago(120)
    )
    new = save(title="New ferry", text="ferry " * 50, points=["p"], published=days_ago(1))
    storage.subscriptions.ensure_chat(1, "private")
    sub, _ = storage.subscriptions.add(1, "ferry", 0)
    storage.outbox.enqueue([(1, waiting, sub.id), (1, old[0], sub.id)], new)
    storage.outbox.mark_sent([d.id for d in storage.outbox.due(10, 10) if d.article_id == old[0]])

    report = storage.retention.run(days=90)

    assert report.articles == 3
    left = {a.title for a in storage.articles.latest(10)}
    assert left == {"Old ferry waiting", "New ferry"}
    assert {a.title for a in storage.articles.search('"ferry"', 10)} == left
    assert fts_ok(storage)
    assert storage.outbox.counts() == {"sent": 0, "pending": 1, "failed": 0, "folded": 0}
    again = storage.retention.run(days=90)
    assert (again.articles, again.alerts) == (0, 0)
    storage.close()


def test_keep_everything_with_zero_days_and_trim_only_old_delivered_alerts(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "r.db")
    article = storage.articles.save(
        title="Ferry", text="ferry", points=["p"], published=days_ago(400)
    )
    storage.subscriptions.ensure_chat(1, "private")
    storage.subscriptions.ensure_chat(2, "private")
    sub1, _ = storage.subscriptions.add(1, "ferry", 0)
    sub2, _ = storage.subscriptions.add(2, "ferry", 0)
    storage.outbox.enqueue([(1, article, sub1.id), (2, article, sub2.id)], article)
    first, second = storage.outbox.due(10, 10)
    storage.outbox.mark_sent([first.id, second.id])
    storage.db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", [days_ago(8), first.id])
    report = storage.retention.run(days=0)
    assert (report.articles, report.alerts) == (0, 1)
    assert storage.articles.count() == 1 and storage.outbox.counts()["sent"] == 1
    storage.close()


async def test_a_feed_still_listing_a_forgotten_item_does_not_bring_it_back(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    items = [
        rss_item(
            "Ferry timetable approved",
            BODY,
            link="https://news.example.com/ferry",
            guid="ferry",
            date=rfc822(200),
        ),
        rss_item(
            "Harbour boats arrive",
            BODY[1:] + BODY[:1],
            link="https://news.example.com/boats",
            guid="boats",
            date=rfc822(1),
        ),
    ]
    url = http_server.add("/feed", rss_feed(items), content_type="application/rss+xml")
    await newsroom.add_feed_unchecked(url)
    assert (await newsroom.ingest()).articles_new == 2
    report = await newsroom.maintain()
    assert report.articles == 1
    again = await newsroom.ingest()
    assert again.articles_new == 0
    assert [a.title for a in await newsroom.latest(5)] == ["Harbour boats arrive"]


def test_huge_titles_and_authors_are_capped(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "r.db")
    article_id = storage.articles.save(
        title="Very long title " * 70_000, text="text", points=["p"], author="A. Writer " * 1000
    )
    article = storage.articles.get(article_id)
    assert article is not None
    assert len(article.title) == MAX_TITLE_CHARS and article.title.endswith("…")
    assert article.author is not None and len(article.author) <= MAX_AUTHOR_CHARS
    storage.close()


def test_the_checkpoint_empties_the_wal(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "r.db")
    for n in range(300):
        storage.articles.save(title=f"Story {n}", text="Words of the story. " * 100, points=["p"])
    wal = tmp_path / "r.db-wal"
    assert wal.stat().st_size > 100_000
    report = storage.retention.run(days=90)
    assert report.wal_pages > 0 and wal.stat().st_size == 0
    storage.close()
