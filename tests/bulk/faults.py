"""Fault injection for bulk runs: a seeded share of requests answered with 500 or 429, or cut
off (before the request reaches the server, or after the server has acted on it)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

import httpx

from tests.fakeserver import Recorded, Reply, stripe_error


@dataclass
class Faults:
    """Which fault the next request gets: ``None``, ``"500"``, ``"429"``, ``"drop-before"`` or
    ``"drop-after"`` (the server has acted; the answer is lost)."""

    seed: int = 16
    rate_500: float = 0.04
    rate_429: float = 0.04
    rate_drop_before: float = 0.03
    rate_drop_after: float = 0.04
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        with self._lock:
            x = self._random.random()
            fault = None
            for name, rate in (("500", self.rate_500), ("429", self.rate_429),
                               ("drop-before", self.rate_drop_before), ("drop-after", self.rate_drop_after)):
                if x < rate:
                    fault = name
                    break
                x -= rate
            if fault:
                self.counts[fault] = self.counts.get(fault, 0) + 1
            return fault


class FaultyTransport(httpx.BaseTransport):
    """In-process: faults in front of another transport (the local emulator)."""

    def __init__(self, inner: httpx.BaseTransport, faults: Faults) -> None:
        self.inner = inner
        self.faults = faults

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.draw()
        if fault == "500":
            return httpx.Response(500, json=stripe_error("api_error", "injected"), request=request)
        if fault == "429":
            return httpx.Response(429, json=stripe_error("rate_limit_error", "injected"), request=request,
                                  headers={"Retry-After": "0"})
        if fault == "drop-before":
            raise httpx.ConnectError("injected: connection refused", request=request)
        response = self.inner.handle_request(request)
        if fault == "drop-after":
            raise httpx.RemoteProtocolError("injected: connection dropped after the server acted", request=request)
        return response


def forwarding_handler(upstream: str, faults: Faults, retry_after: str = "0"):
    """A ``FakeServer.handler`` in front of ``emulator serve`` at ``upstream``: faults, else the
    request forwarded and the emulator's answer returned (or dropped, for ``drop-after``)."""
    client = httpx.Client(base_url=upstream, timeout=30)

    def handle(recorded: Recorded) -> Reply:
        fault = faults.draw()
        if fault == "500":
            return Reply(500, json=stripe_error("api_error", "injected"))
        if fault == "429":
            return Reply(429, json=stripe_error("rate_limit_error", "injected"), headers={"Retry-After": retry_after})
        if fault == "drop-before":
            return Reply(drop=True)
        skip = {"host", "content-length", "connection", "accept-encoding"}
        headers = {k: v for k, v in recorded.headers.items() if k.lower() not in skip}
        url = recorded.path + ("?" + recorded.query_string if recorded.query_string else "")
        response = client.request(recorded.method, url, headers=headers, content=recorded.body)
        if fault == "drop-after":
            return Reply(drop=True)
        keep = {"request-id", "idempotency-key", "idempotent-replayed", "stripe-should-retry"}
        return Reply(response.status_code, body=response.content,
                     headers={"Content-Type": "application/json",
                              **{k: v for k, v in response.headers.items() if k.lower() in keep}})

    handle.client = client  # type: ignore[attr-defined]
    return handle
