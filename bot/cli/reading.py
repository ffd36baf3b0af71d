"""`newsbot latest` and `newsbot search`: stored articles with their key points."""

from __future__ import annotations

import argparse

from bot.cli.common import with_newsroom
from bot.cli.output import print_articles
from bot.config import Settings
from bot.newsroom import MAX_LIST, Newsroom


def _count(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_LIST:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIST}")
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `latest` and `search` commands."""
    latest = commands.add_parser("latest", help="the newest articles, optionally on a topic")
    latest.add_argument("topic", nargs="*", help='words, "phrases" and -excluded words')
    latest.add_argument("-n", type=_count, default=5, metavar="N", help="how many (default 5)")
    latest.set_defaults(handler=show_latest)
    search = commands.add_parser("search", help="find stored articles, best match first")
    search.add_argument("query", nargs="+", help='words, "exact phrases" and -excluded words')
    search.add_argument("-n", type=_count, default=5, metavar="N", help="how many (default 5)")
    search.set_defaults(handler=show_search)


def show_latest(settings: Settings, args: argparse.Namespace) -> int:
    """Print the newest articles."""
    topic = " ".join(args.topic) or None

    async def work(newsroom: Newsroom) -> int:
        articles = await newsroom.latest(args.n, topic)
        empty = (
            f"No stored article matches {topic!r} yet."
            if topic
            else "No articles stored yet. Run: newsbot ingest"
        )
        print_articles(articles, empty)
        return 0

    return with_newsroom(settings, work)


def show_search(settings: Settings, args: argparse.Namespace) -> int:
    """Print the best matches."""
    query = " ".join(args.query)

    async def work(newsroom: Newsroom) -> int:
        print_articles(await newsroom.search(query, args.n), f"Nothing found for {query!r}.")
        return 0

    return with_newsroom(settings, work)
