"""Readers and the ingest writer on one database file at once: nobody sees "database is locked".

`newsbot ingest` runs as real child processes (the writer) while this process reads through a
Newsroom (latest, search, stats) in a loop on the same file, as the bot does while a cron job
ingests.
"""

from __future__ import annotations

from pathlib import Path

from bot.newsroom import Newsroom
from bot.storage import Storage
from tests.support.crash import Child, newsbot_env
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import local_settings

FEEDS = 4
ITEMS = 60  # per feed and per writer run
RUNS = 2  # writer runs in a row, each with new items


def feed_xml(feed: int, run: int) -> str:
    items = "".join(
        f"<item><title>Council story {run}-{n} of feed {feed}</title>"
        f"<link>https://site{feed}.example/{run}/{n}</link><guid>{run}-{n}</guid><description>"
        + " ".join(f"Sentence {k}: the council met about story {n} again." for k in range(6))
        + "</description></item>"
        for n in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>https://site{feed}.example/</link>{items}</channel></rss>"
    )


def serve(server: LocalHTTPServer, run: int) -> list[str]:
    """The feeds, slow to download, with the items of writer run `run`."""
    return [
        server.add(
            f"/feed/{feed}",
            feed_xml(feed, run),
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
                latest = await reader.latest(5)
                found = await reader.search("council story", 20)
                stats = await reader.stats()
                seen.append(stats.articles)
                assert len(latest) == min(5, stats.articles)
                assert len(found) == min(20, stats.articles)
                reads_during_writes += writing
                if not writing:
                    break
            assert writer.wait() == 0, writer.output()
    finally:
        await reader.close()
    assert seen == sorted(seen)  # a reader never sees the count go back
    assert seen[-1] == FEEDS * ITEMS * RUNS
    assert reads_during_writes > 0
