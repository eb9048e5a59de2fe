"""Checkout Sessions: their amounts, and their payment through the hosted payment page.

- Create: line items (``line_items[n][price]`` or ``[price_data]``, with ``product_data`` making a
  product as Stripe does) are stored under the session (``GET .../line_items``); ``currency``,
  ``amount_subtotal`` and ``amount_total`` (no tax, discount or shipping is computed),
  ``payment_status`` (``unpaid``, or ``no_payment_required`` in ``setup`` mode), ``expires_at``
  (24 hours on unless given), ``url`` (the hosted page's address).
- ``POST /v1/payment_pages/{session}/confirm`` (``payment_method``, ``expected_amount``) is the call
  Stripe's hosted Checkout page makes when the customer pays. It is not in Stripe's API reference;
  the emulator serves it (``emulator/unlisted.py``) because Stripe's CLI fixtures pay sessions
  with it, and because it is the only way to complete a session without a browser. In ``payment``
  mode it makes the session's PaymentIntent and confirms it through the same path as any
  PaymentIntent (a declining card answers 402 and the session stays ``open``); in ``subscription``
  mode it makes a customer (unless the session has one), attaches the payment method and makes the
  subscription, whose first invoice is paid as any subscription's; in ``setup`` mode it confirms a
  SetupIntent. The session is then ``complete`` (``checkout.session.completed``). A payment that
  is still ``processing`` (a bank debit) leaves ``payment_status: unpaid``; when its PaymentIntent
  later succeeds or fails, the session becomes ``paid`` with
  ``checkout.session.async_payment_succeeded``, or records
  ``checkout.session.async_payment_failed``.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import unlisted
from stripecli.emulator.behaviours import payments, registry
from stripecli.emulator.behaviours.common import line_item_price, make_object
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, invalid, missing_param

SESSION = "checkout.session"
LIFETIME = 24 * 3600
PAGE_MANDATE = {"customer_acceptance": {"type": "online", "online": {"ip_address": "127.0.0.1",
                                                                    "user_agent": "stripecli emulator"}}}


def _line_price(ctx: Context, spec: dict[str, Any], path: str, currency: str | None) -> dict[str, Any]:
    data = spec.get("price_data")
    if isinstance(data, dict) and data.get("product_data") and not data.get("product"):
        product = make_object(ctx, "product", dict(data["product_data"]))
        spec = dict(spec, price_data=dict({k: v for k, v in data.items() if k != "product_data"},
                                          product=product["id"]))
    return line_item_price(ctx, spec, path, currency)


@registry.hook("before_create", SESSION)
def _session_create(ctx: Context, session: dict[str, Any], params: dict[str, Any]) -> None:
    mode = session.get("mode") or "payment"
    specs = params.get("line_items") or []
    if mode in ("payment", "subscription") and not specs:
        raise missing_param("line_items")
    total = 0
    items = []
    for i, spec in enumerate(specs):
        price = _line_price(ctx, spec, "line_items[%d]" % i, session.get("currency"))
        quantity = int(spec.get("quantity") or 1)
        amount = int(price.get("unit_amount") or 0) * quantity
        product = ctx.find(price.get("product"), ("product",)) or {}
        session["currency"] = session.get("currency") or price.get("currency")
        items.append({"amount_discount": 0, "amount_subtotal": amount, "amount_tax": 0, "amount_total": amount,
                      "currency": price.get("currency"), "description": product.get("name") or price["id"],
                      "price": {k: v for k, v in price.items() if not k.startswith("_")}, "quantity": quantity,
                      "discounts": [], "taxes": []})
        total += amount
    session["_items"] = items
    for name in ("payment_intent_data", "subscription_data"):  # what the session makes; not its fields
        if params.get(name):
            session["_" + name] = params[name]
    none = mode == "setup"  # a setup session charges nothing: no amounts at all, as on Stripe
    session.update(amount_subtotal=None if none else total, amount_total=None if none else total, mode=mode,
                   total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
                   payment_status="no_payment_required" if mode == "setup" else "unpaid",
                   expires_at=session.get("expires_at") or session["created"] + LIFETIME,
                   url="https://checkout.stripe.com/c/pay/%s" % session["id"])
    if not session.get("payment_method_types"):
        session["payment_method_types"] = list(params.get("allowed_payment_method_types") or ["card"])


@registry.hook("after_create", SESSION)
def _session_created(ctx: Context, session: dict[str, Any], params: dict[str, Any]) -> None:
    items = session.pop("_items", [])
    for i, item in enumerate(items):  # lists (newest first) keep the order given
        ctx.create("item", item, parent=session["id"], created=session["created"] + len(items) - i)
    ctx.save(session)


@unlisted.route("POST", "/v1/payment_pages/{session}/confirm", kind="action", object_type=SESSION, params=[
    unlisted.param("payment_method"), unlisted.param("expected_amount", "integer"),
    unlisted.param("expected_payment_method_type"), unlisted.param("return_url")])
def confirm_page(ctx: Context) -> dict[str, Any]:
    """``POST /v1/payment_pages/{session}/confirm``: pay the session as its hosted page does."""
    from stripecli.emulator import behaviours

    session = ctx.load(ctx.values["session"], (SESSION,), param="session", display="checkout.session")
    if session.get("status") != "open":
        raise invalid("This Checkout Session is no longer active: its status is %s." % session.get("status"))
    expected = ctx.params.get("expected_amount")
    if expected is not None and int(expected) != int(session.get("amount_total") or 0):
        raise invalid("The expected_amount (%d) does not match the amount of this Checkout Session (%d)."
                      % (int(expected), int(session.get("amount_total") or 0)), param="expected_amount")
    ref = ctx.params.get("payment_method")
    if not ref:
        raise missing_param("payment_method")
    method = payments.methods.resolve(ctx, ref)
    kind = method.get("type") or "card"
    allowed = session.get("payment_method_types") or ["card"]
    if kind not in allowed:
        raise invalid("This Checkout Session does not accept %s payment methods (it accepts %s)."
                      % (kind, ", ".join(allowed)), param="payment_method")
    mode = session.get("mode") or "payment"
    details = method.get("billing_details") or {}
    session["customer_details"] = {"address": details.get("address"), "email": details.get("email")
                                   or session.get("customer_email"), "name": details.get("name"),
                                   "phone": details.get("phone"), "tax_exempt": "none", "tax_ids": []}
    if mode == "payment":
        _pay(ctx, session, method)
    elif mode == "subscription":
        _subscribe(ctx, session, method)
    else:
        intent = make_object(ctx, "setup_intent", {"customer": session.get("customer"), "payment_method": method["id"],
                                                   "payment_method_types": [method.get("type") or "card"]})
        payments.confirm(ctx, intent, {})
        ctx.save(intent)
        session["setup_intent"] = intent["id"]
    session["status"] = "complete"
    ctx.save(session)
    return behaviours.render(ctx, session)


def _pay(ctx: Context, session: dict[str, Any], method: dict[str, Any]) -> None:
    data = session.get("_payment_intent_data") or {}
    intent = make_object(ctx, "payment_intent", {
        "amount": int(session.get("amount_total") or 0), "currency": session.get("currency") or "usd",
        "customer": session.get("customer"), "payment_method": method["id"],
        "payment_method_types": [method.get("type") or "card"], "description": data.get("description"),
        "metadata": dict(data.get("metadata") or {}), "shipping": data.get("shipping"),
        "setup_future_usage": data.get("setup_future_usage"), "capture_method": data.get("capture_method"),
        "receipt_email": data.get("receipt_email"),
    })
    session["payment_intent"] = intent["id"]
    try:
        payments.confirm(ctx, intent, {"mandate_data": PAGE_MANDATE})  # a bank debit's mandate, accepted on the page
    except EmulatorError:
        ctx.save(intent)
        ctx.save(session)
        raise
    ctx.save(intent)
    if intent["status"] == "succeeded":  # an authorization awaiting capture is not paid yet
        session["payment_status"] = "paid"
    # a bank debit (``processing``): the outcome comes later (``_async_outcome``)


# -- payments that finish later ------------------------------------------------------------------


@registry.hook("settled", "payment_intent")
def _async_outcome(ctx: Context, intent: dict[str, Any]) -> None:
    """A session paid by a bank debit follows its PaymentIntent once the debit clears or fails:
    ``paid`` with ``checkout.session.async_payment_succeeded``, or
    ``checkout.session.async_payment_failed`` (it stays ``unpaid``)."""
    result = "succeeded" if intent.get("status") == "succeeded" else "failed"
    for session in ctx.scan(SESSION, where={"payment_intent": intent["id"]}):
        if session.get("payment_status") != "unpaid":
            continue
        if result == "succeeded":
            session["payment_status"] = "paid"
            ctx.save(session)
        ctx.emit("checkout.session.async_payment_" + result, session)


def _subscribe(ctx: Context, session: dict[str, Any], method: dict[str, Any]) -> None:
    customer = session.get("customer")
    if not customer:
        details = session["customer_details"]
        customer = make_object(ctx, "customer", {"email": details.get("email"), "name": details.get("name")})["id"]
        session["customer"] = customer
    payments.methods.attach(ctx, method, customer)
    rows = ctx.store.children(session["id"], ["item"])
    sub = make_object(ctx, "subscription", {
        "customer": customer, "default_payment_method": method["id"],
        "items": [{"price": row.data["price"]["id"], "quantity": row.data["quantity"]} for row in reversed(rows)],
        "metadata": dict((session.get("_subscription_data") or {}).get("metadata") or {}),
    })
    session["subscription"] = sub["id"]
    session["invoice"] = sub.get("latest_invoice")
    invoice = ctx.find(sub.get("latest_invoice"), ("invoice",)) or {}
    session["payment_status"] = "paid" if invoice.get("status") == "paid" else "unpaid"
