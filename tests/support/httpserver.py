"""A real HTTP server on 127.0.0.1 for tests: register routes, then count what was asked."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest


@dataclass(slots=True)
class Reply:
    """What the server sends for one request."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before the status line
    drip: float = 0.0  # seconds to wait between body chunks (a slow body)
    chunk_size: int = 1024
    content_length: bool = True  # False: no Content-Length, the body ends when the socket closes


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the server saw it (header names lower-cased)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]


Handler = Callable[[Request], Reply]


def gzip_bomb(inflated_size: int) -> bytes:
    """A gzip stream of `inflated_size` zero bytes, built a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts: list[bytes] = []
    left = inflated_size
    while left > 0:
        parts.append(packer.compress(block[: min(left, len(block))]))
        left -= len(block)
    parts.append(packer.flush())
    return b"".join(parts)


def _conditional(
    reply: Reply, etag: str | None, last_modified: str | None
) -> Callable[[Request], Reply]:
    """Answer 304 when the request's validators match, else `reply` with the validators."""
    if etag:
        reply.headers["ETag"] = etag
    if last_modified:
        reply.headers["Last-Modified"] = last_modified

    def handle(request: Request) -> Reply:
        if_none_match = request.headers.get("if-none-match")
        if_modified = request.headers.get("if-modified-since")
        if (etag and if_none_match == etag) or (
            not if_none_match and last_modified and if_modified == last_modified
        ):
            return Reply(status=304, headers=dict(reply.headers))
        return reply

    return handle


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each reply waits ~40 ms for a delayed ACK
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def _answer(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        reply = owner.dispatch(request)
        if reply.delay and owner.stopping.wait(reply.delay):
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.content_length:
                self.send_header("Content-Length", str(len(reply.body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command == "HEAD" or reply.status in (204, 304):
                return
            for start in range(0, len(reply.body), reply.chunk_size):
                if reply.drip and start and owner.stopping.wait(reply.drip):
                    return
                self.wfile.write(reply.body[start : start + reply.chunk_size])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (size or time cap): fine


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: LocalHTTPServer) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.owner = owner

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-answer is expected in these tests."""


class _ToServer(httpx.AsyncBaseTransport):
    """Sends every request to one local server, keeping the original Host header and URL."""

    def __init__(self, base_url: str) -> None:
        self._base = httpx.URL(base_url)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        local = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host=self._base.host, port=self._base.port),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        return await self._inner.handle_async_request(local)

    async def aclose(self) -> None:
        await self._inner.aclose()


class LocalHTTPServer:
    """An HTTP server in a background thread; routes map a path to a Reply or a handler."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.hits: Counter[str] = Counter()  # requests per path, unknown paths included
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> LocalHTTPServer:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return self.base_url + path

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that delivers requests for ANY host to this server.

        With it a test can fetch "http://news.example/feed" without DNS; the server sees the
        original Host header (request.headers["host"]).
        """
        return _ToServer(self.base_url)

    def add_handler(self, path: str, handler: Handler) -> str:
        """Answer requests for `path` (query ignored) with `handler`; return the path's URL."""
        with self._lock:
            self._routes[path] = handler
        return self.url(path)

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        gzipped: bool = False,
        delay: float = 0.0,
        drip: float = 0.0,
        chunk_size: int = 1024,
        content_length: bool = True,
    ) -> str:
        """Serve a fixed answer at `path`; return its URL.

        `gzipped` compresses `body` (pass already-gzipped bytes with headers instead, e.g. a
        bomb); `etag`/`last_modified` make the route answer conditional requests with 304.
        """
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = dict(headers or {})
        if content_type:
            all_headers.setdefault("Content-Type", content_type)
        if gzipped:
            data = gzip.compress(data)
            all_headers["Content-Encoding"] = "gzip"
        reply = Reply(
            status=status,
            body=data,
            headers=all_headers,
            delay=delay,
            drip=drip,
            chunk_size=chunk_size,
            content_length=content_length,
        )
        return self.add_handler(path, _conditional(reply, etag, last_modified))

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Make `path` redirect to `to` (a path on this server or an absolute URL)."""
        return self.add(path, status=status, content_type=None, headers={"Location": to})

    def dispatch(self, request: Request) -> Reply:
        with self._lock:
            self.hits[request.path] += 1
            self.requests.append(request)
            handler = self._routes.get(request.path)
        if handler is None:
            return Reply(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        return handler(request)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def fake_dns(monkeypatch: pytest.MonkeyPatch, table: dict[str, list[str]]) -> None:
    """Make the running loop's getaddrinfo answer names in `table` (name -> addresses).

    IP literals and "localhost" go to the real resolver (no DNS query); any other name fails
    as unknown, so a test can never reach a real name server. Call it from async code.
    """
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo

    async def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name == "localhost" or _is_ip(name):
            return await real(host, port, *args, **kwargs)
        if name not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in table[name]
        ]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A started LocalHTTPServer, stopped after the test."""
    with LocalHTTPServer() as server:
        yield server
