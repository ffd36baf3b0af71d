"""newsbot: a Telegram bot that reads news feeds and tells you the key points."""

__version__ = "0.1.0"
