"""Commands for the bot's admins: /addfeed, /removefeed and /stats."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.ingest.urls import canonical_url
from bot.telegram.access import require_bot_admin
from bot.telegram.handlers.common import newsroom_of, query_text, reply, reply_text, usage
from bot.telegram.render import escape, feed_health


async def add_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow a new feed after checking it is one (or the feed a page names): /addfeed <url>."""
    require_bot_admin(update, context)
    url = query_text(context)
    if not url:
        raise usage("/addfeed <feed url, or a site's page that names its feed>")
    feed, new = await newsroom_of(context).add_feed(url)
    name = feed.title or feed.url
    named = canonical_url(feed.url) != canonical_url(url)  # not the same but for utm_ tags
    found = f", the feed that page names ({feed.url})" if named else ""
    if new:
        await reply_text(
            update, f"Now following {name} (#{feed.id}){found}; its articles come next poll."
        )
    else:
        await reply_text(update, f"Already following {name} (#{feed.id}){found}.")


async def remove_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop following a feed: /removefeed <url or id>."""
    require_bot_admin(update, context)
    key = query_text(context).lstrip("#")
    if not key:
        raise usage("/removefeed <feed url or number from /sources>")
    feed = await newsroom_of(context).remove_feed(key)
    if feed is None:
        await reply_text(update, f"I don't follow {key}; see /sources.")
    else:
        await reply_text(update, f"Stopped following {feed.title or feed.url}.")


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show counts of articles, feeds, chats, subscriptions and alerts."""
    require_bot_admin(update, context)
    s = await newsroom_of(context).stats()
    lines = [
        "<b>newsbot stats</b>",
        f"Articles: {s.articles}",
        f"Feeds: {s.feeds_healthy} healthy, {s.feeds_failing} failing",
        f"Chats: {s.chats} · subscriptions: {s.subscriptions}",
        f"Alerts: {s.alerts_sent} sent, {s.alerts_pending} pending, {s.alerts_failed} failed",
    ]
    lines += [f"#{f.id} {escape(f.title or f.url)} {feed_health(f)}" for f in s.failing[:10]]
    await reply(update, ["\n".join(lines)])
