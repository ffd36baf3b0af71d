"""Run the bot until SIGINT/SIGTERM: long polling by default, or a webhook server."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken

from bot.config import Settings
from bot.errors import NewsbotError
from bot.telegram.app import build_application

log = logging.getLogger(__name__)

# The updates the handlers use (Telegram remembers this list between runs).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]
BOOTSTRAP_RETRIES = 5  # deleteWebhook/setWebhook at start-up, retried on network errors


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
    """
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
    return 0
