"""Hostile feeds and pages through the whole poller, and non-pages given to summarize.

Every input is served by a real HTTP server on 127.0.0.1 and followed by one Newsroom on a
real SQLite file; one ingest() must store the good feed's articles, record each failure on its
own feed, and show it in `newsbot feeds list` and Newsroom.stats().
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.cli.main import main
from bot.errors import NewsbotError
from bot.ingest.pages import MAX_EXTRACT_BYTES, MAX_TEXT_CHARS, extract_page
from bot.newsroom import Newsroom
from tests.support import feeds as fixtures
from tests.support.crash import integrity
from tests.support.httpserver import LocalHTTPServer, fake_dns, gzip_bomb
from tests.support.newsroom import SEED_TITLE, local_settings, rss_feed, rss_item, seed_paragraphs

MAX_BYTES = 3_000_000  # the download cap in these tests
TIMEOUT = 2.0  # the fetch time cap in these tests
RSS = "application/rss+xml"
NOISE = random.Random(20240207)
SLOW_HOST = "slow.example"  # 127.0.0.1 under another name: its own turns at the fetcher


def noise(size: int) -> bytes:
    return NOISE.randbytes(size)


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n"
    b"4 0 obj\n<< /Length 70 >>\nstream\nBT /F1 24 Tf 100 700 Td "
    b"(Quarterly report: revenue rose sharply this year.) Tj ET\nendstream\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def billion_laughs() -> bytes:
    levels = ['<!ENTITY a0 "hahahahaha">']
    levels += [f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{"".join(levels)}]>\n'
        '<rss version="2.0"><channel><title>Laughs</title>'
        "<item><title>Laugh &a9;</title><guid>laugh</guid><description>&a9;</description></item>"
        "</channel></rss>"
    ).encode()


def external_entities(target: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd">'
        f'<!ENTITY web SYSTEM "{target}">]>\n<rss version="2.0"><channel><title>XXE</title>'
        "<item><title>Secret &file;</title><guid>xxe</guid>"
        "<description>Body &file; and &web;</description></item></channel></rss>"
    ).encode()


def deep_nesting(depth: int = 50_000) -> bytes:
    return fixtures.rss(
        "<item><title>Deep</title><guid>deep</guid><description>"
        + "&lt;div&gt;" * depth
        + "Bottom of the well.</description></item>"
    ).encode()


def seed_feed(site: str = "www.dailynk.com") -> str:
    """The seed article; each copy on its own site, so that copies are separate articles."""
    item = rss_item(SEED_TITLE, seed_paragraphs(), link=f"https://{site}/english/k", guid="seed")
    return rss_feed([item])


def slow_host(server: LocalHTTPServer, path: str) -> str:
    """The URL of `path` on the local server under the name SLOW_HOST."""
    return f"http://{SLOW_HOST}:{httpx.URL(server.base_url).port}{path}"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(slots=True)
class Corpus:
    """Feed URL -> None (polls fine) or a fragment of the error recorded on the feed."""

    feeds: dict[str, str | None] = field(default_factory=dict)
    teaser_pages: int = 0

    def add(self, server: LocalHTTPServer, path: str, error: str | None, **reply: Any) -> None:
        self.feeds[server.add(path, **reply)] = error


def teaser_feed(server: LocalHTTPServer, pages: dict[str, Callable[[str], str]]) -> str:
    """A feed of one teaser item per hostile page (`pages`: path -> route installer)."""
    items = []
    for n, (path, install) in enumerate(pages.items()):
        link = install(path)
        items.append(
            f"<item><title>Teaser {n}</title><link>{link}</link><guid>teaser-{n}</guid>"
            f"<description>Only the start of story {n} [&#8230;]</description></item>"
        )
    return fixtures.rss("".join(items))


def serve_corpus(server: LocalHTTPServer) -> Corpus:
    corpus = Corpus()
    add = corpus.add
    # The one good feed.
    add(server, "/good", None, body=seed_feed(), content_type=RSS)
    # Broken XML.
    add(server, "/malformed", None, body=fixtures.load("malformed.xml"), content_type=RSS)
    truncated = seed_feed("truncated.example").encode()
    add(server, "/truncated", None, body=truncated[: len(truncated) // 2], content_type=RSS)
    add(server, "/tag-soup", "doesn't serve a news feed", body=b"<<rss>><</<>&&;", content_type=RSS)
    add(server, "/binary-as-rss", "doesn't serve a news feed", body=noise(20_000), content_type=RSS)
    nul = seed_feed("nul.example").encode().replace(b"<item>", b"<item>\x00\x00", 1)
    add(server, "/nul-bytes", None, body=nul, content_type=RSS)
    add(server, "/billion-laughs", None, body=billion_laughs(), content_type=RSS)
    add(
        server,
        "/external-entities",
        None,
        body=external_entities(server.url("/xxe-target")),
        content_type=RSS,
    )
    server.add("/xxe-target", "SECRET-FROM-THE-INSIDE")
    add(server, "/deep-nesting", None, body=deep_nesting(), content_type=RSS)
    add(
        server,
        "/json-broken",
        "doesn't serve a news feed",
        body=b'{"version": "https://jsonfeed.org/version/1", "items": [',
        content_type="application/feed+json",
    )
    add(
        server,
        "/json-not-feed",
        "not a JSON Feed",
        body=b'{"hello": "world"}',
        content_type="application/json",
    )
    # Wrong, missing or odd encodings.
    add(server, "/cp1252-says-utf8", None, body=fixtures.mislabelled_feed(), content_type=RSS)
    add(
        server, "/latin1-undeclared", None, body=fixtures.undeclared_latin1_feed(), content_type=RSS
    )
    add(
        server,
        "/euc-kr-says-utf8",
        None,
        body=fixtures.load("legacy-euc-kr.xml"),
        content_type=f"{RSS}; charset=utf-8",
    )
    add(
        server,
        "/unknown-charset",
        None,
        body=fixtures.load("atom.xml"),
        content_type="application/atom+xml; charset=x-no-such-charset",
    )
    utf16 = (
        seed_feed("utf16.example").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    )
    add(server, "/utf-16", None, body=utf16, content_type=RSS)
    # Compression and size.
    bomb = gzip_bomb(200_000_000)
    add(
        server,
        "/gzip-bomb",
        "bigger than the 3 MB limit",
        body=bomb,
        content_type=RSS,
        headers={"Content-Encoding": "gzip"},
    )
    add(
        server,
        "/gzip-damaged",
        "damaged compressed answer",
        body=b"\x1f\x8b\x08\x00" + noise(500),
        content_type=RSS,
        headers={"Content-Encoding": "gzip"},
    )
    add(
        server,
        "/brotli",
        "compression I can't read",
        body=noise(500),
        content_type=RSS,
        headers={"Content-Encoding": "br"},
    )
    big = fixtures.many_items_feed(40_000)  # about 4 MB
    add(server, "/oversize", "bigger than the 3 MB limit", body=big, content_type=RSS)
    add(
        server,
        "/oversize-unannounced",
        "bigger than the 3 MB limit",
        body=big,
        content_type=RSS,
        content_length=False,
    )
    add(
        server,
        "/enormous-item",
        None,
        body=fixtures.enormous_item_feed(20_000),
        content_type=RSS,
        gzipped=True,
    )
    add(server, "/many-items", None, body=fixtures.many_items_feed(300), content_type=RSS)
    # Odd items: HTML in titles, relative and javascript: links, future and bad dates,
    # duplicate guids, no title/link/date/guid at all.
    add(server, "/hostile-items", None, body=fixtures.load("hostile-rss.xml"), content_type=RSS)
    # HTTP failures.
    for status, error in (
        (404, "not found"),
        (410, "gone"),
        (403, "refused access"),
        (429, "limiting requests"),
        (500, "internal error"),
        (503, "internal error"),
    ):
        add(server, f"/status-{status}", error, body="no", status=status)
    # The slow ones on a host of their own: they must not hold up the others' turns.
    server.add("/hangs", seed_feed(), content_type=RSS, delay=TIMEOUT * 3)
    corpus.feeds[slow_host(server, "/hangs")] = "took too long"
    server.add("/drips", seed_feed(), content_type=RSS, drip=0.5, chunk_size=100)
    corpus.feeds[slow_host(server, "/drips")] = "took too long"
    server.redirect("/loop-a", "/loop-b")
    corpus.feeds[server.redirect("/loop-b", "/loop-a")] = "redirects in a loop"
    for n in range(7):
        server.redirect(f"/hop-{n}", f"/hop-{n + 1}")
    server.add("/hop-7", seed_feed("hops.example"), content_type=RSS)
    corpus.feeds[server.url("/hop-0")] = "redirected more than 5 times"
    add(
        server,
        "/to-a-file",
        "only http:// and https://",
        status=302,
        content_type=None,
        headers={"Location": "file:///etc/passwd"},
    )
    add(server, "/nowhere-redirect", "redirect without a target", status=302, content_type=None)
    corpus.feeds[f"http://127.0.0.1:{closed_port()}/feed"] = "couldn't connect"
    corpus.feeds["http://no-such-host.example/feed"] = "couldn't connect"
    # Not feeds at all.
    add(server, "/html-page", "doesn't serve a news feed", body=fixtures.load("not-a-feed.html"))
    add(server, "/empty", "empty document", body=b"", content_type=RSS)
    add(server, "/image", "doesn't serve a news feed", body=png(), content_type="image/png")
    add(server, "/pdf", "doesn't serve a news feed", body=PDF, content_type="application/pdf")
    add(
        server,
        "/feed-as-html",
        None,
        body=seed_feed("mislabelled.example"),
        content_type="text/html",
    )

    # Teasers whose pages are hostile: the feed polls fine and keeps each teaser's own text.
    def hanging_page(path: str) -> str:
        server.add(path, fixtures.load("article.html"), delay=TIMEOUT * 3)
        return slow_host(server, path)

    pages: dict[str, Callable[[str], str]] = {
        "/page/good": lambda p: server.add(p, fixtures.load("article.html")),
        "/page/empty": lambda p: server.add(p, b""),
        "/page/binary": lambda p: server.add(
            p, noise(50_000), content_type="application/octet-stream"
        ),
        "/page/image": lambda p: server.add(p, png(), content_type="image/png"),
        "/page/pdf": lambda p: server.add(p, PDF, content_type="application/pdf"),
        "/page/huge": lambda p: server.add(p, fixtures.huge_page(30_000)),  # 2.5 MB
        "/page/too-big": lambda p: server.add(p, fixtures.huge_page(50_000)),  # 4.2 MB
        "/page/bomb": lambda p: server.add(p, bomb, headers={"Content-Encoding": "gzip"}),
        "/page/loop": lambda p: server.redirect(p, p + "?again"),
        "/page/missing": lambda p: server.add(p, "gone", status=404),
        "/page/hangs": hanging_page,
        "/page/script-only": lambda p: server.add(
            p, "<html><body><script>x()</script></body></html>"
        ),
    }
    add(server, "/teasers", None, body=teaser_feed(server, pages), content_type=RSS)
    corpus.teaser_pages = len(pages)
    return corpus


@pytest.fixture
async def hostile(
    tmp_path: Path, http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Newsroom, Corpus]]:
    """A Newsroom following every feed of the corpus (no name but SLOW_HOST resolves)."""
    fake_dns(monkeypatch, {SLOW_HOST: ["127.0.0.1"]})
    corpus = serve_corpus(http_server)
    settings = local_settings(tmp_path, max_download_bytes=MAX_BYTES, fetch_timeout=TIMEOUT)
    room = Newsroom(settings)
    await room.open()
    for url in corpus.feeds:
        await room.add_feed_unchecked(url)
    yield room, corpus
    await room.close()


def feed_blocks(listing: str) -> dict[str, str]:
    """`newsbot feeds list` output: feed URL -> its health line."""
    lines = listing.splitlines()
    return {lines[n + 1].strip(): lines[n + 2].strip() for n in range(0, len(lines) - 2, 3)}


async def test_one_ingest_survives_the_hostile_corpus(
    hostile: tuple[Newsroom, Corpus],
    http_server: LocalHTTPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    room, corpus = hostile
    failing = {url: error for url, error in corpus.feeds.items() if error}
    report = await room.ingest()

    # Every feed polled; each failure recorded on its own feed, with its reason.
    assert (report.feeds_ok, report.feeds_failed) == (
        len(corpus.feeds) - len(failing),
        len(failing),
    )
    assert dict(report.failures).keys() == failing.keys()
    feeds = {f.url: f for f in await room.feeds()}
    for url, error in corpus.feeds.items():
        if error is None:
            assert feeds[url].healthy and feeds[url].last_error is None, url
        else:
            assert feeds[url].failures == 1, url
            assert error in (feeds[url].last_error or ""), (url, feeds[url].last_error)

    # The good feed's article is stored whole, with its key points.
    everything = await room.run.db(room.storage.articles.after, 0, 10_000)
    good = feeds[http_server.url("/good")]
    [article] = [a for a in everything if a.feed_id == good.id]
    assert article.title == SEED_TITLE and len(article.points) == 3

    # The odd items became clean articles.
    odd = feeds[http_server.url("/hostile-items")]
    hostile_items = [a for a in everything if a.feed_id == odd.id]
    titles = sorted(a.title for a in hostile_items)
    assert titles == [
        "Bold & entities ’ here",
        "Dangerous link",
        "No title, no link, no date, no guid. The first line becomes the title because…",
    ]
    now = datetime.now(UTC).isoformat()
    for a in hostile_items:
        assert "<" not in a.title and (a.published or "") <= now
        assert a.url is None or a.url.startswith(http_server.base_url + "/relative/")

    # No entity was expanded, no file read, no URL fetched on a feed's say-so.
    assert http_server.hits["/xxe-target"] == 0
    assert not any("root:" in a.text or "SECRET-FROM" in a.text for a in everything)
    assert max(len(a.text) for a in everything) <= MAX_TEXT_CHARS
    [enormous] = [a for a in everything if a.guid == "huge"]
    assert enormous.text.startswith("Paragraph 0 of a very long article") and enormous.points
    [laughs] = [a for a in everything if a.guid == "laugh"]
    assert "hahaha" not in laughs.text

    # Teasers: the readable page's text replaces its teaser, the hostile pages' do not.
    teasers = {a.url: a.text for a in everything if (a.guid or "").startswith("teaser-")}
    assert len(teasers) == corpus.teaser_pages
    assert len(teasers.pop(http_server.url("/page/good"))) > 400
    huge = teasers.pop(http_server.url("/page/huge"))
    assert huge.startswith("Sentence number 0 of a page") and len(huge) <= MAX_TEXT_CHARS
    for url, text in teasers.items():
        assert text.startswith("Only the start of story"), url

    # Shown by Newsroom.stats() ...
    stats = await room.stats()
    assert stats.articles == len(everything) == report.articles_new
    assert (stats.feeds_healthy, stats.feeds_failing) == (report.feeds_ok, report.feeds_failed)
    assert {f.url: f.last_error for f in stats.failing}.keys() == failing.keys()
    # ... and by `newsbot feeds list`, run on the same database.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSBOT_DB", room.settings.db_path)
    monkeypatch.setenv("NEWSBOT_FEEDS", "")
    assert await asyncio.to_thread(main, ["feeds", "list"]) == 0  # it runs its own loop
    health = feed_blocks(capsys.readouterr().out)
    assert health.keys() == corpus.feeds.keys()
    for url, error in corpus.feeds.items():
        if error is None:
            assert health[url].split(" · ")[1].startswith("ok, polled"), url
        else:
            assert "FAILING (1x): " in health[url] and error in health[url], url

    # A second pass adds nothing (no duplicates), counts the failures again, and the database
    # is intact.
    again = await room.ingest()
    assert (again.articles_new, again.articles_updated) == (0, 0)
    assert again.feeds_failed == len(failing)
    assert http_server.hits["/page/good"] == 1  # a filled teaser is not fetched again
    assert {f.url: f.failures for f in await room.feeds() if f.failures} == dict.fromkeys(
        failing, 2
    )
    assert (await room.stats()).articles == len(everything)
    assert integrity(Path(room.settings.db_path)) == ("ok", "ok")


NOT_PAGES: dict[str, tuple[bytes, str]] = {
    "/png": (png(), "image/png"),
    "/jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + noise(4000), "image/jpeg"),
    "/gif": (b"GIF89a\x01\x00\x01\x00" + noise(1000), "image/gif"),
    "/svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>A picture.</text></svg>',
        "image/svg+xml",
    ),
    "/pdf": (PDF, "application/pdf"),
    "/zip": (b"PK\x03\x04" + noise(4000), "application/zip"),
    "/mp4": (b"\x00\x00\x00\x18ftypmp42" + noise(4000), "video/mp4"),
    "/octet-random": (noise(8000), "application/octet-stream"),
    "/octet-words": (b"Just some words, not a page. " * 100, "application/octet-stream"),
    "/plain-text": (b"A plain text file. It has sentences, but no markup. " * 40, "text/plain"),
    "/json": (b'{"articles": [{"title": "Not a page"}]}', "application/json"),
    "/empty": (b"", "text/html"),
    "/script-only": (b"<html><body><script>app()</script></body></html>", "text/html"),
}


async def test_summarize_refuses_what_is_not_a_page_politely(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    for path, (body, content_type) in NOT_PAGES.items():
        http_server.add(path, body, content_type=content_type)
    http_server.add("/feed", seed_feed(), content_type=RSS)
    http_server.add("/bomb", gzip_bomb(50_000_000), headers={"Content-Encoding": "gzip"})
    refusals = {}
    for path in [*NOT_PAGES, "/feed", "/bomb"]:
        with pytest.raises(NewsbotError) as refused:
            await newsroom.summarize(http_server.url(path))
        refusals[path] = str(refused.value)
    assert refusals.pop("/feed") == "That link is a feed, not an article: follow it as a feed."
    reasons = {
        "that link is not a web page",
        "that link is not a readable web page",
        "the page is empty",
        "I couldn't find an article on that page",
        "the download is bigger than the 5 MB limit",
    }
    for path, message in refusals.items():
        assert message.removeprefix("I could not read that page: ") in reasons, (path, message)
    assert refusals["/bomb"].endswith("bigger than the 5 MB limit")
    assert refusals["/empty"].endswith("the page is empty")
    assert refusals["/png"].endswith("that link is not a web page")
    assert (await newsroom.stats()).articles == 0


def test_only_the_start_of_a_huge_page_is_extracted() -> None:
    page = fixtures.huge_page(30_000)  # 2.5 MB: trafilatura would take seconds per MB
    assert len(page) > MAX_EXTRACT_BYTES
    text = extract_page(page, "https://huge.example/").text
    assert text.startswith("Sentence number 0 of a page")
    read = page[:MAX_EXTRACT_BYTES].count(b"</p>")  # the paragraphs within the part read
    assert text.count("It has a second sentence.") in (read, read + 1)
    assert read < 30_000 and "Sentence number 29999 " not in text


async def test_summarize_stores_a_huge_page_clipped(
    newsroom: Newsroom, http_server: LocalHTTPServer
) -> None:
    url = http_server.add("/huge", fixtures.huge_page(30_000))
    article = await newsroom.summarize(url)
    assert article.title == "Huge page" and article.points
    assert MAX_TEXT_CHARS - 200 < len(article.text) <= MAX_TEXT_CHARS
    assert article.text.endswith("It has a second sentence.")  # cut at a paragraph's end
