"""Bad input: exit code 2, one line on stderr naming the flag, nothing on stdout, no request."""

from __future__ import annotations

import pytest

from tests.fakeserver import FakeServer

GRANT = ["billing", "credit-grants", "create", "--amount.type", "monetary",
         "--amount.monetary.currency", "usd", "--amount.monetary.value", "1000",
         "--applicability-config.scope.price-type", "metered"]

CASES = {
    "missing required param": (["billing", "credit-grants", "create", "--amount.type", "monetary"],
                               ["--applicability-config", "required"]),
    "missing nested required": (["billing", "credit-grants", "create", "--amount.monetary.value", "5",
                                 "--applicability-config.scope.price-type", "metered"],
                                ["--amount.monetary.currency"]),
    "unknown enum value": (GRANT + ["--category", "gold"], ["--category", "'gold'", "paid, promotional"]),
    "malformed integer": (["billing", "credit-transactions", "list", "--limit", "ten"], ["--limit", "'ten'", "integer"]),
    "malformed timestamp": (GRANT + ["--effective-at", "next tuesday"], ["--effective-at", "'next tuesday'", "ISO-8601", "+30d"]),
    "malformed -d pair": (["billing", "credit-transactions", "list", "-d", "customer"], ["-d", "key=value"]),
    "malformed -d key": (["billing", "credit-transactions", "list", "-d", "a[b=c"], ["-d", "'a[b'"]),
    "bad --data-json": (["billing", "credit-transactions", "list", "--data-json", "{nope"], ["--data-json", "JSON"]),
    "--data-json not an object": (["billing", "credit-transactions", "list", "--data-json", "[1]"], ["--data-json", "object"]),
    "unknown flag": (["billing", "credit-transactions", "list", "--custmer", "cus_1"], ["--custmer", "--customer"]),
    "missing path id": (["billing", "credit-grants", "get"], ["CREDIT_GRANT"]),
    "bad map value": (GRANT + ["--metadata", "novalue"], ["--metadata", "KEY=VALUE"]),
    "bad output format": (["billing", "credit-transactions", "list", "-o", "xml"], ["'xml'", "table, json, jsonl, csv, id"]),
    "bad max-items": (["billing", "credit-transactions", "list", "--max-items", "0"], ["--max-items"]),
    "unknown resource": (["billing", "credit-transaktions", "list"], ["credit-transaktions"]),
    "unknown verb": (["billing", "credit-transactions", "remove"], ["remove"]),
}


@pytest.mark.parametrize("argv,needles", CASES.values(), ids=list(CASES))
def test_bad_input_is_one_line_exit_2_and_sends_nothing(cli, monkeypatch, argv, needles):
    with FakeServer() as server:
        monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
        monkeypatch.setenv("STRIPE_API_BASE", server.url)
        result = cli(*argv)
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
        assert "Traceback" not in result.stderr
        for needle in needles:
            assert needle in lines[0]
        assert server.requests == []


def test_empty_string_unsets_an_emptyable_param(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")
    result = cli("billing", "subscriptions", "update", "sub_1", "--default-tax-rates", "", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "default_tax_rates=" in result.stdout
