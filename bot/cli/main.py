"""`newsbot`: parse the command line, load settings, run the command, turn errors into one line."""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys

from bot import __version__
from bot.cli import feeds, ingest, reading, summarize, telegram
from bot.config import ConfigError, load_settings
from bot.errors import NewsbotError, UsageError
from bot.storage import StorageError


def build_parser() -> argparse.ArgumentParser:
    """Every command, each with its own --help."""
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="News feeds in, key points out: a Telegram bot and its command line.",
        epilog="Settings come from the environment or a .env file; see README.md.",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (telegram, feeds, ingest, reading, summarize):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 failed, 2 usage or settings)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `newsbot`: what it can do
        parser.print_help()
        return 0
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    quiet = args.command != "run" and settings.log_level is None  # the CLI prints, not logs
    logging.basicConfig(
        level="DEBUG" if args.verbose else "WARNING" if quiet else settings.log_level or "INFO",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not args.verbose:  # two lines per job run otherwise: ~35,000 a day
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        return int(args.handler(settings, args))
    except UsageError as exc:
        print(f"newsbot {args.command}: {exc}", file=sys.stderr)
        return 2
    except (NewsbotError, StorageError) as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # damage found after start-up's checks
        print(f"newsbot: cannot use database {settings.db_path}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `newsbot latest | head`: the reader has had enough
        sys.stderr.close()
        return 0
