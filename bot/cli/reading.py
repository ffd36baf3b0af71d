"""`newsbot latest` and `newsbot search`: stored stories and articles with their key points.

Everything after the command's own options is the query, as typed: `newsbot search trump
-memo` excludes "memo"; a leading number is the count, as in Telegram (`newsbot latest 3 trump`).
"""

from __future__ import annotations

import argparse

from bot.cli.common import with_newsroom
from bot.cli.output import print_articles, print_stories, story_json
from bot.config import Settings
from bot.errors import UsageError
from bot.newsroom import Newsroom

DEFAULT_COUNT = 5
QUERY_HELP = (
    'words must all appear, "exact phrases" keep words together, -word excludes; '
    "everything after the options is the query, so -word needs no quoting"
)


def count(text: str) -> int:
    """A positive whole number of articles, or an error in words."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `latest` and `search` commands."""
    latest = commands.add_parser(
        "latest",
        help="the newest stories, optionally on a topic",
        description="The newest stories (one event, all the outlets that reported it), "
        f"optionally only those on a topic. Topics: {QUERY_HELP}. A leading number is the "
        "count: newsbot latest 3 bitcoin.",
    )
    latest.add_argument("-n", type=count, metavar="N", help=f"how many (default {DEFAULT_COUNT})")
    latest.add_argument(
        "--json",
        action="store_true",
        help='one {"story","title","points","articles":[{"id","url","title","source",'
        '"published"}]} per line, the best article first',
    )
    latest.add_argument(
        "topic", nargs=argparse.REMAINDER, metavar="[N] TOPIC", help="a count, then the topic"
    )
    latest.set_defaults(handler=show_latest)
    search = commands.add_parser(
        "search",
        help="find stored articles, best match first",
        description=f"Stored articles matching a query, best match first: {QUERY_HELP}.",
    )
    search.add_argument("-n", type=count, metavar="N", help=f"how many (default {DEFAULT_COUNT})")
    search.add_argument(
        "query", nargs=argparse.REMAINDER, metavar="QUERY", help="the rest of the line"
    )
    search.set_defaults(handler=show_search)


def _query(words: list[str]) -> str:
    """The words as typed (a `--` before them is only a separator)."""
    if words[:1] == ["--"]:
        words = words[1:]
    return " ".join(words).strip()


def show_latest(settings: Settings, args: argparse.Namespace) -> int:
    """Print the newest stories (JSON lines with --json)."""
    words = list(args.topic)
    as_json = args.json or "--json" in words  # also after the topic's first word
    words = [word for word in words if word != "--json"]
    wanted = args.n
    if wanted is None and words and words[0].isdigit():
        wanted = int(words.pop(0))
        if wanted < 1:
            raise UsageError("the number of articles must be at least 1")
    topic = _query(words) or None

    async def work(newsroom: Newsroom) -> int:
        stories = await newsroom.latest_stories(wanted or DEFAULT_COUNT, topic)
        if as_json:
            for story in stories:
                print(story_json(story))
            return 0
        empty = (
            f"No stored article matches {topic!r} yet."
            if topic
            else "No articles stored yet. Run: newsbot ingest"
        )
        print_stories(stories, empty)
        return 0

    return with_newsroom(settings, work)


def show_search(settings: Settings, args: argparse.Namespace) -> int:
    """Print the best matches."""
    query = _query(args.query)
    if not query:
        raise UsageError("give words to search for, e.g. newsbot search bitcoin")

    async def work(newsroom: Newsroom) -> int:
        articles = await newsroom.search(query, args.n or DEFAULT_COUNT)
        print_articles(articles, f"Nothing found for {query!r}.")
        return 0

    return with_newsroom(settings, work)
