"""`newsbot ingest`: one polling pass over every feed, with a progress bar."""

from __future__ import annotations

import argparse
import logging
import sys

from tqdm import tqdm

from bot.cli.common import with_newsroom
from bot.config import Settings
from bot.newsroom import Newsroom
from bot.storage import Feed


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `ingest` command."""
    ingest = commands.add_parser(
        "ingest", help="poll every feed once: store new articles with their key points"
    )
    ingest.add_argument(
        "--due", action="store_true", help="only the feeds whose next poll time has come"
    )
    ingest.set_defaults(handler=run_ingest)


def run_ingest(settings: Settings, args: argparse.Namespace) -> int:
    """Poll, show progress, then each failing feed once and one summary line.

    Exit 1 only when no feed could be read at all (no network?); a few dead feeds among
    good ones are reported, not a failure of the command.
    """

    async def work(newsroom: Newsroom) -> int:
        total = len(await newsroom.feeds())
        if total == 0:
            print("No feeds followed yet. Add one with: newsbot feeds add URL")
            return 0
        with tqdm(total=total, unit="feed", file=sys.stderr, leave=False) as bar:

            def step(feed: Feed) -> None:
                bar.update(1)

            report = await newsroom.ingest(step, only_due=args.due)
        for url, error in report.failures:
            print(f"failed: {url}: {error}", file=sys.stderr)
        print(report.summary())
        return 1 if report.feeds_failed and not report.feeds_ok else 0

    quiet = logging.getLogger("bot.ingest")
    level = quiet.level
    if not args.verbose:  # each failure is printed once at the end, not logged across the bar
        quiet.setLevel(logging.ERROR)
    try:
        return with_newsroom(settings, work)
    finally:
        quiet.setLevel(level)
