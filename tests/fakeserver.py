"""A scriptable, fault-injecting HTTP server on loopback for tests.

Runs a stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) in a thread. Each test scripts the
replies: statuses, JSON or raw bodies, headers, delays, and dropped connections (the socket is
closed without any response). Every request is recorded.

    with FakeServer() as server:
        server.push(Reply(500), Reply(200, json={"id": "cus_1"}))
        server.on("GET", "/v1/customers", Reply(200, json=page([...])))
        ...
        server.requests[0].header("Idempotency-Key")

Replies are chosen in this order: the queue of a matching ``on(method, path)`` route, then the
global ``push`` queue, then ``handler`` (a callable taking the ``Recorded`` request), then a 500
saying nothing was scripted. A route registered with ``repeat=True`` keeps serving its last reply.
"""

from __future__ import annotations

import json as _json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, parse_qsl, urlsplit

__all__ = ["FakeServer", "Reply", "Recorded", "stripe_error", "list_page", "search_page"]


@dataclass
class Reply:
    """One scripted response. ``drop=True`` closes the connection without answering."""

    status: int = 200
    json: Any = None
    body: bytes | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body.encode("utf-8") if isinstance(self.body, str) else self.body
        if self.json is not None:
            return _json.dumps(self.json).encode("utf-8")
        return b""


@dataclass
class Recorded:
    """A request as the server received it."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @property
    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lname:
                return value
        return None


def stripe_error(type: str = "invalid_request_error", message: str = "Bad thing", **fields: Any) -> dict:
    """Stripe's error envelope: ``{"error": {"type": ..., "message": ..., **fields}}``."""
    return {"error": {"type": type, "message": message, **fields}}


def list_page(data: list[dict], has_more: bool = False, url: str = "/v1/things") -> dict:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def search_page(data: list[dict], next_page: str | None = None, url: str = "/v1/things/search") -> dict:
    return {
        "object": "search_result",
        "data": data,
        "has_more": next_page is not None,
        "next_page": next_page,
        "url": url,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle and delayed ACKs
        # add ~40 ms to every response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query_string=parts.query,
            headers={k: v for k, v in self.headers.items()},
            body=body,
        )
        fake = self.server.fake
        reply = fake._next_reply(recorded)
        fake._record(recorded)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        payload = reply.payload()
        self.send_response(reply.status)
        names = {k.lower() for k in reply.headers}
        if "content-type" not in names and payload:
            self.send_header("Content-Type", "application/json" if reply.body is None else "text/plain")
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except OSError:  # the client gave up (a timeout test)
            self.close_connection = True

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: "FakeServer"


class FakeServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._routes: dict[tuple[str, str], tuple[deque[Reply], bool]] = {}
        self.handler: Callable[[Recorded], Reply] | None = None
        self.requests: list[Recorded] = []
        self._server = _Server((host, 0), _Handler)
        self._server.fake = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return "http://%s:%d" % (host, port)

    def start(self) -> "FakeServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> "FakeServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- scripting --------------------------------------------------------------------------

    def push(self, *replies: Reply) -> "FakeServer":
        """Queue replies for the next requests, whatever their path."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def on(self, method: str, path: str, *replies: Reply, repeat: bool = False) -> "FakeServer":
        """Queue replies for requests to ``method path`` (path without the query string)."""
        with self._lock:
            queue, _ = self._routes.get((method.upper(), path), (deque(), False))
            queue.extend(replies)
            self._routes[(method.upper(), path)] = (queue, repeat)
        return self

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._routes.clear()
            self.requests.clear()
            self.handler = None

    def _next_reply(self, recorded: Recorded) -> Reply:
        with self._lock:
            route = self._routes.get((recorded.method, recorded.path))
            if route is not None and route[0]:
                queue, repeat = route
                if repeat and len(queue) == 1:
                    return queue[0]
                return queue.popleft()
            if self._queue:
                return self._queue.popleft()
        if self.handler is not None:
            return self.handler(recorded)
        return Reply(
            500,
            json=stripe_error("api_error", "fakeserver: no reply scripted for %s %s" % (recorded.method, recorded.path)),
            headers={"Stripe-Should-Retry": "false"},
        )

    def _record(self, recorded: Recorded) -> None:
        with self._lock:
            self.requests.append(recorded)
