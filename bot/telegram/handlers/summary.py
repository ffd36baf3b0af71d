"""Key points of one article: /summary <link or id>, /summary as a reply, or a pasted link."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.telegram.access import throttle
from bot.telegram.handlers.common import (
    first_link,
    newsroom_of,
    reply,
    reply_text,
    show_typing,
    usage,
)
from bot.telegram.render import render_article

MAX_TARGETS = 5  # /summary 12 13 ...: articles summarized per command


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with articles' key points: /summary <links or numbers>, or as a reply to a link."""
    message = update.effective_message
    targets = list(dict.fromkeys(context.args or []))
    if not targets and message is not None and message.reply_to_message is not None:
        link = first_link(message.reply_to_message)
        if not link:
            raise NewsbotError("That message has no link in it.")
        targets = [link]
    if not targets:
        raise usage("/summary <link or article number>, or reply /summary to a message with a link")
    if len(targets) == 1:
        await _summarize(update, context, targets[0])
        return
    for target in targets[:MAX_TARGETS]:
        try:
            await _summarize(update, context, target)
        except NewsbotError as exc:
            await reply_text(update, f"{target}: {exc}")
    if len(targets) > MAX_TARGETS:
        left = " ".join(targets[MAX_TARGETS:])
        await reply_text(update, f"I summarize at most {MAX_TARGETS} at once; left out: {left}")


async def pasted_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to a link pasted into a private chat with the article's key points."""
    link = first_link(update.effective_message)
    if link:
        await _summarize(update, context, link)


async def _summarize(update: Update, context: ContextTypes.DEFAULT_TYPE, target: str) -> None:
    """Summarize one target; only fetching a page that is not stored counts toward the limit."""
    async with show_typing(update, context):
        article = await newsroom_of(context).summarize(
            target, before_fetch=lambda: throttle(update, context)
        )
    await reply(update, [render_article(article)], preview=True)
