"""/start, /help, unknown commands, stray text, the commands menu and the error handler."""

from __future__ import annotations

import logging

import pytest

from bot.telegram.emulator import BotAPIEmulator
from tests.support.telegram import (
    ALICE,
    BOB,
    BOT_USERNAME,
    GROUP,
    SUPERGROUP,
    BotHarness,
)


async def test_start_and_help_explain_the_bot_with_examples(harness: BotHarness) -> None:
    for user, command in ((ALICE, "/start"), (BOB, "/help")):
        outcome = await harness.send(command, user=user)
        (text,) = outcome.texts
        assert "key points" in text
        assert "/latest [N] [topic]" in text and "/search <words>" in text
        assert "/subscribe bitcoin" in text and f"@{BOT_USERNAME}" in text
        assert not outcome.errors


async def test_commands_menu_is_published_at_start(
    api: BotAPIEmulator, harness: BotHarness
) -> None:
    (call,) = api.calls_to("setMyCommands")
    names = [c["command"] for c in call.params["commands"]]
    assert call.ok and {"latest", "search", "summary", "subscribe", "help"} <= set(names)
    assert "addfeed" not in names  # admin commands stay out of everyone's menu


async def test_unknown_command_in_private_gets_a_pointer_to_help(harness: BotHarness) -> None:
    outcome = await harness.send("/frobnicate now")
    assert outcome.texts == ["I don't know /frobnicate. Try /help."]


async def test_group_commands_addressed_to_the_bot_work_and_others_are_ignored(
    harness: BotHarness,
) -> None:
    helped = await harness.send(f"/help@{BOT_USERNAME}", chat=GROUP, chat_type="group")
    assert "key points" in helped.text
    unknown = await harness.send(
        f"/frobnicate@{BOT_USERNAME}", chat=SUPERGROUP, chat_type="supergroup"
    )
    assert unknown.texts == ["I don't know /frobnicate. Try /help."]
    for silent in ("/frobnicate", "/help@some_other_bot", "/weather@some_other_bot"):
        outcome = await harness.send(silent, chat=GROUP, chat_type="group")
        assert outcome.messages == [], silent


async def test_plain_text_in_private_gets_a_hint_and_in_groups_nothing(
    harness: BotHarness,
) -> None:
    hint = await harness.send("hello there")
    assert hint.texts == [
        "Send me a link and I'll reply with its key points, or try /search <words>."
    ]
    silent = await harness.send("hello group", chat=GROUP, chat_type="group")
    assert silent.messages == []


async def test_unexpected_error_is_logged_and_the_user_told(
    api: BotAPIEmulator, harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail("sendMessage", error_code=400, description="Bad Request: something odd", chat_id=ALICE)
    with caplog.at_level(logging.ERROR, logger="bot.telegram.handlers.errors"):
        outcome = await harness.send("/help")
    refused, apology = outcome.of("sendMessage")
    assert refused.error == "Bad Request: something odd"
    assert apology.result["text"].startswith("Sorry, something went wrong")
    (record,) = caplog.records
    assert record.exc_info is not None and str(record.exc_info[1]) == "Something odd"


async def test_a_refused_commands_menu_is_logged_and_the_bot_runs_on(
    api: BotAPIEmulator, harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail("setMyCommands", error_code=400, description="Bad Request: BOT_COMMAND_INVALID")
    with caplog.at_level(logging.WARNING, logger="bot.telegram.app"):
        await harness.restart()
    assert "Could not set the bot's commands menu" in caplog.text
    assert "key points" in (await harness.send("/help")).text
