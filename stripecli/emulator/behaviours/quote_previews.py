"""A quote's preview invoices: the invoice accepting the quote would make, computed from its line
items each time it is asked for (never stored), as ``/v1/quotes/{quote}/preview_invoices`` lists
it and ``/v1/quotes/{quote}/preview_invoices/{preview_invoice}/lines`` lists its lines.

There is one preview, with a stable id per quote (``upcoming_in_...``): every line item of the
quote becomes an invoice line (``il_tmp_...``) of its price times its quantity; a recurring price's
line covers its first period from the quote's time (its customer's test clock, if any), a one-time
price's line the instant. ``billing_reason`` is ``quote_accept``, ``subscription`` the one the quote
made once accepted.
"""

from __future__ import annotations

import hashlib
from typing import Any

from stripecli.calendar import add_interval
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import no_such


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:24]


def _lines(ctx: Context, quote: dict[str, Any], invoice_id: str, at: int) -> list[dict[str, Any]]:
    rows = ctx.store.children(quote["id"], ["item"])
    lines = []
    for row in sorted(rows, key=lambda r: -int(r.data.get("created") or 0)):  # in the order the quote gave them
        item = row.data
        price = item.get("price") or {}
        recurring = price.get("recurring") or {}
        end = add_interval(at, recurring["interval"], recurring.get("interval_count") or 1) if recurring else at
        amount = int(item.get("amount_total") or 0)
        lines.append(ctx.build("line_item", {
            "amount": amount, "currency": item.get("currency"), "description": item.get("description"),
            "invoice": invoice_id, "period": {"start": at, "end": end}, "quantity": item.get("quantity"),
            "subscription": quote.get("subscription"), "subtotal": amount, "discountable": True,
            "pricing": {"type": "price_details", "price_details": {"price": price.get("id"), "product": price.get("product")},
                        "unit_amount_decimal": price.get("unit_amount_decimal")},
        }, object_id="il_tmp_" + _digest(quote["id"], item["id"]), created=at))
    return lines


def _preview(ctx: Context, quote: dict[str, Any]) -> dict[str, Any]:
    at = ctx.time_for(quote)
    invoice_id = "upcoming_in_" + _digest(quote["id"])
    lines = _lines(ctx, quote, invoice_id, at)
    total = sum(int(line["amount"]) for line in lines)
    customer = ctx.find(quote.get("customer"), ("customer",)) or {}
    ends = [line["period"]["end"] for line in lines if line["period"]["end"] != at]
    invoice = ctx.build("quote_preview_invoice", {
        "amount_due": total, "amount_paid": 0, "amount_remaining": total, "billing_reason": "quote_accept",
        "collection_method": quote.get("collection_method") or "charge_automatically", "currency": quote.get("currency"),
        "customer_email": customer.get("email"), "customer_name": customer.get("name"), "status": "draft",
        "subscription": quote.get("subscription"), "subtotal": total, "subtotal_excluding_tax": total,
        "total": total, "total_excluding_tax": total, "period_start": at, "period_end": min(ends) if ends else at,
        "lines": {"object": "list", "data": lines[:10], "has_more": len(lines) > 10,
                  "url": "/v1/quotes/%s/preview_invoices/%s/lines" % (quote["id"], invoice_id)},
    }, object_id=invoice_id, created=at)
    invoice["customer"] = quote.get("customer")
    return invoice


def _quote(ctx: Context) -> dict[str, Any]:
    quote_id = ctx.values.get("quote") or ""
    return ctx.load(quote_id, ("quote",), param="quote")


@registry.catalogue("quote_preview_invoice")
def _preview_invoices(ctx: Context) -> list[dict[str, Any]]:
    return [_preview(ctx, _quote(ctx))]


@registry.catalogue("line_item")
def _preview_lines(ctx: Context) -> list[dict[str, Any]] | None:
    """The lines of a quote's preview invoice; ``None`` (the stored lines) for every other route
    answering invoice line items."""
    if "preview_invoice" not in ctx.values:
        return None
    preview = _preview(ctx, _quote(ctx))
    if ctx.values["preview_invoice"] != preview["id"]:
        raise no_such("preview invoice", ctx.values["preview_invoice"], param="preview_invoice")
    return _lines(ctx, _quote(ctx), preview["id"], ctx.time_for(_quote(ctx)))
