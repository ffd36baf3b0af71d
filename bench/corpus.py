"""Synthetic corpora for the speed benchmarks, built from the BBC articles (never downloaded).

Three shapes: RSS documents (full text in content:encoded, or teasers only), the article
pages those teasers link to, and a SQLite database of any size filled straight through
executemany. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bench import bbc
from bot.storage import Storage
from bot.storage.articles import content_hash, site_of, title_key

START = datetime(2024, 1, 1, tzinfo=UTC)
FEED_COUNT = 20  # feeds rows of a built database
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NAV = ("Home", "UK", "World", "Business", "Politics", "Tech", "Science", "Health", "Sport")
_MORE = ("Weather", "iPlayer", "Sounds", "Bitesize", "CBeebies", "Food", "Travel", "Culture")


@dataclass(frozen=True, slots=True)
class Story:
    """One BBC article, ready to be put in a feed or a page."""

    slug: str  # e.g. "business-001"
    title: str
    paragraphs: tuple[str, ...]
    published: datetime


def stories(limit: int = 0) -> list[Story]:
    """BBC articles with distinct titles, in file order, one hour apart (newest last)."""
    chosen: list[Story] = []
    seen: set[str] = set()
    for article in bbc.load_articles():
        key = title_key(article.title)
        if key in seen:
            continue
        seen.add(key)
        paragraphs = tuple(p.strip() for p in article.text.split("\n\n") if p.strip())
        when = START + timedelta(hours=len(chosen))
        chosen.append(Story(article.id.replace("/", "-"), article.title, paragraphs, when))
        if len(chosen) == limit:
            break
    return chosen


def rss_document(title: str, link: str, items: Sequence[tuple[Story, str]], full: bool) -> str:
    """An RSS 2.0 feed of (story, page URL): the whole body in content:encoded when `full`,
    else a one-sentence teaser in description (the page must be fetched for the text)."""
    entries = []
    for story, url in items:
        teaser = html.escape(_SENTENCE.split(story.paragraphs[0])[0][:200])
        body = ""
        if full:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
            body = f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>"
        entries.append(
            f"<item><title>{html.escape(story.title)}</title><link>{html.escape(url)}</link>"
            f'<guid isPermaLink="false">{story.slug}</guid>'
            f"<pubDate>{format_datetime(story.published)}</pubDate>"
            f"<dc:creator>BBC News</dc:creator><description>{teaser}</description>{body}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<language>en-gb</language><ttl>15</ttl>{''.join(entries)}</channel></rss>"
    )


def _links(prefix: str, names: Sequence[str]) -> str:
    return "".join(f'<li><a href="/{prefix}/{n.lower()}">{n}</a></li>' for n in names)


def article_page(story: Story, url: str, related: Sequence[Story]) -> str:
    """A news-site page around the story: head metadata, scripts, navigation, cookie banner,
    related links and footer, the way trafilatura meets them (about 6 KB: real pages are
    often far bigger, mostly in scripts, and take trafilatura longer)."""
    title = html.escape(story.title)
    when = story.published.isoformat()
    body = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    state = ", ".join(f'"{s.slug}": {{"title": "{html.escape(s.title)}"}}' for s in related)
    related_links = "".join(
        f'<li><a href="/news/{s.slug}"><h3>{html.escape(s.title)}</h3></a></li>' for s in related
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{title} - BBC News</title>"
        f'<link rel="canonical" href="{html.escape(url)}">'
        f'<meta property="og:title" content="{title}"><meta name="author" content="BBC News">'
        f'<meta property="article:published_time" content="{when}">'
        f"<script>window.__STATE__ = {{{state}}};</script>"
        "<style>body{font-family:sans-serif}.nav li{display:inline}</style></head><body>"
        f'<header><nav class="nav"><ul>{_links("news", _NAV)}</ul>'
        f'<ul class="more">{_links("more", _MORE)}</ul></nav>'
        '<form class="search"><input name="q" placeholder="Search BBC"></form></header>'
        '<div class="cookie-banner">Let us know you agree to cookies. Yes, I agree</div>'
        f'<main><article><h1>{title}</h1><p class="byline">By <span class="author">BBC '
        f'News</span> <time datetime="{when}">{story.published:%d %B %Y}</time></p>{body}'
        "<p>Share this story: Email Facebook Twitter</p></article>"
        f'<aside class="related"><h2>Related Topics</h2><ul>{related_links}</ul></aside></main>'
        f"<footer><ul>{_links('site', _NAV + _MORE)}</ul>"
        "<p>Copyright 2024 BBC. The BBC is not responsible for the content of external "
        "sites.</p></footer></body></html>"
    )


def key_points_cheaply(text: str, count: int = 3) -> list[str]:
    """The first sentences: stand-in key points for rows that are only read back."""
    return _SENTENCE.split(text.split("\n\n", 1)[0])[:count]


def _rows(count: int, seed: int) -> Iterator[tuple[object, ...]]:
    """Articles for the `articles` table: BBC stories with their paragraphs rotated and one
    paragraph of another story mixed in, so that no two texts are the same."""
    rng = random.Random(seed)
    base = stories()
    step = timedelta(days=730) / max(count, 1)
    for n in range(count):
        story, other = base[n % len(base)], rng.choice(base)
        turn = (n // len(base)) % len(story.paragraphs)
        paragraphs = [*story.paragraphs[turn:], *story.paragraphs[:turn]]
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(other.paragraphs))
        text = "\n\n".join(paragraphs)
        title = story.title if n < len(base) else f"{story.title} ({n // len(base) + 1})"
        url = f"https://www.bbc.example/news/{story.slug}-{n}"
        published = (START + step * n + timedelta(hours=rng.uniform(-36, 36))).isoformat(
            timespec="seconds"
        )
        points = json.dumps(key_points_cheaply(text), ensure_ascii=False)
        yield (
            n % FEED_COUNT + 1,
            f"bbc-{n}",
            url,
            site_of(url),
            title,
            title_key(title),
            "BBC News",
            published,
            "en",
            text,
            content_hash(title, text),
            points,
            published,
            published,
            published,
        )


def build_database(path: str | Path, count: int, seed: int = 2024, batch: int = 5000) -> None:
    """A newsbot database at `path` holding `count` articles in FEED_COUNT feeds."""
    storage = Storage(path)
    try:
        db = storage.db
        with storage.write():
            db.conn.executemany(
                "INSERT INTO feeds (url, title, failures, added_at) VALUES (?, ?, 0, ?)",
                [
                    (f"https://www.bbc.example/feeds/{n}.xml", f"BBC feed {n}", START.isoformat())
                    for n in range(1, FEED_COUNT + 1)
                ],
            )
        rows = _rows(count, seed)
        sql = (
            "INSERT INTO articles (feed_id, guid, url, site, title, title_key, author, "
            "published, language, text, content_hash, points, fetched_at, updated_at, sort_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        while chunk := [row for _, row in zip(range(batch), rows, strict=False)]:
            with storage.write():
                db.conn.executemany(sql, chunk)
        db.execute("PRAGMA optimize")
    finally:
        storage.close()
