"""Inline mode: `@bot <words>` offers matching stories (the latest ones for an empty query)."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.models import Story
from bot.telegram.handlers.common import newsroom_of
from bot.telegram.render import render_story

RESULTS = 10
CACHE_SECONDS = 60
TITLE_CHARS = 120
DESCRIPTION_CHARS = 200


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `@bot <query>` with matching stories, best first; empty query -> latest."""
    query = update.inline_query
    assert query is not None
    newsroom = newsroom_of(context)
    text = query.query.strip()
    offset = int(query.offset) if query.offset.isdigit() else 0
    if text:
        stories = await newsroom.search_stories(text, RESULTS, offset)
        next_offset = str(offset + RESULTS) if len(stories) == RESULTS else ""
    else:
        stories, next_offset = await newsroom.latest_stories(RESULTS), ""
    await query.answer(
        [_result(story) for story in stories],
        cache_time=CACHE_SECONDS,
        next_offset=next_offset,
    )


def _result(story: Story) -> InlineQueryResultArticle:
    """One story as an inline result whose message is the rendered story."""
    article = story.best
    first_point = article.points[0] if article.points else (article.source or "")
    outlets = len(story.also) + 1
    title = article.title or "Untitled"
    if outlets > 1:
        title = f"{title} ({outlets} outlets)"
    return InlineQueryResultArticle(
        id=str(story.id),
        title=_cut(title, TITLE_CHARS),
        description=_cut(first_point, DESCRIPTION_CHARS) or None,
        input_message_content=InputTextMessageContent(
            render_story(story),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
