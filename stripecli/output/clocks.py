"""``test-clocks show``: a clock, its customers and their subscriptions."""

from __future__ import annotations

from typing import Any

from stripecli.output.env import Environment

ROW_FIELDS = ("customer", "email", "subscription", "status", "current_period_start", "current_period_end")


def _period(sub: dict, name: str) -> Any:
    if sub.get(name) is not None:
        return sub[name]
    items = ((sub.get("items") or {}).get("data")) or []
    return items[0].get(name) if items else None


def overview_rows(customers: list[dict]) -> list[dict]:
    """One row per subscription (a customer with none gets one row of its own)."""
    rows = []
    for customer in customers:
        subs = customer.get("subscriptions") or [None]
        for sub in subs:
            rows.append({
                "customer": customer.get("id"),
                "email": customer.get("email"),
                "subscription": sub.get("id") if sub else None,
                "status": sub.get("status") if sub else None,
                "current_period_start": _period(sub, "current_period_start") if sub else None,
                "current_period_end": _period(sub, "current_period_end") if sub else None,
            })
    return rows


def render_clock_overview(env: Environment, fmt: str, clock: dict, customers: list[dict]) -> None:
    from stripecli.output.cells import dump_json, dump_json_line
    from stripecli.output.render import Renderer

    rows = overview_rows(customers)
    if fmt == "json":
        env.stdout.write(dump_json({"test_clock": clock, "customers": customers}) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            env.stdout.write(dump_json_line({"test_clock": clock["id"], **row}) + "\n")
    elif fmt == "id":
        for customer in customers:
            env.stdout.write(f"{customer['id']}\n")
    elif fmt == "csv":
        Renderer(env, "csv", list(ROW_FIELDS), None).stream([rows])
    else:
        Renderer(env, "table", ["id", "name", "frozen_time", "status", "deletes_after"], "test_helpers.test_clock").stream([[clock]])
        if rows:
            env.stdout.write("\n")
            Renderer(env, "table", list(ROW_FIELDS), None).stream([rows])
        else:
            env.stdout.write("\nno customers on this clock\n")
    env.stdout.flush()
