"""Where blocking work runs: one thread owns the SQLite connection, others do CPU work."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Executors:
    """A single database thread (the connection is used by it alone) and a CPU pool."""

    def __init__(self, cpu_workers: int = 2) -> None:
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsbot-db")
        self._cpu = ThreadPoolExecutor(max_workers=cpu_workers, thread_name_prefix="newsbot-cpu")

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a storage call on the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    async def cpu(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU-heavy work (parsing, extraction, key points) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        """Wait for queued work, then stop the threads."""
        self._cpu.shutdown(wait=True)
        self._db.shutdown(wait=True)
