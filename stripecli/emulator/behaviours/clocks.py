"""Test clocks, and the binding of objects to them.

- The binding (once, for every type): a new object whose schema has ``test_clock`` and whose
  customer is on a clock (or that names a clock itself) lives on that clock: ``test_clock`` is
  set and ``created`` is the clock's ``frozen_time``. It is a ``DEFAULT`` hook on ``"*"``, so it
  runs before any family's own ``before_create``.
- Create: ``status: ready``, ``deletes_after`` = created + 30 days.
- ``advance``: the target must be after ``frozen_time`` and at most two years ahead (400 on
  ``frozen_time``, and while advancing); the clock turns ``advancing`` and an advance is scheduled
  in the store. ``settle`` (called before every request, any process) finishes the advances whose
  delay (``STRIPECLI_EMULATOR_ADVANCE_SECONDS``) has passed: every ``on_clock_advance`` hook moves
  its family's objects to the target, then the clock is ``ready`` at the new ``frozen_time``. No
  background thread is needed. Events: ``test_helpers.test_clock.advancing`` when the advance
  starts, ``test_helpers.test_clock.ready`` when it is done.
- Delete: every object on the clock (any type with a ``test_clock`` field) goes too, with what was
  created under it.
"""

from __future__ import annotations

import time
from typing import Any

from stripecli import calendar
from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid

CLOCK = "test_helpers.test_clock"
TWO_YEARS_MONTHS = 24
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z, the last time a calendar date names
CLOCK_LIFETIME = 30 * 86400


@registry.hook("before_create", registry.ANY, order=registry.DEFAULT)
def bind_to_clock(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    """The test-clock binding: the object's clock (its own ``test_clock`` or its customer's) sets
    its ``test_clock`` and its ``created``."""
    if obj["object"] == CLOCK or "test_clock" not in schema.fields(obj["object"]):
        return
    clock = ctx.clock_of(obj)
    if clock is not None:
        obj["test_clock"] = clock["id"]
        obj["created"] = int(clock["frozen_time"])


@registry.hook("before_create", CLOCK)
def _clock_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    obj["frozen_time"] = int(params["frozen_time"])
    obj["status"] = "ready"
    obj["status_details"] = {"advancing": None}
    obj["deletes_after"] = obj["created"] + CLOCK_LIFETIME


@registry.action("advance", CLOCK)
def _clock_advance(ctx: Context, clock: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if clock.get("status") == "advancing":
        raise invalid("The test clock %s is already advancing; wait until its status is ready." % clock["id"],
                      param="frozen_time")
    current = int(clock["frozen_time"])
    target = int(params["frozen_time"])
    if target <= current:
        raise invalid("The test clock's frozen_time can only move forward: %d is not after its current frozen_time %d."
                      % (target, current), param="frozen_time")
    try:
        limit = calendar.add_months(current, TWO_YEARS_MONTHS)
    except (ValueError, OverflowError):  # two years on falls after 9999-12-31: the calendar's end is the limit
        limit = LAST_SECOND
    limit = min(limit, LAST_SECOND)
    if target > limit:
        raise invalid("A test clock cannot advance more than two years at a time: %d is after %d, two years from its "
                      "current frozen_time %d." % (target, limit, current), param="frozen_time")
    clock["status"] = "advancing"
    clock["status_details"] = {"advancing": {"target_frozen_time": target}}
    ctx.save(clock)
    ctx.emit(CLOCK + ".advancing", clock)
    ctx.store.schedule_advance(clock["id"], target, time.time() + max(0.0, ctx.advance_seconds))
    return clock


@registry.on_due
def settle(ctx: Context) -> None:
    """Finish every test-clock advance whose delay has passed (called before each request), each
    in its own write transaction."""
    if not ctx.store.has_advances() or not ctx.store.due_advances(time.time()):
        return
    ctx.automatic = True  # what follows is the emulator's doing: its events carry no request
    try:
        _finish_due(ctx)
    finally:
        ctx.automatic = False


def _finish_due(ctx: Context) -> None:
    with ctx.transaction():
        for clock_id, target in ctx.store.due_advances(time.time()):
            clock = ctx.find(clock_id, (CLOCK,))
            ctx.store.finish_advance(clock_id)
            if clock is None:
                continue
            for fn in registry.clock_hooks():
                fn(ctx, clock, int(target))
            clock["frozen_time"] = int(target)
            clock["status"] = "ready"
            clock["status_details"] = {"advancing": None}
            ctx.save(clock)
            ctx.emit(CLOCK + ".ready", clock)


@registry.hook("before_delete", CLOCK)
def _clock_delete(ctx: Context, clock: dict[str, Any]) -> None:
    on_clock = schema.types_with_field("test_clock")
    ids = [o["id"] for o in ctx.scan(on_clock, where={"test_clock": clock["id"]})]
    ctx.store.finish_advance(clock["id"])
    ctx.delete_tree(dict.fromkeys(ids))
