"""Reading the news: /latest, /top, /search with its "More" button, and /sources."""

from __future__ import annotations

import hashlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.models import Story
from bot.storage import Feed
from bot.telegram.handlers.common import newsroom_of, query_text, reply, reply_text, usage
from bot.telegram.render import (
    escape,
    feed_health,
    render_article,
    render_headlines,
    render_story,
    split_messages,
)

DEFAULT_LATEST = 5
MAX_LIST = 20  # articles in one /latest: a chat is not a place for more
PAGE = 5
POINTS_PATTERN = r"^points:\d{1,18}$"
POINTS_HINT = "Tap a number for that article's key points."
BUTTONS_PER_ROW = 5
NO_FEEDS = "I follow no feeds yet; an admin can add one with /addfeed <url>."
MORE_PATTERN = r"^more:search:\d{1,6}:[0-9a-f]{12}$"
SEARCHES_KEY = "searches"  # chat_data: short key -> query, for the "More" button
SAVED_SEARCHES = 20


def _count_and_topic(context: ContextTypes.DEFAULT_TYPE, command: str) -> tuple[int, str | None]:
    """The [N] [topic] arguments of /latest and /top (N from 1; the caller caps it)."""
    args = list(context.args or [])
    count = DEFAULT_LATEST
    if args and args[0].isdigit():
        count = int(args.pop(0))
        if count < 1:
            raise usage(f"/{command} [N] [topic], with N from 1 to {MAX_LIST}")
    return count, " ".join(args) or None


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the newest stories, compact, with a key-points button each: /latest [N] [topic]."""
    count, topic = _count_and_topic(context, "latest")
    stories = await newsroom_of(context).latest_stories(min(count, MAX_LIST), topic)
    if not stories:
        await reply_text(update, f"Nothing on {topic} yet." if topic else await _no_news(context))
        return
    header = f"Latest on {topic}" if topic else "Latest news"
    await _send_headlines(update, stories, header, count, "newest")


async def top(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the day's stories covered by the most outlets, then the freshest: /top [N] [topic]."""
    count, topic = _count_and_topic(context, "top")
    stories = await newsroom_of(context).top_stories(min(count, MAX_LIST), topic)
    if not stories:
        nothing = f"No story on {topic} in the last 24 hours." if topic else None
        await reply_text(update, nothing or "No news in the last 24 hours.")
        return
    header = f"Top stories on {topic}, last 24 h" if topic else "Top stories, last 24 h"
    await _send_headlines(update, stories, header, count, "most covered")


async def _send_headlines(
    update: Update, stories: list[Story], header: str, asked: int, which: str
) -> None:
    """A compact list of stories (best article, "also:" outlets) with a key-points button each;
    `which` says which ones a capped list keeps ("newest")."""
    note = POINTS_HINT
    if asked > MAX_LIST:
        note = f"The {MAX_LIST} {which}: I list at most {MAX_LIST} at once. " + note
    articles = [story.best for story in stories]
    numbers = {article.id: number for number, article in enumerate(articles, start=1)}
    also = {story.best.id: story for story in stories}
    for text, listed in render_headlines(articles, header=header, note=note, stories=also):
        buttons = [
            InlineKeyboardButton(str(numbers[a.id]), callback_data=f"points:{a.id}") for a in listed
        ]
        rows = [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
        await reply(update, [text], keyboard=InlineKeyboardMarkup(rows) if rows else None)


async def _no_news(context: ContextTypes.DEFAULT_TYPE) -> str:
    """Why there is nothing to list yet, and what to do about it."""
    feeds = await newsroom_of(context).feeds()
    if not feeds:
        return NO_FEEDS
    if all(not feed.healthy for feed in feeds):
        return f"No articles yet: none of my {len(feeds)} feeds could be read so far; see /sources."
    return "No articles yet: my feeds have not been read yet. Try again in a minute."


async def key_points(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the key points of the article whose number was pressed under /latest."""
    callback = update.callback_query
    assert callback is not None and callback.data is not None
    article = await newsroom_of(context).article(int(callback.data.split(":")[1]))
    if article is None:
        raise NewsbotError("That article is no longer stored.")
    await callback.answer()
    await reply(update, [render_article(article)])


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Find stories, best match first: /search <words, "phrases", -excluded>."""
    query = query_text(context)
    if not query:
        raise usage('/search <words>, e.g. /search "north korea" -sport')
    await _send_results(update, context, query, 0)


async def more_results(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next page of a search (the "More" button)."""
    callback = update.callback_query
    assert callback is not None and callback.data is not None
    _, _, offset, key = callback.data.split(":")
    query = (context.chat_data or {}).get(SEARCHES_KEY, {}).get(key)
    if query is None:
        raise NewsbotError("That search is too old: run /search again.")
    await callback.answer()
    await callback.edit_message_reply_markup(None)  # one press per button
    await _send_results(update, context, query, int(offset))


async def _send_results(
    update: Update, context: ContextTypes.DEFAULT_TYPE, query: str, offset: int
) -> None:
    found = await newsroom_of(context).search_stories(query, PAGE + 1, offset)
    if not found:
        await reply_text(update, "No more results." if offset else f"Nothing found for {query}.")
        return
    page = found[:PAGE]
    first, last = offset + 1, offset + len(page)
    blocks = [f"<b>Results {first}–{last} for {escape(query)}</b>"]
    blocks += [render_story(story, index=n) for n, story in enumerate(page, start=first)]
    keyboard = None
    if len(found) > PAGE:
        data = f"more:search:{offset + PAGE}:{_remember(context, query)}"
        keyboard = InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("More", callback_data=data)
        )
    await reply(update, split_messages(blocks), keyboard=keyboard)


def _remember(context: ContextTypes.DEFAULT_TYPE, query: str) -> str:
    """Keep a query under a short key (callback data holds at most 64 bytes)."""
    key = hashlib.blake2s(query.encode(), digest_size=6).hexdigest()
    assert context.chat_data is not None
    saved: dict[str, str] = context.chat_data.setdefault(SEARCHES_KEY, {})
    saved.pop(key, None)
    saved[key] = query
    while len(saved) > SAVED_SEARCHES:
        del saved[next(iter(saved))]
    return key


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the feeds the bot follows, with their health."""
    feeds = await newsroom_of(context).feeds()
    if not feeds:
        await reply_text(update, NO_FEEDS)
        return
    blocks = [f"<b>Sources ({len(feeds)})</b>"] + [_feed_line(feed) for feed in feeds]
    await reply(update, split_messages(blocks, separator="\n"))


def _feed_line(feed: Feed) -> str:
    name = escape(feed.title or feed.url)
    line = f"#{feed.id} <b>{name}</b> · {feed.articles} articles · {feed_health(feed)}"
    return line if not feed.title else f"{line}\n<code>{escape(feed.url)}</code>"
