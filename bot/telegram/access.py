"""Who may do what: bot admins, group admins, and per-user rate limits on expensive commands."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot.errors import NewsbotError
from bot.telegram.handlers.common import newsroom_of

RATE_LIMIT_KEY = "user_rate_limit"
GROUP_ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


class UserRateLimit:
    """At most `per_minute` expensive requests per user in any sliding 60-second window."""

    def __init__(
        self,
        per_minute: int,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}

    def wait_time(self, user_id: int) -> float:
        """0 if the user may go on (the request is counted), else the seconds to wait."""
        now = self._clock()
        recent = self._recent.setdefault(user_id, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return recent[0] + self.window - now
        recent.append(now)
        if len(self._recent) > 10_000:  # forget users whose window has passed
            self._recent = {uid: times for uid, times in self._recent.items() if times}
        return 0.0


def throttle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Count an expensive request; raise a polite NewsbotError when the user goes too fast."""
    user = update.effective_user
    if user is None:
        return
    limit: UserRateLimit = context.bot_data[RATE_LIMIT_KEY]
    wait = limit.wait_time(user.id)
    if wait > 0:
        raise NewsbotError(f"You're going fast — try again in {math.ceil(wait)} s.")


def require_bot_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Only the users named in the settings (NEWSBOT_ADMIN_IDS) may go on."""
    user = update.effective_user
    if user is None or user.id not in newsroom_of(context).settings.admin_ids:
        raise NewsbotError("Only the bot's admins can do that.")


async def require_chat_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, only its admins (or the bot's admins) may change its subscriptions."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    message = update.message
    if message is not None and message.sender_chat is not None:
        if message.sender_chat.id == chat.id:  # an anonymous admin writing as the group
            return
        raise NewsbotError("Only this group's admins can change its subscriptions.")
    if user is None:
        raise NewsbotError("Only this group's admins can change its subscriptions.")
    if user.id in newsroom_of(context).settings.admin_ids:
        return
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status not in GROUP_ADMIN_STATUSES:
        raise NewsbotError("Only this group's admins can change its subscriptions.")
