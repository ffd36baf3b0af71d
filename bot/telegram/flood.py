"""Pace requests to Telegram's flood limits, a little under them, and wait out any 429.

AIORateLimiter already limits the bot overall and each group per minute, and retries after
RetryAfter; this adds Telegram's other limit, about one message per second in any one chat.
Only requests that post or change a message count against the per-chat limit (Telegram does
not meter sendChatAction or getChatMember that way).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

# Margins below Telegram's published limits (30/s overall, 20/min per group, 1/s per chat)
# absorb the jitter between when a request leaves and when Telegram counts it.
OVERALL_PER_SECOND = 25
GROUP_PER_MINUTE = 19
CHAT_SECONDS_PER_MESSAGE = 1.1
_METERED = ("send", "edit", "copy", "forward")
_UNMETERED = {"sendChatAction"}
_MAX_CHAT_LIMITERS = 1024

Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


def is_message_request(endpoint: str) -> bool:
    """Whether a Bot API method posts or changes a message (what flood control counts)."""
    return endpoint.startswith(_METERED) and endpoint not in _UNMETERED


class FloodLimiter(AIORateLimiter):
    """AIORateLimiter with margins, plus at most one message per CHAT_SECONDS in each chat."""

    def __init__(self, max_retries: int) -> None:
        super().__init__(
            overall_max_rate=OVERALL_PER_SECOND,
            group_max_rate=GROUP_PER_MINUTE,
            max_retries=max_retries,
        )
        self._chats: dict[int | str, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the chat's turn, then let AIORateLimiter pace and retry the request."""
        chat_id = data.get("chat_id")
        if chat_id is None or not is_message_request(endpoint):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        async with self._chat_limiter(chat_id):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        """The chat's limiter; limiters back at full capacity are dropped when there are many."""
        if len(self._chats) > _MAX_CHAT_LIMITERS:
            self._chats = {
                key: limiter for key, limiter in self._chats.items() if not limiter.has_capacity()
            }
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._chats[chat_id] = AsyncLimiter(1, CHAT_SECONDS_PER_MESSAGE)
        return limiter
