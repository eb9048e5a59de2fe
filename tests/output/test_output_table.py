"""How tables look: formatted cells, columns, and colour only where it belongs."""

import re

import pytest

from stripecli.output.env import Environment
from stripecli.output.cells import format_amount, format_cell, format_timestamp
from stripecli.output.render import Renderer

ANSI = re.compile(r"\x1b\[")


def table(env, rows, fields=None, object_type=None) -> str:
    Renderer(env, "table", fields, object_type).list_page({"object": "list", "data": rows})
    return env.stdout.getvalue()


def test_timestamps_are_local_iso_times_with_offset(pipe):
    clock = {"id": "clock_1", "object": "test_helpers.test_clock", "name": "renewals",
             "frozen_time": 1735689600, "status": "ready", "deletes_after": 1736294400}
    text = table(pipe, [clock])
    assert "2025-01-01 00:00:00+00:00" in text
    assert "2025-01-08 00:00:00+00:00" in text


def test_timestamps_follow_the_local_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    assert format_timestamp(1735689600) == "2025-01-01 09:00:00+09:00"


@pytest.mark.parametrize(
    "name", ["created", "effective_at", "frozen_time", "deletes_after", "current_period_end",
             "trial_end", "period_start", "due_date"],
)
def test_timestamp_field_names(name):
    assert format_cell(name, 1735689600, {}) == "2025-01-01 00:00:00+00:00"


def test_amounts_with_their_currency():
    assert format_amount(1000, "usd") == "10.00 USD"
    assert format_amount(5, "eur") == "0.05 EUR"
    assert format_amount(-1999, "gbp") == "-19.99 GBP"
    assert format_amount(1000, "jpy") == "1000 JPY"
    assert format_amount(50000, "krw") == "50000 KRW"
    assert format_amount(5120, "kwd") == "5.120 KWD"


def test_amount_cells_in_a_table(pipe):
    prices = [
        {"id": "price_1", "object": "price", "product": "prod_1", "unit_amount": 1000, "currency": "usd",
         "recurring": {"interval": "month"}, "type": "recurring", "active": True, "nickname": None},
        {"id": "price_2", "object": "price", "product": "prod_1", "unit_amount": 1000, "currency": "jpy",
         "recurring": None, "type": "one_time", "active": False, "nickname": "yen"},
    ]
    lines = table(pipe, prices, object_type="price").splitlines()
    assert lines[0].split() == ["id", "product", "unit_amount", "recurring.interval", "type", "active", "nickname"]
    assert lines[1].split() == ["price_1", "prod_1", "10.00", "USD", "month", "recurring", "true"]
    assert lines[2].split() == ["price_2", "prod_1", "1000", "JPY", "one_time", "false", "yen"]


@pytest.mark.parametrize("name", ["amount", "amount_due", "total", "subtotal", "application_fee_amount"])
def test_amount_field_names(name):
    assert format_cell(name, 250, {"currency": "usd"}) == "2.50 USD"


def test_amount_without_a_currency_stays_an_integer():
    assert format_cell("amount", 250, {}) == "250"


def test_count_is_not_an_amount():
    assert format_cell("total_count", 250, {"currency": "usd"}) == "250"


def test_cells_none_booleans_expanded_and_nested():
    assert format_cell("email", None) == ""
    assert format_cell("livemode", True) == "true"
    assert format_cell("customer", {"id": "cus_1", "object": "customer", "email": "x"}) == "cus_1"
    assert format_cell("enabled_events", ["invoice.paid", "charge.failed"]) == "invoice.paid, charge.failed"
    items = {"object": "list", "data": [{"id": "si_1"}, {"id": "si_2"}], "has_more": True}
    assert format_cell("items", items) == "si_1, si_2, …"
    long = format_cell("metadata", {"k": "v" * 200})
    assert long.startswith('{"k":"vvv') and long.endswith("…") and len(long) == 60


def test_expanded_customer_in_a_row_shows_its_id(pipe):
    sub = {"id": "sub_1", "object": "subscription", "customer": {"id": "cus_9", "object": "customer"},
           "status": "active", "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": 1735689600}]},
           "cancel_at_period_end": False, "created": 1735689600}
    lines = table(pipe, [sub], object_type="subscription").splitlines()
    assert lines[0].split() == ["id", "customer", "status", "current_period_end", "cancel_at_period_end", "created"]
    # current_period_end moved to the items in newer API versions: read from there
    assert lines[1].split() == ["sub_1", "cus_9", "active", "2025-01-01", "00:00:00+00:00", "false",
                                "2025-01-01", "00:00:00+00:00"]


def test_markup_in_values_is_shown_literally(terminal):
    text = table(terminal, [{"id": "cus_1", "name": "[bold red]x[/]"}], fields=["id", "name"])
    assert "[bold red]x[/]" in text


def test_piped_table_has_no_ansi_and_no_borders(pipe):
    text = table(pipe, [{"id": "cus_1", "object": "customer", "email": "a@b", "status": "active"}])
    assert not ANSI.search(text)
    assert "─" not in text and "│" not in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_colour_on_a_terminal(terminal):
    text = table(terminal, [{"id": "cus_1", "object": "customer", "email": "a@b"}], object_type="customer")
    assert ANSI.search(text)
    assert terminal.stderr.getvalue() == ""


def test_no_colour_with_no_color_even_on_a_terminal(monkeypatch):
    import io
    import sys

    class TTY(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(sys, "stdout", TTY())
    monkeypatch.setattr(sys, "stderr", TTY())
    env = Environment.from_system()
    env.width = 120
    Renderer(env, "table", None, "customer").object({"id": "cus_1", "object": "customer"})
    Renderer(env, "table", None, "customer").list_page({"object": "list", "data": [{"id": "cus_1"}]})
    text = sys.stdout.getvalue()
    assert "cus_1" in text and not ANSI.search(text)


def test_no_colour_with_the_no_color_flag_on_a_terminal():
    env = Environment.captured(stdout_isatty=True, stderr_isatty=True, no_color=True, width=120)
    Renderer(env, "table", None, "customer").object({"id": "cus_1", "object": "customer", "created": 0})
    assert "cus_1" in env.stdout.getvalue()
    assert not ANSI.search(env.stdout.getvalue())


def test_terminal_width_is_respected(terminal):
    terminal.width = 40
    rows = [{"id": "cus_1", "object": "customer", "email": "x" * 30, "name": "y" * 30, "created": 0}]
    text = table(terminal, rows, object_type="customer")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert all(len(line) <= 40 for line in plain.splitlines())
    assert "cus_1" in plain  # ids are never folded


def test_piped_table_is_not_wrapped(pipe):
    rows = [{"id": "cus_1", "object": "customer", "email": "x" * 300, "name": "n", "created": 0}]
    lines = table(pipe, rows, object_type="customer").splitlines()
    assert len(lines) == 2 and "x" * 300 in lines[1]


def test_more_results_hint_on_a_terminal_only(terminal, pipe):
    page = {"object": "list", "data": [{"id": "cus_1"}, {"id": "cus_2"}], "has_more": True}
    Renderer(terminal, "table", ["id"]).list_page(page)
    Renderer(pipe, "table", ["id"]).list_page(page)
    assert "--starting-after cus_2" in terminal.stderr.getvalue()
    assert "--starting-after" not in terminal.stdout.getvalue()
    assert pipe.stderr.getvalue() == ""
