"""The one exception type whose message is meant for the user, as it is."""


class NewsbotError(Exception):
    """Something the user asked for cannot be done; str(error) is a friendly one-line reply."""
