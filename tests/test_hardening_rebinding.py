"""DNS rebinding: the name check_url approved cannot lead the connect to a private address.

A hostile name server answers a public address to the safety check and 127.0.0.1 to the
connect that follows. The resolver is patched onto the running loop (both lookups go through
loop.getaddrinfo); no real name is ever looked up.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest

from bot.ingest.fetcher import BlockedURLError, Fetcher
from bot.ingest.safety import PinnedTransport, UnsafeURLError
from tests.support.httpserver import LocalHTTPServer

PUBLIC = "93.184.216.34"
NAME = "rebind.example"


def rebinding_dns(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """Make NAME resolve to answers[0], then answers[1], ...; return the answers given so far.

    IP literals go to the real resolver (no query); any other name is unknown.
    """
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    given: list[str] = []

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name != NAME:
            if name[:1].isdigit():
                return await real(host, port, *args, **kwargs)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        address = answers[min(len(given), len(answers) - 1)]
        given.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
    return given


def rebinding_url(server: LocalHTTPServer, path: str, scheme: str = "http") -> str:
    port = httpx.URL(server.base_url).port
    return f"{scheme}://{NAME}:{port}{path}"


async def test_an_unpinned_client_is_fooled_by_the_rebinding_dns(
    http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: check_url passes, then a plain httpx client connects to 127.0.0.1."""
    http_server.add("/secret", "internal admin page")
    given = rebinding_dns(monkeypatch, [PUBLIC, "127.0.0.1"])
    async with httpx.AsyncClient() as plain, Fetcher(plain, allow_private=False) as fetcher:
        result = await fetcher.fetch(rebinding_url(http_server, "/secret"))
    assert result.body == b"internal admin page"
    assert given == [PUBLIC, "127.0.0.1"]


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_the_connect_is_refused_when_the_second_answer_is_private(
    http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    http_server.add("/secret", "internal admin page")
    given = rebinding_dns(monkeypatch, [PUBLIC, "127.0.0.1"])
    async with Fetcher(allow_private=False, host_delay=0, timeout=5) as fetcher:
        with pytest.raises(BlockedURLError) as refused:
            await fetcher.fetch(rebinding_url(http_server, "/secret", scheme))
    assert str(refused.value) == "that address points at the bot's own machine"
    assert given == [PUBLIC, "127.0.0.1"]  # check_url saw the public one, the connect the other
    # Refused before any byte was sent: no request reached the server (and, for https, no TLS
    # handshake was attempted against the plain-HTTP server, which would fail differently).
    assert http_server.requests == []


async def test_the_pinned_transport_refuses_a_private_ip_literal_by_itself(
    http_server: LocalHTTPServer,
) -> None:
    """The transport alone, with no check_url in front of it, refuses 127.0.0.1."""
    url = http_server.add("/secret", "internal admin page")
    transport = PinnedTransport(httpx.Limits(), allow_private=False)
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(UnsafeURLError, match="own machine"):
            await client.get(url)
    assert http_server.requests == []


async def test_allow_private_still_fetches_through_the_pinned_client(
    http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.add("/feed", "<rss/>", content_type="application/rss+xml")
    given = rebinding_dns(monkeypatch, ["127.0.0.1"])
    async with Fetcher(allow_private=True, host_delay=0, timeout=5) as fetcher:
        by_name = await fetcher.fetch(rebinding_url(http_server, "/feed"))
        by_address = await fetcher.fetch(http_server.url("/feed"))
    assert by_name.body == by_address.body == b"<rss/>"
    assert given == ["127.0.0.1"]  # only the connect looked the name up
    assert len(http_server.requests) == 2
