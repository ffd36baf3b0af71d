"""Feed discovery: the feeds a page names, and /addfeed or `feeds add` given a site's page."""

from __future__ import annotations

import pytest

from bot.errors import NewsbotError
from bot.ingest.discovery import feed_links
from bot.newsroom import Newsroom
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import rss_feed, rss_item

PAGE = "https://news.example/world/story"


def page(*links: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>News</title>"
        + "".join(links)
        + "</head><body><p>A page.</p></body></html>"
    ).encode()


def test_feed_links_are_absolute_in_page_order_each_once() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" title="Top" href="/rss.xml">',
        '<link rel="alternate" type="application/atom+xml" href="https://news.example/atom">',
        '<link rel="Alternate" type="Application/RSS+XML; charset=utf-8" href="../world.xml">',
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">',
        '<link rel="alternate" type="application/feed+json" href="feed.json">',
    )
    assert feed_links(html, PAGE) == [
        "https://news.example/rss.xml",
        "https://news.example/atom",
        "https://news.example/world.xml",
        "https://news.example/world/feed.json",
    ]


def test_comments_feeds_come_after_articles_feeds() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" title="Site » Comments Feed"'
        ' href="/comments/feed/">',
        '<link rel="alternate" type="application/rss+xml" title="Site » Feed" href="/feed/">',
    )
    assert feed_links(html, PAGE) == [
        "https://news.example/feed/",
        "https://news.example/comments/feed/",
    ]


def test_links_that_are_not_feeds_are_left_out() -> None:
    html = page(
        '<link rel="stylesheet" type="text/css" href="/site.css">',
        '<link rel="alternate" hreflang="ko" href="/ko/story">',
        '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/7">',
        '<link rel="alternate" type="application/json+oembed" href="/oembed?url=x">',
        '<link rel="feed" type="application/rss+xml" href="/not-alternate.xml">',
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">',
        '<link rel="alternate" type="application/rss+xml" href="ftp://news.example/f.xml">',
        '<link rel="alternate" type="application/rss+xml">',
    )
    assert feed_links(html, PAGE) == []


@pytest.mark.parametrize("html", [b"", b"\x00\x01\x02binary", b"plain text, no markup"])
def test_documents_without_links_name_no_feed(html: bytes) -> None:
    assert feed_links(html, PAGE) == []


def wire(title: str = "Test Wire") -> str:
    story = rss_item(
        "A story", ["One sentence of news here."], link="https://news.example/a", guid="a"
    )
    return rss_feed([story], title=title)


async def test_a_page_that_names_a_feed_is_followed_through_that_feed(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    feed_url = http_server.add("/rss.xml", wire(), content_type="application/rss+xml")
    site = http_server.add(
        "/", page('<link rel="alternate" type="application/rss+xml" href="/rss.xml">')
    )
    feed, new = await newsroom.add_feed(site)
    assert new and (feed.url, feed.title) == (feed_url, "Test Wire")
    again, new_again = await newsroom.add_feed(site)
    assert (again.id, new_again) == (feed.id, False)
    assert [f.url for f in await newsroom.feeds()] == [feed_url]


async def test_an_unreadable_named_feed_is_skipped_for_the_next_one(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    http_server.add("/gone.xml", "gone", status=404)
    http_server.add("/page.xml", "<html><body>not a feed</body></html>")
    good = http_server.add("/good.xml", wire("Good"), content_type="application/rss+xml")
    site = http_server.add(
        "/",
        page(
            '<link rel="alternate" type="application/rss+xml" href="/gone.xml">',
            '<link rel="alternate" type="application/rss+xml" href="/page.xml">',
            '<link rel="alternate" type="application/atom+xml" href="/good.xml">',
        ),
    )
    feed, new = await newsroom.add_feed(site)
    assert new and (feed.url, feed.title) == (good, "Good")


async def test_a_page_naming_no_readable_feed_is_refused_and_nothing_is_followed(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    plain = http_server.add("/plain", page())
    with pytest.raises(NewsbotError, match="names none on its page"):
        await newsroom.add_feed(plain)
    http_server.add("/gone.xml", "gone", status=404)
    broken = http_server.add(
        "/broken", page('<link rel="alternate" type="application/rss+xml" href="/gone.xml">')
    )
    with pytest.raises(NewsbotError, match=r"names a feed, but I could not read it: .*404"):
        await newsroom.add_feed(broken)
    assert await newsroom.feeds() == []
