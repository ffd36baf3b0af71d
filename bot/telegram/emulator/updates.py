"""The pending updates of the bot and getUpdates long polling, with Telegram's confirm rules."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from bot.telegram.emulator.params import ApiError

# What the API sends when allowed_updates was never given (or given as []).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

Update = dict[str, Any]


def update_kind(update: Update) -> str:
    """The update's type, e.g. "message" or "callback_query"."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Updates wait here until a getUpdates call with a higher offset confirms them."""

    def __init__(self) -> None:
        self._pending: list[Update] = []
        self._next_id = 1
        self._changed = asyncio.Event()
        self.polls = 0  # getUpdates calls received so far; a newer one ends an older one's wait
        self.allowed: frozenset[str] | None = None  # None: everything but NOT_BY_DEFAULT
        self.confirmed = 0  # every update up to this id has been confirmed

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def last_id(self) -> int:
        """The update_id of the newest update (0 before the first)."""
        return self._next_id - 1

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def push(self, update: Update) -> Update:
        """Queue an update, giving it the next update_id unless it has one; return it."""
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            update_id = self._next_id
        self._next_id = max(self._next_id, update_id + 1)
        queued = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        self._pending.append(queued)
        self._wake()
        return queued

    def _allows(self, update: Update) -> bool:
        kind = update_kind(update)
        return kind in self.allowed if self.allowed else kind not in NOT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            dropped, self._pending = self._pending[:offset], self._pending[offset:]
        else:
            dropped = [u for u in self._pending if u["update_id"] < offset]
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if dropped:
            self.confirmed = max(self.confirmed, dropped[-1]["update_id"])

    async def get(
        self, offset: int | None, limit: int, wait: float, allowed: list[str] | None
    ) -> list[Update]:
        """getUpdates: confirm below `offset`, then wait up to `wait` seconds for updates.

        A newer call ends this one's wait with 409 Conflict, as Telegram does.
        """
        self.polls += 1
        poll = self.polls
        if offset:
            self._confirm(offset)
        if allowed is not None:
            self.allowed = frozenset(allowed) or None
        self._pending = [u for u in self._pending if self._allows(u)]
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while not self._pending:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
            if self.polls != poll:
                raise ApiError(409, TERMINATED)
            self._pending = [u for u in self._pending if self._allows(u)]
        return self._pending[:limit]

    async def wait_confirmed(self, update_id: int) -> None:
        """Wait until the bot has confirmed `update_id` (it asked for the updates after it)."""
        while self.confirmed < update_id:
            await self._changed.wait()
