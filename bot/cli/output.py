"""How articles and tables look in a terminal."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from typing import TextIO

from wcwidth import wcswidth, wcwidth

from bot.models import Article, Story
from bot.when import published_label

MAX_WIDTH = 100  # columns: longer lines are hard to read even on a wide terminal


def _style(text: str, code: str, out: TextIO) -> str:
    return f"\033[{code}m{text}\033[0m" if out.isatty() else text


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes (a Korean or Chinese character takes two)."""
    return max(wcswidth(text), 0) if text.isprintable() else len(text)


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Lines of at most ``width`` columns: broken between words, and inside a word only when
    it alone is wider than a line (Chinese and Japanese put no spaces between words)."""
    lines: list[str] = []
    line, used, empty = first, columns(first), True
    for word in text.split():
        size = columns(word)
        if not empty and used + 1 + size > width:
            lines.append(line)
            line, used, empty = rest, columns(rest), True
        if not empty:
            line, used = line + " ", used + 1
        if used + size <= width:
            line, used, empty = line + word, used + size, False
            continue
        for char in word:  # a word wider than the line
            size = max(wcwidth(char), 0)
            if not empty and used + size > width:
                lines.append(line)
                line, used = rest, columns(rest)
            line, used, empty = line + char, used + size, False
    lines.append(line)
    return lines


def print_article(
    article: Article, out: TextIO | None = None, also: Sequence[Article] = ()
) -> None:
    """Title, source and date, key points as bullets, the link, then "also:" other outlets."""
    out = out or sys.stdout
    width = min(shutil.get_terminal_size((MAX_WIDTH, 20)).columns, MAX_WIDTH)
    if article.id:
        out.write(f"{_style(f'#{article.id}', '2', out)} {_style(article.title, '1', out)}\n")
    meta = " · ".join(x for x in (article.source, published_label(article.published)) if x)
    if meta:
        out.write(f"   {_style(meta, '3', out)}\n")
    for point in article.points:
        out.write("\n".join(wrap(point, width, "   • ", "     ")) + "\n")
    if article.shown_url:
        out.write(f"   {_style(article.shown_url, '4', out)}\n")
    for other in also:
        name = other.source or f"#{other.id}"
        out.write(f"   also: {name} {_style(other.shown_url or f'#{other.id}', '4', out)}\n")
    out.write("\n")


def print_articles(articles: list[Article], empty: str, out: TextIO | None = None) -> None:
    """Every article, or one line saying there is nothing."""
    out = out or sys.stdout
    if not articles:
        out.write(empty + "\n")
    for article in articles:
        print_article(article, out)


def print_stories(stories: list[Story], empty: str, out: TextIO | None = None) -> None:
    """Each story's best article, then "also:" with its other outlets' links."""
    out = out or sys.stdout
    if not stories:
        out.write(empty + "\n")
    for story in stories:
        print_article(story.best, out, story.also)


def story_json(story: Story) -> str:
    """One story as a JSON line for scripts: its best article's title and points, and
    every article, the best first."""
    best = story.best
    return json.dumps(
        {
            "story": story.id,
            "title": best.title,
            "points": best.points,
            "articles": [
                {
                    "id": a.id,
                    "url": a.shown_url,
                    "title": a.title,
                    "source": a.source,
                    "published": a.published,
                }
                for a in story.articles
            ],
        },
        ensure_ascii=False,
    )
