"""Webhook deliveries: signed POSTs stripe-python accepts, an outbox that survives SIGKILL, retries
with backoff, the --local rule, and ``stripecli emulator deliveries``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import stripe

from stripecli import calendar
from tests.emulator.helpers import AUTH, ROOT, serve, wait_for
from tests.emulator.receiver import Receiver

T0 = 1_700_000_000
FAST = {"STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE": "0.2,0.2,0.2,0.2,0.2"}
WANTED = ["customer.created", "customer.updated", "invoice.paid", "test_helpers.test_clock.ready"]


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def verified(receiver: Receiver, secret: str) -> list[stripe.Event]:
    """Every delivery the receiver answered 2xx, checked by stripe-python as a handler would."""
    out = []
    for entry in receiver.entries():
        if entry["status"] >= 300:
            continue
        header = {k.lower(): v for k, v in entry["headers"].items()}["stripe-signature"]
        out.append(stripe.Webhook.construct_event(entry["body"].decode("utf-8"), header, secret))
    return out


def check_received(receiver: Receiver, secret: str, listed: list[dict]) -> None:
    """The receiver got the scenario's events, each verified; ``events list`` has them in order."""
    got = wait_for(lambda: (lambda evs: evs if set(WANTED) <= {e.type for e in evs} else None)(
        verified(receiver, secret)), timeout=30)
    by_type = {}
    for event in got:
        by_type.setdefault(event.type, event)
    assert by_type["customer.updated"].data.previous_attributes.to_dict() == {"name": None}
    assert by_type["invoice.paid"].data.object.status == "paid"
    assert by_type["test_helpers.test_clock.ready"].data.object.status == "ready"
    listed_ids = [e["id"] for e in reversed(listed)]  # oldest first
    received_ids = [e.id for e in got]
    assert received_ids == [i for i in listed_ids if i in set(received_ids)]  # same order
    assert set(received_ids) == set(listed_ids)  # the endpoint takes "*": it got every one


def test_on_emulator_serve_the_scenario_reaches_a_receiver_signed(tmp_path, receiver):
    server = serve(tmp_path / "data", tmp_path / "serve.log", env=FAST)
    try:
        with httpx.Client(base_url=server.base, headers=AUTH, timeout=30) as api:
            endpoint = ok(api.post("/v1/webhook_endpoints", data={"url": receiver.url, "enabled_events[]": "*"}))
            assert endpoint["secret"].startswith("whsec_") and endpoint["status"] == "enabled"
            clock = ok(api.post("/v1/test_helpers/test_clocks", data={"frozen_time": T0}))
            customer = ok(api.post("/v1/customers", data={"email": "ada@example.com", "test_clock": clock["id"]}))
            ok(api.post("/v1/customers/" + customer["id"], data={"name": "Ada"}))
            price = ok(api.post("/v1/prices", data={"currency": "usd", "unit_amount": 900,
                                                    "recurring[interval]": "month", "product_data[name]": "Plan"}))
            ok(api.post("/v1/subscriptions", data={"customer": customer["id"], "default_payment_method": "pm_card_visa",
                                                   "items[0][price]": price["id"]}))
            ok(api.post("/v1/test_helpers/test_clocks/%s/advance" % clock["id"],
                        data={"frozen_time": calendar.add_months(T0, 1)}))
            wait_for(lambda: ok(api.get("/v1/test_helpers/test_clocks/" + clock["id"]))["status"] == "ready")
            wait_for(lambda: "test_helpers.test_clock.ready" in [e["type"] for e in receiver.events()], timeout=30)
            wait_for(lambda: ok(api.get("/v1/events", params={"delivery_success": "false"}))["data"] == [], timeout=30)
            listed = ok(api.get("/v1/events", params={"limit": 100}))["data"]
            check_received(receiver, endpoint["secret"], listed)
            assert all(e["pending_webhooks"] == 0 for e in listed)
    finally:
        server.stop()


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = dict(os.environ, PYTHONPATH=str(ROOT), **env)
    out = subprocess.run([sys.executable, "-m", "stripecli", *args], capture_output=True, text=True, env=full,
                         cwd=str(ROOT), timeout=60)
    assert out.returncode == 0, (args, out.stderr)
    return out


def test_with_local_each_command_delivers_what_it_caused_before_exiting(tmp_path, receiver):
    env = dict(FAST, STRIPECLI_DATA_DIR=str(tmp_path / "data"), STRIPECLI_EMULATOR_ADVANCE_SECONDS="0.2")
    endpoint = json.loads(_cli("webhooks", "endpoints", "create", "--url", receiver.url, "--enabled-events", "*",
                               "--local", "-o", "json", env=env).stdout)
    clock = json.loads(_cli("test-clocks", "create", "--frozen-time", str(T0), "--local", "-o", "json",
                            env=env).stdout)
    customer_id = _cli("customers", "create", "--email", "ada@example.com", "--test-clock", clock["id"],
                       "--local", "-o", "id", env=env).stdout.strip()
    assert "customer.created" in [e["type"] for e in receiver.events()]  # delivered before that command exited
    _cli("customers", "update", customer_id, "--name", "Ada", "--local", "-o", "id", env=env)
    price_id = _cli("prices", "create", "--currency", "usd", "--unit-amount", "900", "--recurring.interval", "month",
                    "--product-data.name", "Plan", "--local", "-o", "id", env=env).stdout.strip()
    _cli("billing", "subscriptions", "create", "--customer", customer_id, "-d", "items[0][price]=" + price_id,
         "-d", "default_payment_method=pm_card_visa", "--local", "-o", "id", env=env)
    _cli("test-clocks", "advance", clock["id"], "--to", str(calendar.add_months(T0, 1)), "--wait", "--local",
         "-o", "id", env=env)
    listed = json.loads(_cli("events", "list", "--limit", "100", "--local", "-o", "json", env=env).stdout)["data"]
    check_received(receiver, endpoint["secret"], listed)


def test_a_receiver_answering_500_twice_gets_the_same_event_three_times(tmp_path, receiver):
    receiver.answer([500, 500, 200])
    server = serve(tmp_path / "data", tmp_path / "serve.log", env=FAST)
    try:
        with httpx.Client(base_url=server.base, headers=AUTH, timeout=30) as api:
            ok(api.post("/v1/webhook_endpoints", data={"url": receiver.url, "enabled_events[]": "customer.created"}))
            ok(api.post("/v1/customers", data={"email": "retry@example.com"}))
            event = ok(api.get("/v1/events", params={"type": "customer.created"}))["data"][0]
            wait_for(lambda: len(receiver.entries()) >= 3, timeout=30)
            entries = receiver.entries()
            assert [e["status"] for e in entries] == [500, 500, 200]
            assert [json.loads(e["body"])["id"] for e in entries] == [event["id"]] * 3
            assert [json.loads(e["body"])["pending_webhooks"] for e in entries] == [1, 1, 1]  # owed while sent
            done = wait_for(lambda: (lambda e: e if e["pending_webhooks"] == 0 else None)(
                ok(api.get("/v1/events/" + event["id"]))), timeout=30)
            assert done["id"] == event["id"]
        shown = subprocess.run([sys.executable, "-m", "stripecli", "emulator", "deliveries", event["id"], "--data-dir",
                                str(tmp_path / "data"), "--format", "json"], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=str(ROOT), timeout=60)
        assert shown.returncode == 0, shown.stderr
        delivery, = json.loads(shown.stdout)
        assert delivery["status"] == "succeeded" and delivery["attempts"] == 3 and delivery["url"] == receiver.url
        assert [a["status"] for a in delivery["attempt_log"]] == [500, 500, 200]
        assert delivery["last_attempt"]["response"] == '{"received": true}'
    finally:
        server.stop()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_deliveries_pending_when_serve_is_killed_are_delivered_after_a_restart(tmp_path):
    receiver = Receiver(statuses=[503] * 1000)  # down for now: every delivery stays pending
    slow = {"STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE": ",".join(["0.5"] * 200)}
    data = tmp_path / "data"
    server = serve(data, tmp_path / "serve-1.log", env=slow)
    try:
        with httpx.Client(base_url=server.base, headers=AUTH, timeout=30) as api:
            ok(api.post("/v1/webhook_endpoints", data={"url": receiver.url, "enabled_events[]": "*"}))
            made = [ok(api.post("/v1/customers", data={"name": "c%d" % i}))["id"] for i in range(5)]
        wait_for(lambda: len(receiver.entries()) >= 5, timeout=30)  # attempts were made, and refused
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
    finally:
        server.stop(signal.SIGKILL)
    raw = sqlite3.connect(str(data / "emulator.sqlite3"))
    try:
        pending = raw.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'").fetchone()[0]
        expected = {row[0] for row in raw.execute("SELECT id FROM events")}
    finally:
        raw.close()
    assert pending == len(expected) == 5  # one customer.created each, all still owed at the kill
    receiver.answer([])  # back up: 200 from now on
    restarted = serve(data, tmp_path / "serve-2.log", env=slow)
    try:
        delivered = wait_for(lambda: (lambda ids: ids if ids >= expected else None)(
            {e["id"] for e in receiver.events(answered_ok=True)}), timeout=30)
        assert delivered == expected
        assert {e["data"]["object"]["id"] for e in receiver.events(answered_ok=True)} == set(made)
        with httpx.Client(base_url=restarted.base, headers=AUTH, timeout=30) as api:
            wait_for(lambda: ok(api.get("/v1/events", params={"delivery_success": "false"}))["data"] == [], timeout=30)
    finally:
        restarted.stop()
        receiver.close()


def test_local_delivery_is_bounded_and_what_is_left_stays_pending(tmp_path):
    receiver = Receiver(delay=30)  # holds every request far longer than the --local budget
    env = {"STRIPECLI_DATA_DIR": str(tmp_path / "data")}
    try:
        _cli("webhooks", "endpoints", "create", "--url", receiver.url, "--enabled-events", "customer.created",
             "--local", "-o", "id", env=env)
        started = time.monotonic()
        _cli("customers", "create", "--email", "slow@example.com", "--local", "-o", "id", env=env)
        elapsed = time.monotonic() - started
        assert len(receiver.entries()) == 1  # it tried
        assert elapsed < 25  # and did not wait for the receiver's answer (30 s)
        shown = json.loads(_cli("emulator", "deliveries", "--format", "json", env=env).stdout)
        assert [(d["status"], d["attempts"]) for d in shown] == [("pending", 1)]
        assert shown[0]["last_attempt"]["status"] is None and "timed out" in shown[0]["last_attempt"]["error"]
    finally:
        receiver.close()


# -- in-process: matching, counting, filtering -------------------------------------------------


def test_enabled_events_and_disabled_endpoints_decide_who_is_owed_what(local, receiver, tmp_path):
    from stripecli.emulator import deliveries
    from stripecli.emulator.store import Store

    narrow = ok(local.post("/v1/webhook_endpoints", data={"url": receiver.url, "enabled_events[]": "customer.created"}))
    off = ok(local.post("/v1/webhook_endpoints", data={"url": receiver.url, "enabled_events[]": "*"}))
    ok(local.post("/v1/webhook_endpoints/" + off["id"], data={"disabled": "true"}))
    customer = ok(local.post("/v1/customers", data={}))
    ok(local.post("/v1/customers/" + customer["id"], data={"name": "Ada"}))
    created, updated = ok(local.get("/v1/events", params={"type": "customer.*"}))["data"][::-1]
    assert created["pending_webhooks"] == 1 and updated["pending_webhooks"] == 0
    owed = ok(local.get("/v1/events", params={"delivery_success": "false"}))["data"]
    assert [e["id"] for e in owed] == [created["id"]]
    store = Store(str(tmp_path / "emulator"))
    try:
        assert deliveries.drain(store, 10) == 1
        shown = deliveries.list_deliveries(store)
    finally:
        store.close()
    assert [(d["endpoint"], d["event"], d["status"]) for d in shown] == [(narrow["id"], created["id"], "succeeded")]
    assert [json.loads(e["body"])["id"] for e in receiver.entries()] == [created["id"]]
    assert ok(local.get("/v1/events/" + created["id"]))["pending_webhooks"] == 0
    assert created["id"] in [e["id"] for e in ok(local.get("/v1/events", params={"delivery_success": "true"}))["data"]]
    assert ok(local.get("/v1/events", params={"delivery_success": "false"}))["data"] == []


def test_a_signature_checks_out_only_for_the_exact_payload_and_secret(local, receiver, tmp_path):
    from stripecli import signing
    from stripecli.emulator import deliveries
    from stripecli.emulator.store import Store

    endpoint = ok(local.post("/v1/webhook_endpoints", data={"url": receiver.url, "enabled_events[]": "*"}))
    ok(local.post("/v1/products", data={"name": "Gold"}))
    store = Store(str(tmp_path / "emulator"))
    try:
        deliveries.drain(store, 10)
    finally:
        store.close()
    entry, = receiver.entries()
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    assert headers["content-type"].startswith("application/json") and headers["user-agent"].startswith("Stripe/")
    header = headers["stripe-signature"]
    assert stripe.Webhook.construct_event(entry["body"], header, endpoint["secret"]).type == "product.created"
    assert signing.verify_header(entry["body"], header, endpoint["secret"]) > 0
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(entry["body"].replace(b"Gold", b"Lead"), header, endpoint["secret"])
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(entry["body"], header, "whsec_wrong")


def test_the_deliveries_command_rejects_bad_values_and_says_when_there_is_nothing(cli):
    bad = cli("emulator", "deliveries", "--status", "lost")
    assert bad.exit_code == 2 and bad.stdout == ""
    assert "--status" in bad.stderr and "pending, succeeded, failed" in bad.stderr and "Traceback" not in bad.stderr
    wrong = cli("emulator", "deliveries", "cus_123")
    assert wrong.exit_code == 2 and "EVENT_ID" in wrong.stderr
    empty = cli("emulator", "deliveries")
    assert empty.exit_code == 0 and empty.stdout == "" and "no webhook deliveries" in empty.stderr


def test_the_retry_schedule_is_configurable(monkeypatch):
    from stripecli.emulator import deliveries

    assert deliveries.retry_schedule() == deliveries.DEFAULT_SCHEDULE
    monkeypatch.setenv("STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE", "0.5, 3")
    assert deliveries.retry_schedule() == (0.5, 3.0)
    monkeypatch.setenv("STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE", "none")
    assert deliveries.retry_schedule() == ()


def test_after_the_last_retry_a_delivery_fails_for_good(local, tmp_path, monkeypatch):
    from stripecli.emulator import deliveries
    from stripecli.emulator.store import Store

    monkeypatch.setenv("STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE", "0,0")
    r = Receiver(statuses=[500] * 10)
    try:
        ok(local.post("/v1/webhook_endpoints", data={"url": r.url, "enabled_events[]": "*"}))
        ok(local.post("/v1/customers", data={}))
        store = Store(str(tmp_path / "emulator"))
        try:
            assert deliveries.drain(store, 10) == 3  # the first attempt and two retries
            shown, = deliveries.list_deliveries(store)
        finally:
            store.close()
    finally:
        r.close()
    assert shown["status"] == "failed" and shown["attempts"] == 3 and shown["next_attempt_at"] is None
    event = ok(local.get("/v1/events"))["data"][0]
    assert event["pending_webhooks"] == 0  # nothing is owed any more ...
    assert [e["id"] for e in ok(local.get("/v1/events", params={"delivery_success": "false"}))["data"]] == [event["id"]]
