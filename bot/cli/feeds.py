"""`newsbot feeds ...`: follow, list, remove, import and export feeds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import with_newsroom
from bot.cli.output import short_date
from bot.config import Settings
from bot.errors import NewsbotError
from bot.ingest.opml import build_opml, parse_opml
from bot.newsroom import Newsroom


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
    opml_in = sub.add_parser("import", help="follow every feed in an OPML file")
    opml_in.add_argument("file", type=Path, metavar="FILE.opml")
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
                health = (
                    f"ok, polled {short_date(feed.last_polled_at)} {feed.last_polled_at[11:16]}"
                )
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
    """Follow every feed in an OPML file (without fetching them now)."""
    try:
        entries = parse_opml(args.file.read_bytes())
    except OSError as exc:
        raise NewsbotError(f"cannot read {args.file}: {exc.strerror}") from None
    except ValueError as exc:
        raise NewsbotError(f"{args.file} is not a valid OPML file: {exc}") from None

    async def work(newsroom: Newsroom) -> int:
        added = 0
        for url, title in entries:
            _, new = await newsroom.add_feed_unchecked(url, title)
            added += new
        print(
            f"imported {len(entries)} feeds: {added} new, {len(entries) - added} already followed"
        )
        return 0

    return with_newsroom(settings, work)


def export_feeds(settings: Settings, args: argparse.Namespace) -> int:
    """Print the followed feeds as OPML."""

    async def work(newsroom: Newsroom) -> int:
        feeds = await newsroom.feeds()
        sys.stdout.write(build_opml([(f.url, f.title) for f in feeds]))
        return 0

    return with_newsroom(settings, work)
