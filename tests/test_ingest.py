"""Ingest end to end: a local feed server, real SQLite, key points stored, dedupe, failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.ingest import pipeline
from bot.newsroom import Newsroom
from tests.support.feeds import load
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import (
    SEED_TITLE,
    local_settings,
    rss_feed,
    rss_item,
    seed_paragraphs,
)

BOILERPLATE = (
    "appeared first on",
    "Read in Korean",
    "Translated by",
    "Please send any comments",
    "Daily NK works with a network",
    "Most Popular Articles",
    "14 C",
    "by DailyNK",
    "February 06, 2024",
)


def seed_feed() -> str:
    return rss_feed(
        [
            rss_item(
                SEED_TITLE,
                seed_paragraphs(),
                link="https://www.dailynk.com/english/kangwon-plan/?utm_source=rss",
                guid="https://www.dailynk.com/english/?p=101",
            )
        ]
    )


async def test_seed_item_end_to_end(newsroom: Newsroom, http_server: LocalHTTPServer) -> None:
    url = http_server.add("/feed", seed_feed(), content_type="application/rss+xml")
    feed, new = await newsroom.add_feed(url)
    assert new and feed.title == "Daily NK English"
    report = await newsroom.ingest()
    assert (report.feeds_ok, report.feeds_failed, report.articles_new) == (1, 0, 1)
    [article] = await newsroom.latest(5)
    assert article.title == SEED_TITLE
    assert article.url == "https://www.dailynk.com/english/kangwon-plan"  # utm_* stripped
    assert article.source == "Daily NK English"
    assert article.language == "en"
    assert len(article.points) == 3
    body = "\n".join(seed_paragraphs())
    for point in article.points:
        assert point in body
        assert point != SEED_TITLE
        assert not any(marker in point for marker in BOILERPLATE), point
    # the points are in article order
    positions = [body.index(point) for point in article.points]
    assert positions == sorted(positions)


async def test_second_pass_uses_conditional_get(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/feed", seed_feed(), content_type="application/rss+xml", etag='"v1"')
    await newsroom.add_feed_unchecked(url)
    first = await newsroom.ingest()
    second = await newsroom.ingest()
    assert first.articles_new == 1
    assert (second.feeds_ok, second.articles_new, second.articles_updated) == (1, 0, 0)
    conditional = [r for r in http_server.requests if r.headers.get("if-none-match") == '"v1"']
    assert conditional, "the second poll must send If-None-Match"
    [feed] = await newsroom.feeds()
    assert feed.last_status == "not modified"


async def test_changed_item_is_updated_not_duplicated(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    paragraphs = [
        "The central bank raised interest rates by half a point on Tuesday, its third rise.",
        "Officials said inflation had stayed above target for eighteen months in a row.",
        "Markets had expected a smaller move, and the currency rose sharply after the news.",
        "Economists warned that mortgage holders would feel the change within weeks.",
        "Retailers said shoppers had already cut back on large purchases before the decision.",
    ]
    link = http_server.url("/a")  # a full article, not a teaser: the page is never fetched
    item = rss_item("Rates rise again", paragraphs, link=link, guid="g1")
    http_server.add("/feed", rss_feed([item]), content_type="application/rss+xml")
    await newsroom.add_feed_unchecked(http_server.url("/feed"))
    await newsroom.ingest()
    changed = [*paragraphs, "The governor will speak to parliament about the decision next week."]
    item = rss_item("Rates rise again", changed, link=link, guid="g1")
    http_server.add("/feed", rss_feed([item]), content_type="application/rss+xml")
    report = await newsroom.ingest()
    assert (report.articles_new, report.articles_updated) == (0, 1)
    [article] = await newsroom.latest(5)
    assert "governor will speak" in article.text
    assert http_server.hits["/a"] == 0


async def test_same_story_twice_in_two_feeds_is_one_article(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    paragraphs = seed_paragraphs()
    one = rss_item(SEED_TITLE, paragraphs, link="https://www.dailynk.com/english/a", guid="1")
    two = rss_item(
        SEED_TITLE, paragraphs, link="https://www.dailynk.com/english/a?utm_medium=x", guid="2"
    )
    http_server.add("/one", rss_feed([one]), content_type="application/rss+xml")
    http_server.add("/two", rss_feed([two]), content_type="application/rss+xml")
    await newsroom.add_feed_unchecked(http_server.url("/one"))
    await newsroom.add_feed_unchecked(http_server.url("/two"))
    report = await newsroom.ingest()
    assert report.articles_new == 1
    assert len(await newsroom.latest(20)) == 1


async def test_failing_feed_is_recorded_and_others_go_on(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    http_server.add("/good", seed_feed(), content_type="application/rss+xml")
    http_server.add("/broken", "oops", status=500)
    http_server.add("/page", load("not-a-feed.html"))
    for path in ("/good", "/broken", "/page"):
        await newsroom.add_feed_unchecked(http_server.url(path))
    report = await newsroom.ingest()
    assert (report.feeds_ok, report.feeds_failed, report.articles_new) == (1, 2, 1)
    feeds = {f.url.rsplit("/", 1)[1]: f for f in await newsroom.feeds()}
    assert feeds["good"].healthy
    assert feeds["broken"].failures == 1 and "500" in (feeds["broken"].last_error or "")
    assert feeds["page"].failures == 1
    stats = await newsroom.stats()
    assert (stats.feeds_healthy, stats.feeds_failing, stats.articles) == (1, 2, 1)


async def test_teaser_items_get_their_page_text(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    page = http_server.add("/article", load("article.html"))
    teaser = (
        "<item><title>Short teaser</title>"
        f"<link>{page}</link><guid>t1</guid>"
        "<description>Only the first line of the story [&#8230;]</description></item>"
    )
    http_server.add("/feed", rss_feed([teaser]), content_type="application/rss+xml")
    await newsroom.add_feed_unchecked(http_server.url("/feed"))
    report = await newsroom.ingest()
    assert report.articles_new == 1
    [article] = await newsroom.latest(1)
    assert len(article.text) > 400
    assert http_server.hits["/article"] == 1
    assert article.points


async def test_a_crash_reading_one_page_keeps_its_teaser_and_the_feed(
    tmp_path: Path,
    http_server: LocalHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not only fetch and extraction errors: anything a page sets off (a library bug, a worker
    killed, MemoryError) costs that article its page text, never the feed its other articles."""
    read_page = pipeline.read_page

    def crash_on_bad(body: bytes, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/bad"):
            raise MemoryError
        return read_page(body, url, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_page", crash_on_bad)  # workers=0: runs in this process
    items = []
    for name in ("good", "bad"):
        page = http_server.add(f"/{name}", load("article.html"))
        items.append(
            f"<item><title>Teaser {name}</title><link>{page}</link><guid>{name}</guid>"
            "<description>Only the first line of the story [&#8230;]</description></item>"
        )
    http_server.add("/feed", rss_feed(items), content_type="application/rss+xml")
    room = Newsroom(local_settings(tmp_path, workers=0))
    await room.open()
    try:
        await room.add_feed_unchecked(http_server.url("/feed"))
        report = await room.ingest()
        assert (report.feeds_ok, report.feeds_failed, report.articles_new) == (1, 0, 2)
        texts = {a.title: a.text for a in await room.latest(5)}
    finally:
        await room.close()
    assert len(texts["Teaser good"]) > 400
    assert texts["Teaser bad"] == "Only the first line of the story […]"
    assert "reading its page failed" in caplog.text


async def test_all_feed_formats_are_stored(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    formats = {
        "/rss": ("wordpress-rss2.xml", "application/rss+xml"),
        "/atom": ("atom.xml", "application/atom+xml"),
        "/json": ("jsonfeed.json", "application/feed+json"),
        "/cp1252": ("legacy-windows-1252.xml", "application/rss+xml"),
        "/euckr": ("legacy-euc-kr.xml", "application/rss+xml"),
        "/malformed": ("malformed.xml", "application/rss+xml"),
    }
    for path, (name, content_type) in formats.items():
        http_server.add(path, load(name), content_type=content_type)
        await newsroom.add_feed_unchecked(http_server.url(path))
    report = await newsroom.ingest()
    assert report.feeds_failed == 0, report.failures
    feeds = await newsroom.feeds()
    assert all(f.articles > 0 for f in feeds), [(f.url, f.articles) for f in feeds]
    for article in await newsroom.latest(20):
        if len(article.text) > 200:  # a real body, not an empty or one-line item
            assert article.points, article.title


async def test_search_and_topics(newsroom: Newsroom, http_server: LocalHTTPServer) -> None:
    http_server.add("/feed", seed_feed(), content_type="application/rss+xml")
    await newsroom.add_feed_unchecked(http_server.url("/feed"))
    await newsroom.ingest()
    [hit] = await newsroom.search("consumer goods")
    assert hit.title == SEED_TITLE
    assert await newsroom.search('"consumer goods" -Kangwon') == []
    assert [a.title for a in await newsroom.latest(5, "provinces import")] == [SEED_TITLE]
    assert await newsroom.latest(5, "sanctions") == []


async def test_summarize_by_url_fetches_and_stores_once(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/article", load("article.html"))
    first = await newsroom.summarize(url)
    again = await newsroom.summarize(url + "?utm_campaign=x")
    assert first.id == again.id and first.points
    assert http_server.hits["/article"] == 1
    by_id = await newsroom.summarize(str(first.id), points=2)
    assert len(by_id.points) == 2


async def test_page_cannot_claim_another_sites_address(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    # article.html declares rel=canonical on wire.example.com; it is served from 127.0.0.1
    url = http_server.add("/article", load("article.html"))
    article = await newsroom.summarize(url)
    assert article.url == url
