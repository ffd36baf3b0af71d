"""Bot API request parameters: decoded to Python values, read back with the API's own errors."""

from __future__ import annotations

import json
import re
from typing import Any

# Sent as JSON text in form-encoded requests (PTB JSON-encodes every non-string value).
JSON_PARAMS = frozenset(
    {
        "allowed_updates",
        "button",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "reply_markup",
        "reply_parameters",
        "results",
        "scope",
    }
)
INT_PARAMS = frozenset(
    {
        "cache_time",
        "limit",
        "max_connections",
        "message_id",
        "message_thread_id",
        "offset",
        "reply_to_message_id",
        "user_id",
    }
)
FLOAT_PARAMS = frozenset({"timeout"})
BOOL_PARAMS = frozenset(
    {
        "allow_sending_without_reply",
        "disable_notification",
        "disable_web_page_preview",
        "drop_pending_updates",
        "is_personal",
        "protect_content",
        "show_alert",
    }
)
_INT_RE = re.compile(r"-?[0-9]{1,19}")
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict[str, int] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def answer(self) -> dict[str, Any]:
        """The JSON body the API sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if (name in INT_PARAMS or name == "chat_id") and _INT_RE.fullmatch(value.strip()):
        return int(value)
    if name in FLOAT_PARAMS:
        try:
            return float(value)
        except ValueError:
            return value
    if name in BOOL_PARAMS and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    return value


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Parameters with JSON-encoded values decoded and numbers and flags typed.

    A value that does not decode is kept as sent; reading it with `Params` then fails the
    way the API does.
    """
    return {name: _decode(name, value) for name, value in raw.items()}


class Params:
    """Typed access to one request's decoded parameters."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) is not None

    def get(self, name: str) -> Any:
        """The decoded value, or None."""
        return self.values.get(name)

    def text(self, name: str, default: str = "") -> str:
        """A string parameter."""
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int:
        """An integer parameter; missing without a default is an error."""
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            if value is None:
                raise ApiError(400, f'Bad Request: parameter "{name}" is required')
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        return value

    def number(self, name: str, default: float) -> float:
        """A numeric parameter."""
        value = self.values.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        return float(value)

    def flag(self, name: str) -> bool:
        """A boolean parameter, False when missing."""
        return self.values.get(name) is True

    def structure(self, name: str, kind: type[list[Any]] | type[dict[str, Any]]) -> Any:
        """A JSON-encoded parameter that must decode to `kind` (None when missing)."""
        value = self.values.get(name)
        if value is None or isinstance(value, kind):
            return value
        raise ApiError(400, f"Bad Request: can't parse {name} JSON object")

    def chat_id(self) -> int | str:
        """``chat_id``: a number or an ``@username``."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            return value
        raise ApiError(400, "Bad Request: chat not found")
