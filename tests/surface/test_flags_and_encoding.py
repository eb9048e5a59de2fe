"""Typed flags, dot flags, -d and --data-json end up encoded exactly as stripe-python encodes."""

from __future__ import annotations

import pytest
from stripe._encode import _api_encode

from tests.surface.helpers import sent


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")


def stripe_encoded(params):
    return sorted((k, str(v)) for k, v in _api_encode(params))


CASES = [
    # (argv, the params stripe-python would be given)
    (["billing", "credit-grants", "create", "--amount.type", "monetary", "--amount.monetary.currency", "usd",
      "--amount.monetary.value", "1000", "--applicability-config.scope.price-type", "metered",
      "--metadata", "order=6735", "--metadata", "note=héllo wörld & more", "--priority", "10"],
     {"amount": {"type": "monetary", "monetary": {"currency": "usd", "value": 1000}},
      "applicability_config": {"scope": {"price_type": "metered"}},
      "metadata": {"order": "6735", "note": "héllo wörld & more"}, "priority": 10}),
    (["billing", "credit-grants", "create", "--amount", '{"type": "monetary", "monetary": {"currency": "eur", "value": 5}}',
      "--applicability-config", '{"scope": {"prices": [{"id": "price_1"}, {"id": "price_2"}]}}'],
     {"amount": {"type": "monetary", "monetary": {"currency": "eur", "value": 5}},
      "applicability_config": {"scope": {"prices": [{"id": "price_1"}, {"id": "price_2"}]}}}),
    (["billing", "subscriptions", "create", "--customer", "cus_1", "--items", '{"price": "price_1", "quantity": 2}',
      "--items", '{"price": "price_2"}', "--expand", "latest_invoice", "-e", "customer", "--off-session",
      "--no-cancel-at-period-end", "--default-tax-rates", "txr_1", "--default-tax-rates", "txr_2"],
     {"customer": "cus_1", "items": [{"price": "price_1", "quantity": 2}, {"price": "price_2"}],
      "expand": ["latest_invoice", "customer"], "off_session": True, "cancel_at_period_end": False,
      "default_tax_rates": ["txr_1", "txr_2"]}),
    # a list-of-objects flag also takes a JSON array, alone or mixed with single objects, in order
    (["billing", "subscriptions", "create", "--customer", "cus_1", "--items", '{"price": "price_1"}',
      "--items", '[{"price": "price_2", "quantity": 2}, {"price": "price_3"}]'],
     {"customer": "cus_1", "items": [{"price": "price_1"}, {"price": "price_2", "quantity": 2}, {"price": "price_3"}]}),
    (["core", "prices", "create", "--currency", "usd", "--unit-amount-decimal", "0.0125",
      "--recurring.interval", "month", "--recurring.interval-count", "3", "--product", "prod_1",
      "-d", "tiers[0][up_to]=inf", "-d", "tiers[0][unit_amount]=100", "-d", "tiers[1][up_to]=10"],
     {"currency": "usd", "unit_amount_decimal": "0.0125", "recurring": {"interval": "month", "interval_count": 3},
      "product": "prod_1", "tiers": [{"up_to": "inf", "unit_amount": "100"}, {"up_to": "10"}]}),
    (["billing", "credit-transactions", "list", "--customer", "cus_123", "--limit", "3", "-e", "data.credit_grant"],
     {"customer": "cus_123", "limit": 3, "expand": ["data.credit_grant"]}),
    (["core", "customers", "list", "--created.gte", "1700000000", "--created.lt", "1700000500", "--email", "a+b@example.com"],
     {"created": {"gte": 1700000000, "lt": 1700000500}, "email": "a+b@example.com"}),
    (["core", "customers", "update", "cus_1", "--metadata", "old=", "--description", ""],
     {"metadata": {"old": ""}, "description": ""}),
]


@pytest.mark.parametrize("argv,params", CASES, ids=[" ".join(c[0][:3]) + f" #{i}" for i, c in enumerate(CASES)])
def test_encoding_matches_stripe_python(cli, argv, params):
    _, _, pairs = sent(cli, *argv)
    assert sorted(pairs) == stripe_encoded(params)


def test_typed_flags_win_over_d_which_wins_over_data_json(cli, tmp_path):
    body = tmp_path / "body.json"
    body.write_text('{"customer": "from_file", "metadata": {"a": "file", "b": "file"}, "limit": 5}')
    _, _, pairs = sent(cli, "billing", "credit-transactions", "list", "--data-json", f"@{body}",
                       "-d", "customer=from_d", "-d", "metadata[b]=d", "--customer", "from_flag")
    assert sorted(pairs) == stripe_encoded({"customer": "from_flag", "metadata": {"a": "file", "b": "d"}, "limit": 5})


def test_path_ids_are_percent_encoded_byte_for_byte(cli):
    """Like stripe-python's sanitize_id, except a space: %20, which a server reads as a space,
    where stripe-python's + is a literal plus in a path."""
    _, path, _ = sent(cli, "connect", "capabilities", "get", "acct_1", "card_payments")
    assert path == "/v1/accounts/acct_1/capabilities/card_payments"
    _, path, _ = sent(cli, "core", "customers", "get", "cus 1/../x")
    assert path == "/v1/customers/cus%201%2F..%2Fx"


def test_timestamp_forms(cli, monkeypatch):
    import stripecli.surface.values as values

    monkeypatch.setattr(values.time, "time", lambda: 1_700_000_000.0)
    for text, expected in [("1735689600", 1735689600), ("2025-01-01", 1735689600),
                           ("2025-01-01T10:00", 1735725600), ("2025-01-01T12:00+02:00", 1735725600),
                           ("2025-01-01T10:00:00Z", 1735725600), ("now", 1_700_000_000),
                           ("+30d", 1_700_000_000 + 30 * 86400), ("-2h", 1_700_000_000 - 7200)]:
        _, _, pairs = sent(cli, "core", "customers", "list", "--created.gte", text)
        assert pairs == [("created[gte]", str(expected))], text


def test_literal_now_is_sent_as_is_where_stripe_accepts_it(cli):
    _, _, pairs = sent(cli, "billing", "subscriptions", "update", "sub_1", "--trial-end", "now")
    assert pairs == [("trial_end", "now")]


def test_dry_run_shows_the_full_request_as_curl(cli):
    result = cli("billing", "credit-transactions", "list", "--customer", "cus_123", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("curl ")
    assert "https://api.stripe.com/v1/billing/credit_balance_transactions?customer=cus_123" in result.stdout
    assert "Bearer sk_test_...abcd" in result.stdout
    assert "sk_test_fake123abcd" not in result.stdout


def test_legacy_and_preview_operations_carry_their_stripe_version(cli):
    method, path, _ = sent(cli, "billing", "usage-records", "create", "si_1", "--quantity", "5")
    result = cli("billing", "usage-records", "create", "si_1", "--quantity", "5", "--dry-run")
    assert "Stripe-Version: 2025-02-24.acacia" in result.stdout
    result = cli("capital", "financing-offers", "list", "--dry-run")
    assert "Stripe-Version: 2026-09-30.preview" in result.stdout
    result = cli("capital", "financing-offers", "list", "--stripe-version", "2024-01-01", "--dry-run")
    assert "Stripe-Version: 2024-01-01" in result.stdout
