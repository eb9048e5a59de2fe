"""Shared fixtures for the output layer: captured environments and a deterministic world
(UTC local time, no colour or format variables leaking in from the developer's shell)."""

from __future__ import annotations

import os
import time

import pytest

from stripecli.output.env import Environment


@pytest.fixture(autouse=True)
def _clean_world(monkeypatch: pytest.MonkeyPatch):
    for name in ("NO_COLOR", "STRIPECLI_OUTPUT", "FORCE_COLOR", "COLORTERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    old_tz = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old_tz is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old_tz
    time.tzset()


@pytest.fixture
def pipe() -> Environment:
    """stdout and stderr both piped (a script)."""
    return Environment.captured()


@pytest.fixture
def terminal() -> Environment:
    """stdout and stderr both on a colour terminal, 120 columns wide."""
    return Environment.captured(stdout_isatty=True, stderr_isatty=True, width=120)


class FakeStripeError(Exception):
    """Shaped like stripecli.api.errors.StripeError, which this layer must not import."""

    def __init__(self, message, type=None, code=None, param=None, request_id=None, json_body=None):
        super().__init__(message)
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.json_body = json_body

    def one_line(self) -> str:
        extra = ", ".join(
            f"{k}={v}" for k, v in (("type", self.type), ("code", self.code), ("param", self.param)) if v
        )
        return f"{self.message} ({extra})" if extra else self.message


@pytest.fixture
def stripe_error() -> type[FakeStripeError]:
    return FakeStripeError
