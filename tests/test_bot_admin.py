"""/addfeed, /removefeed and /stats: for the bot's admins only."""

from __future__ import annotations

import pytest

from tests.support.telegram import (
    ADMIN,
    ALICE,
    GROUP,
    BotHarness,
    news_feed,
)


@pytest.mark.parametrize("command", ["/addfeed http://x.example/feed", "/removefeed 1", "/stats"])
async def test_admin_commands_refuse_everyone_else(harness: BotHarness, command: str) -> None:
    outcome = await harness.send(command, user=ALICE)
    assert outcome.texts == ["Only the bot's admins can do that."]
    assert await harness.newsroom.feeds() == []


async def test_addfeed_checks_and_follows_a_feed(harness: BotHarness) -> None:
    bare = await harness.send("/addfeed", user=ADMIN)
    assert bare.texts == ["Usage: /addfeed <feed url, or a site's page that names its feed>"]
    url = harness.serve_feed(news_feed())
    added = await harness.send(f"/addfeed {url}", user=ADMIN, chat=GROUP, chat_type="group")
    assert added.texts == ["Now following Test Wire (#1); its articles come next poll."]
    again = await harness.send(f"/addfeed {url}", user=ADMIN)
    assert again.texts == ["Already following Test Wire (#1)."]
    tagged = await harness.send(f"/addfeed {url}?utm_source=tg&utm_medium=x", user=ADMIN)
    assert tagged.texts == ["Already following Test Wire (#1)."]
    page = harness.feeds.add("/page.html", "<html><body><p>Just a page.</p></body></html>")
    not_a_feed = await harness.send(f"/addfeed {page}", user=ADMIN, chat=2002)
    assert not_a_feed.texts == [
        "That address does not serve an RSS, Atom or JSON feed, and names none on its page."
    ]
    assert [f.url for f in await harness.newsroom.feeds()] == [url]


async def test_addfeed_given_a_site_page_follows_the_feed_it_names(harness: BotHarness) -> None:
    url = harness.serve_feed(news_feed())
    page = harness.feeds.add(
        "/index.html",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        "</head><body><p>Front page.</p></body></html>",
    )
    added = await harness.send(f"/addfeed {page}", user=ADMIN)
    assert added.texts == [
        f"Now following Test Wire (#1), the feed that page names ({url});"
        " its articles come next poll."
    ]
    assert [f.url for f in await harness.newsroom.feeds()] == [url]


async def test_removefeed_by_number_or_url(harness: BotHarness) -> None:
    first = await harness.follow(news_feed(), "/one.xml")
    second = await harness.follow(news_feed(), "/two.xml")
    bare = await harness.send("/removefeed", user=ADMIN)
    assert bare.texts == ["Usage: /removefeed <feed url or number from /sources>"]
    by_number = await harness.send("/removefeed #1", user=ADMIN, chat=2002)
    assert by_number.texts == ["Stopped following Test Wire."]
    by_url = await harness.send(f"/removefeed {second}", user=ADMIN, chat=2003)
    assert by_url.texts == ["Stopped following Test Wire."]
    unknown = await harness.send(f"/removefeed {first}", user=ADMIN, chat=2004)
    assert unknown.texts == [f"I don't follow {first}; see /sources."]
    assert await harness.newsroom.feeds() == []


async def test_stats_counts_everything(harness: BotHarness) -> None:
    await harness.follow(news_feed())
    await harness.newsroom.add_feed_unchecked(harness.feeds.url("/gone.xml"))
    await harness.newsroom.ingest()
    await harness.newsroom.subscribe(ALICE, "bitcoin")
    await harness.newsroom.subscribe(GROUP, "harbour", "group")
    outcome = await harness.send("/stats", user=ADMIN)
    (text,) = outcome.texts
    assert text.splitlines()[:5] == [
        "newsbot stats",
        "Articles: 3",
        "Feeds: 1 healthy, 1 failing",
        "Chats: 2 · subscriptions: 2",
        "Alerts: 0 sent, 0 pending, 0 failed",
    ]
    assert "\n#2 " in text and "⚠️ failing for 1 min (1 try)" in text
