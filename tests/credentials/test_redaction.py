"""The redaction sweep: run a broad set of commands with a known secret key (success, API
errors, --verbose, --dry-run, retries, network failure, an unexpected exception, auth login and
status, live confirmation) and check the key appears in no output: only ``sk_test_...cdef``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakeserver import FakeServer, Reply, stripe_error

from .conftest import account_reply

KEY = "sk_test_51SweepSecretKey0123456789abcdef"
LIVE = "sk_live_fakeSweep0123456"
MASKED = "sk_test_...cdef"
SECRET_PARTS = ("51SweepSecretKey0123456789", "SweepSecretKey")  # no fragment of the key, prefix or not
ROOT = Path(__file__).resolve().parents[2]

CUSTOMER = {"id": "cus_1", "object": "customer", "name": "Jo", "email": "jo@example.com"}
EMPTY = {"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}


def assert_clean(text: str) -> None:
    for secret in (KEY, LIVE, *SECRET_PARTS):
        assert secret not in text, text


@pytest.fixture
def sweep(run_cli, api, monkeypatch, caplog):
    """Run one command with the known key; check stdout, stderr and log records are clean."""
    caplog.set_level(logging.DEBUG)

    def run(*args: str, env_key: bool | str = True, **kw):
        if env_key:
            monkeypatch.setenv("STRIPE_API_KEY", KEY if env_key is True else env_key)
        else:
            monkeypatch.delenv("STRIPE_API_KEY", raising=False)
        monkeypatch.setenv("STRIPE_API_BASE", api.url)
        result = run_cli(*args, **kw)
        assert_clean(result.stdout)
        assert_clean(result.stderr)
        assert_clean(caplog.text)
        return result

    return run


def test_success_and_verbose(sweep, api):
    api.on("GET", "/v1/customers/cus_1", Reply(200, json=CUSTOMER, headers={"Request-Id": "req_1"}), repeat=True)
    assert sweep("customers", "get", "cus_1").exit_code == 0
    result = sweep("customers", "get", "cus_1", "--verbose", "-o", "table")
    assert result.exit_code == 0
    assert "> GET" in result.stderr
    assert api.requests[-1].header("Authorization") == f"Bearer {KEY}"  # the real key was sent


@pytest.mark.parametrize("status,body,code", [
    (400, stripe_error("invalid_request_error", "Received unknown parameter: foo", param="foo"), 1),
    (401, stripe_error("invalid_request_error", "Invalid API Key provided: sk_test_" + "*" * 24 + "cdef"), 3),
    (403, stripe_error("invalid_request_error", "The provided key 'rk_test_***cdef' does not have access"), 3),
    (404, stripe_error("invalid_request_error", "No such customer: 'cus_nope'", code="resource_missing"), 4),
])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_api_errors(sweep, api, status, body, code, fmt):
    api.on("GET", "/v1/customers/cus_nope", Reply(status, json=body))
    result = sweep("customers", "get", "cus_nope", "-o", fmt, "--verbose")
    assert result.exit_code == code


def test_dry_run(sweep, api):
    result = sweep("customers", "create", "--name", "Jo", "--dry-run", "--verbose")
    assert result.exit_code == 0
    assert f"Authorization: Bearer {MASKED}" in result.stdout
    result = sweep("request", "GET", "/v1/customers", "-d", "limit=3", "--dry-run")
    assert MASKED in result.stdout
    assert api.requests == []


def test_retries(sweep, api):
    api.on("GET", "/v1/customers", Reply(500, json=stripe_error("api_error", "try again"), headers={"Retry-After": "0"}),
           Reply(409, json=stripe_error("api_error", "conflict"), headers={"Retry-After": "0"}),
           Reply(200, json=EMPTY))
    result = sweep("customers", "list", "--verbose")
    assert result.exit_code == 0
    assert "retrying" in result.stderr
    assert len(api.requests) == 3


def test_retries_running_out_and_network_failure(sweep, api):
    api.on("GET", "/v1/customers", Reply(503, json=stripe_error("api_error", "down"), headers={"Retry-After": "0"}), repeat=True)
    assert sweep("customers", "list", "--verbose", "--max-retries", "1").exit_code == 1
    api.on("GET", "/v1/balance", Reply(drop=True), repeat=True)
    assert sweep("request", "GET", "/v1/balance", "--verbose", "--max-retries", "0").exit_code == 6


def test_pagination(sweep, api):
    api.on("GET", "/v1/customers",
           Reply(200, json={"object": "list", "data": [CUSTOMER], "has_more": True, "url": "/v1/customers"}),
           Reply(200, json={"object": "list", "data": [dict(CUSTOMER, id="cus_2")], "has_more": False}))
    assert sweep("customers", "list", "--all", "--verbose", "-o", "jsonl").exit_code == 0


def test_unexpected_exception(sweep, api, monkeypatch):
    from stripecli.api.client import StripeClient

    def boom(self, prepared):
        raise RuntimeError(f"something broke while sending {prepared.headers['Authorization']} ({self.config!r})")

    monkeypatch.setattr(StripeClient, "send_prepared", boom)
    result = sweep("customers", "get", "cus_1", "--verbose")
    assert result.exit_code == 1
    assert "unexpected RuntimeError" in result.stderr
    assert MASKED in result.stderr
    assert "Traceback" not in result.stderr


def test_unexpected_exception_from_the_keyring(sweep, monkeypatch):
    from .conftest import DictKeyring, install_keyring

    class Broken(DictKeyring):
        def set_password(self, service, username, password):
            raise ValueError(f"dbus refused {password!r}")

    install_keyring(Broken())
    result = sweep("auth", "login", "--api-key-stdin", "--no-verify", env_key=False, stdin=KEY)
    assert result.exit_code == 3
    assert MASKED in result.stderr


def test_the_api_key_flag_warns_and_is_masked(sweep, api):
    api.on("GET", "/v1/customers/cus_1", Reply(200, json=CUSTOMER))
    result = sweep("customers", "get", "cus_1", "--api-key", KEY, "--verbose", env_key=False)
    assert result.exit_code == 0
    assert "warning: --api-key is visible to other users of this machine" in result.stderr


def test_auth_login_status_list(sweep, api, config_dir):
    api.on("GET", "/v1/account", account_reply(), repeat=True)
    result = sweep("auth", "login", "--api-key-stdin", "--verbose", env_key=False, stdin=KEY + "\n")
    assert result.exit_code == 0
    assert MASKED in result.stderr
    result = sweep("auth", "status", "--verbose", env_key=False)
    assert result.exit_code == 0
    assert f"key: {MASKED}" in result.stdout
    assert sweep("auth", "status", "-o", "json", env_key=False).exit_code == 0
    assert sweep("auth", "status", "--api-key", KEY, env_key=False).exit_code == 0
    assert sweep("auth", "status").exit_code == 0
    assert sweep("auth", "list", env_key=False).exit_code == 0
    assert sweep("auth", "list", "-o", "json", env_key=False).exit_code == 0
    for path in config_dir.iterdir():
        assert_clean(path.read_text())


def test_auth_login_and_status_failures(sweep, api):
    api.on("GET", "/v1/account", Reply(401, json=stripe_error("invalid_request_error", "Invalid API Key provided")), repeat=True)
    assert sweep("auth", "login", "--api-key-stdin", "-v", env_key=False, stdin=KEY).exit_code == 3
    assert sweep("auth", "status", "-v").exit_code == 3
    assert sweep("auth", "login", "--api-key-stdin", "--no-verify", env_key=False, stdin=KEY).exit_code == 0
    assert sweep("auth", "status", env_key=False).exit_code == 3
    assert sweep("auth", "logout", env_key=False).exit_code == 0


def test_live_confirmation(sweep, api, monkeypatch):
    api.on("POST", "/v1/customers", Reply(200, json=CUSTOMER), repeat=True)
    codes = []
    for tty, stdin in ((True, "n\n"), (True, "y\n"), (False, "")):
        result = sweep("customers", "create", "--name", "Jo", "-v", env_key=LIVE, stdin=stdin, tty=tty)
        codes.append(result.exit_code)
        if tty:
            assert "key sk_live_...3456" in result.stderr
    assert codes == [1, 0, 2]


def test_errors_before_sending(sweep, monkeypatch):
    assert sweep("customers", "list", "--live").exit_code == 2          # --live with a test key
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    assert sweep("customers", "create", "--bogus", "1").exit_code == 2
    assert sweep("customers", "get", "--dry-run").exit_code == 2


# -- the same, in a real process -------------------------------------------------------------


def _subprocess_env(config_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "STRIPECLI_", "PYTHON_KEYRING"))}
    env.update({
        "STRIPECLI_CONFIG_DIR": str(config_dir),
        # never the operator's keyring: the null backend stores nothing
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def _stripecli(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stripecli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60, cwd=str(ROOT))


def test_in_a_real_process(tmp_path):
    with FakeServer() as server:
        server.on("GET", "/v1/customers/cus_1", Reply(500, headers={"Retry-After": "0"}), Reply(200, json=CUSTOMER))
        server.on("GET", "/v1/customers/cus_404", Reply(404, json=stripe_error(message="No such customer: 'cus_404'")))
        server.on("GET", "/v1/account", account_reply(), repeat=True)
        env = _subprocess_env(tmp_path / "config", STRIPE_API_KEY=KEY, STRIPE_API_BASE=server.url)
        runs = [
            _stripecli(["customers", "get", "cus_1", "--verbose"], env),
            _stripecli(["customers", "get", "cus_404", "-o", "json"], env),
            _stripecli(["customers", "create", "--name", "Jo", "--dry-run", "-v"], env),
            _stripecli(["auth", "status", "-v"], env),
        ]
        assert [r.returncode for r in runs] == [0, 4, 0, 0], [r.stderr for r in runs]
        assert "retrying" in runs[0].stderr
        assert MASKED in runs[2].stdout

        no_env_key = _subprocess_env(tmp_path / "config", STRIPE_API_BASE=server.url)
        refused = _stripecli(["auth", "login", "--api-key-stdin"], no_env_key, stdin=KEY + "\n")
        assert refused.returncode == 3  # the null backend: no keyring on this "machine"
        assert "--insecure-storage" in refused.stderr
        stored = _stripecli(["auth", "login", "--api-key-stdin", "--insecure-storage"], no_env_key, stdin=KEY + "\n")
        assert stored.returncode == 0, stored.stderr
        status = _stripecli(["auth", "status"], no_env_key)
        assert status.returncode == 0, status.stderr
        assert "source: file" in status.stdout
        runs += [refused, stored, status]
    for r in runs:
        assert_clean(r.stdout)
        assert_clean(r.stderr)
    assert_clean((tmp_path / "config" / "profiles.toml").read_text())


# -- keys echoed back by an API, a proxy, or pasted as a flag value ------------------------------


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_an_api_error_that_echoes_the_key(sweep, api, fmt):
    api.on("GET", "/v1/customers", Reply(401, json=stripe_error("invalid_request_error", f"Invalid API Key provided: {KEY}")))
    sweep("customers", "list", "-o", fmt)


def test_a_proxy_error_page_that_echoes_the_key(sweep, api):
    api.on("GET", "/v1/customers", Reply(502, body=f"upstream rejected {KEY}"))
    sweep("customers", "list", "--max-retries", "0")


@pytest.mark.parametrize("argv", [["customers", "list", "--limit", KEY], ["customers", "list", "-o", KEY]],
                         ids=["click-usage-error", "cli-error"])
def test_a_key_pasted_as_a_flag_value(sweep, argv):
    sweep(*argv)


def test_credentials_do_not_show_the_key_in_repr():
    from stripecli.credentials import Credentials

    creds = Credentials(KEY, "keyring", "default", account="acct_1")
    assert_clean(repr(creds))
    assert_clean(str(creds))
    assert MASKED in repr(creds)
