"""One event to one URL: a signed POST, retried with backoff while the target is down.

"Down" means the connection failed or timed out, or the answer was 429, 502, 503 or 504 (a
server restarting behind a proxy). Those attempts are retried (0.5 s, 1 s, 2 s ... at most 10 s
apart) until the target answers, and each failed attempt is reported, so an event is never dropped
silently; the follower does not move past an event before it is delivered. Any other answer
(2xx, or a 400 from a handler that rejected the signature) is the handler's answer: it is reported
and not retried, as a human re-running their handler would expect.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from stripecli.signing import sign_header

RETRY_STATUSES = frozenset({429, 502, 503, 504})
FIRST_DELAY = 0.5
MAX_DELAY = 10.0
USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks) stripecli-listen"


@dataclass
class Outcome:
    url: str
    status: int | None  # None: never reached (stopped while the target was down)
    seconds: float  # of the last attempt
    attempts: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def describe_error(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.ConnectError):
        return "connection refused" if "refused" in str(exc).lower() else "cannot connect"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return type(exc).__name__


class Forwarder:
    def __init__(self, secret: str, headers: list[tuple[str, str]] | None = None, *, timeout: float = 10.0,
                 stop: threading.Event | None = None,
                 on_retry: Callable[[str, str, float, int], None] | None = None) -> None:
        import httpx

        self.secret = secret
        self.headers = list(headers or [])
        self.stop = stop or threading.Event()
        self.on_retry = on_retry
        # trust_env=False: a proxy configured for the Stripe API must not capture localhost forwards
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), trust_env=False,
                                 follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def post(self, payload: bytes, url: str) -> tuple[int | None, float, str | None]:
        """One attempt: (status or None, seconds, error text)."""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Stripe-Signature": sign_header(payload, self.secret, int(time.time())),
        }
        for name, value in self.headers:
            headers[name] = value
        started = time.monotonic()
        try:
            response = self.http.post(url, content=payload, headers=headers)
        except Exception as exc:  # noqa: BLE001 - every transport failure means "down, retry"
            import httpx

            if not isinstance(exc, httpx.HTTPError):
                raise
            return None, time.monotonic() - started, describe_error(exc)
        response.read()
        return response.status_code, time.monotonic() - started, None

    def deliver(self, payload: bytes, url: str) -> Outcome:
        """POST until the target answers (or ``stop`` is set while waiting to retry)."""
        attempts = 0
        delay = FIRST_DELAY
        while True:
            attempts += 1
            status, seconds, error = self.post(payload, url)
            if status is not None and status not in RETRY_STATUSES:
                return Outcome(url, status, seconds, attempts)
            reason = error or f"HTTP {status}"
            if self.on_retry is not None:
                self.on_retry(url, reason, delay, attempts)
            if self.stop.wait(delay):
                return Outcome(url, None, seconds, attempts, reason)
            delay = min(delay * 2, MAX_DELAY)

    def __enter__(self) -> "Forwarder":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
