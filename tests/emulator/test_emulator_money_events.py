"""The events money makes, both ways in (in-process and ``emulator serve``): a dispute opened,
answered and closed, a refund changed, a transfer reversed, funds becoming available; each with
Stripe's event names, order and ``previous_attributes``."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok, pay, wait_for

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z, a Tuesday
DAY = 86400


def events(api, object_id=None):
    """(type, previous_attributes) of each event, oldest first (those about ``object_id`` only)."""
    data = ok(api.get("/v1/events", params={"limit": 100}))["data"]
    return [(e["type"], e["data"].get("previous_attributes")) for e in reversed(data)
            if object_id is None or e["data"]["object"].get("id") == object_id]


def types(api, object_id=None):
    return [t for t, _ in events(api, object_id)]


def dispute_of(api, intent):
    found = ok(api.get("/v1/disputes", params={"payment_intent": intent["id"]}))["data"]
    assert len(found) == 1
    return found[0]


# -- disputes -----------------------------------------------------------------------------------


def test_the_dispute_card_opens_a_chargeback_that_withdraws_the_amount_and_fee(api):
    intent = ok(pay(api, "pm_card_createDispute"))
    dispute = dispute_of(api, intent)
    assert (dispute["status"], dispute["reason"], dispute["amount"]) == ("needs_response", "fraudulent", 2000)
    assert [(t["amount"], t["fee"], t["net"]) for t in dispute["balance_transactions"]] == [(-2000, 1500, -3500)]
    assert types(api) == ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded",
                          "charge.dispute.created", "charge.dispute.funds_withdrawn"]  # the dispute follows
    created = ok(api.get("/v1/events", params={"type": "charge.dispute.created"}))["data"][0]
    assert created["data"]["object"]["id"] == dispute["id"]
    assert created["data"]["object"]["object"] == "dispute"


def test_the_inquiry_card_opens_a_warning_that_moves_no_money(api):
    intent = ok(pay(api, "pm_card_createDisputeInquiry"))
    dispute = dispute_of(api, intent)
    assert (dispute["status"], dispute["balance_transactions"], dispute["is_charge_refundable"]) == (
        "warning_needs_response", [], True)
    assert types(api, dispute["id"]) == ["charge.dispute.created"]


def test_metadata_updates_the_dispute_without_submitting_anything(api):
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDisputeInquiry")))
    updated = ok(api.post("/v1/disputes/" + dispute["id"], data={"metadata[order]": "6735"}))
    assert updated["metadata"] == {"order": "6735"} and updated["status"] == "warning_needs_response"
    assert updated["evidence_details"]["submission_count"] == 0
    assert events(api, dispute["id"])[-1] == ("charge.dispute.updated", {"metadata": {}})


def test_evidence_submitted_puts_the_dispute_under_review(api):
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDispute")))
    updated = ok(api.post("/v1/disputes/" + dispute["id"],
                          data={"evidence[uncategorized_text]": "Delivered as ordered.",
                                "evidence[customer_name]": "Jenny Rosen"}))
    assert updated["status"] == "under_review"
    assert (updated["evidence"]["uncategorized_text"], updated["evidence"]["customer_name"]) == (
        "Delivered as ordered.", "Jenny Rosen")
    assert (updated["evidence_details"]["has_evidence"], updated["evidence_details"]["submission_count"]) == (True, 1)
    kind, previous = events(api, dispute["id"])[-1]
    assert kind == "charge.dispute.updated"
    assert previous["status"] == "needs_response"
    assert previous["evidence"]["uncategorized_text"] is None
    assert previous["evidence_details"]["submission_count"] == 0
    err = bad(api.post("/v1/disputes/" + dispute["id"], data={"evidence[uncategorized_text]": "more"}))
    assert err["param"] == "evidence" and "under_review" in err["message"]


def test_staged_evidence_waits_for_submit(api):
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDispute")))
    staged = ok(api.post("/v1/disputes/" + dispute["id"],
                         data={"evidence[uncategorized_text]": "winning_evidence", "submit": "false"}))
    assert staged["status"] == "needs_response"
    assert (staged["evidence_details"]["has_evidence"], staged["evidence_details"]["submission_count"]) == (True, 0)
    submitted = ok(api.post("/v1/disputes/" + dispute["id"], data={"submit": "true"}))
    assert submitted["status"] == "won" and submitted["evidence_details"]["submission_count"] == 1


def test_winning_evidence_wins_the_chargeback_and_reinstates_the_funds(api):
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDispute")))
    won = ok(api.post("/v1/disputes/" + dispute["id"], data={"evidence[uncategorized_text]": "winning_evidence"}))
    assert won["status"] == "won"
    assert [(t["amount"], t["fee"], t["net"], t["reporting_category"]) for t in won["balance_transactions"]] == [
        (-2000, 1500, -3500, "dispute"), (2000, -1500, 3500, "dispute_reversal")]
    assert types(api, dispute["id"])[2:] == ["charge.dispute.updated", "charge.dispute.closed",
                                             "charge.dispute.funds_reinstated"]
    closed = ok(api.get("/v1/events", params={"type": "charge.dispute.closed"}))["data"][0]
    assert closed["data"]["object"]["status"] == "won"


def test_losing_evidence_loses_it_and_keeps_the_funds_withdrawn(api):
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDispute")))
    lost = ok(api.post("/v1/disputes/" + dispute["id"], data={"evidence[uncategorized_text]": "losing_evidence"}))
    assert lost["status"] == "lost" and len(lost["balance_transactions"]) == 1
    assert types(api, dispute["id"])[2:] == ["charge.dispute.updated", "charge.dispute.closed"]


def test_closing_accepts_the_dispute_as_lost_once(api):
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDispute")))
    closed = ok(api.post("/v1/disputes/%s/close" % dispute["id"]))
    assert closed["status"] == "lost"
    assert events(api, dispute["id"])[2:] == [("charge.dispute.closed", {"status": "needs_response"})]
    err = bad(api.post("/v1/disputes/%s/close" % dispute["id"]))
    assert "already closed (lost)" in err["message"]
    inquiry = dispute_of(api, ok(pay(api, "pm_card_createDisputeInquiry")))
    accepted = ok(api.post("/v1/disputes/%s/close" % inquiry["id"]))
    assert (accepted["status"], accepted["balance_transactions"]) == ("lost", [])
    assert events(api, inquiry["id"]) == [("charge.dispute.created", None),
                                          ("charge.dispute.closed", {"status": "warning_needs_response"})]


# -- refunds and transfer reversals ------------------------------------------------------------


def test_a_changed_refund_is_refund_updated_then_charge_refund_updated(api):
    intent = ok(pay(api))
    refund = ok(api.post("/v1/refunds", data={"payment_intent": intent["id"]}))
    ok(api.post("/v1/refunds/" + refund["id"], data={"metadata[order_id]": "6735"}))
    assert events(api, refund["id"]) == [("refund.created", None), ("refund.updated", {"metadata": {}}),
                                         ("charge.refund.updated", {"metadata": {}})]
    last = ok(api.get("/v1/events", params={"type": "charge.refund.updated"}))["data"][0]
    assert last["data"]["object"]["metadata"] == {"order_id": "6735"}


def test_a_reversal_partial_or_full_is_transfer_reversed(api):
    ok(pay(api, "pm_card_bypassPending", amount=5000))
    account = ok(api.post("/v1/accounts", data={"type": "custom", "country": "US"}))["id"]
    transfer = ok(api.post("/v1/transfers", data={"amount": 1000, "currency": "usd", "destination": account}))
    first = ok(api.post("/v1/transfers/%s/reversals" % transfer["id"], data={"amount": 100}))
    ok(api.post("/v1/transfers/%s/reversals" % transfer["id"]))
    found = events(api, transfer["id"])
    assert [t for t, _ in found] == ["transfer.created", "transfer.reversed", "transfer.reversed"]
    assert found[1][1] == {"amount_reversed": 0}
    assert found[2][1] == {"amount_reversed": 100, "reversed": False}
    partial = ok(api.get("/v1/events", params={"type": "transfer.reversed"}))["data"][1]["data"]["object"]
    assert (partial["amount_reversed"], partial["reversed"]) == (100, False)
    assert [r["id"] for r in partial["reversals"]["data"]] == [first["id"]]


# -- balance.available ----------------------------------------------------------------------------


def available_events(api):
    return [e["data"]["object"] for e in reversed(ok(api.get("/v1/events", params={"type": "balance.available"}))["data"])]


def usd(rows):
    return [r["amount"] for r in rows if r["currency"] == "usd"][0]


def test_funds_available_at_once_announce_the_balance_after_the_payment_events(api):
    ok(pay(api))  # pending for two business days: nothing is announced
    assert available_events(api) == []
    intent = ok(pay(api, "pm_card_bypassPending"))
    assert types(api)[-4:] == ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded",
                               "balance.available"]
    [balance] = available_events(api)
    assert balance["object"] == "balance" and "id" not in balance
    assert (usd(balance["available"]), usd(balance["pending"])) == (1912, 1912)
    assert balance == ok(api.get("/v1/balance"))
    ok(api.post("/v1/refunds", data={"payment_intent": intent["id"]}))  # money that leaves: no event
    assert len(available_events(api)) == 1


def test_a_transfer_makes_no_platform_announcement_but_a_won_dispute_does(api):
    ok(pay(api, "pm_card_bypassPending", amount=5000))
    account = ok(api.post("/v1/accounts", data={"type": "custom", "country": "US"}))["id"]
    ok(api.post("/v1/transfers", data={"amount": 1000, "currency": "usd", "destination": account}))
    assert len(available_events(api)) == 1
    dispute = dispute_of(api, ok(pay(api, "pm_card_createDispute")))
    ok(api.post("/v1/disputes/" + dispute["id"], data={"evidence[uncategorized_text]": "winning_evidence"}))
    assert len(available_events(api)) == 2 and types(api)[-1] == "balance.available"


def test_funds_pending_by_the_wall_clock_are_announced_at_the_first_request_after(local, monkeypatch):
    import time

    intent = ok(pay(local))
    charge = ok(local.get("/v1/charges/" + intent["latest_charge"]))
    due = ok(local.get("/v1/balance_transactions/" + charge["balance_transaction"]))["available_on"]
    ok(local.get("/v1/balance"))
    assert available_events(local) == []
    monkeypatch.setattr(time, "time", lambda: due + 5.0)  # two business days on
    ok(local.get("/v1/balance"))
    [balance] = available_events(local)
    assert (usd(balance["available"]), usd(balance["pending"])) == (1912, 0)
    announced = ok(local.get("/v1/events", params={"type": "balance.available"}))["data"][0]
    assert announced["request"] == {"id": None, "idempotency_key": None}
    ok(local.get("/v1/balance"))
    assert len(available_events(local)) == 1


def test_a_test_clock_passing_available_on_announces_the_funds_once(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "payment_method": "pm_card_visa"}))
    method = ok(api.get("/v1/customers/%s/payment_methods" % customer["id"]))["data"][0]["id"]
    ok(pay(api, method, customer=customer["id"]))
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + DAY}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    assert available_events(api) == []  # available_on is two business days on
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 3 * DAY}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    [balance] = available_events(api)
    assert (usd(balance["available"]), usd(balance["pending"])) == (1912, 0)
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 5 * DAY}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    assert len(available_events(api)) == 1


# -- invoices whose payment needs 3D Secure ------------------------------------------------------


def test_paying_an_invoice_with_a_3ds_card_waits_for_the_customer_then_confirming_pays_it(api):
    customer = ok(api.post("/v1/customers", data={"email": "sca@example.com"}))
    method = ok(api.post("/v1/payment_methods/pm_card_threeDSecure2Required/attach", data={"customer": customer["id"]}))
    ok(api.post("/v1/invoiceitems", data={"amount": 2000, "currency": "usd", "customer": customer["id"]}))
    invoice = ok(api.post("/v1/invoices", data={"customer": customer["id"], "pending_invoice_items_behavior": "include"}))
    err = bad(api.post("/v1/invoices/%s/pay" % invoice["id"], data={"payment_method": method["id"]}), 402)
    assert (err["type"], err["code"]) == ("card_error", "invoice_payment_intent_requires_action")
    intent = ok(api.get("/v1/payment_intents/" + err["payment_intent"]["id"]))
    assert (intent["status"], intent["amount"], intent["latest_charge"]) == ("requires_action", 2000, None)
    assert intent["next_action"]["type"] == "use_stripe_sdk"
    waiting = ok(api.get("/v1/invoices/" + invoice["id"]))
    assert (waiting["status"], waiting["attempted"], waiting["attempt_count"], waiting["amount_remaining"]) == (
        "open", True, 1, 2000)
    assert waiting["next_payment_attempt"] is None
    assert ok(api.get("/v1/charges", params={"customer": customer["id"]}))["data"] == []
    assert types(api)[-3:] == ["payment_intent.requires_action", "invoice.payment_action_required", "invoice.updated"]
    action = ok(api.get("/v1/events", params={"type": "invoice.payment_action_required"}))["data"][0]
    assert action["data"]["object"]["id"] == invoice["id"] and action["data"]["object"]["status"] == "open"

    done = ok(api.post("/v1/payment_intents/%s/confirm" % intent["id"]))  # the customer authenticated
    assert done["status"] == "succeeded" and done["latest_charge"].startswith("ch_")
    paid = ok(api.get("/v1/invoices/" + invoice["id"]))
    assert (paid["status"], paid["amount_paid"], paid["amount_remaining"], paid["attempt_count"]) == ("paid", 2000, 0, 1)
    [payment] = ok(api.get("/v1/invoice_payments", params={"invoice": invoice["id"]}))["data"]
    assert (payment["status"], payment["amount_paid"]) == ("paid", 2000)
    assert types(api)[-5:] == ["charge.succeeded", "payment_intent.succeeded", "invoice.paid",
                               "invoice.payment_succeeded", "invoice.updated"]


def test_a_subscription_on_a_3ds_card_is_incomplete_until_its_invoice_is_authenticated(api):
    customer = ok(api.post("/v1/customers", data={
        "payment_method": "pm_card_authenticationRequired",
        "invoice_settings[default_payment_method]": "pm_card_authenticationRequired"}))
    product = ok(api.post("/v1/products", data={"name": "Pro"}))
    price = ok(api.post("/v1/prices", data={"product": product["id"], "unit_amount": 1500, "currency": "usd",
                                            "recurring[interval]": "month"}))
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": price["id"]}))
    assert sub["status"] == "incomplete"
    assert "invoice.payment_action_required" in types(api, sub["latest_invoice"])
    assert "invoice.payment_failed" not in types(api)
    [payment] = ok(api.get("/v1/invoice_payments", params={"invoice": sub["latest_invoice"]}))["data"]
    ok(api.post("/v1/payment_intents/%s/confirm" % payment["payment"]["payment_intent"]))
    assert ok(api.get("/v1/subscriptions/" + sub["id"]))["status"] == "active"
    assert ok(api.get("/v1/invoices/" + sub["latest_invoice"]))["status"] == "paid"


# -- customer cash balances and bank transfers ---------------------------------------------------


def bank_transfer_intent(api, customer, amount=2000, **extra):
    data = {"amount": amount, "currency": "usd", "customer": customer, "confirm": "true",
            "allowed_payment_method_types[]": "customer_balance", "payment_method_data[type]": "customer_balance",
            "payment_method_options[customer_balance][funding_type]": "bank_transfer",
            "payment_method_options[customer_balance][bank_transfer][type]": "us_bank_transfer"}
    data.update(extra)
    return api.post("/v1/payment_intents", data=data)


def fund(api, customer, amount, **extra):
    return api.post("/v1/test_helpers/customers/%s/fund_cash_balance" % customer,
                    data={"amount": amount, "currency": "usd", **extra})


def cash_txns(api, customer):
    listed = ok(api.get("/v1/customers/%s/cash_balance_transactions" % customer, params={"limit": 100}))["data"]
    return [(t["type"], t["net_amount"], t["ending_balance"]) for t in reversed(listed)]


def test_funds_with_nothing_to_pay_stay_in_the_cash_balance_and_are_announced(api):
    customer = ok(api.post("/v1/customers", data={"email": "transfer@example.com"}))["id"]
    assert ok(api.get("/v1/customers/%s/cash_balance" % customer))["settings"]["reconciliation_mode"] == "automatic"
    funded = ok(fund(api, customer, 5000, reference="REF-1"))
    assert (funded["object"], funded["type"], funded["net_amount"], funded["ending_balance"]) == (
        "customer_cash_balance_transaction", "funded", 5000, 5000)
    assert funded["funded"]["bank_transfer"]["reference"] == "REF-1"
    assert ok(api.get("/v1/customers/%s/cash_balance" % customer))["available"] == {"usd": 5000}
    assert types(api)[-2:] == ["customer_cash_balance_transaction.created", "cash_balance.funds_available"]
    announced = ok(api.get("/v1/events", params={"type": "cash_balance.funds_available"}))["data"][0]["data"]["object"]
    assert (announced["object"], announced["customer"], announced["available"]) == ("cash_balance", customer,
                                                                                  {"usd": 5000})
    assert bad(fund(api, customer, 0))["param"] == "amount"
    assert bad(api.post("/v1/test_helpers/customers/%s/fund_cash_balance" % customer, data={"amount": 10}))["param"] \
        == "currency"


def test_a_bank_transfer_payment_waits_for_funds_is_partially_funded_then_succeeds(api):
    customer = ok(api.post("/v1/customers", data={"email": "transfer@example.com"}))["id"]
    intent = ok(bank_transfer_intent(api, customer))
    assert intent["status"] == "requires_action"
    shown = intent["next_action"]["display_bank_transfer_instructions"]
    assert (shown["amount_remaining"], shown["currency"], shown["type"]) == (2000, "usd", "us_bank_transfer")
    assert shown["financial_addresses"][0]["type"] == "aba" and shown["reference"]
    method = ok(api.get("/v1/payment_methods/" + intent["payment_method"]))
    assert (method["type"], method["customer_balance"]) == ("customer_balance", {})

    ok(fund(api, customer, 1200))
    partial = ok(api.get("/v1/payment_intents/" + intent["id"]))
    assert partial["status"] == "requires_action" and partial["amount_received"] == 0
    assert partial["next_action"]["display_bank_transfer_instructions"]["amount_remaining"] == 800
    assert types(api)[-3:] == ["customer_cash_balance_transaction.created", "customer_cash_balance_transaction.created",
                               "payment_intent.partially_funded"]  # all applied: nothing announced
    funded = ok(api.get("/v1/events", params={"type": "payment_intent.partially_funded"}))["data"][0]["data"]["object"]
    assert funded["next_action"]["display_bank_transfer_instructions"]["amount_remaining"] == 800

    ok(fund(api, customer, 1000))
    paid = ok(api.get("/v1/payment_intents/" + intent["id"]))
    assert (paid["status"], paid["amount_received"], paid["next_action"]) == ("succeeded", 2000, None)
    charge = ok(api.get("/v1/charges/" + paid["latest_charge"]))
    assert (charge["status"], charge["amount"], charge["payment_method_details"]["type"]) == (
        "succeeded", 2000, "customer_balance")
    txn = ok(api.get("/v1/balance_transactions/" + charge["balance_transaction"]))
    assert (txn["amount"], txn["fee"], txn["type"]) == (2000, 0, "payment")
    assert cash_txns(api, customer) == [("funded", 1200, 1200), ("applied_to_payment", -1200, 0),
                                        ("funded", 1000, 1000), ("applied_to_payment", -800, 200)]
    assert types(api)[-3:] == ["charge.succeeded", "payment_intent.succeeded", "cash_balance.funds_available"]


def test_a_cash_balance_that_covers_the_payment_pays_it_at_confirmation(api):
    customer = ok(api.post("/v1/customers", data={"email": "transfer@example.com"}))["id"]
    ok(fund(api, customer, 3000))
    intent = ok(bank_transfer_intent(api, customer))
    assert intent["status"] == "succeeded"
    assert ok(api.get("/v1/customers/%s/cash_balance" % customer))["available"] == {"usd": 1000}
    err = bad(bank_transfer_intent(api, None))
    assert err["param"] == "customer"


def test_a_refund_of_a_cash_balance_payment_goes_back_into_the_balance(api):
    customer = ok(api.post("/v1/customers", data={"email": "transfer@example.com"}))["id"]
    ok(fund(api, customer, 2000))
    intent = ok(bank_transfer_intent(api, customer))
    assert ok(api.get("/v1/customers/%s/cash_balance" % customer))["available"] == {"usd": 0}
    refund = ok(api.post("/v1/refunds", data={"payment_intent": intent["id"], "amount": 500}))
    assert refund["destination_details"]["type"] == "customer_cash_balance"
    assert ok(api.get("/v1/customers/%s/cash_balance" % customer))["available"] == {"usd": 500}
    assert cash_txns(api, customer)[-1] == ("refunded_from_payment", 500, 500)
    assert types(api)[-3:] == ["refund.created", "customer_cash_balance_transaction.created",
                               "cash_balance.funds_available"]


def test_a_transfer_naming_a_reference_pays_that_intent_first(api):
    customer = ok(api.post("/v1/customers", data={"email": "transfer@example.com"}))["id"]
    first = ok(bank_transfer_intent(api, customer, amount=1000))
    second = ok(bank_transfer_intent(api, customer, amount=1000))
    reference = second["next_action"]["display_bank_transfer_instructions"]["reference"]
    ok(fund(api, customer, 1000, reference=reference))
    assert ok(api.get("/v1/payment_intents/" + second["id"]))["status"] == "succeeded"
    assert ok(api.get("/v1/payment_intents/" + first["id"]))["status"] == "requires_action"


def test_manual_reconciliation_keeps_the_funds_until_applied_by_hand(api):
    customer = ok(api.post("/v1/customers", data={"email": "transfer@example.com"}))["id"]
    ok(api.post("/v1/customers/%s/cash_balance" % customer, data={"settings[reconciliation_mode]": "manual"}))
    intent = ok(bank_transfer_intent(api, customer))
    ok(fund(api, customer, 500))
    assert ok(api.get("/v1/payment_intents/" + intent["id"]))["next_action"]["display_bank_transfer_instructions"][
        "amount_remaining"] == 2000
    assert types(api)[-1] == "cash_balance.funds_available"
    applied = ok(api.post("/v1/payment_intents/%s/apply_customer_balance" % intent["id"]))
    assert applied["next_action"]["display_bank_transfer_instructions"]["amount_remaining"] == 1500
    assert types(api)[-1] == "payment_intent.partially_funded"
    assert bad(api.post("/v1/payment_intents/%s/apply_customer_balance" % intent["id"]))["param"] == "amount"


# -- SEPA Direct Debit: processing, then cleared or failed ---------------------------------------


def sepa_intent(api, iban, **extra):
    method = ok(api.post("/v1/payment_methods", data={"type": "sepa_debit", "sepa_debit[iban]": iban,
                                                      "billing_details[name]": "Jenny Rosen",
                                                      "billing_details[email]": "jenny@example.com"}))
    data = {"payment_method": method["id"], "amount": 1000, "currency": "eur", "confirm": "true",
            "allowed_payment_method_types[]": "sepa_debit", "mandate_data[customer_acceptance][type]": "offline"}
    data.update(extra)
    return method, api.post("/v1/payment_intents", data={k: v for k, v in data.items() if v is not None})


def settled(api, intent_id):
    return wait_for(lambda: (lambda i: i if i["status"] != "processing" else None)(
        ok(api.get("/v1/payment_intents/" + intent_id))))


def test_a_sepa_payment_method_shows_its_bank_never_its_iban(api):
    method, _ = sepa_intent(api, "AT611904300234573201")
    assert method["type"] == "sepa_debit"
    assert {k: method["sepa_debit"][k] for k in ("country", "bank_code", "last4")} == {
        "country": "AT", "bank_code": "19043002", "last4": "3201"}
    assert "AT611904300234573201" not in str(method)
    err = bad(api.post("/v1/payment_methods", data={"type": "sepa_debit", "sepa_debit[iban]": "12"}))
    assert err["param"] == "sepa_debit[iban]"


def test_a_sepa_debit_is_processing_then_succeeds(api):
    _, response = sepa_intent(api, "AT611904300234573201")
    intent = ok(response)
    assert intent["status"] == "processing"
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    assert (charge["status"], charge["paid"], charge["balance_transaction"]) == ("pending", False, None)
    assert charge["payment_method_details"]["type"] == "sepa_debit"
    mandate = ok(api.get("/v1/mandates/" + charge["payment_method_details"]["sepa_debit"]["mandate"]))
    assert (mandate["status"], mandate["customer_acceptance"]["type"]) == ("active", "offline")
    assert types(api)[-3:] == ["payment_intent.created", "charge.pending", "payment_intent.processing"]
    processing = ok(api.get("/v1/events", params={"type": "payment_intent.processing"}))["data"][0]
    assert processing["data"]["object"]["status"] == "processing"

    done = settled(api, intent["id"])
    assert (done["status"], done["amount_received"]) == ("succeeded", 1000)
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    assert (charge["status"], charge["paid"]) == ("succeeded", True)
    txn = ok(api.get("/v1/balance_transactions/" + charge["balance_transaction"]))
    assert (txn["amount"], txn["currency"], txn["type"], txn["status"]) == (1000, "eur", "payment", "pending")
    assert types(api)[-2:] == ["charge.succeeded", "payment_intent.succeeded"]
    succeeded = ok(api.get("/v1/events", params={"type": "payment_intent.succeeded"}))["data"][0]
    assert succeeded["request"] == {"id": None, "idempotency_key": None}  # the emulator's doing, not a request


def test_a_failing_iban_sends_the_intent_back_to_requires_payment_method(api):
    _, response = sepa_intent(api, "AT861904300235473202")
    intent = settled(api, ok(response)["id"])
    assert (intent["status"], intent["payment_method"]) == ("requires_payment_method", None)
    assert intent["last_payment_error"]["code"] == "insufficient_funds"
    charge = ok(api.get("/v1/charges/" + intent["latest_charge"]))
    assert (charge["status"], charge["failure_code"]) == ("failed", "insufficient_funds")
    assert types(api)[-2:] == ["charge.failed", "payment_intent.payment_failed"]


def test_the_dispute_iban_succeeds_then_is_disputed(api):
    _, response = sepa_intent(api, "AT591904300235473203")
    intent = settled(api, ok(response)["id"])
    assert intent["status"] == "succeeded"
    assert ok(api.get("/v1/charges/" + intent["latest_charge"]))["disputed"] is True
    assert types(api)[-2:] == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]


def test_the_slow_iban_stays_processing_and_sepa_needs_euros_and_a_mandate(api):
    _, response = sepa_intent(api, "AT321904300235473204")
    slow = ok(response)
    _, response = sepa_intent(api, "AT611904300234573201")
    settled(api, ok(response)["id"])  # the emulator's short delay has passed: this one cleared, the slow one waits
    assert ok(api.get("/v1/payment_intents/" + slow["id"]))["status"] == "processing"
    _, response = sepa_intent(api, "AT611904300234573201", currency="usd")
    assert bad(response)["param"] == "currency"
    _, response = sepa_intent(api, "AT611904300234573201", **{"mandate_data[customer_acceptance][type]": None})
    assert bad(response)["param"] == "mandate_data"


# -- the older Charges API ------------------------------------------------------------------------


def test_a_charge_made_directly_is_a_payment_attempt_on_its_source(api):
    charge = ok(api.post("/v1/charges", data={"source": "tok_visa", "amount": 100, "currency": "usd",
                                              "description": "direct", "metadata[order]": "6735"}))
    assert (charge["status"], charge["paid"], charge["captured"], charge["amount_captured"]) == (
        "succeeded", True, True, 100)
    assert (charge["source"]["object"], charge["source"]["last4"]) == ("card", "4242")
    assert charge["payment_method"] == charge["source"]["id"] and charge["payment_intent"] is None
    assert (charge["description"], charge["metadata"]) == ("direct", {"order": "6735"})
    txn = ok(api.get("/v1/balance_transactions/" + charge["balance_transaction"]))
    assert (txn["amount"], txn["fee"], txn["source"]) == (100, 33, charge["id"])
    assert types(api, charge["id"]) == ["charge.succeeded"]
    disputed = ok(api.post("/v1/charges", data={"source": "tok_createDispute", "amount": 100, "currency": "usd"}))
    assert types(api)[-3:] == ["charge.succeeded", "charge.dispute.created", "charge.dispute.funds_withdrawn"]
    assert ok(api.get("/v1/charges/" + disputed["id"]))["disputed"] is True

    err = bad(api.post("/v1/charges", data={"source": "tok_chargeDeclined", "amount": 100, "currency": "usd"}), 402)
    assert (err["type"], err["decline_code"]) == ("card_error", "generic_decline")
    assert ok(api.get("/v1/charges/" + err["charge"]))["status"] == "failed"
    assert types(api, err["charge"]) == ["charge.failed"]


def test_a_customers_default_source_is_charged_and_an_authorization_captured_later(api):
    customer = ok(api.post("/v1/customers", data={"source": "tok_mastercard"}))
    held = ok(api.post("/v1/charges", data={"customer": customer["id"], "amount": 500, "currency": "usd",
                                            "capture": "false"}))
    assert (held["status"], held["captured"], held["balance_transaction"]) == ("succeeded", False, None)
    assert held["payment_method"] == customer["default_source"]
    captured = ok(api.post("/v1/charges/%s/capture" % held["id"]))
    assert captured["captured"] is True and captured["balance_transaction"].startswith("txn_")
    assert events(api, held["id"])[-1][0] == "charge.captured"
    assert bad(api.post("/v1/charges", data={"amount": 100, "currency": "usd"}))["param"] == "source"
    assert bad(api.post("/v1/charges", data={"source": "tok_visa", "currency": "usd"}))["param"] == "amount"
    assert bad(api.post("/v1/charges", data={"amount": 100, "currency": "usd", "source": "card_nope"}), 404)[
        "param"] == "source"
    bare = ok(api.post("/v1/customers", data={"email": "nocard@example.com"}))
    assert bad(api.post("/v1/charges", data={"customer": bare["id"], "amount": 100, "currency": "usd"}))[
        "code"] == "missing"
