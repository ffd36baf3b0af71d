"""One article pipeline for ingest and /summary: the same page is stored alike by both, a story
is stored once whichever way it arrives, and the subscription cap holds under concurrency."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from bot.errors import NewsbotError
from bot.models import FeedItem
from bot.newsroom import Newsroom
from bot.storage import Storage, SubscriptionLimitError
from tests.support.feeds import load
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import local_settings, rss_feed

PAGE_TITLE = "Harbour bridge to close for four weekends"  # article.html's headline


def teaser_feed(link: str) -> str:
    return rss_feed(
        [
            f"<item><title>{PAGE_TITLE}</title><link>{link}</link><guid>b1</guid>"
            "<description>The bridge closes [&#8230;]</description></item>"
        ]
    )


async def test_ingest_and_summary_store_the_same_page_alike(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/article", load("article.html"))
    http_server.add("/feed", teaser_feed(url), content_type="application/rss+xml")
    rooms = [Newsroom(local_settings(tmp_path / name)) for name in ("ingest", "summary")]
    for name, room in zip(("ingest", "summary"), rooms, strict=True):
        (tmp_path / name).mkdir()
        await room.open()
    try:
        await rooms[0].add_feed_unchecked(http_server.url("/feed"))
        assert (await rooms[0].ingest()).articles_new == 1
        [ingested] = await rooms[0].latest(1)
        summarized = await rooms[1].summarize(url)
    finally:
        for room in rooms:
            await room.close()
    assert len(ingested.text) > 400  # the page's text, not the teaser's
    for field in ("title", "url", "text", "points", "language"):
        assert getattr(ingested, field) == getattr(summarized, field), field
    assert ingested.language == "en" and len(ingested.points) == 3


async def test_summary_of_a_story_stored_from_its_feed_keeps_that_article(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    """The same headline on the same site within days is one story, under any address."""
    feed_text = "The harbour bridge closes for repairs.\n\nFerries will run instead."
    http_server.add(
        "/feed",
        rss_feed(
            [
                f"<item><title>{PAGE_TITLE}</title><link>{http_server.url('/old-address')}"
                "</link><guid>b1</guid><pubDate>Sat, 02 Mar 2024 07:00:00 +0000</pubDate>"
                f"<content:encoded><![CDATA[{feed_text}]]></content:encoded></item>"
            ]
        ),
        content_type="application/rss+xml",
    )
    await newsroom.add_feed_unchecked(http_server.url("/feed"))
    await newsroom.ingest()
    [stored] = await newsroom.latest(1)
    page = http_server.add("/new-address", load("article.html"))
    summarized = await newsroom.summarize(page)
    assert summarized.id == stored.id and summarized.text == stored.text
    assert len(await newsroom.latest(5)) == 1


def test_upsert_inserts_once_then_replaces_or_keeps(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "news.db")
    item = FeedItem(title="Bridge closes", text="First text.", guid="g1")
    url = "https://city.example/bridge"
    first, new = storage.articles.upsert(item, ["First text."], url=url)
    assert new
    item.text = "Corrected text."
    assert storage.articles.upsert(item, ["Corrected text."], url=url) == (first, False)
    kept = FeedItem(title="Bridge closes", text="A page's other text.")
    assert storage.articles.upsert(kept, [], url=url, replace=False) == (first, False)
    article = storage.articles.get(first)
    assert article is not None and article.text == "Corrected text."
    assert storage.articles.count() == 1
    storage.close()


async def test_two_subscribes_at_once_cannot_pass_the_cap_together(tmp_path: Path) -> None:
    room = Newsroom(local_settings(tmp_path, max_subscriptions=2))
    await room.open()
    try:
        await room.subscribe(5, "harbour")
        outcomes = await asyncio.gather(
            room.subscribe(5, "bridge"), room.subscribe(5, "ferry"), return_exceptions=True
        )
        refused = [o for o in outcomes if isinstance(o, NewsbotError)]
        assert len(refused) == 1 and "already has 2 subscriptions" in str(refused[0])
        assert len(await room.subscriptions(5)) == 2
        again = await room.subscribe(5, "HARBOUR")  # one already held is no new subscription
        assert again[1] is False
    finally:
        await room.close()


def test_two_processes_subscribing_at_once_cannot_pass_the_cap_together(tmp_path: Path) -> None:
    """Two connections (as two processes would have) race for the chat's last free place."""
    path = tmp_path / "news.db"
    Storage(path).subscriptions.ensure_chat(5)
    stores = [Storage(path), Storage(path)]
    start = threading.Barrier(2)
    results: list[object] = []

    def subscribe(storage: Storage, topic: str) -> None:
        start.wait()
        try:
            results.append(storage.subscriptions.add(5, topic, 0, limit=1))
        except SubscriptionLimitError as exc:
            results.append(exc)

    threads = [
        threading.Thread(target=subscribe, args=(store, topic))
        for store, topic in zip(stores, ("bridge", "ferry"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(r, SubscriptionLimitError) for r in results) == 1
    assert len(stores[0].subscriptions.for_chat(5)) == 1
    for store in stores:
        store.close()
