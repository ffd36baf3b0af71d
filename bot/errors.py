"""The one exception type whose message is meant for the user, as it is."""


class NewsbotError(Exception):
    """Something the user asked for cannot be done; str(error) is a friendly one-line reply."""


class UsageError(NewsbotError):
    """A command was given the wrong arguments (the command line exits with code 2)."""
