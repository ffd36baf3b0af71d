"""Chats changing under the bot: a group upgraded to a supergroup, the bot blocked, removed,
or given back the right to post."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import newsroom_of

GONE_STATUSES = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}
POSTING_STATUSES = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR}


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep a group's subscriptions when it becomes a supergroup (either service message)."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        await newsroom_of(context).chat_migrated(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await newsroom_of(context).chat_migrated(message.migrate_from_chat_id, message.chat_id)


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop a chat's alerts when the bot is blocked or removed; resume them when it may post."""
    change = update.my_chat_member
    if change is None:
        return
    member = change.new_chat_member
    if member.status in GONE_STATUSES:
        reason = f"bot {member.status} by the chat"
        await newsroom_of(context).chat_gone(change.chat.id, reason)
    elif member.status in POSTING_STATUSES or getattr(member, "can_send_messages", False):
        await newsroom_of(context).resume_chat(change.chat.id)
