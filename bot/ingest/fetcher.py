"""Download one URL safely: checked redirects, size and time caps, politeness, conditional GET."""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from bot.errors import NewsbotError
from bot.ingest.hosts import HostHealth
from bot.ingest.safety import PinnedTransport, UnsafeURLError, check_url

DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, "
    "text/html;q=0.7, */*;q=0.5"
)
DEFAULT_USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot)"
MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAX_IDLE_HOSTS = 1000


class FetchError(NewsbotError):
    """A download failed; the message is one friendly line, `status` the HTTP status if any.

    `unreachable`: the host could not be connected to or did not answer in time (as opposed
    to answering with an error); `headers`: the error answer's headers (e.g. Retry-After).
    """

    def __init__(
        self,
        message: str,
        status: int | None = None,
        *,
        unreachable: bool = False,
        headers: httpx.Headers | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.unreachable = unreachable
        self.headers = headers if headers is not None else httpx.Headers()


class BlockedURLError(FetchError, UnsafeURLError):
    """The safety check refused a URL (or a redirect hop): catch it as either parent."""


@dataclass(slots=True)
class FetchResult:
    """A finished download."""

    url: str  # the final URL, after redirects
    status: int
    body: bytes  # decompressed; empty when not_modified
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False
    headers: httpx.Headers = field(default_factory=httpx.Headers)


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} KB"


def _status_message(status: int) -> str:
    if status in (401, 403):
        return f"the site refused access (HTTP {status})"
    if status == 404:
        return "the page was not found (HTTP 404)"
    if status == 410:
        return "the page is gone (HTTP 410)"
    if status == 429:
        return "the site is limiting requests right now (HTTP 429)"
    if status >= 500:
        return f"the site had an internal error (HTTP {status})"
    return f"the site answered with HTTP {status}"


class _Inflater:
    """Undoes a gzip/deflate Content-Encoding chunk by chunk, never past a given output size."""

    def __init__(self, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        self._wbits = 0  # no compression
        if codings in (["gzip"], ["x-gzip"]):
            self._wbits = 16 + zlib.MAX_WBITS
        elif codings == ["deflate"]:
            self._wbits = zlib.MAX_WBITS
        elif codings:
            raise FetchError(f"the site sent a compression I can't read ({content_encoding})")
        self._output = 0  # bytes produced so far
        self._z = zlib.decompressobj(self._wbits) if self._wbits else None

    def inflate(self, data: bytes, limit: int) -> bytes:
        """Decompress `data`, returning at most `limit` (> 0) bytes; more output means too big."""
        if self._z is None:
            return data[:limit]
        out = bytearray()
        try:
            while data and len(out) < limit:
                out += self._z.decompress(data, limit - len(out))
                if self._z.eof and self._z.unused_data.startswith(b"\x1f\x8b"):
                    data = self._z.unused_data  # another gzip member follows
                    self._z = zlib.decompressobj(self._wbits)
                elif self._z.eof:
                    break  # ignore trailing garbage after the stream
                else:
                    data = self._z.unconsumed_tail
        except zlib.error:
            if self._wbits == zlib.MAX_WBITS and not self._output and not out:
                # "deflate" without the zlib header (some servers): it fails on the header.
                self._wbits = -zlib.MAX_WBITS
                self._z = zlib.decompressobj(self._wbits)
                return self.inflate(data, limit)
            raise FetchError("the site sent a damaged compressed answer") from None
        self._output += len(out)
        return bytes(out)


@dataclass(slots=True)
class _Host:
    slots: asyncio.Semaphore
    next_start: float = 0.0
    active: int = 0


class Fetcher:
    """Fetches URLs with one shared HTTP client; safe to use from many tasks at once.

    The client it creates connects only to public addresses (PinnedTransport) unless
    `allow_private`; a client passed in is used as it is. With `hosts`, a host that stopped
    answering is not asked again until it reopens (see bot.ingest.hosts).
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        allow_private: bool = False,
        max_bytes: int = 5_000_000,
        timeout: float = 20.0,
        concurrency: int = 8,
        per_host: int = 2,
        user_agent: str = DEFAULT_USER_AGENT,
        host_delay: float = 0.5,
        hosts: HostHealth | None = None,
    ) -> None:
        self._owns_client = client is None
        self.hosts = hosts
        limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=16)
        self._client = client or httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            limits=limits,
            transport=PinnedTransport(limits, allow_private=allow_private),
        )
        self._allow_private = allow_private
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._per_host = per_host
        self._host_delay = host_delay
        self._headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this fetcher created it."""
        if self._owns_client:
            await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = DEFAULT_ACCEPT,
    ) -> FetchResult:
        """GET `url`, following up to MAX_REDIRECTS redirects, each hop checked for safety.

        With `etag`/`last_modified` the request is conditional: an unchanged resource comes
        back with not_modified=True and an empty body. Raises FetchError (BlockedURLError when
        the safety check refuses a hop or the address connected to). The time cap (`timeout`)
        starts with the first request.
        """
        headers = {**self._headers, "Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        try:
            async with asyncio.timeout(None) as deadline:
                return await self._follow(url, headers, deadline)
        except TimeoutError:
            if self.hosts:
                self.hosts.unreachable(url, started)
            raise FetchError("the site took too long to answer", unreachable=True) from None

    async def _follow(
        self, url: str, headers: dict[str, str], deadline: asyncio.Timeout
    ) -> FetchResult:
        visited: set[str] = set()
        current = url.strip()
        for _ in range(MAX_REDIRECTS + 1):
            try:
                await check_url(current, self._allow_private)
            except UnsafeURLError as exc:
                raise BlockedURLError(str(exc)) from None
            visited.add(current)
            outcome = await self._request(current, headers, deadline)
            if isinstance(outcome, FetchResult):
                return outcome
            if outcome in visited:
                raise FetchError("the site redirects in a loop")
            current = outcome
        raise FetchError(f"the site redirected more than {MAX_REDIRECTS} times")

    async def _request(
        self, url: str, headers: dict[str, str], deadline: asyncio.Timeout
    ) -> FetchResult | str:
        """One HTTP exchange: a FetchResult, or the absolute URL a redirect points to."""
        host = urlsplit(url).netloc.lower()
        async with self._turn(host, deadline, url):
            started = time.monotonic()
            try:
                return await self._exchange(url, host, headers)
            except FetchError as exc:
                if self.hosts and exc.unreachable:
                    self.hosts.unreachable(url, started)
                raise

    async def _exchange(self, url: str, host: str, headers: dict[str, str]) -> FetchResult | str:
        try:
            async with self._client.stream(
                "GET", url, headers=headers, follow_redirects=False
            ) as response:
                if self.hosts:
                    self.hosts.answered(url)
                return await self._read(response, headers)
        except UnsafeURLError as exc:  # the address connected to is not public
            raise BlockedURLError(str(exc)) from None
        except httpx.TimeoutException:
            raise FetchError("the site took too long to answer", unreachable=True) from None
        except httpx.ConnectError:
            raise FetchError(f"I couldn't connect to {host}", unreachable=True) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise FetchError("that is not a valid web address") from None
        except httpx.HTTPError:
            raise FetchError(f"the connection to {host} failed", unreachable=True) from None

    async def _read(self, response: httpx.Response, headers: dict[str, str]) -> FetchResult | str:
        status = response.status_code
        if status in _REDIRECT_STATUSES:
            location = response.headers.get("location", "").strip()
            if not location:
                raise FetchError("the site sent a redirect without a target", status=status)
            return urljoin(str(response.url), location)
        result = FetchResult(
            url=str(response.url),
            status=status,
            body=b"",
            content_type=response.headers.get("content-type", ""),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            headers=response.headers,
        )
        if status == 304:
            result.not_modified = True
            result.etag = result.etag or headers.get("If-None-Match")
            result.last_modified = result.last_modified or headers.get("If-Modified-Since")
            return result
        if status >= 400:
            raise FetchError(_status_message(status), status=status, headers=response.headers)
        if not 200 <= status < 300:
            raise FetchError(f"the site answered with an unexpected HTTP {status}", status=status)
        length = response.headers.get("content-length", "").strip()
        if length.isdigit() and int(length) > self._max_bytes:
            raise self._too_big()
        result.body = await self._body(response)
        return result

    async def _body(self, response: httpx.Response) -> bytes:
        inflater = _Inflater(response.headers.get("content-encoding", ""))
        body = bytearray()
        async for raw in response.aiter_raw():
            body += inflater.inflate(raw, self._max_bytes + 1 - len(body))
            if len(body) > self._max_bytes:
                raise self._too_big()
        return bytes(body)

    def _too_big(self) -> FetchError:
        return FetchError(f"the download is bigger than the {_size(self._max_bytes)} limit")

    @asynccontextmanager
    async def _turn(self, host: str, deadline: asyncio.Timeout, url: str) -> AsyncIterator[None]:
        """Wait for a slot at `host` (request starts spaced by host_delay), then a global one;
        a closed host (see bot.ingest.hosts) fails at once, without taking a polite turn.

        Waiting for a busy host holds no global slot, so other hosts go on meanwhile. The
        fetch's time cap starts when its first request does.
        """
        loop = asyncio.get_running_loop()
        state = self._hosts.get(host)
        if state is None:
            self._forget_idle_hosts(loop.time())
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host))
        state.active += 1
        try:
            async with state.slots:
                if self.hosts and self.hosts.closed(url):  # before taking a polite turn
                    raise FetchError(f"{host} is not answering: not asked again for now")
                now = loop.time()
                start = max(now, state.next_start)
                state.next_start = start + self._host_delay
                if start > now:
                    await asyncio.sleep(start - now)
                async with self._slots:
                    if deadline.when() is None:
                        deadline.reschedule(loop.time() + self._timeout)
                    yield
        finally:
            state.active -= 1

    def _forget_idle_hosts(self, now: float) -> None:
        if len(self._hosts) < _MAX_IDLE_HOSTS:
            return
        for host, state in list(self._hosts.items()):
            if state.active == 0 and state.next_start <= now:
                del self._hosts[host]
