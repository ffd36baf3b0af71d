"""Every API call the bot made, and waiting until a call has happened."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

RECENT_IN_ERRORS = 15


@dataclass(frozen=True, slots=True)
class Call:
    """One answered Bot API request: its method, parameters (typed as read) and JSON answer."""

    method: str
    params: dict[str, Any]
    answer: dict[str, Any]
    time: float  # time.monotonic() when answered

    @property
    def ok(self) -> bool:
        return bool(self.answer.get("ok"))

    @property
    def result(self) -> Any:
        """The answer's result (None for an error)."""
        return self.answer.get("result")

    @property
    def error(self) -> str | None:
        """The error description, or None when the call succeeded."""
        return None if self.ok else str(self.answer.get("description"))

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        outcome = "ok" if self.ok else f"{self.answer.get('error_code')} {self.error}"
        return f"{self.method}({shown}) -> {outcome}"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


Matcher = str | Callable[[Call], bool]


def _predicate(what: Matcher) -> Callable[[Call], bool]:
    if isinstance(what, str):
        name = what.lower()
        return lambda call: call.method.lower() == name
    return what


class CallLog:
    """The calls in the order they were answered."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.listeners: list[Callable[[Call], None]] = []
        self._recorded = asyncio.Event()

    def record(self, call: Call) -> None:
        self.calls.append(call)
        for listener in self.listeners:
            listener(call)
        self._recorded.set()
        self._recorded = asyncio.Event()

    def matching(self, what: Matcher) -> list[Call]:
        """The calls of a method (by name) or that satisfy a predicate."""
        test = _predicate(what)
        return [call for call in self.calls if test(call)]

    def recent(self, count: int = RECENT_IN_ERRORS) -> str:
        """The last calls other than getUpdates, one per line, for error messages."""
        shown = [str(c) for c in self.calls if c.method != "getUpdates"][-count:]
        return "\n".join(f"  {line}" for line in shown) or "  (none)"

    async def wait_for(self, what: Matcher, count: int) -> list[Call]:
        """Wait (for ever) until `count` matching calls were answered; return all of them."""
        while len(found := self.matching(what)) < count:
            await self._recorded.wait()
        return found

    def timed_out(self, what: Matcher, count: int, timeout: float) -> AssertionError:
        """The error for a `wait_for` that took too long: what was seen, and recent calls."""
        label = what if isinstance(what, str) else getattr(what, "__name__", "predicate")
        return AssertionError(
            f"timed out after {timeout:g} s waiting for {count} x {label}: saw "
            f"{len(self.matching(what))}. Recent calls:\n{self.recent()}"
        )
