"""Benchmark what a new feed costs: real test-suite feeds, a 300-teaser feed, a dead host.

    pip download --no-deps --no-binary :all: feedparser podcastparser reader -d sdists
    for f in sdists/*.tar.gz; do tar xzf "$f" -C sdists; done
    python -m bench.first_poll --feeds sdists [--count 80] [--runs 3] [--baseline-runs 1]

Three scenarios, each a first `newsbot ingest` (the same Newsroom the CLI opens, default
settings: 0.5 s between two requests to one host) on a fresh database, the median of `--runs`
(`--baseline-runs` for the baseline, which takes minutes a run):

- **test-suite feeds**: the `--count` feed files under `--feeds` (any folders: every file that
  parses as a feed with at least one linked item; those with the most linked items first),
  each followed at its own address. Every item link, whatever its host, answers with a
  generated article page: an httpx transport sends each request to one loopback site, keyed
  by host and path, so the fetcher still sees (and is polite to) the real hosts.
- **300 teasers**: one feed of 300 one-sentence teasers (BBC stories from ../shared) whose
  pages are generated article pages.
- **dead host**: 200 teasers of a feed polled before (so not a first poll) whose pages are on
  a host that refuses connections.

The baseline, in the same run, is the rule before: every teaser's page fetched (first poll,
podcast episodes and links to files included) and a dead host asked for every item.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench import corpus, loopback
from bot.config import Settings
from bot.ingest.feeds import FeedParseError, parse_feed
from bot.ingest.poller import _Prepared
from bot.newsroom import Newsroom
from bot.storage import Feed

SKIPPED_SUFFIXES = {".py", ".pyc", ".txt", ".md", ".rst", ".cfg", ".toml", ".ini", ".in", ".gz"}
MAX_FILE_BYTES = 3_000_000
TEASERS = 300
DEAD_TEASERS = 200


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    feeds: list[str]  # feed URLs (their real-looking addresses)
    polled_before: bool = False


def every_page(feed: Feed, prepared: list[_Prepared]) -> list[_Prepared]:
    """The page rule before: every teaser with a link gets its page fetched."""
    return [p for p in prepared if p.item.is_teaser and p.url]


class ToLoopback(httpx.AsyncBaseTransport):
    """Sends every request to the loopback site, at /<host>/<path>."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.host == "127.0.0.1":  # the dead host: left as it is
            return await self.inner.handle_async_request(request)
        request.url = url.copy_with(
            scheme="http", host="127.0.0.1", port=self.port, path=f"/{url.host}{url.path}"
        )
        request.headers["Host"] = f"127.0.0.1:{self.port}"
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def site_path(url: str) -> str:
    parts = urlsplit(url)
    return f"/{parts.hostname}{parts.path or '/'}"


def test_suite_feeds(folders: Sequence[Path], count: int) -> list[tuple[str, bytes, list[str]]]:
    """(feed URL, body, item links) of the `count` feed files with the most linked items."""
    found: list[tuple[int, str, str, bytes, list[str]]] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix.lower() in SKIPPED_SUFFIXES:
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            body = path.read_bytes()
            url = f"http://feed{len(found)}.test/{path.name}"
            try:
                parsed = parse_feed(body, url)
            except (FeedParseError, ValueError):
                continue
            links = [item.url for item in parsed.items if item.url]
            if links:
                found.append((len(links), str(path), url, body, links))
    found.sort(key=lambda row: (-row[0], row[1]))
    return [(url, body, links) for _, _, url, body, links in found[:count]]


def _serve(answers: dict[str, tuple[bytes, str]], reply: Connection, stop: Event) -> None:
    async def serve() -> None:
        site = await loopback.Site().start()
        for path, (body, content_type) in answers.items():
            site.add(path, body, content_type)
        reply.send(site.port)
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        await site.stop()

    asyncio.run(serve())


def build(
    folders: Sequence[Path], count: int
) -> tuple[dict[str, tuple[bytes, str]], list[Scenario], dict[str, int]]:
    """What the site serves, the scenarios, and how many items and pages each feed set has."""
    stories = corpus.stories(TEASERS + 20)
    answers: dict[str, tuple[bytes, str]] = {}
    page_number = 0

    def page_for(url: str) -> None:
        nonlocal page_number
        story = stories[page_number % len(stories)]
        page_number += 1
        answers[site_path(url)] = (
            corpus.article_page(story, url, stories[:8]).encode(),
            "text/html; charset=utf-8",
        )

    suite = test_suite_feeds(folders, count)
    for url, body, links in suite:
        answers[site_path(url)] = (body, "application/xml")
        for link in links:
            page_for(link)
    teaser_items = []
    for story in stories[:TEASERS]:
        link = f"http://news.test/news/{story.slug}"
        teaser_items.append((story, link))
        page_for(link)
    teasers_url = "http://news.test/feed.xml"
    answers[site_path(teasers_url)] = (
        corpus.rss_document("Teasers", "http://news.test/", teaser_items, full=False).encode(),
        "application/rss+xml",
    )
    with socket.socket() as probe:  # a port nobody listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    dead_items = [(story, f"{dead}/news/{story.slug}") for story in stories[:DEAD_TEASERS]]
    dead_url = "http://dead-pages.test/feed.xml"
    answers[site_path(dead_url)] = (
        corpus.rss_document(
            "Dead pages", "http://dead-pages.test/", dead_items, full=False
        ).encode(),
        "application/rss+xml",
    )
    scenarios = [
        Scenario(f"{len(suite)} test-suite feeds, first poll", [url for url, _, _ in suite]),
        Scenario(f"{TEASERS}-teaser feed, first poll", [teasers_url]),
        Scenario(f"{DEAD_TEASERS} teasers on a host refusing connections", [dead_url], True),
    ]
    sizes = {"suite items": sum(len(links) for _, _, links in suite)}
    return answers, scenarios, sizes


@dataclass(slots=True)
class Outcome:
    seconds: float
    articles: int
    requests: int


async def one_run(port: int, scenario: Scenario, before: bool, workdir: Path) -> Outcome:
    """A fresh database, the scenario's feeds followed, one ingest pass timed."""
    db = workdir / f"run-{time.monotonic_ns()}.db"
    settings = Settings(db_path=str(db), feeds=(), allow_private_urls=True)
    client = httpx.AsyncClient(transport=ToLoopback(port), timeout=settings.fetch_timeout)
    asked: list[str] = []

    async def count(request: httpx.Request) -> None:
        asked.append(str(request.url))

    client.event_hooks["request"] = [count]
    room = Newsroom(settings, client=client)
    await room.open()
    try:
        if before:
            room.poller._pages_to_read = every_page  # type: ignore[method-assign]
            room.fetcher.hosts = None  # and every host asked, however it answers
        for url in scenario.feeds:
            await room.add_feed_unchecked(url)
        if scenario.polled_before:
            await room.run.db(room.storage.db.execute, "UPDATE feeds SET last_ok_at = added_at")
            await room.run.db(room.storage.db.conn.commit)
        await room.run.parallel(len, "warm the workers")
        start = time.perf_counter()
        report = await room.ingest()
        seconds = time.perf_counter() - start
    finally:
        await room.close()
        await client.aclose()
    return Outcome(seconds, report.articles_new, len(asked) - len(scenario.feeds))


def main(argv: Sequence[str] | None = None) -> list[tuple[str, str, str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--feeds", type=Path, nargs="+", required=True, help="folders of feed files"
    )
    parser.add_argument("--count", type=int, default=80)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1, help="0: the new rule only")
    args = parser.parse_args(argv)
    answers, scenarios, sizes = build(args.feeds, args.count)
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    server = context.Process(target=_serve, args=(answers, sender, stop), daemon=True)
    server.start()
    port = receiver.recv()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            items = sizes["suite items"]
            print(
                f"first poll: median of {args.runs} runs (baseline: {args.baseline_runs});"
                f" the test-suite feeds: {items} linked items"
            )
            print(f"{'scenario':52} {'rule':7} {'seconds':>8} {'articles':>8} {'requests':>8}")
            for scenario in scenarios:
                medians = {}
                for before in (True, False) if args.baseline_runs else (False,):
                    runs = args.baseline_runs if before else args.runs
                    outcomes = [
                        asyncio.run(one_run(port, scenario, before, Path(tmp))) for _ in range(runs)
                    ]
                    seconds = statistics.median(o.seconds for o in outcomes)
                    medians[before] = seconds
                    requests = statistics.median(o.requests for o in outcomes)
                    print(
                        f"{scenario.name:52} {'before' if before else 'now':7} {seconds:8.1f}"
                        f" {outcomes[0].articles:8d} {requests:8.0f}"
                    )
                if True not in medians:
                    continue
                rows.append(
                    (
                        scenario.name + ", s",
                        f"{medians[True]:.1f}",
                        f"{medians[False]:.1f}",
                        f"{medians[True] / medians[False]:.1f}x",
                        "well under 60",
                    )
                )
    finally:
        stop.set()
        server.join(timeout=10)
    return rows


if __name__ == "__main__":
    main()
