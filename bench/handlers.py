"""Benchmark the work of /latest and /search with 1k, 10k (and 100k) articles stored.

    python -m bench.handlers          # 1k and 10k articles
    python -m bench.handlers --full   # 1k, 10k and 100k articles

A call is everything a handler does but talk to Telegram: Newsroom.latest or Newsroom.search
(run on the database thread, as the bot runs them) and render_articles. Queries are seeded
random topics in the shapes users write (bench.matching.TopicMaker: words, two words,
"phrases", -exclusions, drawn from the BBC articles' vocabulary, the 150 most widespread
words left out); a separate row times the most widespread words ("said", "people", ...),
the worst case. Latency is reported as wall time (what a user waits for, which on a busy
machine includes waiting for a core) and as this process's CPU time. The baseline is the
query shapes before the fix (bm25 over every match; the newest matches sorted after reading
every matching row; 20 candidates checked per page), run in this same process.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import bbc, corpus
from bench.matching import WORD_RE, TopicMaker
from bot.config import Settings
from bot.models import Article
from bot.newsroom import Newsroom
from bot.storage import ArticleStore
from bot.telegram.render import render_articles
from bot.topics import Topic, article_tokens, search_to_fts

SEED = 2024
COMMONEST = 10  # the worst-case rows: this many of the most widespread words, 5 times each


class BaselineArticles(ArticleStore):
    """The read queries before the fix."""

    def latest_matching(self, fts_query: str, limit: int, offset: int = 0) -> list[Article]:
        return self._articles(
            "WHERE a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) "
            "ORDER BY a.sort_at DESC, a.id DESC LIMIT ? OFFSET ?",
            [fts_query, limit, offset],
        )

    def search(self, fts_query: str, limit: int, offset: int = 0) -> list[Article]:
        return self._articles(
            "JOIN hits h ON h.rowid = a.id ORDER BY h.rank",
            [fts_query, limit, offset],
            before="WITH hits AS (SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS rank "
            "FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?) ",
        )


class BaselineNewsroom(Newsroom):
    """The topic check before the fix: at least 20 candidates a page."""

    def _latest_on(self, topic: Topic, count: int) -> list[Article]:
        found: list[Article] = []
        fts, offset, page = search_to_fts(topic.text), 0, max(count * 4, 20)
        while len(found) < count and offset < 2000:
            batch = self.storage.articles.latest_matching(fts, page, offset)
            found += [a for a in batch if topic.matches(article_tokens(a.title, a.text))]
            if len(batch) < page:
                break
            offset += page
        return found[:count]


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Timing:
    """Latencies of many calls of one kind, in milliseconds."""

    wall: list[float]
    cpu: list[float]
    found: list[list[int]]  # the ids each call returned

    def wall_p(self, share: float) -> float:
        return percentile(self.wall, share)

    def cpu_p(self, share: float) -> float:
        return percentile(self.cpu, share)

    def agrees(self, baseline: Timing) -> int:
        """How many of the baseline's calls returned what these calls did."""
        return sum(a == b for a, b in zip(baseline.found, self.found, strict=False))


Call = Callable[[Newsroom, str], Awaitable[list[Article]]]


async def _latest(room: Newsroom, topic: str) -> list[Article]:
    return await room.latest(5, topic or None)


async def _search(room: Newsroom, query: str) -> list[Article]:
    return await room.search(query, 6)


async def _time_calls(room: Newsroom, call: Call, queries: Sequence[str]) -> Timing:
    wall: list[float] = []
    cpu: list[float] = []
    found: list[list[int]] = []
    for query in queries:
        started, used = time.perf_counter(), time.process_time()
        articles = await call(room, query)
        render_articles(articles, header=query or "Latest news")
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        found.append([article.id for article in articles])
    return Timing(wall, cpu, found)


def queries(count: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """`count` topics as users write them, and the most widespread words (the worst case)."""
    articles = [(a.title, a.text) for a in bbc.load_articles()]
    maker = TopicMaker(articles, seed)
    spread = Counter(word for _, text in articles for word in set(WORD_RE.findall(text.lower())))
    commonest = [word for word, _ in spread.most_common(COMMONEST)]
    return maker.texts(count), commonest * 5


async def _measure_size(
    path: Path, kinds: dict[str, tuple[Call, list[str]]], baseline_calls: int
) -> dict[str, tuple[Timing, Timing]]:
    """(baseline, now) timings of each kind of call on the database at `path`."""
    results: dict[str, tuple[Timing, Timing]] = {}
    rooms: list[Newsroom] = [BaselineNewsroom(Settings(db_path=str(path), feeds=()))]
    rooms.append(Newsroom(Settings(db_path=str(path), feeds=())))
    for room in rooms:
        await room.open(add_configured_feeds=False)
    rooms[0].storage.articles = BaselineArticles(rooms[0].storage.db)
    try:
        for kind, (call, texts) in kinds.items():
            for room in rooms:  # warm the page cache and the stemmer caches
                await _time_calls(room, call, texts[:5])
            before = await _time_calls(rooms[0], call, texts[:baseline_calls])
            now = await _time_calls(rooms[1], call, texts)
            if call is _latest:  # search ranks only the newest SEARCH_WINDOW matches
                assert now.agrees(before) == len(before.found), f"{kind}: results changed"
            results[kind] = (before, now)
    finally:
        for room in rooms:
            await room.close()
    return results


def measure(sizes: Sequence[int], calls: int) -> list[tuple[str, str, str, str, str]]:
    """Build each database, time the calls, print the table; return summary rows."""
    topics, commonest = queries(calls)
    kinds: dict[str, tuple[Call, list[str]]] = {
        "/latest": (_latest, [""] * calls),
        "/latest <topic>": (_latest, topics),
        "/search <query>": (_search, topics[::-1]),
        "/search <commonest word>": (_search, commonest),
        "/latest <commonest word>": (_latest, commonest),
    }
    rows = []
    print(f"handlers: {calls} calls a kind (baseline: fewer on 100k), milliseconds")
    print(
        f"{'articles':>8}  {'call':26}  {'baseline wall p50/p99':>21}  {'now wall p50/p99':>16}"
        f"   {'now CPU p50/p99':>15}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"{size}.db"
            started = time.perf_counter()
            corpus.build_database(path, size)
            built = time.perf_counter() - started
            baseline_calls = calls if size <= 10_000 else max(calls // 4, 20)
            results = asyncio.run(_measure_size(path, kinds, baseline_calls))
            mixed_before: list[float] = []
            mixed_now: list[float] = []
            for kind, (before, now) in results.items():
                print(
                    f"{size:>8,}  {kind:26}  {before.wall_p(0.5):10.2f} {before.wall_p(0.99):10.2f}"
                    f"  {now.wall_p(0.5):7.2f} {now.wall_p(0.99):7.2f}"
                    f"   {now.cpu_p(0.5):7.2f} {now.cpu_p(0.99):7.2f}"
                )
                if "commonest" not in kind:
                    mixed_before += before.wall
                    mixed_now += now.wall
            for kind, (before, now) in results.items():
                same = now.agrees(before)
                if same < len(before.found):
                    print(
                        f"{'':8}  {kind}: {same} of {len(before.found)} as before (search window)"
                    )
            p99_before, p99_now = percentile(mixed_before, 0.99), percentile(mixed_now, 0.99)
            p50_now = percentile(mixed_now, 0.5)
            print(f"{'':8}  (database built in {built:.1f} s)")
            rows.append(
                (
                    f"/latest + /search, {size:,} articles: p50 / p99 ms",
                    f"p99 {p99_before:.1f}",
                    f"{p50_now:.2f} / {p99_now:.1f}",
                    f"{p99_before / p99_now:.1f}x",
                    "p99 <= 10 ms (at 100k)",
                )
            )
    return rows


def main(argv: Sequence[str] | None = None) -> list[tuple[str, str, str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 100,000 articles")
    parser.add_argument("--calls", type=int, default=200, help="calls of each kind")
    args = parser.parse_args(argv)
    sizes = (1_000, 10_000, 100_000) if args.full else (1_000, 10_000)
    return measure(sizes, args.calls)


if __name__ == "__main__":
    main()
