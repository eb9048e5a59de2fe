"""``--from`` at the command line: live mode asks once, dry runs, progress, stops, flags."""

from __future__ import annotations

import itertools
import json

import pytest

from stripecli.output.env import Environment
from tests.fakeserver import FakeServer, Recorded, Reply, stripe_error

LIVE = "sk_live_fake123bulkwxyz"
TEST = "sk_test_fake123bulkwxyz"


@pytest.fixture
def api(monkeypatch):
    """A fake Stripe that makes a customer for every POST /v1/customers."""
    counter = itertools.count(1)

    def handle(recorded: Recorded) -> Reply:
        if recorded.method == "POST" and recorded.path == "/v1/customers":
            return Reply(200, json={"id": f"cus_{next(counter)}", "object": "customer", "email": dict(recorded.form)["email"]})
        return Reply(404, json=stripe_error(message="no such thing"))

    with FakeServer() as fake:
        fake.handler = handle
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        yield fake


@pytest.fixture
def emails(tmp_path):
    path = tmp_path / "new.jsonl"
    path.write_text("".join(json.dumps({"email": f"n{i}@example.com"}) + "\n" for i in range(1, 6)))
    return path


def test_live_mode_asks_once_for_the_whole_run(api, emails, cli_in, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", LIVE)
    env = Environment.captured(stdin="y\n", stdin_isatty=True)
    result = cli_in(env, "customers", "create", "--from", str(emails), "-o", "id", "--ordered")
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stdout.split()) == [f"cus_{i}" for i in range(1, 6)]
    assert result.stderr.count("[y/N]") == 1
    assert "Send these 5 live-mode requests? [y/N]" in result.stderr
    assert "5 requests, the first 3:" in result.stderr
    assert "line 1: POST /v1/customers" in result.stderr and "email=n3@example.com" in result.stderr
    assert "n4@example.com" not in result.stderr
    assert "sk_live_...wxyz" in result.stderr and LIVE not in result.stderr
    assert len(api.requests) == 5


def test_live_mode_no_sends_nothing(api, emails, cli_in, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", LIVE)
    result = cli_in(Environment.captured(stdin="n\n", stdin_isatty=True), "customers", "create", "--from", str(emails))
    assert result.exit_code == 1 and "aborted: nothing was sent" in result.stderr
    assert api.requests == []


def test_live_mode_lines_on_stdin_without_a_terminal_need_yes(api, cli_in, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", LIVE)
    lines = '{"email": "a@example.com"}\n'
    result = cli_in(Environment.captured(stdin=lines), "customers", "create", "--from", "-")
    assert result.exit_code == 2 and "add --yes" in result.stderr and api.requests == []
    result = cli_in(Environment.captured(stdin=lines), "customers", "create", "--from", "-", "--yes", "-o", "id")
    assert result.exit_code == 0 and result.stdout == "cus_1\n" and len(api.requests) == 1


def test_test_mode_never_asks(api, emails, cli_in, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", TEST)
    result = cli_in(Environment.captured(), "customers", "create", "--from", str(emails), "-o", "id")
    assert result.exit_code == 0 and "[y/N]" not in result.stderr and len(api.requests) == 5


def test_a_refused_key_stops_the_run(emails, cli_in, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", TEST)
    with FakeServer() as fake:
        fake.on("POST", "/v1/customers", Reply(401, json=stripe_error(message="Invalid API Key provided")), repeat=True)
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        result = cli_in(Environment.captured(), "customers", "create", "--from", str(emails), "--concurrency", "1")
        assert result.exit_code == 3
        assert len(fake.requests) == 1
    assert "error: Invalid API Key provided" in result.stderr
    assert "5 lines: 0 done, 1 failed" in result.stderr


def test_progress_with_rate_and_eta_on_a_terminal_only(api, emails, cli_in, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", TEST)
    tty = cli_in(Environment.captured(stderr_isatty=True), "customers", "create", "--from", str(emails), "-o", "id")
    assert tty.exit_code == 0
    assert "\r5/5 lines  5 done" in tty.stderr and "/s" in tty.stderr
    piped = cli_in(Environment.captured(), "customers", "create", "--from", str(emails), "-o", "id", "--restart")
    assert "\r" not in piped.stderr and "lines  " not in piped.stderr


def test_dry_run_local_names_the_emulator(emails, cli):
    result = cli("--local", "customers", "create", "--from", str(emails), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.count("curl -X POST http://127.0.0.1:12111/v1/customers") == 5
    assert "would go to the local emulator" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["customers", "update", "cus_1", "--from", "x"], "leave the argument out"),
    (["customers", "create", "--concurrency", "4"], "--concurrency only works with --from FILE"),
    (["customers", "create", "--from", "x", "--idempotency-key", "k"], "--idempotency-key cannot be used with --from"),
    (["customers", "create", "--from", "/nonexistent/x.jsonl"], "invalid value for --from: cannot read /nonexistent/x.jsonl: no such file"),
    (["customers", "create", "--from", "x", "--concurrency", "0"], "--concurrency"),
    (["customers", "list", "--from", "x"], "No such option '--from'"),
])
def test_bad_bulk_flags_are_usage_errors(cli, args, message):
    result = cli("--local", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr


def test_an_empty_input_is_nothing_to_do(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    result = cli("--local", "customers", "delete", "--from", str(empty))
    assert result.exit_code == 0 and result.stdout == "[]\n"
    assert "customers delete: 0 lines" in result.stderr
