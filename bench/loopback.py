"""Lean static HTTP/1.1 sites on 127.0.0.1 for the ingest benchmark: fixed answers, kept-alive
connections, one asyncio loop for every site.

A news site's server runs on someone else's machine; here it shares newsbot's two cores, so
it should cost as little as it can. tests/support/httpserver.py is built for hostile cases
(delays, drips, redirects, bombs) and spends a thread and a full header parse per connection
(0.3 to 0.8 ms of CPU per request in this benchmark); this one answers from pre-built bytes.
"""

from __future__ import annotations

import asyncio

_REASONS = {200: "OK", 404: "Not Found"}
_MAX_HEAD = 16_384


def _response(status: int, body: bytes, content_type: str) -> bytes:
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


_NOT_FOUND = _response(404, b"not found", "text/plain")


class Site:
    """One host:port answering every request for a path (query ignored) with its fixed answer."""

    def __init__(self) -> None:
        self._answers: dict[str, bytes] = {}
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> Site:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this site."""
        return f"http://127.0.0.1:{self.port}{path}"

    def add(
        self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8"
    ) -> str:
        """Serve `body` at `path`; return its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._answers[path] = _response(200, data, content_type)
        return self.url(path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if len(head) > _MAX_HEAD:
                    break
                _, target, _ = head.split(b" ", 2)
                path = target.split(b"?", 1)[0].decode("latin-1")
                writer.write(self._answers.get(path, _NOT_FOUND))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, OSError):
            pass  # the client hung up, or sent something this server does not speak
        finally:
            writer.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
