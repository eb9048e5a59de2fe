"""Money through stripe-python against ``emulator serve``: card errors with Stripe's codes, and
refunds and payouts that add up to the balance."""

from __future__ import annotations

import pytest

stripe = pytest.importorskip("stripe")

from tests.emulator.helpers import KEY  # noqa: E402



@pytest.fixture
def sdk(http, served):
    bases = {name: served.base for name in ("api", "files", "connect", "meter_events")}
    return stripe.StripeClient(KEY, base_addresses=bases, max_network_retries=0)


def test_stripe_python_gets_a_card_error_with_stripes_codes(sdk):
    with pytest.raises(stripe.CardError) as caught:
        sdk.v1.payment_intents.create(params={"amount": 2000, "currency": "usd", "confirm": True,
                                              "payment_method": "pm_card_chargeDeclinedExpiredCard"})
    err = caught.value
    assert err.http_status == 402 and err.code == "expired_card"
    assert err.error.decline_code == "expired_card"
    assert err.error.payment_intent.status == "requires_payment_method"
    charge = sdk.v1.charges.retrieve(err.error.charge)
    assert charge.status == "failed"


def test_stripe_python_refunds_and_payouts_add_up_to_the_balance(sdk):
    v1 = sdk.v1
    paid = v1.payment_intents.create(params={"amount": 5000, "currency": "usd", "confirm": True,
                                             "payment_method": "pm_card_bypassPending"})
    charge = v1.charges.retrieve(paid.latest_charge)
    txn = v1.balance_transactions.retrieve(charge.balance_transaction)
    assert (txn.amount, txn.fee, txn.net) == (5000, 175, 4825)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        v1.refunds.create(params={"charge": charge.id, "amount": 999_999})
    assert too_much.value.code == "amount_too_large"
    v1.refunds.create(params={"charge": charge.id, "amount": 1000})
    v1.payouts.create(params={"amount": 2000, "currency": "usd"})
    balance = v1.balance.retrieve()
    nets = [t.net for t in v1.balance_transactions.list(params={"limit": 100}).auto_paging_iter()]
    assert sum(nets) == balance.available[0].amount + balance.pending[0].amount == 4825 - 1000 - 2000
