"""A local Telegram Bot API for tests, `newsbot chat` and running the bot without Telegram."""

from bot.telegram.emulator.keyboards import inline_buttons
from bot.telegram.emulator.limits import FloodViolation
from bot.telegram.emulator.recorder import Call
from bot.telegram.emulator.server import BotAPIEmulator

__all__ = ["BotAPIEmulator", "Call", "FloodViolation", "inline_buttons"]
