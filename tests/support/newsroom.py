"""A Newsroom on a temp SQLite file that may fetch from 127.0.0.1, and the seed feed item."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.newsroom import Newsroom

SEED = Path(__file__).parents[1] / "fixtures" / "dailynk-item.txt"  # from ../shared/seed/
SEED_TITLE = "Kangwon Province’s plan to improve quality of consumer goods comes under fire"


def local_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for tests: temp database, no configured feeds, loopback allowed, no delays."""
    values: dict[str, object] = {
        "db_path": str(tmp_path / "newsbot.db"),
        "feeds": (),
        "allow_private_urls": True,
        "poll_seconds": 60,
        "fetch_host_delay": 0.0,
        "fetch_timeout": 5.0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def rss_item(
    title: str,
    paragraphs: list[str],
    *,
    link: str,
    guid: str,
    date: str = "Tue, 06 Feb 2024 11:30:00 +0000",
) -> str:
    """A WordPress-style RSS item with the body in content:encoded."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    teaser = html.escape(paragraphs[0][:200]) if paragraphs else ""
    return (
        f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f'<guid isPermaLink="false">{html.escape(guid)}</guid><pubDate>{date}</pubDate>'
        f"<dc:creator>Daily NK</dc:creator><description>{teaser}</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def rss_feed(items: list[str], title: str = "Daily NK English") -> str:
    """A WordPress-style RSS 2.0 document."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{html.escape(title)}</title><link>https://www.dailynk.com/english/</link>"
        f"<language>en-US</language>{''.join(items)}</channel></rss>"
    )


def seed_paragraphs() -> list[str]:
    """The seed item's text, one entry per paragraph, exactly as delivered."""
    return [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


@pytest.fixture
async def newsroom(tmp_path: Path) -> AsyncIterator[Newsroom]:
    """An open Newsroom on a temp database."""
    room = Newsroom(local_settings(tmp_path))
    await room.open()
    yield room
    await room.close()
