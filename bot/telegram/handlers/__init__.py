"""Telegram update handlers, one module per area; app.add_handlers wires them."""
