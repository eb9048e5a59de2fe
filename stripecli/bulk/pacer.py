"""One rate limiter for every worker of a bulk run, slowed down by the API's 429s.

Every attempt (retries included) takes a slot from one schedule spaced ``1/rate`` apart, so N
workers together never exceed the rate. A 429 slows the whole run, not just the line that got it:

- every worker waits until the ``Retry-After`` the API gave (capped like the client's retries),
  or, without one, a pause of 0.5 s doubling with each 429 in a row (capped at 8 s);
- the rate halves (from the rate reached over the last second, when no rate was set), down to
  1 request per second, at most once a second: the 429s of one burst are one signal;
- each answer that is not a 429 gives back 2% of the rate, up to the configured one.

Default rates stay under Stripe's documented limits: 25 requests per second in test mode (a
sandbox's global limit) and, in both modes, 25 per second per endpoint unless Stripe raised it
for the account; a bulk run sends to one endpoint, so both default to 20. Against the local
emulator (``--local``, or an API base on a loopback address) there is no default rate.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any, Callable, Mapping

DEFAULT_RATES: dict[str, float | None] = {"test": 20.0, "live": 20.0, "local": None}
MIN_RATE = 1.0
PAUSE_START = 0.5
PAUSE_MAX = 8.0
RECOVERY = 0.02
WINDOW = 1.0  # seconds of attempts the reached rate is measured over


def default_rate(mode: str) -> float | None:
    """Requests per second for ``mode`` (``test``, ``live`` or ``local``); ``None``: no limit."""
    return DEFAULT_RATES[mode]


class Pacer:
    """Thread-safe. ``wait()`` before each attempt, ``observe(status, headers)`` after it (the
    API client does both when it is given the pacer; see ``ClientConfig.pacer``)."""

    def __init__(self, rate: float | None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = rate
        self.rate = rate
        self.throttled = 0          # 429s seen in this run
        self.lowest: float | None = None
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0
        self._paused_until = 0.0
        self._streak = 0
        self._cut_at = float("-inf")
        self._recent: deque[float] = deque()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until)
            if self.rate:
                start = max(start, self._next)
                self._next = start + 1.0 / self.rate
            self._recent.append(start)
            while self._recent and self._recent[0] < now - WINDOW:
                self._recent.popleft()
        if start > now:
            self._sleep(start - now)

    def observe(self, status: int | None, headers: Mapping[str, str] | Any) -> None:
        if status is None:
            return  # a transport error says nothing about the rate
        with self._lock:
            if status == 429:
                self._throttle(headers)
            else:
                self._streak = 0
                if self.rate is not None and (self.limit is None or self.rate < self.limit):
                    self.rate *= 1 + RECOVERY
                    if self.limit is not None:
                        self.rate = min(self.rate, self.limit)

    def _throttle(self, headers: Any) -> None:
        from stripecli.api.client import retry_after

        now = self._clock()
        self.throttled += 1
        self._streak += 1
        pause = retry_after(headers)
        if pause is None:
            pause = min(PAUSE_START * 2 ** (self._streak - 1), PAUSE_MAX)
        self._paused_until = max(self._paused_until, now + pause)
        self._next = max(self._next, self._paused_until)
        if now - self._cut_at < WINDOW:
            return  # the 429s of one burst are one signal: the rate is cut once per second at most
        self._cut_at = now
        if self.rate is None:  # no rate yet: start from the one reached over the last second
            recent = [t for t in self._recent if t >= now - WINDOW]
            span = max(min(WINDOW, now - recent[0]) if recent else WINDOW, 0.1)
            current = len(recent) / span
        else:
            current = self.rate
        self.rate = max(MIN_RATE, current / 2)
        self.lowest = self.rate if self.lowest is None else min(self.lowest, self.rate)
