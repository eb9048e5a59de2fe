"""A webhook receiver on loopback for the delivery tests: records every POST (headers and body) and
answers the statuses it is told to, in turn (then 200), optionally after a delay."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.statuses = list(statuses or [])
        self.delay = delay
        self.received: list[dict[str, Any]] = []  # every request, answered or not
        self.lock = threading.Lock()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    entry = {"headers": dict(self.headers), "body": body, "status": status, "path": self.path}
                    receiver.received.append(entry)
                if receiver.delay:
                    receiver.release.wait(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                reply = json.dumps({"received": status < 300}).encode()
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/webhooks" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, statuses: list[int]) -> None:
        with self.lock:
            self.statuses = list(statuses)

    def events(self, *, answered_ok: bool = False) -> list[dict[str, Any]]:
        """The events received, in order (only those answered 2xx with ``answered_ok``)."""
        with self.lock:
            entries = list(self.received)
        return [json.loads(e["body"]) for e in entries if not answered_ok or e["status"] < 300]

    def entries(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.received)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
