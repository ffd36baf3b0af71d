"""Run `python -m bot` as a real child process on a temp database, and kill it mid-work."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0  # seconds a condition may take before the test gives up
ASYNC_WAIT_SECONDS = 60.0  # the same, for the async waits
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d [\d:,]+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: ")


def newsbot_env(db_path: Path, **overrides: str) -> dict[str, str]:
    """A child's environment: this database, no configured feeds, 127.0.0.1 allowed, no delay.

    Every NEWSBOT_* and TELEGRAM_* variable of the test process is left out.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    env.update(
        NEWSBOT_DB=str(db_path),
        NEWSBOT_FEEDS="",
        NEWSBOT_ALLOW_PRIVATE_URLS="1",
        NEWSBOT_FETCH_HOST_DELAY="0",
        PYTHONPATH=str(ROOT),
    )
    env.update(overrides)
    return env


class Child:
    """One `python -m bot ARGS...` process; stdout and stderr go to `<workdir>/<name>.log`."""

    def __init__(self, args: list[str], env: dict[str, str], workdir: Path, name: str) -> None:
        self.log = workdir / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                env=env,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches its workers
            )

    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL the process and every process it started, as a service manager stopping
        a hung service does; reap it; return whether it was still running.

        The whole group, because worker processes of a pool whose parent was SIGKILLed alone
        stay behind (each one holds its own queue's pipe open).
        """
        was_running = self.running()
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return was_running

    def wait(self, timeout: float = START_TIMEOUT) -> int:
        """Wait for the process to exit by itself; return its exit code."""
        return self.process.wait(timeout)

    def output(self) -> str:
        """Everything the process printed so far."""
        return self.log.read_text(errors="replace")


def count_rows(db_path: Path, table: str) -> int:
    """Rows in `table` as a read-only reader sees them now (0 before the table exists)."""
    if not db_path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:  # the child has not created the table yet
        return 0


def wait_until(condition: Callable[[], bool], child: Child, poll: float = 0.002) -> bool:
    """Wait until `condition()` holds (True) or the child exits first (False)."""
    deadline = time.monotonic() + START_TIMEOUT
    while not condition():
        if not child.running():
            return False
        if time.monotonic() > deadline:
            raise TimeoutError(f"the condition never held; child output:\n{child.output()}")
        time.sleep(poll)
    return True


def integrity(db_path: Path) -> tuple[str, str]:
    """PRAGMA integrity_check, and the FTS5 index's own check ("ok" when it matches the table)."""
    with closing(sqlite3.connect(db_path, timeout=10)) as conn:
        check = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        try:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            return check, str(exc)
        return check, "ok"


async def until(condition: Callable[[], bool], child: Child, what: str) -> None:
    """Wait (without blocking the event loop, e.g. an emulator's) until `condition()` holds
    while the child runs."""
    deadline = time.monotonic() + ASYNC_WAIT_SECONDS
    while not condition():
        assert child.running(), f"the bot exited while waiting for {what}:\n{child.output()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{child.output()}"
        await asyncio.sleep(0.01)


async def exit_code(child: Child) -> int:
    """Wait (without blocking the event loop) for the child to exit; its exit code."""
    deadline = time.monotonic() + ASYNC_WAIT_SECONDS
    while child.running():
        assert time.monotonic() < deadline, f"the bot did not exit:\n{child.output()}"
        await asyncio.sleep(0.05)
    return child.process.returncode


def printed_lines(output: str) -> list[str]:
    """A child's output without its log records: what it printed for the user."""
    return [line for line in output.splitlines() if not LOG_RECORD.match(line)]
