"""/digest HH:MM [Area/City] and /digest off: the chat's daily digest of top stories."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.access import require_chat_admin
from bot.telegram.handlers.common import newsroom_of, reply_text, usage

USAGE = "/digest 07:30 [Europe/Berlin] for a daily digest at that time, /digest off to stop it"


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set, show or stop the chat's daily digest: /digest 07:30 [zone] | off."""
    chat = update.effective_chat
    assert chat is not None
    newsroom = newsroom_of(context)
    args = list(context.args or [])
    if not args:
        setting = await newsroom.digest_setting(chat.id)
        if setting is None or not setting.active:
            raise usage(USAGE)
        await reply_text(
            update,
            f"Your daily digest comes at {setting.at} ({setting.zone}). Stop it: /digest off",
        )
        return
    if len(args) > 2:
        raise usage(USAGE)
    await require_chat_admin(update, context)
    if args[0].lower() == "off":
        was_on = await newsroom.digest_off(chat.id)
        await reply_text(update, "Daily digest stopped." if was_on else "No daily digest was on.")
        return
    setting = await newsroom.set_digest(chat.id, args[0], args[1] if len(args) > 1 else None)
    await reply_text(
        update,
        f"Daily digest at {setting.at} ({setting.zone}): the day's top stories"
        + (" on this chat's topics." if await newsroom.subscriptions(chat.id) else ".")
        + " Stop it: /digest off",
    )
