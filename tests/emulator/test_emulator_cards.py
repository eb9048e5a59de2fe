"""The test card table (package data) is well formed and names its source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stripecli.emulator import cards

TABLE = json.loads((Path(cards.__file__).parent / "test_cards.json").read_text())


def test_the_table_names_stripes_testing_page():
    assert "https://docs.stripe.com/testing" in TABLE["_source"]


def test_every_card_number_passes_the_luhn_check_unless_it_stands_for_an_incorrect_number():
    for row in TABLE["cards"]:
        expected = row["behaviour"]["outcome"] != "invalid_number"
        assert cards.luhn_ok(row["number"]) is expected, row["number"]


def test_aliases_are_unique_and_every_decline_reason_has_its_code_and_message():
    aliases = [a for row in TABLE["cards"] for a in row["aliases"]]
    assert len(aliases) == len(set(aliases))
    assert all(a.startswith(("pm_card_", "tok_")) for a in aliases)
    for row in TABLE["cards"]:
        reason = row["behaviour"].get("decline")
        if reason:
            assert reason in TABLE["declines"], reason


@pytest.mark.parametrize("number, brand", [("4242 4242 4242 4242", "visa"), ("4111-1111-1111-1111", "visa"),
                                           ("378282246310005", "amex"), ("6011000990139424", "discover")])
def test_numbers_outside_the_table_are_cards_of_their_brand(number, brand):
    assert cards.by_number(number).brand == brand


@pytest.mark.parametrize("number", ["4242424242424241", "4242", "abcd"])
def test_an_incorrect_number_is_a_card_error(number):
    with pytest.raises(Exception) as caught:
        cards.by_number(number)
    assert caught.value.status == 402 and caught.value.code == "incorrect_number"
