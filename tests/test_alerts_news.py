"""Alerts are news: only what a followed feed publishes after the subscription, recently, and
never a first poll's backlog nor a page someone asked /summary about. Matching uses the
subscriptions committed when it runs, whichever process ingests. Links are shown as published.
Through the real client, the emulator, the local HTTP server and real SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bot.newsroom import Newsroom
from bot.telegram.emulator import BotAPIEmulator
from tests.support.feeds import load
from tests.support.newsroom import local_settings, rss_feed
from tests.support.telegram import ALICE, BOB, NEW_STORY, BotHarness, news_feed, story_item

NEW_GUID, NEW_TITLE, NEW_BODY = NEW_STORY


def dated(days_ago: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(days=days_ago))


async def test_a_first_polls_items_are_stored_but_never_alerted(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.newsroom.subscribe(ALICE, "bitcoin")  # before the feed is even added
    await harness.follow(news_feed([NEW_STORY]))  # a fresh, matching item in its first poll
    assert [a.title for a in await harness.newsroom.latest(1, "bitcoin miners")] == [NEW_TITLE]
    report, outcome = await harness.deliver()
    assert report.sent == 0 and outcome.messages == []


async def test_an_old_item_new_to_the_feed_is_not_news(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.follow(news_feed())
    await harness.newsroom.subscribe(ALICE, "bitcoin")
    old = story_item("old", "Bitcoin miners in 2003", NEW_BODY, dated(3))  # older than 48 h
    recent = story_item(NEW_GUID, NEW_TITLE, NEW_BODY, dated(1))  # within 48 h: news
    harness.serve_feed(rss_feed([old, recent], title="Test Wire"))
    assert (await harness.newsroom.ingest()).articles_new == 2
    _, outcome = await harness.deliver()
    (alert,) = outcome.messages
    assert NEW_TITLE in alert["text"] and "2003" not in alert["text"]


async def test_a_summary_page_is_cached_but_in_no_listing_and_no_alert(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    await harness.follow(news_feed())  # "Harbour bridge to close for four weekends..."
    await harness.newsroom.subscribe(BOB, "steel beams")
    page = harness.feeds.add("/story/harbour-page", load("article.html"))
    summary = await harness.send(f"/summary {page}")
    assert "127.0.0.1 · 2 Mar 2024 · #4" in summary.text  # the page, stored as article 4
    again = await harness.send(f"/summary {page}")  # cached: fetched once
    assert harness.feeds.hits["/story/harbour-page"] == 1 and again.text == summary.text
    latest = (await harness.send("/latest 20", user=BOB)).text
    assert "#4" not in latest and "four weekends of repairs" in latest
    search = (await harness.send("/search steel beams", user=BOB)).text
    assert "#4" not in search and "four weekends of repairs" in search
    await harness.newsroom.ingest()
    report, outcome = await harness.deliver()
    assert report.sent == 0 and outcome.messages == []


async def test_a_feed_publishing_a_cached_page_makes_it_its_article(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    page = harness.feeds.add("/story/miners", load("article.html"))
    cached = await harness.newsroom.summarize(page)
    assert await harness.newsroom.latest(5) == []
    item = (
        f"<item><title>{cached.title}</title><link>{page}</link><guid>p1</guid>"
        f"<pubDate>{dated(0.1)}</pubDate><description>Short.</description></item>"
    )
    await harness.follow(rss_feed([item], title="Test Wire"))
    [listed] = await harness.newsroom.latest(5)
    assert listed.id == cached.id and listed.source == "Test Wire"


async def test_a_subscription_made_while_another_process_ingests_gets_its_alert(
    api: BotAPIEmulator, harness: BotHarness, tmp_path: Path
) -> None:
    """`newsbot ingest` (here a second Newsroom on the same file, opened before the chat
    subscribed) matches with the subscriptions committed when it matches."""
    await harness.follow(news_feed())
    await harness.send("/subscribe harbour", user=BOB)
    ingest = Newsroom(local_settings(tmp_path, db_path=harness.newsroom.settings.db_path))
    await ingest.open(add_configured_feeds=False)
    try:
        # After `ingest` loaded its subscriptions: Alice subscribes, Bob unsubscribes.
        subscribed = await harness.send("/subscribe bitcoin")
        assert subscribed.texts[0].startswith("Subscribed to bitcoin")
        await harness.send("/unsubscribe harbour", user=BOB)
        ferries = ["Ferries across the harbour will run every ten minutes from Monday."] * 3
        harbour = ("harbour2", "Harbour ferries run every ten minutes", ferries)
        harness.serve_feed(news_feed([NEW_STORY, harbour]))
        assert (await ingest.ingest()).articles_new == 2
    finally:
        await ingest.close()
    _, outcome = await harness.deliver()
    (alert,) = outcome.messages
    assert alert["chat"]["id"] == ALICE and NEW_TITLE in alert["text"]
    stats = await harness.newsroom.stats()
    assert (stats.alerts_sent, stats.alerts_pending, stats.alerts_failed) == (1, 0, 0)


async def test_links_are_shown_as_published(api: BotAPIEmulator, harness: BotHarness) -> None:
    published = "https://news.example.com/2024/under-fire/?id=7&utm_source=rss&b=2"
    item = (
        f"<item><title>{NEW_TITLE}</title><link>{published.replace('&', '&amp;')}</link>"
        f"<guid>u1</guid><pubDate>{dated(0.1)}</pubDate>"
        f"<description>{' '.join(NEW_BODY)}</description></item>"
    )
    await harness.follow(news_feed())
    await harness.newsroom.subscribe(ALICE, "bitcoin")
    harness.serve_feed(rss_feed([item], title="Test Wire"))
    await harness.newsroom.ingest()
    [article] = await harness.newsroom.latest(1, "bitcoin miners")
    assert article.url == "https://news.example.com/2024/under-fire?b=2&id=7"  # dedup key
    shown = "https://news.example.com/2024/under-fire/?id=7&b=2"  # as published, utm_* gone
    assert article.link == shown
    _, outcome = await harness.deliver()
    (alert,) = outcome.messages
    links = [e["url"] for e in alert.get("entities", []) if e["type"] == "text_link"]
    assert links == [shown]
    latest = await harness.send("/latest 1")
    assert [e["url"] for e in latest.messages[0]["entities"] if e["type"] == "text_link"] == [shown]
