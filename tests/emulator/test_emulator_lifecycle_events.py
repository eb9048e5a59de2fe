"""Events that follow from an object's state: a status that ends it (``quote.canceled``), a
payment method's customer set or cleared, a subscription paused, a schedule's end; and the notices
Stripe sends ahead of time (``trial_will_end``, ``subscription_schedule.expiring``)."""

from __future__ import annotations

from stripecli.emulator.behaviours import registry
from tests.emulator.helpers import bad, ok, wait_for

T0 = 1_700_000_000
DAY = 86400


def events(api, object_id=None):
    """Event types, oldest first (those about ``object_id`` only, when given)."""
    data = ok(api.get("/v1/events", params={"limit": 100}))["data"]
    return [e["type"] for e in reversed(data) if object_id is None or e["data"]["object"].get("id") == object_id]


def event(api, event_type):
    found = [e for e in ok(api.get("/v1/events", params={"type": event_type}))["data"]]
    assert len(found) == 1, [e["type"] for e in found]
    return found[0]


def test_a_field_moving_to_a_value_means_the_declared_event_from_the_stated_values_only():
    registry.transition_events({("_thing", "status"): {"done": "thing.done", "open": ("thing.reopened", ("done",))},
                                ("_thing", "owner"): {registry.SET: ("thing.taken", (None,)), None: "thing.dropped"}})
    try:
        assert registry.transitions("_thing", {"status": "open"}, {"status": "done"}) == ["thing.done"]
        assert registry.transitions("_thing", {"status": "done"}, {"status": "done"}) == []
        assert registry.transitions("_thing", {"status": "done"}, {"status": "open"}) == ["thing.reopened"]
        assert registry.transitions("_thing", {"status": "draft"}, {"status": "open"}) == []
        assert registry.transitions("_thing", None, {"owner": "u_1"}) == ["thing.taken"]  # new: from nothing
        assert registry.transitions("_thing", {"owner": "u_1"}, {"owner": "u_2"}) == []
        assert registry.transitions("_thing", {"owner": "u_1"}, {"owner": None}) == ["thing.dropped"]
        assert registry.transitions("_thing", {"owner": "u_1"}, None) == []  # deleted: its own event says it
    finally:
        del registry.TRANSITIONS["_thing"]


def test_ending_actions_send_their_event_once_with_the_object_as_it_ended(local):
    customer = ok(local.post("/v1/customers", data={"email": "a@example.com"}))
    product = ok(local.post("/v1/products", data={"name": "Seat"}))
    price = ok(local.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 700}))
    quote = ok(local.post("/v1/quotes", data={"customer": customer["id"], "line_items[0][price]": price["id"]}))
    ok(local.post("/v1/quotes/%s/cancel" % quote["id"]))
    assert event(local, "quote.canceled")["data"]["object"]["status"] == "canceled"
    bad(local.post("/v1/quotes/%s/cancel" % quote["id"]))  # refused: no second event
    assert events(local, quote["id"]) == ["quote.created", "quote.canceled"]

    intent = ok(local.post("/v1/setup_intents", data={"customer": customer["id"]}))
    ok(local.post("/v1/setup_intents/%s/cancel" % intent["id"]))
    assert event(local, "setup_intent.canceled")["data"]["object"]["id"] == intent["id"]

    session = ok(local.post("/v1/checkout/sessions", data={
        "mode": "payment", "success_url": "https://example.com/ok", "line_items[0][price]": price["id"],
        "line_items[0][quantity]": 1}))
    ok(local.post("/v1/checkout/sessions/%s/expire" % session["id"]))
    assert event(local, "checkout.session.expired")["data"]["object"]["status"] == "expired"

    verification = ok(local.post("/v1/identity/verification_sessions", data={"type": "document"}))
    ok(local.post("/v1/identity/verification_sessions/%s/cancel" % verification["id"]))
    assert event(local, "identity.verification_session.canceled")["data"]["object"]["status"] == "canceled"
    redacted = ok(local.post("/v1/identity/verification_sessions/%s/redact" % verification["id"]))
    assert redacted["redaction"]["status"] == "redacted"
    assert event(local, "identity.verification_session.redacted")["data"]["object"]["id"] == verification["id"]

    invoice = ok(local.post("/v1/invoices", data={"customer": customer["id"]}))
    ok(local.post("/v1/invoiceitems", data={"customer": customer["id"], "invoice": invoice["id"], "amount": 900,
                                            "currency": "usd"}))
    ok(local.post("/v1/invoices/%s/finalize" % invoice["id"]))
    note = ok(local.post("/v1/credit_notes", data={"invoice": invoice["id"], "amount": 300}))
    ok(local.post("/v1/credit_notes/%s/void" % note["id"]))
    voided = event(local, "credit_note.voided")["data"]["object"]
    assert (voided["id"], voided["status"]) == (note["id"], "void")


def test_attach_detach_pause_and_resume(local):
    customer = ok(local.post("/v1/customers", data={"email": "a@example.com"}))
    method = ok(local.post("/v1/payment_methods/pm_card_visa/attach", data={"customer": customer["id"]}))
    attached = event(local, "payment_method.attached")["data"]["object"]  # once: the alias made it attached
    assert (attached["id"], attached["customer"]) == (method["id"], customer["id"])
    ok(local.post("/v1/payment_methods/%s/detach" % method["id"]))
    detached = event(local, "payment_method.detached")["data"]["object"]
    assert (detached["id"], detached["customer"]) == (method["id"], None)
    ok(local.post("/v1/payment_methods/%s" % method["id"], data={"metadata[k]": "v"}))
    assert "payment_method.attached" not in events(local)[-1:]  # an update of a detached method is no attach

    card = ok(local.post("/v1/payment_methods/pm_card_visa/attach", data={"customer": customer["id"]}))
    ok(local.post("/v1/customers/" + customer["id"], data={"invoice_settings[default_payment_method]": card["id"]}))
    product = ok(local.post("/v1/products", data={"name": "Plan"}))
    price = ok(local.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 1500,
                                              "recurring[interval]": "month"}))
    sub = ok(local.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                   "items[0][price]": price["id"]}))
    ok(local.post("/v1/subscriptions/%s/pause" % sub["id"]))
    assert event(local, "customer.subscription.paused")["data"]["object"]["status"] == "paused"
    ok(local.post("/v1/subscriptions/%s/resume" % sub["id"]))
    assert event(local, "customer.subscription.resumed")["data"]["object"]["status"] == "active"
    assert events(local, sub["id"])[-4:] == ["customer.subscription.updated", "customer.subscription.paused",
                                             "customer.subscription.updated", "customer.subscription.resumed"]


def _on_clock(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "payment_method": "pm_card_visa",
                                                  "invoice_settings[default_payment_method]": "pm_card_visa"}))
    product = ok(api.post("/v1/products", data={"name": "Plan"}))
    price = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 1500,
                                            "recurring[interval]": "month"}))
    return clock, customer, price


def _advance(api, clock, to):
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": to}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")


def _schedule(api, customer, price, months=1, end_behavior="release"):
    return ok(api.post("/v1/subscription_schedules", data={
        "customer": customer["id"], "start_date": "now", "end_behavior": end_behavior,
        "phases[0][items][0][price]": price["id"], "phases[0][duration][interval]": "month",
        "phases[0][duration][interval_count]": months}))


def test_a_schedule_announces_its_end_a_week_ahead_then_completes(local):
    clock, customer, price = _on_clock(local)
    schedule = _schedule(local, customer, price, end_behavior="cancel")
    end = schedule["phases"][0]["end_date"]
    _advance(local, clock, end - 8 * DAY)
    assert "subscription_schedule.expiring" not in events(local)
    _advance(local, clock, end - 6 * DAY)
    assert event(local, "subscription_schedule.expiring")["data"]["object"]["status"] == "active"
    _advance(local, clock, end + DAY)
    assert events(local, schedule["id"]).count("subscription_schedule.expiring") == 1
    assert event(local, "subscription_schedule.completed")["data"]["object"]["status"] == "completed"


def test_release_cancel_and_a_canceled_subscription_abort_the_schedule(local):
    clock, customer, price = _on_clock(local)
    released = _schedule(local, customer, price)
    ok(local.post("/v1/subscription_schedules/%s/release" % released["id"]))
    assert event(local, "subscription_schedule.released")["data"]["object"]["id"] == released["id"]
    canceled = _schedule(local, customer, price)
    ok(local.post("/v1/subscription_schedules/%s/cancel" % canceled["id"]))
    assert event(local, "subscription_schedule.canceled")["data"]["object"]["id"] == canceled["id"]

    aborted = _schedule(local, customer, price)
    ok(local.delete("/v1/subscriptions/" + aborted["subscription"]))
    body = event(local, "subscription_schedule.aborted")["data"]["object"]
    assert (body["id"], body["status"]) == (aborted["id"], "canceled")
    assert events(local, aborted["id"])[-1] == "subscription_schedule.aborted"
    assert len(ok(local.get("/v1/events", params={"type": "subscription_schedule.canceled"}))["data"]) == 1


def test_a_trial_announces_its_end_three_days_ahead(local):
    clock, customer, price = _on_clock(local)
    short = ok(local.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                     "items[0][price]": price["id"],
                                                     "trial_period_days": 2}))
    assert event(local, "customer.subscription.trial_will_end")["data"]["object"]["id"] == short["id"]
    ok(local.delete("/v1/subscriptions/" + short["id"]))

    sub = ok(local.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                   "items[0][price]": price["id"],
                                                   "trial_period_days": 10}))
    _advance(local, clock, T0 + 6 * DAY)
    assert events(local, sub["id"]).count("customer.subscription.trial_will_end") == 0
    _advance(local, clock, T0 + 8 * DAY)
    notice = [e for e in ok(local.get("/v1/events", params={"type": "customer.subscription.trial_will_end"}))["data"]
              if e["data"]["object"]["id"] == sub["id"]]
    assert len(notice) == 1 and notice[0]["data"]["object"]["status"] == "trialing"
    assert notice[0]["data"]["object"]["trial_end"] == T0 + 10 * DAY
    _advance(local, clock, T0 + 12 * DAY)  # the trial ends into active: no second notice
    assert events(local, sub["id"]).count("customer.subscription.trial_will_end") == 1


def test_card_sources_added_updated_and_removed_under_a_customer(local):
    customer = ok(local.post("/v1/customers", data={"email": "a@example.com"}))
    path = "/v1/customers/%s/sources" % customer["id"]
    first = ok(local.post(path, data={"source": "tok_visa", "metadata[k]": "v"}))
    assert (first["object"], first["customer"], first["brand"], first["last4"]) == ("card", customer["id"], "Visa", "4242")
    assert first["metadata"] == {"k": "v"}
    assert event(local, "customer.source.created")["data"]["object"]["id"] == first["id"]
    token = ok(local.post("/v1/tokens", data={"card[number]": "5555555555554444", "card[exp_month]": 12,
                                              "card[exp_year]": 2040, "card[cvc]": "123"}))
    second = ok(local.post(path, data={"source": token["id"]}))
    assert second["brand"] == "MasterCard"
    assert ok(local.get("/v1/customers/" + customer["id"]))["default_source"] == first["id"]
    assert sorted(s["id"] for s in ok(local.get(path))["data"]) == sorted([first["id"], second["id"]])

    ok(local.post("%s/%s" % (path, first["id"]), data={"name": "Jenny Rosen"}))
    updated = event(local, "customer.source.updated")
    assert updated["data"]["object"]["name"] == "Jenny Rosen" and updated["data"]["previous_attributes"] == {"name": None}
    ok(local.delete("%s/%s" % (path, first["id"])))
    assert event(local, "customer.source.deleted")["data"]["object"]["id"] == first["id"]
    assert ok(local.get("/v1/customers/" + customer["id"]))["default_source"] == second["id"]

    refused = bad(local.post(path, data={"source": "btok_us_verified"}))
    assert refused["param"] == "source"
    assert bad(local.post(path, data={}))["param"] == "source"
    assert len(ok(local.get(path))["data"]) == 1


def test_switching_a_subscription_to_another_coupon_updates_its_discount(local):
    customer = ok(local.post("/v1/customers", data={"email": "a@example.com"}))
    product = ok(local.post("/v1/products", data={"name": "Plan"}))
    price = ok(local.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 1500,
                                              "recurring[interval]": "month"}))
    ten, twenty = (ok(local.post("/v1/coupons", data={"percent_off": p, "duration": "forever"})) for p in (10, 20))
    sub = ok(local.post("/v1/subscriptions", data={
        "customer": customer["id"], "items[0][price]": price["id"], "collection_method": "send_invoice",
        "days_until_due": 30, "discounts[0][coupon]": ten["id"]}))
    discount_id = sub["discounts"][0]
    switched = ok(local.post("/v1/subscriptions/" + sub["id"], data={"discounts[0][coupon]": twenty["id"]}))
    assert switched["discounts"] == [discount_id]
    updated = event(local, "customer.discount.updated")["data"]
    assert updated["object"]["source"]["coupon"] == twenty["id"]
    assert updated["previous_attributes"]["source"]["coupon"] == ten["id"]
    assert "customer.discount.deleted" not in events(local)
    ok(local.post("/v1/subscriptions/" + sub["id"], data={"discounts": ""}))
    assert event(local, "customer.discount.deleted")["data"]["object"]["id"] == discount_id
