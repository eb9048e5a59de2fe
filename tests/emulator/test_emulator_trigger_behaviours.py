"""Behaviours behind the less common webhook events: Issuing's real-time authorization request and
receipt updates, a connected account's deauthorization, report runs, Checkout's payment page and
billing meters' error events. Each is what any API caller gets, asserted on objects and events."""

from __future__ import annotations

from tests.emulator.helpers import ok

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
