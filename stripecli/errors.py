"""Errors raised before any request is sent. The CLI prints ``error: MESSAGE`` and exits."""

from __future__ import annotations


class CliError(Exception):
    """A failure with a one-line message and an exit code (see ``stripecli help exit-codes``)."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CliError):
    """Bad input: a flag, a value, a missing param. Exit code 2, nothing is sent."""

    exit_code = 2
