"""Isolation for the credentials tests: a temporary config dir, an in-memory keyring, and none
of the operator's STRIPE_* variables. No test here touches a real keyring or config file.

Fixture names are distinct from the suite-wide ones in ``tests/conftest.py`` on purpose.
"""

from __future__ import annotations

import io
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from tests.fakeserver import FakeServer, Reply

TEST_KEY = "sk_test_fake123abcd"
LIVE_KEY = "sk_live_fake456wxyz"
ACCOUNT = {
    "id": "acct_1Fake",
    "object": "account",
    "settings": {"dashboard": {"display_name": "Acme Test"}},
    "business_profile": {"name": "Acme Inc"},
}


class DictKeyring(KeyringBackend):
    """Keeps items in a dict. It has no ``priority`` (the base class's raises), so keyring never
    picks it by itself: it is used only where a test installs it with ``keyring.set_keyring``."""

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.calls: list[tuple[str, str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get", service, username))
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set", service, username))
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append(("delete", service, username))
        try:
            del self.items[(service, username)]
        except KeyError:
            raise PasswordDeleteError("no such item") from None


class HangingKeyring(DictKeyring):
    """Every call blocks until ``release`` is set: a locked Secret Service waiting for a prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait(30)
        super().delete_password(service, username)


def install_keyring(backend: Any) -> None:
    import keyring

    keyring.set_keyring(backend)


@pytest.fixture(autouse=True)
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DictKeyring]:
    import keyring.core

    for name in ("STRIPE_API_KEY", "STRIPE_PROFILE", "STRIPE_API_BASE", "STRIPECLI_OUTPUT",
                 "STRIPECLI_KEYRING_TIMEOUT", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STRIPECLI_CONFIG_DIR", str(tmp_path / "config"))
    previous = keyring.core._keyring_backend
    backend = DictKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.core._keyring_backend = previous


@pytest.fixture
def config_dir(memory_keyring: DictKeyring) -> Path:
    import os

    return Path(os.environ["STRIPECLI_CONFIG_DIR"])


class FakeStdin(io.StringIO):
    """stdin with its answers queued; a terminal or a pipe, as the test says."""

    def __init__(self, text: str, tty: bool) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """``run_cli("auth", "status", stdin="...", tty=True)``: stripecli in-process, the exit code,
    stdout and stderr apart. ``tty`` makes stdin a terminal (a person at the keyboard)."""
    from stripecli.cli import main

    def run(*args: str, stdin: str = "", tty: bool = False) -> Run:
        monkeypatch.setattr(sys, "stdin", FakeStdin(stdin, tty))
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


@pytest.fixture
def api() -> Iterator[FakeServer]:
    with FakeServer() as server:
        yield server


def account_reply(account: dict | None = None) -> Reply:
    return Reply(200, json=account or ACCOUNT, headers={"Request-Id": "req_acct"})


@pytest.fixture
def logged_in(run_cli: Callable[..., Run], api: FakeServer) -> Callable[..., Run]:
    """Log a profile in by stdin against the fake API: ``logged_in(key, profile=None)``."""

    def login(key: str = TEST_KEY, profile: str | None = None, *extra: str) -> Run:
        api.on("GET", "/v1/account", account_reply())
        args = ["auth", "login", "--api-key-stdin", "--api-base", api.url]
        if profile:
            args += ["--profile", profile]
        result = run_cli(*args, *extra, stdin=key + "\n")
        assert result.exit_code == 0, result.stderr
        return result

    return login
