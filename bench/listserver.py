"""A minimal Stripe-like list endpoint on loopback for the benchmarks.

    python bench/listserver.py --count 10000 --port 0   # prints "listening PORT" and serves

Serves GET /v1/billing/credit_balance_transactions with cursor pagination (limit,
starting_after, has_more) over N generated objects, newest first, with keep-alive. Both clients
under comparison talk to the same process.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def make_object(i: int) -> dict:
    return {
        "id": f"cbtxn_{i:08d}",
        "object": "billing.credit_balance_transaction",
        "created": 1700000000 + i,
        "credit": {"amount": {"monetary": {"currency": "usd", "value": 1000 + i}, "type": "monetary"},
                   "type": "credits_granted"},
        "credit_grant": "credgr_test_61R9ZkIkIzLSp0xze41L6nFOS1ekDTPE",
        "debit": None,
        "effective_at": 1700000000 + i,
        "livemode": False,
        "test_clock": None,
        "type": "credit",
    }


def serve(count: int, port: int) -> None:
    objects = [json.dumps(make_object(i), separators=(",", ":")) for i in range(count - 1, -1, -1)]
    position = {f"cbtxn_{i:08d}": count - 1 - i for i in range(count)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            # headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every response, and both clients would measure that
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):  # noqa: N802
            url = urlsplit(self.path)
            q = parse_qs(url.query)
            limit = min(100, max(1, int(q.get("limit", ["10"])[0])))
            start = 0
            if "starting_after" in q:
                start = position[q["starting_after"][0]] + 1
            page = objects[start:start + limit]
            body = ('{"object":"list","url":"%s","has_more":%s,"data":[%s]}' % (
                url.path, "true" if start + limit < count else "false", ",".join(page))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", "req_bench")
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    try:
        serve(a.count, a.port)
    except KeyboardInterrupt:
        sys.exit(0)
