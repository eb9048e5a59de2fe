"""A webhook receiver on loopback for tests: records each POST; ``verify`` checks every one with
stripe-python's ``stripe.Webhook.construct_event``, as a handler would."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when it arrived


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    def __init__(self, port: int = 0, status: Callable[[Received], int] | int = 200) -> None:
        self.received: list[Received] = []
        self.status = status
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                item = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length), time.time())
                with receiver.lock:
                    receiver.received.append(item)
                code = receiver.status(item) if callable(receiver.status) else receiver.status
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def events(self, secret: str) -> list[Any]:
        """Every POST verified with construct_event (raises on a bad signature), in arrival order."""
        import stripe

        with self.lock:
            items = list(self.received)
        return [stripe.Webhook.construct_event(r.body.decode("utf-8"), r.headers["stripe-signature"], secret)
                for r in items]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self.lock:
            return list(self.received)


def finish(proc: Any, sig: int | None = None, timeout: float = 20.0, collect: bool = True) -> tuple[str, str]:
    """Send ``sig`` (if any) to a subprocess, wait for it and (with ``collect``) read its output;
    kill it if it hangs. Without ``collect`` its streams are read elsewhere (``Lines``)."""
    try:
        if sig is not None and proc.poll() is None:
            proc.send_signal(sig)
        if collect:
            return proc.communicate(timeout=timeout)
        proc.wait(timeout=timeout)
        return "", ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class Lines:
    """Reads a subprocess stream line by line in a thread, so a test can wait for a line."""

    def __init__(self, stream: Any) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in list(self.lines)):
                return True
            time.sleep(0.02)
        return False

    def text(self) -> str:
        self.thread.join(timeout=10)
        return "".join(self.lines)
