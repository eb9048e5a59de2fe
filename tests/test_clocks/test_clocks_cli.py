"""Test clocks by hand, against the local emulator: in-process (--local) and over HTTP (serve)."""

from __future__ import annotations

import io
import json

import pytest

from stripecli.output.env import Environment
from stripecli.surface.values import parse_iso
from tests.emulator.helpers import KEY, serve

ADVANCE_SECONDS = 0.2


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("clock-emulator")
    server = serve(base / "data", base / "serve.log", advance_seconds=ADVANCE_SECONDS)
    yield server
    server.stop()


@pytest.fixture(params=["local", "http"])
def stripecli(request, cli, monkeypatch, tmp_path):
    """Run the CLI against the emulator, the way the parameter says."""
    if request.param == "local":
        monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "emulator"))
        monkeypatch.setenv("STRIPECLI_EMULATOR_ADVANCE_SECONDS", str(ADVANCE_SECONDS))
        extra = ["--local"]
    else:
        server = request.getfixturevalue("served")
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", server.base)
        extra = []

    def run(*args: str):
        return cli(*args, *extra)

    run.mode = request.param
    return run


def make_clock(stripecli, frozen="2025-01-31T00:00:00Z", name="walkthrough") -> dict:
    result = stripecli("test-clocks", "create", "--frozen-time", frozen, "--name", name, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_create_at_a_readable_time(stripecli):
    for text, expected in [("2025-01-01", "2025-01-01T00:00:00Z"), ("2025-01-01T10:30", "2025-01-01T10:30:00Z"),
                           ("2025-01-01T12:30+02:00", "2025-01-01T10:30:00Z"), ("1735689600", "2025-01-01T00:00:00Z")]:
        clock = make_clock(stripecli, text)
        assert clock["frozen_time"] == parse_iso(expected)
        assert clock["name"] == "walkthrough"
        assert clock["status"] == "ready"


def test_advance_by_a_calendar_month_across_the_month_end_and_wait(stripecli):
    clock = make_clock(stripecli, "2025-01-31T00:00:00Z")
    result = stripecli("test-clocks", "advance", clock["id"], "--by", "1mo", "--wait", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no terminal: nothing but the final object, on stdout
    final = json.loads(result.stdout)
    assert final["status"] == "ready"
    assert final["frozen_time"] == parse_iso("2025-02-28T00:00:00Z")


def test_advance_without_wait_returns_the_advancing_clock(stripecli):
    clock = make_clock(stripecli)
    result = stripecli("test-clocks", "advance", clock["id"], "--by", "2w", "-o", "json")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["status"] == "advancing"
    assert body["status_details"]["advancing"]["target_frozen_time"] == clock["frozen_time"] + 14 * 86400


def test_advance_to_an_absolute_time(stripecli):
    clock = make_clock(stripecli)
    result = stripecli("test-clocks", "advance", clock["id"], "--to", "2025-03-01T00:00Z", "--wait", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["frozen_time"] == parse_iso("2025-03-01T00:00:00Z")


def test_advance_into_the_past_is_refused_before_sending(stripecli):
    clock = make_clock(stripecli)
    result = stripecli("test-clocks", "advance", clock["id"], "--to", "2024-12-01")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "2024-12-01T00:00:00Z" in result.stderr and "2025-01-31T00:00:00Z" in result.stderr
    after = json.loads(stripecli("test-clocks", "get", clock["id"], "-o", "json").stdout)
    assert after["frozen_time"] == clock["frozen_time"] and after["status"] == "ready"


def test_advance_beyond_two_years_is_refused_before_sending(stripecli):
    clock = make_clock(stripecli)
    result = stripecli("test-clocks", "advance", clock["id"], "--to", "2027-01-31T00:00:01Z")
    assert result.exit_code == 2
    assert "two years" in result.stderr and "2025-01-31T00:00:00Z" in result.stderr
    assert "2027-01-31T00:00:00Z" in result.stderr  # the latest allowed, shown too
    by = stripecli("test-clocks", "advance", clock["id"], "--by", "25mo")  # refused without reading the clock
    assert by.exit_code == 2
    assert by.stderr == "error: invalid value for --by: '25mo' is more than two years, the most a test clock advances past its frozen time\n"
    assert json.loads(stripecli("test-clocks", "get", clock["id"], "-o", "json").stdout)["status"] == "ready"


def test_wait_times_out_with_exit_8_and_the_last_state(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "emulator"))
    monkeypatch.setenv("STRIPECLI_EMULATOR_ADVANCE_SECONDS", "60")
    clock = json.loads(cli("test-clocks", "create", "--frozen-time", "2025-01-01", "--local", "-o", "json").stdout)
    result = cli("test-clocks", "advance", clock["id"], "--by", "1d", "--wait", "--timeout", "0.6", "--local", "-o", "json")
    assert result.exit_code == 8
    assert json.loads(result.stdout)["status"] == "advancing"
    assert "still advancing" in result.stderr


def test_wait_times_out_over_http(cli, monkeypatch, tmp_path):
    server = serve(tmp_path / "slow", tmp_path / "slow.log", advance_seconds=60)
    try:
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", server.base)
        clock = json.loads(cli("test-clocks", "create", "--frozen-time", "2025-01-01", "-o", "json").stdout)
        result = cli("test-clocks", "advance", clock["id"], "--by", "1d", "--wait", "--timeout", "0.6", "-o", "json")
        assert result.exit_code == 8
        assert json.loads(result.stdout)["status"] == "advancing"
    finally:
        server.stop()


def test_wait_on_a_terminal_shows_progress_on_stderr(cli, cli_in, monkeypatch, tmp_path):
    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "emulator"))
    monkeypatch.setenv("STRIPECLI_EMULATOR_ADVANCE_SECONDS", "0.8")
    clock = json.loads(cli("test-clocks", "create", "--frozen-time", "2025-01-01", "--local", "-o", "json").stdout)
    env = Environment.captured(stdout_isatty=False, stderr_isatty=True)
    result = cli_in(env, "test-clocks", "advance", clock["id"], "--by", "1mo", "--wait", "--local", "-o", "json")
    assert result.exit_code == 0
    final = json.loads(result.stdout)
    assert final["status"] == "ready" and final["frozen_time"] == parse_iso("2025-02-01T00:00:00Z")
    progress = result.stderr
    assert clock["id"] in progress and "advancing" in progress and "2025-02-01" in progress


def test_internal_failure_exits_1(cli, monkeypatch, tmp_path):
    """Fault injection: the clock reports internal_failure while advancing."""
    from stripecli.api import client as api_client

    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "emulator"))
    clock = json.loads(cli("test-clocks", "create", "--frozen-time", "2025-01-01", "--local", "-o", "json").stdout)
    real_send = api_client.StripeClient.send

    def send(self, req):
        body = real_send(self, req)
        if req.method == "POST" and req.path.endswith("/advance"):
            return {**body, "status": "internal_failure"}
        return body

    monkeypatch.setattr(api_client.StripeClient, "send", send)
    result = cli("test-clocks", "advance", clock["id"], "--by", "1d", "--wait", "--local")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "internal_failure" in result.stderr


def test_list_and_get_show_the_clock_columns(stripecli):
    clock = make_clock(stripecli, name="table-clock")
    listing = stripecli("test-clocks", "list", "-o", "table")
    header = listing.stdout.splitlines()[0]
    for column in ("id", "name", "frozen_time", "status", "deletes_after"):
        assert column in header
    assert "table-clock" in listing.stdout and "2025-01-31 00:00:00+00:00" in listing.stdout
    one = stripecli("test-clocks", "get", clock["id"], "-o", "table").stdout
    for field in ("name", "frozen_time", "status", "deletes_after"):
        assert field in one


def test_show_lists_customers_and_their_subscriptions(stripecli):
    clock = make_clock(stripecli)
    customer = stripecli("customers", "create", "--email", "ada@example.com", "--test-clock", clock["id"], "-o", "id").stdout.strip()
    product = stripecli("products", "create", "--name", "Pro", "-o", "id").stdout.strip()
    price = stripecli("prices", "create", "--product", product, "--currency", "usd", "--unit-amount", "2000",
                      "--recurring.interval", "month", "-o", "id").stdout.strip()
    sub = stripecli("billing", "subscriptions", "create", "--customer", customer, "--items",
                    json.dumps({"price": price}), "-d", "default_payment_method=pm_card_visa", "-o", "id").stdout.strip()
    assert sub.startswith("sub_")
    shown = json.loads(stripecli("test-clocks", "show", clock["id"], "-o", "json").stdout)
    assert shown["test_clock"]["id"] == clock["id"]
    [cust] = shown["customers"]
    assert cust["id"] == customer and cust["subscriptions"][0]["id"] == sub
    assert stripecli("test-clocks", "advance", clock["id"], "--by", "1mo", "--wait").exit_code == 0
    table = stripecli("test-clocks", "show", clock["id"], "-o", "table").stdout
    assert sub in table and "active" in table and "2025-02-28 00:00:00+00:00" in table
    csv_rows = stripecli("test-clocks", "show", clock["id"], "-o", "csv").stdout.splitlines()
    assert csv_rows[0] == "customer,email,subscription,status,current_period_start,current_period_end"
    assert csv_rows[1].startswith(f"{customer},ada@example.com,{sub},active,")
