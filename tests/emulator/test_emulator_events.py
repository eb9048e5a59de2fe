"""Events: every write records Stripe's event in the same transaction, in Stripe's shape, listed
and filtered as Stripe does; a follower reading "events after N" misses and repeats none."""

from __future__ import annotations

import json
import threading

import pytest

from stripecli.emulator import events
from tests.emulator.helpers import wait_for

T0 = 1_700_000_000
DAY = 86400


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def all_events(api, **params):
    """Every event, oldest first."""
    out, params = [], dict(params, limit=100)
    while True:
        page = ok(api.get("/v1/events", params=params))
        out.extend(page["data"])
        if not page["has_more"]:
            return list(reversed(out))
        params["starting_after"] = page["data"][-1]["id"]


def test_create_update_delete_record_stripes_events_in_stripes_shape(api):
    created = api.post("/v1/customers", data={"email": "ada@example.com", "metadata[tier]": "gold"},
                       headers={"Idempotency-Key": "create-ada"})
    customer = ok(created)
    updated = api.post("/v1/customers/" + customer["id"], data={"name": "Ada", "metadata[tier]": "platinum"})
    ok(updated)
    deleted = api.delete("/v1/customers/" + customer["id"])
    ok(deleted)
    got = all_events(api)
    assert [e["type"] for e in got] == ["customer.created", "customer.updated", "customer.deleted"]
    first, second, third = got
    assert set(first) == {"id", "object", "api_version", "created", "data", "livemode", "pending_webhooks",
                          "request", "type"}
    assert first["id"].startswith("evt_") and first["object"] == "event" and first["livemode"] is False
    from stripecli.model import api_version

    assert first["api_version"] == api_version()
    assert first["data"] == {"object": customer}
    assert first["request"] == {"id": created.headers["request-id"], "idempotency_key": "create-ada"}
    assert second["request"] == {"id": updated.headers["request-id"], "idempotency_key": None}
    assert second["data"]["object"]["name"] == "Ada"
    assert second["data"]["previous_attributes"] == {"name": None, "metadata": {"tier": "gold"}}
    assert third["data"]["object"]["id"] == customer["id"] and "previous_attributes" not in third["data"]
    assert third["request"]["id"] == deleted.headers["request-id"]
    assert all(e["pending_webhooks"] == 0 for e in got)
    assert ok(api.get("/v1/events/" + second["id"])) == second


def test_an_idempotent_replay_records_nothing_new(api):
    for _ in range(3):
        ok(api.post("/v1/customers", data={"email": "once@example.com"}, headers={"Idempotency-Key": "once"}))
    assert [e["type"] for e in all_events(api)] == ["customer.created"]


def test_a_failed_request_records_nothing(api):
    product = ok(api.post("/v1/products", data={"name": "Gold"}))
    customer = ok(api.post("/v1/customers", data={}))
    before = len(all_events(api))
    response = api.post("/v1/subscriptions", data={
        "customer": customer["id"],
        "items[0][price_data][currency]": "usd", "items[0][price_data][unit_amount]": 100,
        "items[0][price_data][product]": product["id"], "items[0][price_data][recurring][interval]": "month",
        "items[1][price]": "price_missing"})
    assert response.status_code == 404, response.text
    assert len(all_events(api)) == before  # the price made for items[0] was rolled back with its event


def test_the_event_is_written_in_the_same_transaction_as_the_change(local, monkeypatch):
    def broken(ctx, changes):
        raise RuntimeError("the events table is unwritable")

    monkeypatch.setattr(events, "record", broken)
    from stripecli.emulator import context

    monkeypatch.setattr(context, "ON_COMMIT", [broken])
    response = local.post("/v1/customers", data={"email": "lost@example.com"})
    assert response.status_code == 500
    monkeypatch.undo()
    assert ok(local.get("/v1/customers"))["data"] == []  # no event, no change


def test_types_without_a_stripe_event_emit_none_and_names_follow_stripe(api):
    product = ok(api.post("/v1/products", data={"name": "Gold"}))
    price = ok(api.post("/v1/prices", data={"product": product["id"], "currency": "usd", "unit_amount": 500,
                                            "recurring[interval]": "month"}))
    customer = ok(api.post("/v1/customers", data={}))
    ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                           "items[0][price]": price["id"]}))
    ok(api.post("/v1/customers/%s/tax_ids" % customer["id"], data={"type": "eu_vat", "value": "DE123456789"}))
    types = [e["type"] for e in all_events(api)]
    assert "customer.subscription.created" in types and "customer.tax_id.created" in types
    assert not [t for t in types if t.startswith(("subscription_item.", "line_item.", "subscription."))]
    assert set(types) <= events.event_types()
    assert types.index("invoice.created") < types.index("invoice.finalized") < types.index("invoice.paid")


def test_events_on_a_test_clock_carry_its_time_and_an_advance_records_the_renewal(api):
    clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
    customer = ok(api.post("/v1/customers", data={"test_clock": clock["id"]}))
    price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 900, "recurring[interval]": "month",
                                            "product_data[name]": "Plan"}))
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"]}))
    mark = len(all_events(api))
    target = T0 + 31 * DAY
    ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"], data={"frozen_time": target}))
    wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
    later = all_events(api)[mark:]
    types = [e["type"] for e in later]
    # the renewal charges the card: the balance summary is recorded after everything else
    assert types[0] == "test_helpers.test_clock.advancing" and types[-2:] == ["test_helpers.test_clock.ready",
                                                                              "balance.available"]
    assert "invoice.paid" in types and "charge.succeeded" in types and "customer.subscription.updated" in types
    renewal = next(e for e in later if e["type"] == "customer.subscription.updated")
    assert renewal["data"]["object"]["id"] == sub["id"]
    assert renewal["data"]["previous_attributes"]["latest_invoice"] == sub["latest_invoice"]
    paid = next(e for e in later if e["type"] == "invoice.paid")
    assert paid["created"] == target and paid["data"]["object"]["status"] == "paid"
    assert paid["data"]["object"]["billing_reason"] == "subscription_cycle"
    assert paid["request"] == {"id": None, "idempotency_key": None}  # the clock's doing, not a request's
    first = all_events(api, type="customer.created")[0]
    assert first["created"] == T0


def test_list_filters_and_pages(api):
    ids = [ok(api.post("/v1/customers", data={"email": "c%d@example.com" % i}))["id"] for i in range(3)]
    ok(api.post("/v1/customers/" + ids[0], data={"name": "first"}))
    ok(api.post("/v1/products", data={"name": "Gold"}))
    assert [e["type"] for e in all_events(api, type="customer.*")] == ["customer.created"] * 3 + ["customer.updated"]
    assert [e["type"] for e in all_events(api, type="product.created")] == ["product.created"]
    both = all_events(api, **{"types[]": ["product.created", "customer.updated"]})
    assert [e["type"] for e in both] == ["customer.updated", "product.created"]
    err = api.get("/v1/events", params={"type": "customer.created", "types[]": ["product.created"]})
    assert err.status_code == 400 and err.json()["error"]["param"] == "types"
    everything = all_events(api)
    newest_first = ok(api.get("/v1/events", params={"limit": 2}))
    assert [e["id"] for e in newest_first["data"]] == [everything[-1]["id"], everything[-2]["id"]]
    assert newest_first["has_more"] is True and newest_first["url"] == "/v1/events"
    newer = ok(api.get("/v1/events", params={"limit": 2, "ending_before": everything[1]["id"]}))
    assert [e["id"] for e in newer["data"]] == [everything[3]["id"], everything[2]["id"]]  # still newest first
    older = ok(api.get("/v1/events", params={"limit": 2, "starting_after": everything[1]["id"]}))
    assert [e["id"] for e in older["data"]] == [everything[0]["id"]] and older["has_more"] is False
    created = everything[0]["created"]
    assert len(all_events(api, **{"created[gte]": created})) == len(everything)
    assert all_events(api, **{"created[lt]": created}) == []
    missing = api.get("/v1/events/evt_missing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "resource_missing"


def test_a_follower_of_events_after_a_cursor_misses_and_repeats_none(tmp_path):
    """Two writers at once (threads, each its own connection) and a follower polling
    ``events_after``: the follower sees every event exactly once, in sequence order."""
    import httpx

    from stripecli.emulator.handler import Emulator
    from stripecli.emulator.store import Store
    from stripecli.emulator.transport import LocalTransport

    emulator = Emulator(str(tmp_path))
    follower_store = Store(str(tmp_path))
    start = events.latest_cursor(follower_store)
    seen: list[tuple[int, str]] = []
    done = threading.Event()

    def follow():
        cursor = start
        while True:
            finished = done.is_set()
            batch = events.events_after(follower_store, cursor, limit=7)
            for seq, event in batch:
                seen.append((seq, event["id"]))
                cursor = seq
            if finished and not batch:
                return

    def write(name):
        with httpx.Client(transport=LocalTransport(emulator), base_url="http://emulator.local",
                          headers={"Authorization": "Bearer sk_test_fake123"}) as client:
            for i in range(60):
                assert client.post("/v1/customers", data={"name": "%s-%d" % (name, i)}).status_code == 200

    follower = threading.Thread(target=follow)
    follower.start()
    writers = [threading.Thread(target=write, args=(n,)) for n in "ab"]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    done.set()
    follower.join(30)
    stored = [(seq, json.loads(data)["id"]) for seq, data in
              follower_store.conn.execute("SELECT seq, data FROM events ORDER BY seq")]
    assert len(stored) == 120
    assert seen == stored  # every one, once, in order
    assert events.latest_cursor(follower_store) == stored[-1][0]
    follower_store.close()


def test_events_list_and_get_from_the_command_line(cli):
    made = cli("customers", "create", "--email", "ops@example.com", "--local", "-o", "json")
    assert made.exit_code == 0, made.stderr
    listed = cli("events", "list", "--local", "-o", "json", "--type", "customer.created")
    assert listed.exit_code == 0, listed.stderr
    page = json.loads(listed.stdout)
    assert [e["data"]["object"]["id"] for e in page["data"]] == [json.loads(made.stdout)["id"]]
    got = cli("events", "get", page["data"][0]["id"], "--local", "-o", "json")
    assert got.exit_code == 0, got.stderr
    assert json.loads(got.stdout) == page["data"][0]


def test_an_expanded_response_does_not_leak_into_the_event(api):
    customer = ok(api.post("/v1/customers", data={"email": "x@example.com"}))
    price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 100, "recurring[interval]": "month",
                                            "product_data[name]": "Plan"}))
    sub = ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                 "items[0][price]": price["id"],
                                                 "expand[]": "customer"}))
    assert sub["customer"]["id"] == customer["id"]  # the answer is expanded ...
    event = all_events(api, type="customer.subscription.created")[0]
    assert event["data"]["object"]["customer"] == customer["id"]  # ... the event is not


def test_a_reset_empties_the_events_but_the_sequence_goes_on(local, tmp_path):
    from stripecli.emulator.store import Store

    ok(local.post("/v1/customers", data={}))
    store = Store(str(tmp_path / "emulator"))
    try:
        cursor = events.latest_cursor(store)
        assert cursor > 0
        store.reset()
        assert events.events_after(store, 0) == [] and events.latest_cursor(store) == cursor
        ok(local.post("/v1/customers", data={}))
        (seq, event), = events.events_after(store, cursor)
        assert seq > cursor and event["type"] == "customer.created"
    finally:
        store.close()
