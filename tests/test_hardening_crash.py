"""SIGKILL during `newsbot ingest` loses nothing: after the kills one complete run stores every
item exactly once, queues each alert once, and leaves the database intact.

The child is a real `python -m bot ingest` on a temp database; the feeds come slowly from a
server in this process. In each killed run one feed is held back until the kill, so the child
is always alive when killed; the kill lands at a seeded random point: during start-up (imports,
migrations), while feeds download, or just after a feed's articles were committed (the next
feed's transaction may be open).
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from bot.alerts.matcher import AlertMatcher
from bot.storage import Storage
from tests.support.crash import Child, count_rows, integrity, newsbot_env, wait_until
from tests.support.httpserver import LocalHTTPServer, Reply, Request

SEED = 20240207
FEEDS = 6
ITEMS = 60  # per feed
TOTAL = FEEDS * ITEMS
KILLS = 6
TOPIC_WORD = "harbour"  # every third item mentions it; chat 1 is subscribed to it


def item_xml(server: LocalHTTPServer, feed: int, n: int) -> str:
    topic = f" The {TOPIC_WORD} was closed." if n % 3 == 0 else ""
    body = " ".join(
        f"Sentence {k} of story {n} in feed {feed} reports what the council decided today."
        for k in range(6)
    )
    return (
        f"<item><title>Story {n} of feed {feed}</title>"
        f"<link>{server.url(f'/story/{feed}/{n}')}</link><guid>f{feed}-{n}</guid>"
        f"<description>{body}{topic}</description></item>"
    )


def feed_xml(server: LocalHTTPServer, feed: int) -> bytes:
    items = "".join(item_xml(server, feed, n) for n in range(ITEMS))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>{server.base_url}/</link>{items}</channel></rss>"
    ).encode()


@dataclass(slots=True)
class SlowFeeds:
    """FEEDS feeds that drip out slowly; the feed `held` waits until `release` is set."""

    server: LocalHTTPServer
    held: int | None = None
    release: threading.Event = field(default_factory=threading.Event)

    def install(self) -> list[str]:
        urls = []
        for feed in range(FEEDS):
            body = feed_xml(self.server, feed)
            urls.append(self.server.add_handler(f"/feed/{feed}", self._handler(feed, body)))
        return urls

    def hold(self, feed: int | None) -> None:
        """From now on, answer `feed` only once `release` is set (None: hold nothing)."""
        self.release = threading.Event()
        self.held = feed

    def _handler(self, feed: int, body: bytes) -> Callable[[Request], Reply]:
        def answer(request: Request) -> Reply:
            if feed == self.held:
                self.release.wait(60)
            headers = {"Content-Type": "application/rss+xml"}
            return Reply(body=body, headers=headers, drip=0.02, chunk_size=2048)

        return answer


@dataclass(slots=True)
class Kill:
    """One kill: how it was chosen and what the database held right after it."""

    moment: str  # "start-up", "download" or "storing"
    stored_before: int
    stored_after: int
    was_running: bool


def set_up(db: Path, urls: list[str]) -> None:
    """Follow the feeds (as read before: their items are news, not a first poll's), subscribe
    chat 1 to the topic, start the alert cursor at 0."""
    storage = Storage(db)
    for url in urls:
        storage.feeds.add(url)
    with storage.db.conn:
        storage.db.execute("UPDATE feeds SET last_ok_at = added_at")
    storage.subscriptions.ensure_chat(1)
    storage.subscriptions.add(1, TOPIC_WORD, 0)
    AlertMatcher(storage).match_new()
    storage.close()


def killed_run(n: int, feeds: SlowFeeds, db: Path, env: dict[str, str], rng: random.Random) -> Kill:
    """Start `newsbot ingest` with one feed held back, SIGKILL it at a random moment."""
    stored = count_rows(db, "articles")
    missing = [f for f in range(FEEDS) if count_feed(db, f) < ITEMS]
    held = rng.choice(missing) if missing else rng.randrange(FEEDS)
    feeds.hold(held)
    storable = sum(ITEMS - count_feed(db, f) for f in missing if f != held)
    moment = rng.choice(
        ["start-up", "download", "storing"] if storable else ["start-up", "download"]
    )
    requests = len(feeds.server.requests)
    child = Child(["ingest"], env, db.parent, f"ingest-{n}")
    try:
        if moment == "start-up":
            time.sleep(rng.uniform(0.0, 1.5))
        elif moment == "download":
            target = requests + rng.randint(1, FEEDS - 1)
            assert wait_until(lambda: len(feeds.server.requests) >= target, child), child.output()
        else:
            target = stored + rng.randint(1, storable)
            assert wait_until(lambda: count_rows(db, "articles") >= target, child), child.output()
        time.sleep(rng.uniform(0.0, 0.05))
        was_running = child.kill()
    finally:
        feeds.release.set()
    return Kill(moment, stored, count_rows(db, "articles"), was_running)


def count_feed(db: Path, feed: int) -> int:
    """How many of `feed`'s items are stored."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        query = "SELECT count(*) FROM articles WHERE guid LIKE ?"
        return int(conn.execute(query, [f"f{feed}-%"]).fetchone()[0])


def test_sigkill_during_ingest_loses_no_article(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    db = tmp_path / "crash.db"
    feeds = SlowFeeds(http_server)
    set_up(db, feeds.install())
    env = newsbot_env(db)
    rng = random.Random(SEED)

    kills = [killed_run(n, feeds, db, env, rng) for n in range(KILLS)]
    feeds.hold(None)
    final = Child(["ingest"], env, tmp_path, "final")
    assert final.wait() == 0, final.output()

    assert all(k.was_running for k in kills), kills
    with closing(sqlite3.connect(db)) as conn:
        guids = [row[0] for row in conn.execute("SELECT guid FROM articles")]
        alerts = [row for row in conn.execute("SELECT chat_id, article_id FROM outbox")]
        topical, stories = conn.execute(  # alerts go out once per story
            "SELECT count(*), count(DISTINCT story_id) FROM articles WHERE text LIKE ?",
            [f"%{TOPIC_WORD}%"],
        ).fetchone()
    expected = {f"f{feed}-{n}" for feed in range(FEEDS) for n in range(ITEMS)}
    assert len(guids) == len(set(guids)) == TOTAL  # none twice
    assert set(guids) == expected  # none missing
    assert topical == len(range(0, ITEMS, 3)) * FEEDS
    assert len(alerts) == len(set(alerts)) == stories  # one per story: none lost, none twice
    assert integrity(db) == ("ok", "ok")
