"""Values at the edges of their real range are sent; what unsets a map or a list sends ``field=``;
-d indices are kept as typed (in index order) and digit keys of a map stay keys."""

from __future__ import annotations

import pytest

from stripecli.surface.values import MAX_DEPTH, MAX_TIMESTAMP
from tests.surface.helpers import sent as dry_run


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcd")


def sent(cli, *argv):
    return dry_run(cli, *argv)[2]


def refused(cli, *argv) -> str:
    result = cli(*argv, "--dry-run")
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    return result.stderr.strip()


@pytest.mark.parametrize("limit", ["1", "100", "007"])
def test_limit_within_one_to_a_hundred_is_sent(cli, limit):
    assert sent(cli, "customers", "list", "--limit", limit) == [("limit", str(int(limit)))]


@pytest.mark.parametrize("amount", ["9223372036854775807", "-9223372036854775808", "0", "-5"])
def test_integers_across_int64_are_sent(cli, amount):
    pairs = sent(cli, "invoice-items", "create", "--customer", "cus_1", "--amount", amount, "--currency", "usd")
    assert ("amount", str(int(amount))) in pairs


@pytest.mark.parametrize("text", ["12.5", "-0.0125", "100", "0"])
def test_decimals_are_sent_as_typed(cli, text):
    assert ("percent_off", text) in sent(cli, "coupons", "create", "--percent-off", text)


@pytest.mark.parametrize("text,value", [("0", 0), (str(MAX_TIMESTAMP), MAX_TIMESTAMP), ("1970-01-01", 0),
                                        ("9999-12-31T23:59:59Z", MAX_TIMESTAMP)])
def test_timestamps_from_1970_to_the_end_of_9999_are_sent(cli, text, value):
    assert sent(cli, "customers", "list", "--created.gte", text) == [("created[gte]", str(value))]


def test_a_timestamp_one_second_outside_the_range_is_refused(cli):
    assert "1970-01-01 to 9999-12-31T23:59:59Z" in refused(cli, "customers", "list", "--created.gte", str(MAX_TIMESTAMP + 1))
    assert "1970-01-01 to 9999-12-31T23:59:59Z" in refused(cli, "customers", "list", "--created.gte", "1969-12-31T23:59:59Z")


@pytest.mark.parametrize("seconds", ["0.001", "2.5", "86400"])
def test_timeouts_up_to_a_day_are_accepted(cli, seconds):
    assert sent(cli, "customers", "list", "--timeout", seconds) == []


def test_metadata_empty_unsets_the_map_as_its_help_says(cli):
    assert "'' unsets it" in " ".join(cli("customers", "update", "--help").stdout.split())
    assert sent(cli, "customers", "update", "cus_1", "--metadata", "") == [("metadata", "")]


def test_a_list_flag_given_empty_unsets_the_list(cli):
    assert sent(cli, "payment-intents", "confirm", "pi_1", "--excluded-payment-method-types", "") == \
        [("excluded_payment_method_types", "")]
    assert sorted(sent(cli, "invoices", "create", "--customer", "cus_1", "--account-tax-ids", "")) == \
        [("account_tax_ids", ""), ("customer", "cus_1")]


def test_empty_is_refused_where_the_api_cannot_unset(cli):
    message = refused(cli, "customers", "list", "--expand", "")
    assert message == "error: invalid value for -e/--expand: '' would unset the list, which the API does not allow here: give a value"
    assert "give it alone" in refused(cli, "customers", "update", "cus_1", "--metadata", "", "--metadata", "a=b")


def test_digit_keys_of_a_map_stay_keys(cli):
    assert sorted(sent(cli, "customers", "update", "cus_1", "--metadata", "5=x", "-d", "metadata[7]=y")) == \
        [("metadata[5]", "x"), ("metadata[7]", "y")]


def test_indices_may_come_in_any_order_and_are_sent_in_index_order(cli):
    pairs = sent(cli, "billing", "subscriptions", "create", "--customer", "cus_1",
                 "-d", "items[1][price]=price_b", "-d", "items[0][price]=price_a", "-d", "items[][price]=price_c")
    assert [p for p in pairs if p[0].startswith("items")] == \
        [("items[0][price]", "price_a"), ("items[1][price]", "price_b"), ("items[2][price]", "price_c")]


def test_a_gap_in_indices_names_the_key(cli):
    assert refused(cli, "billing", "subscriptions", "create", "--customer", "cus_1", "-d", "items[5][price]=x") == \
        "error: invalid value for -d/--data: items[5] is given without items[0]: list indices start at 0 and go up by one"
    assert "items[2] is given without items[1]" in refused(
        cli, "billing", "subscriptions", "create", "--customer", "cus_1", "-d", "items[0][price]=a", "-d", "items[2][price]=b")


def test_nesting_is_bounded_and_the_limit_is_named(cli):
    ok = "a" + "[b]" * (MAX_DEPTH - 1) + "=1"
    assert len(sent(cli, "request", "POST", "/v1/customers", "-d", ok)) == 1
    assert f"at most {MAX_DEPTH} are accepted" in refused(cli, "request", "POST", "/v1/customers", "-d", "a" + "[b]" * MAX_DEPTH + "=1")
    deep = '{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    assert f"nested more than {MAX_DEPTH} levels deep" in refused(cli, "customers", "create", "--data-json", deep)


def test_the_deepest_param_of_the_model_fits_the_nesting_limit():
    """MAX_DEPTH is a bound on nonsense, never on a real param: it keeps room over the deepest key
    the model has (counted as -d spells it, an array index being one level)."""
    from stripecli import model

    def depth(params, level):
        deepest = level
        for p in params:
            deepest = max(deepest, level + 1, depth(p.get("children") or [], level + 1))
            items = p.get("items") or {}
            deepest = max(deepest, depth(items.get("children") or [], level + 2))
        return deepest

    deepest = max(depth(op.get("params", []), 0) for *_, op in model.iter_operations())
    assert 5 < deepest and deepest + 5 <= MAX_DEPTH
