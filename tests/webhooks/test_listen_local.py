"""``listen --local`` following the emulator's event stream, with real subprocesses: what a
trigger causes arrives signed (checked by stripe-python), and stopping and restarting ``listen``
in the middle of a burst forwards every event exactly once."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.webhooks.receiver import Lines, Receiver, finish


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "STRIPECLI_"))}
    env.update(STRIPECLI_CONFIG_DIR=str(tmp_path / "config"), STRIPECLI_DATA_DIR=str(tmp_path / "data"),
               PYTHONUNBUFFERED="1")
    return env


def start_listen(env: dict, *args: str) -> tuple[subprocess.Popen, Lines]:
    proc = subprocess.Popen([sys.executable, "-m", "stripecli", "listen", "--local", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = Lines(proc.stderr)
    assert lines.wait_for("Ready!", timeout=30), lines.text()
    return proc, lines


def print_secret(env: dict) -> str:
    return subprocess.run([sys.executable, "-m", "stripecli", "listen", "--local", "--print-secret"], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def recorded_events(cli) -> list[dict]:
    result = cli("events", "list", "--local", "--all", "-o", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["data"] if result.stdout.startswith("{") else json.loads(result.stdout)


@pytest.fixture
def local_env(tmp_path, monkeypatch):
    env = _env(tmp_path)
    monkeypatch.setenv("STRIPECLI_DATA_DIR", env["STRIPECLI_DATA_DIR"])
    monkeypatch.setenv("STRIPECLI_CONFIG_DIR", env["STRIPECLI_CONFIG_DIR"])
    return env


def test_trigger_payment_intent_succeeded_reaches_a_verifying_handler(cli, local_env):
    secret = print_secret(local_env)
    with Receiver() as receiver:
        proc, lines = start_listen(local_env, "--forward-to", f"{receiver.url}/webhook")
        try:
            assert f"Your webhook signing secret is {secret}" in lines.text() or lines.wait_for(secret)
            result = cli("trigger", "payment_intent.succeeded", "--local")
            assert result.exit_code == 0, result.stderr
            caused = recorded_events(cli)
            assert {"payment_intent.created", "payment_intent.succeeded", "charge.succeeded"} <= {e["type"] for e in caused}
            receiver.wait_for(len(caused))
            assert lines.wait_for(caused[0]["id"])
            events = receiver.events(secret)  # construct_event raises on any bad signature
        finally:
            finish(proc, signal.SIGINT, collect=False)
    assert proc.returncode == 130
    assert sorted(e.id for e in events) == sorted(e["id"] for e in caused)
    assert [e.id for e in events] == [e["id"] for e in reversed(caused)]  # in the order they were recorded
    assert all(r.path == "/webhook" for r in receiver.received)
    by_type = {e.type: e for e in events}
    assert by_type["payment_intent.succeeded"].data.object.status == "succeeded"
    for event in caused:
        assert any(event["id"] in line and event["type"] in line and " 200 (" in line for line in lines.lines)


def test_restarting_listen_in_a_burst_of_50_forwards_each_event_exactly_once(cli, local_env):
    with Receiver() as receiver:
        proc, _ = start_listen(local_env, "--forward-to", f"{receiver.url}/hook")
        results: list[int] = []

        def burst() -> None:
            for _ in range(50):
                results.append(cli("trigger", "customer.created", "--local").exit_code)

        worker = threading.Thread(target=burst)
        worker.start()
        try:
            receiver.wait_for(12)
            finish(proc, signal.SIGTERM, collect=False)  # stop in the middle of the burst ...
            assert proc.returncode == 143
            time.sleep(0.3)  # ... while triggers go on
            proc, _ = start_listen(local_env, "--forward-to", f"{receiver.url}/hook")  # resumes
            receiver.wait_for(30)
            finish(proc, signal.SIGINT, collect=False)
            assert proc.returncode == 130
            proc, _ = start_listen(local_env, "--forward-to", f"{receiver.url}/hook")
            worker.join(timeout=120)
            assert results == [0] * 50
            receiver.wait_for(50)
            time.sleep(0.5)  # anything sent twice would arrive now
        finally:
            worker.join(timeout=120)
            finish(proc, signal.SIGINT, collect=False)
    recorded = recorded_events(cli)
    assert len(recorded) == 50 and {e["type"] for e in recorded} == {"customer.created"}
    ids = [json.loads(r.body)["id"] for r in receiver.received]
    duplicates = [i for i, n in collections.Counter(ids).items() if n > 1]
    assert duplicates == []
    assert sorted(ids) == sorted(e["id"] for e in recorded)


def test_a_thin_event_is_forwarded_when_named_and_parses_as_stripe_python_parses_event_notifications(cli, local_env):
    import stripe

    secret = print_secret(local_env)
    with Receiver() as receiver:
        proc, lines = start_listen(local_env, "--forward-to", f"{receiver.url}/hook",
                                   "--events", "billing.meter.created,v1.billing.meter.*")
        try:
            result = cli("trigger", "v1.billing.meter.error_report_triggered", "--local")
            assert result.exit_code == 0, result.stderr
            received = receiver.wait_for(2)
        finally:
            finish(proc, signal.SIGINT, collect=False)
    snapshot, thin = received[0], received[1]
    assert json.loads(snapshot.body)["type"] == "billing.meter.created"
    client = stripe.StripeClient("sk_test_fake123")
    notification = client.parse_event_notification(thin.body.decode("utf-8"), thin.headers["stripe-signature"], secret)
    assert notification.type == "v1.billing.meter.error_report_triggered"
    assert notification.related_object.id == json.loads(snapshot.body)["data"]["object"]["id"]


def test_listen_leaves_thin_events_out_unless_named(cli, local_env):
    with Receiver() as receiver:
        proc, lines = start_listen(local_env, "--forward-to", f"{receiver.url}/hook")
        try:
            result = cli("trigger", "v1.billing.meter.error_report_triggered", "--local")
            assert result.exit_code == 0, result.stderr
            later = cli("customers", "create", "--email", "later@example.com", "--local")
            assert later.exit_code == 0, later.stderr
            receiver.wait_for(2)  # events go in the order recorded: the thin one was passed over
        finally:
            finish(proc, signal.SIGINT, collect=False)
    assert [json.loads(r.body)["type"] for r in receiver.received] == ["billing.meter.created", "customer.created"]
