"""Machines without a usable keyring: no backend (a headless Linux box without Secret Service),
a keyring that errors, and one that hangs (every call gives up after 3 s)."""

from __future__ import annotations

import time

import pytest
from keyring.backends import fail, null
from keyring.errors import KeyringLocked, NoKeyringError

from stripecli import config
from stripecli.credentials import KEYRING_TIMEOUT, keyring_timeout

from .conftest import TEST_KEY, DictKeyring, HangingKeyring, install_keyring


def assert_names_the_choices(stderr: str) -> None:
    assert "STRIPE_API_KEY" in stderr
    assert "stripecli auth login --insecure-storage" in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_login_without_a_keyring_backend_names_the_choices(run_cli, config_dir, backend):
    install_keyring(backend)
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    assert result.exit_code == 3
    assert "no OS keyring is available" in result.stderr
    assert_names_the_choices(result.stderr)
    assert not (config_dir / "profiles.toml").exists()
    assert TEST_KEY not in result.output


def test_a_profile_in_the_keyring_on_a_machine_without_one(run_cli):
    run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    install_keyring(fail.Keyring())
    result = run_cli("customers", "list")
    assert result.exit_code == 3
    assert_names_the_choices(result.stderr)


def test_insecure_storage_works_without_a_keyring(run_cli, api):
    install_keyring(fail.Keyring())
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", "--insecure-storage", "--api-base", api.url,
                     stdin=TEST_KEY)
    assert result.exit_code == 0, result.stderr
    from tests.fakeserver import Reply

    api.on("GET", "/v1/customers", Reply(200, json={"object": "list", "data": [], "has_more": False}))
    assert run_cli("customers", "list").exit_code == 0
    assert api.requests[-1].header("Authorization") == f"Bearer {TEST_KEY}"
    assert run_cli("auth", "logout").exit_code == 0


class RaisingKeyring(DictKeyring):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service, username):
        raise self.exc

    def set_password(self, service, username, password):
        raise self.exc


def test_no_keyring_error_from_a_backend(run_cli):
    install_keyring(RaisingKeyring(NoKeyringError("No recommended backend was available")))
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    assert result.exit_code == 3
    assert "no OS keyring is available" in result.stderr
    assert_names_the_choices(result.stderr)


def test_a_locked_keyring(run_cli):
    install_keyring(RaisingKeyring(KeyringLocked("Failed to unlock the collection!")))
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    assert result.exit_code == 3
    assert "KeyringLocked: Failed to unlock the collection!" in result.stderr
    assert_names_the_choices(result.stderr)


def test_a_keyring_error_quoting_the_key_is_redacted(run_cli):
    install_keyring(RaisingKeyring(RuntimeError(f"cannot store {TEST_KEY}\nin collection")))
    result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    assert result.exit_code == 3
    assert TEST_KEY not in result.output
    assert "sk_test_...abcd" in result.stderr


def test_a_hanging_keyring_times_out(run_cli, monkeypatch, config_dir):
    monkeypatch.setenv("STRIPECLI_KEYRING_TIMEOUT", "0.2")
    hanging = HangingKeyring()
    install_keyring(hanging)
    try:
        started = time.monotonic()
        result = run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
        elapsed = time.monotonic() - started
    finally:
        hanging.release.set()
    assert result.exit_code == 3
    assert "did not answer within 0.2 s" in result.stderr
    assert_names_the_choices(result.stderr)
    assert elapsed < 2
    assert not (config_dir / "profiles.toml").exists()


def test_a_hanging_keyring_times_out_when_reading_a_profile(run_cli, monkeypatch):
    run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    monkeypatch.setenv("STRIPECLI_KEYRING_TIMEOUT", "0.2")
    hanging = HangingKeyring()
    install_keyring(hanging)
    try:
        started = time.monotonic()
        result = run_cli("customers", "list")
        elapsed = time.monotonic() - started
    finally:
        hanging.release.set()
    assert result.exit_code == 3
    assert "did not answer within 0.2 s" in result.stderr
    assert elapsed < 2


def test_the_default_timeout_is_3_seconds(monkeypatch):
    assert KEYRING_TIMEOUT == 3.0
    assert keyring_timeout() == 3.0
    monkeypatch.setenv("STRIPECLI_KEYRING_TIMEOUT", "nonsense")
    assert keyring_timeout() == 3.0
    monkeypatch.setenv("STRIPECLI_KEYRING_TIMEOUT", "0.5")
    assert keyring_timeout() == 0.5


def test_logout_keeps_the_profile_when_the_keyring_is_gone(run_cli, memory_keyring):
    run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    install_keyring(fail.Keyring())
    result = run_cli("auth", "logout")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: profile 'default' is kept: its key could not be deleted from the OS keyring")
    assert result.stderr.strip().endswith("run 'stripecli auth logout' again once the keyring answers")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Logged out" not in result.output
    assert "default" in config.load_profiles()["profiles"]
    install_keyring(memory_keyring)  # the keyring is back: the key is still there, and now goes
    assert memory_keyring.items
    again = run_cli("auth", "logout")
    assert again.exit_code == 0, again.stderr
    assert memory_keyring.items == {}
    assert config.load_profiles().get("profiles") == {}


def test_logout_while_the_keyring_hangs_keeps_the_profile_and_says_so(run_cli, monkeypatch, memory_keyring):
    run_cli("auth", "login", "--api-key-stdin", "--no-verify", stdin=TEST_KEY)
    monkeypatch.setenv("STRIPECLI_KEYRING_TIMEOUT", "0.2")
    hanging = HangingKeyring()
    hanging.items = memory_keyring.items  # the same stored key, behind a keyring that does not answer
    install_keyring(hanging)
    try:
        started = time.monotonic()
        result = run_cli("auth", "logout")
        elapsed = time.monotonic() - started
    finally:
        hanging.release.set()
    assert result.exit_code == 3
    assert "profile 'default' is kept" in result.stderr and "did not answer within 0.2 s" in result.stderr
    assert "--insecure-storage" not in result.stderr  # advice for login, not for logout
    assert elapsed < 2
    assert "default" in config.load_profiles()["profiles"]


def test_logout_all_removes_what_it_can_and_keeps_the_rest(run_cli, memory_keyring):
    for name in ("a", "b"):
        run_cli("auth", "login", "--profile", name, "--api-key-stdin", "--no-verify", stdin=TEST_KEY)

    class FailsForB(DictKeyring):
        def delete_password(self, service, username):
            if username.startswith("b"):
                raise RuntimeError("locked")
            super().delete_password(service, username)

    failing = FailsForB()
    failing.items = memory_keyring.items
    install_keyring(failing)
    result = run_cli("auth", "logout", "--all")
    assert result.exit_code == 3
    assert "Logged out of profile 'a'." in result.output
    assert "profile 'b' is kept" in result.stderr
    assert sorted(config.load_profiles()["profiles"]) == ["b"]
    assert [user for (_, user) in failing.items] and all(user.startswith("b") for (_, user) in failing.items)
