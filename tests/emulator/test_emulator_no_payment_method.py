"""A customer with nothing to pay with, both ways in (in-process and ``emulator serve``): a
subscription that must charge now is refused unless it may wait ``incomplete``; a renewal or a
trial's end fails its payment and the subscription goes ``past_due``; paying by hand is refused
until there is a payment method. ``send_invoice`` and free subscriptions are not affected."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok, wait_for

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
DAY = 86400
NO_METHOD = "This customer has no attached payment source or default payment method."


def setup(api, amount=1500, **customer):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    cus = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "email": "nopm@example.com", **customer}))
    price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": amount, "recurring[interval]": "month",
                                            "product_data[name]": "Plan"}))
    return clock, cus, price


def advance(api, clock, to):
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": to}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")


def events(api, *types):
    data = ok(api.get("/v1/events", params={"limit": 100}))["data"]
    return [e for e in reversed(data) if not types or e["type"] in types]


def charges_of(api, customer):
    return ok(api.get("/v1/charges", params={"customer": customer["id"]}))["data"]


def test_a_subscription_that_must_charge_now_is_refused_and_nothing_is_made(api):
    clock, customer, price = setup(api)
    before = len(events(api))
    for behaviour in (None, "allow_incomplete", "error_if_incomplete"):
        data = {"customer": customer["id"], "items[0][price]": price["id"]}
        if behaviour:
            data["payment_behavior"] = behaviour
        err = bad(api.post("/v1/subscriptions", data=data), 400)
        assert err["type"] == "invalid_request_error" and err["code"] == "resource_missing"
        assert err["message"].startswith(NO_METHOD)
    assert ok(api.get("/v1/subscriptions", params={"customer": customer["id"], "status": "all"}))["data"] == []
    assert ok(api.get("/v1/invoices", params={"customer": customer["id"]}))["data"] == []
    assert len(events(api)) == before and charges_of(api, customer) == []


def test_default_incomplete_waits_with_its_first_invoice_open_until_it_is_paid(api):
    clock, customer, price = setup(api)
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"],
                                                 "payment_behavior": "default_incomplete"}))
    assert sub["status"] == "incomplete"
    invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (invoice["status"], invoice["amount_due"], invoice["attempted"], invoice["attempt_count"]) == \
        ("open", 1500, False, 0)
    assert [e["type"] for e in events(api, "invoice.payment_failed", "invoice.paid")] == []
    # paying it by hand with nothing to pay with: Stripe's 400, nothing recorded
    err = bad(api.post("/v1/invoices/%s/pay" % invoice["id"]), 400)
    assert err["code"] == "resource_missing" and err["message"].startswith(NO_METHOD)
    still = ok(api.get("/v1/invoices/" + invoice["id"]))
    assert (still["status"], still["attempt_count"], still["amount_paid"]) == ("open", 0, 0)
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["status"] == "incomplete"
    paid = ok(api.post("/v1/invoices/%s/pay" % invoice["id"], data={"payment_method": "pm_card_visa"}))
    assert (paid["status"], paid["amount_paid"]) == ("paid", 1500)
    assert [(c["amount"], c["status"]) for c in charges_of(api, customer)] == [(1500, "succeeded")]
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["status"] == "active"


def test_a_trial_ending_without_a_payment_method_fails_its_invoice_and_goes_past_due(api):
    clock, customer, price = setup(api)
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"],
                                                 "trial_period_days": 7}))
    assert sub["status"] == "trialing"  # nothing to pay yet: no payment method needed
    mark = len(events(api))
    advance(api, clock, T0 + 8 * DAY)
    sub = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert sub["status"] == "past_due"
    invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert invoice["billing_reason"] == "subscription_cycle" and invoice["amount_due"] == 1500
    assert (invoice["status"], invoice["amount_paid"], invoice["attempted"], invoice["attempt_count"]) == \
        ("open", 0, True, 1)
    assert invoice["next_payment_attempt"] == T0 + 7 * DAY + 3 * DAY  # Stripe's retry schedule, shown
    later = events(api)[mark:]
    kinds = [e["type"] for e in later]
    assert "invoice.paid" not in kinds and "charge.succeeded" not in kinds and "charge.failed" not in kinds
    assert kinds.index("invoice.finalized") < kinds.index("invoice.payment_failed") < \
        kinds.index("customer.subscription.updated")
    failed = next(e for e in later if e["type"] == "invoice.payment_failed")["data"]["object"]
    assert (failed["id"], failed["status"], failed["attempt_count"]) == (invoice["id"], "open", 1)
    updated = next(e for e in later if e["type"] == "customer.subscription.updated")
    assert updated["data"]["object"]["status"] == "past_due"
    assert updated["data"]["previous_attributes"]["status"] == "trialing"
    assert charges_of(api, customer) == []  # no money moved
    # the operator adds a card as the invoice default and pays the invoice: active again
    err = bad(api.post("/v1/invoices/%s/pay" % invoice["id"]), 400)
    assert err["code"] == "resource_missing"
    assert ok(api.get("/v1/invoices/" + invoice["id"]))["attempt_count"] == 1
    card = ok(api.post("/v1/payment_methods/pm_card_visa/attach", data={"customer": customer["id"]}))
    ok(api.post("/v1/customers/" + customer["id"], data={"invoice_settings[default_payment_method]": card["id"]}))
    paid = ok(api.post("/v1/invoices/%s/pay" % invoice["id"]))
    assert (paid["status"], paid["amount_paid"], paid["amount_remaining"]) == ("paid", 1500, 0)
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["status"] == "active"
    assert [(c["amount"], c["status"]) for c in charges_of(api, customer)] == [(1500, "succeeded")]


def test_a_renewal_after_the_card_is_removed_fails_and_every_unpaid_month_stays_open(api):
    clock, customer, price = setup(api, payment_method="pm_card_visa",
                                   **{"invoice_settings[default_payment_method]": "pm_card_visa"})
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"]}))
    assert sub["status"] == "active"
    first = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (first["status"], first["amount_paid"]) == ("paid", 1500)
    ok(api.post("/v1/customers/" + customer["id"], data={"invoice_settings[default_payment_method]": ""}))
    advance(api, clock, T0 + 62 * DAY)  # two renewals
    sub = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert sub["status"] == "past_due"
    invoices = ok(api.get("/v1/invoices", params={"subscription": sub["id"]}))["data"]
    assert [(i["billing_reason"], i["status"], i["attempt_count"]) for i in invoices] == [
        ("subscription_cycle", "open", 1), ("subscription_cycle", "open", 1), ("subscription_create", "paid", 1)]
    failed = [e["data"]["object"]["id"] for e in events(api, "invoice.payment_failed")]
    assert failed == [invoices[1]["id"], invoices[0]["id"]]
    assert [c["amount"] for c in charges_of(api, customer)] == [1500]  # only the first month's


def test_send_invoice_and_free_subscriptions_need_no_payment_method(api):
    clock, customer, price = setup(api)
    invoiced = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"],
                                                      "collection_method": "send_invoice", "days_until_due": 30}))
    assert invoiced["status"] == "active"
    invoice = ok(api.get("/v1/invoices/" + invoiced["latest_invoice"]))
    assert (invoice["status"], invoice["attempted"], invoice["attempt_count"]) == ("open", False, 0)
    free_price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 0, "recurring[interval]": "month",
                                                 "product_data[name]": "Free"}))
    free = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": free_price["id"]}))
    assert free["status"] == "active"
    assert ok(api.get("/v1/invoices/" + free["latest_invoice"]))["status"] == "paid"
    advance(api, clock, T0 + 31 * DAY)
    assert ok(api.get("/v1/subscriptions/" + invoiced["id"]))["status"] == "active"
    assert ok(api.get("/v1/subscriptions/" + free["id"]))["status"] == "active"
    assert events(api, "invoice.payment_failed") == [] and charges_of(api, customer) == []


def test_an_accepted_quote_is_not_refused_its_subscription_starts_incomplete(api):
    clock, customer, price = setup(api)
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": price["id"]}))
    ok(api.post("/v1/quotes/%s/finalize" % quote["id"]))
    accepted = ok(api.post("/v1/quotes/%s/accept" % quote["id"]))
    assert accepted["status"] == "accepted"
    sub = ok(api.get("/v1/subscriptions/" + accepted["subscription"]))
    assert sub["status"] == "incomplete"
    invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (invoice["status"], invoice["attempted"], invoice["attempt_count"]) == ("open", True, 1)
    assert [e["data"]["object"]["id"] for e in events(api, "invoice.payment_failed")] == [invoice["id"]]
    assert charges_of(api, customer) == []


# -- payment_behavior with a card on file -------------------------------------------------------


def test_error_if_incomplete_answers_a_declined_first_payment_with_402_and_makes_nothing(api):
    clock, customer, price = setup(api, payment_method="pm_card_chargeCustomerFail",
                                   **{"invoice_settings[default_payment_method]": "pm_card_chargeCustomerFail"})
    before = len(events(api))
    err = bad(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"],
                                                  "payment_behavior": "error_if_incomplete"}), 402)
    assert (err["type"], err["code"], err["decline_code"]) == ("card_error", "card_declined", "generic_decline")
    assert ok(api.get("/v1/subscriptions", params={"customer": customer["id"], "status": "all"}))["data"] == []
    assert ok(api.get("/v1/invoices", params={"customer": customer["id"]}))["data"] == []
    assert len(events(api)) == before
    # the default (allow_incomplete) keeps it, incomplete, with the failed charge
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"]}))
    assert sub["status"] == "incomplete"
    assert [c["status"] for c in charges_of(api, customer)] == ["failed"]


def test_default_incomplete_does_not_charge_the_card_until_the_invoice_is_paid(api):
    clock, customer, price = setup(api, payment_method="pm_card_visa",
                                   **{"invoice_settings[default_payment_method]": "pm_card_visa"})
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"],
                                                 "payment_behavior": "default_incomplete"}))
    assert sub["status"] == "incomplete"
    invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (invoice["status"], invoice["attempted"], invoice["attempt_count"]) == ("open", False, 0)
    assert charges_of(api, customer) == []
    assert ok(api.post("/v1/invoices/%s/pay" % invoice["id"]))["status"] == "paid"
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["status"] == "active"
    assert [c["amount"] for c in charges_of(api, customer)] == [1500]


def test_a_detached_card_is_not_charged_the_renewal_fails_instead(api):
    clock, customer, price = setup(api)
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"],
                                                 "default_payment_method": "pm_card_visa"}))
    assert sub["status"] == "active" and sub["default_payment_method"].startswith("pm_")
    ok(api.post("/v1/payment_methods/%s/detach" % sub["default_payment_method"]))
    advance(api, clock, T0 + 31 * DAY)
    sub = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert sub["status"] == "past_due"
    renewal = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert (renewal["status"], renewal["attempt_count"]) == ("open", 1)
    assert [c["amount"] for c in charges_of(api, customer)] == [1500]  # the first month only
