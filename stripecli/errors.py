"""The one error base class. The CLI prints ``error: MESSAGE`` (or JSON with ``-o json``) and
exits with the error's ``exit_code``.

``CliError`` is neutral (no typer, no rich): the API layer's ``StripeError`` derives from it, so
``cli.main`` and the command session handle every failure through one type.
"""

from __future__ import annotations

from stripecli import exit_codes


class CliError(Exception):
    """A failure with a one-line message and an exit code (see ``stripecli help exit-codes``)."""

    exit_code: int = exit_codes.API_ERROR

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def one_line(self) -> str:
        """The message as one line, as ``error: ...`` shows it."""
        return " ".join(str(self.message).split())


class UsageError(CliError):
    """Bad input: a flag, a value, a missing param. Nothing is sent."""

    exit_code = exit_codes.USAGE


class AuthError(CliError):
    """No usable key, or the key was rejected."""

    exit_code = exit_codes.AUTH


class WaitTimeout(CliError):
    """Gave up waiting for an object to reach a state (``test-clocks advance --wait``)."""

    exit_code = exit_codes.WAIT_TIMEOUT
