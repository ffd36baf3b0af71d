"""Executors: bulk work in worker processes that never outlive the bot or a crash of their own."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot import executors
from bot.executors import Executors

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 30.0


def crash() -> None:
    os._exit(3)  # a worker dying the hard way, as under the OOM killer


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def gone(pids: set[int]) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_parallel_runs_in_worker_processes_and_returns_the_result() -> None:
    run = Executors(processes=2)
    try:
        pids = set(await asyncio.gather(*(run.parallel(os.getpid) for _ in range(8))))
        assert os.getpid() not in pids
        assert await run.parallel(divmod, 17, 5) == (3, 2)
    finally:
        run.shutdown()


async def test_below_two_processes_parallel_runs_on_threads() -> None:
    run = Executors(processes=1)
    try:
        assert await run.parallel(os.getpid) == os.getpid()
    finally:
        run.shutdown()


async def test_an_exception_comes_back_as_is() -> None:
    run = Executors(processes=2)
    try:
        with pytest.raises(ZeroDivisionError):
            await run.parallel(divmod, 1, 0)
    finally:
        run.shutdown()


async def test_a_crashed_worker_fails_only_its_call() -> None:
    run = Executors(processes=2)
    try:
        with pytest.raises(BrokenProcessPool):
            await run.parallel(crash)
        assert await run.parallel(divmod, 7, 2) == (3, 1)
    finally:
        run.shutdown()


async def test_idle_workers_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "IDLE_SECONDS", 0.1)
    run = Executors(processes=2)
    try:
        pids = set(await asyncio.gather(*(run.parallel(os.getpid) for _ in range(8))))
        assert await gone(pids)
        assert await run.parallel(divmod, 9, 4) == (2, 1)  # a new pool starts on demand
    finally:
        run.shutdown()


CHILD = """
import asyncio, os, sys
from bot.executors import Executors

async def main():
    run = Executors(processes=2)
    pids = set(await asyncio.gather(*(run.parallel(os.getpid) for _ in range(8))))
    with open(sys.argv[1] + ".tmp", "w") as out:
        out.write(" ".join(map(str, pids)))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    await asyncio.sleep(600)

if __name__ == "__main__":
    asyncio.run(main())
"""


async def test_workers_exit_when_the_main_process_is_killed(tmp_path: Path) -> None:
    script, written = tmp_path / "child.py", tmp_path / "workers"
    script.write_text(CHILD)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        str(written),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,  # its resource tracker reports what it cleans up
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not written.exists():
            assert time.monotonic() < deadline and child.returncode is None
            await asyncio.sleep(0.05)
        workers = {int(pid) for pid in written.read_text().split()}
        assert workers and all(alive(pid) for pid in workers)
    finally:
        child.send_signal(signal.SIGKILL)  # no chance to stop its pool
        await child.wait()
    assert await gone(workers)
