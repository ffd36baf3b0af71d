"""extract_page on article pages (fetched from the local server) and looks_like_feed."""

from __future__ import annotations

import pytest

from bot.ingest.fetcher import Fetcher, FetchError
from bot.ingest.pages import ExtractedPage, ExtractError, extract_page, looks_like_feed
from tests.support import feeds as fixtures
from tests.support.httpserver import LocalHTTPServer, Reply, Request

PAGE_URL = "https://wire.example.com/2024/harbour-bridge?utm_source=feed"


def test_article_page_main_text_and_metadata() -> None:
    page = extract_page(fixtures.load("article.html"), PAGE_URL)
    assert isinstance(page, ExtractedPage)
    assert page.url == "https://wire.example.com/2024/harbour-bridge"
    assert page.title == "Harbour bridge to close for four weekends"
    assert page.author == "Sam Writer"
    assert page.published == "2024-03-02T07:00:00+00:00"
    assert page.language == "en"
    paragraphs = page.text.split("\n\n")
    assert paragraphs[0].startswith("The harbour bridge will close")  # headline not repeated
    assert paragraphs[-1].startswith("The council said it would review the plan")
    assert "Businesses worried" in paragraphs


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Home",
        "14 C",
        "cookies",
        "Related stories",
        "Tunnel tolls",
        "Great news, finally!",
        "All rights reserved",
        "Privacy",
        "Most Popular Articles",
        "dataLayer",
        "font-family",
    ],
)
def test_article_page_leaves_out_boilerplate(boilerplate: str) -> None:
    assert boilerplate not in extract_page(fixtures.load("article.html"), PAGE_URL).text


def test_str_input_and_relative_canonical() -> None:
    html = (
        "<html lang='ko-KR'><head><link rel='canonical' href='/news/123'></head><body><article>"
        "<p>서울에 첫 눈이 내렸다. 기상청은 내일도 눈이 온다고 밝혔다.</p>"
        "<p>시민들은 출근길 교통 혼잡을 걱정했다.</p></article></body></html>"
    )
    page = extract_page(html, "https://news.example.kr/section/page?id=1")
    assert page.url == "https://news.example.kr/news/123"
    assert page.language == "ko"
    assert page.text.startswith("서울에 첫 눈이 내렸다.")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_page_bytes_in_other_encodings(encoding: str) -> None:
    meta = '<meta charset="windows-1252">' if encoding == "cp1252" else ""
    html = (
        f"<html><head>{meta}</head><body><article><p>“Déjà vu”, said the café owner. "
        "Prices rose again this week.</p></article></body></html>"
    )
    page = extract_page(html.encode(encoding), "https://cafe.example/")
    assert page.text == "“Déjà vu”, said the café owner. Prices rose again this week."


def test_page_without_canonical_or_metadata() -> None:
    html = (
        "<html><body><article><p>A plain page with a paragraph of text that says something."
        " It has two sentences.</p></article></body></html>"
    )
    page = extract_page(html, "https://plain.example/p")
    assert page.url is None and page.author is None and page.language is None
    assert page.text.startswith("A plain page")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b" \n\t ", "empty"),
        ("", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "not a web page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00\x00stream", "not a web page"),
        (b"<html><head><title>x</title></head><body></body></html>", "couldn't find"),
        (b"<html><body><script>app()</script></body></html>", "couldn't find"),
    ],
)
def test_unreadable_documents_raise(body: bytes | str, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        extract_page(body, PAGE_URL)


def test_huge_page_is_extracted() -> None:
    page = extract_page(fixtures.huge_page(8_000), "https://huge.example/")
    assert page.title == "Huge page"
    assert page.text.count("It has a second sentence.") == 8_000


async def test_fetch_then_extract_from_the_local_server(http_server: LocalHTTPServer) -> None:
    http_server.redirect("/short", "/2024/harbour-bridge")
    http_server.add("/2024/harbour-bridge", fixtures.load("article.html"), gzipped=True)
    async with Fetcher(allow_private=True, host_delay=0) as fetcher:
        result = await fetcher.fetch(http_server.url("/short"))
    assert not looks_like_feed(result.body, result.content_type)
    page = extract_page(result.body, result.url)
    assert page.title == "Harbour bridge to close for four weekends"


async def test_huge_page_over_the_download_cap_is_refused(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/huge", fixtures.huge_page(30_000))  # about 2.5 MB
    async with Fetcher(allow_private=True, host_delay=0, max_bytes=1_000_000) as fetcher:
        with pytest.raises(FetchError, match="bigger than"):
            await fetcher.fetch(url)


async def test_page_redirect_loop_is_refused(http_server: LocalHTTPServer) -> None:
    def bounce(request: Request) -> Reply:  # /story -> /story?from=loop -> /story
        return Reply(status=302, headers={"Location": "/story" if request.query else "?from=loop"})

    http_server.add_handler("/story", bounce)
    async with Fetcher(allow_private=True, host_delay=0) as fetcher:
        with pytest.raises(FetchError, match="loop"):
            await fetcher.fetch(http_server.url("/story"))
    assert http_server.hits["/story"] == 2


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("wordpress-rss2.xml", "text/html", True),  # the content wins over a wrong type
        ("atom.xml", "", True),
        ("jsonfeed.json", "application/json", True),
        ("legacy-euc-kr.xml", "text/xml", True),
        ("malformed.xml", "application/octet-stream", True),
        ("not-a-feed.html", "text/html", False),
        ("article.html", "text/html; charset=utf-8", False),
        ("article.html", "application/rss+xml", True),  # a feed type is taken at its word
    ],
)
def test_looks_like_feed(name: str, content_type: str, expected: bool) -> None:
    assert looks_like_feed(fixtures.load(name), content_type) is expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<rdf:RDF xmlns:rdf="x">', True),
        ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0">'.encode("utf-16"), True),
        (b"<?xml version='1.0'?><!DOCTYPE rss SYSTEM 'x'><rss>", True),
        (b"<?xml version='1.0'?><sitemap/>", False),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', True),
        (b'{"data": []}', False),
        (b"", False),
        (b"\x89PNG\r\n", False),
    ],
)
def test_looks_like_feed_sniffs_the_first_bytes(body: bytes, expected: bool) -> None:
    assert looks_like_feed(body, "application/octet-stream") is expected
