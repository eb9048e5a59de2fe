"""Money that moves, both ways in (in-process and ``emulator serve``): test cards and declines,
charges and their balance transactions, refunds, the balance, payouts, disputes and fraud."""

from __future__ import annotations

import pytest

from stripecli.emulator import ledger
from tests.emulator.helpers import bad, ok, pay, wait_for

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z, a Tuesday
DAY = 86400


def txns(api, **params):
    page = ok(api.get("/v1/balance_transactions", params={"limit": 100, **params}))
    assert page["has_more"] is False
    return page["data"]


def test_a_confirmed_payment_makes_a_charge_and_a_balance_transaction_with_stripes_fee(api):
    intent = ok(pay(api))
    assert intent["status"] == "succeeded" and intent["amount_received"] == 2000
    assert intent["payment_method"].startswith("pm_") and intent["payment_method"] != "pm_card_visa"
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    assert charge["id"].startswith("ch_")
    assert (charge["status"], charge["paid"], charge["captured"], charge["amount_captured"]) == ("succeeded", True, True, 2000)
    assert charge["payment_intent"] == intent["id"]
    assert charge["payment_method_details"]["card"]["last4"] == "4242"
    assert charge["outcome"]["type"] == "authorized"
    txn = ok(api.get("/v1/balance_transactions/" + charge["balance_transaction"]))
    # US pricing: 2.9% + 30 cents for a domestic card
    assert (txn["amount"], txn["fee"], txn["net"], txn["type"], txn["source"]) == (2000, 88, 1912, "charge", charge["id"])
    assert txn["fee_details"][0]["type"] == "stripe_fee"
    assert txn["available_on"] > txn["created"] and txn["status"] == "pending"
    method = ok(api.get("/v1/payment_methods/" + intent["payment_method"]))
    assert method["card"]["brand"] == "visa" and method["card"]["last4"] == "4242"
    assert "_card" not in method


def test_a_foreign_card_pays_the_international_surcharge():
    assert ledger.fee_for(2000, "usd", "US") == 88
    assert ledger.fee_for(2000, "usd", "GB") == 118  # 2.9% + 1.5% + 30
    assert ledger.fee_for(1000, "eur", "US") == 54  # 2.9% + 25 (a charge in another currency: its fixed fee)
    assert ledger.fee_for(1000, "jpy", "US") == 29  # zero-decimal: no fixed part


def test_funds_become_available_after_two_business_days_at_midnight_utc():
    friday = 1_700_262_000  # 2023-11-17T23:00:00Z
    assert ledger.available_on(friday) == 1_700_524_800  # Tuesday 2023-11-21T00:00:00Z
    assert ledger.available_on(T0) == 1_700_092_800  # Thursday 2023-11-16T00:00:00Z


@pytest.mark.parametrize("method, code, decline_code, message", [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."),
    ("pm_card_visa_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds", "Your card has insufficient funds."),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."),
    ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
    ("pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error",
     "An error occurred while processing your card. Try again in a little bit."),
    ("pm_card_visa_chargeDeclinedLostCard", "card_declined", "lost_card", "Your card was declined."),
    ("pm_card_visa_chargeDeclinedStolenCard", "card_declined", "stolen_card", "Your card was declined."),
    ("pm_card_radarBlock", "card_declined", "fraudulent", "Your card was declined."),
])
def test_a_declining_card_answers_402_and_leaves_a_failed_charge(api, method, code, decline_code, message):
    err = bad(pay(api, method), 402)
    assert (err["type"], err["code"], err["decline_code"], err["message"]) == ("card_error", code, decline_code, message)
    assert err["charge"].startswith("ch_")
    intent = err["payment_intent"]
    assert intent["status"] == "requires_payment_method" and intent["payment_method"] is None
    stored = ok(api.get("/v1/payment_intents/" + intent["id"]))
    assert stored["latest_charge"] == err["charge"]
    assert stored["last_payment_error"]["code"] == code
    assert stored["last_payment_error"]["decline_code"] == decline_code
    assert stored["last_payment_error"]["payment_method"]["card"]["brand"] == "visa"
    charge = ok(api.get("/v1/charges/" + err["charge"]))
    assert (charge["status"], charge["paid"], charge["failure_code"]) == ("failed", False, code)
    assert charge["balance_transaction"] is None
    assert txns(api) == []


def test_raw_card_numbers_and_tokens_behave_as_their_test_cards(api):
    declining = ok(api.post("/v1/payment_methods", data={"type": "card", "card[number]": "4000000000009995",
                                                         "card[exp_month]": 12, "card[exp_year]": 2034}))
    assert declining["card"]["last4"] == "9995" and declining["card"]["exp_year"] == 2034
    err = bad(pay(api, declining["id"]), 402)
    assert err["decline_code"] == "insufficient_funds"
    wrong = bad(api.post("/v1/payment_methods", data={"type": "card", "card[number]": "4242424242424241"}), 402)
    assert (wrong["type"], wrong["code"]) == ("card_error", "incorrect_number")
    token = ok(api.post("/v1/tokens", data={"card[number]": "5555555555554444", "card[exp_month]": 1,
                                            "card[exp_year]": 2035}))
    assert token["id"].startswith("tok_") and token["card"]["brand"] == "MasterCard"
    intent = ok(pay(api, "tok_amex"))
    assert ok(api.get("/v1/charges/" + intent["latest_charge"]))["payment_method_details"]["card"]["brand"] == "amex"
    method = ok(api.post("/v1/payment_methods", data={"type": "card", "card[token]": token["id"]}))
    assert method["card"]["brand"] == "mastercard"
    reused = bad(api.post("/v1/payment_methods", data={"type": "card", "card[token]": token["id"]}))
    assert reused["code"] == "token_already_used"


def test_a_3d_secure_card_asks_for_action_then_succeeds_once_confirmed_again(api):
    intent = ok(pay(api, "pm_card_authenticationRequired", return_url="https://example.com/back"))
    assert intent["status"] == "requires_action"
    assert intent["next_action"]["type"] == "redirect_to_url"
    assert intent["next_action"]["redirect_to_url"]["return_url"] == "https://example.com/back"
    assert intent["latest_charge"] is None
    done = ok(api.post("/v1/payment_intents/%s/confirm" % intent["id"]))
    assert done["status"] == "succeeded" and done["latest_charge"].startswith("ch_")
    sdk = ok(pay(api, "pm_card_threeDSecure2Required"))
    assert sdk["next_action"]["type"] == "use_stripe_sdk"
    err = bad(pay(api, "pm_card_authenticationRequired", off_session="true"), 402)
    assert (err["code"], err["decline_code"]) == ("authentication_required", "authentication_required")


def test_manual_capture_posts_the_captured_amount_only(api):
    intent = ok(pay(api, capture_method="manual", amount=5000))
    assert intent["status"] == "requires_capture" and intent["amount_capturable"] == 5000
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    assert charge["captured"] is False and charge["balance_transaction"] is None
    too_much = bad(api.post("/v1/payment_intents/%s/capture" % intent["id"], data={"amount_to_capture": 6000}))
    assert too_much["param"] == "amount_to_capture"
    captured = ok(api.post("/v1/payment_intents/%s/capture" % intent["id"], data={"amount_to_capture": 3000}))
    assert captured["status"] == "succeeded" and captured["amount_received"] == 3000
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    assert (charge["captured"], charge["amount_captured"], charge["amount_refunded"]) == (True, 3000, 2000)
    assert [t["amount"] for t in txns(api)] == [3000]


def test_refunds_are_bounded_by_what_is_left_and_post_their_own_transactions(api):
    intent = ok(pay(api))
    charge_id = intent["latest_charge"]
    err = bad(api.post("/v1/refunds", data={"charge": charge_id, "amount": 999_999}))
    assert err["code"] == "amount_too_large" and err["param"] == "amount"
    assert err["message"] == "Refund amount ($9,999.99) is greater than charge amount ($20.00)"
    first = ok(api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": 500}))
    assert (first["charge"], first["amount"], first["status"]) == (charge_id, 500, "succeeded")
    err = bad(api.post("/v1/refunds", data={"charge": charge_id, "amount": 1600}))
    assert err["message"] == "Refund amount ($16.00) is greater than unrefunded amount on charge ($15.00)"
    rest = ok(api.post("/v1/refunds", data={"charge": charge_id}))
    assert rest["amount"] == 1500
    charge = ok(api.get("/v1/charges/" + charge_id))
    assert (charge["amount_refunded"], charge["refunded"]) == (2000, True)
    assert [r["id"] for r in charge["refunds"]["data"]] == [rest["id"], first["id"]]
    again = bad(api.post("/v1/refunds", data={"charge": charge_id, "amount": 1}))
    assert again["code"] == "charge_already_refunded"
    refund_txns = txns(api, type="refund")
    assert sorted(t["amount"] for t in refund_txns) == [-1500, -500]
    assert all(t["fee"] == 0 and t["status"] == "available" for t in refund_txns)


def _sums(api):
    balance = ok(api.get("/v1/balance"))
    available = {row["currency"]: row["amount"] for row in balance["available"]}
    pending = {row["currency"]: row["amount"] for row in balance["pending"]}
    return available, pending


def test_the_balance_is_the_sum_of_the_balance_transactions_and_payouts_take_from_available(api):
    available, pending = _sums(api)
    assert available == {"usd": 0} and pending == {"usd": 0}
    ok(pay(api, amount=2000))  # pending for two business days
    now = ok(pay(api, "pm_card_bypassPending", amount=10_000))  # available at once
    ok(api.post("/v1/refunds", data={"payment_intent": now["id"], "amount": 1000}))
    ok(pay(api, amount=3000, currency="eur"))
    available, pending = _sums(api)
    assert available["usd"] == 10_000 - 320 - 1000 and pending["usd"] == 2000 - 88
    assert pending["eur"] == 3000 - 112 and available["eur"] == 0
    err = bad(api.post("/v1/payouts", data={"amount": available["usd"] + 1, "currency": "usd"}))
    assert err["code"] == "balance_insufficient"
    payout = ok(api.post("/v1/payouts", data={"amount": 5000, "currency": "usd"}))
    assert payout["status"] == "pending" and payout["balance_transaction"].startswith("txn_")
    assert payout["arrival_date"] > payout["created"]
    canceled = ok(api.post("/v1/payouts", data={"amount": 1000, "currency": "usd"}))
    ok(api.post("/v1/payouts/%s/cancel" % canceled["id"]))
    available, pending = _sums(api)
    every = txns(api)
    for currency in ("usd", "eur"):
        assert sum(t["net"] for t in every if t["currency"] == currency) == available[currency] + pending[currency]
        assert sum(t["net"] for t in every if t["currency"] == currency and t["status"] == "available") \
            == available[currency]
    assert available["usd"] == 10_000 - 320 - 1000 - 5000
    assert sorted(t["type"] for t in every) == ["charge", "charge", "charge", "payout", "payout", "payout_cancel",
                                                "refund"]


def test_a_charge_on_a_test_clock_becomes_available_when_the_clock_passes_its_date(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "payment_method": "pm_card_visa"}))
    methods = ok(api.get("/v1/customers/%s/payment_methods" % customer["id"]))["data"]
    intent = ok(pay(api, methods[0]["id"], customer=customer["id"]))
    txn = ok(api.get("/v1/balance_transactions/" + ok(api.get("/v1/charges/" + intent["latest_charge"]))["balance_transaction"]))
    assert txn["created"] == T0 and txn["available_on"] == 1_700_092_800
    assert _sums(api)[1]["usd"] == 1912
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 3 * DAY}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    available, pending = _sums(api)
    assert (available["usd"], pending["usd"]) == (1912, 0)


def test_dispute_fraud_warning_and_review_cards(api):
    disputed = ok(pay(api, "pm_card_createDispute"))
    charge = ok(api.get("/v1/charges/" + disputed["latest_charge"]))
    assert charge["disputed"] is True
    disputes = ok(api.get("/v1/disputes"))["data"]
    assert [(d["charge"], d["reason"], d["status"], d["amount"]) for d in disputes] == [
        (charge["id"], "fraudulent", "needs_response", 2000)]
    assert [(t["type"], t["amount"], t["fee"]) for t in txns(api, type="adjustment")] == [("adjustment", -2000, 1500)]
    warned = ok(pay(api, "pm_card_createIssuerFraudRecord"))
    warnings = ok(api.get("/v1/radar/early_fraud_warnings"))["data"]
    assert [(w["charge"], w["fraud_type"], w["actionable"]) for w in warnings] == [
        (warned["latest_charge"], "made_with_stolen_card", True)]
    reviewed = ok(pay(api, "pm_card_riskLevelElevated"))
    charge = ok(api.get("/v1/charges/" + reviewed["latest_charge"]))
    review = ok(api.get("/v1/reviews/" + charge["review"]))
    assert review["open"] is True and review["charge"] == charge["id"]
    assert charge["outcome"]["risk_level"] == "elevated"


def test_a_declining_card_cannot_be_attached_but_charge_customer_fail_can(api):
    customer = ok(api.post("/v1/customers", data={"email": "a@example.com"}))
    err = bad(api.post("/v1/payment_methods/pm_card_chargeDeclined/attach", data={"customer": customer["id"]}), 402)
    assert err["decline_code"] == "generic_decline"
    attached = ok(api.post("/v1/payment_methods/pm_card_chargeCustomerFail/attach", data={"customer": customer["id"]}))
    assert attached["customer"] == customer["id"] and attached["id"].startswith("pm_")
    err = bad(pay(api, attached["id"], customer=customer["id"]), 402)
    assert err["decline_code"] == "generic_decline"


# -- invoices and subscriptions pay through the same path -------------------------------------


def _customer_on_clock(api, method):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "email": "renew@example.com",
                                                  "payment_method": method,
                                                  "invoice_settings[default_payment_method]": method}))
    assert customer["invoice_settings"]["default_payment_method"].startswith("pm_")
    price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 1500, "recurring[interval]": "month",
                                            "product_data[name]": "Plan"}))
    return clock, customer, price


def test_a_subscription_charges_its_first_invoice_and_a_declining_renewal_goes_past_due(api):
    clock, customer, price = _customer_on_clock(api, "pm_card_visa")
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"]}))
    assert sub["status"] == "active"
    first = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (first["status"], first["amount_paid"], first["attempt_count"]) == ("paid", 1500, 1)
    charges = ok(api.get("/v1/charges", params={"customer": customer["id"]}))["data"]
    assert [(c["amount"], c["status"]) for c in charges] == [(1500, "succeeded")]
    assert [t["amount"] for t in txns(api, type="charge")] == [1500]
    # the card on file starts declining: the renewal's invoice stays open and the subscription is past due
    failing = ok(api.post("/v1/payment_methods/pm_card_chargeCustomerFail/attach", data={"customer": customer["id"]}))
    ok(api.post("/v1/customers/" + customer["id"], data={"invoice_settings[default_payment_method]": failing["id"]}))
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 31 * DAY}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    sub = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert sub["status"] == "past_due"
    renewal = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert renewal["id"] != first["id"] and renewal["billing_reason"] == "subscription_cycle"
    assert (renewal["status"], renewal["amount_paid"], renewal["attempted"], renewal["attempt_count"]) == ("open", 0, True, 1)
    assert renewal["next_payment_attempt"] == renewal["created"] + 3 * DAY
    charges = ok(api.get("/v1/charges", params={"customer": customer["id"]}))["data"]
    assert [(c["status"], c["failure_code"]) for c in charges] == [("failed", "card_declined"), ("succeeded", None)]
    failed_events = ok(api.get("/v1/events", params={"type": "invoice.payment_failed"}))["data"]
    assert [e["data"]["object"]["id"] for e in failed_events] == [renewal["id"]]
    assert failed_events[0]["data"]["object"]["status"] == "open"
    assert renewal["created"] <= failed_events[0]["created"] <= T0 + 31 * DAY  # on the clock's time
    past_due = [e for e in ok(api.get("/v1/events", params={"type": "customer.subscription.updated"}))["data"]
                if e["data"]["object"]["status"] == "past_due"]
    assert [e["data"]["object"]["id"] for e in past_due] == [sub["id"]]
    # paying it by hand with a good card settles it and the subscription is active again
    err = bad(api.post("/v1/invoices/%s/pay" % renewal["id"]), 402)
    assert err["decline_code"] == "generic_decline"
    assert ok(api.get("/v1/invoices/" + renewal["id"]))["attempt_count"] == 2
    paid = ok(api.post("/v1/invoices/%s/pay" % renewal["id"], data={"payment_method": "pm_card_visa"}))
    assert (paid["status"], paid["amount_paid"]) == ("paid", 1500)
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["status"] == "active"


def test_a_subscription_whose_first_payment_declines_is_incomplete(api):
    clock, customer, price = _customer_on_clock(api, "pm_card_chargeCustomerFail")
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"]}))
    assert sub["status"] == "incomplete"
    invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (invoice["status"], invoice["attempt_count"]) == ("open", 1)


# -- Connect: transfers, destination charges, application fees ---------------------------------


def _connected_balance(api, account):
    balance = ok(api.get("/v1/balance", headers={"Stripe-Account": account}))
    return {row["currency"]: row["amount"] for row in balance["available"]}


def test_transfers_move_available_balance_to_the_connected_account_and_reversals_bring_it_back(api):
    account = ok(api.post("/v1/accounts", data={"type": "custom", "country": "US"}))["id"]
    err = bad(api.post("/v1/transfers", data={"amount": 1000, "currency": "usd", "destination": account}))
    assert err["code"] == "balance_insufficient"
    ok(pay(api, "pm_card_bypassPending", amount=10_000))  # 9,680 available
    transfer = ok(api.post("/v1/transfers", data={"amount": 4000, "currency": "usd", "destination": account}))
    assert transfer["balance_transaction"].startswith("txn_")
    assert _sums(api)[0]["usd"] == 9680 - 4000
    assert _connected_balance(api, account)["usd"] == 4000
    reversal = ok(api.post("/v1/transfers/%s/reversals" % transfer["id"], data={"amount": 1500}))
    assert reversal["transfer"] == transfer["id"]
    too_much = bad(api.post("/v1/transfers/%s/reversals" % transfer["id"], data={"amount": 2501}))
    assert too_much["code"] == "amount_too_large"
    again = ok(api.get("/v1/transfers/" + transfer["id"]))
    assert (again["amount_reversed"], again["reversed"]) == (1500, False)
    assert [r["id"] for r in again["reversals"]["data"]] == [reversal["id"]]
    assert _sums(api)[0]["usd"] == 9680 - 2500 and _connected_balance(api, account)["usd"] == 2500
    platform = txns(api)
    assert sorted(t["type"] for t in platform) == ["charge", "transfer", "transfer_refund"]
    connected = ok(api.get("/v1/balance_transactions", headers={"Stripe-Account": account}))["data"]
    assert sorted((t["type"], t["amount"]) for t in connected) == [("payment", 4000), ("transfer_refund", -1500)]


def test_a_destination_charge_transfers_and_keeps_an_application_fee_that_can_be_refunded(api):
    account = ok(api.post("/v1/accounts", data={"type": "express", "country": "US"}))["id"]
    err = bad(pay(api, application_fee_amount=200))
    assert err["param"] == "application_fee_amount"
    intent = ok(pay(api, "pm_card_bypassPending", amount=10_000, application_fee_amount=500,
                    **{"transfer_data[destination]": account}))
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    fee = ok(api.get("/v1/application_fees/" + charge["application_fee"]))
    assert (fee["amount"], fee["account"], fee["charge"]) == (500, account, charge["id"])
    transfer = ok(api.get("/v1/transfers/" + charge["transfer"]))
    assert (transfer["amount"], transfer["destination"], transfer["source_transaction"]) == (9500, account, charge["id"])
    assert _connected_balance(api, account)["usd"] == 9500
    assert _sums(api)[0]["usd"] == 10_000 - 320 - 9500
    refund = ok(api.post("/v1/application_fees/%s/refunds" % fee["id"], data={"amount": 200}))
    assert refund["fee"] == fee["id"] and refund["amount"] == 200
    assert bad(api.post("/v1/application_fees/%s/refunds" % fee["id"], data={"amount": 301}))["code"] == "amount_too_large"
    fee = ok(api.get("/v1/application_fees/" + fee["id"]))
    assert (fee["amount_refunded"], fee["refunded"], len(fee["refunds"]["data"])) == (200, False, 1)
    assert _connected_balance(api, account)["usd"] == 9700
    assert _sums(api)[0]["usd"] == 10_000 - 320 - 9500 - 200
