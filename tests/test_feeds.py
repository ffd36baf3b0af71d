"""parse_feed on real-world shapes and a hostile corpus, plus its text helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.ingest.feeds import (
    FeedParseError,
    html_to_text,
    is_teaser,
    iso_utc,
    language_code,
    parse_feed,
    plain_text,
)
from bot.ingest.fetcher import Fetcher
from bot.models import ParsedFeed
from tests.support import feeds as fixtures
from tests.support.httpserver import LocalHTTPServer

FEED_URL = "https://feeds.example.com/section/feed.xml"


def parse(name: str, content_type: str = "") -> ParsedFeed:
    return parse_feed(fixtures.load(name), FEED_URL, content_type)


# --- RSS 2.0 from WordPress --------------------------------------------------------------------


def test_wordpress_feed_takes_the_full_content() -> None:
    feed = parse("wordpress-rss2.xml", "application/rss+xml; charset=UTF-8")
    assert feed.title == "North Star News English"
    assert feed.language == "en"
    assert feed.ttl_seconds is None  # sy:updatePeriod "hourly" is ignored (issue 11)
    first = feed.items[0]
    assert len(feed.items) == 2
    assert first.title == "Eastern province’s plan to make better soap draws scorn"
    assert first.url == (
        "https://news.example.org/english/eastern-province-plan-better-soap/"
        "?utm_source=rss&utm_medium=rss"
    )
    assert first.guid == "https://news.example.org/english/?p=41234"
    assert first.author == "Min Park"
    assert first.published == "2024-02-06T11:30:00+00:00"
    assert first.language == "en"
    assert first.is_teaser is False
    paragraphs = first.text.split("\n\n")
    assert paragraphs[0].startswith("An eastern province has promised the capital")
    assert "Doubts about the plan" in paragraphs  # a heading is its own paragraph
    assert "Most machinery is imported." in paragraphs  # so is each list item
    assert (
        "Officials and ordinary residents alike doubt the plan can work.\n"
        "Local factories already make snacks" in first.text  # <br /> breaks the line only
    )
    assert "“raise the quality of daily goods as our first task”" in first.text
    assert "<" not in first.text and "&#" not in first.text


def test_wordpress_excerpt_only_item_is_a_teaser() -> None:
    second = parse("wordpress-rss2.xml").items[1]
    assert second.is_teaser is True
    assert second.text.startswith("Markets in a border town reopened")
    assert second.published == "2024-02-04T23:00:00+00:00"  # +0900 converted to UTC


# --- Atom and JSON Feed ------------------------------------------------------------------------


def test_atom_feed() -> None:
    feed = parse("atom.xml", "application/atom+xml")
    assert feed.title == "Das Technik Blog"  # type="html" title, tags stripped
    assert feed.language == "de"
    german, english = feed.items
    assert german.url == "https://blog.example.net/2024/03/neue-zuege"  # xml:base applied
    assert german.guid == "tag:blog.example.net,2024:neue-zuege"
    assert german.author == "Erika Mustermann"
    assert german.published == "2024-03-01T08:15:00+00:00"
    assert german.language == "de"
    assert german.text.startswith("Die Bahn setzt ab Juni neue Züge")  # content beats summary
    assert len(german.text.split("\n\n")) == 4
    assert english.title == "An English note"  # xhtml title
    assert english.language == "en"
    assert english.url == "https://blog.example.net/notes/english"
    assert english.text == "Short note in English."
    assert english.is_teaser is True


def test_json_feed() -> None:
    feed = parse("jsonfeed.json", "application/feed+json")
    assert feed.title == "Tiny Wire" and feed.language == "en"
    assert [item.guid for item in feed.items] == ["2024-0001", "2", "no-body"]
    bridge, short, empty = feed.items
    assert bridge.title == "Harbour bridge & tunnel to close for repairs"
    assert bridge.url == "https://wire.example.com/2024/harbour-bridge"
    assert bridge.author == "Sam Writer"
    assert bridge.published == "2024-03-02T07:00:00+00:00"
    assert len(bridge.text.split("\n\n")) == 4 and not bridge.is_teaser
    assert short.title == "Just a short line."  # no title: the text's first line
    assert short.url == "https://wire.example.com/2024/short"  # external_url, made absolute
    assert short.author == "Old Style Author"  # JSON Feed 1.0 "author"
    assert short.language == "fr"
    assert short.published == "2024-03-01T07:00:00+00:00"  # date_modified as a fallback
    assert empty.text == "" and empty.url is None and empty.published is None


def test_json_feed_detected_by_its_first_byte_and_version() -> None:
    body = b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1", "title": "T", "items": []}'
    feed = parse_feed(body, FEED_URL, "text/plain")
    assert feed.title == "T" and feed.items == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"version": "1.0", "items": []}', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"{not json", ""),
    ],
)
def test_json_that_is_not_a_json_feed_is_refused(body: bytes, content_type: str) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(body, FEED_URL, content_type)


# --- encodings -----------------------------------------------------------------------------------


def test_windows_1252_feed() -> None:
    feed = parse("legacy-windows-1252.xml", "text/xml")
    assert feed.title == "Café Gazette – Nouvelles"
    assert feed.ttl_seconds == 45 * 60
    item = feed.items[0]
    assert item.title == "L’été arrive à Paris — « enfin »"
    assert item.text == "Les cafés sortent leurs terrasses. “C’est la fête”, dit un serveur…"
    assert item.guid == "ete-2024"  # a guid stays as written, never resolved to a URL
    assert item.language == "fr"


def test_euc_kr_feed() -> None:
    feed = parse("legacy-euc-kr.xml")
    assert feed.title == "한국 뉴스" and feed.language == "ko"
    assert feed.items[0].title == "서울에 첫 눈이 내렸다"
    assert feed.items[0].text == "오늘 아침 서울에 첫 눈이 내렸다."


def test_charset_from_the_response_header_wins() -> None:
    body = fixtures.rss(
        "<item><title>Crème brûlée</title><guid>c</guid></item>",
        declaration='<?xml version="1.0"?>',
    ).encode("latin-1")
    feed = parse_feed(body, FEED_URL, "application/rss+xml; charset=ISO-8859-1")
    assert feed.items[0].title == "Crème brûlée"


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (fixtures.undeclared_latin1_feed(), "Crème brûlée à la carte"),
        (fixtures.mislabelled_feed(), "“Smart quotes” – and a dash"),
    ],
)
def test_wrong_or_missing_encoding_is_recovered(body: bytes, title: str) -> None:
    assert parse_feed(body, FEED_URL).items[0].title == title


async def test_feed_served_over_http_with_a_charset_header(http_server: LocalHTTPServer) -> None:
    body = fixtures.load("legacy-windows-1252.xml").replace(b' encoding="windows-1252"', b"")
    url = http_server.add("/gazette", body, content_type="text/xml; charset=windows-1252")
    async with Fetcher(allow_private=True, host_delay=0) as fetcher:
        result = await fetcher.fetch(url)
    feed = parse_feed(result.body, result.url, result.content_type)
    assert feed.items[0].title == "L’été arrive à Paris — « enfin »"


# --- broken, hostile and non-feeds -------------------------------------------------------------


def test_malformed_feed_still_yields_its_items() -> None:
    feed = parse("malformed.xml")
    assert feed.title == "Broken & Proud News"
    assert [item.title for item in feed.items] == ["First story & more", "Second story"]
    assert feed.items[0].text == "Unescaped markup in a description.\nIt still counts."
    assert feed.items[1].text == "Second body with an HTML entity."


def test_hostile_feed() -> None:
    now = datetime.now(UTC)
    feed = parse("hostile-rss.xml")
    assert feed.title == "Hostile Feed"
    titles = [item.title for item in feed.items]
    # HTML stripped (script content too), entities unescaped, duplicate guid dropped, the
    # empty item dropped, a missing title replaced by the start of the text.
    assert titles == [
        "Bold & entities ’ here",
        "No title, no link, no date, no guid. The first line becomes the title because…",
        "Dangerous link",
    ]
    future, untitled, dangerous = feed.items
    assert future.url == "https://feeds.example.com/relative/story-1"
    assert future.published is not None
    published = datetime.fromisoformat(future.published)
    assert now - timedelta(minutes=5) <= published <= datetime.now(UTC)  # 2100 clamped to now
    assert untitled.url is None and untitled.guid is None and untitled.published is None
    assert dangerous.url is None  # javascript: is not a link
    assert dangerous.published is None  # "not a date at all"


def test_enormous_item_is_parsed_whole() -> None:
    feed = parse_feed(fixtures.enormous_item_feed(20_000), FEED_URL)
    paragraphs = feed.items[0].text.split("\n\n")
    assert len(paragraphs) == 20_000
    assert (
        paragraphs[-1] == "Paragraph 19999 of a very long article, written to make the feed huge."
    )


def test_many_items_keep_their_order() -> None:
    feed = parse_feed(fixtures.many_items_feed(500), FEED_URL)
    assert [item.guid for item in feed.items] == [f"item-{n}" for n in range(500)]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (fixtures.load("not-a-feed.html"), "text/html"),
        (fixtures.load("article.html"), ""),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "image/png"),
        (b"", ""),
        (b"   \n", "application/rss+xml"),
        (b"/etc/passwd", ""),  # feedparser would open a file by that name if given bytes
        (b"<?xml version='1.0'?><note><to>Tove</to></note>", "application/xml"),
    ],
)
def test_non_feeds_are_refused(body: bytes, content_type: str) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(body, FEED_URL, content_type)


def test_an_empty_but_valid_feed_has_no_items() -> None:
    feed = parse_feed(fixtures.rss("").encode(), FEED_URL)
    assert feed.title == "Generated" and feed.items == []


def test_feed_without_a_title_is_named_after_its_host() -> None:
    body = b'<rss version="2.0"><channel><item><title>A</title></item></channel></rss>'
    assert parse_feed(body, FEED_URL).title == "feeds.example.com"


# --- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("<p>Line<br>break</p>", "Line\nbreak"),
        ("First<br><br>Second", "First\n\nSecond"),
        ("<h2>Head</h2>Body text", "Head\n\nBody text"),
        ("<ul><li>a</li><li>b</li></ul>", "a\n\nb"),
        ("<p>  lots \n of   <b>space</b>  </p>", "lots of space"),
        ("<p>x<script>var y = 1;</script>z</p><style>p{}</style>", "xz"),
        ("Tom &amp; Jerry&nbsp;&#8217;s", "Tom & Jerry ’s"),
        ("<div><div><p>deep</p></div></div>tail", "deep\n\ntail"),
        ("no markup at all", "no markup at all"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_html_to_text_survives_deep_nesting() -> None:
    assert html_to_text("<div>" * 5000 + "bottom" + "</div>" * 5000) == "bottom"


def test_plain_text_normalises_paragraphs() -> None:
    assert plain_text("  a  b \r\n\r\n\r\n c\n d ") == "a b\n\nc\nd"


LONG = "This is a full sentence about the news. " * 12


@pytest.mark.parametrize(
    ("text", "teaser"),
    [
        (LONG, False),
        ("Too short to be an article.", True),
        ("x" * 500, True),  # long but not even one sentence
        (LONG + "And then it stops […]", True),
        (LONG + "\n\nAnd then it stops [...]\n\nThe post X appeared first on Y.", True),
        (LONG + "\n\nContinue reading →", True),
        (LONG + "\n\nRead more", True),
        (LONG + "\n\nThe post X appeared first on Y.", False),
        (
            LONG + "\n\n" + "Read more widely, the council says, and the bridge will last. " * 3,
            False,
        ),
    ],
)
def test_is_teaser(text: str, teaser: bool) -> None:
    assert is_teaser(text) is teaser


def test_iso_utc() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    seoul = datetime.fromisoformat("2024-02-06T20:30:00+09:00")
    assert iso_utc(seoul, now) == "2024-02-06T11:30:00+00:00"
    assert iso_utc(datetime(2024, 2, 6, 11, 30), now) == "2024-02-06T11:30:00+00:00"
    assert iso_utc(datetime(2030, 1, 1, tzinfo=UTC), now) == "2024-05-01T12:00:00+00:00"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("en-US", "en"),
        ("ko_KR", "ko"),
        ("DE", "de"),
        ("eng", "en"),
        ("fil", None),  # no ISO 639-1 code: key points detect the language from the text
        ("xx-YY", None),
        ("", None),
        (None, None),
    ],
)
def test_language_code(raw: str | None, code: str | None) -> None:
    assert language_code(raw) == code


@pytest.mark.parametrize(
    ("language", "written", "published"),
    [
        # UOL's feed: feedparser reads only English and W3C dates
        ("pt-br", "Seg, 24 Set 2018 10:15:00 -0300", "2018-09-24T13:15:00+00:00"),
        ("de", "Mo, 03 Dez 2018 18:40:00 +0100", "2018-12-03T17:40:00+00:00"),
        ("es", "mié, 05 dic 2018 09:00:00 GMT", "2018-12-05T09:00:00+00:00"),
        ("ru", "3 декабря 2018, 18:40", "2018-12-03T18:40:00+00:00"),
        ("ko", "2018년 12월 3일 18:40", "2018-12-03T18:40:00+00:00"),
        ("ja", "2018年12月3日 18時40分", "2018-12-03T18:40:00+00:00"),
        ("zh", "2018年12月3日 18:40", "2018-12-03T18:40:00+00:00"),
        ("", "Seg, 24 Set 2018 10:15:00 -0300", "2018-09-24T13:15:00+00:00"),  # no language
        ("pt-br", "em breve", None),
    ],
)
def test_feed_dates_in_other_languages(language: str, written: str, published: str | None) -> None:
    lang = f"<language>{language}</language>" if language else ""
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>UOL</title>'
        f"{lang}<item><title>Notícia</title><link>https://noticias.example/1</link>"
        f"<pubDate>{written}</pubDate><description>Texto.</description></item></channel></rss>"
    )
    [item] = parse_feed(feed.encode(), "https://noticias.example/feed").items
    assert item.published == published


def test_json_feed_date_in_another_language() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Notícias",
        "language": "pt-BR",
        "items": [{"id": "1", "content_text": "Texto.", "date_published": "24 set 2018 10:15"}],
    }
    [item] = parse_feed(json.dumps(feed).encode(), "https://noticias.example/feed.json").items
    assert item.published == "2018-09-24T10:15:00+00:00"
