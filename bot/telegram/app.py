"""Build the Telegram application: settings, rate limiting, every handler, and the two jobs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.newsroom import Newsroom
from bot.telegram.access import RATE_LIMIT_KEY, UserRateLimit
from bot.telegram.delivery import DELIVERY_SECONDS, AlertDelivery, deliver_alerts
from bot.telegram.digests import DIGEST_CHECK_SECONDS, daily_digests
from bot.telegram.flood import FloodLimiter
from bot.telegram.handlers import (
    admin,
    basics,
    chats,
    digest,
    inline,
    news,
    subscriptions,
    summary,
)
from bot.telegram.handlers.common import NEWSROOM_KEY
from bot.telegram.handlers.errors import error_handler

log = logging.getLogger(__name__)

NewsApplication = Application[
    ExtBot[int],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

POLL_JOB = "poll-feeds"
DELIVERY_JOB = "deliver-alerts"
POLL_CHECK_SECONDS = 30  # how often to look for due feeds; each feed is due every poll_seconds
RATE_LIMIT_RETRIES = 3  # FloodLimiter waits out a 429 RetryAfter this many times
# One run of a job at a time; a run missed while the bot was busy happens once, late.
JOB_KWARGS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
# Polling passes may overlap: a pass held up by a slow feed never delays the next one (the
# poller leaves a feed still being polled to the pass polling it).
POLL_JOB_KWARGS = {**JOB_KWARGS, "max_instances": 4}
OPENED_KEY = "newsroom_opened"
FATAL_KEY = "fatal_problem"  # why the bot stopped itself (runner reports it)
DIGEST_JOB = "daily-digests"
WATCH_JOB = "watch-database"
WATCH_SECONDS = 5.0  # how often the database file is checked
MAINTENANCE_JOB = "maintenance"
MAINTENANCE_SECONDS = 3600  # retention and WAL checkpoint, hourly (first a minute after start)


class _CancelledAtStop(logging.Filter):
    """Drops the scheduler's traceback for a job it cancelled because the bot is stopping (a
    tick that came due in the same moment): nothing failed, nothing is lost."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def build_application(
    settings: Settings,
    newsroom: Newsroom | None = None,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
) -> NewsApplication:
    """The bot, ready for run_polling/run_webhook (or initialize/start in tests).

    `request` replaces PTB's HTTP transport (`newsbot chat` and the tests pass the
    emulator's); by default requests go to the configured Bot API URL.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)
    executor_log = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, _CancelledAtStop) for f in executor_log.filters):
        executor_log.addFilter(_CancelledAtStop())
    api_url = settings.telegram_api_base_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(token or settings.telegram_token or "")
        .base_url(api_url)
        .base_file_url(api_url.removesuffix("/bot") + "/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(FloodLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data[NEWSROOM_KEY] = newsroom or Newsroom(settings)
    application.bot_data[RATE_LIMIT_KEY] = UserRateLimit(settings.user_rate_per_minute)
    add_handlers(application)
    return application


def add_handlers(application: NewsApplication) -> None:
    """Every handler. Within a group PTB runs the first that matches, so the order matters."""
    new_only = filters.UpdateType.MESSAGE  # editing a message does not run it again
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & new_only

    # 1. A group upgraded to a supergroup, the bot blocked or removed: keep the data right.
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrated))
    application.add_handler(ChatMemberHandler(chats.membership, ChatMemberHandler.MY_CHAT_MEMBER))

    # 2. Commands (also /cmd@BotName in groups; CommandHandler checks the name).
    commands = {
        "start": basics.start,
        "help": basics.help_command,
        "latest": news.latest,
        "top": news.top,
        "digest": digest.digest,
        "search": news.search,
        "sources": news.sources,
        "summary": summary.summary,
        "subscribe": subscriptions.subscribe,
        "unsubscribe": subscriptions.unsubscribe,
        "subscriptions": subscriptions.subscriptions,
        "addfeed": admin.add_feed,
        "removefeed": admin.remove_feed,
        "stats": admin.stats,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=new_only))

    # 3. Buttons: key points under /latest, "More" under search results, remove buttons,
    # "Unsubscribe" and "N more" under alerts.
    application.add_handler(CallbackQueryHandler(news.key_points, pattern=news.POINTS_PATTERN))
    application.add_handler(CallbackQueryHandler(news.more_results, pattern=news.MORE_PATTERN))
    application.add_handler(
        CallbackQueryHandler(subscriptions.remove_button, pattern=subscriptions.LIST_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(subscriptions.alert_unsubscribe, pattern=subscriptions.ALERT_PATTERN)
    )
    application.add_handler(
        CallbackQueryHandler(subscriptions.alert_more, pattern=subscriptions.MORE_PATTERN)
    )

    # 4. Inline mode: @bot <words>.
    application.add_handler(InlineQueryHandler(inline.inline_query))

    # 5. Private chats: a pasted link gets its key points; other text gets a hint.
    link = filters.Entity("url") | filters.Entity("text_link")
    application.add_handler(MessageHandler(private_text & link, summary.pasted_link))
    application.add_handler(MessageHandler(private_text, basics.stray_text))

    # 6. Last: a command no handler above knew.
    application.add_handler(MessageHandler(filters.COMMAND & new_only, basics.unknown_command))

    application.add_error_handler(error_handler)


def poll_check_seconds(poll_seconds: float) -> float:
    """How often the poll job looks for due feeds."""
    return min(poll_seconds, POLL_CHECK_SECONDS)


async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: read the feeds that are due (the job's data is the Newsroom).

    A feed due before the next check is polled now: checks fall between due times, and
    waiting for the next one would skip a poll whenever rounding put the due time just after.
    """
    assert context.job is not None and isinstance(context.job.data, Newsroom)
    newsroom = context.job.data
    early = poll_check_seconds(newsroom.settings.poll_seconds) / 2
    report = await newsroom.ingest(only_due=True, early=early)
    if report.feeds_ok or report.feeds_failed:
        log.info("Poll: %s", report.summary())


async def watch_database(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: stop the bot when its database file was deleted or replaced."""
    assert context.job is not None and isinstance(context.job.data, Newsroom)
    problem = context.job.data.database_problem()
    if problem and FATAL_KEY not in context.bot_data:
        context.bot_data[FATAL_KEY] = problem
        context.application.stop_running()


async def maintain(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: retention and WAL checkpoint (the job's data is the Newsroom)."""
    assert context.job is not None and isinstance(context.job.data, Newsroom)
    report = await context.job.data.maintain()
    log.info("Maintenance: %s", report.summary())


async def _post_init(application: NewsApplication) -> None:
    """Open the newsroom, publish the commands menu, schedule polling, alert delivery, the
    database watch and maintenance."""
    newsroom: Newsroom = application.bot_data[NEWSROOM_KEY]
    await newsroom.open()
    application.bot_data[OPENED_KEY] = True
    try:
        await application.bot.set_my_commands(basics.bot_commands())
    except TelegramError:
        log.warning("Could not set the bot's commands menu", exc_info=True)
    jobs = application.job_queue
    assert jobs is not None
    poll_every = poll_check_seconds(newsroom.settings.poll_seconds)
    jobs.run_repeating(
        poll_feeds, poll_every, first=1, name=POLL_JOB, data=newsroom, job_kwargs=POLL_JOB_KWARGS
    )
    jobs.run_repeating(
        deliver_alerts,
        DELIVERY_SECONDS,
        first=1,  # alerts queued before a restart go out right away
        name=DELIVERY_JOB,
        data=AlertDelivery(newsroom),
        job_kwargs=JOB_KWARGS | {"max_instances": 2},  # see deliver_alerts
    )
    jobs.run_repeating(
        watch_database, WATCH_SECONDS, name=WATCH_JOB, data=newsroom, job_kwargs=JOB_KWARGS
    )
    jobs.run_repeating(
        maintain,
        MAINTENANCE_SECONDS,
        first=60,
        name=MAINTENANCE_JOB,
        data=newsroom,
        job_kwargs=JOB_KWARGS,
    )
    jobs.run_repeating(  # digests due while the bot was down go out at once
        daily_digests,
        DIGEST_CHECK_SECONDS,
        first=1,
        name=DIGEST_JOB,
        data=newsroom,
        job_kwargs=JOB_KWARGS,
    )


async def _post_shutdown(application: NewsApplication) -> None:
    """Close the newsroom (after the jobs and handlers have finished)."""
    if application.bot_data.pop(OPENED_KEY, False):
        await application.bot_data[NEWSROOM_KEY].close()
