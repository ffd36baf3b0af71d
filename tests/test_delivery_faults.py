"""Faults around a running bot, with real `newsbot run` processes against the emulator: a second
instance on the same database, a crashed one, and the database file deleted or replaced."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from bot.storage import Storage
from tests.support.botapi_http import BotAPIServer
from tests.support.crash import Child, exit_code, newsbot_env, printed_lines, until

TOKEN = "123:test"


def polling(emu: BotAPIServer, since: int = 0) -> bool:
    """Whether a bot has asked for updates (since the `since`-th call)."""
    return any(call.method == "getUpdates" for call in emu.calls[since:])


def bot(emu: BotAPIServer, db: Path, name: str) -> Child:
    env = newsbot_env(db, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=emu.base_url)
    return Child(["run"], env, db.parent, name)


async def test_a_second_run_on_the_same_database_refuses_and_a_crashed_one_holds_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "one.db"
    Storage(db).close()
    async with BotAPIServer(valid_token=TOKEN) as emu:
        first = bot(emu, db, "first")
        try:
            await until(lambda: polling(emu), first, "the first bot polling")
            second = bot(emu, db, "second")
            assert await exit_code(second) == 1
            pid = first.process.pid
            assert printed_lines(second.output()) == [
                f"newsbot: another newsbot run (pid {pid}) is already using {db}: "
                "stop it first, or point NEWSBOT_DB at another file"
            ]
            assert first.running()
        finally:
            first.kill()  # SIGKILL: no clean-up, the lock must not outlive it
        mark = len(emu.calls)
        third = bot(emu, db, "third")
        try:
            await until(lambda: polling(emu, mark), third, "the bot after a crash polling")
            third.process.send_signal(signal.SIGTERM)
            assert await exit_code(third) == 0, third.output()
        finally:
            third.kill()


def pull_away(db: Path, change: str) -> None:
    """Delete the database (with its WAL), or move another database over it."""
    if change == "deleted":
        for path in db.parent.glob(f"{db.name}*"):
            if path.suffix != ".lock":
                path.unlink()
    else:
        other = db.parent / "other.db"
        Storage(other).close()
        os.replace(other, db)


@pytest.mark.parametrize("change", ["deleted", "replaced"])
async def test_a_deleted_or_replaced_database_stops_the_bot_with_one_line(
    tmp_path: Path, change: str
) -> None:
    db = tmp_path / "watched.db"
    Storage(db).close()
    async with BotAPIServer(valid_token=TOKEN) as emu:
        child = bot(emu, db, change)
        try:
            await until(lambda: polling(emu), child, "the bot polling")
            pull_away(db, change)
            assert await exit_code(child) == 1, child.output()
        finally:
            child.kill()
    assert printed_lines(child.output()) == [
        f"newsbot: stopped: the database file {db} was {change} while newsbot was using it; "
        "put it back (or restore a backup) and start again"
    ]
