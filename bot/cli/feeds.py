"""`newsbot feeds ...`: follow, list, remove, import and export feeds."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import with_newsroom
from bot.config import Settings
from bot.errors import NewsbotError
from bot.ingest.opml import build_opml, parse_opml
from bot.ingest.pages import looks_like_feed
from bot.ingest.urls import is_http_url
from bot.newsroom import Newsroom
from bot.storage import Feed
from bot.when import published_label


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `feeds` command and its sub-commands."""
    feeds = commands.add_parser("feeds", help="follow, list, remove, import and export feeds")
    sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add", help="follow feeds (each is fetched once to check it; a page: the feed it names)"
    )
    add.add_argument("urls", nargs="+", metavar="URL")
    add.add_argument("--no-check", action="store_true", help="add without fetching first")
    add.set_defaults(handler=add_feeds)
    sub.add_parser("list", help="the feeds followed, with their health").set_defaults(
        handler=list_feeds
    )
    remove = sub.add_parser("remove", help="stop following feeds (articles stay)")
    remove.add_argument("feeds", nargs="+", metavar="URL|ID")
    remove.set_defaults(handler=remove_feeds)
    opml_in = sub.add_parser(
        "import", help="follow every feed in an OPML file or at an OPML list's URL"
    )
    opml_in.add_argument("source", metavar="FILE.opml|URL")
    opml_in.add_argument(
        "--no-check", action="store_true", help="follow them without fetching each first"
    )
    opml_in.set_defaults(handler=import_feeds)
    sub.add_parser("export", help="print the feeds followed as OPML").set_defaults(
        handler=export_feeds
    )


def add_feeds(settings: Settings, args: argparse.Namespace) -> int:
    """Follow each URL; report each; fail if any could not be added."""

    async def work(newsroom: Newsroom) -> int:
        failed = 0
        for url in args.urls:
            try:
                if args.no_check:
                    feed, new = await newsroom.add_feed_unchecked(url)
                else:
                    feed, new = await newsroom.add_feed(url)
            except NewsbotError as exc:
                print(f"newsbot: {url}: {exc}", file=sys.stderr)
                failed += 1
                continue
            verb = "added" if new else "already followed"
            print(f"{verb}: [{feed.id}] {feed.title or feed.url} ({feed.url})")
        return 1 if failed else 0

    return with_newsroom(settings, work)


def list_feeds(settings: Settings, args: argparse.Namespace) -> int:
    """Print each feed: id, title, URL, article count and health."""

    async def work(newsroom: Newsroom) -> int:
        feeds = await newsroom.feeds()
        if not feeds:
            print("No feeds followed yet. Add one with: newsbot feeds add URL")
        for feed in feeds:
            if feed.failures:
                health = f"FAILING ({feed.failures}x): {feed.last_error}"
            elif feed.last_polled_at:
                health = f"ok, polled {published_label(feed.last_polled_at)}"
            else:
                health = "not polled yet"
            print(f"[{feed.id}] {feed.title or '(untitled)'}")
            print(f"    {feed.url}")
            print(f"    {feed.articles} articles · {health}")
        return 0

    return with_newsroom(settings, work)


def remove_feeds(settings: Settings, args: argparse.Namespace) -> int:
    """Stop following each feed given by URL or id."""

    async def work(newsroom: Newsroom) -> int:
        missing = 0
        for key in args.feeds:
            feed = await newsroom.remove_feed(key)
            if feed is None:
                print(f"newsbot: no followed feed matches {key!r}", file=sys.stderr)
                missing += 1
            else:
                print(f"removed: [{feed.id}] {feed.title or feed.url}")
        return 1 if missing else 0

    return with_newsroom(settings, work)


def import_feeds(settings: Settings, args: argparse.Namespace) -> int:
    """Follow every feed an OPML list names, each checked as `feeds add` does; report each."""

    async def work(newsroom: Newsroom) -> int:
        entries = await _read_opml(newsroom, args.source)

        async def follow(url: str, title: str | None) -> tuple[Feed, bool]:
            if args.no_check:
                return await newsroom.add_feed_unchecked(url, title)
            return await newsroom.add_feed(url)

        results = await asyncio.gather(
            *(follow(url, title) for url, title in entries), return_exceptions=True
        )
        added = followed = failed = 0
        for (url, _), result in zip(entries, results, strict=True):
            if isinstance(result, NewsbotError):
                print(f"newsbot: not added: {url}: {result}", file=sys.stderr)
                failed += 1
            elif isinstance(result, BaseException):
                raise result
            elif result[1]:
                added += 1
            else:
                followed += 1
        print(
            f"imported {len(entries)} feeds: {added} new, {followed} already followed"
            + (f", {failed} not added" if failed else "")
        )
        return 1 if failed else 0

    return with_newsroom(settings, work)


async def _read_opml(newsroom: Newsroom, source: str) -> list[tuple[str, str | None]]:
    """The (url, title) of each feed in an OPML file, or in the OPML list at a URL."""
    if is_http_url(source):
        body = await newsroom.download(source)
    else:
        try:
            body = await asyncio.to_thread(Path(source).read_bytes)
        except OSError as exc:
            raise NewsbotError(f"cannot read {source}: {exc.strerror}") from None
    try:
        return parse_opml(body)
    except ValueError as exc:
        if looks_like_feed(body, ""):
            raise NewsbotError(
                f"{source} is a feed, not an OPML list of feeds: "
                f"follow it with newsbot feeds add {source}"
            ) from None
        raise NewsbotError(f"{source} is not a valid OPML file: {exc}") from None


def export_feeds(settings: Settings, args: argparse.Namespace) -> int:
    """Print the followed feeds as OPML."""

    async def work(newsroom: Newsroom) -> int:
        feeds = await newsroom.feeds()
        sys.stdout.write(build_opml([(f.url, f.title) for f in feeds]))
        return 0

    return with_newsroom(settings, work)
