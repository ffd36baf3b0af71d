"""How articles and tables look in a terminal."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from wcwidth import wcswidth, wcwidth

from bot.models import Article
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


def print_article(article: Article, out: TextIO | None = None) -> None:
    """Title, source and date, key points as bullets, then the link."""
    out = out or sys.stdout
    width = min(shutil.get_terminal_size((MAX_WIDTH, 20)).columns, MAX_WIDTH)
    if article.id:
        out.write(f"{_style(f'#{article.id}', '2', out)} {_style(article.title, '1', out)}\n")
    meta = " · ".join(x for x in (article.source, published_label(article.published)) if x)
    if meta:
        out.write(f"   {_style(meta, '3', out)}\n")
    for point in article.points:
        out.write("\n".join(wrap(point, width, "   • ", "     ")) + "\n")
    if article.url:
        out.write(f"   {_style(article.url, '4', out)}\n")
    out.write("\n")


def print_articles(articles: list[Article], empty: str, out: TextIO | None = None) -> None:
    """Every article, or one line saying there is nothing."""
    out = out or sys.stdout
    if not articles:
        out.write(empty + "\n")
    for article in articles:
        print_article(article, out)
