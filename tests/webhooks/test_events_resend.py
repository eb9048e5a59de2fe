"""``stripecli events resend``: on the emulator to an endpoint or a running listen; on a real
account through Stripe's retry endpoint."""

from __future__ import annotations

import json
import signal

import pytest

from tests.fakeserver import FakeServer, Reply
from tests.webhooks.receiver import Receiver, finish
from tests.webhooks.test_listen_local import local_env, print_secret, recorded_events, start_listen  # noqa: F401


def _endpoint(cli, url: str, events: str = "*") -> dict:
    result = cli("webhook-endpoints", "create", "--local", "--url", url, "--enabled-events", events, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_resend_to_a_webhook_endpoint_on_the_emulator(cli, local_env, monkeypatch):
    monkeypatch.setenv("STRIPECLI_EMULATOR_WEBHOOK_SCHEDULE", "0.1")
    with Receiver() as receiver:
        endpoint = _endpoint(cli, f"{receiver.url}/hooks")
        assert cli("trigger", "customer.created", "--local").exit_code == 0
        # in this process the trigger's own delivery waits for the next drain: the resend's
        event = next(e for e in recorded_events(cli) if e["type"] == "customer.created")
        result = cli("events", "resend", event["id"], "--local", "--webhook-endpoint", endpoint["id"])
        assert result.exit_code == 0, result.stderr
        assert f"{event['id']} (customer.created) queued for {endpoint['id']}" in result.stderr
        assert "2 delivery attempts made now" in result.stderr  # the trigger's and the resend's
        receiver.wait_for(2)
        got = receiver.events(endpoint["secret"])
    assert [e.id for e in got] == [event["id"], event["id"]]


def test_resend_errors(cli, local_env):
    disabled = _endpoint(cli, "http://127.0.0.1:9/x", "invoice.paid")
    assert cli("trigger", "customer.created", "--local").exit_code == 0
    event = recorded_events(cli)[0]
    result = cli("events", "resend", event["id"], "--local", "--webhook-endpoint", disabled["id"])
    assert result.exit_code == 2 and f"{disabled['id']} is not subscribed to customer.created" in result.stderr
    result = cli("events", "resend", "evt_nope", "--local")
    assert result.exit_code == 4 and "No such event: 'evt_nope'" in result.stderr
    result = cli("events", "resend", event["id"], "--local", "--webhook-endpoint", "we_nope")
    assert result.exit_code == 4 and "No such webhook endpoint: 'we_nope'" in result.stderr
    result = cli("events", "resend", "cus_1", "--local")
    assert result.exit_code == 2 and "is not an event id" in result.stderr


def test_resend_reaches_a_running_listen(cli, local_env):
    secret = print_secret(local_env)
    with Receiver() as receiver:
        proc, lines = start_listen(local_env, "--forward-to", f"{receiver.url}/webhook")
        try:
            assert cli("trigger", "customer.created", "--local").exit_code == 0
            receiver.wait_for(1)
            event = recorded_events(cli)[0]
            result = cli("events", "resend", event["id"], "--local")
            assert result.exit_code == 0, result.stderr
            assert "queued for every running stripecli listen --local" in result.stderr
            receiver.wait_for(2)
            assert lines.wait_for("(resent)")
            got = receiver.events(secret)
        finally:
            finish(proc, signal.SIGINT, collect=False)
    assert [e.id for e in got] == [event["id"], event["id"]]
    assert any(event["id"] in line and "(resent)" in line and " 200 (" in line for line in lines.lines)


def test_resend_on_a_real_account_uses_the_retry_endpoint(cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123")
    with FakeServer() as server:
        server.on("POST", "/v1/events/evt_123/retry", Reply(200, json={"id": "evt_123", "object": "event"}))
        result = cli("events", "resend", "evt_123", "--webhook-endpoint", "we_456", "--api-base", server.url)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.strip().endswith("resent evt_123 to we_456")
        assert server.requests[0].form == [("webhook_endpoint", "we_456")]
        result = cli("events", "resend", "evt_123", "--api-base", server.url)
        assert result.exit_code == 2 and "give --webhook-endpoint" in result.stderr
        assert len(server.requests) == 1
