"""Live mode: every create, update, delete and action asks first on a terminal; --yes skips the
question; with no terminal and no --yes the command is refused (exit 2). Test mode never asks."""

from __future__ import annotations

import pytest

from tests.fakeserver import Reply

from .conftest import LIVE_KEY, TEST_KEY

CUSTOMER = {"id": "cus_1", "object": "customer", "name": "Jo"}


@pytest.fixture
def live_profile(logged_in, api):
    logged_in(TEST_KEY)
    logged_in(LIVE_KEY)
    api.reset()
    api.on("POST", "/v1/customers", Reply(200, json=CUSTOMER), repeat=True)
    api.on("DELETE", "/v1/customers/cus_1", Reply(200, json={"id": "cus_1", "deleted": True}), repeat=True)
    api.on("GET", "/v1/customers/cus_1", Reply(200, json=CUSTOMER), repeat=True)
    return api


CREATE = ("customers", "create", "--name", "Jo", "--email", "jo@example.com", "--live", "-o", "json")


def test_yes_at_the_terminal_sends(live_profile, run_cli):
    result = run_cli(*CREATE, stdin="y\n", tty=True)
    assert result.exit_code == 0, result.stderr
    assert [r.method for r in live_profile.requests] == ["POST"]
    assert live_profile.requests[0].header("Authorization") == f"Bearer {LIVE_KEY}"
    prompt = result.stderr
    assert "LIVE MODE" in prompt
    assert "account acct_1Fake (Acme Test)" in prompt
    assert "profile default" in prompt
    assert "sk_live_...wxyz" in prompt
    assert "POST /v1/customers" in prompt
    assert "name=Jo" in prompt and "email=jo@example.com" in prompt
    assert "[y/N]" in prompt
    assert '"id": "cus_1"' in result.stdout
    assert LIVE_KEY not in result.output


def test_no_at_the_terminal_aborts(live_profile, run_cli):
    result = run_cli(*CREATE, stdin="n\n", tty=True)
    assert result.exit_code == 1
    assert "aborted: nothing was sent" in result.stderr
    assert live_profile.requests == []
    assert result.stdout == ""


@pytest.mark.parametrize("answer", ["\n", "", "maybe\n"], ids=["enter", "eof", "other"])
def test_anything_but_yes_aborts(live_profile, run_cli, answer):
    result = run_cli(*CREATE, stdin=answer, tty=True)
    assert result.exit_code == 1
    assert live_profile.requests == []


def test_yes_flag_skips_the_question(live_profile, run_cli):
    result = run_cli(*CREATE, "--yes", tty=True)
    assert result.exit_code == 0, result.stderr
    assert "[y/N]" not in result.stderr
    assert len(live_profile.requests) == 1


def test_without_a_terminal_and_without_yes_the_command_is_refused(live_profile, run_cli):
    result = run_cli(*CREATE, stdin="y\n", tty=False)
    assert result.exit_code == 2
    assert "--yes" in result.stderr and "POST /v1/customers" in result.stderr
    assert live_profile.requests == []
    assert len(result.stderr.strip().splitlines()) == 1


def test_without_a_terminal_yes_sends(live_profile, run_cli):
    result = run_cli(*CREATE, "-y", tty=False)
    assert result.exit_code == 0, result.stderr
    assert len(live_profile.requests) == 1


def test_delete_asks_too(live_profile, run_cli):
    result = run_cli("customers", "delete", "cus_1", "--live", tty=False)
    assert result.exit_code == 2
    assert "DELETE /v1/customers/cus_1" in result.stderr
    result = run_cli("customers", "delete", "cus_1", "--live", stdin="yes\n", tty=True)
    assert result.exit_code == 0, result.stderr
    assert [r.method for r in live_profile.requests] == ["DELETE"]


def test_request_command_asks_too(live_profile, run_cli):
    result = run_cli("request", "POST", "/v1/customers", "-d", "name=Jo", "--live", tty=False)
    assert result.exit_code == 2
    assert live_profile.requests == []


def test_reads_never_ask(live_profile, run_cli):
    result = run_cli("customers", "get", "cus_1", "--live", tty=False)
    assert result.exit_code == 0, result.stderr
    assert "[y/N]" not in result.stderr


def test_test_mode_never_asks(live_profile, run_cli):
    result = run_cli("customers", "create", "--name", "Jo", tty=False)
    assert result.exit_code == 0, result.stderr
    assert live_profile.requests[0].header("Authorization") == f"Bearer {TEST_KEY}"
    assert "[y/N]" not in result.stderr and "LIVE" not in result.stderr


def test_dry_run_in_live_mode_sends_nothing_and_asks_nothing(live_profile, run_cli):
    result = run_cli(*CREATE, "--dry-run", tty=False)
    assert result.exit_code == 0, result.stderr
    assert "sk_live_...wxyz" in result.stdout
    assert live_profile.requests == []


def test_a_live_key_from_the_environment_asks_too(live_profile, run_cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_live_envkey999live")
    result = run_cli("customers", "create", "--name", "Jo", "--api-base", live_profile.url, stdin="n\n", tty=True)
    assert result.exit_code == 1
    assert "key from environment" in result.stderr and "account unknown" in result.stderr
    assert live_profile.requests == []


def test_a_restricted_live_key_is_live_too(run_cli, api, logged_in):
    logged_in("rk_live_fake000rrrr", "ops")
    api.on("POST", "/v1/customers", Reply(200, json=CUSTOMER))
    result = run_cli("customers", "create", "--name", "Jo", "--profile", "ops", "--live", tty=False)
    assert result.exit_code == 2
    assert "rk_live_fake000rrrr" not in result.output


def test_long_requests_are_summarised(live_profile, run_cli):
    args = ["request", "POST", "/v1/customers", "--live"]
    for i in range(20):
        args += ["-d", f"metadata[k{i}]={'v' * 100}"]
    result = run_cli(*args, stdin="n\n", tty=True)
    assert result.exit_code == 1
    assert "... and 8 more" in result.stderr
    assert "v" * 100 not in result.stderr
