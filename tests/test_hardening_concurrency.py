"""Readers and ingest writers on one database file at once: nobody sees "database is locked".

`newsbot ingest` runs as real child processes (the writers) while this process reads through a
Newsroom (latest, search, stats) in a loop on the same file, as the bot does while a cron job
ingests; and three writers run at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.newsroom import Newsroom
from bot.storage import Storage
from tests.support.crash import Child, newsbot_env
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import local_settings

FEEDS = 4
ITEMS = 60  # per feed and per writer run
RUNS = 2  # writer runs in a row, each with new items


def feed_xml(server: LocalHTTPServer, feed: int, run: int) -> str:
    """Full-text items (no page is fetched), linking to this server only."""
    body = " ".join(
        f"Sentence {k}: the council met again about the harbour plan." for k in range(8)
    )
    items = "".join(
        f"<item><title>Council story {run}-{n} of feed {feed}</title>"
        f"<link>{server.url(f'/story/{feed}/{run}/{n}')}</link><guid>{run}-{n}</guid>"
        f"<description>{body}</description></item>"
        for n in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>{server.base_url}/</link>{items}</channel></rss>"
    )


def serve(server: LocalHTTPServer, run: int) -> list[str]:
    """The feeds, slow to download, with the items of writer run `run`."""
    return [
        server.add(
            f"/feed/{feed}",
            feed_xml(server, feed, run),
            content_type="application/rss+xml",
            drip=0.02,
            chunk_size=2048,
        )
        for feed in range(FEEDS)
    ]


async def test_readers_and_the_ingest_writer_never_lock_each_other_out(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    db = tmp_path / "shared.db"
    storage = Storage(db)
    for url in serve(http_server, 0):
        storage.feeds.add(url)
    storage.close()
    reader = Newsroom(local_settings(tmp_path, db_path=str(db)))
    await reader.open()
    seen: list[int] = []  # articles stored, as each read saw it
    reads_during_writes = 0
    try:
        for run in range(RUNS):
            serve(http_server, run)
            writer = Child(["ingest"], newsbot_env(db), tmp_path, f"writer-{run}")
            while True:  # read at least once, then for as long as the writer runs
                writing = writer.running()
                before = seen[-1] if seen else 0
                latest = await reader.latest(5)
                found = await reader.search("council story", 20)
                seen.append((await reader.stats()).articles)
                assert len(latest) >= min(5, before) and len(found) >= min(20, before)
                reads_during_writes += writing
                if not writing:
                    break
                await asyncio.sleep(0.005)
            assert writer.wait() == 0, writer.output()
    finally:
        await reader.close()
    assert seen == sorted(seen)  # a reader never sees the count go back
    assert seen[-1] == FEEDS * ITEMS * RUNS
    assert reads_during_writes > 0


def test_ingest_writers_at_once_neither_fail_nor_duplicate(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    """The bot's own polling, a cron `newsbot ingest` and a manual one may overlap, storing
    the same new items at the same time: each feed's save waits for the others', never fails.
    """
    db = tmp_path / "shared.db"
    storage = Storage(db)
    for url in serve(http_server, 0):
        storage.feeds.add(url)
    storage.close()
    writers = [Child(["ingest"], newsbot_env(db), tmp_path, f"writer-{n}") for n in range(3)]
    for writer in writers:
        assert writer.wait() == 0, writer.output()
        assert "locked" not in writer.output()
    with closing(sqlite3.connect(db)) as conn:
        guids = [row[0] for row in conn.execute("SELECT feed_id || '/' || guid FROM articles")]
    assert len(guids) == len(set(guids)) == FEEDS * ITEMS
