"""Charges: the one path every payment takes (a payment intent's confirmation, an invoice's payment),
and what a test card makes of it: a succeeded charge with its balance transaction, a failed one
with Stripe's decline codes, a dispute, a Radar review or early fraud warning.

``attempt(ctx, ...)`` makes the charge and answers it with the decline reason, if any; the caller
(the intent or the invoice) moves its own status and raises ``decline_error`` for a 402.
``capture(ctx, charge, amount, at)`` posts the balance transaction of a manual capture.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import cards, ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import list_object
from stripecli.emulator.behaviours.methods import card_of
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, invalid, missing_param

registry.initial_values({
    "charge": {"status": "pending", "paid": False, "captured": False, "refunded": False, "disputed": False,
               "amount_refunded": 0, "amount_captured": 0, "fraud_details": {}},
    "review": {"open": True},
    "radar.early_fraud_warning": {"actionable": True},
})

STATEMENT_DESCRIPTOR = "STRIPECLI EMULATOR"


def _outcome(card: cards.TestCard, decline: str | None) -> dict[str, Any]:
    base = {"advice_code": None, "network_advice_code": None, "network_decline_code": None,
            "risk_level": card.risk_level, "risk_score": {"normal": 20, "elevated": 65, "highest": 95}.get(card.risk_level, 20)}
    if decline == "fraudulent":
        base.update(network_status="not_sent_to_network", reason="highest_risk_level", type="blocked",
                    seller_message="Stripe blocked this payment as too risky.")
    elif decline:
        base.update(network_status="declined_by_network", reason=decline, type="issuer_declined",
                    seller_message="The bank did not return any further details with this decline.")
    elif card.get("review"):
        base.update(network_status="approved_by_network", reason="elevated_risk_level", type="manual_review",
                    seller_message="Stripe evaluated this payment as having elevated risk, and placed it in your "
                                   "manual review queue.")
    else:
        base.update(network_status="approved_by_network", reason=None, type="authorized",
                    seller_message="Payment complete.")
    return base


def _method_details(method: dict[str, Any], card: cards.TestCard, amount: int) -> dict[str, Any]:
    details = dict(method.get("card") or cards.card_details(card))
    if method.get("object") == "card":  # a legacy card source
        details = cards.card_details(card)
    out = {k: details.get(k) for k in ("brand", "checks", "country", "exp_month", "exp_year", "fingerprint",
                                       "funding", "last4", "wallet", "regulated_status")}
    out.update(amount_authorized=amount, authorization_code=None, network=card.brand, network_token={"used": False},
               network_transaction_id=None, three_d_secure=None, installments=None, mandate=None,
               incremental_authorization={"status": "unavailable"}, overcapture={"status": "unavailable",
                                                                                  "maximum_amount_capturable": amount},
               multicapture={"status": "unavailable"}, extended_authorization={"status": "disabled"})
    return {"type": "card", "card": out}


def attempt(ctx: Context, *, amount: int, currency: str, method: dict[str, Any], at: int, customer: str | None,
            payment_intent: str | None = None, capture: bool = True, description: str | None = None,
            metadata: dict[str, Any] | None = None, clock: str | None = None, off_session: bool = False,
            authenticated: bool = False, extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], str | None]:
    """Charge ``method``: the charge (stored) and the decline reason, or ``None`` when it went
    through. ``authenticated`` says the customer completed 3D Secure for this payment."""
    card = card_of(ctx, method)
    decline = card.declines
    if card.authentication == "always" and off_session and not authenticated:
        decline = "authentication_required"
    fields: dict[str, Any] = {
        "amount": int(amount), "currency": currency.lower(), "customer": customer, "description": description,
        "metadata": dict(metadata or {}), "payment_intent": payment_intent, "payment_method": method["id"],
        "payment_method_details": _method_details(method, card, int(amount)),
        "billing_details": method.get("billing_details") or {"address": None, "email": None, "name": None, "phone": None},
        "calculated_statement_descriptor": STATEMENT_DESCRIPTOR, "outcome": _outcome(card, decline),
        "receipt_url": None,
    }
    if method.get("object") == "card":
        fields["source"] = {k: v for k, v in method.items() if not k.startswith("_")}
    fields.update(extra or {})
    charge = ctx.build("charge", fields, created=at)
    registry_initial(ctx, charge)
    charge["_card"] = card.number
    if clock:
        charge["_clock"] = clock
    if decline:
        code, message = cards.decline_message(decline) if decline != "authentication_required" else (
            "authentication_required", "Your card was declined. This transaction requires authentication.")
        charge.update(status="failed", failure_code=code, failure_message=message, paid=False, captured=False)
        ctx.insert(charge)
        return charge, decline
    charge.update(status="succeeded", paid=True)
    ctx.insert(charge)
    if capture:
        _post_capture(ctx, charge, int(amount), at)
    _aftermath(ctx, charge, card, at)
    ctx.save(charge)
    return charge, None


def paid_without_card(ctx: Context, intent: dict[str, Any], method: dict[str, Any], at: int, *,
                      status: str = "succeeded") -> dict[str, Any]:
    """The charge of a payment intent paid with a payment method that is not a card (a customer
    balance, a SEPA debit): the method's own ``payment_method_details``; ``succeeded`` posts its
    ``payment`` balance transaction, without a fee (fees of other payment methods are not
    modelled), pending as a card's funds are; ``pending`` posts nothing yet (``settle_pending``)."""
    kind = method.get("type") or "card"
    charge = ctx.build("charge", {
        "amount": int(intent["amount"]), "currency": intent["currency"], "customer": intent.get("customer"),
        "description": intent.get("description"), "metadata": dict(intent.get("metadata") or {}),
        "payment_intent": intent["id"], "payment_method": method.get("id"),
        "payment_method_details": {"type": kind, kind: dict(method.get(kind) or {})},
        "billing_details": method.get("billing_details") or {"address": None, "email": None, "name": None,
                                                             "phone": None},
        "calculated_statement_descriptor": STATEMENT_DESCRIPTOR,
        "outcome": {"advice_code": None, "network_advice_code": None, "network_decline_code": None,
                    "network_status": "approved_by_network", "reason": None, "risk_level": "not_assessed",
                    "seller_message": "Payment complete.", "type": "authorized"},
    }, created=at)
    registry_initial(ctx, charge)
    clock = (ctx.clock_of(intent) or {}).get("id")
    if clock:
        charge["_clock"] = clock
    charge.update(status="pending", paid=False)
    ctx.insert(charge)
    if status == "succeeded":
        settle_pending(ctx, charge, at)
    return charge


def settle_pending(ctx: Context, charge: dict[str, Any], at: int) -> None:
    """A pending charge of another payment method that succeeds: paid, captured, its transaction."""
    amount = int(charge["amount"])
    txn = ledger.post(ctx, amount=amount, currency=charge["currency"], type="payment", source=charge["id"],
                      created=at, available=ledger.available_on(at), description=charge.get("description"),
                      clock=charge.get("_clock"))
    charge.update(status="succeeded", paid=True, captured=True, amount_captured=amount, balance_transaction=txn["id"])
    ctx.save(charge)


@registry.creator("charge")
def _create_charge(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """``POST /v1/charges`` (the older Charges API): a payment attempt on ``source`` (a test token
    such as ``tok_visa``, a token, a customer's card), else on the customer's default source.
    Succeeded: ``charge.succeeded`` (``capture=false`` only authorizes it: capture it later);
    declined: 402 with the failed charge kept and ``charge.failed``."""
    from stripecli.emulator.behaviours import methods

    for name in ("amount", "currency"):
        if params.get(name) in (None, ""):
            raise missing_param(name)
    customer = ctx.load(params["customer"], ("customer",), param="customer") if params.get("customer") else None
    source = params.get("source")
    if source:
        method = methods.charge_source(ctx, source, customer)
    else:
        method = methods.default_method(ctx, customer["id"]) if customer else None
        if method is None:
            raise invalid("Cannot charge a customer that has no active card." if customer else
                          "Must provide source or customer.", param="source" if not customer else "customer",
                          code="missing" if customer else None)
    at = ctx.time_for(customer) if customer else ctx.now
    keep = ("receipt_email", "application_fee_amount", "transfer_data", "on_behalf_of", "transfer_group",
            "shipping", "statement_descriptor", "statement_descriptor_suffix")
    charge, decline = attempt(ctx, amount=int(params["amount"]), currency=str(params["currency"]), method=method,
                              at=at, customer=customer["id"] if customer else None,
                              capture=params.get("capture") not in (False, "false"),
                              description=params.get("description"), metadata=params.get("metadata"),
                              clock=(ctx.clock_of(customer) or {}).get("id") if customer else None,
                              extra={k: params[k] for k in keep if params.get(k) not in (None, "")})
    if decline:
        ctx.emit("charge.failed", charge)
        raise decline_error(charge, decline)
    ctx.emit("charge.succeeded", charge)
    follow_up(ctx, charge)
    return charge


def registry_initial(ctx: Context, obj: dict[str, Any]) -> None:
    from stripecli.emulator.behaviours.common import initial

    initial(ctx, obj)


def _post_capture(ctx: Context, charge: dict[str, Any], amount: int, at: int) -> None:
    card = cards.by_number(charge["_card"]) if charge.get("_card") else card_of(ctx, None)
    fee = ledger.fee_for(amount, charge["currency"], card.country)
    available = at if card.get("available") == "immediately" else ledger.available_on(at)
    txn = ledger.post(ctx, amount=amount, currency=charge["currency"], type="charge", source=charge["id"],
                      created=at, fee=fee, fee_details=ledger.stripe_fee(fee, charge["currency"]),
                      available=available, description=charge.get("description"), clock=charge.get("_clock"))
    charge.update(captured=True, amount_captured=amount, balance_transaction=txn["id"])
    if amount < int(charge["amount"]):  # the part not captured is released, shown as refunded
        charge["amount_refunded"] = int(charge["amount"]) - amount
    if (charge.get("transfer_data") or {}).get("destination"):
        from stripecli.emulator.behaviours.transfers import destination_payment

        destination_payment(ctx, charge, amount, at)


def capture(ctx: Context, charge: dict[str, Any], amount: int, at: int) -> None:
    if charge.get("captured"):
        raise invalid("Charge %s has already been captured." % charge["id"], code="charge_already_captured")
    if amount > int(charge["amount"]):
        raise invalid("The amount to capture (%d) is greater than the amount of the charge (%d)."
                      % (amount, charge["amount"]), param="amount_to_capture", code="amount_too_large")
    _post_capture(ctx, charge, amount, at)
    ctx.save(charge)


def _aftermath(ctx: Context, charge: dict[str, Any], card: cards.TestCard, at: int) -> None:
    """What Stripe does after some test cards' payments: a review, a dispute, a fraud warning."""
    if card.get("review"):
        review = ctx.create("review", {"charge": charge["id"], "payment_intent": charge.get("payment_intent"),
                                       "open": True, "opened_reason": "rule", "reason": "rule"}, created=at)
        charge["review"] = review["id"]
        ctx.emit("review.opened", review)
    if card.get("early_fraud_warning"):
        ctx.create("radar.early_fraud_warning", {"actionable": True, "charge": charge["id"],
                                                 "fraud_type": card.get("early_fraud_warning"),
                                                 "payment_intent": charge.get("payment_intent")}, created=at)
    if card.get("dispute"):  # opened once the payment's own events are out (``follow_up``)
        charge["_dispute"] = [card.get("dispute"), bool(card.get("inquiry")), at]


def follow_up(ctx: Context, charge: dict[str, Any]) -> None:
    """What comes after a successful payment's own events (``charge.succeeded``,
    ``payment_intent.succeeded``): the dispute a dispute test card opens, as Stripe's arrives."""
    pending = charge.pop("_dispute", None)
    if not pending:
        return
    from stripecli.emulator.behaviours.disputes import open_dispute

    reason, inquiry, at = pending
    open_dispute(ctx, charge, reason, int(at), inquiry=bool(inquiry))
    ctx.save(charge)


def decline_error(charge: dict[str, Any], reason: str, *, extra: dict[str, Any] | None = None) -> EmulatorError:
    """The 402 a declined payment answers with; the failed charge is kept (``keep_writes``)."""
    body = {"charge": charge["id"]}
    body.update(extra or {})
    if reason == "authentication_required":
        return cards.authentication_error(extra=body, keep_writes=True)
    return cards.card_error(reason, extra=body, keep_writes=True)


def payment_error(charge: dict[str, Any], reason: str, method: dict[str, Any]) -> dict[str, Any]:
    """The ``last_payment_error`` hash of an intent whose charge was declined."""
    err = decline_error(charge, reason)
    body = err.body()["error"]
    body.pop("request_log_url", None)
    body["payment_method"] = {k: v for k, v in method.items() if not k.startswith("_")}
    return body


# -- charges as answered ---------------------------------------------------------------------


@registry.hook("render", "charge")
def _render_charge(ctx: Context, charge: dict[str, Any]) -> dict[str, Any]:
    refunds = [row.data for row in ctx.store.children(charge["id"], ["refund"])]
    out = dict(charge)
    out["refunds"] = list_object(refunds, "/v1/charges/%s/refunds" % charge["id"])
    return out


@registry.action("capture", "charge")
def _capture_charge(ctx: Context, charge: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if charge.get("status") != "succeeded":
        raise invalid("Charge %s has a status of %s and cannot be captured." % (charge["id"], charge.get("status")))
    amount = int(params.get("amount") or charge["amount"])
    capture(ctx, charge, amount, ctx.time_for(charge))
    ctx.save(charge, event="charge.captured")
    return charge


# -- invoices ------------------------------------------------------------------------------------

RETRY_AFTER = 3 * 86400  # when Stripe's default retry schedule tries a failed invoice payment again
ACTION_REQUIRED = "requires_action"  # collect_invoice: the customer must authenticate the payment
NO_PAYMENT_METHOD = "no_payment_method"  # collect_invoice: nothing to charge the invoice to


def action_required_error(invoice: dict[str, Any], intent_id: str | None) -> EmulatorError:
    """The 402 paying an invoice answers when its payment waits for the customer's authentication."""
    return EmulatorError(402, "This payment requires additional user action before it can be completed: the "
                              "customer must authenticate it through the invoice's payment intent %s." % intent_id,
                         type="card_error", code="invoice_payment_intent_requires_action",
                         extra={"payment_intent": {"id": intent_id, "object": "payment_intent",
                                                   "status": ACTION_REQUIRED}} if intent_id else {},
                         keep_writes=True)


def collect_invoice(ctx: Context, invoice: dict[str, Any], at: int, *, method_ref: Any = None,
                    subscription: dict[str, Any] | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """Charge an invoice's ``amount_due`` to its payment method (the one given, the invoice's,
    the subscription's, the customer's invoice default, its default source) through the same path
    as a payment intent: a payment intent, its charge, an ``invoice_payment``. Answers the charge
    and the decline reason (``None`` when paid); the invoice records the attempt either way (the
    caller marks it paid). With no payment method at all there is no charge and no payment intent:
    the attempt fails (``invoice.payment_failed``, a retry date as for a decline) and the reason is
    ``NO_PAYMENT_METHOD`` (a request that asked for the payment answers Stripe's 400: ``invoices``).

    A card that asks for authentication on every payment (3D Secure required) is not charged: the
    payment intent waits in ``requires_action`` with ``next_action``, the invoice stays open
    (``invoice.payment_action_required``) and the reason is ``ACTION_REQUIRED``; confirming that
    intent (the customer authenticating) pays the invoice (see ``invoices``)."""
    from stripecli.emulator.behaviours import methods
    from stripecli.emulator.behaviours.payments import next_action

    amount = int(invoice.get("amount_remaining") or invoice.get("amount_due") or 0)
    if amount <= 0:
        return None, None
    if method_ref:
        method = methods.resolve(ctx, method_ref, param="payment_method", customer=invoice.get("customer"))
    else:
        method = methods.default_method(ctx, invoice.get("customer"), invoice.get("default_payment_method"),
                                        invoice.get("default_source"),
                                        (subscription or {}).get("default_payment_method"),
                                        (subscription or {}).get("default_source"))
    if method is None:  # Stripe's attempt fails at once: there is nothing to charge
        invoice["attempted"] = True
        invoice["attempt_count"] = int(invoice.get("attempt_count") or 0) + 1
        invoice["next_payment_attempt"] = _retry_at(invoice, at)
        ctx.emit("invoice.payment_failed", invoice)
        return None, NO_PAYMENT_METHOD
    intent = ctx.build("payment_intent", {
        "amount": amount, "currency": invoice.get("currency") or "usd", "customer": invoice.get("customer"),
        "payment_method": method["id"], "description": _invoice_description(invoice),
        "capture_method": "automatic", "confirmation_method": "automatic", "payment_method_types": ["card"],
        "status": "processing", "amount_received": 0, "amount_capturable": 0,
    }, created=at)
    registry_initial(ctx, intent)
    intent.update(status="processing", payment_method=method["id"], amount=amount)
    ctx.insert(intent)
    clock = invoice.get("test_clock")
    if card_of(ctx, method).authentication == "always":
        charge, decline = None, ACTION_REQUIRED
    else:
        charge, decline = attempt(ctx, amount=amount, currency=intent["currency"], method=method, at=at,
                                  customer=invoice.get("customer"), payment_intent=intent["id"],
                                  description=intent["description"], clock=clock if isinstance(clock, str) else None,
                                  off_session=True)
        intent["latest_charge"] = charge["id"]
    invoice["attempted"] = True
    payment = ctx.build("invoice_payment", {
        "amount_paid": None if decline else amount, "amount_requested": amount, "currency": intent["currency"],
        "invoice": invoice["id"], "is_default": True, "status": "open" if decline else "paid",
        "payment": {"type": "payment_intent", "payment_intent": intent["id"], "charge": None, "payment_record": None},
        "status_transitions": {"canceled_at": None, "paid_at": None if decline else at},
    }, created=at)
    ctx.insert(payment, parent=invoice["id"])
    if decline == ACTION_REQUIRED:  # Stripe waits for the customer: no retry is scheduled
        intent.update(status=ACTION_REQUIRED, next_action=next_action(intent, None))
        ctx.save(intent)
        invoice["attempt_count"] = int(invoice.get("attempt_count") or 0) + 1
        invoice["next_payment_attempt"] = None
        ctx.emit("payment_intent.requires_action", intent)
        ctx.emit("invoice.payment_action_required", invoice)
        return None, decline
    if decline:
        intent.update(status="requires_payment_method", payment_method=None,
                      last_payment_error=payment_error(charge, decline, method))
        ctx.save(intent)
        invoice["attempt_count"] = int(invoice.get("attempt_count") or 0) + 1  # a success counts in paying
        invoice["next_payment_attempt"] = _retry_at(invoice, at)
        ctx.emit("charge.failed", charge)
        ctx.emit("payment_intent.payment_failed", intent)
        ctx.emit("invoice.payment_failed", invoice)
        return charge, decline
    intent.update(status="succeeded", amount_received=amount, last_payment_error=None)
    ctx.save(intent)
    invoice["next_payment_attempt"] = None
    ctx.emit("charge.succeeded", charge)
    ctx.emit("payment_intent.succeeded", intent)
    follow_up(ctx, charge)
    return charge, None


def _retry_at(invoice: dict[str, Any], at: int) -> int | None:
    """``next_payment_attempt`` after a failed attempt: Stripe's retry schedule for an invoice
    collected automatically (the date is shown; the emulator does not retry by itself)."""
    return at + RETRY_AFTER if invoice.get("collection_method") == "charge_automatically" else None


def _invoice_description(invoice: dict[str, Any]) -> str:
    return {"subscription_create": "Subscription creation", "subscription_cycle": "Subscription update",
            "subscription_update": "Subscription update"}.get(invoice.get("billing_reason") or "", "Invoice %s" % (
                invoice.get("number") or invoice["id"]))
