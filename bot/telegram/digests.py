"""The daily digest job: queue the digests that are due, then send each queued one once.

A digest is queued once per chat and local day (in SQLite, so a restart does not queue it
again) and marked sent only after Telegram accepted it, so a crash at worst repeats the one
in flight and never loses one; a failed send is retried at the next run, a few times.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.newsroom import Newsroom
from bot.telegram.render import render_daily_digest

log = logging.getLogger(__name__)

DIGEST_CHECK_SECONDS = 60


async def daily_digests(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: queue due digests and send every queued one (data: the Newsroom)."""
    assert context.job is not None and isinstance(context.job.data, Newsroom)
    newsroom = context.job.data
    await newsroom.queue_digests(datetime.now(UTC))
    for run, stories in await newsroom.pending_digests():
        on_topics = bool(await newsroom.subscriptions(run.chat_id))
        text = render_daily_digest(run.day, stories, on_topics)
        try:
            await context.bot.send_message(
                run.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except (Forbidden, BadRequest) as exc:  # blocked, removed, or the chat is gone
            log.info("Digest for chat %s given up: %s", run.chat_id, exc)
            await newsroom.digest_failed(run, str(exc), chat_gone=isinstance(exc, Forbidden))
        except TelegramError as exc:
            await newsroom.digest_failed(run, str(exc))
        else:
            await newsroom.digest_sent(run)
