"""What every command shares: running a coroutine with an open newsroom."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.config import Settings
from bot.newsroom import Newsroom

T = TypeVar("T")


def with_newsroom(settings: Settings, work: Callable[[Newsroom], Awaitable[T]]) -> T:
    """Open the newsroom, run `work` with it, close it, whatever happens."""

    async def main() -> T:
        newsroom = Newsroom(settings)
        await newsroom.open()
        try:
            return await work(newsroom)
        finally:
            await newsroom.close()

    return asyncio.run(main())
