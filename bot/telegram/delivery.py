"""The alert delivery job: send each chat one digest of its pending topic alerts.

An alert is marked sent only after Telegram accepted the message that carries it, so a stop
or crash at any point never loses an alert; the outbox never queues a (chat, article) twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.ext import ContextTypes

from bot.newsroom import AlertBatch, Newsroom
from bot.telegram.handlers.subscriptions import alert_button
from bot.telegram.render import render_digest

log = logging.getLogger(__name__)

DELIVERY_SECONDS = 5.0  # how often the job looks for due alerts
MAX_PER_DIGEST = 10  # articles in one digest message
CONCURRENT_CHATS = 8  # chats served at once (AIORateLimiter paces the actual requests)
FIRST_BACKOFF_SECONDS = 15.0
MAX_BACKOFF_SECONDS = 3600.0
MAX_ATTEMPTS = 12  # then a temporary failure is taken as permanent
CHAT_GONE_ERRORS = ("chat not found", "group chat was deactivated", "peer_id_invalid")


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery run did, counted in alerts (one article for one chat)."""

    sent: int = 0
    messages: int = 0
    retrying: int = 0
    failed: int = 0
    chats_gone: int = 0


@dataclass(slots=True)
class _Digest:
    """Part of a chat's alerts that goes out as one message (two if one article is huge)."""

    alerts: AlertBatch
    messages: list[str]
    keyboard: InlineKeyboardMarkup | None


class AlertDelivery:
    """Sends due alerts; one run at a time, so no alert is ever handed to Telegram twice."""

    def __init__(self, newsroom: Newsroom) -> None:
        self.newsroom = newsroom
        self._lock = asyncio.Lock()

    async def run(self, bot: Bot) -> DeliveryReport:
        """Queue alerts for newly stored articles, then send every chat its due alerts."""
        async with self._lock:
            report = DeliveryReport()
            await self.newsroom.match_alerts()
            batches = await self.newsroom.pending_alerts()
            gate = asyncio.Semaphore(CONCURRENT_CHATS)

            async def one(batch: AlertBatch) -> None:
                async with gate:
                    await self._deliver(bot, batch, report)

            outcomes = await asyncio.gather(*(one(b) for b in batches), return_exceptions=True)
            for batch, outcome in zip(batches, outcomes, strict=True):
                if isinstance(outcome, Exception):  # e.g. the database failed: pending stays
                    log.error("Alert delivery to %s failed", batch.chat_id, exc_info=outcome)
            if batches:
                log.info("Alert delivery: %s", report)
            return report

    async def _deliver(self, bot: Bot, batch: AlertBatch, report: DeliveryReport) -> None:
        """Send one chat its digests in order, stopping at the first temporary failure."""
        topics = {sub.id: sub.topic for sub in await self.newsroom.subscriptions(batch.chat_id)}
        digests = _digests(batch, topics)
        for index, digest in enumerate(digests):
            alerts = digest.alerts
            try:
                await self._send(bot, digest)
            except RetryAfter as exc:
                await self._retry(_rest(digests, index), _seconds(exc.retry_after), exc, report)
                return
            except Forbidden as exc:
                await self._gone(alerts.chat_id, exc, report)
                return
            except BadRequest as exc:
                if any(text in exc.message.lower() for text in CHAT_GONE_ERRORS):
                    await self._gone(alerts.chat_id, exc, report)
                    return
                log.warning("Telegram refused an alert for chat %s: %s", alerts.chat_id, exc)
                await self.newsroom.alerts_failed(alerts, f"refused: {exc.message}")
                report.failed += len(alerts.deliveries)
                continue
            except Exception as exc:  # NetworkError, TimedOut, or a bug: try again later
                log.warning("Alert delivery to %s failed", alerts.chat_id, exc_info=exc)
                await self._retry(_rest(digests, index), _backoff(alerts), exc, report)
                return
            await self.newsroom.alerts_sent(alerts)
            report.sent += len(alerts.deliveries)
            report.messages += len(digest.messages)

    async def _send(self, bot: Bot, digest: _Digest) -> None:
        """Send a digest's messages; follow the chat once if it became a supergroup."""
        for attempt in (1, 2):
            try:
                for number, text in enumerate(digest.messages, start=1):
                    last = number == len(digest.messages)
                    await bot.send_message(
                        digest.alerts.chat_id, text, reply_markup=digest.keyboard if last else None
                    )
                return
            except ChatMigrated as exc:
                if attempt == 2:
                    raise
                old, new = digest.alerts.chat_id, exc.new_chat_id
                log.info("Chat %s became supergroup %s: resending there", old, new)
                await self.newsroom.chat_migrated(old, new)
                digest.alerts.chat_id = new

    async def _retry(
        self, alerts: AlertBatch, seconds: float, exc: Exception, report: DeliveryReport
    ) -> None:
        if max(d.attempts for d in alerts.deliveries) + 1 >= MAX_ATTEMPTS:
            await self.newsroom.alerts_failed(alerts, f"gave up: {exc}")
            report.failed += len(alerts.deliveries)
            return
        await self.newsroom.alerts_retry(alerts, seconds, str(exc) or type(exc).__name__)
        report.retrying += len(alerts.deliveries)

    async def _gone(self, chat_id: int, exc: Exception, report: DeliveryReport) -> None:
        log.info("Chat %s is gone (%s): its subscriptions stop", chat_id, exc)
        await self.newsroom.chat_gone(chat_id, str(exc))
        report.chats_gone += 1


async def deliver_alerts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: one delivery run (the job's data is the AlertDelivery)."""
    assert context.job is not None and isinstance(context.job.data, AlertDelivery)
    await context.job.data.run(context.bot)


def _digests(batch: AlertBatch, topics: dict[int, str]) -> list[_Digest]:
    """Cut a chat's alerts into digests that each fit one message (up to MAX_PER_DIGEST)."""
    digests: list[_Digest] = []
    start, total = 0, len(batch.articles)
    while start < total:
        end = start + 1
        digest = _digest(batch, start, end, topics)
        while end < total and end - start < MAX_PER_DIGEST:
            bigger = _digest(batch, start, end + 1, topics)
            if len(bigger.messages) > 1:
                break
            end, digest = end + 1, bigger
        digests.append(digest)
        start = end
    return digests


def _digest(batch: AlertBatch, start: int, end: int, topics: dict[int, str]) -> _Digest:
    deliveries = batch.deliveries[start:end]
    articles = batch.articles[start:end]
    sub_ids = [sid for sid in dict.fromkeys(d.subscription_id for d in deliveries) if sid in topics]
    names = [topics[sid] for sid in sub_ids]
    alerts = AlertBatch(batch.chat_id, deliveries, articles, names)
    buttons = [[alert_button(sid, topics[sid])] for sid in sub_ids]
    messages = render_digest(", ".join(names) or "your topics", articles)
    return _Digest(alerts, messages, InlineKeyboardMarkup(buttons) if buttons else None)


def _rest(digests: list[_Digest], index: int) -> AlertBatch:
    """The alerts of digests[index:] as one batch (all of them wait for the next try)."""
    first = digests[index].alerts
    rest = AlertBatch(first.chat_id, [], [], [])
    for digest in digests[index:]:
        rest.deliveries += digest.alerts.deliveries
        rest.articles += digest.alerts.articles
    return rest


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


def _backoff(alerts: AlertBatch) -> float:
    attempts = max(d.attempts for d in alerts.deliveries)
    return min(FIRST_BACKOFF_SECONDS * 2**attempts, MAX_BACKOFF_SECONDS)
