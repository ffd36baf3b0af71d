"""PTB's transport for the emulator: each Bot API request is a call into it, no HTTP."""

from __future__ import annotations

import json

from telegram.request import BaseRequest, RequestData

from bot.telegram.emulator.model import BotAPIEmulator


class EmulatorRequest(BaseRequest):
    """A `telegram.request.BaseRequest` answered by a BotAPIEmulator in the same event loop.

    PTB hands over its parameters as Python values (`RequestData.parameters`) and gets the
    JSON bytes Telegram would send, so its own error handling (RetryAfter, ChatMigrated, ...)
    runs unchanged. There is no network, so there is nothing to time out.
    """

    def __init__(self, emulator: BotAPIEmulator) -> None:
        self.emulator = emulator

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer ``<base_url>bot<token>/<method>`` with the emulator's status and JSON."""
        bot_token, name = url.rsplit("/", 2)[-2:]
        params = request_data.parameters if request_data else {}
        status, answer = await self.emulator.call(bot_token.removeprefix("bot"), name, params)
        return status, json.dumps(answer).encode()
