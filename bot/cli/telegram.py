"""`newsbot run` (the Telegram bot) and `newsbot chat` (the same bot in a terminal)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings

NO_TOKEN = """\
newsbot: no Telegram bot token (TELEGRAM_BOT_TOKEN is not set).

To get one: open Telegram, talk to @BotFather, send /newbot and follow the steps;
it answers with a token like 123456789:AAE... Then either
    export TELEGRAM_BOT_TOKEN=123456789:AAE...
or put TELEGRAM_BOT_TOKEN=... in a .env file in this folder, and run `newsbot run` again.

To try the bot right now without Telegram:
    newsbot chat
"""

CHAT_HELP = """\
Talk to the bot in this terminal: the same handlers and replies as in Telegram, no token needed.
You are user 1 in a private chat; NEWSBOT_ADMIN_IDS=1 makes you an admin (/addfeed, /stats).

Type a command (/help, /latest, /search kim, /summary 3, /subscribe sanctions ...) or paste a
link. Buttons are shown numbered under a message, [1] [2] ...: type !1 to press button 1 of the
last message that has buttons. Ctrl-D or /quit ends the session.

No articles yet? Add a feed first: newsbot feeds add URL, then newsbot ingest
(or, as an admin, /addfeed URL in the chat: it is read on the next poll, within a minute).
"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `run` and `chat` commands."""
    run = commands.add_parser("run", help="run the Telegram bot (long polling or webhook)")
    run.add_argument("--webhook", metavar="URL", help="public HTTPS URL Telegram posts updates to")
    run.add_argument("--listen", default="0.0.0.0", help="webhook listen address (0.0.0.0)")
    run.add_argument("--port", type=int, default=8443, help="webhook listen port (8443)")
    run.add_argument("--secret-token", help="webhook secret Telegram sends back in a header")
    run.set_defaults(handler=run_bot)
    chat = commands.add_parser(
        "chat",
        help="talk to the bot in this terminal, no Telegram needed",
        description=CHAT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    chat.set_defaults(handler=run_chat)


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    """Run the bot until SIGINT/SIGTERM; exit 2 with advice when there is no token."""
    if not settings.telegram_token:
        sys.stderr.write(NO_TOKEN)
        return 2
    from bot.telegram.runner import run

    return run(
        settings,
        webhook_url=args.webhook,
        listen=args.listen,
        port=args.port,
        secret_token=args.secret_token,
    )


def run_chat(settings: Settings, args: argparse.Namespace) -> int:
    """An interactive session with the bot's own handlers."""
    from bot.telegram.chat import chat_session

    return asyncio.run(chat_session(settings, sys.stdin, sys.stdout))
