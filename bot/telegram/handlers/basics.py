"""/start, /help, and a usage line for unknown commands and stray text."""

from __future__ import annotations

from telegram import BotCommand, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import reply, reply_text
from bot.telegram.render import escape

# (command, arguments, what it does): the /help text and the commands menu both come from this.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("latest", "[N] [topic]", "the newest stories, a button each for its key points"),
    ("top", "[N] [topic]", "the day's stories covered by the most outlets"),
    (
        "digest",
        "<HH:MM> [zone] or off",
        "daily top stories, e.g. /digest 07:30 Europe/Berlin",
    ),
    ("search", "<words>", 'best matches first, e.g. /search "north korea" -sport'),
    ("summary", "<links or numbers>", "the key points of articles, e.g. /summary 12 13"),
    ("subscribe", "<topic>", "get new articles on a topic as they appear"),
    ("unsubscribe", "<topic, numbers or all>", "stop subscriptions, e.g. /unsubscribe 1 3"),
    ("subscriptions", "", "this chat's subscriptions"),
    ("sources", "", "the feeds I follow"),
    ("help", "", "how to use me"),
)

HELP = """\
<b>I read news feeds and give you the key points of every article.</b>

{commands}

Topics and searches: words must all appear, <code>"exact phrase"</code> keeps words together, \
<code>-word</code> excludes. Examples:
<code>/subscribe bitcoin</code>
<code>/subscribe "kim jong un" -sport</code>
<code>/search sanctions "north korea"</code>

In a private chat, just send me a link and I reply with its key points; in any chat, answer a \
message that holds a link with /summary. In any chat, type @{bot} and a few words to share an \
article."""


def help_text(bot_username: str) -> str:
    """The /help message."""
    lines = [
        f"/{name} {escape(args)}".rstrip() + f" — {escape(what)}" for name, args, what in COMMANDS
    ]
    return HELP.format(commands="\n".join(lines), bot=bot_username)


def bot_commands() -> list[BotCommand]:
    """The commands menu Telegram shows (setMyCommands)."""
    return [BotCommand(name, what) for name, _, what in COMMANDS]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user and explain what the bot does."""
    await reply(update, [help_text(context.bot.username)])


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain every command, with examples."""
    await reply(update, [help_text(context.bot.username)])


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer an unknown command with a pointer to /help (in groups only when addressed to us)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    command = message.text.split(maxsplit=1)[0]
    _, _, addressee = command.partition("@")
    if addressee and addressee.casefold() != context.bot.username.casefold():
        return  # another bot's command
    if not addressee and chat.type != ChatType.PRIVATE:
        return  # in a group an unaddressed command may well be for another bot
    await reply_text(update, f"I don't know {command.split('@')[0]}. Try /help.")


async def stray_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer plain text in a private chat with what the bot can do with it."""
    await reply_text(
        update, "Send me a link and I'll reply with its key points, or try /search <words>."
    )
