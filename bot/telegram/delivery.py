"""The alert delivery job: due alerts go out round-robin across chats, several chats at once.

Each pass loads, for every chat with due alerts, its oldest ones (one digest's worth), the
chat that has waited longest first, and serves them by several concurrent senders: a chat's
next digest waits until its previous one is done and its pace (1 s, a group ~3 s) is over, so a
noisy chat never holds up a quiet one and the bot as a whole runs near Telegram's 30 messages/s
(FloodLimiter paces the requests and pauses all of them on a 429).

An alert is marked sent only after Telegram accepted the message that carries it, so a stop
or crash at any point never loses an alert; the outbox never queues a (chat, article) twice.
When recording an accepted digest fails (the disk is full, say), the digest is kept in memory
as accepted and recording is retried with growing pauses, while nothing new is sent: it is
never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.newsroom import AlertBatch, Newsroom
from bot.telegram.flood import chat_seconds, retry_seconds
from bot.telegram.handlers.subscriptions import alert_button, more_button
from bot.telegram.render import escape, render_digest

log = logging.getLogger(__name__)

DELIVERY_SECONDS = 2.0  # how often the job looks for due alerts when none are being sent
RUN_SECONDS = 10.0  # a run stops taking new digests after this long (the next run goes on)
RELOAD_SECONDS = 0.5  # while sending, due alerts are looked up again this often
CHATS_PER_LOAD = 300  # chats taken from the outbox at once
MAX_PER_DIGEST = 10  # articles in one digest message
MAX_PER_TOPIC = 5  # articles of one topic in a digest; the rest: "and N more" with a button
CONCURRENT_SENDS = 16  # digests being sent at once (FloodLimiter paces the requests)
FIRST_BACKOFF_SECONDS = 15.0
MAX_BACKOFF_SECONDS = 3600.0
RECORD_BACKOFF_SECONDS = (1.0, 60.0)  # first and longest pause when recording a send fails
MAX_ATTEMPTS = 12  # then a temporary failure is taken as permanent
CHAT_GONE_ERRORS = ("chat not found", "group chat was deactivated", "peer_id_invalid")
# The bot is in the chat but may not post (an admin took the right away): pause, not gone.
NO_RIGHTS_ERRORS = ("not enough rights", "have no rights", "chat_write_forbidden")
RIGHTS_PAUSE_SECONDS = 6 * 3600  # a paused chat is tried again after this (or when rights return)
NO_RIGHTS_NOTICE = (
    "I can't post in {title}: I'm not allowed to send messages there. Its topic alerts are "
    "paused, and none are lost: give me the right to send messages (or make me an admin) and "
    "they'll arrive."
)


@dataclass(slots=True)
class DeliveryReport:
    """What one delivery run did, counted in alerts (one article for one chat)."""

    sent: int = 0
    messages: int = 0
    retrying: int = 0
    failed: int = 0
    chats_gone: int = 0
    chats_paused: int = 0  # groups where the bot may not post (alerts held, admins told)
    unrecorded: int = 0  # accepted by Telegram, not yet recorded as sent (storage failing)


@dataclass(slots=True)
class _Digest:
    """Part of a chat's alerts that goes out as one message (two if one article is huge)."""

    alerts: AlertBatch
    messages: list[str]
    keyboard: InlineKeyboardMarkup | None


class AlertDelivery:
    """Sends due alerts; one run at a time, one digest per chat at a time, so no alert is
    ever handed to Telegram twice."""

    def __init__(self, newsroom: Newsroom) -> None:
        self.newsroom = newsroom
        self._lock = asyncio.Lock()
        self._ready_at: dict[int, float] = {}  # event-loop time a chat may get its next digest
        self._unrecorded: list[AlertBatch] = []  # accepted by Telegram, not recorded yet
        self._record_backoff = 0.0
        self._record_at = 0.0  # when to try recording them again

    @property
    def busy(self) -> bool:
        """Whether a run is going on."""
        return self._lock.locked()

    async def run(self, bot: Bot) -> DeliveryReport:
        """Queue alerts for newly stored articles, then send due alerts until none are left
        (or RUN_SECONDS have passed)."""
        async with self._lock:
            report = DeliveryReport()
            loop = asyncio.get_running_loop()
            stop_loading = loop.time() + RUN_SECONDS
            gate = asyncio.Semaphore(CONCURRENT_SENDS)
            serving: dict[int, asyncio.Task[None]] = {}
            loaded_at = -RELOAD_SECONDS
            try:
                while True:
                    now = loop.time()
                    if now < stop_loading and (not serving or now - loaded_at >= RELOAD_SECONDS):
                        if not await self._record(report):
                            break
                        loaded_at = now
                        await self.newsroom.match_alerts()
                        for batch in await self.newsroom.pending_alerts(
                            CHATS_PER_LOAD, MAX_PER_DIGEST, MAX_PER_TOPIC, exclude=serving
                        ):
                            serving[batch.chat_id] = asyncio.create_task(
                                self._serve(bot, batch, gate, report)
                            )
                    if not serving:
                        break
                    done, _ = await asyncio.wait(
                        serving.values(),
                        timeout=RELOAD_SECONDS,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    _finished(serving, done)
            finally:
                for task in serving.values():  # only when the run itself is cancelled
                    task.cancel()
            report.unrecorded = sum(len(b.deliveries) for b in self._unrecorded)
            if report.messages or report.retrying or report.failed or report.unrecorded:
                log.info("Alert delivery: %s", report)
            return report

    async def _record(self, report: DeliveryReport) -> bool:
        """Record digests Telegram accepted but storage did not take; False while it fails."""
        if not self._unrecorded:
            return True
        loop = asyncio.get_running_loop()
        if loop.time() < self._record_at:
            return False
        while self._unrecorded:
            batch = self._unrecorded[0]
            try:
                await self.newsroom.alerts_sent(batch)
            except Exception as exc:
                self._storage_failed(exc)
                return False
            self._unrecorded.pop(0)
        self._record_backoff = 0.0
        return True

    def _storage_failed(self, exc: Exception) -> None:
        first, longest = RECORD_BACKOFF_SECONDS
        self._record_backoff = min(self._record_backoff * 2, longest) if self._unrecorded else first
        self._record_at = asyncio.get_running_loop().time() + self._record_backoff
        log.warning(
            "Could not record delivered alerts (%s): trying again in %.0f s, sending nothing "
            "new meanwhile",
            exc,
            self._record_backoff,
        )

    async def _serve(
        self, bot: Bot, batch: AlertBatch, gate: asyncio.Semaphore, report: DeliveryReport
    ) -> None:
        """Wait for the chat's pace, then send its digest(s) with one of the senders."""
        loop = asyncio.get_running_loop()
        wait = self._ready_at.get(batch.chat_id, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        async with gate:
            if self._unrecorded:  # storage is failing: send nothing until it records again
                return
            sent = await self._deliver(bot, batch, report)
        self._ready_at[batch.chat_id] = loop.time() + sent * chat_seconds(batch.chat_id)
        if len(self._ready_at) > 4 * CHATS_PER_LOAD:
            now = loop.time()
            self._ready_at = {c: t for c, t in self._ready_at.items() if t > now}

    async def _deliver(self, bot: Bot, batch: AlertBatch, report: DeliveryReport) -> int:
        """Send one chat its digests in order, stopping at the first temporary failure;
        return how many messages Telegram accepted."""
        topics = {sub.id: sub.topic for sub in await self.newsroom.subscriptions(batch.chat_id)}
        digests = _digests(batch, topics)
        accepted = 0
        for index, digest in enumerate(digests):
            alerts = digest.alerts
            try:
                await self._send(bot, digest)
            except RetryAfter as exc:
                await self._retry(_rest(digests, index), retry_seconds(exc), exc, report)
                break
            except (Forbidden, BadRequest) as exc:
                problem = exc.message.lower()
                if any(text in problem for text in NO_RIGHTS_ERRORS):
                    await self._pause(bot, alerts.chat_id, exc, report)
                    break
                if isinstance(exc, Forbidden) or any(t in problem for t in CHAT_GONE_ERRORS):
                    await self._gone(alerts.chat_id, exc, report)
                    break
                log.warning("Telegram refused an alert for chat %s: %s", alerts.chat_id, exc)
                await self.newsroom.alerts_failed(alerts, f"refused: {exc.message}")
                report.failed += len(alerts.deliveries)
                continue
            except Exception as exc:  # NetworkError, TimedOut, or a bug: try again later
                log.warning("Alert delivery to %s failed", alerts.chat_id, exc_info=exc)
                await self._retry(_rest(digests, index), _backoff(alerts), exc, report)
                break
            accepted += len(digest.messages)
            report.sent += len(alerts.deliveries)
            report.messages += len(digest.messages)
            try:
                await self.newsroom.alerts_sent(alerts)
            except Exception as exc:  # kept as accepted, recorded later, never sent again
                if not self._unrecorded:  # the first failure of many concurrent ones
                    self._storage_failed(exc)
                self._unrecorded.append(alerts)
                break
        return accepted

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

    async def _pause(self, bot: Bot, chat_id: int, exc: Exception, report: DeliveryReport) -> None:
        """Hold the chat's alerts; the first time, tell its admins privately why."""
        log.info("Chat %s lets the bot not post (%s): its alerts are paused", chat_id, exc)
        report.chats_paused += 1
        first, title = await self.newsroom.pause_chat(chat_id, RIGHTS_PAUSE_SECONDS, str(exc))
        if first:
            await _tell_admins(bot, chat_id, f"“{title}”" if title else "your group")

    async def _gone(self, chat_id: int, exc: Exception, report: DeliveryReport) -> None:
        log.info("Chat %s is gone (%s): its subscriptions stop", chat_id, exc)
        await self.newsroom.chat_gone(chat_id, str(exc))
        report.chats_gone += 1


async def deliver_alerts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: one delivery run (the job's data is the AlertDelivery), unless one
    is still going on (a run lasts while alerts are due; the scheduler would log each tick
    it skipped, so the job may start twice and the second returns at once)."""
    assert context.job is not None and isinstance(context.job.data, AlertDelivery)
    if not context.job.data.busy:
        await context.job.data.run(context.bot)


async def _tell_admins(bot: Bot, chat_id: int, title: str) -> None:
    """Send each human admin of the chat the notice (those who never started the bot and
    so cannot be messaged are skipped)."""
    try:
        admins = await bot.get_chat_administrators(chat_id)
    except TelegramError as exc:
        log.info("Could not list the admins of chat %s: %s", chat_id, exc)
        return
    for admin in admins:
        if admin.user.is_bot:
            continue
        with contextlib.suppress(TelegramError):  # this admin never started the bot
            await bot.send_message(admin.user.id, escape(NO_RIGHTS_NOTICE.format(title=title)))


def _finished(serving: dict[int, asyncio.Task[None]], done: set[asyncio.Task[None]]) -> None:
    """Forget the chats whose task is done, logging a task that failed (pending stays)."""
    for chat_id, task in list(serving.items()):
        if task in done:
            del serving[chat_id]
            if not task.cancelled() and (exc := task.exception()) is not None:
                log.error("Alert delivery to %s failed", chat_id, exc_info=exc)


def _digests(batch: AlertBatch, topics: dict[int, str]) -> list[_Digest]:
    """Cut a chat's alerts into digests that each fit one message (up to MAX_PER_DIGEST);
    the last one also says how many more each topic has, with a button to see them."""
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
    last = end == len(batch.articles)
    folded = batch.folded if last else []
    more = Counter(d.subscription_id for d in folded if d.subscription_id in topics)
    sub_ids = [sid for sid in dict.fromkeys(d.subscription_id for d in deliveries) if sid in topics]
    names = [topics[sid] for sid in sub_ids]
    alerts = AlertBatch(batch.chat_id, deliveries, articles, folded)
    buttons = [[alert_button(sid, topics[sid])] for sid in sub_ids]
    buttons += [[more_button(sid, topics[sid], n)] for sid, n in more.items()]
    messages = render_digest(
        ", ".join(names) or "your topics",
        articles,
        more={topics[sid]: n for sid, n in more.items()},
    )
    return _Digest(alerts, messages, InlineKeyboardMarkup(buttons) if buttons else None)


def _rest(digests: list[_Digest], index: int) -> AlertBatch:
    """The alerts of digests[index:] as one batch (all of them wait for the next try)."""
    first = digests[index].alerts
    rest = AlertBatch(first.chat_id, [], [])
    for digest in digests[index:]:
        rest.deliveries += digest.alerts.deliveries
        rest.articles += digest.alerts.articles
    return rest


def _backoff(alerts: AlertBatch) -> float:
    attempts = max(d.attempts for d in alerts.deliveries)
    return min(FIRST_BACKOFF_SECONDS * 2**attempts, MAX_BACKOFF_SECONDS)
