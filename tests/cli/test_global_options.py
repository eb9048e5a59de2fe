"""Global options before the command or after it, one meaning, the command's own winning; the
environment passed to ``main`` instead of patched; the emulator named wherever a key is missing."""

from __future__ import annotations

import json

import pytest

from stripecli.output.env import Environment


def operator_session(cli, place: str) -> list[str]:
    """A short operator session on the emulator, every global flag put ``first`` or ``last``."""

    def run(*words: str, flags: tuple[str, ...] = ()) -> str:
        args = ["--local", *flags]
        line = [*args, *words] if place == "first" else [*words, *args]
        result = cli(*line)
        assert result.exit_code == 0, (line, result.stderr)
        return result.stdout

    customer = run("customers", "create", "--email", "a@example.com", flags=("-o", "id")).strip()
    assert customer.startswith("cus_")
    price = json.loads(run("prices", "create", "--currency", "usd", "--unit-amount", "1200",
                           "--recurring.interval", "month", "--product-data.name", "Pro", flags=("-o", "json")))
    sub = run("billing", "subscriptions", "create", "--customer", customer, "-d", f"items[0][price]={price['id']}",
              "-d", "default_payment_method=pm_card_visa", flags=("-o", "id")).strip()
    assert sub.startswith("sub_")
    listed = run("billing", "subscriptions", "list", "--customer", customer, flags=("-o", "jsonl", "--fields", "id,status"))
    assert [json.loads(line) for line in listed.splitlines()] == [{"id": sub, "status": "active"}]
    emails = run("customers", "list", flags=("-o", "csv", "--fields", "email", "--max-retries", "0", "--timeout", "5"))
    assert emails.splitlines() == ["email", "a@example.com"]
    return [customer, sub]


@pytest.mark.parametrize("place", ["first", "last"])
def test_an_operator_session_with_global_flags_first_or_last(cli, place):
    customer, sub = operator_session(cli, place)
    assert cli("--local", "-o", "id", "customers", "get", customer).stdout.strip() == customer


def test_the_issue_example_creates_a_customer_on_the_emulator(cli):
    result = cli("--local", "-o", "id", "customers", "create", "--email", "a@example.com")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("cus_") and result.stderr == ""


def test_stripe_profile_local_selects_the_emulator(cli_in):
    created = cli_in(Environment.captured(), "--local", "-o", "id", "customers", "create", "--email", "b@example.com")
    assert created.exit_code == 0, created.stderr
    env = Environment.captured()
    env.environ = {**_process_environ(), "STRIPE_PROFILE": "local"}
    listed = cli_in(env, "customers", "list", "-o", "id")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.split() == [created.stdout.strip()]


def test_the_commands_own_value_wins_over_the_roots(cli):
    cli("--local", "customers", "create", "--email", "c@example.com")
    result = cli("-o", "json", "--local", "customers", "list", "-o", "id")
    assert result.exit_code == 0
    assert result.stdout.startswith("cus_") and "{" not in result.stdout
    result = cli("--fields", "id", "--local", "customers", "list", "-o", "csv", "--fields", "email")
    assert result.stdout.splitlines() == ["email", "c@example.com"]


def test_a_root_option_reaches_hand_written_commands(cli):
    result = cli("--dry-run", "--local", "request", "GET", "/v1/balance")
    assert result.exit_code == 0
    assert result.stdout.startswith("curl ") and "127.0.0.1:12111/v1/balance" in result.stdout
    result = cli("-o", "json", "auth", "list")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_dry_run_local_names_the_emulator_not_api_stripe_com(cli):
    for args in (("--dry-run", "--local", "customers", "create", "--email", "a@example.com"),
                 ("customers", "create", "--email", "a@example.com", "--local", "--dry-run")):
        result = cli(*args)
        assert result.exit_code == 0
        assert "api.stripe.com/v1" not in result.stdout
        assert result.stdout.startswith("curl -X POST http://127.0.0.1:12111/v1/customers ")
        assert "local emulator" in result.stderr and "sk_test_local" not in result.stdout
    assert cli("--local", "-o", "id", "customers", "list").stdout == ""  # nothing was sent


def test_dry_run_without_local_still_goes_to_stripe(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123")
    result = cli("--dry-run", "customers", "list")
    assert result.exit_code == 0 and "https://api.stripe.com/v1/customers" in result.stdout
    assert result.stderr == ""


def test_the_no_key_error_says_how_to_use_the_emulator(cli):
    result = cli("customers", "list")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "STRIPE_API_KEY" in result.stderr and "--local" in result.stderr and "STRIPE_PROFILE=local" in result.stderr


def test_root_help_lists_the_global_options_and_the_emulator(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert "Global options" in result.stdout
    for flag in ("--local", "--profile", "--api-key", "--api-base", "--stripe-account", "--stripe-version",
                 "--output", "--fields", "--no-color", "--verbose", "--timeout", "--max-retries", "--yes",
                 "--dry-run"):
        assert flag in result.stdout, flag
    assert "STRIPE_PROFILE=local" in result.stdout and "emulator" in result.stdout


def test_a_bad_root_value_names_the_flag(cli):
    result = cli("--max-retries", "many", "customers", "list")
    assert result.exit_code == 2 and result.stdout == ""
    assert "--max-retries" in result.stderr and "Traceback" not in result.stderr


def test_main_takes_the_environment_and_writes_to_its_streams(cli_in):
    env = Environment.captured()
    env.environ = {**_process_environ(), "STRIPECLI_OUTPUT": "id"}
    result = cli_in(env, "--local", "customers", "create", "--email", "d@example.com")
    assert result.exit_code == 0 and result.stdout.startswith("cus_")
    help_env = Environment.captured()
    result = cli_in(help_env, "--help")
    assert result.exit_code == 0 and "Usage: stripecli" in result.stdout


def _process_environ() -> dict[str, str]:
    import os

    return dict(os.environ)
