"""Where blocking work runs: one thread owns the SQLite connection, others do CPU work.

Light one-off work (a /summary page, one feed checked by /addfeed) runs on a thread pool: it
starts at once. Bulk ingest work runs on a process pool, the only way to use every core for
pure-Python parsing and extraction (threads share one GIL). Its workers are forked from a
fork server that imports `warm_modules` once, so a worker starts in a fraction of a second and
never inherits the threads (and their locks) of this process; they stop when they have had
nothing to do for IDLE_SECONDS, and give their memory back.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

IDLE_SECONDS = 120.0


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker() -> None:
    """Ignore Ctrl-C (it reaches the whole process group; the main process acts on it), and
    exit when the main process is gone: killed with SIGKILL, it cannot stop its workers, which
    would otherwise wait for work forever, and keep the fork server alive too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: BaseProcess) -> None:
    parent.join()  # returns once the main process has exited
    os._exit(1)


class Executors:
    """A single database thread (the connection is used by it alone), a CPU thread pool,
    and a process pool for bulk work, created on first use.

    `processes` is the size of that pool (default: one per core); below 2 there is none.
    """

    def __init__(
        self,
        cpu_workers: int = 2,
        processes: int | None = None,
        warm_modules: Sequence[str] = (),
    ) -> None:
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsbot-db")
        self._cpu = ThreadPoolExecutor(max_workers=cpu_workers, thread_name_prefix="newsbot-cpu")
        # One core has nothing to gain from worker processes: bulk work then uses the threads.
        self._processes = _cores() if processes is None else processes
        self._warm_modules = list(warm_modules)
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0  # parallel() calls under way
        self._idle: asyncio.TimerHandle | None = None

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a storage call on the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args, **kwargs))

    async def cpu(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run CPU-heavy one-off work (one page, one feed) off the event loop, starting now."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._cpu, functools.partial(fn, *args, **kwargs))

    async def parallel(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run bulk CPU work in a worker process; `fn`, its arguments and result must pickle
        (module-level functions and plain data). With fewer than 2 processes it runs on the
        CPU threads. A crashed worker fails this call only: the next call gets a new pool."""
        if self._processes < 2:
            return await self.cpu(fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        pool = self._pool or self._start_pool()
        if self._idle is not None:
            self._idle.cancel()
        self._busy += 1
        try:
            return await loop.run_in_executor(pool, functools.partial(fn, *args, **kwargs))
        except BrokenProcessPool:
            self._stop_pool(pool, cancel=True)
            raise
        finally:
            self._busy -= 1
            if not self._busy:
                self._idle = loop.call_later(IDLE_SECONDS, self._stop_pool, self._pool)

    def _start_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        # Applies when the fork server starts (once per interpreter): every worker of every
        # pool is then forked with these modules already imported.
        context.set_forkserver_preload(self._warm_modules)
        self._pool = ProcessPoolExecutor(
            self._processes, mp_context=context, initializer=_start_worker
        )
        return self._pool

    def _stop_pool(self, pool: ProcessPoolExecutor | None, cancel: bool = False) -> None:
        """Let the workers of `pool` finish what they were given, then exit (not waiting)."""
        if pool is not None and pool is self._pool:
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=cancel)

    def shutdown(self) -> None:
        """Wait for queued work, then stop the threads and worker processes."""
        if self._idle is not None:
            self._idle.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._cpu.shutdown(wait=True)
        self._db.shutdown(wait=True)
