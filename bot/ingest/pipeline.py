"""The one article pipeline, for ingest (bot/ingest/poller.py) and /summary (bot/newsroom.py).

extract (a page's main text) → clip → detect the language, once → key points: `read_page` and
`prepare_all` run in a worker process or thread (module-level, plain data in and out, so they
pickle); then find the stored copy → save: `ArticleStore.upsert` on the database thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.ingest.pages import clip_text, extract_page, require_article
from bot.ingest.urls import canonical_url
from bot.keypoints import KeyPointExtractor, detect_language
from bot.keypoints.boilerplate import strip_feed_footers
from bot.models import FeedItem
from bot.storage.articles import site_of

_EXTRACTOR = KeyPointExtractor()  # one per worker process


@dataclass(slots=True)
class Draft:
    """An article ready to be stored: its item (text clipped, language known) and key points."""

    item: FeedItem
    points: list[str]


def stored_text(text: str) -> str:
    """Text as it is stored: feed footers such as "Continue reading…" left out, clipped to an
    article's greatest length. Stored content is compared with this, never with raw text."""
    return clip_text(strip_feed_footers(text))


def prepare(item: FeedItem, feed_language: str | None, count: int) -> Draft:
    """Store the item's text as `stored_text`, settle its language (its own, else the feed's,
    else detected from the text) and choose its `count` key points."""
    item.text = stored_text(item.text)
    item.language = detect_language(item.text, item.language or feed_language)
    return Draft(item, _EXTRACTOR.key_points(item.title, item.text, item.language, count))


def prepare_all(items: list[FeedItem], feed_language: str | None, count: int) -> list[Draft]:
    """`prepare` for each of a feed's items: one trip to a worker process for all of them."""
    return [prepare(item, feed_language, count) for item in items]


def read_page(
    body: bytes,
    url: str,
    count: int,
    *,
    teaser: FeedItem | None = None,
    feed_language: str | None = None,
) -> Draft:
    """The article on the page fetched from `url` (after redirects), prepared.

    With a feed's `teaser`, that item gets the page's main text when it is longer, and the
    page's language (where the page declares one or its text's script shows it) and author
    where the feed named none. Without, the page is the article:
    stored under its own canonical address when the page names one on its own site.
    Raises ExtractError when the page holds no article (NotAnArticle: a page that reads but
    is none, such as a home page or a paywall notice).
    """
    page = require_article(extract_page(body, url))
    text = clip_text(page.text)
    if teaser is None:
        address = canonical_url(url)
        if page.url and site_of(page.url) == site_of(address):
            # Another site's page must never be stored as (and shown for) that site's article.
            address = canonical_url(page.url)
        item = FeedItem(
            title=page.title or address,
            text=text,
            url=address,
            author=page.author,
            published=page.published,
            language=page.language,
            site_name=page.site_name,
        )
    else:
        item = teaser
        if len(text) > len(item.text):
            item.text = text
            item.language = page.language or item.language  # the page's own, then the feed's
            item.author = item.author or page.author
    return prepare(item, feed_language, count)
