"""One ingest pass: poll feeds concurrently, store new and changed articles with key points.

Parsing, page extraction and key points run in worker processes (Executors.parallel), so a
pass uses every core; each feed's articles are stored in one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.executors import Executors
from bot.ingest import pipeline
from bot.ingest.feeds import FeedParseError, parse_feed
from bot.ingest.fetcher import Fetcher, FetchError
from bot.ingest.pages import ExtractError, clip_text
from bot.ingest.urls import canonical_url
from bot.models import FeedItem, ParsedFeed
from bot.storage import Feed, Storage
from bot.storage.articles import content_hash

log = logging.getLogger(__name__)


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
    """The feed, each item's text clipped to an article's greatest length, and each item
    with neither guid nor link identified by its content (else each poll would store it anew).
    """
    parsed = parse_feed(body, url, content_type)
    for item in parsed.items:
        item.text = clip_text(item.text)
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
    ) -> None:
        self.storage = storage
        self.fetcher = fetcher
        self.run = executors
        self.poll_seconds = poll_seconds
        self.key_points = key_points

    async def poll(
        self, feeds: list[Feed], progress: Callable[[Feed], None] | None = None
    ) -> IngestReport:
        """Poll `feeds` concurrently; a failing feed is recorded and never stops the others."""
        report = IngestReport()

        async def one(feed: Feed) -> None:
            try:
                await self._poll_feed(feed, report)
                report.feeds_ok += 1
            except (FetchError, FeedParseError) as exc:
                await self._failed(feed, str(exc), report)
            except Exception as exc:  # a bug must not stop the other feeds
                log.exception("unexpected error polling %s", feed.url)
                await self._failed(feed, f"internal error: {exc.__class__.__name__}", report)
            finally:
                if progress:
                    progress(feed)

        await asyncio.gather(*(one(feed) for feed in feeds))
        return report

    async def _failed(self, feed: Feed, error: str, report: IngestReport) -> None:
        report.feeds_failed += 1
        report.failures.append((feed.url, error))
        failures = await self.run.db(
            self.storage.feeds.record_failure, feed.id, error, poll_seconds=self.poll_seconds
        )
        log.warning("feed %s failed (%d in a row): %s", feed.url, failures, error)

    async def _poll_feed(self, feed: Feed, report: IngestReport) -> None:
        result = await self.fetcher.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified
        )
        if result.not_modified:
            await self.run.db(
                self.storage.feeds.record_success,
                feed.id,
                status="not modified",
                poll_seconds=self.poll_seconds,
            )
            return
        parsed = await self.run.parallel(_parse, result.body, result.url, result.content_type)
        prepared = await self.run.db(self._dedupe, feed.id, parsed.items)
        teasers = [p for p in prepared if p.item.is_teaser]
        await asyncio.gather(*(self._fill_teaser(p, parsed.language) for p in teasers))
        if unscored := [p for p in prepared if not p.scored]:
            drafts = await self.run.parallel(
                pipeline.prepare_all, [p.item for p in unscored], parsed.language, self.key_points
            )
            for p, draft in zip(unscored, drafts, strict=True):
                p.item, p.points = draft.item, draft.points
        new_ids, updated = await self.run.db(self._save, feed.id, prepared)
        report.articles_new += len(new_ids)
        report.articles_updated += updated
        await self.run.db(
            self.storage.feeds.record_success,
            feed.id,
            status=f"ok ({len(parsed.items)} items)",
            poll_seconds=self.poll_seconds,
            title=parsed.title or None,
            etag=result.etag,
            last_modified=result.last_modified,
            ttl_seconds=parsed.ttl_seconds,
        )

    def _dedupe(self, feed_id: int, items: list[FeedItem]) -> list[_Prepared]:
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

    async def _fill_teaser(self, prepared: _Prepared, feed_language: str | None) -> None:
        """The feed carries only a teaser: fetch the page, take its main text, and compute
        the key points while in the worker process."""
        if not prepared.url:
            return
        try:
            page = await self.fetcher.fetch(prepared.url)
            draft = await self.run.parallel(
                pipeline.read_page,
                page.body,
                page.url,
                self.key_points,
                teaser=prepared.item,
                feed_language=feed_language,
            )
        except (FetchError, ExtractError) as exc:
            log.info("keeping the teaser of %s: %s", prepared.url, exc)
            return
        except Exception:  # a bug or a crash on one page must not cost the feed its articles
            log.warning(
                "keeping the teaser of %s: reading its page failed", prepared.url, exc_info=True
            )
            return
        prepared.item, prepared.points, prepared.scored = draft.item, draft.points, True

    def _save(self, feed_id: int, prepared: list[_Prepared]) -> tuple[list[int], int]:
        """Store the prepared articles in one transaction (runs on the db thread); return
        the new ids and how many were updated."""
        new_ids: list[int] = []
        updated = 0
        with self.storage.write():
            for p in prepared:  # another feed may have stored a story meanwhile: upsert finds it
                article_id, new = self.storage.articles.upsert(
                    p.item, p.points, url=p.url, feed_id=feed_id
                )
                if new:
                    new_ids.append(article_id)
                else:
                    updated += 1
        return new_ids, updated
