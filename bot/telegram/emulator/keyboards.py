"""Reply markup checked the way the Bot API checks it: keyboard shape, buttons, callback data."""

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
_MARKUP_ERROR = "Bad Request: can't parse reply keyboard markup JSON object"
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


def _rows(markup: dict[str, Any], field: str, kind: str) -> list[list[Any]]:
    rows = markup[field]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, f'Bad Request: field "{field}" of the {kind} must be an Array')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ApiError(400, "Bad Request: reply markup is too long")
    return rows


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate `reply_markup`; return the inline keyboard a sent message shows, if any."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, _MARKUP_ERROR)
    if "inline_keyboard" in markup:
        for row in _rows(markup, "inline_keyboard", "InlineKeyboardMarkup"):
            for button in row:
                _inline_button(button)
        return {"inline_keyboard": markup["inline_keyboard"]}
    if "keyboard" in markup:
        for row in _rows(markup, "keyboard", "ReplyKeyboardMarkup"):
            for button in row:
                if not isinstance(button, str) and not (
                    isinstance(button, dict) and isinstance(button.get("text"), str)
                ):
                    raise ApiError(400, "Bad Request: can't parse keyboard button")
        return None
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return None
    raise ApiError(400, _MARKUP_ERROR)


def check_inline_keyboard(markup: Any) -> dict[str, Any] | None:
    """Validate a `reply_markup` that may only be an inline keyboard (edits, inline results)."""
    if markup is not None and not (isinstance(markup, dict) and "inline_keyboard" in markup):
        raise ApiError(400, "Bad Request: inline keyboard expected")
    return check_reply_markup(markup)


def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of a message's inline keyboard, row by row, left to right."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]
