"""Benchmark ingest end to end: feeds and article pages from loopback servers into SQLite.

    python -m bench.ingest            # 10 feeds x 30 items, 3 runs per figure
    python -m bench.ingest --full     # 20 feeds x 50 items, 5 runs per figure
    python -m bench.ingest --pages DIR  # teasers whose pages are the real pages in DIR

Every feed is served by its own loopback site (its own host:port, as every feed is its own
site), all in one child process, so serving does not compete for this process's GIL. Two
variants: the whole text in content:encoded ("full text"), or one-sentence teasers whose
pages are fetched and run through trafilatura ("teasers"). A figure is the median of several
runs, each on a fresh database after a warm-up poll of another feed; the baseline, run in
this same process, is the path before the fixes: CPU work on threads, one commit per article.
The breakdown times each stage alone, single-threaded, in CPU milliseconds per article.
Everything is driven through public interfaces: Storage, Fetcher, Executors and Poller built
as the Newsroom builds them; the baseline's store differs only in `Storage.write()`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import sqlite_utils

from bench import corpus, loopback
from bench.extraction import full_cascade
from bot.executors import Executors
from bot.ingest.feeds import parse_feed
from bot.ingest.fetcher import Fetcher
from bot.ingest.pages import extract_page
from bot.ingest.poller import Poller
from bot.ingest.urls import canonical_url
from bot.keypoints import KeyPointExtractor, detect_language
from bot.models import ParsedFeed
from bot.storage import Storage

VARIANTS = ("full", "teaser")
RELATED = 8  # related-story links on each page
WARM_ITEMS = 4


@dataclass(frozen=True, slots=True)
class Site:
    """What the server process serves: one feed URL per site and variant."""

    feeds: dict[str, list[str]]  # variant -> feed URLs
    warm: dict[str, str]  # variant -> the warm-up feed's URL
    pages: list[str]  # every article page, for timing fetches
    server_pid: int  # the process serving them all


def _serve(feeds: int, items: int, real_pages: list[bytes], reply: Connection, stop: Event) -> None:
    """The server process: one loopback site per feed (and one for the warm-up feed)."""
    asyncio.run(_serve_sites(feeds, items, real_pages, reply, stop))


async def _serve_sites(
    feeds: int, items: int, real_pages: list[bytes], reply: Connection, stop: Event
) -> None:
    stories = corpus.stories(feeds * items + WARM_ITEMS)
    sites = [await loopback.Site().start() for _ in range(feeds + 1)]
    pages: list[str] = []

    def publish(site: loopback.Site, chosen: list[corpus.Story]) -> dict[str, str]:
        entries = []
        for n, story in enumerate(chosen):
            url = site.url(f"/news/{story.slug}")
            related = [stories[(n + k) % len(stories)] for k in range(1, RELATED + 1)]
            if real_pages:  # the same real pages in turn, each under a new address
                page: bytes | str = real_pages[len(pages) % len(real_pages)]
            else:
                page = corpus.article_page(story, url, related)
            site.add(f"/news/{story.slug}", page)
            entries.append((story, url))
            pages.append(url)
        urls = {}
        for variant in VARIANTS:
            document = corpus.rss_document(
                f"BBC News {variant}", site.url("/"), entries, variant == "full"
            )
            urls[variant] = site.add(
                f"/{variant}.xml", document, content_type="application/rss+xml; charset=utf-8"
            )
        return urls

    published = [publish(sites[f], stories[f * items : (f + 1) * items]) for f in range(feeds)]
    warm = publish(sites[feeds], stories[feeds * items :])
    site = Site({v: [urls[v] for urls in published] for v in VARIANTS}, warm, pages, os.getpid())
    reply.send(site)
    await asyncio.get_running_loop().run_in_executor(None, stop.wait)
    for one in sites:
        await one.stop()


class CommitEachStorage(Storage):
    """The store step before the fix: no transaction around a feed's articles, so each
    article's write commits on its own."""

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        yield self.db


@dataclass(frozen=True, slots=True)
class Mode:
    """One way of running an ingest pass."""

    name: str
    processes: int | None  # None: the default (one per core); 0: threads only
    commit_each: bool


BASELINE = Mode("before: threads, commit per article", 0, True)
MODES = (
    BASELINE,
    Mode("threads, commit per feed", 0, False),
    Mode("now: processes, commit per feed", None, False),
)


def descendants(pid: int) -> list[int]:
    """Every process started by `pid`, at any depth (the fork server's workers included)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # the process exited meanwhile
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def cpu_seconds(pids: Sequence[int]) -> dict[int, float]:
    """User + system CPU seconds used so far by each of these processes still running."""
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


@dataclass(frozen=True, slots=True)
class Outcome:
    """One ingest pass: articles per second, and CPU ms per article by whom."""

    rate: float
    main_ms: float  # this process: event loop, database thread, CPU threads
    workers_ms: float  # the worker processes
    server_ms: float  # the loopback servers


async def _one_run(site: Site, variant: str, mode: Mode, workdir: Path) -> Outcome:
    """One ingest pass of every feed of `variant` on a fresh database."""
    path = workdir / f"{variant}-{time.monotonic_ns()}.db"
    run = Executors(processes=mode.processes, warm_modules=("bot.ingest.poller",))
    storage = await run.db(CommitEachStorage if mode.commit_each else Storage, path)
    fetcher = Fetcher(allow_private=True, host_delay=0.0)
    poller = Poller(storage, fetcher, run, poll_seconds=900, key_points=3)
    try:
        warm, _ = await run.db(storage.feeds.add, site.warm[variant])
        await poller.poll([warm])  # starts the worker processes, loads the key-point tools
        await run.db(storage.feeds.remove, warm.id)
        feeds = [(await run.db(storage.feeds.add, url))[0] for url in site.feeds[variant]]
        others = [pid for pid in descendants(os.getpid()) if pid != site.server_pid]
        main, server = time.process_time(), cpu_seconds([site.server_pid])
        workers = cpu_seconds(others)
        started = time.perf_counter()
        report = await poller.poll(feeds)
        elapsed = time.perf_counter() - started
        main = time.process_time() - main
        others = [pid for pid in descendants(os.getpid()) if pid != site.server_pid]
        workers_used = sum(t - workers.get(p, 0.0) for p, t in cpu_seconds(others).items())
        server_used = cpu_seconds([site.server_pid])[site.server_pid] - server[site.server_pid]
    finally:
        await fetcher.aclose()
        await run.db(storage.close)
        run.shutdown()
    stored = report.articles_new + report.articles_updated
    assert stored == len(site.pages) - WARM_ITEMS and not report.failures, report.summary()
    per_article = 1000 / stored
    return Outcome(
        stored / elapsed,
        main * per_article,
        workers_used * per_article,
        server_used * per_article,
    )


def _cpu_ms(action: Callable[[], object], count: int, runs: int) -> float:
    """CPU milliseconds per item of `action` (which handles `count` items), median of runs."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        action()
        timings.append((time.process_time() - started) / count * 1000)
    return statistics.median(timings)


async def _fetch_ms(pages: Sequence[str]) -> tuple[float, float]:
    """Wall and CPU (this process) milliseconds per page fetched one after another."""
    async with Fetcher(allow_private=True, host_delay=0.0) as fetcher:
        await fetcher.fetch(pages[0])
        wall, cpu = time.perf_counter(), time.process_time()
        for url in pages:
            await fetcher.fetch(url)
        return (
            (time.perf_counter() - wall) / len(pages) * 1000,
            (time.process_time() - cpu) / len(pages) * 1000,
        )


def _store_ms(feeds: list[ParsedFeed], commit_each: bool, runs: int) -> float:
    """CPU milliseconds per article to store the feeds' articles into a new database (each
    found among those stored, then saved: ArticleStore.upsert), one transaction per feed or
    one commit per article."""
    count = sum(len(feed.items) for feed in feeds)

    def store() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            storage = Storage(Path(tmp) / "store.db")
            for n, feed in enumerate(feeds):
                feed_id = storage.feeds.add(f"https://www.bbc.example/{n}.xml")[0].id
                with nullcontext() if commit_each else storage.write():
                    for item in feed.items:
                        url = canonical_url(item.url) if item.url else None
                        points = corpus.key_points_cheaply(item.text)
                        storage.articles.upsert(item, points, url=url, feed_id=feed_id)
            storage.close()

    return _cpu_ms(store, count, runs)


def breakdown(site: Site, feeds: int, items: int, runs: int) -> list[tuple[str, float]]:
    """CPU milliseconds per article of each stage alone, in this process (median of runs)."""
    stories = corpus.stories(feeds * items)
    base = "https://www.bbc.example/news/"
    linked = [(s, base + s.slug) for s in stories]
    chunks = [linked[f * items : (f + 1) * items] for f in range(feeds)]
    full = [corpus.rss_document("BBC", base, c, True).encode() for c in chunks]
    teaser = [corpus.rss_document("BBC", base, c, False).encode() for c in chunks]
    pages = [
        corpus.article_page(s, url, stories[n + 1 : n + 1 + RELATED])
        for n, (s, url) in enumerate(linked)
    ]
    count = len(stories)
    parsed = [parse_feed(document, base) for document in full]
    extractor = KeyPointExtractor()

    def key_points() -> None:
        for feed in parsed:
            for item in feed.items:
                language = detect_language(item.text, feed.language)
                extractor.key_points(item.title, item.text, language, 3)

    key_points()  # builds the language tools once
    wall, client = asyncio.run(_fetch_ms(site.pages[:200]))
    return [
        ("fetch a page over loopback: wall (client + server)", wall),
        ("fetch a page over loopback: this process's CPU", client),
        ("parse full-text feed", _cpu_ms(lambda: [parse_feed(d, base) for d in full], count, runs)),
        ("parse teaser feed", _cpu_ms(lambda: [parse_feed(d, base) for d in teaser], count, runs)),
        (
            "extract page (trafilatura, fast, needed metadata)",
            _cpu_ms(lambda: [extract_page(p, base) for p in pages], count, runs),
        ),
        (
            "extract page before: full cascade, all metadata",
            _cpu_ms(lambda: [full_cascade(p, base) for p in pages], count, runs),
        ),
        ("key points (language + summary)", _cpu_ms(key_points, count, runs)),
        ("store: find + save, commit per feed", _store_ms(parsed, False, runs)),
        ("store: find + save, commit per article", _store_ms(parsed, True, runs)),
    ]


class Servers:
    """The server process, started and stopped around the benchmark."""

    def __init__(self, feeds: int, items: int, real_pages: Sequence[bytes] = ()) -> None:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._stop = context.Event()
        self._process = context.Process(
            target=_serve, args=(feeds, items, list(real_pages), sender, self._stop), daemon=True
        )
        self._process.start()
        self.site: Site = receiver.recv()

    def close(self) -> None:
        self._stop.set()
        self._process.join(timeout=10)


def measure(
    feeds: int, items: int, runs: int, real_pages: list[bytes] | None = None
) -> list[tuple[str, str, str, str, str]]:
    """Run the benchmark, print its tables; return summary rows for bench.run.

    With `real_pages`, teasers only, their pages these real ones, and no stage breakdown.
    """
    servers = Servers(feeds, items, real_pages or ())
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            pages = f"{len(real_pages)} real pages in turn" if real_pages else "generated pages"
            print(
                f"ingest: {feeds} feeds x {items} items, {pages}, loopback servers,"
                f" median of {runs} runs"
            )
            print(f"{'':48}  {'':>10}  {'CPU ms per article':^26}")
            print(
                f"{'variant':8}  {'mode':38}  {'articles/s':>10}  {'newsbot':>8} {'workers':>8}"
                f" {'server':>8}  ratio"
            )
            for variant in ("teaser",) if real_pages else VARIANTS:
                results: dict[Mode, float] = {}
                for mode in MODES:
                    outcomes = [
                        asyncio.run(_one_run(servers.site, variant, mode, Path(tmp)))
                        for _ in range(runs)
                    ]
                    results[mode] = statistics.median(o.rate for o in outcomes)
                    main = statistics.median(o.main_ms for o in outcomes)
                    workers = statistics.median(o.workers_ms for o in outcomes)
                    server = statistics.median(o.server_ms for o in outcomes)
                    print(
                        f"{variant:8}  {mode.name:38}  {results[mode]:>10.0f}  {main:>8.2f}"
                        f" {workers:>8.2f} {server:>8.2f}  {results[mode] / results[BASELINE]:.2f}x"
                    )
                now = results[MODES[-1]]
                rows.append(
                    (
                        f"ingest, {variant} ({feeds}x{items} items, {pages}), articles/s",
                        f"{results[BASELINE]:.0f}",
                        f"{now:.0f}",
                        f"{now / results[BASELINE]:.2f}x",
                        ">= 300",
                    )
                )
            if real_pages:
                return rows
            print("\nwhere an article's time goes, each stage alone (CPU ms per article):")
            for stage, ms in breakdown(servers.site, feeds, items, runs):
                print(f"  {stage:52} {ms:6.2f}")
    finally:
        servers.close()
    return rows


def main(argv: Sequence[str] | None = None) -> list[tuple[str, str, str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="20 feeds x 50 items, 5 runs")
    parser.add_argument("--feeds", type=int)
    parser.add_argument("--items", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument(
        "--pages", type=Path, help="serve these real pages (*.html in turn) to the teaser feeds"
    )
    args = parser.parse_args(argv)
    feeds = args.feeds or (20 if args.full else 10)
    items = args.items or (50 if args.full else 30)
    runs = args.runs or (5 if args.full else 3)
    real_pages = (
        [path.read_bytes() for path in sorted(args.pages.glob("*.html"))] if args.pages else []
    )
    return measure(feeds, items, runs, real_pages)


if __name__ == "__main__":
    main()
