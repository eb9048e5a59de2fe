"""Where ``listen`` gets events from.

``LocalStream`` follows the emulator's event stream: every event is recorded with a sequence
number in the same transaction as the write that caused it, and writes commit one at a time, so
reading "everything after the last sequence number seen" can never skip an event that commits
later with a smaller number. It polls the database (cheap: one indexed query) every 50 ms.

``ApiPoller`` is for a real account, where there is no stream without a login session: it polls
``GET /v1/events`` with the account's API key. Stripe lists events newest first and an event can
become visible a moment after a later one, so it asks for ``created >= watermark - LOOKBACK`` and
skips the ids it has already seen; ids older than the lookback window are forgotten. A 429 (after
the client's own retries) doubles the interval, up to a minute; a success brings it back.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Item:
    cursor: Any  # what to resume after once this event is forwarded
    event: dict[str, Any]
    payload: bytes  # the exact bytes forwarded (and signed)
    resent: bool = False  # asked for again by ``events resend`` (not a new event)


def encode(event: dict[str, Any]) -> bytes:
    return json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")


class LocalStream:
    """The emulator's events after a sequence number. ``read_after(seq, limit)`` gives
    ``[(seq, event), ...]`` in order; ``latest()`` the newest sequence number (0 when none).
    ``resends``, when given, is ``(latest, read_after)`` of the events asked for again
    (``events resend``) since this stream started."""

    interval = 0.05

    def __init__(self, read_after: Callable[[int, int], list[tuple[int, dict[str, Any]]]],
                 latest: Callable[[], int], start_after: int | None,
                 resends: tuple[Callable[[], int], Callable[[int], list[tuple[int, dict[str, Any]]]]] | None = None) -> None:
        self.read_after = read_after
        self.after = latest() if start_after is None else int(start_after)
        self.resends = resends
        self.resend_after = resends[0]() if resends else 0

    def poll(self) -> list[Item]:
        items = [Item(seq, event, encode(event)) for seq, event in self.read_after(self.after, 100)]
        if self.resends is not None:
            items += [Item(seq, event, encode(event), resent=True) for seq, event in self.resends[1](self.resend_after)]
        return items

    def done(self, item: Item) -> None:
        if item.resent:
            self.resend_after = int(item.cursor)
        else:
            self.after = int(item.cursor)


class ApiPoller:
    LOOKBACK = 10  # seconds of events asked for again on each poll
    MAX_INTERVAL = 60.0

    def __init__(self, client: Any, *, interval: float = 2.0, on_rate_limited: Callable[[float], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.base_interval = interval
        self.interval = interval
        self.on_rate_limited = on_rate_limited
        self.clock = clock
        self.watermark = 0
        self.seen: dict[str, int] = {}
        self.started = False

    def _list(self, since: int) -> list[dict[str, Any]]:
        from stripecli.api.request import ApiRequest

        events: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 100, "created": {"gte": since}}
        while True:
            page = self.client.send(ApiRequest("GET", "/v1/events", dict(params)))
            data = page.get("data") or []
            events.extend(data)
            if not page.get("has_more") or not data:
                return events
            params["starting_after"] = data[-1]["id"]

    def start(self) -> None:
        """Everything that exists now counts as seen: only new events are forwarded."""
        from stripecli.api.request import ApiRequest

        page = self.client.send(ApiRequest("GET", "/v1/events", {"limit": 1}))
        data = page.get("data") or []
        self.watermark = int(data[0]["created"]) if data else int(self.clock())
        for event in self._list(self.watermark - self.LOOKBACK):
            self.seen[event["id"]] = int(event.get("created", 0))
        self.started = True

    def poll(self) -> list[Item]:
        from stripecli.api.errors import RateLimitError

        if not self.started:
            self.start()
        try:
            listed = self._list(self.watermark - self.LOOKBACK)
        except RateLimitError:
            self.interval = min(self.interval * 2, self.MAX_INTERVAL)
            if self.on_rate_limited is not None:
                self.on_rate_limited(self.interval)
            return []
        self.interval = self.base_interval
        listed.reverse()  # oldest first; sorted() below keeps that order within a second
        new = [e for e in listed if e["id"] not in self.seen]
        new = sorted(new, key=lambda e: int(e.get("created", 0)))
        for event in new:
            self.seen[event["id"]] = int(event.get("created", 0))
            self.watermark = max(self.watermark, int(event.get("created", 0)))
        horizon = self.watermark - self.LOOKBACK
        self.seen = {k: v for k, v in self.seen.items() if v >= horizon}
        return [Item(event["id"], event, encode(event)) for event in new]

    def done(self, item: Item) -> None:
        pass
