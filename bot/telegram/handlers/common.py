"""What every handler shares: the newsroom, sending HTML, usage lines, links in messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from telegram import (
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.newsroom import Newsroom
from bot.telegram.render import escape

NEWSROOM_KEY = "newsroom"
TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing…" for about 5 s
PREVIEW_ON = LinkPreviewOptions(is_disabled=False, prefer_small_media=True)
PREVIEW_OFF = LinkPreviewOptions(is_disabled=True)


def newsroom_of(context: ContextTypes.DEFAULT_TYPE) -> Newsroom:
    """The application's Newsroom (opened in post_init)."""
    newsroom: Newsroom = context.bot_data[NEWSROOM_KEY]
    return newsroom


def usage(line: str) -> NewsbotError:
    """A NewsbotError telling how a command is used, e.g. usage("/search <words>")."""
    return NewsbotError(f"Usage: {line}")


def query_text(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The command's arguments as one string (quotes kept)."""
    return " ".join(context.args or [])


async def reply(
    update: Update,
    messages: Sequence[str],
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    preview: bool = False,
) -> None:
    """Send HTML messages in the update's chat, the keyboard under the last one."""
    target = update.effective_message
    if target is None:
        return
    for number, text in enumerate(messages, start=1):
        await target.reply_text(
            text,
            reply_markup=keyboard if number == len(messages) else None,
            link_preview_options=PREVIEW_ON if preview else PREVIEW_OFF,
        )


async def reply_text(update: Update, text: str) -> None:
    """Send one line of plain text (escaped here) in the update's chat."""
    await reply(update, [escape(text)])


def first_link(message: Message | None) -> str | None:
    """The first URL in a message's text or caption (a bare link or a text link)."""
    if message is None:
        return None
    kinds: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    found = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, text in sorted(found.items(), key=lambda item: item[0].offset):
        link = entity.url if entity.type == MessageEntity.TEXT_LINK else text
        if link:
            return link if "://" in link else f"https://{link}"
    return None


@contextlib.asynccontextmanager
async def show_typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> AsyncIterator[None]:
    """Show "typing…" in the chat for as long as the body runs."""
    chat = update.effective_chat
    if chat is None:
        yield
        return

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(Exception):  # a missed indicator is harmless
                await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
