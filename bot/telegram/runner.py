"""Run the bot until SIGINT/SIGTERM: long polling by default, or a webhook server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken

from bot.config import Settings
from bot.errors import NewsbotError
from bot.storage.lock import single_instance
from bot.telegram.app import FATAL_KEY, build_application

log = logging.getLogger(__name__)

# The updates the handlers use (Telegram remembers this list between runs).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]
BOOTSTRAP_RETRIES = 5  # deleteWebhook/setWebhook at start-up, retried on network errors
REDACTED = "[bot token]"


class TokenRedactor(logging.Filter):
    """Takes the bot token (and its secret part, after the colon) out of every log record.

    PTB logs its API URL (which holds the token) at DEBUG and puts the token in the message
    of InvalidToken; a handler with this filter never writes either. A rejected token's
    traceback is also dropped: run() reports it in one line.
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        secret = token.partition(":")[2]
        self.secrets = [part for part in (token, secret) if part]

    def redact(self, text: str) -> str:
        """`text` with every occurrence of the token replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call: keep its text, drop its args
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            record.exc_info, record.exc_text = None, None
        elif record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


@contextmanager
def token_redacted(token: str) -> Iterator[None]:
    """Redact the token in everything the root logger's handlers (or the last resort) write."""
    redactor = TokenRedactor(token)
    handlers = [*logging.getLogger().handlers, logging.lastResort]
    for handler in handlers:
        if handler is not None:
            handler.addFilter(redactor)
    try:
        yield
    finally:
        for handler in handlers:
            if handler is not None:
                handler.removeFilter(redactor)


def run(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "0.0.0.0",
    port: int = 8443,
    secret_token: str | None = None,
) -> int:
    """Serve updates until a stop signal; return the exit code.

    PTB's run_polling/run_webhook stop on SIGINT/SIGTERM: they stop fetching updates, let
    running handlers and jobs finish, then call post_shutdown (which closes the newsroom).
    An alert interrupted mid-send stays pending in the outbox and goes out on the next run.
    Only one run per database: a second one stops at once with one line (see single_instance).
    The token never appears in the log (see TokenRedactor).
    """
    with token_redacted(settings.telegram_token or ""), single_instance(settings.db_path):
        application = build_application(settings)
        try:
            if webhook_url:
                log.info("Serving a webhook at %s (listening on %s:%d)", webhook_url, listen, port)
                application.run_webhook(
                    listen=listen,
                    port=port,
                    url_path=urlsplit(webhook_url).path.lstrip("/"),
                    webhook_url=webhook_url,
                    secret_token=secret_token,
                    allowed_updates=ALLOWED_UPDATES,
                    bootstrap_retries=BOOTSTRAP_RETRIES,
                )
            else:
                log.info("Polling Telegram for updates")
                application.run_polling(
                    allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES
                )
        except InvalidToken:
            raise NewsbotError(
                "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."
            ) from None
    problem = application.bot_data.get(FATAL_KEY)
    if problem:
        raise NewsbotError(f"stopped: {problem}; put it back (or restore a backup) and start again")
    return 0
