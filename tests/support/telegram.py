"""End-to-end bot fixtures: the real application long-polling a BotAPIEmulator (in process,
through EmulatorRequest), a temp-file SQLite database, and news feeds served by the local HTTP
server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.config import Settings
from bot.newsroom import Newsroom
from bot.telegram.app import DELIVERY_JOB, NewsApplication, build_application
from bot.telegram.delivery import AlertDelivery, DeliveryReport
from bot.telegram.emulator import BotAPIEmulator, Call, EmulatorRequest, inline_buttons
from bot.telegram.handlers.common import NEWSROOM_KEY
from bot.telegram.runner import ALLOWED_UPDATES
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import local_settings, rss_feed, rss_item

TOKEN = "123456:newsbot-test"
BOT_USERNAME = "newsbot_test_bot"
ALICE, BOB, ADMIN = 1001, 1002, 1003  # user ids (and their private chats' ids)
GROUP = -4001  # a basic group
SUPERGROUP = -1001000004001
HANDLED_GROUP = 99  # the handler group of the test's "update handled" marker, after the bot's
WAIT_SECONDS = 15.0

Message = dict[str, Any]

# Stories for the feeds: guid -> (title, paragraphs). Each body has several sentences so
# the key-point extractor has something to choose from.
STORIES: dict[str, tuple[str, list[str]]] = {
    "etf": (
        "Bitcoin price jumps after regulators approve first spot ETF",
        [
            "The price of bitcoin rose by eight percent on Wednesday after regulators approved "
            "the first exchange-traded fund that holds the cryptocurrency directly.",
            "Analysts said the decision opens the market to pension funds and other large "
            "investors that cannot buy bitcoin themselves.",
            "Critics warned that the fund does not make the currency any less volatile, and "
            "that ordinary savers could lose money quickly.",
            "Trading volumes on the main exchanges doubled within an hour of the announcement.",
        ],
    ),
    "missile": (
        "North Korea fires ballistic missile into the sea",
        [
            "North Korea fired a ballistic missile into the sea off its east coast on Tuesday, "
            "the South Korean military said.",
            "The launch came days after joint military exercises by South Korea and the United "
            "States ended in the region.",
            "Japan's coast guard warned ships to stay away from any falling debris.",
            "Pyongyang has tested several new missiles this year despite international sanctions.",
        ],
    ),
    "bridge": (
        "Harbour bridge to close for four weekends of repairs",
        [
            "The harbour bridge will close for four weekends from April so that engineers can "
            "repair its deck, the city council announced on Saturday.",
            "Traffic will be sent through the tunnel while the work is carried out, and extra "
            "ferries will run every twenty minutes.",
            "The council said the repairs could not wait another year after inspectors found "
            "cracks in two of the main steel beams.",
        ],
    ),
}
NEW_STORY = (
    "miners",
    "Bitcoin miners move north in search of cheap hydro power",
    [
        "Bitcoin mining companies are moving their machines to northern towns where "
        "hydroelectric power is cheap and plentiful.",
        "Local councils welcome the new jobs, but residents complain about the constant "
        "noise of the cooling fans.",
        "One company said its electricity bill fell by half after the move.",
    ],
)


def story_item(guid: str, title: str, paragraphs: list[str], date: str | None = None) -> str:
    """One RSS item linking to a page on example.com (dated 6 Feb 2024 unless `date`)."""
    return rss_item(
        title,
        paragraphs,
        link=f"https://news.example.com/{guid}",
        guid=guid,
        date=date or "Tue, 06 Feb 2024 11:30:00 +0000",
    )


def news_feed(extra: Sequence[tuple[str, str, list[str]]] = ()) -> str:
    """The standard stories (from 2024), and any extra ones published ten minutes ago (news
    that may be alerted), as an RSS document."""
    items = [story_item(guid, title, body) for guid, (title, body) in STORIES.items()]
    recent = format_datetime(datetime.now(UTC) - timedelta(minutes=10))
    items += [story_item(guid, title, body, recent) for guid, title, body in extra]
    return rss_feed(items, title="Test Wire")


def bot_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for the bot under test: ADMIN is the bot's admin; generous rate limits."""
    values: dict[str, object] = {
        "telegram_token": TOKEN,
        "admin_ids": frozenset({ADMIN}),
        "user_rate_per_minute": 100,
        "max_subscriptions": 5,
    }
    values.update(overrides)
    return local_settings(tmp_path, **values)


@dataclass(slots=True)
class Outcome:
    """The Bot API calls the bot made while handling one update (or one job run)."""

    calls: list[Call]

    def of(self, method: str) -> list[Call]:
        """The calls of one method."""
        return [call for call in self.calls if call.method == method]

    @property
    def messages(self) -> list[Message]:
        """The messages the bot sent, as Telegram stored them."""
        return [call.result for call in self.of("sendMessage") if call.ok]

    @property
    def texts(self) -> list[str]:
        """The visible text of each sent message."""
        return [message["text"] for message in self.messages]

    @property
    def text(self) -> str:
        """Every sent message's text, in order, as one string."""
        return "\n\n".join(self.texts)

    @property
    def answer(self) -> dict[str, Any]:
        """The parameters of the one answerCallbackQuery call."""
        (call,) = self.of("answerCallbackQuery")
        return call.params

    @property
    def errors(self) -> list[Call]:
        """Calls Telegram refused (other than getUpdates)."""
        return [c for c in self.calls if not c.ok and c.method != "getUpdates"]


class BotHarness:
    """The application built by build_application, polling the emulator like a real bot.

    The scheduler is paused: tests run ingest and delivery themselves, so nothing happens
    behind their back. A handler in a late group marks each update as fully handled.
    """

    def __init__(self, emulator: BotAPIEmulator, settings: Settings, feeds: LocalHTTPServer):
        self.emulator = emulator
        self.settings = settings
        self.feeds = feeds
        self._handled: set[int] = set()
        self._changed = asyncio.Condition()
        self.app: NewsApplication | None = None

    @property
    def application(self) -> NewsApplication:
        assert self.app is not None, "start() the harness first"
        return self.app

    @property
    def newsroom(self) -> Newsroom:
        newsroom: Newsroom = self.application.bot_data[NEWSROOM_KEY]
        return newsroom

    @property
    def delivery(self) -> AlertDelivery:
        """The AlertDelivery the scheduled delivery job runs."""
        (job,) = self.application.job_queue.get_jobs_by_name(DELIVERY_JOB)  # type: ignore[union-attr]
        assert isinstance(job.data, AlertDelivery)
        return job.data

    async def start(self) -> None:
        """Build the application and run it the way run_polling does."""
        app = build_application(self.settings, token=TOKEN, request=EmulatorRequest(self.emulator))
        app.add_handler(TypeHandler(Update, self._mark_handled), group=HANDLED_GROUP)
        await app.initialize()
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)
        await app.updater.start_polling(
            poll_interval=0, timeout=10, allowed_updates=ALLOWED_UPDATES
        )
        await app.start()
        assert app.job_queue is not None
        app.job_queue.scheduler.pause()
        self.app = app

    async def stop(self) -> None:
        """Stop the way run_polling does on SIGTERM."""
        app, self.app = self.app, None
        if app is None:
            return
        assert app.updater is not None and app.post_shutdown is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)

    async def restart(self) -> None:
        """A new application (and Newsroom) on the same database, like a process restart."""
        await self.stop()
        await self.start()

    # -- the user side ----------------------------------------------------------------------

    async def send(
        self,
        text: str,
        *,
        user: int = ALICE,
        chat: int | None = None,
        chat_type: str = "private",
        reply_to: Message | None = None,
    ) -> Outcome:
        """A user writes `text` (in their private chat unless `chat` is given)."""
        return await self._handle(
            lambda: self.emulator.push_message(
                text,
                chat_id=user if chat is None else chat,
                user_id=user,
                chat_type=chat_type,
                username=f"user{user}",
                first_name=f"User {user}",
                reply_to=reply_to,
            )["update_id"]
        )

    async def press(self, message: Message, label: str, *, user: int = ALICE) -> Outcome:
        """A user presses the button labelled `label` (its start) under `message`."""
        now = self.emulator.chats.message(message["chat"]["id"], message["message_id"])
        assert now is not None, "the message is gone"
        buttons = [b for b in inline_buttons(now) if b["text"].startswith(label)]
        assert buttons, f"no button {label!r} in {inline_buttons(now)}"
        data = buttons[0]["callback_data"]
        return await self.press_data(now, data, user=user)

    async def press_data(self, message: Message, data: str, *, user: int = ALICE) -> Outcome:
        """A user presses a button carrying `data` under `message`."""
        return await self._handle(
            lambda: self._last_update_after(
                self.emulator.push_callback(message, data, user_id=user)
            )
        )

    async def inline(self, query: str, *, user: int = ALICE) -> Outcome:
        """A user types `@bot query` somewhere."""
        return await self._handle(
            lambda: self._last_update_after(self.emulator.push_inline_query(query, user_id=user))
        )

    async def push(self, update: dict[str, Any]) -> Outcome:
        """Any update, as Telegram would send it."""
        return await self._handle(lambda: self.emulator.push_update(update)["update_id"])

    async def migrate(self, old_chat: int, new_chat: int) -> Outcome:
        """A group becomes a supergroup (both service messages are handled)."""
        return await self._handle(
            lambda: self.emulator.push_migration(old_chat, new_chat)["update_id"] + 1
        )

    def _last_update_after(self, _: str) -> int:
        return self.emulator.updates.last_id

    async def _handle(self, push: Any) -> Outcome:
        mark = len(self.emulator.calls)
        update_id = push()
        async with asyncio.timeout(WAIT_SECONDS):
            async with self._changed:
                await self._changed.wait_for(lambda: update_id in self._handled)
        return Outcome(self.emulator.calls[mark:])

    async def _mark_handled(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs after the bot's own handlers (and its error handler) are done with an update."""
        async with self._changed:
            self._handled.add(update.update_id)
            self._changed.notify_all()

    # -- feeds and jobs ---------------------------------------------------------------------

    def serve_feed(self, body: str, path: str = "/feed.xml") -> str:
        """Serve an RSS document at `path`; return its URL."""
        return self.feeds.add(path, body, content_type="application/rss+xml")

    async def follow(self, body: str, path: str = "/feed.xml") -> str:
        """Serve a feed, follow it and read it once; return its URL."""
        url = self.serve_feed(body, path)
        await self.newsroom.add_feed_unchecked(url)
        await self.newsroom.ingest()
        return url

    async def deliver(self) -> tuple[DeliveryReport, Outcome]:
        """One run of the alert delivery job's work."""
        mark = len(self.emulator.calls)
        report = await self.delivery.run(self.application.bot)
        return report, Outcome(self.emulator.calls[mark:])


@pytest.fixture
def api() -> BotAPIEmulator:
    """A Bot API emulator (served over HTTP by the `api_server` fixture where needed)."""
    return BotAPIEmulator(bot_username=BOT_USERNAME, valid_token=TOKEN)


@pytest.fixture
def bot_config(tmp_path: Path) -> Settings:
    """The bot's settings for one test (a module overrides it with a fixture of this name)."""
    return bot_settings(tmp_path)


@pytest.fixture
async def harness(
    api: BotAPIEmulator, bot_config: Settings, http_server: LocalHTTPServer
) -> AsyncIterator[BotHarness]:
    """The bot running against the emulator; stopped after the test."""
    bot = BotHarness(api, bot_config, http_server)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
