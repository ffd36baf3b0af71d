"""Inline mode: `@bot <words>` offers matching articles (the latest ones for an empty query)."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.models import Article
from bot.telegram.handlers.common import newsroom_of
from bot.telegram.render import render_article

RESULTS = 10
CACHE_SECONDS = 60
TITLE_CHARS = 120
DESCRIPTION_CHARS = 200


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `@bot <query>` with matching articles, best first; empty query -> latest."""
    query = update.inline_query
    assert query is not None
    newsroom = newsroom_of(context)
    text = query.query.strip()
    offset = int(query.offset) if query.offset.isdigit() else 0
    if text:
        articles = await newsroom.search(text, RESULTS, offset)
        next_offset = str(offset + RESULTS) if len(articles) == RESULTS else ""
    else:
        articles, next_offset = await newsroom.latest(RESULTS), ""
    await query.answer(
        [_result(article) for article in articles],
        cache_time=CACHE_SECONDS,
        next_offset=next_offset,
    )


def _result(article: Article) -> InlineQueryResultArticle:
    """One article as an inline result whose message is the rendered article."""
    first_point = article.points[0] if article.points else (article.source or "")
    return InlineQueryResultArticle(
        id=str(article.id),
        title=_cut(article.title or "Untitled", TITLE_CHARS),
        description=_cut(first_point, DESCRIPTION_CHARS) or None,
        input_message_content=InputTextMessageContent(
            render_article(article),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
    )


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
