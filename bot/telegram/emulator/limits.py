"""Errors on purpose: scripted faults, and Telegram-style flood control that answers 429."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.telegram.emulator.params import ApiError

# What flood control counts: the methods that post or change a message.
METERED = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


@dataclass(slots=True)
class _Fault:
    method: str
    remaining: int | None  # None: every call, for ever
    error: ApiError
    chat_id: int | None


class FaultScript:
    """Errors to answer instead of running the method, first scripted first used."""

    def __init__(self) -> None:
        self._faults: list[_Fault] = []

    def add(self, method: str, times: int | None, error: ApiError, chat_id: int | None) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with `error`."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for every call)")
        self._faults.append(_Fault(method.lower(), times, error, chat_id))

    def take(self, method: str, chat_id: object) -> ApiError | None:
        """The error scripted for this call, if any (using it up)."""
        for fault in self._faults:
            if fault.method != method.lower():
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
            return fault.error
        return None


@dataclass(frozen=True, slots=True)
class FloodViolation:
    """A call flood control refused with 429."""

    method: str
    chat_id: int | None
    limit: str  # "global", "per_chat" or "per_group"
    retry_after: int
    time: float


@dataclass(slots=True)
class _Bucket:
    """A token bucket: `capacity` calls at once, refilled at `rate` calls per second."""

    rate: float
    capacity: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(slots=True)
class _Limit:
    name: str
    rate: float
    capacity: float
    buckets: dict[object, _Bucket] = field(default_factory=dict)

    def bucket(self, key: object, now: float) -> _Bucket:
        if key not in self.buckets:
            self.buckets[key] = _Bucket(self.rate, self.capacity, self.capacity, now)
        return self.buckets[key]


class FloodControl:
    """Token buckets per chat, per group and overall; off until configured."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._per_chat: _Limit | None = None
        self._per_group: _Limit | None = None
        self._global: _Limit | None = None
        self.violations: list[FloodViolation] = []

    def configure(
        self,
        per_chat_per_second: float | None,
        per_group_per_minute: int | None,
        global_per_second: float | None,
        chat_burst: int,
    ) -> None:
        """Set (or with None, lift) each limit; buckets start full."""
        self._per_chat = (
            _Limit("per_chat", per_chat_per_second, max(1.0, float(chat_burst)))
            if per_chat_per_second
            else None
        )
        self._per_group = (
            _Limit("per_group", per_group_per_minute / 60, float(per_group_per_minute))
            if per_group_per_minute
            else None
        )
        self._global = (
            _Limit("global", global_per_second, max(1.0, global_per_second))
            if global_per_second
            else None
        )

    def check(self, method: str, chat_id: int | None) -> ApiError | None:
        """Count the call; the 429 error to answer when it goes over a limit."""
        if method not in METERED:
            return None
        now = self._clock()
        applicable: list[tuple[_Limit, object]] = []
        if self._global:
            applicable.append((self._global, None))
        if self._per_chat and chat_id is not None:
            applicable.append((self._per_chat, chat_id))
        if self._per_group and isinstance(chat_id, int) and chat_id < 0:
            applicable.append((self._per_group, chat_id))
        buckets = [(limit.name, limit.bucket(key, now)) for limit, key in applicable]
        for name, bucket in buckets:
            wait = bucket.wait(now)
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                self.violations.append(FloodViolation(method, chat_id, name, retry_after, now))
                return ApiError(
                    429,
                    f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        for _, bucket in buckets:
            bucket.tokens -= 1
        return None
