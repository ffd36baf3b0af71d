"""`newsbot chat`: the real application in a terminal session, against a temporary database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.config import Settings, load_settings

try:
    from bot.telegram.chat import NO_ARTICLES, WELCOME, button_line, chat_session, to_terminal
except ImportError as exc:  # the application's modules are still being written
    pytest.skip(f"bot.telegram.chat cannot be imported yet: {exc}", allow_module_level=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        {"NEWSBOT_DB": str(tmp_path / "chat.db"), "NEWSBOT_FEEDS": ""}, env_file=None
    )


async def converse(settings: Settings, typed: str) -> str:
    stdout = io.StringIO()
    assert await chat_session(settings, io.StringIO(typed), stdout) == 0
    return stdout.getvalue()


async def test_help_and_latest_are_answered(settings: Settings) -> None:
    output = await converse(settings, "/help\n/latest\n")
    assert output.startswith(WELCOME + NO_ARTICLES)  # the database is empty: how to fill it
    before_latest, _, after_latest = output.partition("> /latest\n")
    assert "> /help\n" in before_latest
    assert "/latest [N] [topic]" in before_latest and "/summary" in before_latest
    assert "<b>" not in output and "&lt;" not in output  # HTML turned into plain text
    assert "\x1b[" not in output  # no ANSI styles when stdout is not a terminal
    assert "I follow no feeds yet; an admin can add one with /addfeed <url>." in after_latest


async def test_quit_ends_the_session_before_the_rest_of_the_input(settings: Settings) -> None:
    output = await converse(settings, "\n/quit\n/help\n")
    assert "> /help" not in output


async def test_buttons_are_numbered_and_pressed_with_bang(settings: Settings) -> None:
    output = await converse(settings, "!1\n/subscribe bitcoin\n/subscriptions\n!2\n!1\n")
    assert "(no message with buttons to press)" in output
    listing = output.partition("> /subscriptions\n")[2]
    assert "[1] " in listing and "bitcoin" in listing
    assert "(no button 2: the last message has 1 to 1)" in output
    pressed = output.rpartition("> !1\n")[2]
    assert "[notice] Unsubscribed from bitcoin" in pressed
    assert "(edited) " in pressed


def test_terminal_text_spells_out_links_and_styles_only_for_terminals() -> None:
    text = "😀 Title here and docs"
    entities = [
        {"type": "bold", "offset": 3, "length": 10},
        {"type": "text_link", "offset": 3, "length": 5, "url": "https://x.org/a"},
        {"type": "italic", "offset": 18, "length": 4},
        {"type": "text_link", "offset": 18, "length": 4, "url": "docs"},  # shown as is
    ]
    assert to_terminal(text, entities, ansi=False) == "😀 Title (https://x.org/a) here and docs"
    assert to_terminal(text, entities, ansi=True) == (
        "😀 \x1b[1mTitle (https://x.org/a) here\x1b[22m and \x1b[3mdocs\x1b[23m"
    )


def test_button_line_numbers_buttons_across_rows() -> None:
    buttons = [{"text": "More", "callback_data": "m"}, {"text": "Unsubscribe", "url": "u"}]
    assert button_line(buttons) == "[1] More  [2] Unsubscribe"
