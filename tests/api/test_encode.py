"""stripecli's form encoding matches stripe-python 16.1.0's, pair for pair and byte for byte."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from stripe._encode import _api_encode

from stripecli.api.encode import encode_form, encode_params, urlencode_pairs


def stripe_pairs(params):
    return list(_api_encode(params))


def stripe_query(params):
    # stripe._api_requestor: urlencode(list(_api_encode(params))) with brackets kept literal
    return urlencode(list(_api_encode(params))).replace("%5B", "[").replace("%5D", "]")


CASES = {
    "empty": {},
    "flat": {"email": "jenny@example.com", "name": "Jenny Rosen", "limit": 3},
    "booleans": {"livemode": True, "off_session": False, "nested": {"flag": True}},
    "none omitted": {"a": None, "b": "x", "c": {"d": None, "e": 1}},
    "empty string unsets": {"description": "", "metadata": {"order_id": ""}},
    "metadata map": {"metadata": {"order_id": "6735", "note": "a b&c=d", "emoji": "🎉"}},
    "unicode": {"name": "Zoë Ångström", "description": "日本語 ünïcödé / ? # %"},
    "array of scalars": {"expand": ["data.customer", "data.invoice"], "payment_method_types": ["card"]},
    "array of objects": {
        "items": [{"price": "price_1", "quantity": 2}, {"price": "price_2", "tax_rates": ["txr_1", "txr_2"]}]
    },
    "nested objects": {
        "shipping": {"name": "J", "address": {"line1": "1 Main St", "city": "Paris", "postal_code": "75001"}}
    },
    "deep nesting": {"a": {"b": {"c": {"d": {"e": [{"f": {"g": ["h", {"i": False}]}}]}}}}},
    "list of lists": {"matrix": [[1, 2], [3, [4, 5]]]},
    "tuple": {"expand": ("a", "b")},
    "numbers": {"amount": 2000, "negative": -5, "zero": 0, "float": 1.5, "big": 10**20},
    "decimal": {"unit_amount_decimal": Decimal("12.3400"), "tiny": Decimal("0.000001")},
    "datetime": {"created": {"gte": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)}},
    "empty containers": {"metadata": {}, "expand": [], "x": "y"},
    "reserved characters": {"q": "email:'a+b@example.com' AND metadata['k']:'v'", "path[0]": "x&y=z"},
    "whitespace": {"description": "line1\nline2\ttab  double"},
    "list with scalar quirk": {"flags": [True, None, 3]},
}


@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_pairs_match_stripe_python(params):
    expected = [(k, v if isinstance(v, str) else str(v)) for k, v in stripe_pairs(params)]
    assert encode_params(params) == expected


@pytest.mark.parametrize("params", CASES.values(), ids=CASES.keys())
def test_query_string_matches_stripe_python(params):
    assert encode_form(params) == stripe_query(params)
    assert urlencode_pairs(encode_params(params)) == stripe_query(params)


def test_readable_shapes():
    params = {
        "items": [{"price": "price_1", "quantity": 2}],
        "expand": ["customer"],
        "metadata": {"k": ""},
        "capture": False,
        "skip": None,
    }
    assert encode_params(params) == [
        ("items[0][price]", "price_1"),
        ("items[0][quantity]", "2"),
        ("expand[0]", "customer"),
        ("metadata[k]", ""),
        ("capture", "false"),
    ]
    assert encode_form(params) == (
        "items[0][price]=price_1&items[0][quantity]=2&expand[0]=customer&metadata[k]=&capture=false"
    )


def test_spaces_and_unicode_are_percent_encoded_like_stripe():
    assert urlencode_pairs([("name", "Zoë Doe"), ("q", "a+b")]) == "name=Zo%C3%AB+Doe&q=a%2Bb"
