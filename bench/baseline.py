"""Baselines measured on an old commit's own code, not on subclasses of today's internals.

`measure_old` exports that commit's `bot` package (`git archive`) and runs the same Newsroom
calls in a child process that imports it instead of today's, on a copy of the database (the
old code migrates it its own way). Timings come back as JSON. This module imports nothing from
`bot` at load time, so the child gets the old package.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.models import Article
    from bot.newsroom import Newsroom

ROOT = Path(__file__).resolve().parents[1]


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


def _latest(room: Newsroom, topic: str) -> Awaitable[list[Article]]:
    return room.latest(5, topic or None)


def _search(room: Newsroom, query: str) -> Awaitable[list[Article]]:
    return room.search(query, 6)


# What a handler asks the newsroom, by name (names cross to the child process).
CALLS: dict[str, Callable[[Newsroom, str], Awaitable[list[Article]]]] = {
    "latest": _latest,
    "search": _search,
}


async def time_calls(room: Newsroom, call: str, queries: Sequence[str]) -> Timing:
    """Wall and CPU time of each call, rendering included, as a handler makes it."""
    from bot.telegram.render import render_articles

    wall: list[float] = []
    cpu: list[float] = []
    found: list[list[int]] = []
    for query in queries:
        started, used = time.perf_counter(), time.process_time()
        articles = await CALLS[call](room, query)
        render_articles(articles, header=query or "Latest news")
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        found.append([article.id for article in articles])
    return Timing(wall, cpu, found)


async def time_kinds(
    db: str, kinds: dict[str, tuple[str, list[str]]], warm: int
) -> dict[str, Timing]:
    """Open a Newsroom on `db` and time each kind of call after `warm` untimed ones."""
    from bot.config import Settings
    from bot.newsroom import Newsroom

    room = Newsroom(Settings(db_path=db, feeds=()))
    await room.open(add_configured_feeds=False)
    try:
        results = {}
        for kind, (call, texts) in kinds.items():
            await time_calls(room, call, texts[:warm])  # the page cache, the stemmer caches
            results[kind] = await time_calls(room, call, texts)
        return results
    finally:
        await room.close()


def measure_old(
    commit: str, db: Path, kinds: dict[str, tuple[str, list[str]]], warm: int
) -> dict[str, Timing]:
    """`time_kinds` run by the code of `commit`, on a copy of the database at `db`."""
    with tempfile.TemporaryDirectory(prefix="newsbot-baseline-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "bot"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        copy = Path(tmp) / "baseline.db"
        shutil.copyfile(db, copy)
        path = f"import sys; sys.path[:0] = [{tmp!r}, {str(ROOT)!r}]; "
        code = path + "import bench.baseline as b; b.child()"
        job = {"db": str(copy), "kinds": kinds, "warm": warm}
        done = subprocess.run(
            [sys.executable, "-c", code], input=json.dumps(job), capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"the baseline ({commit}) failed:\n{done.stderr[-2000:]}")
    return {kind: Timing(**timing) for kind, timing in json.loads(done.stdout).items()}


def child() -> None:
    """The child process: a job (JSON) on stdin, its timings (JSON) on stdout."""
    job: dict[str, Any] = json.load(sys.stdin)
    kinds = {kind: (call, texts) for kind, (call, texts) in job["kinds"].items()}
    results = asyncio.run(time_kinds(job["db"], kinds, job["warm"]))
    json.dump({kind: asdict(timing) for kind, timing in results.items()}, sys.stdout)
