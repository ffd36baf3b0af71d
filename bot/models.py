"""Plain data shared by every layer: feed items as parsed, articles as stored."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class FeedItem:
    """One entry of a feed (or one fetched page), before it is stored."""

    title: str
    text: str  # plain text, paragraphs separated by a blank line
    url: str | None = None
    guid: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601, UTC, e.g. "2024-02-06T11:30:00+00:00"
    language: str | None = None  # ISO 639-1 code when known ("en", "ko")
    site_name: str | None = None  # the site's own name, for a page that belongs to no feed
    is_teaser: bool = False  # the feed carries only a summary: fetch the page for the text
    media: bool = False  # has an audio or video enclosure (a podcast episode): no page to read


@dataclass(slots=True)
class ParsedFeed:
    """A feed document after parsing."""

    title: str
    items: list[FeedItem] = field(default_factory=list)
    language: str | None = None
    ttl_seconds: int | None = None  # the feed's own <ttl>, if any (sy:updatePeriod is ignored)


@dataclass(slots=True)
class Article:
    """An article as stored, with its key points."""

    id: int
    title: str
    url: str | None
    text: str
    points: list[str]
    feed_id: int | None = None
    source: str | None = None  # the feed's title, else the site's name, else its host
    guid: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    fetched_at: str | None = None  # when it was first stored
    story_id: int | None = None  # the story it belongs to (the id of its first article)
    link: str | None = None  # the item's own link as published (url is the canonical key)
    origin: str = "feed"  # "feed", "first_poll" (a feed's first poll) or "page" (/summary)

    @property
    def shown_url(self) -> str | None:
        """The link people are shown and click: as published, else the canonical URL."""
        return self.link or self.url


@dataclass(slots=True)
class Story:
    """One event as several outlets reported it: its articles, the best one first."""

    id: int
    articles: list[Article]

    @property
    def best(self) -> Article:
        return self.articles[0]

    @property
    def also(self) -> list[Article]:
        """One article for each other outlet (the best one's outlet left out), in order."""
        seen = {self.best.source}
        others = []
        for article in self.articles[1:]:
            if article.source not in seen:
                seen.add(article.source)
                others.append(article)
        return others

    @property
    def newest(self) -> str:
        return max((a.published or a.fetched_at or "") for a in self.articles)
