"""Fetcher against a real local HTTP server: redirects, caps, conditional GET, politeness."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.ingest.fetcher import (
    MAX_REDIRECTS,
    BlockedURLError,
    Fetcher,
    FetchError,
    FetchResult,
)
from bot.ingest.safety import UnsafeURLError
from tests.support.httpserver import LocalHTTPServer, Reply, Request, fake_dns, gzip_bomb

LAST_MODIFIED = "Tue, 06 Feb 2024 11:30:00 GMT"


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach 127.0.0.1, with no politeness delay."""
    async with Fetcher(allow_private=True, host_delay=0, max_bytes=1_000_000, timeout=5) as f:
        yield f


async def test_fetch_returns_body_headers_and_final_url(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add(
        "/feed.xml",
        "<rss/>",
        content_type="application/rss+xml; charset=utf-8",
        etag='"v1"',
        last_modified=LAST_MODIFIED,
    )
    result = await fetcher.fetch(url)
    assert isinstance(result, FetchResult)
    assert (result.url, result.status, result.body) == (url, 200, b"<rss/>")
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert (result.etag, result.last_modified) == ('"v1"', LAST_MODIFIED)
    assert result.not_modified is False
    assert result.headers["content-type"] == result.content_type
    request = http_server.requests[-1]
    assert request.headers["user-agent"].startswith("newsbot/0.1")
    assert "application/rss+xml" in request.headers["accept"]


async def test_custom_accept_and_user_agent(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/page", "<html></html>")
    async with Fetcher(allow_private=True, host_delay=0, user_agent="test-agent/1") as fetcher:
        await fetcher.fetch(url, accept="text/html")
    assert http_server.requests[-1].headers["user-agent"] == "test-agent/1"
    assert http_server.requests[-1].headers["accept"] == "text/html"


async def test_etag_makes_a_conditional_request(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add("/feed", "body", etag='"abc"')
    result = await fetcher.fetch(url, etag='"abc"')
    assert result.not_modified and result.status == 304 and result.body == b""
    assert result.etag == '"abc"'
    assert http_server.requests[-1].headers["if-none-match"] == '"abc"'
    changed = await fetcher.fetch(url, etag='"old"')
    assert not changed.not_modified and changed.body == b"body"


async def test_last_modified_makes_a_conditional_request(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add("/feed", "body", last_modified=LAST_MODIFIED)
    result = await fetcher.fetch(url, last_modified=LAST_MODIFIED)
    assert result.not_modified and result.last_modified == LAST_MODIFIED
    assert http_server.requests[-1].headers["if-modified-since"] == LAST_MODIFIED


async def test_304_without_validators_keeps_the_ones_sent(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add_handler("/bare304", lambda request: Reply(status=304))
    result = await fetcher.fetch(url, etag='"e"', last_modified=LAST_MODIFIED)
    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"e"', LAST_MODIFIED)


async def test_redirects_are_followed_to_the_final_url(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    http_server.redirect("/old", "/older", status=301)
    http_server.redirect("/older", http_server.url("/new"), status=308)
    final = http_server.add("/new", "moved here")
    result = await fetcher.fetch(http_server.url("/old"))
    assert result.url == final and result.body == b"moved here"
    assert [http_server.hits[p] for p in ("/old", "/older", "/new")] == [1, 1, 1]


async def test_redirect_loop_is_an_error(http_server: LocalHTTPServer, fetcher: Fetcher) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    with pytest.raises(FetchError, match="loop"):
        await fetcher.fetch(http_server.url("/a"))
    assert http_server.hits["/a"] == 1 and http_server.hits["/b"] == 1


async def test_too_many_redirects_is_an_error(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    for n in range(MAX_REDIRECTS + 1):
        http_server.redirect(f"/hop{n}", f"/hop{n + 1}")
    http_server.add(f"/hop{MAX_REDIRECTS + 1}", "too far")
    with pytest.raises(FetchError, match="redirected more than"):
        await fetcher.fetch(http_server.url("/hop0"))
    assert http_server.hits[f"/hop{MAX_REDIRECTS + 1}"] == 0


async def test_exactly_max_redirects_is_fine(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    for n in range(MAX_REDIRECTS):
        http_server.redirect(f"/hop{n}", f"/hop{n + 1}")
    http_server.add(f"/hop{MAX_REDIRECTS}", "made it")
    assert (await fetcher.fetch(http_server.url("/hop0"))).body == b"made it"


async def test_redirect_without_location_is_an_error(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add("/nowhere", status=302)
    with pytest.raises(FetchError) as error:
        await fetcher.fetch(url)
    assert error.value.status == 302


@pytest.mark.parametrize(
    ("status", "words"), [(404, "not found"), (403, "refused"), (503, "error")]
)
async def test_http_errors_carry_the_status(
    http_server: LocalHTTPServer, fetcher: Fetcher, status: int, words: str
) -> None:
    url = http_server.add("/broken", "nope", status=status)
    with pytest.raises(FetchError, match=words) as error:
        await fetcher.fetch(url)
    assert error.value.status == status
    assert "\n" not in str(error.value)


async def test_connection_refused_is_a_friendly_error(fetcher: Fetcher) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(FetchError, match="couldn't connect") as error:
        await fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert error.value.status is None


# --- safety ----------------------------------------------------------------------------------


async def test_private_address_is_refused_before_any_request(
    http_server: LocalHTTPServer,
) -> None:
    url = http_server.add("/secret", "internal")
    async with Fetcher(host_delay=0) as fetcher:
        with pytest.raises(BlockedURLError, match="own machine") as error:
            await fetcher.fetch(url)
    assert isinstance(error.value, FetchError) and isinstance(error.value, UnsafeURLError)
    assert http_server.hits["/secret"] == 0


@pytest.fixture
async def public_fetcher(
    http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Fetcher]:
    """A fetcher with the private-address check ON, whose client reaches the local server for
    any host name; "news.example" resolves (falsely) to a public address."""
    fake_dns(monkeypatch, {"news.example": ["93.184.216.34"], "inside.example": ["10.0.0.8"]})
    client = httpx.AsyncClient(transport=http_server.transport())
    async with client, Fetcher(client, host_delay=0) as fetcher:
        yield fetcher


async def test_a_public_host_is_fetched(
    http_server: LocalHTTPServer, public_fetcher: Fetcher
) -> None:
    http_server.add("/feed", "public")
    result = await public_fetcher.fetch("http://news.example/feed")
    assert result.body == b"public" and result.url == "http://news.example/feed"
    assert http_server.requests[-1].headers["host"] == "news.example"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/secret",
        "http://2130706433/secret",
        "http://[::1]/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://inside.example/secret",
        "file:///etc/passwd",
    ],
)
async def test_every_redirect_hop_is_checked(
    http_server: LocalHTTPServer, public_fetcher: Fetcher, target: str
) -> None:
    http_server.redirect("/go", target)
    http_server.add("/secret", "internal")
    with pytest.raises(BlockedURLError):
        await public_fetcher.fetch("http://news.example/go")
    assert http_server.hits["/go"] == 1
    assert http_server.hits["/secret"] == 0 and http_server.hits["/latest/meta-data/"] == 0


async def test_injected_client_is_left_open(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/x", "x")
    async with httpx.AsyncClient() as client:
        fetcher = Fetcher(client, allow_private=True, host_delay=0)
        await fetcher.aclose()
        assert not client.is_closed
        assert (await fetcher.fetch(url)).body == b"x"


# --- size and time caps ----------------------------------------------------------------------


async def test_declared_length_over_the_cap_is_refused(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add("/big", b"x" * 1_000_001)
    with pytest.raises(FetchError, match=r"bigger than the 1 MB limit"):
        await fetcher.fetch(url)


async def test_undeclared_length_is_capped_while_streaming(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add("/stream", b"y" * 3_000_000, content_length=False, chunk_size=65536)
    with pytest.raises(FetchError, match="bigger than"):
        await fetcher.fetch(url)


async def test_body_exactly_at_the_cap_is_accepted(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    url = http_server.add("/exact", b"z" * 1_000_000, content_length=False)
    assert len((await fetcher.fetch(url)).body) == 1_000_000


async def test_gzip_body_is_decompressed(http_server: LocalHTTPServer, fetcher: Fetcher) -> None:
    text = "<rss>" + "news " * 10_000 + "</rss>"
    url = http_server.add("/gz", text, gzipped=True)
    result = await fetcher.fetch(url)
    assert result.body == text.encode()
    assert http_server.requests[-1].headers["accept-encoding"] == "gzip, deflate"


async def test_concatenated_gzip_members_are_all_read(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    body = gzip.compress(b"first half, ") + gzip.compress(b"second half")
    url = http_server.add("/members", body, headers={"Content-Encoding": "gzip"})
    assert (await fetcher.fetch(url)).body == b"first half, second half"


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS])
async def test_deflate_with_and_without_zlib_header(
    http_server: LocalHTTPServer, fetcher: Fetcher, wbits: int
) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(b"deflated words " * 100) + packer.flush()
    url = http_server.add("/deflate", body, headers={"Content-Encoding": "deflate"})
    assert (await fetcher.fetch(url)).body == b"deflated words " * 100


@pytest.mark.parametrize("encoding", ["br", "gzip, gzip", "compress"])
async def test_unknown_content_encoding_is_an_error(
    http_server: LocalHTTPServer, fetcher: Fetcher, encoding: str
) -> None:
    url = http_server.add("/odd", b"\x00\x01", headers={"Content-Encoding": encoding})
    with pytest.raises(FetchError, match="compression"):
        await fetcher.fetch(url)


async def test_damaged_gzip_is_an_error(http_server: LocalHTTPServer, fetcher: Fetcher) -> None:
    url = http_server.add(
        "/damaged", b"\x1f\x8bnot really gzip", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FetchError, match="damaged"):
        await fetcher.fetch(url)


async def test_gzip_bomb_stops_at_the_cap_without_inflating_it(
    http_server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    bomb = gzip_bomb(200_000_000)  # 200 MB of zeros in about 200 KB
    assert len(bomb) < 1_000_000  # its Content-Length passes the 1 MB cap
    url = http_server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"}, chunk_size=65536)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="bigger than"):
            await fetcher.fetch(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A decoder without an output bound inflates a 64 KB chunk of this to about 64 MB at once.
    assert peak < 10_000_000


async def test_a_server_that_never_answers_times_out(http_server: LocalHTTPServer) -> None:
    url = http_server.add("/hang", "late", delay=30)
    async with Fetcher(allow_private=True, host_delay=0, timeout=0.5) as fetcher:
        with pytest.raises(FetchError, match="too long") as error:
            await fetcher.fetch(url)
    assert error.value.status is None


async def test_a_slow_drip_hits_the_total_time_cap(http_server: LocalHTTPServer) -> None:
    # Each chunk arrives well within the read timeout; only the total cap can stop this.
    url = http_server.add("/drip", b"d" * 200, chunk_size=1, drip=0.1)
    async with Fetcher(allow_private=True, host_delay=0, timeout=1.0) as fetcher:
        with pytest.raises(FetchError, match="too long"):
            await fetcher.fetch(url)


# --- concurrency and politeness --------------------------------------------------------------


async def _fetch_all(fetcher: Fetcher, urls: list[str]) -> list[FetchResult]:
    return list(await asyncio.gather(*(fetcher.fetch(u) for u in urls)))


class _InFlight:
    """A handler that records how many requests (overall and per host) run at once."""

    def __init__(self, barrier: threading.Barrier | None = None, hold: float = 0.0) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.starts: list[tuple[str, float]] = []
        self.barrier = barrier
        self.hold = hold

    def _enter(self, key: str) -> None:
        with self.lock:
            self.now[key] = self.now.get(key, 0) + 1
            self.peak[key] = max(self.peak.get(key, 0), self.now[key])

    def _leave(self, key: str) -> None:
        with self.lock:
            self.now[key] -= 1

    def __call__(self, request: Request) -> Reply:
        host = request.headers["host"]
        with self.lock:
            self.starts.append((host, time.monotonic()))
        self._enter("*")
        self._enter(host)
        try:
            if self.barrier is not None:
                self.barrier.wait()
            time.sleep(self.hold)
        finally:
            self._leave(host)
            self._leave("*")
        return Reply(body=host.encode())


async def test_requests_to_different_hosts_run_together_within_the_global_cap(
    http_server: LocalHTTPServer,
) -> None:
    # The barrier only opens for two requests at once: the test hangs-then-fails
    # (BrokenBarrierError -> HTTP error) unless two fetches really are in flight together.
    handler = _InFlight(barrier=threading.Barrier(2, timeout=10), hold=0.05)
    http_server.add_handler("/p", handler)
    client = httpx.AsyncClient(transport=http_server.transport())
    async with client, Fetcher(client, allow_private=True, host_delay=0, concurrency=2) as f:
        results = await _fetch_all(f, [f"http://h{n}.example/p" for n in range(6)])
    assert sorted(r.body for r in results) == sorted(f"h{n}.example".encode() for n in range(6))
    assert handler.peak["*"] == 2


async def test_one_host_gets_at_most_per_host_requests_at_once(
    http_server: LocalHTTPServer,
) -> None:
    handler = _InFlight(hold=0.05)
    http_server.add_handler("/p", handler)
    client = httpx.AsyncClient(transport=http_server.transport())
    async with client, Fetcher(client, allow_private=True, host_delay=0, per_host=1) as f:
        await _fetch_all(f, ["http://one.example/p"] * 4 + ["http://two.example/p"] * 4)
    assert handler.peak["one.example"] == 1 and handler.peak["two.example"] == 1


async def test_requests_to_one_host_are_spaced_by_the_host_delay(
    http_server: LocalHTTPServer,
) -> None:
    handler = _InFlight()
    http_server.add_handler("/p", handler)
    async with Fetcher(allow_private=True, host_delay=0.2, per_host=4) as fetcher:
        await _fetch_all(fetcher, [http_server.url("/p")] * 3)
    times = sorted(t for _, t in handler.starts)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.15  # a lower bound the fetcher guarantees


async def test_waiting_for_a_busy_host_does_not_hold_up_other_hosts(
    http_server: LocalHTTPServer,
) -> None:
    handler = _InFlight()
    http_server.add_handler("/p", handler)
    client = httpx.AsyncClient(transport=http_server.transport())
    # A long host delay keeps the test meaningful on a loaded machine: the other host must be
    # served while the busy host's later requests wait their turn.
    fetcher = Fetcher(client, allow_private=True, host_delay=1.5, per_host=1, concurrency=2)
    async with client, fetcher:
        urls = ["http://busy.example/p"] * 3 + ["http://other.example/p"]
        await _fetch_all(fetcher, urls)
    order = [host for host, _ in sorted(handler.starts, key=lambda start: start[1])]
    assert sorted(order) == ["busy.example"] * 3 + ["other.example"]
    second_busy = [n for n, host in enumerate(order) if host == "busy.example"][1]
    assert order.index("other.example") < second_busy


async def test_a_kept_alive_connection_the_server_closed_is_not_reused(fetcher: Fetcher) -> None:
    """The pool asks each idle connection whether the server hung up (QuickStream answers);
    a connection closed meanwhile is dropped, not written to, so the next fetch succeeds."""
    connections = 0

    async def answer_once_then_hang_up(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")  # no "Connection: close"
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer_once_then_hang_up, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    async with server:
        assert (await fetcher.fetch(url)).body == b"ok"
        await asyncio.sleep(0.2)  # the server's FIN reaches the idle, pooled connection
        assert (await fetcher.fetch(url)).body == b"ok"
    assert connections == 2
