"""Inline keyboards checked the way the Bot API checks them: shape, buttons, callback data."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.telegram.emulator.params import ApiError

MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
# Exactly one of these makes an inline button do something.
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BUTTON_ERROR = "Bad Request: can't parse inline keyboard button: "


def _inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise ApiError(400, _BUTTON_ERROR + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise ApiError(400, _BUTTON_ERROR + 'Field "text" must be of type String')
    actions = [name for name in INLINE_ACTIONS if name in button]
    if not actions:
        raise ApiError(400, _BUTTON_ERROR + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise ApiError(400, _BUTTON_ERROR + "Only one of the optional fields can be used")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https", "tg") or not parts.netloc:
            raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def check_inline_keyboard(markup: Any) -> dict[str, Any] | None:
    """Validate `reply_markup`; return the inline keyboard a message shows, if any.

    The bot sends inline keyboards only, so other reply markup is not modelled: refused.
    """
    if markup is None:
        return None
    if not isinstance(markup, dict) or set(markup) != {"inline_keyboard"}:
        raise ApiError(400, "Bad Request: only inline keyboards are modelled by the emulator")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array'
        )
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ApiError(400, "Bad Request: reply markup is too long")
    for row in rows:
        for button in row:
            _inline_button(button)
    return {"inline_keyboard": rows}


def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of a message's inline keyboard, row by row, left to right."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]
