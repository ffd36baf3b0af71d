"""Topic subscriptions: /subscribe, /unsubscribe, /subscriptions and their remove buttons."""

from __future__ import annotations

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.storage import Subscription
from bot.telegram.access import require_chat_admin
from bot.telegram.handlers.common import newsroom_of, query_text, reply, reply_text, usage
from bot.telegram.render import MAX_MESSAGE, escape, render_articles, split_messages, truncate_html

LIST_PATTERN = r"^subs:rm:\d+$"
ALERT_PATTERN = r"^alert:unsub:\d+$"
MORE_PATTERN = r"^alert:more:\d+$"
MORE_PER_PRESS = 10
BUTTON_TOPIC_CHARS = 40


def alert_button(sub_id: int, topic: str) -> InlineKeyboardButton:
    """The "Unsubscribe" button under an alert digest."""
    return InlineKeyboardButton(
        f"Unsubscribe: {_short(topic)}", callback_data=f"alert:unsub:{sub_id}"
    )


def more_button(sub_id: int, topic: str, count: int) -> InlineKeyboardButton:
    """The button under a digest that shows the articles folded into "and N more"."""
    return InlineKeyboardButton(
        f"{count} more on {_short(topic)}", callback_data=f"alert:more:{sub_id}"
    )


async def _change_request(
    update: Update, context: ContextTypes.DEFAULT_TYPE, usage_line: str
) -> tuple[Chat, str]:
    """The chat and the command's argument, once the sender may change the chat's subscriptions."""
    argument = query_text(context)
    if not argument:
        raise usage(usage_line)
    await require_chat_admin(update, context)
    chat = update.effective_chat
    assert chat is not None
    return chat, argument


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat to a topic and show its latest articles: /subscribe <topic>."""
    chat, topic = await _change_request(
        update, context, '/subscribe <topic>, e.g. /subscribe bitcoin or /subscribe "north korea"'
    )
    sub, new, preview = await newsroom_of(context).subscribe(
        chat.id, topic, chat.type, chat.title or chat.full_name
    )
    if new:
        lead = f"Subscribed to {sub.topic}: I'll post new articles on it here."
    else:
        lead = f"This chat is already subscribed to {sub.topic}."
    messages = [escape(lead)]
    if preview:
        messages += render_articles(preview, header=f"Latest on {sub.topic}")
    await reply(update, split_messages(messages))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop subscriptions: /unsubscribe <topic, numbers or all>."""
    chat, what = await _change_request(
        update, context, "/unsubscribe <topic, numbers or all> (numbers as in /subscriptions)"
    )
    removed = await newsroom_of(context).unsubscribe(chat.id, what)
    await reply_text(update, "Unsubscribed from " + ", ".join(s.topic for s in removed) + ".")


async def subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List this chat's subscriptions, each with a button to remove it."""
    chat = update.effective_chat
    assert chat is not None
    text, keyboard = _listing(await newsroom_of(context).subscriptions(chat.id))
    await reply(update, [text], keyboard=keyboard)


async def remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove the subscription whose button was pressed in /subscriptions; refresh the list."""
    callback = update.callback_query
    assert callback is not None
    topic = await _remove_pressed(update, context)
    await callback.answer(f"Unsubscribed from {topic}.")
    chat = update.effective_chat
    assert chat is not None
    text, keyboard = _listing(await newsroom_of(context).subscriptions(chat.id))
    await callback.edit_message_text(text, reply_markup=keyboard)


async def alert_unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the subscription named by an alert's "Unsubscribe" button; drop that button."""
    callback = update.callback_query
    assert callback is not None
    topic = await _remove_pressed(update, context)
    await callback.answer(f"Unsubscribed from {topic}.")
    message = callback.message
    markup = message.reply_markup if isinstance(message, Message) else None
    rows = [
        [button]
        for row in (markup.inline_keyboard if markup else ())
        for button in row
        if button.callback_data != callback.data
    ]
    await callback.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def alert_more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next articles folded into a digest's "and N more" (with a button for the rest)."""
    callback, chat = update.callback_query, update.effective_chat
    assert callback is not None and callback.data is not None and chat is not None
    sub_id = int(callback.data.rsplit(":", 1)[1])
    newsroom = newsroom_of(context)
    articles, left = await newsroom.unfold(chat.id, sub_id, MORE_PER_PRESS)
    if not articles:
        await callback.answer("Nothing more: you have seen them all.")
        return
    await callback.answer()
    topic = next((s.topic for s in await newsroom.subscriptions(chat.id) if s.id == sub_id), "")
    header = f"More on {topic}" if topic else "More articles"
    keyboard = (
        InlineKeyboardMarkup([[more_button(sub_id, topic or "this topic", left)]]) if left else None
    )
    await reply(update, render_articles(articles, header=header), keyboard=keyboard)


async def _remove_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Unsubscribe the subscription a button names; return its topic."""
    callback, chat = update.callback_query, update.effective_chat
    assert callback is not None and callback.data is not None and chat is not None
    await require_chat_admin(update, context)
    sub_id = int(callback.data.rsplit(":", 1)[1])
    try:
        removed = await newsroom_of(context).unsubscribe(chat.id, f"#{sub_id}")
    except NewsbotError:
        raise NewsbotError("That subscription was already removed.") from None
    return removed[0].topic


def _listing(subs: list[Subscription]) -> tuple[str, InlineKeyboardMarkup | None]:
    """The numbered list of subscriptions and its remove buttons."""
    if not subs:
        return escape("No subscriptions here yet. Try /subscribe bitcoin."), None
    lines = [f"<b>Subscriptions ({len(subs)})</b>"]
    lines += [f"{number}. {escape(sub.topic)}" for number, sub in enumerate(subs, start=1)]
    lines.append(escape("Remove one with a button below or /unsubscribe <number>."))
    buttons = [
        [
            InlineKeyboardButton(
                f"✖ {number}. {_short(sub.topic)}", callback_data=f"subs:rm:{sub.id}"
            )
        ]
        for number, sub in enumerate(subs, start=1)
    ]
    return truncate_html("\n".join(lines), MAX_MESSAGE), InlineKeyboardMarkup(buttons)


def _short(topic: str) -> str:
    return topic if len(topic) <= BUTTON_TOPIC_CHARS else topic[: BUTTON_TOPIC_CHARS - 1] + "…"
