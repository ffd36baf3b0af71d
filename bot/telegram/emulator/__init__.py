"""A model of the Telegram Bot API for tests and `newsbot chat`: no server, no network.

PTB reaches it through `EmulatorRequest`; tests that run the bot as a child process serve
it over HTTP with `tests/support/botapi_http.py`.
"""

from bot.telegram.emulator.keyboards import inline_buttons
from bot.telegram.emulator.limits import FloodViolation
from bot.telegram.emulator.model import BotAPIEmulator
from bot.telegram.emulator.recorder import Call
from bot.telegram.emulator.request import EmulatorRequest

__all__ = ["BotAPIEmulator", "Call", "EmulatorRequest", "FloodViolation", "inline_buttons"]
