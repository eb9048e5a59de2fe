"""Subscriptions, their items and schedules.

- Create (``customer``, ``items[n][price|plan|price_data]``, ``quantity``): subscription items
  (``si_``) with the price embedded and ``current_period_start/end``, ``status: active``, or
  ``trialing`` with ``trial_period_days`` or ``trial_end``; a first invoice (``subscription_create``,
  0 during a trial) as ``latest_invoice``, charged as ``payment_behavior`` says: a failed payment
  leaves it ``incomplete`` (``error_if_incomplete``: a 402, nothing created); a customer with no
  payment method is refused (400) unless ``default_incomplete``, which never charges the first
  invoice and starts ``incomplete``.
- On a clock advance past a period end (an ``on_clock_advance`` hook), a subscription renews:
  periods counted from the billing cycle anchor (``stripecli.calendar``), an invoice per period
  crossed, a trial ends into ``active``, ``cancel_at`` and ``cancel_at_period_end`` take effect;
  a renewal whose payment fails (a decline, no payment method) makes it ``past_due``.
- Update changes items, ``trial_end=now``, ``cancel_at``; ``DELETE`` cancels; ``pause``/``resume``.
- Deleting a customer cancels its subscriptions (a ``before_delete`` hook on ``customer``), and
  ``customer.subscriptions`` is filled in when expanded.
"""

from __future__ import annotations

from typing import Any

from stripecli import calendar
from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.catalog import fill_price
from stripecli.emulator.behaviours.common import initial, list_object, timestamp_param
from stripecli.emulator.behaviours.invoices import create_subscription_invoice
from stripecli.emulator.context import Context, merge_into
from stripecli.emulator.errors import invalid, missing_param, no_such

registry.initial_values({
    "subscription": {"collection_method": "charge_automatically", "cancel_at_period_end": False},
    "subscription_item": {"quantity": 1},
    "subscription_schedule": {"status": "not_started", "end_behavior": "release"},
})

registry.status_actions({
    ("subscription", "pause"): ({"status": "paused"}, ("active", "trialing", "past_due"), ()),
    ("subscription", "resume"): ({"status": "active"}, ("paused",), ()),
})

ENDED = ("canceled", "incomplete_expired")
# Stripe's event for a subscription that ends (it stays retrievable, with status canceled)
DELETED = "customer.subscription.deleted"


@registry.hook("before_delete", "customer")
def _cancel_with_customer(ctx: Context, customer: dict[str, Any]) -> None:
    now = ctx.time_for(customer)
    for sub in ctx.scan("subscription", where={"customer": customer["id"]}):
        if sub.get("status") not in ENDED:
            sub.update(status="canceled", canceled_at=now, ended_at=now)
            ctx.save(sub, event=DELETED)


@registry.includable("customer", "subscriptions")
def _customer_subscriptions(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    from stripecli.emulator import behaviours

    return list_object([behaviours.render(ctx, s) for s in ctx.scan("subscription", where={"customer": customer["id"]})
                        if s.get("status") != "canceled"], "/v1/customers/%s/subscriptions" % customer["id"])



def _p(path: str, name: str) -> str:
    """``items[0][price]`` for a param inside ``items[0]``, ``price`` at the top level."""
    if not path:
        return name
    head, _, rest = name.partition("[")
    return "%s[%s]%s" % (path, head, "[" + rest if rest else "")


def _price_of_item(ctx: Context, item: dict[str, Any], path: str, customer: dict[str, Any] | None) -> dict[str, Any]:
    if item.get("price"):
        price = ctx.load(item["price"], ("price",), param=_p(path, "price"))
    elif item.get("plan"):
        plan = ctx.load(item["plan"], ("plan",), param=_p(path, "plan"))
        price = _price_from_plan(plan)
    elif item.get("price_data"):
        data = dict(item["price_data"])
        price = ctx.build("price")
        initial(ctx, price)
        merge_into(price, {k: v for k, v in data.items() if schema.has_field("price", k)})
        ctx.load(price.get("product") or "", ("product",), param=_p(path, "price_data[product]"))
        fill_price(price)
        if price["type"] != "recurring":
            raise missing_param(_p(path, "price_data[recurring]"))
        ctx.insert(price)
    else:
        raise missing_param(_p(path, "price"))
    if price.get("type") != "recurring":
        raise invalid("The price specified is set to `type=one_time` but this field only accepts prices with "
                      "`type=recurring`.", param=_p(path, "price"))
    return price


def _price_from_plan(plan: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": plan["id"], "object": "price", "active": plan.get("active", True), "billing_scheme": "per_unit",
        "created": plan.get("created"), "currency": plan.get("currency"), "livemode": False,
        "lookup_key": None, "metadata": plan.get("metadata") or {}, "nickname": plan.get("nickname"),
        "product": plan.get("product"),
        "recurring": {"interval": plan.get("interval"), "interval_count": plan.get("interval_count") or 1,
                      "meter": plan.get("meter"), "trial_period_days": plan.get("trial_period_days"),
                      "usage_type": plan.get("usage_type") or "licensed"},
        "tax_behavior": "unspecified", "tiers_mode": None, "transform_quantity": None, "type": "recurring",
        "unit_amount": plan.get("amount"), "unit_amount_decimal": plan.get("amount_decimal"),
    }


def _interval(price: dict[str, Any]) -> tuple[str, int]:
    recurring = price.get("recurring") or {}
    return recurring.get("interval") or "month", int(recurring.get("interval_count") or 1)


def _items_of(ctx: Context, sub_id: str) -> list[dict[str, Any]]:
    return [row.data for row in reversed(ctx.store.children(sub_id, ["subscription_item"]))]


def _set_period(ctx: Context, sub: dict[str, Any], start: int, end: int, items: list[dict[str, Any]] | None = None) -> None:
    sub["_period"] = [start, end]
    if "current_period_start" in schema.fields("subscription"):
        sub["current_period_start"] = start
        sub["current_period_end"] = end
    for item in items if items is not None else _items_of(ctx, sub["id"]):
        item["current_period_start"] = start
        item["current_period_end"] = end
        ctx.save(item)


def _new_item(ctx: Context, sub: dict[str, Any], spec: dict[str, Any], price: dict[str, Any], created: int) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "price": price,
        "quantity": int(spec.get("quantity") or 1),
        "subscription": sub["id"],
        "metadata": spec.get("metadata") or {},
    }
    if spec.get("tax_rates"):
        fields["tax_rates"] = spec["tax_rates"]
    period = sub.get("_period") or [created, created]
    fields["current_period_start"], fields["current_period_end"] = period
    return ctx.create("subscription_item", fields, parent=sub["id"], created=created)


@registry.hook("before_create", "subscription")
def _subscription_create(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> None:
    if not params.get("customer"):
        raise missing_param("customer")
    customer = ctx.load(params["customer"], ("customer",), param="customer")
    clock = ctx.clock_of(customer)
    now = int(clock["frozen_time"]) if clock else ctx.now
    items = params.get("items") or []
    if not items:
        raise missing_param("items")
    prices = [_price_of_item(ctx, item, "items[%d]" % i, customer) for i, item in enumerate(items)]
    interval, count = _interval(prices[0])
    sub.update(created=now, start_date=now, test_clock=clock["id"] if clock else None,
               currency=prices[0].get("currency"), status="active", items=None)
    trial_end = timestamp_param(params.get("trial_end"), now)
    if trial_end is None and params.get("trial_period_days"):
        trial_end = now + int(params["trial_period_days"]) * 86400
    if trial_end is not None and trial_end > now:
        sub.update(status="trialing", trial_start=now, trial_end=trial_end)
        start, end = now, trial_end
    else:
        start, end = now, calendar.add_interval(now, interval, count)
    anchor = params.get("billing_cycle_anchor")
    sub["billing_cycle_anchor"] = int(anchor) if isinstance(anchor, int) else (trial_end if sub["status"] == "trialing" else now)
    if sub["billing_cycle_anchor"] > start and sub["status"] != "trialing":
        end = sub["billing_cycle_anchor"]
    if sub.get("collection_method") == "send_invoice" and sub.get("days_until_due") is None:
        sub["days_until_due"] = 30
    cancel_at = timestamp_param(params.get("cancel_at"), now)
    if cancel_at is not None:
        sub["cancel_at"] = cancel_at
    sub["_period"] = [start, end]
    sub["_pending_items"] = [(item, price) for item, price in zip(items, prices)]


@registry.hook("after_create", "subscription")
def _subscription_created(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> None:
    pending = sub.pop("_pending_items", [])
    behaviour = params.get("payment_behavior") or "allow_incomplete"
    items = [_new_item(ctx, sub, spec, price, sub["created"]) for spec, price in pending]
    start, end = sub["_period"]
    _set_period(ctx, sub, start, end, items)
    # payment_behavior applies to a subscription asked for directly (not one made by a quote, a
    # schedule or Checkout, whose first invoice is charged as any other)
    asked = ctx.route is not None and ctx.route.object == "subscription" and ctx.route.kind == "create"
    invoice = create_subscription_invoice(ctx, sub, items, "subscription_create", start, end, at=sub["created"],
                                          zero=sub["status"] == "trialing", payment_behavior=behaviour if asked else None)
    sub["latest_invoice"] = invoice["id"]
    ctx.save(sub)


@registry.hook("before_create", "subscription_item")
def _subscription_item_create(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> str:
    sub = ctx.load(params["subscription"], ("subscription",), param="subscription")
    if sub.get("status") in ("canceled", "incomplete_expired"):
        raise invalid("The subscription %s is canceled; items cannot be added to it." % sub["id"], param="subscription")
    customer = ctx.find(sub.get("customer"), ("customer",))
    item["price"] = _price_of_item(ctx, params, "", customer) if not params.get("price") else \
        _price_of_item(ctx, {"price": params["price"]}, "", customer)
    item["plan"] = None
    item["quantity"] = int(params.get("quantity") or 1)
    item["created"] = ctx.time_for(sub)
    start, end = sub.get("_period") or [item["created"], item["created"]]
    item["current_period_start"], item["current_period_end"] = start, end
    return sub["id"]


@registry.hook("before_update", "subscription_item")
def _subscription_item_update(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if params.get("price") or params.get("plan") or params.get("price_data"):
        item["price"] = _price_of_item(ctx, params, "", None)
        return {"price", "plan"}
    return set()


@registry.hook("render", "subscription")
def _render_subscription(ctx: Context, sub: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in sub.items() if not k.startswith("_")}
    items = _items_of(ctx, sub["id"])
    out["items"] = list_object(items, "/v1/subscription_items?subscription=%s" % sub["id"])
    return out


@registry.hook("before_update", "subscription")
def _subscription_update(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if sub.get("status") in ("canceled", "incomplete_expired"):
        raise invalid("A canceled subscription can only update its cancellation_details and metadata.")
    now = ctx.time_for(sub)
    customer = ctx.find(sub.get("customer"), ("customer",))
    for i, spec in enumerate(params.get("items") or []):
        path = "items[%d]" % i
        if spec.get("id"):
            item = ctx.load(spec["id"], ("subscription_item",), param="%s[id]" % path)
            if item.get("subscription") != sub["id"]:
                raise no_such("subscription_item", spec["id"], param="%s[id]" % path)
            if spec.get("deleted") is True:
                ctx.delete_tree([item["id"]])
                continue
            if spec.get("price") or spec.get("plan") or spec.get("price_data"):
                item["price"] = _price_of_item(ctx, spec, path, customer)
            if spec.get("quantity") is not None:
                item["quantity"] = int(spec["quantity"])
            if "metadata" in spec:
                merge_into(item, {"metadata": spec["metadata"]})
            ctx.save(item)
        else:
            price = _price_of_item(ctx, spec, path, customer)
            _new_item(ctx, sub, spec, price, now)
    if "trial_end" in params:
        trial_end = timestamp_param(params["trial_end"], now)
        if trial_end is not None and trial_end <= now and sub.get("status") == "trialing":
            items = _items_of(ctx, sub["id"])
            interval, count = _interval(items[0]["price"]) if items else ("month", 1)
            sub.update(status="active", trial_end=now, billing_cycle_anchor=now)
            end = calendar.add_interval(now, interval, count)
            _set_period(ctx, sub, now, end, items)
            invoice = create_subscription_invoice(ctx, sub, items, "subscription_update", now, end, at=now)
            sub["latest_invoice"] = invoice["id"]
        elif trial_end is not None:
            sub["trial_end"] = trial_end
            if sub.get("status") == "trialing":
                _set_period(ctx, sub, sub["_period"][0], trial_end)
    if "cancel_at" in params:
        value = params["cancel_at"]
        if value in ("max_period_end", "min_period_end", "max_billed_until"):
            sub["cancel_at"] = (sub.get("_period") or [now, now])[1]
        else:
            sub["cancel_at"] = timestamp_param(value, now)
    return {"items", "trial_end", "cancel_at"}


@registry.action("cancel", "subscription")
def _subscription_cancel(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if sub.get("status") in ("canceled", "incomplete_expired"):
        raise invalid("The subscription %s has already been canceled." % sub["id"])
    now = ctx.time_for(sub)
    sub.update(status="canceled", canceled_at=now, ended_at=now)
    details = {"comment": None, "feedback": None, "reason": "cancellation_requested"}
    details.update(params.get("cancellation_details") or {})
    if "cancellation_details" in schema.fields("subscription"):
        sub["cancellation_details"] = details
    ctx.save(sub, event=DELETED)
    return sub


@registry.hook("list", "subscription")
def _subscription_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    status = params.get("status")
    if status == "all":
        return {"status"}
    if status == "ended":
        where.append(("json_extract(data, '$.status') IN ('canceled', 'incomplete_expired')", ()))
        return {"status"}
    if not status:
        where.append(("json_extract(data, '$.status') != 'canceled'", ()))
    return set()


@registry.on_clock_advance
def _renew_on_clock(ctx: Context, clock: dict[str, Any], target: int) -> None:
    for sub in ctx.scan("subscription", where={"test_clock": clock["id"]}):
        roll_subscription(ctx, sub, target)


def roll_subscription(ctx: Context, sub: dict[str, Any], target: int) -> None:
    """Move a subscription on a test clock forward to ``target``: trials end, periods renew with
    an invoice each, cancellations at a date or at period end take effect."""
    if sub.get("status") not in ("active", "trialing", "past_due"):
        return
    items = _items_of(ctx, sub["id"])
    if not items:
        return
    interval, count = _interval(items[0]["price"])
    start, end = sub.get("_period") or [items[0]["current_period_start"], items[0]["current_period_end"]]
    changed = False
    for _ in range(10000):
        cancel_at = sub.get("cancel_at")
        if cancel_at and cancel_at <= target and cancel_at <= end:
            sub.update(status="canceled", canceled_at=cancel_at, ended_at=cancel_at)
            changed = True
            break
        if end > target:
            break
        if sub.get("cancel_at_period_end"):
            sub.update(status="canceled", canceled_at=end, ended_at=end)
            changed = True
            break
        if sub["status"] == "trialing":
            sub["status"] = "active"
            sub["billing_cycle_anchor"] = end
            reason = "subscription_cycle"
        else:
            reason = "subscription_cycle"
        new_start = end
        new_end = calendar.next_period_end(sub["billing_cycle_anchor"], interval, count, new_start)
        invoice = create_subscription_invoice(ctx, sub, items, reason, new_start, new_end, at=new_start,
                                              invoice_period=(start, new_start))
        sub["latest_invoice"] = invoice["id"]
        start, end = new_start, new_end
        changed = True
    if changed:
        _set_period(ctx, sub, start, end, items)
        ctx.save(sub, event=DELETED if sub["status"] == "canceled" else None)
