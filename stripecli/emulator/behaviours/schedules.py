"""Subscription schedules: phases that start, follow one another as the clock moves, and end.

- Create with ``customer``, ``start_date`` (a timestamp or ``now``; default now) and ``phases``
  (``items[n][price]``, ``quantity``; each phase lasts ``duration[interval|interval_count]`` or
  until ``end_date``; the last may be open-ended). Each phase gets its ``start_date`` and
  ``end_date``. A schedule whose start has come is ``active`` at once with its subscription
  (``schedule.subscription``, ``subscription.schedule``), made as any subscription is (its first
  invoice charged); a later start waits for the customer's test clock to pass it.
- When the clock passes a phase's end, the subscription is billed up to that moment and then
  switches to the next phase's items; after the last phase, ``end_behavior: release`` leaves the
  subscription running and ``cancel`` cancels it, and the schedule is ``completed``.
- ``release`` detaches the subscription (``released_subscription``); ``cancel`` cancels the
  schedule and its subscription; canceling the subscription itself aborts the schedule
  (``subscription_schedule.aborted``).
"""

from __future__ import annotations

from typing import Any

from stripecli import calendar
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import make_object, require_state, timestamp_param
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param


def _phases(ctx: Context, specs: list[dict[str, Any]], start: int) -> list[dict[str, Any]]:
    phases = []
    at = start
    for i, spec in enumerate(specs):
        items = spec.get("items") or []
        if not items:
            raise missing_param("phases[%d][items]" % i)
        for j, item in enumerate(items):
            ctx.load(item.get("price") or item.get("plan") or "", ("price", "plan"), param="phases[%d][items][%d][price]" % (i, j))
        duration = spec.get("duration") or {}
        if spec.get("end_date"):
            end = timestamp_param(spec["end_date"], at)
        elif duration:
            end = calendar.add_interval(at, duration.get("interval") or "month", int(duration.get("interval_count") or 1))
        else:
            end = None
        if end is None and i < len(specs) - 1:
            raise invalid("Every phase but the last needs an end_date or a duration.", param="phases[%d][duration]" % i)
        if end is not None and end <= at:
            raise invalid("A phase must end after it starts.", param="phases[%d][end_date]" % i)
        phases.append({
            "start_date": at, "end_date": end, "currency": spec.get("currency"), "metadata": spec.get("metadata") or {},
            "items": [{"price": item.get("price") or item.get("plan"), "quantity": int(item.get("quantity") or 1),
                       "metadata": item.get("metadata") or {}, "discounts": [], "tax_rates": [],
                       "billing_thresholds": None} for item in items],
            "proration_behavior": spec.get("proration_behavior") or "create_prorations",
            "collection_method": spec.get("collection_method"), "default_payment_method": spec.get("default_payment_method"),
            "discounts": [], "add_invoice_items": [], "application_fee_percent": None, "automatic_tax": None,
            "billing_cycle_anchor": None, "default_tax_rates": [], "description": None, "invoice_settings": None,
            "on_behalf_of": None, "transfer_data": None, "trial_end": None,
        })
        at = end if end is not None else at
    return phases


@registry.hook("before_create", "subscription_schedule")
def _schedule_create(ctx: Context, schedule: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("from_subscription"):
        raise invalid("Creating a schedule from an existing subscription is not modelled by the emulator; create it "
                      "with customer and phases.", param="from_subscription")
    if not params.get("customer"):
        raise missing_param("customer")
    customer = ctx.load(params["customer"], ("customer",), param="customer")
    clock = ctx.clock_of(customer)
    now = int(clock["frozen_time"]) if clock else ctx.now
    start = timestamp_param(params.get("start_date"), now) or now
    if not params.get("phases"):
        raise missing_param("phases")
    schedule.update(created=now, test_clock=clock["id"] if clock else None, status="not_started",
                    phases=_phases(ctx, params["phases"], start), subscription=None, current_phase=None,
                    end_behavior=params.get("end_behavior") or "release")
    schedule["_phase"] = -1
    schedule["_start"] = start


@registry.hook("after_create", "subscription_schedule")
def _schedule_created(ctx: Context, schedule: dict[str, Any], params: dict[str, Any]) -> None:
    clock = ctx.clock_of(schedule)
    now = int(clock["frozen_time"]) if clock else ctx.now
    if schedule["_start"] <= now:
        _start(ctx, schedule)
        ctx.save(schedule)


def _make_subscription(ctx: Context, schedule: dict[str, Any], phase: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"customer": schedule["customer"],
                              "items": [{"price": i["price"], "quantity": i["quantity"]} for i in phase["items"]]}
    for name in ("collection_method", "default_payment_method"):
        if phase.get(name):
            params[name] = phase[name]
    return make_object(ctx, "subscription", params)


def _start(ctx: Context, schedule: dict[str, Any]) -> None:
    phase = schedule["phases"][0]
    sub = _make_subscription(ctx, schedule, phase)
    sub = ctx.find(sub["id"], ("subscription",)) or sub
    sub["schedule"] = schedule["id"]
    ctx.save(sub)
    schedule.update(status="active", subscription=sub["id"], _phase=0,
                    current_phase={"start_date": phase["start_date"], "end_date": phase["end_date"]})


def _switch(ctx: Context, schedule: dict[str, Any], index: int) -> None:
    from stripecli.emulator import behaviours

    sub = ctx.find(schedule.get("subscription"), ("subscription",))
    phase = schedule["phases"][index]
    if sub is not None:
        old = [row.id for row in ctx.store.children(sub["id"], ["subscription_item"])]
        items = [{"id": item_id, "deleted": True} for item_id in old]
        items += [{"price": i["price"], "quantity": i["quantity"]} for i in phase["items"]]
        behaviours.before_update(ctx, sub, {"items": items})
        ctx.save(sub)
    schedule.update(_phase=index, current_phase={"start_date": phase["start_date"], "end_date": phase["end_date"]})


def _end(ctx: Context, schedule: dict[str, Any], at: int) -> None:
    sub = ctx.find(schedule.get("subscription"), ("subscription",))
    if sub is not None:
        if schedule.get("end_behavior") == "cancel":
            sub.update(status="canceled", canceled_at=at, ended_at=at)
            ctx.emit("customer.subscription.deleted", sub)
        sub["schedule"] = None
        ctx.save(sub)
    schedule.update(status="completed", completed_at=at, current_phase=None)


def _at(ctx: Context, clock: dict[str, Any], moment: int) -> None:
    """The clock's time as the objects made at ``moment`` see it (the advance sets the target last)."""
    ctx.save(dict(clock, frozen_time=moment))


@registry.on_clock_advance(order=registry.FAMILY - 1)  # before the renewals, which bill up to the target
def _schedules_on_clock(ctx: Context, clock: dict[str, Any], target: int) -> None:
    from stripecli.emulator.behaviours.subscriptions import roll_subscription

    for schedule in ctx.scan("subscription_schedule", where={"test_clock": clock["id"]}):
        changed = False
        if schedule.get("status") == "not_started" and schedule["_start"] <= target:
            _at(ctx, clock, schedule["_start"])
            _start(ctx, schedule)
            changed = True
        while schedule.get("status") == "active":
            end = (schedule.get("current_phase") or {}).get("end_date")
            if end is None or end > target:
                break
            sub = ctx.find(schedule.get("subscription"), ("subscription",))
            if sub is not None:  # bill what falls before the boundary; the boundary's renewal is the next phase's
                roll_subscription(ctx, sub, end - 1)
            _at(ctx, clock, end)
            if schedule["_phase"] + 1 < len(schedule["phases"]):
                _switch(ctx, schedule, schedule["_phase"] + 1)
            else:
                _end(ctx, schedule, end)
            changed = True
        if changed:
            ctx.save(schedule)


@registry.action("release", "subscription_schedule")
def _release(ctx: Context, schedule: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(schedule, ("not_started", "active"), "release")
    sub = ctx.find(schedule.get("subscription"), ("subscription",))
    if sub is not None:
        sub["schedule"] = None
        ctx.save(sub)
    schedule.update(status="released", released_at=ctx.time_for(schedule), released_subscription=schedule.get("subscription"),
                    subscription=None, current_phase=None)
    ctx.save(schedule)
    return schedule


@registry.action("cancel", "subscription_schedule")
def _cancel(ctx: Context, schedule: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(schedule, ("not_started", "active"), "cancel")
    at = ctx.time_for(schedule)
    sub = ctx.find(schedule.get("subscription"), ("subscription",))
    if sub is not None and sub.get("status") not in ("canceled", "incomplete_expired"):
        sub.update(status="canceled", canceled_at=at, ended_at=at)
        ctx.save(sub)
        ctx.emit("customer.subscription.deleted", sub)
    schedule.update(status="canceled", canceled_at=at, current_phase=None)
    ctx.save(schedule)
    return schedule


@registry.hook("after_action", "subscription")
def _abort_with_subscription(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> None:
    """A subscription canceled directly (not by its schedule) takes its schedule with it: Stripe
    cancels the schedule and sends ``subscription_schedule.aborted`` rather than ``.canceled``."""
    if sub.get("status") not in ("canceled", "incomplete_expired") or not sub.get("schedule"):
        return
    schedule = ctx.find(sub["schedule"], ("subscription_schedule",))
    if schedule is None or schedule.get("status") not in ("not_started", "active"):
        return
    schedule.update(status="canceled", canceled_at=sub.get("canceled_at") or ctx.time_for(schedule), current_phase=None)
    ctx.save(schedule, event="subscription_schedule.aborted")
