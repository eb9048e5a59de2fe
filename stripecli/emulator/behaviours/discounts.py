"""Discounts on subscriptions: ``discounts[n][coupon]`` (or ``[promotion_code]``) on a subscription's
create or update makes a ``discount`` (``di_``) under it, listed in ``subscription.discounts``;
``DELETE /v1/subscriptions/{id}/discount`` removes it. A coupon's ``duration`` sets the discount's
``end`` (``once``: the first period; ``repeating``: ``duration_in_months``; ``forever``: none).
An update that switches a subscription from one coupon to another changes the discount it
replaces in place (``customer.discount.updated``, as Stripe sends when a customer is switched from
one coupon to another); discounts left over are deleted, extra ones created.
The emulator does not take discounts off invoice amounts (see docs/emulator.md)."""

from __future__ import annotations

from typing import Any

from stripecli import calendar
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context


def _coupon(ctx: Context, spec: dict[str, Any], path: str) -> tuple[dict[str, Any], str | None]:
    if spec.get("promotion_code"):
        code = ctx.load(spec["promotion_code"], ("promotion_code",), param="%s[promotion_code]" % path)
        coupon = code.get("coupon") or (code.get("promotion") or {}).get("coupon")
        coupon_id = coupon.get("id") if isinstance(coupon, dict) else coupon
        return ctx.load(coupon_id or "", ("coupon",), param="%s[promotion_code]" % path), code["id"]
    return ctx.load(spec.get("coupon") or "", ("coupon",), param="%s[coupon]" % path), None


def _apply(ctx: Context, sub: dict[str, Any], specs: list[dict[str, Any]],
           replaced: list[dict[str, Any]] | None = None) -> list[str]:
    """The discount ids for ``specs``; a new coupon takes over one of ``replaced`` (switched in
    place) while there are any, the rest are made."""
    start = ctx.time_for(sub)
    made = []
    replaced = list(replaced or [])
    for i, spec in enumerate(specs or []):
        if spec.get("discount"):
            made.append(spec["discount"])
            continue
        if not spec.get("coupon") and not spec.get("promotion_code"):
            continue
        coupon, code = _coupon(ctx, spec, "discounts[%d]" % i)
        duration = coupon.get("duration") or "once"
        end = None
        if duration == "repeating":
            end = calendar.add_interval(start, "month", int(coupon.get("duration_in_months") or 1))
        elif duration == "once":
            end = (sub.get("_period") or [start, None])[1]
        fields = {"customer": sub.get("customer"), "subscription": sub["id"], "start": start, "end": end,
                  "promotion_code": code, "invoice": None, "invoice_item": None, "subscription_item": None,
                  "checkout_session": None, "source": {"type": "coupon", "coupon": coupon["id"]}}
        if replaced:
            discount = replaced.pop(0)
            discount.update(fields)
            ctx.save(discount)
        else:
            discount = ctx.create("discount", fields, parent=sub["id"], created=start)
        made.append(discount["id"])
    for discount in replaced:
        ctx.delete(discount["id"])
    return made


@registry.hook("after_create", "subscription")
def _discounts_on_create(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("discounts"):
        sub["discounts"] = _apply(ctx, sub, params["discounts"])
        ctx.save(sub)


@registry.hook("before_update", "subscription")
def _discounts_on_update(ctx: Context, sub: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if "discounts" not in params:
        return set()
    kept = [d.get("discount") for d in params.get("discounts") or [] if isinstance(d, dict)]
    replaced = [row.data for row in ctx.store.children(sub["id"], ["discount"]) if row.id not in kept]
    sub["discounts"] = _apply(ctx, sub, params.get("discounts") or [], replaced)
    return {"discounts"}


@registry.hook("render", "subscription")
def _render_discounts(ctx: Context, sub: dict[str, Any]) -> dict[str, Any]:
    """``discounts`` names the discounts that still exist (one deleted through ``/discount`` goes)."""
    if not sub.get("discounts"):
        return sub
    present = {row.id for row in ctx.store.children(sub["id"], ["discount"])}
    return dict(sub, discounts=[d for d in sub["discounts"] if d in present])
