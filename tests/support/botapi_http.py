"""The Bot API emulator over HTTP on 127.0.0.1, for tests that run the bot as a child process.

Built on tornado (already installed: PTB's webhook server). PTB sends form fields (JSON text
for non-strings); the emulator reads them as each method declares. A request whose client
hangs up (a long poll the bot gave up on) is cancelled, so it is not recorded.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Self

import pytest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.telegram.emulator import BotAPIEmulator
from tests.support.telegram import BOT_USERNAME, TOKEN


class _MethodHandler(RequestHandler):
    """``/bot<token>/<method>``: one Bot API call, answered with the emulator's JSON."""

    emulator: BotAPIEmulator
    _call: asyncio.Future[tuple[int, dict[str, Any]]] | None = None

    def initialize(self, emulator: BotAPIEmulator) -> None:
        self.emulator = emulator

    async def post(self, token: str, method: str) -> None:
        params = {name: self.get_argument(name, strip=False) for name in self.request.arguments}
        self._call = asyncio.ensure_future(self.emulator.call(token, method, params))
        try:
            status, answer = await self._call
        except asyncio.CancelledError:
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(answer))

    def on_connection_close(self) -> None:
        if self._call is not None:
            self._call.cancel()


class BotAPIServer(BotAPIEmulator):
    """A BotAPIEmulator that also listens on 127.0.0.1 while in ``async with``."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        routes = [(r"/bot([^/]+)/([^/]+)", _MethodHandler, {"emulator": self})]
        self._server = HTTPServer(Application(routes, log_function=lambda handler: None))
        self.port = 0

    async def __aenter__(self) -> Self:
        sockets = bind_sockets(0, "127.0.0.1")
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.stop()
        await self._server.close_all_connections()

    @property
    def base_url(self) -> str:
        """For ``TELEGRAM_API_BASE_URL`` or ``Bot(base_url=...)``: PTB adds the token."""
        return f"http://127.0.0.1:{self.port}/bot"


@pytest.fixture
async def api_server() -> AsyncIterator[BotAPIServer]:
    """An emulator served over HTTP, for the bot in a child process."""
    async with BotAPIServer(bot_username=BOT_USERNAME, valid_token=TOKEN) as server:
        yield server
