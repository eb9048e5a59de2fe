"""Invoices, invoice items, credit notes, and quotes' statuses (their items, amounts, acceptance
and PDF are the ``quotes`` family's).

- Totals from lines (from invoice items with ``invoice=``, or ``pending_invoice_items_behavior=
  include``); numbers ``PREFIX-0001`` from the customer; ``finalize`` (draft to open, or paid at 0),
  ``pay``, ``void``, ``mark_uncollectible``, ``send``, each from the states Stripe allows; only
  drafts can be deleted; ``/v1/invoices?subscription=``.
- ``create_subscription_invoice``: the invoice of a subscription period (used by the subscriptions
  family on create and on renewal), finalized and, when collected automatically, charged.
- ``pay`` charges the invoice's payment method; with none at all it answers Stripe's 400.
- Action events: ``invoice.finalized``, ``invoice.paid`` and ``invoice.payment_succeeded``,
  ``invoice.voided``, ``invoice.marked_uncollectible``, ``invoice.sent``.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import cards
from stripecli.emulator.behaviours import charges, registry
from stripecli.emulator.behaviours.common import initial, list_object, set_path
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, invalid

registry.initial_values({
    "invoice": {"status": "draft", "collection_method": "charge_automatically", "amount_due": 0, "amount_paid": 0,
                "amount_remaining": 0, "subtotal": 0, "total": 0, "subtotal_excluding_tax": 0,
                "total_excluding_tax": 0, "attempt_count": 0, "attempted": False, "auto_advance": False,
                "starting_balance": 0, "ending_balance": None},
    "invoiceitem": {"quantity": 1, "proration": False, "discountable": True},
    "quote": {"status": "draft", "collection_method": "charge_automatically"},
    "credit_note": {"status": "issued"},
    "invoice_rendering_template": {"status": "active"},
})

registry.status_actions({
    ("quote", "cancel"): ({"status": "canceled"}, ("draft", "open"), ("status_transitions.canceled_at",)),
    ("quote", "mark-draft"): ({"status": "draft"}, ("open", "stale"), ()),
    ("quote", "mark-stale"): ({"status": "stale"}, ("open",), ()),
    ("credit_note", "void-credit-note"): ({"status": "void"}, ("issued",), ("voided_at",)),
    ("invoice_rendering_template", "archive"): ({"status": "archived"}, None, ()),
    ("invoice_rendering_template", "unarchive"): ({"status": "active"}, None, ()),
})


def no_payment_method_error() -> EmulatorError:
    """The 400 Stripe answers when a payment is needed now and the customer has nothing to pay
    with (creating a subscription that starts with a payment, paying an invoice)."""
    return invalid("This customer has no attached payment source or default payment method. Please consider "
                   "adding a default payment method.", code="resource_missing")


def create_subscription_invoice(ctx: Context, sub: dict[str, Any], items: list[dict[str, Any]], reason: str,
                                start: int, end: int, *, at: int, zero: bool = False,
                                invoice_period: tuple[int, int] | None = None,
                                payment_behavior: str | None = None) -> dict[str, Any]:
    """The invoice of a subscription period, finalized and, when it is collected automatically,
    charged: paid, or the subscription ``incomplete`` (a first invoice) or ``past_due`` (a later
    one) when the attempt fails, a customer with no payment method included.
    ``payment_behavior`` is given for a subscription created by a request, as Stripe applies it
    to the first invoice: ``default_incomplete`` makes no attempt (the invoice stays open, the
    subscription ``incomplete``); a customer with nothing to pay with is answered Stripe's 400
    otherwise; ``error_if_incomplete`` answers a failed payment with its 402. Those answers write
    nothing."""
    customer = ctx.find(sub.get("customer"), ("customer",)) or {}
    period_start, period_end = invoice_period or (start, start)
    invoice = ctx.build("invoice", created=at)
    initial(ctx, invoice)
    invoice.update(
        customer=sub.get("customer"), currency=sub.get("currency"), billing_reason=reason,
        collection_method=sub.get("collection_method") or "charge_automatically",
        period_start=period_start, period_end=period_end, test_clock=sub.get("test_clock"),
        customer_email=customer.get("email"), customer_name=customer.get("name"),
        effective_at=at, auto_advance=False,
    )
    if "parent" in invoice:
        invoice["parent"] = {"quote_details": None, "type": "subscription_details",
                             "subscription_details": {"metadata": sub.get("metadata") or {}, "subscription": sub["id"],
                                                      "subscription_proration_date": None}}
    if invoice["collection_method"] == "send_invoice":
        invoice["due_date"] = at + int(sub.get("days_until_due") or 30) * 86400
    ctx.insert(invoice)
    for item in items:
        price = item["price"] or {}
        quantity = int(item.get("quantity") or 1)
        amount = 0 if zero else int(price.get("unit_amount") or 0) * quantity
        product = ctx.find(price.get("product"), ("product",)) or {}
        description = "%s%d × %s" % ("Trial period for " if zero else "", quantity, product.get("name") or price.get("id"))
        ctx.create("line_item", {
            "amount": amount, "currency": price.get("currency"), "description": description,
            "invoice": invoice["id"], "period": {"start": start, "end": end}, "quantity": quantity,
            "subscription": sub["id"], "subtotal": amount, "discountable": True,
            "parent": {"type": "subscription_item_details", "invoice_item_details": None,
                       "subscription_item_details": {"invoice_item": None, "proration": False,
                                                     "proration_details": {"credited_items": None},
                                                     "subscription": sub["id"], "subscription_item": item["id"]}},
            "pricing": {"type": "price_details", "price_details": {"price": price.get("id"), "product": price.get("product")},
                        "unit_amount_decimal": price.get("unit_amount_decimal")},
        }, parent=invoice["id"], created=at)
    _total(ctx, invoice)
    _finalize(ctx, invoice, at)
    if invoice["status"] != "paid" and invoice["amount_due"] == 0:
        _pay(ctx, invoice, at)
    elif invoice["status"] != "paid" and invoice["collection_method"] == "charge_automatically" and \
            payment_behavior == "default_incomplete":
        sub["status"] = "incomplete"
    elif invoice["status"] != "paid" and invoice["collection_method"] == "charge_automatically":
        _, declined = charges.collect_invoice(ctx, invoice, at, subscription=sub)
        if declined == charges.NO_PAYMENT_METHOD and payment_behavior:
            raise no_payment_method_error()
        if declined and payment_behavior == "error_if_incomplete":
            raise cards.authentication_error() if declined == charges.ACTION_REQUIRED else cards.card_error(declined)
        if declined is None:
            _pay(ctx, invoice, at)
        else:  # Stripe's default payment_behavior (allow_incomplete), and a renewal that failed
            sub["status"] = "incomplete" if reason == "subscription_create" else "past_due"
    ctx.save(invoice)
    return invoice


def _total(ctx: Context, invoice: dict[str, Any]) -> None:
    total = sum(int(line.get("amount") or 0) for line in ctx.scan("line_item", parent=invoice["id"]))
    paid = int(invoice.get("amount_paid") or 0)
    invoice.update(subtotal=total, subtotal_excluding_tax=total, total=total, total_excluding_tax=total,
                   amount_due=total, amount_remaining=max(0, total - paid))


def _finalize(ctx: Context, invoice: dict[str, Any], at: int) -> None:
    invoice["status"] = "open"
    set_path(invoice, "status_transitions.finalized_at", at)
    customer = ctx.find(invoice.get("customer"), ("customer",))
    if customer is not None and not invoice.get("number"):
        sequence = int(customer.get("next_invoice_sequence") or 1)
        invoice["number"] = "%s-%04d" % (customer.get("invoice_prefix") or "EMU", sequence)
        customer["next_invoice_sequence"] = sequence + 1
        ctx.save(customer)
    invoice["hosted_invoice_url"] = None
    ctx.emit("invoice.finalized", invoice)
    if invoice.get("amount_due") == 0 and invoice.get("collection_method") == "charge_automatically":
        _pay(ctx, invoice, at)


def _pay(ctx: Context, invoice: dict[str, Any], at: int) -> None:
    invoice.update(status="paid", amount_paid=invoice.get("amount_due") or 0, amount_remaining=0, attempted=True,
                   attempt_count=int(invoice.get("attempt_count") or 0) + (1 if invoice.get("amount_due") else 0))
    set_path(invoice, "status_transitions.paid_at", at)
    ctx.emit("invoice.paid", invoice)
    ctx.emit("invoice.payment_succeeded", invoice)


@registry.hook("before_create", "invoice")
def _invoice_create(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> None:
    customer = ctx.find(params.get("customer"), ("customer",))
    invoice.update(period_start=invoice["created"], period_end=invoice["created"], billing_reason="manual",
                   currency=invoice.get("currency") or (customer or {}).get("currency") or "usd",
                   customer_email=(customer or {}).get("email"), customer_name=(customer or {}).get("name"))
    if params.get("auto_advance") is None:
        invoice["auto_advance"] = False
    if invoice.get("collection_method") == "send_invoice" and not invoice.get("due_date"):
        invoice["due_date"] = invoice["created"] + int(params.get("days_until_due") or 30) * 86400


@registry.hook("after_create", "invoice")
def _invoice_created(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("pending_invoice_items_behavior") == "include" and invoice.get("customer"):
        for item in ctx.scan("invoiceitem", where={"customer": invoice["customer"]}):
            if not item.get("invoice"):
                _attach_invoice_item(ctx, invoice, item)
        _total(ctx, invoice)
        ctx.save(invoice)


@registry.hook("render", "invoice")
def _render_invoice(ctx: Context, invoice: dict[str, Any]) -> dict[str, Any]:
    lines = [row.data for row in reversed(ctx.store.children(invoice["id"], ["line_item"]))]
    return dict(invoice, lines=list_object(lines, "/v1/invoices/%s/lines" % invoice["id"]))


@registry.hook("preview", "invoice")
def _preview_invoice(ctx: Context, invoice: dict[str, Any]) -> dict[str, Any]:
    invoice["lines"] = list_object([], "/v1/invoices/upcoming/lines")
    return invoice


def _invoice_state(invoice: dict[str, Any], allowed: tuple[str, ...], verb: str) -> None:
    if invoice.get("status") not in allowed:
        raise invalid("You can only %s an invoice with a status of %s; %s is %s."
                      % (verb, " or ".join(allowed), invoice["id"], invoice.get("status")))


@registry.action("finalize-invoice", "invoice")
def _invoice_finalize(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("draft",), "finalize")
    if params.get("auto_advance") is not None:
        invoice["auto_advance"] = params["auto_advance"]
    _total(ctx, invoice)
    _finalize(ctx, invoice, ctx.time_for(invoice))
    ctx.save(invoice)
    return invoice


@registry.action("pay", "invoice")
def _invoice_pay(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("draft", "open", "uncollectible"), "pay")
    now = ctx.time_for(invoice)
    if invoice["status"] == "draft":
        _total(ctx, invoice)
        _finalize(ctx, invoice, now)
    if invoice["status"] != "paid":
        if params.get("paid_out_of_band"):
            invoice["amount_paid_off_stripe"] = int(invoice.get("amount_remaining") or 0)
        else:
            sub = _subscription_of(ctx, invoice)
            charge, declined = charges.collect_invoice(ctx, invoice, now, subscription=sub,
                                                       method_ref=params.get("payment_method") or params.get("source"))
            if declined == charges.ACTION_REQUIRED:
                ctx.save(invoice)
                raise charges.action_required_error(invoice, _waiting_intent(ctx, invoice))
            if declined == charges.NO_PAYMENT_METHOD:
                if not params.get("_automatic"):  # asked for now: Stripe's 400, nothing written
                    raise no_payment_method_error()
                ctx.save(invoice)  # Stripe's own attempt (an accepted quote's invoice) failed: it stays open
                return invoice
            if declined is not None:
                ctx.save(invoice)
                raise charges.decline_error(charge, declined)
        _pay(ctx, invoice, now)
        _reactivate(ctx, invoice)
    ctx.save(invoice)
    return invoice


def _waiting_intent(ctx: Context, invoice: dict[str, Any]) -> str | None:
    """The payment intent of the invoice's open payment (one that waits for the customer)."""
    for payment in ctx.scan("invoice_payment", parent=invoice["id"]):
        if payment.get("status") == "open":
            return (payment.get("payment") or {}).get("payment_intent")
    return None


@registry.hook("after_action", "payment_intent")
def _invoice_intent_confirmed(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    """An invoice's payment intent confirmed by the customer (3D Secure completed) pays the
    invoice: its ``invoice_payment`` is paid, the invoice too, a subscription waiting on it active."""
    if ctx.route is None or ctx.route.verb != "confirm" or intent.get("status") != "succeeded":
        return
    for payment in ctx.scan("invoice_payment", where={"payment.payment_intent": intent["id"]}):
        invoice = ctx.find(payment.get("invoice"), ("invoice",))
        if payment.get("status") != "open" or invoice is None or invoice.get("status") != "open":
            continue
        at = ctx.time_for(invoice)
        payment.update(status="paid", amount_paid=payment.get("amount_requested"))
        set_path(payment, "status_transitions.paid_at", at)
        ctx.save(payment)
        attempts = invoice.get("attempt_count")
        _pay(ctx, invoice, at)
        invoice["attempt_count"] = attempts  # the attempt that waited for the customer counted already
        _reactivate(ctx, invoice)
        ctx.save(invoice)


def _subscription_of(ctx: Context, invoice: dict[str, Any]) -> dict[str, Any] | None:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return ctx.find(details.get("subscription"), ("subscription",))


def _reactivate(ctx: Context, invoice: dict[str, Any]) -> None:
    """Paying the latest invoice of a ``past_due`` or ``incomplete`` subscription makes it active."""
    sub = _subscription_of(ctx, invoice)
    if sub is not None and sub.get("latest_invoice") == invoice["id"] and sub.get("status") in ("past_due", "incomplete"):
        sub["status"] = "active"
        ctx.save(sub)


@registry.action("void-invoice", "invoice")
def _invoice_void(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("open", "uncollectible"), "void")
    invoice["status"] = "void"
    set_path(invoice, "status_transitions.voided_at", ctx.time_for(invoice))
    ctx.save(invoice)
    ctx.emit("invoice.voided", invoice)
    return invoice


@registry.action("mark-uncollectible", "invoice")
def _invoice_uncollectible(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("open",), "mark uncollectible")
    invoice["status"] = "uncollectible"
    set_path(invoice, "status_transitions.marked_uncollectible_at", ctx.time_for(invoice))
    ctx.save(invoice)
    ctx.emit("invoice.marked_uncollectible", invoice)
    return invoice


@registry.action("send-invoice", "invoice")
def _invoice_send(ctx: Context, invoice: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _invoice_state(invoice, ("open",), "send")
    ctx.emit("invoice.sent", invoice)
    return invoice


@registry.hook("before_delete", "invoice")
def _invoice_delete(ctx: Context, invoice: dict[str, Any]) -> None:
    if invoice.get("status") != "draft":
        raise invalid("You can only delete draft invoices; %s is %s." % (invoice["id"], invoice.get("status")))


@registry.hook("list", "invoice")
def _invoice_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    if params.get("subscription"):
        where.append(("json_extract(data, '$.parent.subscription_details.subscription') = ?", (params["subscription"],)))
    return {"subscription"}


def _attach_invoice_item(ctx: Context, invoice: dict[str, Any], item: dict[str, Any]) -> None:
    if invoice.get("status") != "draft":
        raise invalid("Invoice %s is not a draft; items can only be added to draft invoices." % invoice["id"],
                      param="invoice")
    item["invoice"] = invoice["id"]
    ctx.save(item)
    ctx.create("line_item", {
        "amount": item.get("amount"), "currency": item.get("currency"), "description": item.get("description"),
        "invoice": invoice["id"], "period": item.get("period") or {"start": item["created"], "end": item["created"]},
        "quantity": item.get("quantity"), "subtotal": item.get("amount"), "discountable": True,
        "parent": {"type": "invoice_item_details", "subscription_item_details": None,
                   "invoice_item_details": {"invoice_item": item["id"], "proration": False,
                                            "proration_details": {"credited_items": None}, "subscription": None}},
    }, parent=invoice["id"], created=item["created"])


@registry.hook("before_create", "invoiceitem")
def _invoice_item_create(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> None:
    customer = ctx.find(params.get("customer"), ("customer",))
    price = None
    pricing = params.get("pricing") or {}
    price_id = params.get("price") or pricing.get("price")
    if price_id:
        price = ctx.load(price_id, ("price",), param="price" if params.get("price") else "pricing[price]")
    quantity = int(params.get("quantity") or 1)
    if params.get("amount") is None:
        unit = params.get("unit_amount")
        if unit is None and price is not None:
            unit = price.get("unit_amount")
        item["amount"] = int(unit or 0) * quantity
    if not item.get("currency"):
        item["currency"] = (price or {}).get("currency") or (customer or {}).get("currency") or "usd"
    item["quantity"] = quantity
    item["date"] = item.get("date") or item["created"]
    item["period"] = params.get("period") or {"start": item["created"], "end": item["created"]}
    item["invoice"] = None


@registry.hook("after_create", "invoiceitem")
def _invoice_item_created(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("invoice"):
        invoice = ctx.load(params["invoice"], ("invoice",), param="invoice")
        _attach_invoice_item(ctx, invoice, item)
        _total(ctx, invoice)
        ctx.save(invoice)
