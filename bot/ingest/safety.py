"""Refuse URLs, and connections, that would make the bot reach into its own machine or
private networks."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.errors import NewsbotError
from bot.ingest.streams import QuickStream

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SCHEMES = {"http": 80, "https": 443}
_IPV4_MAX = 2**32 - 1


class UnsafeURLError(NewsbotError):
    """The URL may not be fetched; the message says why, in words a user understands."""


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Parse the forms inet_aton accepts: 2130706433, 0x7f.1, 0177.0.0.1, 127.1."""
    parts = host.split(".")
    if parts and parts[-1] == "":  # a trailing dot ("127.0.0.1.")
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        text = part.lower()
        try:
            if text.startswith("0x"):
                numbers.append(int(text[2:] or "0", 16))
            elif len(text) > 1 and text.startswith("0"):
                numbers.append(int(text, 8))
            else:
                numbers.append(int(text, 10))
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for index, number in enumerate(head):
        value |= number << (8 * (3 - index))
    return ipaddress.IPv4Address(value) if value <= _IPV4_MAX else None


def _literal(host: str) -> IPAddress | None:
    """The address `host` names without any lookup, if it is an IP literal in any spelling."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return _legacy_ipv4(host) if host[:1].isdigit() else None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo), else itself."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & _IPV4_MAX)
    inner = address.ipv4_mapped or address.sixtofour
    if inner is None and address.teredo is not None:
        inner = address.teredo[1]
    return inner or address


def _refusal(address: IPAddress) -> str | None:
    """Why `address` may not be fetched, or None when it is a public unicast address."""
    address = _embedded(address)
    if address.is_loopback or address.is_unspecified:
        return "that address points at the bot's own machine"
    if address.is_multicast:
        return "that address is a multicast address, not a web site"
    site_local = isinstance(address, ipaddress.IPv6Address) and address.is_site_local
    if (
        site_local
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or not address.is_global
    ):
        return "that address points into a private network"
    return None


async def _resolve(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURLError(f"I can't find the server {host}") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = _literal(str(sockaddr[0]))
        if address is not None:
            addresses.append(address)
    if not addresses:
        raise UnsafeURLError(f"I can't find the server {host}")
    return addresses


async def check_url(url: str, allow_private: bool) -> None:
    """Raise UnsafeURLError unless `url` is http(s) and every address of its host is public.

    With `allow_private` only the scheme and host are checked (for tests and home servers).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeURLError("that is not a valid web address") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise UnsafeURLError("only http:// and https:// links are supported")
    host = parts.hostname
    if not host:
        raise UnsafeURLError("that link has no server name in it")
    if allow_private:
        return
    literal = _literal(host)
    addresses = [literal] if literal is not None else await _resolve(host, port or _SCHEMES[scheme])
    for address in addresses:
        reason = _refusal(address)
        if reason is not None:
            raise UnsafeURLError(reason)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, but a TCP connection to a non-public address is closed
    before any byte is sent (TLS included): the address checked is the one connected to.

    check_url resolves a name, then the connect resolves it again; a hostile name server can
    answer a public address the first time and 127.0.0.1 the second (DNS rebinding). Here the
    peer of the socket itself is checked, so the second answer cannot slip through.
    """

    def __init__(self, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = QuickStream(
            await self._inner.connect_tcp(
                host,
                port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            )
        )
        if self._allow_private:
            return stream
        peer = stream.get_extra_info("server_addr")
        address = _literal(str(peer[0])) if isinstance(peer, tuple) and peer else None
        reason = "I couldn't tell which address I reached" if address is None else _refusal(address)
        if reason is not None:
            await stream.aclose()
            raise UnsafeURLError(reason)
        return stream

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport whose connections go through PinnedBackend.

    A client given this transport ignores HTTP(S)_PROXY: through a proxy the peer would be the
    proxy, and the check meaningless.
    """

    def __init__(self, limits: httpx.Limits, *, allow_private: bool) -> None:
        super().__init__(limits=limits)
        # httpx (0.28) takes no network backend, so the pool it built is replaced by one that
        # has ours, with the same settings.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(allow_private),
        )
