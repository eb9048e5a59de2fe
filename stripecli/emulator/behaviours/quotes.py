"""Quotes: line items, computed amounts, acceptance, the PDF.

- ``line_items[n][price|price_data]`` and ``quantity`` become the quote's line items (``item``
  objects, ``li_``), listed by ``/v1/quotes/{quote}/line_items`` and
  ``/computed_upfront_line_items``; ``amount_subtotal`` / ``amount_total`` and ``computed`` (what
  is paid upfront, and the recurring amount with its interval) are computed from them, again on
  update.
- ``finalize`` numbers the quote (``QT-PREFIX-0001``); ``accept`` makes what the quote sells: a
  subscription to its recurring prices for the customer (its first invoice is charged as any
  subscription's), or, with one-time prices only, an invoice with those items, finalized and, when
  collected automatically, paid through the charging path. ``quote.subscription`` /
  ``quote.invoice`` point at it.
- ``GET /v1/quotes/{quote}/pdf`` is a real one-page PDF of the quote.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import line_item_price, make_object, require_state, set_path
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, invalid


def _set_items(ctx: Context, quote: dict[str, Any], specs: list[dict[str, Any]]) -> None:
    for row in ctx.store.children(quote["id"], ["item"]):
        ctx.delete(row.id)
    for i, spec in enumerate(specs):
        price = line_item_price(ctx, spec, "line_items[%d]" % i, quote.get("currency"))
        quantity = int(spec.get("quantity") or 1)
        amount = int(price.get("unit_amount") or 0) * quantity
        product = ctx.find(price.get("product"), ("product",)) or {}
        ctx.create("item", {
            "amount_discount": 0, "amount_subtotal": amount, "amount_tax": 0, "amount_total": amount,
            "currency": price.get("currency"), "description": product.get("name") or price["id"],
            "price": {k: v for k, v in price.items() if not k.startswith("_")}, "quantity": quantity,
            "discounts": [], "taxes": [],
        }, parent=quote["id"], created=quote["created"] + len(specs) - i)  # lists (newest first) keep the order given
        quote["currency"] = quote.get("currency") or price.get("currency")


def _items(ctx: Context, quote_id: str) -> list[dict[str, Any]]:
    return [row.data for row in ctx.store.children(quote_id, ["item"])]


def _compute(ctx: Context, quote: dict[str, Any]) -> None:
    items = _items(ctx, quote["id"])
    details = {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
    upfront = sum(int(i["amount_total"]) for i in items)
    recurring = [i for i in items if (i["price"] or {}).get("type") == "recurring"]
    quote.update(amount_subtotal=upfront, amount_total=upfront, total_details=dict(details))
    first = (recurring[0]["price"].get("recurring") or {}) if recurring else {}
    quote["computed"] = {
        "upfront": {"amount_subtotal": upfront, "amount_total": upfront, "total_details": dict(details),
                    "line_items": {"object": "list", "data": [], "has_more": bool(items),
                                   "url": "/v1/quotes/%s/computed_upfront_line_items" % quote["id"]}},
        "recurring": {"amount_subtotal": sum(int(i["amount_total"]) for i in recurring),
                      "amount_total": sum(int(i["amount_total"]) for i in recurring),
                      "interval": first.get("interval"), "interval_count": first.get("interval_count") or 1,
                      "total_details": dict(details)} if recurring else None,
    }


@registry.hook("before_create", "quote")
def _quote_create(ctx: Context, quote: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("customer"):
        ctx.load(params["customer"], ("customer",), param="customer")
    quote["line_items"] = None
    quote["status_transitions"] = {"accepted_at": None, "canceled_at": None, "finalized_at": None}
    quote["expires_at"] = quote.get("expires_at") or quote["created"] + 30 * 86400


@registry.hook("after_create", "quote")
def _quote_created(ctx: Context, quote: dict[str, Any], params: dict[str, Any]) -> None:
    _set_items(ctx, quote, params.get("line_items") or [])
    _compute(ctx, quote)
    ctx.save(quote)


@registry.hook("before_update", "quote")
def _quote_update(ctx: Context, quote: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if "line_items" not in params:
        return set()
    if quote.get("status") != "draft":
        raise invalid("Only a draft quote's line items can change; %s is %s." % (quote["id"], quote.get("status")),
                      param="line_items")
    _set_items(ctx, quote, params.get("line_items") or [])
    _compute(ctx, quote)
    return {"line_items"}


@registry.action("finalize", "quote")
def _finalize(ctx: Context, quote: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(quote, ("draft",), "finalize")
    if not _items(ctx, quote["id"]):
        raise invalid("A quote needs at least one line item to be finalized.", param="line_items")
    if not quote.get("customer"):
        raise invalid("A quote needs a customer to be finalized.", param="customer")
    customer = ctx.find(quote["customer"], ("customer",)) or {}
    if not quote.get("number"):
        count = len(ctx.scan("quote", where={"customer": quote["customer"]}))
        quote["number"] = "QT-%s-%04d" % (customer.get("invoice_prefix") or "EMU", count)
    quote["status"] = "open"
    set_path(quote, "status_transitions.finalized_at", ctx.time_for(quote))
    ctx.save(quote)
    ctx.emit("quote.finalized", quote)
    return quote


@registry.action("accept", "quote")
def _accept(ctx: Context, quote: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(quote, ("open",), "accept")
    items = _items(ctx, quote["id"])
    recurring = [i for i in items if (i["price"] or {}).get("type") == "recurring"]
    if recurring:
        sub = make_object(ctx, "subscription", {
            "customer": quote["customer"], "collection_method": quote.get("collection_method"),
            "items": [{"price": i["price"]["id"], "quantity": i["quantity"]} for i in recurring],
            "metadata": dict((quote.get("subscription_data") or {}).get("metadata") or {}),
        })
        quote["subscription"] = sub["id"]
    else:
        invoice = make_object(ctx, "invoice", {"customer": quote["customer"],
                                         "collection_method": quote.get("collection_method") or "charge_automatically",
                                         "description": quote.get("description")})
        for i in items:
            make_object(ctx, "invoiceitem", {"customer": quote["customer"], "invoice": invoice["id"],
                                       "price": i["price"]["id"], "quantity": i["quantity"]})
        invoice = ctx.find(invoice["id"], ("invoice",)) or invoice
        registry.action_for("finalize-invoice", "invoice")(ctx, invoice, {})
        if invoice.get("collection_method") == "charge_automatically" and invoice.get("status") == "open":
            try:
                registry.action_for("pay", "invoice")(ctx, invoice, {"_automatic": True})
            except EmulatorError as err:  # a declined card leaves the invoice open, the quote accepted
                if not err.keep_writes:
                    raise
        quote["invoice"] = invoice["id"]
    quote["status"] = "accepted"
    set_path(quote, "status_transitions.accepted_at", ctx.time_for(quote))
    ctx.save(quote)
    ctx.emit("quote.accepted", quote)
    return quote


def _money(amount: int, currency: str) -> str:
    return "%s %s.%02d" % ((currency or "usd").upper(), format(int(amount) // 100, ","), int(amount) % 100)


@registry.action("pdf", "quote")
def _pdf(ctx: Context, quote: dict[str, Any], params: dict[str, Any]) -> bytes:
    from stripecli.emulator.pdf import text_page

    if quote.get("status") == "draft":
        raise invalid("The PDF of a quote is available once it is finalized; %s is a draft." % quote["id"])
    customer = ctx.find(quote.get("customer"), ("customer",)) or {}
    day = _dt.datetime.fromtimestamp(int(quote["created"]), _dt.timezone.utc).strftime("%Y-%m-%d")
    expires = _dt.datetime.fromtimestamp(int(quote.get("expires_at") or quote["created"]),
                                         _dt.timezone.utc).strftime("%Y-%m-%d")
    lines: list[tuple[str, int]] = [("Quote %s" % (quote.get("number") or quote["id"]), 20),
                                    ("Date: %s    Expires: %s" % (day, expires), 11),
                                    ("For: %s" % (customer.get("name") or customer.get("email") or quote.get("customer")), 11),
                                    ("", 11)]
    if quote.get("description"):
        lines.append((str(quote["description"]), 11))
    for item in _items(ctx, quote["id"]):
        recurring = (item["price"] or {}).get("recurring") or {}
        per = " / %s" % recurring.get("interval") if recurring else ""
        lines.append(("%d x %s%s    %s" % (item["quantity"], item["description"], per,
                                           _money(item["amount_total"], item["currency"])), 11))
    lines += [("", 11), ("Total: %s" % _money(quote.get("amount_total") or 0, quote.get("currency") or "usd"), 13)]
    return text_page(lines, title="Quote %s" % (quote.get("number") or quote["id"]))
