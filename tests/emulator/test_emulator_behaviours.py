"""Behaviour beyond storage: test clocks, credit grants, actions and subscriptions, both ways in."""

from __future__ import annotations

import pytest

from tests.emulator.helpers import wait_for

T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
DAY = 86400


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def bad(response, status=400):
    assert response.status_code == status, response.text
    return response.json()["error"]


def ready(api, clock_id):
    def check():
        clock = ok(api.get("/v1/test_helpers/test_clocks/" + clock_id))
        return clock if clock["status"] == "ready" else None

    return wait_for(check)


# -- test clocks ---------------------------------------------------------------------------


def test_a_test_clock_advances_then_becomes_ready_at_the_new_frozen_time(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0, "name": "walk"}))
    assert clock["id"].startswith("clock_")
    assert clock["status"] == "ready" and clock["frozen_time"] == T0 and clock["name"] == "walk"
    assert clock["deletes_after"] == clock["created"] + 30 * DAY
    advancing = ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + DAY}))
    assert advancing["status"] == "advancing"
    assert advancing["status_details"]["advancing"]["target_frozen_time"] == T0 + DAY
    assert advancing["frozen_time"] == T0
    done = ready(api, clock["id"])
    assert done["frozen_time"] == T0 + DAY
    assert done["status_details"].get("advancing") is None
    listed = ok(api.get("/v1/test_helpers/test_clocks"))
    assert [c["id"] for c in listed["data"]] == [clock["id"]]


@pytest.mark.parametrize("target", [T0, T0 - 1, T0 + 2 * 366 * DAY])
def test_an_advance_must_move_forward_and_at_most_two_years(api, target):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    err = bad(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": target}))
    assert err["param"] == "frozen_time"
    assert ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready"


def test_exactly_two_years_is_allowed_and_a_clock_cannot_advance_twice_at_once(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    two_years = 1_763_158_400  # 2025-11-14T22:13:20Z
    assert ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"],
                       data={"frozen_time": two_years}))["status"] == "advancing"
    err = bad(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": two_years + 1}))
    assert "advancing" in err["message"]
    assert ready(api, clock["id"])["frozen_time"] == two_years


def test_customers_accept_a_test_clock_and_live_at_its_time(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "email": "clock@example.com"}))
    assert customer["test_clock"] == clock["id"]
    assert customer["created"] == T0
    err = bad(api.post("/v1/customers", data={"test_clock": "clock_nope"}), 404)
    assert err["param"] == "test_clock"


def test_deleting_a_clock_deletes_its_customers_and_what_they_own(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    on_clock = ok(api.post("/v1/customers", data={"test_clock": clock["id"]}))
    elsewhere = ok(api.post("/v1/customers", data={}))
    ok(api.post("/v1/customers/%s/tax_ids" % on_clock["id"], data={"type": "eu_vat", "value": "DE123456789"}))
    deleted = ok(api.delete("/v1/test_helpers/test_clocks/" + clock["id"]))
    assert deleted == {"id": clock["id"], "object": "test_helpers.test_clock", "deleted": True}
    assert api.get("/v1/test_helpers/test_clocks/" + clock["id"]).status_code == 404
    assert api.get("/v1/customers/" + on_clock["id"]).status_code == 404
    assert api.get("/v1/customers/" + elsewhere["id"]).status_code == 200


# -- credit grants -------------------------------------------------------------------------


def _grant(api, customer_id, value="1000", **extra):
    data = {"customer": customer_id, "amount[type]": "monetary", "amount[monetary][currency]": "usd",
            "amount[monetary][value]": value, "applicability_config[scope][price_type]": "metered",
            "category": "promotional", **extra}
    return ok(api.post("/v1/billing/credit_grants", data=data))


def _summary(api, customer_id):
    return ok(api.get("/v1/billing/credit_balance_summary", params={
        "customer": customer_id, "filter[type]": "applicability_scope",
        "filter[applicability_scope][price_type]": "metered"}))


def test_a_credit_grant_creates_its_credit_balance_transaction_and_the_summary_reflects_it(api):
    customer = ok(api.post("/v1/customers", data={}))
    assert _summary(api, customer["id"])["balances"] == []
    grant = _grant(api, customer["id"], "1000")
    assert grant["id"].startswith("credgr_")
    assert grant["amount"] == {"monetary": {"currency": "usd", "value": 1000}, "type": "monetary"}
    assert grant["customer"] == customer["id"] and grant["voided_at"] is None
    txns = ok(api.get("/v1/billing/credit_balance_transactions", params={"customer": customer["id"]}))["data"]
    assert len(txns) == 1
    txn = txns[0]
    assert txn["id"].startswith("cbtxn_")
    assert txn["type"] == "credit" and txn["credit_grant"] == grant["id"]
    assert txn["credit"]["type"] == "credits_granted"
    assert txn["credit"]["amount"]["monetary"] == {"currency": "usd", "value": 1000}
    assert ok(api.get("/v1/billing/credit_balance_transactions/" + txn["id"]))["id"] == txn["id"]
    by_grant = ok(api.get("/v1/billing/credit_balance_transactions", params={"credit_grant": grant["id"]}))["data"]
    assert [t["id"] for t in by_grant] == [txn["id"]]
    _grant(api, customer["id"], "250")
    summary = _summary(api, customer["id"])
    assert summary["object"] == "billing.credit_balance_summary" and summary["customer"] == customer["id"]
    assert summary["balances"] == [{
        "available_balance": {"monetary": {"currency": "usd", "value": 1250}, "type": "monetary"},
        "ledger_balance": {"monetary": {"currency": "usd", "value": 1250}, "type": "monetary"},
    }]


def test_voiding_a_grant_debits_what_is_left(api):
    customer = ok(api.post("/v1/customers", data={}))
    grant = _grant(api, customer["id"], "700")
    voided = ok(api.post("/v1/billing/credit_grants/%s/void" % grant["id"]))
    assert voided["voided_at"] is not None
    types = [t["type"] for t in ok(api.get("/v1/billing/credit_balance_transactions",
                                           params={"customer": customer["id"]}))["data"]]
    assert types == ["debit", "credit"]
    assert _summary(api, customer["id"])["balances"][0]["available_balance"]["monetary"]["value"] == 0
    assert "voided" in bad(api.post("/v1/billing/credit_grants/%s/void" % grant["id"]))["message"]


def test_a_future_grant_is_in_the_ledger_but_not_yet_available(api):
    customer = ok(api.post("/v1/customers", data={}))
    _grant(api, customer["id"], "300", effective_at=str(4_000_000_000))
    balance = _summary(api, customer["id"])["balances"][0]
    assert balance["ledger_balance"]["monetary"]["value"] == 300
    assert balance["available_balance"]["monetary"]["value"] == 0


def test_a_grant_needs_a_customer(api):
    err = bad(api.post("/v1/billing/credit_grants", data={
        "amount[type]": "monetary", "amount[monetary][currency]": "usd", "amount[monetary][value]": "1",
        "applicability_config[scope][price_type]": "metered"}))
    assert err["code"] == "parameter_missing" and err["param"] == "customer"


# -- actions -------------------------------------------------------------------------------


def test_invoice_actions_set_stripes_statuses(api):
    customer = ok(api.post("/v1/customers", data={}))
    invoice = ok(api.post("/v1/invoices", data={"customer": customer["id"]}))
    assert invoice["id"].startswith("in_") and invoice["status"] == "draft"
    ok(api.post("/v1/invoiceitems", data={"customer": customer["id"], "amount": "1500", "currency": "usd",
                                          "invoice": invoice["id"]}))
    finalized = ok(api.post("/v1/invoices/%s/finalize" % invoice["id"]))
    assert finalized["status"] == "open" and finalized["amount_due"] == 1500
    assert finalized["status_transitions"]["finalized_at"] is not None
    assert finalized["number"]
    assert bad(api.post("/v1/invoices/%s/finalize" % invoice["id"]))["message"]
    voided = ok(api.post("/v1/invoices/%s/void" % invoice["id"]))
    assert voided["status"] == "void"
    second = ok(api.post("/v1/invoices", data={"customer": customer["id"]}))
    ok(api.post("/v1/invoiceitems", data={"customer": customer["id"], "amount": "200", "currency": "usd",
                                          "invoice": second["id"]}))
    paid = ok(api.post("/v1/invoices/%s/pay" % second["id"], data={"payment_method": "pm_card_visa"}))
    assert paid["status"] == "paid" and paid["amount_paid"] == 200 and paid["amount_remaining"] == 0
    assert len(paid["lines"]["data"]) == 1
    assert bad(api.delete("/v1/invoices/" + second["id"]))["message"]
    draft = ok(api.post("/v1/invoices", data={"customer": customer["id"]}))
    assert ok(api.delete("/v1/invoices/" + draft["id"]))["deleted"] is True


def test_quote_and_payment_intent_actions(api):
    customer = ok(api.post("/v1/customers", data={}))
    price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 900, "product_data[name]": "Kit"}))
    quote = ok(api.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": price["id"]}))
    assert quote["status"] == "draft"
    assert ok(api.post("/v1/quotes/%s/finalize" % quote["id"]))["status"] == "open"
    assert ok(api.post("/v1/quotes/%s/accept" % quote["id"]))["status"] == "accepted"
    assert bad(api.post("/v1/quotes/%s/cancel" % quote["id"]))["message"]

    intent = ok(api.post("/v1/payment_intents", data={"amount": "1000", "currency": "usd"}))
    assert intent["status"] == "requires_payment_method"
    assert intent["client_secret"].startswith(intent["id"] + "_secret_")
    confirmed = ok(api.post("/v1/payment_intents/%s/confirm" % intent["id"], data={"payment_method": "pm_card_visa"}))
    assert confirmed["status"] == "succeeded" and confirmed["amount_received"] == 1000
    err = bad(api.post("/v1/payment_intents/%s/cancel" % intent["id"]))
    assert err["code"] == "payment_intent_unexpected_state"

    manual = ok(api.post("/v1/payment_intents", data={"amount": "500", "currency": "usd", "capture_method": "manual",
                                                      "payment_method": "pm_card_visa", "confirm": "true"}))
    assert manual["status"] == "requires_capture"
    assert ok(api.post("/v1/payment_intents/%s/capture" % manual["id"]))["status"] == "succeeded"

    other = ok(api.post("/v1/payment_intents", data={"amount": "500", "currency": "usd"}))
    canceled = ok(api.post("/v1/payment_intents/%s/cancel" % other["id"]))
    assert canceled["status"] == "canceled" and canceled["canceled_at"] is not None


def test_generic_actions_from_the_status_table(api):
    order = ok(api.post("/v1/billing/meters", data={
        "display_name": "API calls", "event_name": "api_call", "default_aggregation[formula]": "sum"}))
    assert order["status"] == "active"
    assert ok(api.post("/v1/billing/meters/%s/deactivate" % order["id"]))["status"] == "inactive"
    assert ok(api.post("/v1/billing/meters/%s/reactivate" % order["id"]))["status"] == "active"


# -- subscriptions -------------------------------------------------------------------------


def _catalogue(api, amount="1500", interval="month"):
    product = ok(api.post("/v1/products", data={"name": "Gold"}))
    return ok(api.post("/v1/prices", data={"product": product["id"], "unit_amount": amount, "currency": "usd",
                                           "recurring[interval]": interval}))


def test_a_subscription_on_a_test_clock_renews_with_an_invoice_per_period(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"]}))
    price = _catalogue(api)
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"]}))
    assert sub["id"].startswith("sub_") and sub["status"] == "active"
    assert sub["test_clock"] == clock["id"] and sub["start_date"] == T0
    item = sub["items"]["data"][0]
    assert item["id"].startswith("si_") and item["price"]["id"] == price["id"] and item["quantity"] == 1
    assert (item["current_period_start"], item["current_period_end"]) == (T0, 1_702_592_000)  # +1 month
    first = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert first["status"] == "paid" and first["amount_paid"] == 1500
    assert first["billing_reason"] == "subscription_create"

    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 65 * DAY}))
    ready(api, clock["id"])
    invoices = ok(api.get("/v1/invoices", params={"customer": customer["id"]}))["data"]
    assert [i["billing_reason"] for i in invoices] == ["subscription_cycle", "subscription_cycle", "subscription_create"]
    assert all(i["status"] == "paid" and i["amount_due"] == 1500 for i in invoices)
    assert [i["id"] for i in ok(api.get("/v1/invoices", params={"subscription": sub["id"]}))["data"]] == \
        [i["id"] for i in invoices]
    renewed = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert renewed["latest_invoice"] == invoices[0]["id"]
    item = renewed["items"]["data"][0]
    assert (item["current_period_start"], item["current_period_end"]) == (1_705_270_400, 1_707_948_800)


def test_a_trial_ends_when_the_clock_passes_it_and_cancel_at_period_end_takes_effect(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"]}))
    price = _catalogue(api, "900", "week")
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"],
                                                 "trial_period_days": "3"}))
    assert sub["status"] == "trialing" and sub["trial_end"] == T0 + 3 * DAY
    trial_invoice = ok(api.get("/v1/invoices/" + sub["latest_invoice"]))
    assert trial_invoice["amount_due"] == 0 and trial_invoice["status"] == "paid"
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 4 * DAY}))
    ready(api, clock["id"])
    active = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert active["status"] == "active"
    assert active["items"]["data"][0]["current_period_end"] == T0 + 10 * DAY
    ok(api.post("/v1/subscriptions/" + sub["id"], data={"cancel_at_period_end": "true"}))
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": T0 + 20 * DAY}))
    ready(api, clock["id"])
    ended = ok(api.get("/v1/subscriptions/" + sub["id"]))
    assert ended["status"] == "canceled" and ended["ended_at"] == T0 + 10 * DAY
    assert ok(api.get("/v1/subscriptions", params={"customer": customer["id"]}))["data"] == []
    assert len(ok(api.get("/v1/subscriptions", params={"customer": customer["id"], "status": "all"}))["data"]) == 1


def test_cancel_and_subscription_items(api):
    customer = ok(api.post("/v1/customers", data={}))
    price = _catalogue(api)
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"],
                                                 "items[0][quantity]": "2"}))
    added = ok(api.post("/v1/subscription_items", data={"subscription": sub["id"], "price": price["id"]}))
    assert added["subscription"] == sub["id"]
    items = ok(api.get("/v1/subscription_items", params={"subscription": sub["id"]}))["data"]
    assert {i["id"] for i in items} == {added["id"], sub["items"]["data"][0]["id"]}
    assert len(ok(api.get("/v1/subscriptions/" + sub["id"]))["items"]["data"]) == 2
    assert ok(api.delete("/v1/subscription_items/" + added["id"]))["deleted"] is True
    canceled = ok(api.delete("/v1/subscriptions/" + sub["id"]))
    assert canceled["status"] == "canceled" and canceled["canceled_at"] is not None
    err = bad(api.post("/v1/subscriptions", data={"customer": customer["id"], "items[0][price]": "price_nope"}), 404)
    assert err["param"] == "items[0][price]"


# -- smaller ones --------------------------------------------------------------------------


def test_includable_fields_appear_only_when_expanded(api):
    customer = ok(api.post("/v1/customers", data={}))
    tax_id = ok(api.post("/v1/customers/%s/tax_ids" % customer["id"], data={"type": "eu_vat", "value": "DE123456789"}))
    assert ok(api.get("/v1/customers/" + customer["id"]))["tax_ids"] is None
    expanded = ok(api.get("/v1/customers/" + customer["id"], params={"expand[]": ["tax_ids", "subscriptions"]}))
    assert [t["id"] for t in expanded["tax_ids"]["data"]] == [tax_id["id"]]
    assert expanded["subscriptions"]["data"] == []

    secret = ok(api.post("/v1/apps/secrets", data={"name": "api_token", "payload": "s3cr3t", "scope[type]": "account"}))
    assert secret["payload"] is None
    found = ok(api.get("/v1/apps/secrets/find", params={"name": "api_token", "scope[type]": "account",
                                                         "expand[]": "payload"}))
    assert found["id"] == secret["id"] and found["payload"] == "s3cr3t"
    assert bad(api.get("/v1/apps/secrets/find", params={"name": "nope", "scope[type]": "account"}), 404)


def test_singletons_answer_defaults_and_keep_what_is_posted(api):
    assert ok(api.get("/v1/balance"))["object"] == "balance"
    settings = ok(api.get("/v1/tax/settings"))
    assert settings["object"] == "tax.settings" and "id" not in settings
    ok(api.post("/v1/tax/settings", data={"defaults[tax_behavior]": "inclusive"}))
    assert ok(api.get("/v1/tax/settings"))["defaults"]["tax_behavior"] == "inclusive"
