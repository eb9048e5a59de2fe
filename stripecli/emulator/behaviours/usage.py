"""Legacy usage records of metered subscription items, and the usage record summaries computed from
them (``POST /v1/subscription_items/{item}/usage_records``, ``GET .../usage_record_summaries``;
removed from the API in 2025-03-31.basil, still answered for the accounts that send an older
``Stripe-Version``).

A usage record's ``timestamp`` is a Unix time, ``now`` or left out (both: the account's current
time, the test clock's where one applies). ``action=increment`` (the default) adds its quantity to
what the item used at that timestamp, ``action=set`` replaces it.

Summaries are one per billing period of the item, newest first: the current period
(``current_period_start`` to ``current_period_end``), then each earlier period, a ``recurring``
interval at a time, back to the first one holding a usage record (never before the subscription
started). ``total_usage`` sums the usage at each timestamp of the period; ``invoice`` is the
subscription's invoice for that period (``period_start``/``period_end`` equal to it) once one exists.
"""

from __future__ import annotations

import hashlib
from typing import Any

from stripecli.calendar import add_interval
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid


@registry.hook("before_create", "usage_record")
def _usage_record(ctx: Context, record: dict[str, Any], params: dict[str, Any]) -> None:
    item_id = ctx.values.get("subscription_item") or ""
    item = ctx.load(item_id, ("subscription_item",), param="subscription_item", display="subscription_item")
    now = ctx.time_for(ctx.find(item.get("subscription"), ("subscription",)))
    record["created"] = now
    stamp = params.get("timestamp")
    if stamp in (None, "", "now"):
        stamp = now
    try:
        stamp = int(stamp)
    except (TypeError, ValueError):
        raise invalid("Invalid timestamp: must be an integer Unix timestamp or `now`.", param="timestamp")
    record["timestamp"] = stamp
    record["subscription_item"] = item_id
    record["_action"] = params.get("action") or "increment"


def _total(records: list[dict[str, Any]]) -> int:
    """Usage at each timestamp (``set`` replaces, ``increment`` adds), in the order they were made
    (``records`` come newest first)."""
    at: dict[int, int] = {}
    for rec in reversed(records):
        quantity = int(rec.get("quantity") or 0)
        stamp = int(rec["timestamp"])
        at[stamp] = quantity if rec.get("_action") == "set" else at.get(stamp, 0) + quantity
    return sum(at.values())


def _periods(ctx: Context, item: dict[str, Any], sub: dict[str, Any] | None, earliest: int | None) -> list[tuple[int, int]]:
    start = item.get("current_period_start") or (sub or {}).get("current_period_start") or item.get("created") or ctx.now
    end = item.get("current_period_end") or (sub or {}).get("current_period_end") or start
    recurring = (item.get("price") or {}).get("recurring") or {}
    interval, count = recurring.get("interval") or "month", recurring.get("interval_count") or 1
    began = (sub or {}).get("start_date") or item.get("created") or start
    periods = [(int(start), int(end))]
    while earliest is not None and earliest < periods[-1][0] and periods[-1][0] > began and len(periods) < 1000:
        later = periods[-1][0]
        periods.append((max(int(began), add_interval(later, interval, count, -1)), later))
    return periods


@registry.catalogue("usage_record_summary")
def _summaries(ctx: Context) -> list[dict[str, Any]]:
    item_id = ctx.values.get("subscription_item") or ""
    item = ctx.load(item_id, ("subscription_item",), param="subscription_item", display="subscription_item")
    sub = ctx.find(item.get("subscription"), ("subscription",))
    records = ctx.scan("usage_record", where={"subscription_item": item_id})
    earliest = min((int(r["timestamp"]) for r in records), default=None)
    invoices = ctx.scan("invoice", where={"subscription": sub["id"]}) if sub else []
    out = []
    for start, end in _periods(ctx, item, sub, earliest):
        inside = [r for r in records if start <= int(r["timestamp"]) < end]
        invoice = next((i["id"] for i in invoices if i.get("period_start") == start and i.get("period_end") == end), None)
        digest = hashlib.sha256(("%s/%d" % (item_id, start)).encode()).hexdigest()[:24]
        out.append({"id": "sis_" + digest, "object": "usage_record_summary", "invoice": invoice, "livemode": False,
                    "period": {"start": start, "end": end}, "subscription_item": item_id,
                    "total_usage": _total(inside)})
    return out
