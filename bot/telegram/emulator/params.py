"""Bot API request parameters, read as each method declares them, with the API's own errors.

A value arrives typed (from the in-process adapter, which gets PTB's parameters as Python
values) or as form text (over HTTP, where PTB sends every non-string value as JSON text);
each reader accepts both, as the real API does, and keeps what it decoded.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

_INT_RE = re.compile(r"-?[0-9]{1,19}")


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


class Params:
    """Typed access to one request's parameters; `values` holds what was read, decoded."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = dict(values)

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) is not None

    def _keep(self, name: str, value: Any) -> Any:
        self.values[name] = value
        return value

    def text(self, name: str, default: str = "") -> str:
        """A string parameter."""
        value = self.values.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, default: int | None = None) -> int:
        """An integer parameter; missing without a default is an error."""
        value = self.values.get(name, default)
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(self._keep(name, int(value)))
        if isinstance(value, bool) or not isinstance(value, int):
            if value is None:
                raise ApiError(400, f'Bad Request: parameter "{name}" is required')
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        return value

    def number(self, name: str, default: float) -> float:
        """A numeric parameter."""
        value = self.values.get(name, default)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = self._keep(name, float(value))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        return float(value)

    def structure(self, name: str, kind: type[list[Any]] | type[dict[str, Any]]) -> Any:
        """A JSON object or array parameter (None when missing)."""
        value = self.values.get(name)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        if value is None:
            return None
        if not isinstance(value, kind):
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object")
        return self._keep(name, value)

    def chat_id(self) -> int:
        """``chat_id``: a number (the bot never names a chat by its @username)."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            return self.integer("chat_id")
        except ApiError:
            raise ApiError(400, "Bad Request: chat not found") from None
