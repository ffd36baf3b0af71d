"""Polling like a good feed reader, against real feeds and pages on 127.0.0.1 and real SQLite:
intervals, first polls, podcast episodes, dead and silent hosts, per-feed deadlines, overlap."""

from __future__ import annotations

import asyncio
import html
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from bot.ingest import poller, schedule
from bot.newsroom import Newsroom
from bot.storage import Feed
from tests.support.feeds import load
from tests.support.httpserver import LocalHTTPServer, Reply, Request
from tests.support.newsroom import local_settings, rss_feed

TEASER = "Only the first line of the story [&#8230;]"


def teaser_item(n: int, link: str, *, age_minutes: int | None = None, extra: str = "") -> str:
    """A teaser item; dated `age_minutes` ago (item n is n minutes old by default)."""
    when = datetime.now(UTC) - timedelta(minutes=n if age_minutes is None else age_minutes)
    return (
        f"<item><title>Story number {n}</title><link>{html.escape(link)}</link>"
        f"<guid>story-{n}</guid><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{TEASER}</description>{extra}</item>"
    )


def serve_teasers(server: LocalHTTPServer, numbers: list[int], path: str = "/feed") -> str:
    """A feed of teasers whose pages are real article pages on `server`."""
    items = []
    for n in numbers:
        items.append(teaser_item(n, server.add(f"/story/{n}", load("article.html"))))
    return server.add(path, rss_feed(items), content_type="application/rss+xml")


async def open_room(tmp_path: Path, **settings: object) -> Newsroom:
    room = Newsroom(local_settings(tmp_path, **settings))
    await room.open()
    return room


def page_hits(server: LocalHTTPServer) -> int:
    return sum(n for path, n in server.hits.items() if path.startswith("/story/"))


async def stored_feed(room: Newsroom) -> Feed:
    [feed] = await room.feeds()
    return feed


def seconds_until(when: str | None) -> float:
    assert when is not None
    return (datetime.fromisoformat(when) - datetime.now(UTC)).total_seconds()


async def test_a_first_poll_reads_only_the_newest_pages_and_keeps_every_item(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    # 30 teasers listed oldest first: the 20 newest (numbers 0..19) get their page read.
    url = serve_teasers(http_server, list(range(29, -1, -1)))
    await newsroom.add_feed_unchecked(url)
    report = await newsroom.ingest()
    assert (report.feeds_ok, report.articles_new) == (1, 30)
    assert page_hits(http_server) == poller.FIRST_POLL_PAGES == 20
    assert {p for p, n in http_server.hits.items() if n and p.startswith("/story/")} == {
        f"/story/{n}" for n in range(20)
    }
    articles = {a.title: a for a in await newsroom.latest(20)}
    assert len(articles["Story number 0"].text) > 400  # its page
    feed = await stored_feed(newsroom)
    assert not feed.never_polled and feed.articles == 30
    # The rest keep their teasers: not fetched on the next poll either.
    again = await newsroom.ingest()
    assert again.articles_new == 0 and page_hits(http_server) == 20
    # A new item on a later poll is read in full.
    serve_teasers(http_server, [99, *range(30)])
    later = await newsroom.ingest()
    assert later.articles_new == 1 and http_server.hits["/story/99"] == 1


async def test_podcast_episodes_and_file_links_get_no_page_fetch(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    audio = http_server.add("/episode-1", load("article.html"))
    video = http_server.add("/episode-2", load("article.html"))
    mp3 = http_server.add("/files/episode-3.mp3", b"ID3...", content_type="audio/mpeg")
    pdf = http_server.add("/report.pdf", b"%PDF-1.4", content_type="application/pdf")
    page = http_server.add("/story/1", load("article.html"))
    items = [
        teaser_item(
            1,
            audio,
            extra='<enclosure url="https://cdn.example/1.mp3" length="1" type="audio/mpeg"/>',
        ),
        teaser_item(
            2, video, extra='<media:content url="https://cdn.example/2.mp4" medium="video"/>'
        ),
        teaser_item(3, mp3),
        teaser_item(4, pdf),
        teaser_item(5, page),
    ]
    feed = rss_feed(items).replace("<rss ", '<rss xmlns:media="http://search.yahoo.com/mrss/" ', 1)
    await newsroom.add_feed_unchecked(http_server.add("/podcast", feed, content_type="text/xml"))
    report = await newsroom.ingest()
    assert report.articles_new == 5
    fetched = {path for path, n in http_server.hits.items() if n}
    assert fetched == {"/podcast", "/story/1"}


async def test_the_operators_interval_rules_and_sy_update_period_is_ignored(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    wordpress = rss_feed([]).replace(
        "<channel>",
        '<channel><sy:updatePeriod xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        "hourly</sy:updatePeriod><ttl>1</ttl>",
    )
    await newsroom.add_feed_unchecked(
        http_server.add("/feed", wordpress, content_type="application/rss+xml")
    )
    await newsroom.ingest()
    feed = await stored_feed(newsroom)
    assert 55 <= seconds_until(feed.next_poll_at) <= 60  # poll_seconds=60, not an hour


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Cache-Control": "max-age=7200"}, 7200), ({"Cache-Control": "max-age=999999999"}, 86400)],
)
async def test_cache_control_lengthens_the_interval_up_to_a_day(
    newsroom: Newsroom, http_server: LocalHTTPServer, headers: dict[str, str], expected: float
) -> None:
    url = http_server.add(
        "/feed", rss_feed([]), content_type="application/rss+xml", headers=headers
    )
    await newsroom.add_feed_unchecked(url)
    await newsroom.ingest()
    feed = await stored_feed(newsroom)
    assert expected - 5 <= seconds_until(feed.next_poll_at) <= expected


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_on_429_and_503_is_honoured(
    newsroom: Newsroom, http_server: LocalHTTPServer, status: int
) -> None:
    url = http_server.add("/feed", "slow down", status=status, headers={"Retry-After": "3600"})
    await newsroom.add_feed_unchecked(url)
    report = await newsroom.ingest()
    assert report.feeds_failed == 1
    feed = await stored_feed(newsroom)
    assert 3595 <= seconds_until(feed.next_poll_at) <= 3600
    assert await newsroom.ingest(only_due=True, early=60) == poller.IngestReport()


async def test_conditional_get_keeps_the_schedule(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = http_server.add(
        "/feed",
        rss_feed([]),
        content_type="application/rss+xml",
        etag='"v1"',
        headers={"Cache-Control": "max-age=600"},
    )
    await newsroom.add_feed_unchecked(url)
    await newsroom.ingest()
    await newsroom.ingest()
    assert http_server.requests[-1].headers.get("if-none-match") == '"v1"'
    feed = await stored_feed(newsroom)
    assert feed.last_status == "not modified"
    assert 595 <= seconds_until(feed.next_poll_at) <= 600


async def test_a_feed_due_just_after_the_check_is_polled_now_not_a_check_later(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    """The next poll is scheduled from when the poll started, and a check polls what falls
    due before the next check: rounding never makes a feed skip a run."""
    await newsroom.add_feed_unchecked(
        http_server.add("/feed", rss_feed([]), content_type="application/rss+xml")
    )
    await newsroom.ingest()
    db = newsroom.storage.db
    soon = schedule.at(2)  # due 2 s from now: after this check, before the next one
    await newsroom.run.db(db.execute, "UPDATE feeds SET next_poll_at = ?", [soon])
    assert (await newsroom.ingest(only_due=True)).feeds_ok == 0  # not due yet, strictly
    assert (await newsroom.ingest(only_due=True, early=15)).feeds_ok == 1


async def test_a_dead_host_is_asked_a_few_times_per_pass_then_left_alone(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    host = SilentHost(hang_up=True)  # every connection is closed at once
    dead = host.url
    items = [teaser_item(n, f"{dead}/story/{n}") for n in range(40)]
    url = http_server.add("/feed", rss_feed(items), content_type="application/rss+xml")
    room = await open_room(tmp_path)
    try:
        await room.add_feed_unchecked(url)
        # Not a first poll: every item would be read.
        await room.run.db(room.storage.db.execute, "UPDATE feeds SET last_ok_at = added_at")
        report = await room.ingest()
        assert (report.feeds_ok, report.articles_new) == (1, 40)  # teasers kept
        assert len(host.accepted) <= 4  # 3 in a row close the host (2 may be in flight at once)
        assert all(a.text == "Only the first line of the story […]" for a in await room.latest(20))
        serve = [teaser_item(n, f"{dead}/story/{n}") for n in range(40, 50)]
        http_server.add("/feed", rss_feed(serve), content_type="application/rss+xml")
        asked = len(host.accepted)
        again = await room.ingest()  # the next pass, within the pause: not asked at all
        assert again.articles_new == 10 and len(host.accepted) == asked
    finally:
        await room.close()
        host.close()


class SilentHost:
    """A host that accepts connections and never answers (or hangs up at once); counts the
    connections."""

    def __init__(self, hang_up: bool = False) -> None:
        self.hang_up = hang_up
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)
            if self.hang_up:
                conn.close()

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_host() -> Iterator[SilentHost]:
    host = SilentHost()
    yield host
    host.close()


async def test_a_silent_host_costs_a_few_timeouts_not_one_per_item(
    tmp_path: Path, http_server: LocalHTTPServer, silent_host: SilentHost
) -> None:
    items = [teaser_item(n, f"{silent_host.url}/story/{n}") for n in range(20)]
    slow = http_server.add("/slow", rss_feed(items), content_type="application/rss+xml")
    fast = serve_teasers(http_server, [100], path="/fast")
    room = await open_room(tmp_path, fetch_timeout=1.0)
    try:
        for url in (slow, fast):
            await room.add_feed_unchecked(url)
        await room.run.db(room.storage.db.execute, "UPDATE feeds SET last_ok_at = added_at")
        report = await room.ingest()
        assert (report.feeds_ok, report.feeds_failed, report.articles_new) == (2, 0, 21)
        assert len(silent_host.accepted) <= 4  # not 20
        fast_story = await room.run.db(
            room.storage.articles.get_by_url, f"{http_server.base_url}/story/100"
        )
        assert fast_story is not None and len(fast_story.text) > 400
    finally:
        await room.close()


async def test_pages_not_read_by_the_feeds_deadline_keep_their_teasers(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    """Each page answers after 0.4 s, two at a time: 30 pages need 6 s; this feed's pages get
    2 s. The feed is stored anyway, on time, the late ones as teasers."""
    items = []
    for n in range(30):
        page = http_server.add(f"/story/{n}", load("article.html"), delay=0.4)
        items.append(teaser_item(n, page))
    url = http_server.add("/feed", rss_feed(items), content_type="application/rss+xml")
    room = await open_room(tmp_path)
    room.poller.pages_deadline = 2.0  # 10 fetch timeouts by default
    try:
        await room.add_feed_unchecked(url)
        await room.run.db(room.storage.db.execute, "UPDATE feeds SET last_ok_at = added_at")
        report = await room.ingest()
        assert (report.feeds_ok, report.articles_new) == (1, 30)
        texts = [a.text for a in await room.run.db(room.storage.articles.after, 0)]
        full = [t for t in texts if len(t) > 400]
        assert 2 <= len(full) < 30
        assert all(t == "Only the first line of the story […]" for t in texts if t not in full)
    finally:
        await room.close()


async def test_a_slow_feed_does_not_hold_up_the_next_pass(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    release = threading.Event()

    def held(request: Request) -> Reply:
        release.wait(10)
        return Reply(body=rss_feed([]).encode(), headers={"Content-Type": "text/xml"})

    await newsroom.add_feed_unchecked(http_server.add_handler("/held", held))
    await newsroom.add_feed_unchecked(serve_teasers(http_server, [1], path="/quick"))
    first = asyncio.create_task(newsroom.ingest())
    for _ in range(200):  # until the first pass is done with /quick
        await asyncio.sleep(0.05)
        if any(f.last_ok_at for f in await newsroom.feeds()):
            break
    second = await newsroom.ingest()  # while the first still waits for /held
    assert (second.feeds_ok, second.feeds_failed) == (1, 0)  # /quick only: /held is in flight
    assert not first.done()
    release.set()
    assert (await first).feeds_ok == 2
    assert http_server.hits["/held"] == 1


async def test_a_pass_logs_nothing_per_item_at_info(
    newsroom: Newsroom, http_server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    items = [teaser_item(n, http_server.url(f"/missing/{n}")) for n in range(10)]  # 404s
    await newsroom.add_feed_unchecked(
        http_server.add("/feed", rss_feed(items), content_type="application/rss+xml")
    )
    with caplog.at_level(logging.INFO, logger="bot"):
        report = await newsroom.ingest()
    assert report.articles_new == 10
    assert [r.getMessage() for r in caplog.records if r.name.startswith("bot.")] == []


def test_apscheduler_is_quiet_unless_verbose(tmp_path: Path) -> None:
    from bot.cli.main import main

    env_db = str(tmp_path / "cli.db")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSBOT_DB", env_db)
        patch.setenv("NEWSBOT_FEEDS", "")
        patch.setattr(logging.getLogger("apscheduler"), "level", logging.NOTSET)
        assert main(["feeds", "list"]) == 0
        assert logging.getLogger("apscheduler").level == logging.WARNING
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)
        assert main(["-v", "feeds", "list"]) == 0
        assert logging.getLogger("apscheduler").level == logging.NOTSET


async def test_adaptive_polling_slows_down_for_a_feed_that_publishes_weekly(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    weekly = [
        teaser_item(n, http_server.url(f"/weekly/{n}"), age_minutes=n * 7 * 24 * 60)
        for n in range(10)
    ]
    url = http_server.add("/feed", rss_feed(weekly), content_type="application/rss+xml")
    room = await open_room(tmp_path, adaptive_polling=True)
    try:
        await room.add_feed_unchecked(url)
        await room.ingest()
        feed = await stored_feed(room)
        wait = seconds_until(feed.next_poll_at)
        assert schedule.MAX_ADAPTIVE_SECONDS - 5 <= wait <= schedule.MAX_ADAPTIVE_SECONDS
    finally:
        await room.close()
