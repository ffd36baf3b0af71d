"""Hostile feeds and pages through the whole poller, and non-pages given to summarize.

Every input is served by a real HTTP server on 127.0.0.1 and followed by one Newsroom on a
real SQLite file; one ingest() must store the good feed's articles, record each failure on its
own feed, and show it in `newsbot feeds list` and Newsroom.stats().
"""

from __future__ import annotations

import gzip
import os
import random
import socket
import sqlite3
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.errors import NewsbotError
from bot.ingest.pages import MAX_TEXT_CHARS
from bot.newsroom import Newsroom
from tests.support import feeds as fixtures
from tests.support.httpserver import LocalHTTPServer, fake_dns, gzip_bomb
from tests.support.newsroom import SEED_TITLE, local_settings, rss_feed, rss_item, seed_paragraphs

MAX_BYTES = 3_000_000  # the download cap in these tests
TIMEOUT = 2.0  # the fetch time cap in these tests
RSS = "application/rss+xml"
NOISE = random.Random(20240207)


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

    def add(self, server: LocalHTTPServer, path: str, error: str | None, **reply: object) -> None:
        self.feeds[server.add(path, **reply)] = error  # type: ignore[arg-type]


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
    add(server, "/hangs", "took too long", body=seed_feed(), content_type=RSS, delay=TIMEOUT * 3)
    add(
        server,
        "/drips",
        "took too long",
        body=seed_feed(),
        content_type=RSS,
        drip=0.5,
        chunk_size=100,
    )
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
        "/page/hangs": lambda p: server.add(p, fixtures.load("article.html"), delay=TIMEOUT * 3),
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
    """A Newsroom following every feed of the corpus (names other than IPs do not resolve)."""
    fake_dns(monkeypatch, {})
    corpus = serve_corpus(http_server)
    settings = local_settings(tmp_path, max_download_bytes=MAX_BYTES, fetch_timeout=TIMEOUT)
    room = Newsroom(settings)
    await room.open()
    for url in corpus.feeds:
        await room.add_feed_unchecked(url)
    yield room, corpus
    await room.close()


async def test_one_ingest_survives_the_hostile_corpus(
    hostile: tuple[Newsroom, Corpus],
    http_server: LocalHTTPServer,
) -> None:
    room, corpus = hostile
    report = await room.ingest()
    failing = {url: error for url, error in corpus.feeds.items() if error}
    print(len(corpus.feeds), len(failing), corpus.teaser_pages, report.summary())
    feeds = {f.url: f for f in await room.feeds()}
    problems = []
    for url, error in corpus.feeds.items():
        f = feeds[url]
        if error is None and not f.healthy:
            problems.append((url, "expected ok", f.last_error))
        if error is not None and (f.failures != 1 or error not in (f.last_error or "")):
            problems.append((url, error, f.last_error))
    for f in feeds.values():
        print(f.url, f.articles, f.last_status, f.last_error)
    assert problems == []
