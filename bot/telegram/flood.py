"""Pace requests to Telegram's flood limits, a little under them, and wait out any 429 together.

Telegram allows about 30 messages a second overall, 20 a minute in a group and one a second in
any one chat. This rate limiter paces every request that posts or changes a message by all three
(sendChatAction and getChatMember are not metered that way), and when Telegram answers 429 with
`retry_after`, **every** request pauses until that time has passed: the pause is one deadline
shared by all concurrent sends, extended (never shortened) by each new 429. PTB's own
AIORateLimiter reopens its gate as soon as any other request finishes, so concurrent sends
ignored the pause; this class replaces it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Margins below Telegram's published limits (30/s overall, 20/min per group, 1/s per chat)
# absorb the jitter between when a request leaves and when Telegram counts it.
OVERALL_PER_SECOND = 28
GROUP_PER_MINUTE = 19
CHAT_SECONDS_PER_MESSAGE = 1.05
GROUP_SECONDS_PER_MESSAGE = 60 / GROUP_PER_MINUTE
PAUSE_MARGIN_SECONDS = 0.1  # added to Telegram's retry_after
_METERED = ("send", "edit", "copy", "forward")
_UNMETERED = {"sendChatAction"}
_MAX_CHAT_LIMITERS = 1024

Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


def is_message_request(endpoint: str) -> bool:
    """Whether a Bot API method posts or changes a message (what flood control counts)."""
    return endpoint.startswith(_METERED) and endpoint not in _UNMETERED


def is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids (or an @username)."""
    return isinstance(chat_id, str) or chat_id < 0


def chat_seconds(chat_id: int | str) -> float:
    """The least time between two messages to one chat, at a steady pace."""
    return GROUP_SECONDS_PER_MESSAGE if is_group(chat_id) else CHAT_SECONDS_PER_MESSAGE


def retry_seconds(exc: RetryAfter) -> float:
    """The wait a 429 asked for (PTB's own private field: its public one is deprecated)."""
    return exc._retry_after.total_seconds()


class FloodLimiter(BaseRateLimiter[int]):
    """Overall, per-group and per-chat pacing, and one shared pause after any 429.

    A request that gets 429 is retried (after the pause) up to `max_retries` times, then
    RetryAfter reaches the caller; the pause still holds for everyone else.
    """

    def __init__(self, max_retries: int) -> None:
        self.max_retries = max_retries
        self._overall = AsyncLimiter(OVERALL_PER_SECOND, 1)
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._paused_until = 0.0  # event-loop time
        self.pauses = 0  # how many 429s started or extended the pause

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    def pause(self, seconds: float) -> None:
        """Hold every request for `seconds` from now (a longer pause already set stays)."""
        until = asyncio.get_running_loop().time() + seconds
        if until > self._paused_until:
            self._paused_until = until
            self.pauses += 1

    def paused_for(self) -> float:
        """Seconds left of the current pause (0 when not paused)."""
        return max(0.0, self._paused_until - asyncio.get_running_loop().time())

    async def wait_pause(self) -> None:
        """Return once no pause holds (a pause extended meanwhile is waited out too)."""
        # A deadline that only moves later: sleeping until it is simpler than an Event.
        while (left := self.paused_for()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(left)

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the pause and the limits, send; on 429 pause everyone and retry."""
        chat_id = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        metered = chat_id is not None and is_message_request(endpoint)
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            await self._turn(chat_id if metered else None)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pause(retry_seconds(exc) + PAUSE_MARGIN_SECONDS)
                log.info("Telegram asked to wait %s s (429): every send pauses", exc.retry_after)
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _turn(self, chat_id: int | str | None) -> None:
        """Wait until this request may go: no pause, and its chat's and the overall pace."""
        while True:
            await self.wait_pause()
            if chat_id is not None:
                await _limiter(self._chats, chat_id, 1, CHAT_SECONDS_PER_MESSAGE).acquire()
                if is_group(chat_id):
                    await _limiter(self._groups, chat_id, GROUP_PER_MINUTE, 60).acquire()
                await self._overall.acquire()
            if self.paused_for() == 0:
                return


def _limiter(
    limiters: dict[int | str, AsyncLimiter], chat_id: int | str, rate: float, period: float
) -> AsyncLimiter:
    """The chat's limiter; limiters back at full capacity are dropped when there are many."""
    if len(limiters) > _MAX_CHAT_LIMITERS:
        for key in [key for key, limiter in limiters.items() if limiter.has_capacity(rate)]:
            del limiters[key]
    limiter = limiters.get(chat_id)
    if limiter is None:
        limiter = limiters[chat_id] = AsyncLimiter(rate, period)
    return limiter
