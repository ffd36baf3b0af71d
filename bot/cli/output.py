"""How articles and tables look in a terminal."""

from __future__ import annotations

import shutil
import sys
import textwrap
from datetime import datetime
from typing import TextIO

from bot.models import Article


def _style(text: str, code: str, out: TextIO) -> str:
    return f"\033[{code}m{text}\033[0m" if out.isatty() else text


def short_date(iso: str | None) -> str:
    """'5 Mar 2024' from an ISO timestamp ('' when missing or unreadable)."""
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{when.day} {when:%b %Y}"


def print_article(article: Article, out: TextIO | None = None) -> None:
    """Title, source and date, key points as bullets, then the link."""
    out = out or sys.stdout
    width = min(shutil.get_terminal_size((100, 20)).columns, 100)
    if article.id:
        out.write(f"{_style(f'#{article.id}', '2', out)} {_style(article.title, '1', out)}\n")
    meta = " · ".join(x for x in (article.source, short_date(article.published)) if x)
    if meta:
        out.write(f"   {_style(meta, '3', out)}\n")
    for point in article.points:
        out.write(
            textwrap.fill(point, width, initial_indent="   • ", subsequent_indent="     ") + "\n"
        )
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
