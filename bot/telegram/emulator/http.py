"""A tiny HTTP/1.1 server for JSON APIs on asyncio streams: keep-alive, one task per connection."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MAX_HEADER_LINES = 100
MAX_BODY = 20_000_000


class HTTPError(Exception):
    """The request cannot be read; answer with `status` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request, fully read."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    client_gone: Callable[[], bool] = field(default=lambda: False, compare=False)

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"

    def fields(self) -> dict[str, Any]:
        """Query and body parameters (form-encoded or a JSON object); ValueError if unreadable."""
        found: dict[str, Any] = dict(parse_qsl(self.query, keep_blank_values=True))
        if not self.body:
            return found
        kind = self.headers.get("content-type", "").split(";")[0].strip().lower()
        text = self.body.decode("utf-8")
        if kind == "application/json":
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("the JSON body is not an object")
            found.update(data)
        elif kind in ("application/x-www-form-urlencoded", ""):
            found.update(parse_qsl(text, keep_blank_values=True))
        else:
            raise ValueError(f"unsupported content type {kind!r}")
        return found


Handler = Callable[[Request], Awaitable[tuple[int, dict[str, Any]]]]


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readline()
    except ValueError:  # longer than the stream's limit
        raise HTTPError(431, "request line or header too long") from None


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int((await _line(reader)).split(b";")[0].strip() or b"0", 16)
            total += size
            if total > MAX_BODY:
                raise HTTPError(413, "request body too large")
            if size == 0:
                while (await _line(reader)).strip():  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await _line(reader)
    length = int(headers.get("content-length", "0") or "0")
    if not 0 <= length <= MAX_BODY:
        raise HTTPError(413, "request body too large")
    return await reader.readexactly(length) if length else b""


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on the connection, or None when the client closed it."""
    line = await _line(reader)
    while line in (b"\r\n", b"\n"):
        line = await _line(reader)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HTTPError(400, "malformed request line")
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        header = (await _line(reader)).decode("latin-1")
        if header in ("\r\n", "\n", ""):
            break
        name, colon, value = header.partition(":")
        if not colon:
            raise HTTPError(400, "malformed header")
        headers[name.strip().lower()] = value.strip()
    else:
        raise HTTPError(431, "too many headers")
    if parts[2] == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive":
        headers["connection"] = "close"
    try:
        body = await _read_body(reader, headers)
    except ValueError:
        raise HTTPError(400, "malformed body framing") from None
    target = urlsplit(parts[1])
    return Request(parts[0].upper(), target.path, target.query, headers, body, reader.at_eof)


def render_response(status: int, payload: dict[str, Any], *, keep_alive: bool) -> bytes:
    """A complete HTTP/1.1 response with a JSON body."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class HTTPServer:
    """Serves `handler` on 127.0.0.1; `stop` cancels every connection's task."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self, port: int = 0) -> int:
        """Listen on 127.0.0.1:`port` (0: any free port); return the port."""
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """Stop listening and drop every open connection, waiting requests included."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The requests run in an inner task: cancelling the task asyncio gave the connection
        # makes Python 3.11 log a spurious "Exception in callback" traceback.
        work = asyncio.create_task(self._requests(reader, writer))
        self._connections.add(work)
        try:
            await work
        except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._connections.discard(work)
            writer.close()

    async def _requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                request = await read_request(reader)
            except HTTPError as exc:
                error = {"ok": False, "error_code": exc.status, "description": str(exc)}
                writer.write(render_response(exc.status, error, keep_alive=False))
                with contextlib.suppress(ConnectionError):
                    await writer.drain()
                return
            if request is None:
                return
            status, payload = await self._handler(request)
            writer.write(render_response(status, payload, keep_alive=request.keep_alive))
            await writer.drain()
            if not request.keep_alive:
                return
