"""The newsroom: the one service the Telegram handlers, `newsbot chat` and the CLI all use.

It owns storage, the fetcher and the key-point extractor, runs blocking work off the event
loop, and turns user input into friendly NewsbotError messages. Nothing here knows Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from bot.alerts.matcher import AlertMatcher
from bot.config import Settings
from bot.errors import NewsbotError
from bot.executors import Executors
from bot.ingest import pipeline, schedule
from bot.ingest.discovery import feed_links
from bot.ingest.feeds import FeedParseError, parse_feed
from bot.ingest.fetcher import Fetcher, FetchError, FetchResult
from bot.ingest.hosts import HostHealth
from bot.ingest.pages import ExtractError, NotAnArticle, looks_like_feed
from bot.ingest.poller import IngestReport, Poller
from bot.ingest.safety import UnsafeURLError
from bot.ingest.urls import canonical_url, published_link, url_problem
from bot.keypoints import KeyPointExtractor
from bot.models import Article, FeedItem, ParsedFeed, Story
from bot.storage import Delivery, Feed, Storage, Subscription, SubscriptionLimitError
from bot.storage.digests import DigestRun, DigestSetting
from bot.storage.retention import RetentionReport
from bot.stories.listing import StoryLister
from bot.topics import (
    Topic,
    TopicError,
    article_tokens,
    parse_topic,
    search_to_fts,
    to_fts_query,
)

log = logging.getLogger(__name__)

FOLD_LOOKAHEAD = 200  # a chat's due alerts read at once: a digest folds up to this many
DIGEST_STORIES = 10  # stories in a daily digest at most
MAX_FEEDS_TRIED = 3  # of those a page names, when /addfeed is given a page


@dataclass(slots=True)
class AlertBatch:
    """The pending alerts of one chat, to be sent together as one digest."""

    chat_id: int
    deliveries: list[Delivery]
    articles: list[Article]
    folded: list[Delivery] = field(default_factory=list)  # counted as "and N more"


@dataclass(slots=True)
class Stats:
    """Numbers for `/stats`."""

    articles: int
    feeds_healthy: int
    feeds_failing: int
    chats: int
    subscriptions: int
    alerts_sent: int
    alerts_pending: int
    alerts_failed: int
    failing: list[Feed] = field(default_factory=list)


def _same_topic(stored: str, topic: Topic) -> bool:
    """Whether a stored subscription's topic is ``topic`` (one that no longer parses is not)."""
    try:
        return parse_topic(stored) == topic
    except TopicError:
        return stored.casefold() == topic.text.casefold()


def _search_query(query: str) -> str:
    """The FTS5 expression of a /search query; a friendly error when it has none."""
    try:
        return search_to_fts(query)
    except TopicError as exc:
        raise NewsbotError(str(exc)) from None


def _article_id(article: Article) -> int:
    return article.id


def _story_id(article: Article) -> int:
    return article.story_id or article.id


class Newsroom:
    """Feeds in, articles stored and searchable, key points out, alerts queued."""

    def __init__(self, settings: Settings, *, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._client = client
        # Worker processes start with the ingest code (parsing, extraction, key points) loaded.
        self.run = Executors(processes=settings.workers, warm_modules=("bot.ingest.poller",))
        self.extractor = KeyPointExtractor()
        self.storage: Storage
        self.fetcher: Fetcher
        self.poller: Poller
        self.matcher: AlertMatcher
        self.stories: StoryLister

    # -- life cycle -------------------------------------------------------------------------

    async def open(self, *, add_configured_feeds: bool = True) -> None:
        """Open the database and the HTTP client; follow the feeds named in the settings."""
        s = self.settings
        self.storage = await self.run.db(Storage, s.db_path)
        self.fetcher = Fetcher(
            self._client,
            allow_private=s.allow_private_urls,
            max_bytes=s.max_download_bytes,
            timeout=s.fetch_timeout,
            concurrency=s.fetch_concurrency,
            host_delay=s.fetch_host_delay,
            hosts=HostHealth(s.poll_seconds, schedule.MAX_BACKOFF_SECONDS),
        )
        self.poller = Poller(
            self.storage,
            self.fetcher,
            self.run,
            poll_seconds=s.poll_seconds,
            key_points=s.key_points,
            fetch_timeout=s.fetch_timeout,
            adaptive=s.adaptive_polling,
        )
        self.matcher = await self.run.db(AlertMatcher, self.storage)
        await self.run.db(self.storage.stories.prepare)  # groups an older database's recent news
        self.stories = StoryLister(self.storage)
        if add_configured_feeds:
            await self.run.db(self.storage.feeds.add_configured, s.feeds)

    def database_problem(self) -> str | None:
        """Why the database file at the configured path is not the one open (None: it is)."""
        return self.storage.file_problem()

    async def close(self) -> None:
        """Finish queued work and close everything."""
        await self.fetcher.aclose()
        await self.run.db(self.storage.close)
        self.run.shutdown()

    # -- reading ----------------------------------------------------------------------------

    async def latest(self, count: int = 5, topic: str | None = None) -> list[Article]:
        """The newest articles, optionally only those on a topic (each front end caps `count`)."""
        count = max(1, count)
        if not topic:
            return await self.run.db(self.storage.articles.latest, count)
        parsed = self._topic(topic)
        return await self.run.db(self._latest_on, parsed, count)

    def _latest_on(
        self, topic: Topic, count: int, key: Callable[[Article], int | None] = _article_id
    ) -> list[Article]:
        """FTS5 proposes the newest matches, the topic checks each (FTS5 stems differently);
        stops once the matches have `count` distinct keys (ids, or story ids).

        FTS5 gets the unstemmed words (its porter tokenizer stems them its own way), so it
        proposes a superset; porter and Snowball agree on nearly all words (where they do not,
        e.g. "fairly"/"fair", a match can be missed). Nearly every proposal passes, so the first
        page is only `count` long (checking one costs about as much as finding twenty); later
        pages double.
        """
        found: list[Article] = []
        keys: set[int | None] = set()
        fts, offset, page = to_fts_query(topic), 0, count
        while len(keys) < count and offset < 2000:
            batch = self.storage.articles.latest_matching(fts, page, offset)
            for article in batch:
                if len(keys) < count and topic.matches(article_tokens(article.title, article.text)):
                    found.append(article)
                    keys.add(key(article))
            if len(batch) < page:
                break
            offset += page
            page *= 2
        return found

    async def latest_stories(self, count: int = 5, topic: str | None = None) -> list[Story]:
        """The stories with the newest articles (optionally on a topic), newest first."""
        count = max(1, count)
        if not topic:
            return await self.run.db(self.stories.latest, count)
        parsed = self._topic(topic)

        def on_topic() -> list[Story]:
            found = self._latest_on(parsed, count, _story_id)
            return self.stories.from_articles(found, count)

        return await self.run.db(on_topic)

    async def top_stories(self, count: int = 5, topic: str | None = None) -> list[Story]:
        """The stories of the last 24 hours covered by the most outlets, then the freshest."""
        count = max(1, count)
        parsed = self._topic(topic) if topic else None
        return await self.run.db(self.stories.top, count, parsed)

    async def search_stories(self, query: str, count: int = 5, offset: int = 0) -> list[Story]:
        """Stories of the articles matching `query`, best first, one result per story."""
        fts = _search_query(query)
        return await self.run.db(self.stories.search, fts, max(1, count), offset)

    async def search(self, query: str, count: int = 5, offset: int = 0) -> list[Article]:
        """Articles matching `query`, best first."""
        fts = _search_query(query)
        return await self.run.db(self.storage.articles.search, fts, max(1, count), offset)

    async def article(self, article_id: int) -> Article | None:
        """A stored article by id."""
        return await self.run.db(self.storage.articles.get, article_id)

    async def summarize(
        self,
        target: str,
        points: int | None = None,
        *,
        before_fetch: Callable[[], None] | None = None,
    ) -> Article:
        """The key points of an article given by id or URL (fetched and stored if new).

        `before_fetch` runs just before a new page is fetched (a rate limit may raise there).
        """
        target = target.strip()
        count = points or self.settings.key_points
        if re.fullmatch(r"#?\d{1,18}", target):
            article = await self.article(int(target.lstrip("#")))
            if article is None:
                raise NewsbotError(f"There is no article #{target.lstrip('#')}.")
        elif re.match(r"[a-z][a-z0-9+.-]*://", target, re.IGNORECASE):
            if problem := url_problem(target):
                raise NewsbotError(problem)
            article = await self._article_from_url(target, before_fetch)
        else:
            raise NewsbotError(
                "That is neither a link nor an article number: "
                "give one like https://example.com/story or 42."
            )
        if count != len(article.points) and count != self.settings.key_points:
            article.points = await self.run.cpu(
                self.extractor.key_points, article.title, article.text, article.language, count
            )
        return article

    async def summarize_text(
        self, text: str, title: str = "", points: int | None = None
    ) -> list[str]:
        """Key points of plain text that is not stored."""
        item = FeedItem(title=title, text=text)
        count = points or self.settings.key_points
        return (await self.run.cpu(pipeline.prepare, item, None, count)).points

    async def _article_from_url(
        self, url: str, before_fetch: Callable[[], None] | None = None
    ) -> Article:
        stored = await self.run.db(self.storage.articles.get_by_url, canonical_url(url))
        if stored:
            return stored
        if before_fetch is not None:
            before_fetch()
        try:
            page = await self.fetcher.fetch(url)
            if looks_like_feed(page.body, page.content_type):
                raise NewsbotError("That link is a feed, not an article: follow it as a feed.")
            draft = await self.run.cpu(
                pipeline.read_page, page.body, page.url, self.settings.key_points
            )
        except NotAnArticle as exc:
            raise NewsbotError(f"That page has no article I can read: {exc}.") from None
        except (FetchError, UnsafeURLError, ExtractError) as exc:
            raise NewsbotError(f"I could not read that page: {exc}") from None
        # A story already stored (e.g. from its feed, under another address) is kept as it is.
        # A new one is cached, but belongs to no feed: it is in no listing and no alert.
        article_id, _ = await self.run.db(
            self.storage.articles.upsert,
            draft.item,
            draft.points,
            url=draft.item.url,
            replace=False,
            origin="page",
            link=published_link(page.url),
        )
        article = await self.article(article_id)
        assert article is not None
        return article

    # -- feeds ------------------------------------------------------------------------------

    async def feeds(self) -> list[Feed]:
        """Every followed feed."""
        return await self.run.db(self.storage.feeds.all)

    async def add_feed(self, url: str) -> tuple[Feed, bool]:
        """Follow a feed after checking that it is one; return it and whether it is new.

        Given a web page instead, follow the first readable feed the page names (its
        <link rel="alternate">); the feed returned then has that feed's address.
        """
        url = url.strip()
        if problem := url_problem(url):
            raise NewsbotError(f"That is not a feed address. {problem}")
        followed = await self.run.db(self._followed, url)
        if followed is not None:
            return followed, False
        try:
            result = await self.fetcher.fetch(url)
        except (FetchError, UnsafeURLError) as exc:
            raise NewsbotError(f"I could not fetch that feed: {exc}") from None
        try:
            parsed = await self._parse_feed(result)
        except FeedParseError:
            named = await self.run.cpu(feed_links, result.body, result.url)
            if not named:
                raise NewsbotError(
                    "That address does not serve an RSS, Atom or JSON feed, "
                    "and names none on its page."
                ) from None
            url, parsed = await self._first_readable_feed(named[:MAX_FEEDS_TRIED])
        return await self.run.db(self._follow, url, parsed.title or None)

    async def _first_readable_feed(self, urls: list[str]) -> tuple[str, ParsedFeed]:
        problem = ""
        for url in urls:
            try:
                return url, await self._parse_feed(await self.fetcher.fetch(url))
            except (FetchError, UnsafeURLError, FeedParseError) as exc:
                problem = problem or str(exc)
        raise NewsbotError(f"That page names a feed, but I could not read it: {problem}")

    async def _parse_feed(self, result: FetchResult) -> ParsedFeed:
        return await self.run.cpu(parse_feed, result.body, result.url, result.content_type)

    async def download(self, url: str) -> bytes:
        """The body at `url` (e.g. an OPML list of feeds), fetched with the usual safety checks."""
        try:
            return (await self.fetcher.fetch(url)).body
        except (FetchError, UnsafeURLError) as exc:
            raise NewsbotError(f"I could not fetch that: {exc}") from None

    async def add_feed_unchecked(self, url: str, title: str | None = None) -> tuple[Feed, bool]:
        """Follow a feed without fetching it first (start-up lists, OPML import)."""
        return await self.run.db(self._follow, url.strip(), title)

    def _followed(self, url: str) -> Feed | None:
        """The followed feed at `url`, or at the same address but for tracking parameters."""
        key = canonical_url(url)
        return next((f for f in self.storage.feeds.all() if canonical_url(f.url) == key), None)

    def _follow(self, url: str, title: str | None) -> tuple[Feed, bool]:
        """Follow a feed unless it is followed already (maybe under a utm_-tagged address)."""
        followed = self._followed(url)
        return (followed, False) if followed else self.storage.feeds.add(url, title)

    async def remove_feed(self, url_or_id: str) -> Feed | None:
        """Stop following a feed given by URL or id; return it, or None if not followed."""
        key = url_or_id.strip()
        store = self.storage.feeds
        if key.isdigit():
            feed = await self.run.db(store.get, int(key))
        else:
            feed = await self.run.db(store.get_by_url, key)
        if feed:
            await self.run.db(store.remove, feed.id)
        return feed

    async def ingest(
        self,
        progress: Callable[[Feed], None] | None = None,
        *,
        only_due: bool = False,
        early: float = 0.0,
    ) -> IngestReport:
        """Poll the feeds (all, or only those due, or due within `early` seconds) and queue
        alerts for new articles.

        A followed address never read that turns out to be a site's page naming its feed
        (e.g. in NEWSBOT_FEEDS) is moved to that feed, which is polled in the same pass.
        """
        if only_due:
            feeds = await self.run.db(self.storage.feeds.due, schedule.at(early))
        else:
            feeds = await self.run.db(self.storage.feeds.all)
        report = await self.poller.poll(feeds, progress)
        failed = {url for url, _ in report.failures}
        retry = [f for f in feeds if f.url in failed and not f.articles]
        found = await asyncio.gather(*(self._move_to_named_feed(f) for f in retry))
        moved = {old.url: new for old, new in zip(retry, found, strict=True) if new is not None}
        if moved:
            again = await self.poller.poll(list(moved.values()))
            report.failures = [f for f in report.failures if f[0] not in moved] + again.failures
            report.feeds_failed += again.feeds_failed - len(moved)
            report.feeds_ok += again.feeds_ok
            report.articles_new += again.articles_new
            report.articles_updated += again.articles_updated
        await self.run.db(self.matcher.match_new)
        return report

    async def _move_to_named_feed(self, feed: Feed) -> Feed | None:
        """If `feed`'s address is a page that names a readable feed, follow that feed instead."""
        try:
            result = await self.fetcher.fetch(feed.url)
            if looks_like_feed(result.body, result.content_type):
                return None
            named = await self.run.cpu(feed_links, result.body, result.url)
            if not named:
                return None
            url, parsed = await self._first_readable_feed(named[:MAX_FEEDS_TRIED])
        except (FetchError, UnsafeURLError, NewsbotError):
            return None
        return await self.run.db(self.storage.feeds.move, feed.id, url, parsed.title or None)

    # -- daily digests ----------------------------------------------------------------------

    async def set_digest(self, chat_id: int, at: str, zone: str | None) -> DigestSetting:
        """Send the chat a daily digest at `at` ("07:30") in `zone` (None: the zone it had,
        else UTC); raises NewsbotError for a time or zone that does not exist."""
        match = re.fullmatch(r"([01]?\d|2[0-3])[:.h]([0-5]\d)", at.strip())
        if match is None:
            raise NewsbotError(f"{at} is not a time of day: give hours and minutes, e.g. 07:30.")
        store = self.storage.digests
        if zone is None:
            old = await self.run.db(store.get, chat_id)
            zone = old.zone if old else "UTC"
        try:
            zone = ZoneInfo(zone.strip()).key
        except (ZoneInfoNotFoundError, ValueError):
            raise NewsbotError(
                f"I don't know the time zone {zone}: use a name like Europe/Berlin or UTC."
            ) from None
        time_of_day = f"{int(match[1]):02d}:{match[2]}"
        return await self.run.db(store.set, chat_id, time_of_day, zone)

    async def digest_off(self, chat_id: int) -> bool:
        """Stop the chat's daily digest; whether it was on."""
        return await self.run.db(self.storage.digests.off, chat_id)

    async def digest_setting(self, chat_id: int) -> DigestSetting | None:
        return await self.run.db(self.storage.digests.get, chat_id)

    async def queue_digests(self, now: datetime) -> int:
        """Queue every digest due at `now` that was not queued today; return how many."""
        return await self.run.db(self._queue_digests, now)

    def _queue_digests(self, now: datetime) -> int:
        queued = 0
        store = self.storage.digests
        for setting in store.active():
            day = setting.due_day(now)
            if day is None or store.has_run(setting.chat_id, day):
                continue
            topics = [sub.topic for sub in self.storage.subscriptions.for_chat(setting.chat_id)]
            story_ids = [story.id for story in self._digest_stories(topics, now)]
            queued += store.queue(setting.chat_id, day, story_ids)
        return queued

    def _digest_stories(self, topics: list[str], now: datetime) -> list[Story]:
        """The day's top stories on any of `topics` (all of them when there is none)."""
        if not topics:
            return self.stories.top(DIGEST_STORIES, None, now)
        per_topic = []
        for text in topics:
            try:
                per_topic.append(self.stories.top(DIGEST_STORIES, parse_topic(text), now))
            except TopicError:
                continue
        found: dict[int, Story] = {}
        for rank in range(DIGEST_STORIES):  # each topic's best first, then each one's second
            for stories in per_topic:
                if rank < len(stories):
                    found.setdefault(stories[rank].id, stories[rank])
        return list(found.values())[:DIGEST_STORIES]

    async def pending_digests(self) -> list[tuple[DigestRun, list[Story]]]:
        """Queued digests with their stories, oldest first."""

        def load() -> list[tuple[DigestRun, list[Story]]]:
            return [
                (run, self.stories.stories(run.story_ids)) for run in self.storage.digests.pending()
            ]

        return await self.run.db(load)

    async def digest_sent(self, run: DigestRun) -> None:
        await self.run.db(self.storage.digests.sent, run.id)

    async def digest_failed(self, run: DigestRun, error: str, *, chat_gone: bool = False) -> None:
        """Count a failed send; a chat that is gone gets no more digests."""

        def failed() -> None:
            with self.storage.write():
                self.storage.digests.failed(run, error, final=chat_gone)
                if chat_gone:
                    self.storage.digests.off(run.chat_id)

        await self.run.db(failed)

    # -- subscriptions ----------------------------------------------------------------------

    def _topic(self, text: str) -> Topic:
        try:
            return parse_topic(text)
        except TopicError as exc:
            raise NewsbotError(str(exc)) from None

    async def subscribe(
        self, chat_id: int, topic: str, chat_type: str = "private", title: str | None = None
    ) -> tuple[Subscription, bool, list[Article]]:
        """Subscribe a chat to a topic; return it, whether it is new, and 3 recent matches.

        The topic is kept as typed; one equal to a subscription the chat has (the same
        words in another order or spelling) is that subscription.
        """
        parsed = self._topic(topic)
        cap = self.settings.max_subscriptions

        def add() -> tuple[Subscription, bool]:
            with self.storage.write():
                existing = self.storage.subscriptions.for_chat(chat_id)
                same = next((s for s in existing if _same_topic(s.topic, parsed)), None)
                if same is not None:
                    return same, False
                self.storage.subscriptions.ensure_chat(chat_id, chat_type, title)
                since = self.storage.articles.max_id()
                sub, new = self.storage.subscriptions.add(chat_id, parsed.text, since, limit=cap)
            if new:
                self.matcher.add(sub)
            return sub, new

        try:
            sub, new = await self.run.db(add)
        except SubscriptionLimitError:
            raise NewsbotError(
                f"This chat already has {cap} subscriptions, the most allowed. "
                "Remove one with /unsubscribe first."
            ) from None
        preview = await self.latest(3, sub.topic)
        return sub, new, preview

    async def subscriptions(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, in the order users number them."""
        return await self.run.db(self.storage.subscriptions.for_chat, chat_id)

    async def unsubscribe(self, chat_id: int, what: str) -> list[Subscription]:
        """Remove subscriptions by topic, list numbers ("1 3"), ids ("#12") or "all".

        Return those removed; nothing is removed when any number or id is wrong.
        """
        subs = await self.subscriptions(chat_id)
        what = " ".join(what.split())
        if not subs:
            raise NewsbotError("This chat has no subscriptions.")
        keys = what.replace(",", " ").split()
        if what.casefold() == "all":
            chosen = subs
        elif keys and all(re.fullmatch(r"#?\d{1,18}", key) for key in keys):
            chosen = [self._numbered(subs, key) for key in dict.fromkeys(keys)]
        else:
            parsed = self._topic(what)
            chosen = [s for s in subs if _same_topic(s.topic, parsed)]
            if not chosen:
                raise NewsbotError(f"This chat is not subscribed to {what}; see /subscriptions.")
        chosen = list({s.id: s for s in chosen}.values())

        def remove() -> None:
            self.storage.subscriptions.remove(chat_id, [s.id for s in chosen])
            for s in chosen:
                self.matcher.remove(s.id)

        await self.run.db(remove)
        return chosen

    @staticmethod
    def _numbered(subs: list[Subscription], key: str) -> Subscription:
        """The subscription a list number ("2") or an id ("#12") names."""
        if key.startswith("#"):
            found = next((s for s in subs if s.id == int(key[1:])), None)
            if found is None:
                raise NewsbotError(f"This chat has no subscription {key}; see /subscriptions.")
            return found
        number = int(key)
        if not 1 <= number <= len(subs):
            raise NewsbotError(f"There is no subscription number {number}; see /subscriptions.")
        return subs[number - 1]

    # -- alerts -----------------------------------------------------------------------------

    async def match_alerts(self) -> int:
        """Queue alerts for articles stored since the last match (e.g. by another process)."""
        return await self.run.db(self.matcher.match_new)

    async def pending_alerts(
        self, chats: int, per_digest: int, per_topic: int, exclude: Collection[int] = ()
    ) -> list[AlertBatch]:
        """Due alerts, one digest's worth per chat, the chat that has waited longest first
        (chats in `exclude` left out; see Outbox.due).

        A digest takes a chat's oldest alerts topic by topic, at most `per_topic` of each
        and `per_digest` in all; the rest of a topic's due alerts are folded into it (shown
        as "and N more", opened with a button). Topics that do not fit wait for the next.
        """

        def load() -> list[AlertBatch]:
            batches: list[AlertBatch] = []
            due = self.storage.outbox.due(chats, FOLD_LOOKAHEAD, exclude)
            for chat_id, group in itertools.groupby(due, key=lambda d: d.chat_id):
                by_topic: dict[int, list[Delivery]] = {}
                for delivery in group:
                    by_topic.setdefault(delivery.subscription_id, []).append(delivery)
                batch = AlertBatch(chat_id, [], [])
                for sub_id, deliveries in by_topic.items():
                    shown = deliveries[:per_topic]
                    if batch.deliveries and len(batch.deliveries) + len(shown) > per_digest:
                        break
                    self._add_shown(batch, sub_id, shown)
                    batch.folded += deliveries[per_topic:]
                if batch.deliveries:
                    batches.append(batch)
            return batches

        return await self.run.db(load)

    def _add_shown(self, batch: AlertBatch, sub_id: int, deliveries: list[Delivery]) -> None:
        sub = self.storage.subscriptions.get(sub_id)
        for delivery in deliveries:
            article = self.storage.articles.get(delivery.article_id)
            if article is None or sub is None:
                self.storage.outbox.mark_failed([delivery.id], "article or subscription gone")
                continue
            batch.deliveries.append(delivery)
            batch.articles.append(article)

    async def unfold(self, chat_id: int, sub_id: int, count: int) -> tuple[list[Article], int]:
        """The next `count` alerts folded into a digest of this chat's subscription (marked
        sent), and how many stay folded."""

        def take() -> tuple[list[Article], int]:
            ids, left = self.storage.outbox.folded(chat_id, sub_id, count)
            articles = [a for a in map(self.storage.articles.get, ids) if a is not None]
            return articles, left

        return await self.run.db(take)

    async def alerts_sent(self, batch: AlertBatch) -> None:
        """Telegram accepted the batch (its folded alerts were counted in it)."""
        await self.run.db(
            self.storage.outbox.mark_sent,
            [d.id for d in batch.deliveries],
            [d.id for d in batch.folded],
        )

    async def alerts_retry(self, batch: AlertBatch, seconds: float, error: str) -> None:
        """Sending failed for now; try again later."""
        await self.run.db(
            self.storage.outbox.retry_later, [d.id for d in batch.deliveries], seconds, error
        )

    async def alerts_failed(self, batch: AlertBatch, error: str) -> None:
        """Sending failed for good (e.g. the message was refused)."""
        await self.run.db(self.storage.outbox.mark_failed, [d.id for d in batch.deliveries], error)

    async def chat_gone(self, chat_id: int, reason: str) -> None:
        """The chat blocked the bot or no longer exists: deactivate its subscriptions."""

        def gone() -> None:
            self.storage.subscriptions.deactivate_chat(chat_id, reason)
            self.matcher.reload()

        await self.run.db(gone)

    async def pause_chat(
        self, chat_id: int, seconds: float, reason: str
    ) -> tuple[bool, str | None]:
        """The bot may not post in the chat: hold its alerts (subscriptions stay). Returns
        whether this is the first time (its admins should be told) and the chat's title."""
        return await self.run.db(self.storage.outbox.pause_chat, chat_id, seconds, reason)

    async def resume_chat(self, chat_id: int) -> bool:
        """The bot may post in the chat again: its held alerts go out; whether it was paused."""
        return await self.run.db(self.storage.outbox.resume_chat, chat_id)

    async def chat_migrated(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: keep its subscriptions under the new id."""

        def migrated() -> None:
            self.storage.subscriptions.migrate_chat(old_id, new_id)
            self.matcher.reload()

        await self.run.db(migrated)

    async def maintain(self) -> RetentionReport:
        """Forget old articles and delivered alerts, checkpoint the WAL (see Retention)."""
        return await self.run.db(self.storage.retention.run, self.settings.retention_days)

    async def stats(self) -> Stats:
        """Counts for the admins."""

        def collect() -> Stats:
            feeds = self.storage.feeds.all()
            failing = [f for f in feeds if not f.healthy]
            subs = self.storage.subscriptions.counts()
            alerts = self.storage.outbox.counts()
            return Stats(
                articles=self.storage.articles.count(),
                feeds_healthy=len(feeds) - len(failing),
                feeds_failing=len(failing),
                chats=subs["chats"],
                subscriptions=subs["subscriptions"],
                alerts_sent=alerts["sent"],
                alerts_pending=alerts["pending"],
                alerts_failed=alerts["failed"],
                failing=failing,
            )

        return await self.run.db(collect)
