"""Key points of one article: /summary <link or id>, /summary as a reply, or a pasted link."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.telegram.access import throttle
from bot.telegram.handlers.common import first_link, newsroom_of, reply, show_typing, usage
from bot.telegram.render import render_article


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with an article's key points: /summary <link or number>, or as a reply to a link."""
    message = update.effective_message
    if context.args:
        target = context.args[0]
    elif message is not None and message.reply_to_message is not None:
        target = first_link(message.reply_to_message) or ""
        if not target:
            raise NewsbotError("That message has no link in it.")
    else:
        raise usage("/summary <link or article number>, or reply /summary to a message with a link")
    await _summarize(update, context, target)


async def pasted_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to a link pasted into a private chat with the article's key points."""
    link = first_link(update.effective_message)
    if link:
        await _summarize(update, context, link)


async def _summarize(update: Update, context: ContextTypes.DEFAULT_TYPE, target: str) -> None:
    throttle(update, context)
    async with show_typing(update, context):
        article = await newsroom_of(context).summarize(target)
    await reply(update, [render_article(article)], preview=True)
