"""Telegram front end: everything that knows about Telegram messages and updates."""
