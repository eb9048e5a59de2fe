"""Subscription schedules move through their phases as the test clock advances; release and cancel."""

from __future__ import annotations

from tests.emulator.helpers import bad, ok, wait_for

T0 = 1_700_000_000
DAY = 86400


def _setup(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"], "payment_method": "pm_card_visa",
                                                  "invoice_settings[default_payment_method]": "pm_card_visa"}))
    product = ok(api.post("/v1/products", data={"name": "Plan"}))
    intro, full = (ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": amount,
                                                   "recurring[interval]": "month"})) for amount in (500, 2000))
    return clock, customer, intro, full


def _advance(api, clock, to):
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": to}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")


def test_a_schedule_starts_later_then_moves_to_its_next_phase_and_cancels_at_its_end(api):
    clock, customer, intro, full = _setup(api)
    start = T0 + 5 * DAY
    schedule = ok(api.post("/v1/subscription_schedules", data={
        "customer": customer["id"], "start_date": start, "end_behavior": "cancel",
        "phases[0][items][0][price]": intro["id"], "phases[0][duration][interval]": "month",
        "phases[0][duration][interval_count]": 2,
        "phases[1][items][0][price]": full["id"], "phases[1][duration][interval]": "month"}))
    assert schedule["status"] == "not_started" and schedule["subscription"] is None
    assert [(p["start_date"], p["items"][0]["price"]) for p in schedule["phases"]] == [
        (start, intro["id"]), (schedule["phases"][0]["end_date"], full["id"])]
    _advance(api, clock, T0 + 6 * DAY)
    schedule = ok(api.get("/v1/subscription_schedules/" + schedule["id"]))
    assert schedule["status"] == "active" and schedule["current_phase"]["start_date"] == start
    sub = ok(api.get("/v1/subscriptions/" + schedule["subscription"]))
    assert sub["start_date"] == start and sub["schedule"] == schedule["id"]
    assert [i["price"]["id"] for i in sub["items"]["data"]] == [intro["id"]]
    _advance(api, clock, schedule["phases"][1]["start_date"] + DAY)
    schedule = ok(api.get("/v1/subscription_schedules/" + schedule["id"]))
    assert schedule["current_phase"]["start_date"] == schedule["phases"][1]["start_date"]
    sub = ok(api.get("/v1/subscriptions/" + schedule["subscription"]))
    assert [i["price"]["id"] for i in sub["items"]["data"]] == [full["id"]]
    totals = [i["total"] for i in ok(api.get("/v1/invoices", params={"customer": customer["id"]}))["data"]]
    assert sorted(totals) == [500, 500, 2000]  # two intro months, then the full price from the switch
    _advance(api, clock, schedule["phases"][1]["end_date"] + DAY)
    schedule = ok(api.get("/v1/subscription_schedules/" + schedule["id"]))
    assert schedule["status"] == "completed" and schedule["completed_at"] == schedule["phases"][1]["end_date"]
    assert ok(api.get("/v1/subscriptions/" + schedule["subscription"]))["status"] == "canceled"
    totals = [i["total"] for i in ok(api.get("/v1/invoices", params={"customer": customer["id"]}))["data"]]
    assert sorted(totals) == [500, 500, 2000]


def test_release_keeps_the_subscription_and_cancel_ends_it(api):
    clock, customer, intro, full = _setup(api)
    spec = {"customer": customer["id"], "phases[0][items][0][price]": intro["id"],
            "phases[0][duration][interval]": "month"}
    released = ok(api.post("/v1/subscription_schedules", data=spec))
    assert released["status"] == "active"
    sub_id = released["subscription"]
    released = ok(api.post("/v1/subscription_schedules/%s/release" % released["id"]))
    assert (released["status"], released["released_subscription"], released["subscription"]) == (
        "released", sub_id, None)
    sub = ok(api.get("/v1/subscriptions/" + sub_id))
    assert sub["status"] == "active" and sub["schedule"] is None
    assert bad(api.post("/v1/subscription_schedules/%s/cancel" % released["id"]))["message"]
    canceled = ok(api.post("/v1/subscription_schedules", data=spec))
    canceled = ok(api.post("/v1/subscription_schedules/%s/cancel" % canceled["id"]))
    assert canceled["status"] == "canceled"
    assert ok(api.get("/v1/subscriptions/" + canceled["subscription"]))["status"] == "canceled"
