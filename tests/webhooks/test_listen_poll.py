"""``listen`` on a real account: polling ``GET /v1/events`` (tested against a recording server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import parse_qs

import pytest

from stripecli.api.client import ClientConfig, StripeClient
from stripecli.listen.sources import ApiPoller
from tests.fakeserver import FakeServer, Reply, stripe_error
from tests.webhooks.receiver import Lines, Receiver, finish, free_port


class EventsServer:
    """Serves ``GET /v1/events`` from a list like Stripe: newest first, ``created[gte]``,
    ``starting_after``, pages of at most ``page_size``; ``throttle`` queues 429s."""

    def __init__(self, page_size: int = 2) -> None:
        self.events: list[dict] = []
        self.page_size = page_size
        self.throttle = 0
        self.fake = FakeServer().start()
        self.fake.handler = self.reply

    def add(self, n: int, created: int, type: str = "customer.created") -> dict:
        event = {"id": f"evt_{n:04d}", "object": "event", "type": type, "created": created, "livemode": False,
                 "api_version": "2026-10-28.endive", "data": {"object": {"id": f"cus_{n}", "object": "customer"}},
                 "pending_webhooks": 0, "request": {"id": None, "idempotency_key": None}}
        self.events.append(event)
        return event

    def reply(self, recorded) -> Reply:
        if self.throttle:
            self.throttle -= 1
            return Reply(429, json=stripe_error("invalid_request_error", "Too many requests", code="rate_limit"))
        q = parse_qs(recorded.query_string)
        limit = min(int(q.get("limit", ["10"])[0]), self.page_size)
        listed = sorted(self.events, key=lambda e: (e["created"], e["id"]), reverse=True)
        if "created[gte]" in q:
            listed = [e for e in listed if e["created"] >= int(q["created[gte]"][0])]
        if "starting_after" in q:
            ids = [e["id"] for e in listed]
            listed = listed[ids.index(q["starting_after"][0]) + 1:]
        page = listed[:limit]
        return Reply(200, json={"object": "list", "url": "/v1/events", "data": page, "has_more": len(listed) > limit})

    def stop(self) -> None:
        self.fake.stop()


@pytest.fixture
def events_server():
    server = EventsServer()
    yield server
    server.stop()


def poller(server: EventsServer) -> ApiPoller:
    client = StripeClient(ClientConfig(api_key="sk_test_fake123", api_base=server.fake.url, max_retries=0))
    return ApiPoller(client, interval=1.0)


def test_forwards_only_new_events_oldest_first_each_once(events_server):
    now = int(time.time())
    for n in range(3):
        events_server.add(n, now - 100 + n)
    p = poller(events_server)
    p.start()
    assert p.poll() == []
    a = events_server.add(10, now)
    b = events_server.add(11, now)  # same second
    c = events_server.add(12, now + 1)
    assert [i.event["id"] for i in p.poll()] == [a["id"], b["id"], c["id"]]
    assert p.poll() == []
    late = events_server.add(13, now - 3)  # visible late, older than the watermark but inside the lookback
    assert [i.event["id"] for i in p.poll()] == [late["id"]]
    assert p.poll() == []
    gets = [r for r in events_server.fake.requests if r.path == "/v1/events"]
    assert all("created[gte]" in r.query for r in gets[1:])
    assert any("starting_after" in r.query for r in gets), "pages of 2 must be followed"
    assert all(r.header("Authorization") == "Bearer sk_test_fake123" for r in gets)


def test_429_backs_off_then_recovers(events_server):
    now = int(time.time())
    events_server.add(1, now - 50)
    p = poller(events_server)
    delays = []
    p.on_rate_limited = delays.append
    p.start()
    events_server.throttle = 2
    assert p.poll() == [] and p.interval == 2.0
    assert p.poll() == [] and p.interval == 4.0
    assert delays == [2.0, 4.0]
    new = events_server.add(2, now)
    assert [i.event["id"] for i in p.poll()] == [new["id"]]
    assert p.interval == 1.0


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "STRIPECLI_"))}
    env.update(STRIPECLI_CONFIG_DIR=str(tmp_path / "config"), STRIPECLI_DATA_DIR=str(tmp_path / "data"),
               STRIPE_API_KEY="sk_test_fake123", PYTHONUNBUFFERED="1")
    return env


def test_listen_subprocess_polls_forwards_signed_and_retries_a_down_target(events_server, tmp_path):
    env = _env(tmp_path)
    cmd = [sys.executable, "-m", "stripecli", "listen", "--api-base", events_server.fake.url, "--poll-interval", "0.5"]
    secret = subprocess.run(cmd + ["--print-secret"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert secret.startswith("whsec_")
    port = free_port()  # nothing listens here yet: the target is down
    now = int(time.time())
    events_server.add(1, now - 30)  # exists before listen starts: not forwarded
    proc = subprocess.Popen(cmd + ["--forward-to", f"http://127.0.0.1:{port}/hook", "--format", "json",
                                   "--events", "customer.*,invoice.paid"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = Lines(proc.stdout), Lines(proc.stderr)
    try:
        assert stderr.wait_for("Ready!")
        events_server.add(2, now)
        events_server.add(3, now, type="charge.succeeded")  # filtered out by --events
        events_server.add(4, now + 1, type="invoice.paid")
        assert stderr.wait_for("is down (connection refused"), stderr.text()
        with Receiver(port) as receiver:
            got = receiver.wait_for(2)
            assert stderr.wait_for("evt_0004")
            events = receiver.events(secret)
            assert [e.id for e in events] == ["evt_0002", "evt_0004"]
            assert all(r.path == "/hook" for r in got)
            finish(proc, signal.SIGINT, collect=False)
    finally:
        finish(proc, collect=False)
    out, err = stdout.text(), stderr.text()
    assert proc.returncode == 130, err
    assert f"Your webhook signing secret is {secret}" in err
    assert "is down (connection refused" in err and "retrying in" in err
    lines = [line for line in err.splitlines() if " evt_" in line]
    assert len(lines) == 2
    assert "customer.created  evt_0002  -> http://127.0.0.1:%d/hook 200" % port in lines[0]
    assert "invoice.paid  evt_0004  -> " in lines[1] and " 200 (" in lines[1]
    import json

    assert [json.loads(line)["id"] for line in out.splitlines()] == ["evt_0002", "evt_0004"]
    assert "stopped after 2 events" in err
