"""The Telegram token never appears in logs or error messages, even with logging at DEBUG.

The CLI runs as real processes with `-v` (DEBUG) and NEWSBOT_LOG_LEVEL=DEBUG while fetches
fail, settings are wrong, and Telegram (the Bot API emulator) rejects the token; the Newsroom
runs in-process with every logger at DEBUG while its fetches fail.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import NewsbotError
from bot.newsroom import Newsroom
from tests.support.botapi_http import BotAPIServer
from tests.support.crash import newsbot_env
from tests.support.httpserver import LocalHTTPServer
from tests.support.newsroom import local_settings

TOKEN = "987654321:AAHsecret-token-VALUE_for-tests"
SECRET = TOKEN.split(":", 1)[1]  # the part that must never show, even without the bot id


def closed_url() -> str:
    """A URL on a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/feed"


async def newsbot(workdir: Path, *argv: str, **env: str) -> tuple[int, str]:
    """Run `python -m bot -v ARGV` with the token set and logging at DEBUG; (status, output)."""
    environment = newsbot_env(
        workdir / "secrets.db", TELEGRAM_BOT_TOKEN=TOKEN, NEWSBOT_LOG_LEVEL="DEBUG", **env
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "-v", *argv],
        env=environment,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


async def test_the_cli_at_debug_never_shows_the_token(
    tmp_path: Path, http_server: LocalHTTPServer
) -> None:
    broken = http_server.add("/broken", "oops", status=500)
    missing = http_server.add("/missing", "gone", status=404)
    outputs: dict[str, tuple[int, str]] = {
        "feeds add": await newsbot(tmp_path, "feeds", "add", closed_url()),
        "feeds add --no-check": await newsbot(tmp_path, "feeds", "add", "--no-check", broken),
        "ingest": await newsbot(tmp_path, "ingest"),
        "summarize": await newsbot(tmp_path, "summarize", missing),
        "bad setting": await newsbot(tmp_path, "latest", NEWSBOT_KEY_POINTS="many"),
    }
    assert {name: status for name, (status, _) in outputs.items()} == {
        "feeds add": 1,
        "feeds add --no-check": 0,
        "ingest": 1,
        "summarize": 1,
        "bad setting": 2,
    }
    assert " DEBUG " in outputs["ingest"][1]  # logging really was at DEBUG
    for name, (_, output) in outputs.items():
        assert SECRET not in output, name


async def test_newsbot_run_at_debug_never_shows_the_token(tmp_path: Path) -> None:
    """PTB logs its API URL, token included, at DEBUG; Telegram here rejects the token."""
    async with BotAPIServer(valid_token="111:another-token") as telegram:
        status, output = await newsbot(tmp_path, "run", TELEGRAM_API_BASE_URL=telegram.base_url)
    assert status == 1 and "Telegram rejected the bot token" in output
    assert " DEBUG " in output
    assert SECRET not in output


async def test_the_newsroom_at_debug_never_logs_the_token(
    tmp_path: Path, http_server: LocalHTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    room = Newsroom(local_settings(tmp_path, telegram_token=TOKEN))
    await room.open()
    errors: list[str] = []
    try:
        for url in (closed_url(), http_server.add("/broken", "oops", status=500)):
            with pytest.raises(NewsbotError) as refused:
                await room.add_feed(url)
            errors.append(str(refused.value))
            await room.add_feed_unchecked(url)
            with pytest.raises(NewsbotError) as unread:
                await room.summarize(url)
            errors.append(str(unread.value))
        report = await room.ingest()
    finally:
        await room.close()
    assert report.feeds_failed == 2 and len(errors) == 4
    assert "failed (1 in a row)" in caplog.text  # the failures were logged
    assert SECRET not in caplog.text
    assert not any(SECRET in error for error in errors)
