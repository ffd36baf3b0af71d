"""`newsbot summarize`: key points of URLs, stored articles, stdin text, or JSON lines in bulk."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.cli.common import with_newsroom
from bot.cli.output import print_article
from bot.config import Settings
from bot.errors import NewsbotError
from bot.keypoints import KeyPointExtractor, detect_language
from bot.models import Article
from bot.newsroom import Newsroom


def _points(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError("must be between 1 and 10")
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `summarize` command."""
    summarize = commands.add_parser(
        "summarize",
        help="key points of URLs, stored article ids, or text on stdin (-)",
        description=(
            "A target is a URL (fetched, stored and summarized if new), a stored article id, "
            "or - for plain text on stdin. With --jsonl, read {id, title, text} JSON lines "
            "from stdin and write {id, points} lines."
        ),
    )
    summarize.add_argument("targets", nargs="*", metavar="TARGET")
    summarize.add_argument(
        "--points",
        type=_points,
        default=None,
        metavar="N",
        help="how many key points (default NEWSBOT_KEY_POINTS)",
    )
    summarize.add_argument("--json", action="store_true", help="one JSON object per target")
    summarize.add_argument("--jsonl", action="store_true", help="batch mode over stdin")
    summarize.set_defaults(handler=run_summarize)


def run_summarize(settings: Settings, args: argparse.Namespace) -> int:
    """Summarize the targets (or the JSON lines on stdin)."""
    if args.jsonl:
        if args.targets:
            raise NewsbotError("--jsonl reads stdin; give no targets with it")
        return _jsonl(args.points or settings.key_points)
    if not args.targets:
        raise NewsbotError("give at least one URL, article id or - (see newsbot summarize --help)")
    if args.targets.count("-") > 1:
        raise NewsbotError("stdin (-) can be read only once")

    async def one(newsroom: Newsroom, target: str) -> Article:
        if target != "-":
            return await newsroom.summarize(target, args.points)
        text = sys.stdin.read()
        if not text.strip():
            raise NewsbotError("no text on stdin")
        points = await newsroom.summarize_text(text, points=args.points)
        return Article(id=0, title="", url=None, text=text, points=points)

    async def work(newsroom: Newsroom) -> list[Article | BaseException]:
        return await asyncio.gather(
            *(one(newsroom, t) for t in args.targets), return_exceptions=True
        )

    results = with_newsroom(settings, work)
    failed = 0
    for target, result in zip(args.targets, results, strict=True):
        if isinstance(result, NewsbotError):
            failed += 1
            _report_error(target, str(result), args.json)
        elif isinstance(result, BaseException):
            raise result
        elif args.json:
            print(json.dumps(_as_json(target, result), ensure_ascii=False), flush=True)
        else:
            print_article(result)
    return 1 if failed else 0


def _as_json(target: str, article: Article) -> dict[str, Any]:
    return {
        "target": target,
        "id": article.id or None,
        "title": article.title,
        "url": article.shown_url,
        "text": article.text,
        "points": article.points,
    }


def _report_error(target: str, error: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"target": target, "error": error}, ensure_ascii=False), flush=True)
    else:
        print(f"newsbot: {target}: {error}", file=sys.stderr)


def _jsonl(points: int) -> int:
    """Batch mode: no database, no network; one extractor for every line."""
    extractor = KeyPointExtractor()
    failed = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected an object with a "text" string')
            title = item.get("title") or ""
            if not isinstance(title, str):
                raise ValueError('"title" must be a string')
        except ValueError as exc:
            failed += 1
            print(json.dumps({"line": number, "error": f"bad JSON line: {exc}"}), flush=True)
            continue
        language = detect_language(item["text"], item.get("language"))
        result = extractor.key_points(title, item["text"], language, points)
        print(json.dumps({"id": item.get("id"), "points": result}, ensure_ascii=False))
    return 1 if failed else 0
