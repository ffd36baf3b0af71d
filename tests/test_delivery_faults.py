"""Faults around a running bot, with real `newsbot run` processes against the emulator: a second
instance on the same database, a crashed one, the database file deleted or replaced, and a
`newsbot ingest` storing news while the bot runs."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from bot.newsroom import Newsroom
from bot.storage import Storage
from bot.telegram.delivery import DELIVERY_SECONDS
from tests.support.botapi_http import BotAPIServer
from tests.support.crash import Child, exit_code, newsbot_env, printed_lines, until
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import local_settings
from tests.support.telegram import ALICE, NEW_STORY, news_feed

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


async def test_news_stored_by_an_ingest_during_a_run_is_delivered_once(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    db = tmp_path / "shared.db"
    url = http_server.add("/feed.xml", news_feed(), content_type="application/rss+xml")
    room = Newsroom(local_settings(tmp_path, db_path=str(db)))
    await room.open()
    await room.add_feed_unchecked(url)
    await room.ingest()
    await room.subscribe(ALICE, "bitcoin")
    await room.close()
    async with BotAPIServer(valid_token=TOKEN) as emu:
        env = newsbot_env(
            db,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=emu.base_url,
            NEWSBOT_POLL_SECONDS="3600",  # the bot itself polls once, at start, before v2
        )
        child = Child(["run"], env, tmp_path, "run")
        try:
            await until(lambda: polling(emu), child, "the bot polling")
            http_server.add("/feed.xml", news_feed([NEW_STORY]), content_type="application/rss+xml")
            ingest = Child(["ingest"], newsbot_env(db), tmp_path, "ingest")
            assert await exit_code(ingest) == 0, ingest.output()
            await until(lambda: bool(emu.sent_messages(ALICE)), child, "the alert")
            await asyncio.sleep(DELIVERY_SECONDS * 2)  # another delivery run or two
            child.process.send_signal(signal.SIGTERM)
            assert await exit_code(child) == 0, child.output()
        finally:
            child.kill()
        (alert,) = emu.sent_messages(ALICE)
    assert NEW_STORY[1] in alert["text"]
