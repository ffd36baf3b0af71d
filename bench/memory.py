"""Benchmark the memory of `newsbot run`: its peak resident set with 10k (or 100k) articles.

    python -m bench.memory            # 10,000 articles
    python -m bench.memory --full     # 100,000 articles

The bot is a real child process (`python -m bot run`) long-polling a BotAPIServer (the
emulator over HTTP) that runs in this process. Once it polls, users send /latest, /latest
<topic> and /search <query> (each answered before the next is sent); then the peak resident
set (VmHWM) of the bot and of any worker processes it started is read from /proc, and the bot
is stopped with SIGTERM. Three cases: an empty database and no feeds (the baseline); the
archive and no feeds; the archive plus two feeds of teasers to ingest (which starts the
worker processes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bench import corpus
from bench.handlers import queries
from bench.ingest import WARM_ITEMS, Servers, descendants
from tests.support.botapi_http import BotAPIServer

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:bench"
START_SECONDS = 60.0
FEEDS, ITEMS = 2, 30


@dataclass(frozen=True, slots=True)
class Peak:
    """Memory in MB: the bot's peak resident set; then, at the end, the proportional set
    size (shared pages split between their sharers) of the bot and of its workers."""

    bot: float
    bot_pss: float
    workers_pss: float
    worker_count: int


def _kb(path: str, field: str) -> int:
    with open(path) as lines:
        for line in lines:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _pss_kb(pid: int) -> int:
    return _kb(f"/proc/{pid}/smaps_rollup", "Pss")


def _peak(pid: int) -> Peak:
    workers = 0
    children = descendants(pid)
    for child in children:
        try:
            workers += _pss_kb(child)
        except (OSError, KeyError):
            continue
    hwm = _kb(f"/proc/{pid}/status", "VmHWM")
    return Peak(hwm / 1024, _pss_kb(pid) / 1024, workers / 1024, len(children))


def _articles(db: Path) -> int:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def _output(log: Path) -> str:
    return log.read_text(errors="replace")


async def _run_bot(db: Path, feeds: Sequence[str], texts: Sequence[str], log: Path) -> Peak:
    """Start the bot on `db`, wait for the feeds' articles, send `texts`; its peak."""
    expected = _articles(db) + (FEEDS * ITEMS if feeds else 0)
    async with BotAPIServer(valid_token=TOKEN) as emu:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=emu.base_url,
            NEWSBOT_DB=str(db),
            NEWSBOT_FEEDS=",".join(feeds),
            NEWSBOT_ALLOW_PRIVATE_URLS="1",
            NEWSBOT_FETCH_HOST_DELAY="0",
            NEWSBOT_USER_RATE_PER_MINUTE="1000",
            PYTHONPATH=str(ROOT),
        )
        with open(log, "wb") as out:  # noqa: ASYNC230 (a local file, opened once)
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                env=env,
                cwd=db.parent,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            await emu.wait_for("getUpdates", timeout=START_SECONDS)
            deadline = time.monotonic() + START_SECONDS
            while _articles(db) < expected:  # the feeds' articles are in
                assert time.monotonic() < deadline, _output(log)
                await asyncio.sleep(0.1)
            for n, text in enumerate(texts, start=1):
                emu.push_message(text, chat_id=1000 + n % 7, user_id=1000 + n % 7)
                await emu.wait_for("sendMessage", count=n, timeout=START_SECONDS)
            peak = _peak(bot.pid)
            bot.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(bot.wait(), START_SECONDS) == 0, _output(log)
            return peak
        finally:
            if bot.returncode is None:
                os.killpg(bot.pid, signal.SIGKILL)
                await bot.wait()


def measure(size: int, requests: int) -> list[tuple[str, str, str, str, str]]:
    """Print the peaks of the three cases; return summary rows for bench.run."""
    topics, _ = queries(requests)
    texts = []
    for n, topic in enumerate(topics):
        texts.append(("/latest", f"/latest {topic}", f"/search {topic}")[n % 3])
    with tempfile.TemporaryDirectory() as tmp:
        empty, archive = Path(tmp) / "empty.db", Path(tmp) / "archive.db"
        corpus.build_database(empty, 0)
        corpus.build_database(archive, size)
        servers = Servers(FEEDS, ITEMS)
        try:
            feeds = servers.site.feeds["teaser"]
            baseline = asyncio.run(_run_bot(empty, (), texts, Path(tmp) / "empty.log"))
            read = asyncio.run(_run_bot(archive, (), texts, Path(tmp) / "read.log"))
            ingest = asyncio.run(_run_bot(archive, feeds, texts, Path(tmp) / "ingest.log"))
        finally:
            servers.close()
    ingested = len(servers.site.pages) - WARM_ITEMS
    print(f"memory of `newsbot run` ({requests} requests), peak resident set in MB")
    print(f"  {'case':52} {'bot peak RSS':>12} {'bot PSS':>8} {'workers PSS':>14}")
    for case, peak in (
        ("empty database, no feeds (baseline)", baseline),
        (f"{size:,} articles, no feeds", read),
        (f"{size:,} articles, then {ingested} teasers ingested", ingest),
    ):
        workers = f"{peak.workers_pss:.0f} ({peak.worker_count})" if peak.worker_count else "-"
        print(f"  {case:52} {peak.bot:12.0f} {peak.bot_pss:8.0f} {workers:>14}")
    return [
        (
            f"newsbot run, {size:,} articles: peak RSS MB",
            f"{baseline.bot:.0f} (empty db)",
            f"{read.bot:.0f}",
            f"{read.bot / baseline.bot:.2f}x",
            "<= 200",
        ),
        (
            f"  ... after ingesting {ingested} teasers: bot peak RSS + workers' PSS MB",
            "",
            f"{ingest.bot:.0f} + {ingest.workers_pss:.0f}",
            "",
            "",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> list[tuple[str, str, str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100,000 articles")
    parser.add_argument("--requests", type=int, default=30, help="commands sent to the bot")
    args = parser.parse_args(argv)
    return measure(100_000 if args.full else 10_000, args.requests)


if __name__ == "__main__":
    main()
