"""Behaviours behind the less common webhook events: Issuing's real-time authorization request and
receipt updates, a connected account's deauthorization, report runs, Checkout's payment page and
billing meters' error events. Each is what any API caller gets, asserted on objects and events."""

from __future__ import annotations

from tests.emulator.helpers import ok, wait_for

HOLDER = {"name": "Jenny Rosen", "type": "individual", "billing[address][line1]": "1 Market St",
          "billing[address][city]": "San Francisco", "billing[address][state]": "CA",
          "billing[address][postal_code]": "94105", "billing[address][country]": "US"}


def events(api, object_id=None):
    """Events, oldest first (those about ``object_id`` only, when given)."""
    data = ok(api.get("/v1/events", params={"limit": 100}))["data"]
    return [e for e in reversed(data) if object_id is None or e["data"]["object"].get("id") == object_id]


def _card(api, **extra):
    holder = ok(api.post("/v1/issuing/cardholders", data=HOLDER))
    return ok(api.post("/v1/issuing/cards", data={"cardholder": holder["id"], "currency": "usd", "type": "virtual",
                                                  **extra}))


def test_an_authorization_is_requested_then_decided_by_the_card_state(api):
    card = _card(api, status="active")
    auth = ok(api.post("/v1/test_helpers/issuing/authorizations", data={"card": card["id"], "amount": 1200}))
    assert (auth["status"], auth["approved"], auth["amount"], auth["pending_request"]) == ("pending", True, 1200, None)
    [history] = auth["request_history"]
    assert (history["approved"], history["amount"], history["reason"]) == (True, 1200, "card_active")
    assert history["authorization_code"].startswith("S") and len(history["authorization_code"]) == 7
    request, created = events(api, auth["id"])
    assert (request["type"], created["type"]) == ("issuing_authorization.request", "issuing_authorization.created")
    asked = request["data"]["object"]
    assert (asked["approved"], asked["amount"], asked["request_history"]) == (False, 0, [])
    assert (asked["pending_request"]["amount"], asked["pending_request"]["currency"]) == (1200, "usd")
    assert created["data"]["object"]["approved"] is True
    assert request["request"]["id"] == created["request"]["id"]

    inactive = _card(api)  # a new card is inactive until activated
    declined = ok(api.post("/v1/test_helpers/issuing/authorizations", data={"card": inactive["id"], "amount": 500}))
    assert (declined["status"], declined["approved"], declined["amount"]) == ("closed", False, 0)
    assert declined["request_history"][0]["reason"] == "card_inactive"
    assert declined["request_history"][0]["authorization_code"] is None
    assert [e["type"] for e in events(api, declined["id"])] == ["issuing_authorization.request",
                                                                 "issuing_authorization.created"]


def test_a_capture_with_receipt_lines_gives_the_transaction_its_purchase_details(api):
    card = _card(api, status="active")
    auth = ok(api.post("/v1/test_helpers/issuing/authorizations", data={"card": card["id"], "amount": 1000}))
    ok(api.post("/v1/test_helpers/issuing/authorizations/%s/capture" % auth["id"], data={
        "purchase_details[receipt][0][description]": "Coffee", "purchase_details[receipt][0][quantity]": "2",
        "purchase_details[receipt][0][total]": 1000, "purchase_details[receipt][0][unit_cost]": 500,
        "purchase_details[reference]": "order-7"}))
    [txn] = ok(api.get("/v1/issuing/transactions", params={"card": card["id"]}))["data"]
    assert txn["purchase_details"]["receipt"] == [{"description": "Coffee", "quantity": 2, "total": 1000,
                                                   "unit_cost": 500}]
    assert txn["purchase_details"]["reference"] == "order-7"
    types = [e["type"] for e in events(api, txn["id"])]
    assert types == ["issuing_transaction.created", "issuing_transaction.purchase_details_receipt_updated"]

    plain = ok(api.post("/v1/test_helpers/issuing/transactions/create_force_capture",
                        data={"card": card["id"], "amount": 300}))
    assert plain["purchase_details"] is None
    assert [e["type"] for e in events(api, plain["id"])] == ["issuing_transaction.created"]


def test_deleting_a_connected_account_deauthorizes_the_platform_application(api):
    account = ok(api.post("/v1/accounts", data={"type": "standard", "country": "US"}))
    ok(api.delete("/v1/accounts/" + account["id"]))
    [event] = [e for e in events(api) if e["type"] == "account.application.deauthorized"]
    assert event["account"] == account["id"]
    application = event["data"]["object"]
    assert application["object"] == "application" and application["id"].startswith("ca_")
    assert application["name"] == "stripecli emulator"
    other = ok(api.post("/v1/accounts", data={"type": "express", "country": "US"}))
    ok(api.delete("/v1/accounts/" + other["id"]))
    second = [e for e in events(api) if e["type"] == "account.application.deauthorized"][-1]
    assert (second["account"], second["data"]["object"]["id"]) == (other["id"], application["id"])
    assert all("account" not in e for e in events(api) if e["type"] != "account.application.deauthorized")


def test_a_report_run_succeeds_at_once_with_a_csv_computed_from_the_balance_transactions(api):
    for amount in (2000, 500):
        ok(api.post("/v1/payment_intents", data={"amount": amount, "currency": "usd", "payment_method": "pm_card_visa",
                                                 "confirm": "true"}))
    txns = ok(api.get("/v1/balance_transactions"))["data"]
    net = sum(t["net"] for t in txns)
    run = ok(api.post("/v1/reporting/report_runs", data={"report_type": "balance.summary.1"}))
    assert (run["status"], run["report_type"], run["error"]) == ("succeeded", "balance.summary.1", None)
    assert run["succeeded_at"] and run["parameters"]["interval_start"] <= min(t["created"] for t in txns)
    result = run["result"]
    assert (result["object"], result["purpose"], result["type"]) == ("file", "finance_report_run", "csv")
    contents = api.get("/v1/files/%s/contents" % result["id"])
    assert contents.status_code == 200 and contents.headers["content-type"].startswith("text/csv")
    assert len(contents.content) == result["size"]
    assert contents.text.splitlines() == [
        "category,description,net_amount,currency",
        "starting_balance,Starting balance,0.00,usd",
        "activity,Activity,%d.%02d,usd" % (net // 100, net % 100),
        "payouts,Payouts,0.00,usd",
        "ending_balance,Ending balance,%d.%02d,usd" % (net // 100, net % 100)]
    succeeded = [e for e in events(api, run["id"]) if e["type"] == "reporting.report_run.succeeded"]
    assert [e["data"]["object"]["result"]["id"] for e in succeeded] == [result["id"]]
    assert [e["type"] for e in events(api, result["id"])] == ["file.created"]

    itemized = ok(api.post("/v1/reporting/report_runs", data={
        "report_type": "balance_change_from_activity.itemized.1", "parameters[columns][0]": "balance_transaction_id",
        "parameters[columns][1]": "net", "parameters[columns][2]": "reporting_category"}))
    lines = api.get("/v1/files/%s/contents" % itemized["result"]["id"]).text.splitlines()
    by_age = sorted(txns, key=lambda t: (t["created"], t["id"]))
    assert lines == ["balance_transaction_id,net,reporting_category"] + [
        "%s,%d.%02d,charge" % (t["id"], t["net"] // 100, t["net"] % 100) for t in by_age]

    refunds = ok(api.post("/v1/reporting/report_runs", data={
        "report_type": "balance_change_from_activity.itemized.1", "parameters[reporting_category]": "refund"}))
    assert len(api.get("/v1/files/%s/contents" % refunds["result"]["id"]).text.splitlines()) == 1  # the header

    unknown = api.post("/v1/reporting/report_runs", data={"report_type": "no.such.1"})
    assert unknown.status_code == 400 and unknown.json()["error"]["param"] == "report_type"
    assert api.get("/v1/files/file_doesnotexist/contents").status_code == 404


def thin(api, **params):
    return ok(api.get("/v2/core/events", params=params))["data"]


def test_meter_events_no_meter_counts_or_that_fail_their_meter_record_thin_events(api):
    sent = ok(api.post("/v1/billing/meter_events", data={
        "event_name": "nobody_counts_this", "payload[stripe_customer_id]": "cus_x", "payload[value]": "1"}))
    assert sent["identifier"] and sent["timestamp"]
    [found] = thin(api)
    assert (found["object"], found["type"], found["livemode"]) == ("v2.core.event", "v1.billing.meter.no_meter_found",
                                                                   False)
    assert "related_object" not in found and found["created"].endswith("Z")
    [kind] = found["data"]["reason"]["error_types"]
    assert (kind["code"], kind["error_count"]) == ("no_meter", 1)
    assert kind["sample_errors"][0]["request"]["identifier"] == sent["identifier"]
    assert ok(api.get("/v2/core/events/" + found["id"])) == found
    assert all(not e["type"].startswith("v1.") for e in events(api))  # not in /v1/events
    assert api.get("/v1/events/" + found["id"]).status_code == 404

    meter = ok(api.post("/v1/billing/meters", data={"display_name": "Calls", "event_name": "calls",
                                                    "default_aggregation[formula]": "sum"}))
    customer = ok(api.post("/v1/customers", data={"email": "m@example.com"}))
    ok(api.post("/v1/billing/meter_events", data={"event_name": "calls", "payload[stripe_customer_id]": customer["id"],
                                                  "payload[value]": "3"}))
    assert len(thin(api)) == 1  # a valid event reports nothing
    for payload, code in (({"payload[stripe_customer_id]": "cus_gone", "payload[value]": "1"},
                           "meter_event_customer_not_found"),
                          ({"payload[value]": "1"}, "meter_event_no_customer_defined"),
                          ({"payload[stripe_customer_id]": customer["id"], "payload[value]": "lots"},
                           "meter_event_invalid_value")):
        ok(api.post("/v1/billing/meter_events", data={"event_name": "calls", **payload}))
        latest = thin(api)[0]
        assert latest["type"] == "v1.billing.meter.error_report_triggered"
        assert latest["related_object"] == {"id": meter["id"], "type": "billing.meter",
                                            "url": "/v1/billing/meters/" + meter["id"]}
        assert latest["data"]["reason"]["error_types"][0]["code"] == code
    ok(api.post("/v1/billing/meters/%s/deactivate" % meter["id"]))
    ok(api.post("/v1/billing/meter_events", data={"event_name": "calls", "payload[stripe_customer_id]": customer["id"],
                                                  "payload[value]": "1"}))
    assert thin(api)[0]["data"]["reason"]["error_types"][0]["code"] == "archived_meter"
    assert [e["related_object"]["id"] for e in thin(api, object_id=meter["id"])] == [meter["id"]] * 4
    assert len(thin(api, limit=2)) == 2


def test_thin_events_are_owed_to_no_webhook_endpoint(local, tmp_path):
    from stripecli.emulator import deliveries
    from stripecli.emulator.store import Store

    ok(local.post("/v1/webhook_endpoints", data={"url": "https://example.com/hook", "enabled_events[0]": "*"}))
    ok(local.post("/v1/billing/meter_events", data={"event_name": "nothing", "payload[value]": "1"}))
    [found] = thin(local)
    assert "pending_webhooks" not in found
    store = Store(str(tmp_path / "emulator"))
    try:
        assert deliveries.list_deliveries(store, found["id"]) == []
        owed = {d["type"] for d in deliveries.list_deliveries(store)}
    finally:
        store.close()
    assert "billing.meter_event.created" not in owed  # Stripe has no such event either


def test_a_checkout_session_paid_on_its_payment_page_completes_with_a_paid_payment_intent(api):
    session = ok(api.post("/v1/checkout/sessions", data={
        "mode": "payment", "success_url": "https://example.com/ok",
        "line_items[0][price_data][currency]": "usd", "line_items[0][price_data][unit_amount]": 1500,
        "line_items[0][price_data][product_data][name]": "T-shirt", "line_items[0][quantity]": 2}))
    assert (session["status"], session["payment_status"], session["amount_total"], session["currency"]) == \
        ("open", "unpaid", 3000, "usd")
    assert session["url"].endswith(session["id"]) and session["expires_at"] == session["created"] + 86400
    [item] = ok(api.get("/v1/checkout/sessions/%s/line_items" % session["id"]))["data"]
    assert (item["quantity"], item["amount_total"], item["description"]) == (2, 3000, "T-shirt")

    wrong = api.post("/v1/payment_pages/%s/confirm" % session["id"],
                     data={"payment_method": "pm_card_visa", "expected_amount": 100})
    assert wrong.status_code == 400 and wrong.json()["error"]["param"] == "expected_amount"
    sepa = ok(api.post("/v1/payment_methods", data={"type": "sepa_debit", "sepa_debit[iban]": "AT611904300234573201",
                                                    "billing_details[name]": "Jenny Rosen"}))
    refused = api.post("/v1/payment_pages/%s/confirm" % session["id"], data={"payment_method": sepa["id"]})
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "payment_method"
    declined = api.post("/v1/payment_pages/%s/confirm" % session["id"],
                        data={"payment_method": "pm_card_chargeDeclined", "expected_amount": 3000})
    assert declined.status_code == 402
    assert ok(api.get("/v1/checkout/sessions/" + session["id"]))["status"] == "open"

    paid = ok(api.post("/v1/payment_pages/%s/confirm" % session["id"],
                       data={"payment_method": "pm_card_visa", "expected_amount": 3000}))
    assert (paid["status"], paid["payment_status"]) == ("complete", "paid")
    intent = ok(api.get("/v1/payment_intents/" + paid["payment_intent"]))
    assert (intent["status"], intent["amount"], intent["currency"]) == ("succeeded", 3000, "usd")
    types = [e["type"] for e in events(api, session["id"])]
    assert types[-1] == "checkout.session.completed" and types.count("checkout.session.completed") == 1
    held = ok(api.post("/v1/checkout/sessions", data={
        "mode": "payment", "success_url": "https://example.com/ok", "payment_intent_data[capture_method]": "manual",
        "payment_intent_data[metadata][order]": "42",
        "line_items[0][price_data][currency]": "usd", "line_items[0][price_data][unit_amount]": 700,
        "line_items[0][price_data][product_data][name]": "Deposit", "line_items[0][quantity]": 1}))
    held = ok(api.post("/v1/payment_pages/%s/confirm" % held["id"], data={"payment_method": "pm_card_visa"}))
    assert (held["status"], held["payment_status"]) == ("complete", "unpaid")  # authorized, not captured
    held_intent = ok(api.get("/v1/payment_intents/" + held["payment_intent"]))
    assert (held_intent["status"], held_intent["metadata"]) == ("requires_capture", {"order": "42"})
    again = api.post("/v1/payment_pages/%s/confirm" % session["id"], data={"payment_method": "pm_card_visa"})
    assert again.status_code == 400
    assert api.post("/v1/payment_pages/cs_test_nope/confirm", data={"payment_method": "pm_card_visa"}).status_code == 404
    assert api.get("/v1/payment_pages/%s/nothing" % session["id"]).status_code == 404


def test_a_subscription_session_makes_the_customer_and_the_subscription(api):
    product = ok(api.post("/v1/products", data={"name": "Plan"}))
    price = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 900,
                                            "recurring[interval]": "month"}))
    session = ok(api.post("/v1/checkout/sessions", data={
        "mode": "subscription", "success_url": "https://example.com/ok", "line_items[0][price]": price["id"],
        "line_items[0][quantity]": 1, "subscription_data[metadata][plan]": "team"}))
    done = ok(api.post("/v1/payment_pages/%s/confirm" % session["id"], data={"payment_method": "pm_card_visa"}))
    assert (done["status"], done["payment_status"]) == ("complete", "paid")
    sub = ok(api.get("/v1/subscriptions/" + done["subscription"]))
    assert (sub["status"], sub["customer"], sub["metadata"]) == ("active", done["customer"], {"plan": "team"})
    assert sub["items"]["data"][0]["price"]["id"] == price["id"]


def _sepa_session(api, iban):
    session = ok(api.post("/v1/checkout/sessions", data={
        "mode": "payment", "success_url": "https://example.com/ok", "allowed_payment_method_types[0]": "sepa_debit",
        "line_items[0][price_data][currency]": "eur", "line_items[0][price_data][unit_amount]": 3000,
        "line_items[0][price_data][product_data][name]": "Seat", "line_items[0][quantity]": 1}))
    method = ok(api.post("/v1/payment_methods", data={"type": "sepa_debit", "sepa_debit[iban]": iban,
                                                      "billing_details[name]": "Jenny Rosen",
                                                      "billing_details[email]": "jenny@example.com"}))
    done = ok(api.post("/v1/payment_pages/%s/confirm" % session["id"],
                       data={"payment_method": method["id"], "expected_amount": 3000}))
    assert (done["status"], done["payment_status"]) == ("complete", "unpaid")
    assert done["customer_details"]["email"] == "jenny@example.com"
    assert ok(api.get("/v1/payment_intents/" + done["payment_intent"]))["status"] == "processing"
    return done


def _session_events(api, session_id):
    return [e["type"] for e in events(api, session_id)]


def test_a_session_paid_by_a_bank_debit_completes_unpaid_then_follows_the_debit(api):
    cleared = _sepa_session(api, "AT611904300234573201")
    failed = _sepa_session(api, "AT861904300235473202")
    wait_for(lambda: "checkout.session.async_payment_failed" in _session_events(api, failed["id"]))
    wait_for(lambda: "checkout.session.async_payment_succeeded" in _session_events(api, cleared["id"]))
    assert _session_events(api, cleared["id"]) == ["checkout.session.completed",
                                                   "checkout.session.async_payment_succeeded"]
    assert _session_events(api, failed["id"]) == ["checkout.session.completed", "checkout.session.async_payment_failed"]
    assert ok(api.get("/v1/checkout/sessions/" + cleared["id"]))["payment_status"] == "paid"
    assert ok(api.get("/v1/checkout/sessions/" + failed["id"]))["payment_status"] == "unpaid"
    assert ok(api.get("/v1/payment_intents/" + cleared["payment_intent"]))["status"] == "succeeded"
    assert ok(api.get("/v1/payment_intents/" + failed["payment_intent"]))["status"] == "requires_payment_method"
    succeeded = [e for e in events(api, cleared["id"]) if e["type"].endswith("async_payment_succeeded")][0]
    assert succeeded["request"] == {"id": None, "idempotency_key": None}  # the emulator's doing, later
    assert succeeded["data"]["object"]["payment_status"] == "paid"


def test_a_setup_session_saves_the_payment_method_for_its_customer(api):
    customer = ok(api.post("/v1/customers", data={"email": "s@example.com"}))
    session = ok(api.post("/v1/checkout/sessions", data={"mode": "setup", "success_url": "https://example.com/ok",
                                                         "customer": customer["id"], "currency": "usd"}))
    assert (session["payment_status"], session["amount_total"]) == ("no_payment_required", None)
    done = ok(api.post("/v1/payment_pages/%s/confirm" % session["id"], data={"payment_method": "pm_card_visa"}))
    assert (done["status"], done["payment_status"]) == ("complete", "no_payment_required")
    intent = ok(api.get("/v1/setup_intents/" + done["setup_intent"]))
    assert (intent["status"], intent["customer"]) == ("succeeded", customer["id"])
    assert ok(api.get("/v1/payment_methods/" + intent["payment_method"]))["customer"] == customer["id"]
    assert [e["type"] for e in events(api, session["id"])] == ["checkout.session.completed"]
