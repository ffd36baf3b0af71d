"""The one error handler: friendly replies for NewsbotError, a log and an apology for the rest."""

from __future__ import annotations

import logging

from telegram import InlineQueryResultsButton, Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.telegram.render import escape

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again later."
ALERT_CHARS = 200  # Telegram's limit for a callback answer
BUTTON_CHARS = 64


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error (with traceback unless it is a NewsbotError) and tell the user."""
    error = context.error
    if isinstance(error, NewsbotError):
        log.debug("Refused: %s", error)
        text = str(error)
    elif update is None and isinstance(error, NetworkError):
        # Polling hit a network blip; PTB retries by itself. No user to tell, no traceback.
        log.warning("Network error while talking to Telegram: %s", error)
        return
    else:
        log.error("Error while handling an update: %r", update, exc_info=error)
        text = SORRY
    if isinstance(update, Update):
        try:
            await _tell(update, text)
        except TelegramError:
            log.warning("Could not tell the user about an error", exc_info=True)


async def _tell(update: Update, text: str) -> None:
    """Answer in the way the update allows: an alert, an inline button, or a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text[:ALERT_CHARS], show_alert=True)
    elif update.inline_query is not None:
        button = InlineQueryResultsButton(text[:BUTTON_CHARS], start_parameter="help")
        await update.inline_query.answer([], cache_time=0, button=button)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(escape(text))
