"""parse_opml and build_opml, including files that try XML entity tricks."""

from __future__ import annotations

import pytest

from bot.ingest.opml import OpmlError, build_opml, parse_opml

EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News" title="News">
      <outline type="rss" text="North Star" title="North Star News"
               xmlUrl="https://news.example.org/english/feed/" htmlUrl="https://news.example.org/"/>
      <outline text="Deeper">
        <outline type="rss" text="Tiny Wire" xmlUrl="https://wire.example.com/feed.json"/>
      </outline>
    </outline>
    <outline type="rss" xmlurl="http://lower.example/rss"/>
    <outline type="rss" text="Duplicate" xmlUrl="https://news.example.org/english/feed/"/>
    <outline type="rss" text="Not http" xmlUrl="ftp://files.example/feed"/>
    <outline type="link" text="Just a link" url="https://example.com/"/>
    <outline type="rss" text="Blank" xmlUrl="  "/>
  </body>
</opml>
"""


def test_parse_opml_finds_nested_feeds_once() -> None:
    assert parse_opml(EXPORT) == [
        ("https://news.example.org/english/feed/", "North Star News"),
        ("https://wire.example.com/feed.json", "Tiny Wire"),
        ("http://lower.example/rss", None),
    ]


def test_build_then_parse_round_trips() -> None:
    feeds: list[tuple[str, str | None]] = [
        ("https://a.example/feed?x=1&y=2", 'Ampersands & "quotes" <ok>'),
        ("https://b.example/rss", None),
        ("https://c.example/atom", "한국 뉴스"),
    ]
    document = build_opml(feeds)
    assert document.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<title>newsbot subscriptions</title>" in document
    assert parse_opml(document.encode("utf-8")) == feeds


def test_build_opml_with_no_feeds_is_still_opml() -> None:
    assert parse_opml(build_opml([]).encode()) == []


@pytest.mark.parametrize(
    "data",
    [
        # billion laughs
        b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <opml><body><outline xmlUrl="http://x.example/&lol3;"/></body></opml>""",
        # external entity
        b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <opml><body><outline title="&xxe;" xmlUrl="http://x.example/"/></body></opml>""",
    ],
)
def test_entity_tricks_are_refused(data: bytes) -> None:
    with pytest.raises(OpmlError, match="entities"):
        parse_opml(data)


@pytest.mark.parametrize(
    "data",
    [b"", b"<opml><body>", b"not xml at all", b"<rss version='2.0'><channel/></rss>"],
)
def test_broken_or_foreign_documents_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError):  # OpmlError is a ValueError for callers that expect one
        parse_opml(data)
