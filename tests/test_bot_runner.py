"""runner.run in a real process: long polling or a webhook server, stopped by a signal."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.botapi_http import BotAPIServer
from tests.support.telegram import ALICE, TOKEN

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 30.0
SCRIPT = """
import sys
from bot.config import load_settings
from bot.errors import NewsbotError
from bot.telegram.runner import run
kwargs = {}
if len(sys.argv) > 1:
    kwargs = dict(webhook_url=sys.argv[1], listen="127.0.0.1", port=int(sys.argv[2]),
                  secret_token=sys.argv[3])
try:
    code = run(load_settings(env_file=None), **kwargs)
except NewsbotError as exc:
    print(exc, file=sys.stderr)
    code = 1
raise SystemExit(code)
"""


@asynccontextmanager
async def bot_process(
    server: BotAPIServer, tmp_path: Path, *args: str, token: str = TOKEN
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`run()` in a child process, talking to the emulator; killed if still running after."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "NEWSBOT_DB": str(tmp_path / "run.db"),
        "NEWSBOT_FEEDS": "",
        "PYTHONPATH": str(ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SCRIPT,
        *args,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def stop(process: asyncio.subprocess.Process, how: signal.Signals) -> tuple[int, str]:
    process.send_signal(how)
    async with asyncio.timeout(START_SECONDS):
        _, stderr = await process.communicate()
    return process.returncode or 0, stderr.decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
async def test_polling_serves_until_a_signal_then_shuts_down_cleanly(
    api_server: BotAPIServer, tmp_path: Path, how: signal.Signals
) -> None:
    async with bot_process(api_server, tmp_path) as process:
        update = api_server.push_message("/help", chat_id=ALICE, user_id=ALICE)  # waits for the bot
        await api_server.wait_for("sendMessage", timeout=START_SECONDS)
        code, stderr = await stop(process, how)
    assert code == 0 and "Traceback" not in stderr, stderr
    assert "key points" in api_server.sent_messages(ALICE)[0]["text"]
    assert api_server.updates.confirmed >= update["update_id"], stderr  # confirmed before exiting
    assert not (tmp_path / "run.db-wal").exists(), stderr  # the database was closed properly


async def test_webhook_mode_takes_updates_over_https_path_with_the_secret(
    api_server: BotAPIServer, tmp_path: Path
) -> None:
    port = free_port()
    url = "https://bot.example.com/hook/abc"
    async with bot_process(api_server, tmp_path, url, str(port), "s3cret") as process:
        (registered,) = await api_server.wait_for("setWebhook", timeout=START_SECONDS)
        assert registered.params["url"] == url
        assert registered.params["secret_token"] == "s3cret"
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": ALICE, "type": "private", "first_name": "Alice"},
                "from": {"id": ALICE, "is_bot": False, "first_name": "Alice"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        hook = f"http://127.0.0.1:{port}/hook/abc"
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # the server starts listening right after setWebhook
                try:
                    wrong = await client.post(
                        hook,
                        content=json.dumps(update),
                        headers={
                            "Content-Type": "application/json",
                            "X-Telegram-Bot-Api-Secret-Token": "wrong",
                        },
                    )
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            assert wrong.status_code == 403
            right = await client.post(
                hook,
                content=json.dumps(update),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": "s3cret",
                },
            )
            assert right.status_code == 200
        (reply,) = await api_server.wait_for("sendMessage", timeout=START_SECONDS)
        assert "key points" in reply.result["text"]
        code, stderr = await stop(process, signal.SIGTERM)
    assert code == 0, stderr


async def test_a_rejected_token_is_a_one_line_error(
    api_server: BotAPIServer, tmp_path: Path
) -> None:
    async with bot_process(api_server, tmp_path, token="999:wrong") as process:
        async with asyncio.timeout(START_SECONDS):
            _, stderr = await process.communicate()
    assert process.returncode == 1
    assert stderr.decode().strip().splitlines()[-1] == (
        "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)."
    )
