"""Benchmark the work of /latest and /search with 1k, 10k (and 100k) articles stored.

    python -m bench.handlers          # 1k and 10k articles
    python -m bench.handlers --full   # 1k, 10k and 100k articles

A call is everything a handler does but talk to Telegram: Newsroom.latest or Newsroom.search
(run on the database thread, as the bot runs them) and render_articles. Queries are seeded
random topics in the shapes users write (bench.matching.TopicMaker: words, two words,
"phrases", -exclusions, drawn from the BBC articles' vocabulary, the 150 most widespread
words left out); a separate row times the most widespread words ("said", "people", ...),
the worst case. Latency is reported as wall time (what a user waits for, which on a busy
machine includes waiting for a core) and as the CPU time of the process making them. The
baseline is the code before the fix (commit BASELINE_COMMIT: bm25 over every match; the newest
matches sorted after reading every matching row; 20 candidates checked per page), its `bot`
package exported from git and run in a child process on a copy of each database
(bench.baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench import bbc, corpus
from bench.baseline import Timing, measure_old, percentile, time_kinds
from bench.matching import WORD_RE, TopicMaker

SEED = 2024
COMMONEST = 10  # the worst-case rows: this many of the most widespread words, 5 times each
BASELINE_COMMIT = "6a0e7af"  # the last commit before the faster /latest <topic> and /search
WARM = 5  # untimed calls of each kind first


def queries(count: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """`count` topics as users write them, and the most widespread words (the worst case)."""
    articles = [(a.title, a.text) for a in bbc.load_articles()]
    maker = TopicMaker(articles, seed)
    spread = Counter(word for _, text in articles for word in set(WORD_RE.findall(text.lower())))
    commonest = [word for word, _ in spread.most_common(COMMONEST)]
    return maker.texts(count), commonest * 5


def _measure_size(
    path: Path, kinds: dict[str, tuple[str, list[str]]], baseline_calls: int
) -> dict[str, tuple[Timing, Timing]]:
    """(baseline, now) timings of each kind of call on the database at `path`."""
    fewer = {kind: (call, texts[:baseline_calls]) for kind, (call, texts) in kinds.items()}
    before = measure_old(BASELINE_COMMIT, path, fewer, WARM)
    now = asyncio.run(time_kinds(str(path), kinds, WARM))
    for kind, (call, _) in kinds.items():
        if call == "latest":  # search ranks only the newest SEARCH_WINDOW matches
            assert now[kind].agrees(before[kind]) == len(before[kind].found), f"{kind}: changed"
    return {kind: (before[kind], now[kind]) for kind in kinds}


def measure(sizes: Sequence[int], calls: int) -> list[tuple[str, str, str, str, str]]:
    """Build each database, time the calls, print the table; return summary rows."""
    topics, commonest = queries(calls)
    kinds: dict[str, tuple[str, list[str]]] = {
        "/latest": ("latest", [""] * calls),
        "/latest <topic>": ("latest", topics),
        "/search <query>": ("search", topics[::-1]),
        "/search <commonest word>": ("search", commonest),
        "/latest <commonest word>": ("latest", commonest),
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
            results = _measure_size(path, kinds, baseline_calls)
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
