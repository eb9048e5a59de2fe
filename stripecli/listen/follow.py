"""The loop of ``listen``: take new events from a source, pick each one's route, forward it, report.

An event is "done" (and the resume point moves past it) only once its target answered, so
stopping (Ctrl-C, SIGTERM) while a target is down leaves that event to the next run. A POST in
flight is finished before stopping: nothing is half-sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

from stripecli.listen.forward import Forwarder, Outcome
from stripecli.listen.routes import Route, route_for, wanted
from stripecli.listen.sources import Item


@dataclass
class Plan:
    routes: list[Route] = field(default_factory=list)
    connect_routes: list[Route] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def forwards(self) -> bool:
        return bool(self.routes or self.connect_routes)


def event_line(event: dict[str, Any], route: Route | None, outcome: Outcome | None, forwards: bool,
               resent: bool = False) -> str:
    """``2026-01-02 10:00:00  invoice.paid  evt_123  -> http://localhost:4242/webhook 200 (12 ms)``"""
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    head = f"{when}  {event.get('type')}  {event.get('id')}" + ("  (resent)" if resent else "")
    if not forwards:
        return head
    if route is None or outcome is None:
        return f"{head}  (no route matches)"
    status = str(outcome.status) if outcome.status is not None else f"not delivered ({outcome.error})"
    tries = f", {outcome.attempts} attempts" if outcome.attempts > 1 else ""
    return f"{head}  -> {route.url} {status} ({outcome.seconds * 1000:.0f} ms{tries})"


class Follower:
    def __init__(self, source: Any, plan: Plan, forwarder: Forwarder, *, stderr: TextIO, stdout: TextIO | None = None,
                 stop: threading.Event | None = None, commit: Callable[[Item], None] | None = None,
                 on_error: Callable[[Exception], float] | None = None) -> None:
        self.source = source
        self.plan = plan
        self.forwarder = forwarder
        self.stderr = stderr
        self.stdout = stdout
        self.stop = stop or forwarder.stop
        self.commit = commit
        self.on_error = on_error
        self.forwarded = 0

    def handle(self, item: Item) -> bool:
        """Forward one event; False when stopped before its target answered (not done)."""
        event = item.event
        if not wanted(str(event.get("type", "")), self.plan.events):
            return True
        route = route_for(event, self.plan.routes, self.plan.connect_routes) if self.plan.forwards else None
        outcome = self.forwarder.deliver(item.payload, route.url) if route is not None else None
        if outcome is not None and outcome.status is None:
            return False
        self.stderr.write(event_line(event, route, outcome, self.plan.forwards, item.resent) + "\n")
        self.stderr.flush()
        if self.stdout is not None:
            self.stdout.write(json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n")
            self.stdout.flush()
        self.forwarded += 1
        return True

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                items = self.source.poll()
            except Exception as exc:  # noqa: BLE001 - a failed poll is reported and retried by on_error
                if self.on_error is None:
                    raise
                if self.stop.wait(self.on_error(exc)):
                    return
                continue
            for item in items:
                if self.stop.is_set() or not self.handle(item):
                    return
                self.source.done(item)
                if self.commit is not None:
                    self.commit(item)
            if not items and self.stop.wait(getattr(self.source, "interval", 1.0)):
                return
