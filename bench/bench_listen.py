"""Latency of ``stripecli listen --local``: from the write to the forwarded POST, next to the
emulator's own webhook delivery of the same events.

    python bench/bench_listen.py [--n 200] [--gap 0.02]

``emulator serve`` and ``listen --local`` run in subprocesses on one data directory. A webhook
endpoint makes ``serve``'s delivery worker POST every event to receiver B (the baseline, measured
in the same run); ``listen`` forwards the same events to receiver A. The bench creates N customers
one at a time over HTTP (``--gap`` seconds apart, so it measures latency, not a queue), takes the
time each create returned (the event is committed by then), and the time each receiver got the
``customer.created`` of that customer. It prints median, p90, p99 and max for both and their
ratio. Target: listen's p99 under 250 ms. Not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_test_fake123"


class Receiver:
    """Loopback POST receiver: the arrival time of each customer.created by customer id."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at = time.time()
                event = json.loads(body)
                if event.get("type") == "customer.created":
                    receiver.arrivals.setdefault(event["data"]["object"]["id"], at)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise SystemExit("timed out waiting for " + what)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(name: str, latencies: list[float]) -> str:
    ms = [v * 1000 for v in latencies]
    return "%-34s median %6.1f ms   p90 %6.1f ms   p99 %6.1f ms   max %6.1f ms   (%d events)" % (
        name, statistics.median(ms), percentile(ms, 90), percentile(ms, 99), max(ms), len(ms))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--gap", type=float, default=0.02)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-listen-") as tmp:
        env = dict(os.environ, STRIPECLI_DATA_DIR=os.path.join(tmp, "data"), STRIPECLI_CONFIG_DIR=os.path.join(tmp, "config"),
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), PYTHONUNBUFFERED="1")
        for name in ("STRIPE_API_KEY", "STRIPE_PROFILE", "STRIPE_API_BASE"):
            env.pop(name, None)
        log = Path(tmp) / "serve.log"
        serve = subprocess.Popen([sys.executable, "-m", "stripecli", "emulator", "serve", "--port", "0"],
                                 stdout=subprocess.DEVNULL, stderr=open(log, "wb"), env=env, cwd=str(ROOT))
        listen_receiver, worker_receiver = Receiver(), Receiver()
        listen = None
        try:
            base = ""

            def announced() -> bool:
                nonlocal base
                m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
                base = m.group(1) if m else ""
                return bool(base)

            wait_for(announced, 30, "emulator serve")
            api = httpx.Client(base_url=base, headers={"Authorization": "Bearer " + KEY}, timeout=30)
            api.post("/v1/webhook_endpoints", data={"url": worker_receiver.url, "enabled_events[]": "customer.created"})
            listen = subprocess.Popen([sys.executable, "-m", "stripecli", "listen", "--local", "--forward-to",
                                       listen_receiver.url, "--events", "customer.created"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=str(ROOT), text=True)
            assert listen.stderr is not None
            wait_for(lambda: "Ready!" in (listen.stderr.readline() or ""), 30, "listen")
            written: dict[str, float] = {}
            for i in range(args.n):
                customer = api.post("/v1/customers", data={"email": "bench%d@example.com" % i}).json()
                written[customer["id"]] = time.time()
                time.sleep(args.gap)
            wait_for(lambda: len(listen_receiver.arrivals) >= args.n and len(worker_receiver.arrivals) >= args.n, 120,
                     "every event at both receivers")
        finally:
            for proc in (listen, serve):
                if proc is not None and proc.poll() is None:
                    proc.send_signal(signal.SIGINT)
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
    via_listen = [listen_receiver.arrivals[c] - t for c, t in written.items()]
    via_worker = [worker_receiver.arrivals[c] - t for c, t in written.items()]
    print("write -> forwarded POST, %d customer.created events, %.0f ms apart" % (args.n, args.gap * 1000))
    print(summary("listen --local (this change)", via_listen))
    print(summary("emulator serve delivery (baseline)", via_worker))
    ratio = percentile(via_listen, 99) / percentile(via_worker, 99)
    print("listen p99 / baseline p99: %.2f   listen median / baseline median: %.2f   target: listen p99 < 250 ms: %s" % (
        ratio, statistics.median(via_listen) / statistics.median(via_worker),
        "met" if percentile(via_listen, 99) < 0.25 else "NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
