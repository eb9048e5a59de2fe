"""Notices Stripe sends ahead of a moment in an object's life, on the object's own time:

- ``customer.subscription.trial_will_end``: three days before a trialing subscription's
  ``trial_end``;
- ``subscription_schedule.expiring``: seven days before a running schedule's last phase ends.

A notice is sent once, when the object's time crosses ``moment - lead``: on a clock advance
that passes it (before the renewals and phase changes of the same advance), or at once when the
object is created already inside the lead time (a two-day trial announces its end on creation,
as on Stripe). An object that is not on a test clock only gets the one at creation: the
emulator does not move real time forward by itself.
"""

from __future__ import annotations

from typing import Any, Callable

from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context

DAY = 86400


def _trial_end(sub: dict[str, Any]) -> int | None:
    return sub.get("trial_end") if sub.get("status") == "trialing" else None


def _schedule_end(schedule: dict[str, Any]) -> int | None:
    if schedule.get("status") not in ("not_started", "active") or not schedule.get("phases"):
        return None
    return schedule["phases"][-1].get("end_date")


# event -> (object type, seconds ahead, the moment it announces or None)
NOTICES: dict[str, tuple[str, int, Callable[[dict[str, Any]], int | None]]] = {
    "customer.subscription.trial_will_end": ("subscription", 3 * DAY, _trial_end),
    "subscription_schedule.expiring": ("subscription_schedule", 7 * DAY, _schedule_end),
}


@registry.on_clock_advance(order=registry.FAMILY - 2)  # before schedules and renewals move the objects on
def _notices_on_clock(ctx: Context, clock: dict[str, Any], target: int) -> None:
    current = int(clock["frozen_time"])
    due = []
    for event, (object_type, lead, moment_of) in NOTICES.items():
        for obj in ctx.scan(object_type, where={"test_clock": clock["id"]}):
            moment = moment_of(obj)
            if moment is not None and current < moment - lead <= target:
                due.append((moment - lead, event, obj))
    for _, event, obj in sorted(due, key=lambda entry: entry[0]):
        ctx.emit(event, obj)


def _on_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    now = ctx.time_for(obj)
    for event, (object_type, lead, moment_of) in NOTICES.items():
        if object_type != obj["object"]:
            continue
        moment = moment_of(ctx.find(obj["id"], (object_type,)) or obj)
        if moment is not None and moment - lead <= now < moment:
            ctx.emit(event, ctx.find(obj["id"], (object_type,)) or obj)


for _type in sorted({entry[0] for entry in NOTICES.values()}):
    registry.hook("after_create", _type, order=registry.LAST)(_on_create)
