"""One ingest pass: poll feeds concurrently, store new and changed articles with key points.

Parsing, page extraction and key points run in worker processes (Executors.parallel), so a
pass uses every core; each feed's articles are stored in one transaction. A feed's pages have
a deadline (PAGES_DEADLINE_TIMEOUTS fetch timeouts from when the feed came in): pages not
downloaded by then keep their teasers, so a slow host never holds a feed for long; and a feed
still being polled is skipped by the passes that start meanwhile, so it never delays the
others. A feed's first poll reads the pages of only its
FIRST_POLL_PAGES newest teasers; podcast episodes and links to files are never fetched as pages.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.executors import Executors
from bot.ingest import pipeline, schedule
from bot.ingest.feeds import FeedParseError, parse_feed
from bot.ingest.fetcher import Fetcher, FetchError, FetchResult
from bot.ingest.pages import ExtractError
from bot.ingest.urls import canonical_url, looks_like_page, published_link
from bot.models import FeedItem, ParsedFeed
from bot.storage import Feed, Storage
from bot.storage.articles import content_hash

log = logging.getLogger(__name__)

FIRST_POLL_PAGES = 20  # pages read in a feed's first poll (its newest teasers); others keep teasers
PAGES_DEADLINE_TIMEOUTS = 10  # a feed's pages are read for at most this many fetch timeouts


@dataclass(slots=True)
class IngestReport:
    """What one pass did."""

    feeds_ok: int = 0
    feeds_failed: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (feed URL, error)

    def summary(self) -> str:
        """The one line `newsbot ingest` ends with."""
        return (
            f"feeds: {self.feeds_ok} ok, {self.feeds_failed} failed; "
            f"articles: {self.articles_new} new, {self.articles_updated} updated"
        )


def _parse(body: bytes, url: str, content_type: str) -> ParsedFeed:
    """The feed, each item's text as it is stored (`pipeline.stored_text`, so that an unchanged
    item is recognised as stored), and each item with neither guid nor link identified by its
    content (else each poll would store it anew).
    """
    parsed = parse_feed(body, url, content_type)
    for item in parsed.items:
        item.text = pipeline.stored_text(item.text)
        if not item.guid and not item.url:
            item.guid = "content:" + content_hash(item.title, item.text)
    return parsed


@dataclass(slots=True)
class _Prepared:
    item: FeedItem
    url: str | None
    points: list[str] = field(default_factory=list)
    scored: bool = False  # the points are computed


class Poller:
    """Fetches feeds, extracts teaser articles' pages, computes key points, stores the result."""

    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        executors: Executors,
        *,
        poll_seconds: float,
        key_points: int,
        fetch_timeout: float = 20.0,
        adaptive: bool = False,
    ) -> None:
        self.storage = storage
        self.fetcher = fetcher
        self.run = executors
        self.poll_seconds = poll_seconds
        self.key_points = key_points
        self.pages_deadline = fetch_timeout * PAGES_DEADLINE_TIMEOUTS
        self.adaptive = adaptive
        self._in_flight: set[int] = set()  # feeds being polled (by an earlier, slow pass)

    async def poll(
        self, feeds: list[Feed], progress: Callable[[Feed], None] | None = None
    ) -> IngestReport:
        """Poll `feeds` concurrently; a failing feed is recorded and never stops the others.
        A feed still being polled by an earlier pass is left to that pass."""
        report = IngestReport()

        async def one(feed: Feed) -> None:
            self._in_flight.add(feed.id)
            started = datetime.now(UTC)
            try:
                await self._poll_feed(feed, started, report)
                report.feeds_ok += 1
            except (FetchError, FeedParseError) as exc:
                await self._failed(feed, started, exc, report)
            except Exception as exc:  # a bug must not stop the other feeds
                log.exception("unexpected error polling %s", feed.url)
                await self._failed(feed, started, exc, report)
            finally:
                self._in_flight.discard(feed.id)
                if progress:
                    progress(feed)

        await asyncio.gather(*(one(feed) for feed in feeds if feed.id not in self._in_flight))
        return report

    async def _failed(
        self, feed: Feed, started: datetime, exc: Exception, report: IngestReport
    ) -> None:
        error = (
            str(exc)
            if isinstance(exc, FetchError | FeedParseError)
            else (f"internal error: {exc.__class__.__name__}")
        )
        report.feeds_failed += 1
        report.failures.append((feed.url, error))
        asked = None
        if isinstance(exc, FetchError) and exc.status in (429, 503):
            asked = schedule.retry_after(exc.headers, started)
        delay = schedule.failure_delay(self.poll_seconds, feed.failures + 1, asked)
        failures = await self.run.db(
            self.storage.feeds.record_failure,
            feed.id,
            error,
            next_poll_at=schedule.at(delay, started),
        )
        # Said once when a feed starts failing; /sources and /stats tell how long it has.
        level = logging.WARNING if failures == 1 else logging.DEBUG
        log.log(level, "feed %s failed (%d in a row): %s", feed.url, failures, error)

    async def _poll_feed(self, feed: Feed, started: datetime, report: IngestReport) -> None:
        result = await self.fetcher.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified
        )
        deadline = asyncio.get_running_loop().time() + self.pages_deadline
        if result.not_modified:
            await self.run.db(
                self._record_success, feed, started, result, feed.ttl_seconds, "not modified"
            )
            return
        parsed = await self.run.parallel(_parse, result.body, result.url, result.content_type)
        origin = "first_poll" if feed.never_polled else "feed"
        prepared = await self.run.db(self._dedupe, feed.id, parsed.items, origin)
        await self._fill_teasers(self._pages_to_read(feed, prepared), parsed.language, deadline)
        if unscored := [p for p in prepared if not p.scored]:
            drafts = await self.run.parallel(
                pipeline.prepare_all, [p.item for p in unscored], parsed.language, self.key_points
            )
            for p, draft in zip(unscored, drafts, strict=True):
                p.item, p.points = draft.item, draft.points
        new_ids, updated = await self.run.db(self._save, feed.id, prepared, origin)
        report.articles_new += len(new_ids)
        report.articles_updated += updated
        await self.run.db(
            self._record_success,
            feed,
            started,
            result,
            parsed.ttl_seconds,
            f"ok ({len(parsed.items)} items)",
            parsed.title or None,
        )

    def _record_success(
        self,
        feed: Feed,
        started: datetime,
        result: FetchResult,
        ttl_seconds: int | None,
        status: str,
        title: str | None = None,
    ) -> None:
        """Schedule the next poll from when this one started (runs on the db thread)."""
        gap = None
        if self.adaptive:
            gap = schedule.publishing_gap(
                self.storage.feeds.published_dates(feed.id, schedule.ADAPTIVE_SAMPLE)
            )
        interval = schedule.next_interval(
            self.poll_seconds,
            ttl_seconds=ttl_seconds,
            headers=result.headers,
            gap_seconds=gap,
            now=started,
        )
        self.storage.feeds.record_success(
            feed.id,
            status=status,
            next_poll_at=schedule.at(interval, started),
            title=title,
            etag=result.etag,
            last_modified=result.last_modified,
            ttl_seconds=ttl_seconds,
        )

    def _pages_to_read(self, feed: Feed, prepared: list[_Prepared]) -> list[_Prepared]:
        """The teasers whose page is worth fetching: not a podcast episode nor a file, and
        in a feed's first poll only its FIRST_POLL_PAGES newest."""
        wanted = [
            p
            for p in prepared
            if p.item.is_teaser and p.url and not p.item.media and looks_like_page(p.url)
        ]
        if feed.never_polled:  # newest first; undated ones last, in the feed's order
            wanted.sort(key=lambda p: p.item.published or "", reverse=True)
            wanted = wanted[:FIRST_POLL_PAGES]
        return wanted

    async def _fill_teasers(
        self, teasers: list[_Prepared], feed_language: str | None, deadline: float
    ) -> None:
        """Read the teasers' pages; a page not downloaded by the feed's deadline keeps its
        teaser (reading a page downloaded in time is CPU work: it is never cut short)."""
        late = await asyncio.gather(
            *(self._fill_teaser(p, feed_language, deadline) for p in teasers)
        )
        if any(late):
            log.debug("%d pages not downloaded in time: their teasers are kept", sum(late))

    def _dedupe(self, feed_id: int, items: list[FeedItem], origin: str) -> list[_Prepared]:
        """Keep the items that are new, or whose content changed (runs on the db thread)."""
        prepared: list[_Prepared] = []
        seen: set[str] = set()
        for item in items:
            url = canonical_url(item.url) if item.url else None
            key = item.guid or url or item.title
            if key in seen:  # duplicate guid / link inside one feed document
                continue
            seen.add(key)
            if self.storage.articles.was_forgotten(feed_id=feed_id, guid=item.guid, url=url):
                continue  # removed by retention: not news again
            existing = self.storage.articles.find_existing(
                feed_id=feed_id,
                guid=item.guid,
                url=url,
                title=item.title,
                published=item.published,
            )
            if existing and (
                existing.content_hash == content_hash(item.title, item.text)
                or (item.is_teaser and self._filled_from_page(existing.id, item))
            ):
                if existing.origin == "page":  # read for /summary before: now this feed's
                    self.storage.articles.claim(existing.id, feed_id, origin)
                continue
            prepared.append(_Prepared(item, url))
        return prepared

    def _filled_from_page(self, article_id: int, teaser: FeedItem) -> bool:
        """Whether the stored article already holds the page text of this unchanged teaser
        (same title, longer text): its page is then not fetched again at every poll."""
        stored = self.storage.articles.get(article_id)
        return (
            stored is not None
            and stored.title == teaser.title
            and len(stored.text) > len(teaser.text)
        )

    async def _fill_teaser(
        self, prepared: _Prepared, feed_language: str | None, deadline: float
    ) -> bool:
        """The feed carries only a teaser: fetch the page, take its main text, and compute
        the key points while in the worker process. Return whether the page came too late."""
        if not prepared.url:
            return False
        try:
            try:
                async with asyncio.timeout_at(deadline):
                    page = await self.fetcher.fetch(prepared.item.url or prepared.url)
            except TimeoutError:
                return True
            draft = await self.run.parallel(
                pipeline.read_page,
                page.body,
                page.url,
                self.key_points,
                teaser=prepared.item,
                feed_language=feed_language,
            )
        except (FetchError, ExtractError) as exc:
            log.debug("keeping the teaser of %s: %s", prepared.url, exc)
            return False
        except Exception:  # a bug or a crash on one page must not cost the feed its articles
            log.warning(
                "keeping the teaser of %s: reading its page failed", prepared.url, exc_info=True
            )
            return False
        prepared.item, prepared.points, prepared.scored = draft.item, draft.points, True
        return False

    def _save(self, feed_id: int, prepared: list[_Prepared], origin: str) -> tuple[list[int], int]:
        """Store the prepared articles in one transaction (runs on the db thread); return
        the new ids and how many were updated."""
        new_ids: list[int] = []
        updated = 0
        with self.storage.write():
            for p in prepared:  # another feed may have stored a story meanwhile: upsert finds it
                article_id, new = self.storage.articles.upsert(
                    p.item,
                    p.points,
                    url=p.url,
                    feed_id=feed_id,
                    origin=origin,
                    link=published_link(p.item.url) if p.item.url else None,
                )
                if new:
                    new_ids.append(article_id)
                else:
                    updated += 1
        return new_ids, updated
