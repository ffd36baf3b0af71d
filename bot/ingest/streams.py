"""httpcore's network stream with a cheap answer to the pool's "has this idle connection
been closed by the server?" question, asked of every pooled connection on every request."""

from __future__ import annotations

import select
import ssl
from typing import Protocol

import httpcore


class _Socket(Protocol):
    def fileno(self) -> int: ...


def _readable(sock: _Socket) -> bool:
    """Whether `sock` has something to read (on an idle connection: the server hung up)."""
    fd = sock.fileno()
    if fd == -1:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    ready, _, _ = select.select([fd], [], [], 0)
    return bool(ready)


class QuickStream(httpcore.AsyncNetworkStream):
    """Delegates to httpcore's stream, but keeps the raw socket at hand: anyio's attribute
    lookup behind get_extra_info costs far more than the readability check itself."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        raw = inner.get_extra_info("socket")  # asyncio's TransportSocket, for one
        self._socket: _Socket | None = raw if hasattr(raw, "fileno") else None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
    ) -> httpcore.AsyncNetworkStream:
        return QuickStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)
