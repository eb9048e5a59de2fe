"""--fields is checked against the object the command answers with, before anything is sent: a
path it can have passes (nested objects, list items, maps, expandable ids), any other is refused
with a suggestion. -o takes a format's exact name."""

from __future__ import annotations

import pytest

from stripecli.surface.fields import check_fields, parse_fields


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")


@pytest.mark.parametrize("argv,fields", [
    (["customers", "list"], "id,email,created"),
    (["customers", "list"], "address.city,metadata.order,metadata.any.depth"),
    (["customers", "list"], "invoice_settings.custom_fields.0.name"),
    (["customers", "get", "cus_1"], "default_source.brand"),  # an expandable id: anything once expanded
    (["customers", "delete", "cus_1"], "id,deleted"),
    (["billing", "subscriptions", "list"], "items.data.0.price.id,customer.email,latest_invoice.total"),
    (["billing", "credit-transactions", "list", "--customer", "cus_1"], "credit.amount.monetary.value"),
    (["test-clocks", "advance", "clock_1", "--to", "2030-01-01"], "id,status,frozen_time"),
    (["request", "GET", "/v1/balance"], "available.0.amount,anything"),  # no model for a raw path
    (["customers", "list"], "id, email,"),  # blanks between commas are skipped
])
def test_a_path_the_answer_can_have_is_accepted(cli, argv, fields):
    result = cli(*argv, "--fields", fields, "-o", "csv", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("curl ")


@pytest.mark.parametrize("fields,message", [
    ("id,emial", "'emial' is not a field: did you mean email?"),
    ("address.citty", "'address.citty' is not a field in address: did you mean city?"),
    ("created.day", "'created.day': created is an integer, with no fields inside"),
    ("invoice_settings.custom_fields.name", "'invoice_settings.custom_fields.name': invoice_settings.custom_fields is a list, "
                                            "so the next name is an index such as 0"),
    ("address..city", "'address..city' has an empty name: give dotted paths such as id,address.city"),
])
def test_a_path_the_answer_cannot_have_is_refused_naming_it(cli, fields, message):
    result = cli("customers", "list", "--fields", fields, "--dry-run")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: invalid value for --fields: {message}\n"


def test_the_check_walks_into_referenced_objects():
    check_fields(["cash_balance.available"], "customer")
    with pytest.raises(ValueError, match="'cash_balance.nope' is not a field in cash_balance"):
        check_fields(["cash_balance.nope"], "customer")


def test_no_names_is_no_fields():
    assert parse_fields(None) is None
    assert parse_fields(" , ") is None


@pytest.mark.parametrize("fmt", ["JSON", "", " json", "Table"])
def test_an_output_format_is_its_exact_name(cli, fmt):
    result = cli("customers", "list", "-o", fmt, "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == f"error: invalid value for -o/--output: {fmt!r} is not one of: table, json, jsonl, csv, id\n"
