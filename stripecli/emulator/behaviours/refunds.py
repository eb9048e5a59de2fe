"""Refunds: of a charge or of a payment intent's charge, for at most what is left to refund.

A refund takes ``amount`` (default: all that is left) from the charge's captured amount, with
Stripe's ``amount_too_large`` error beyond it and ``charge_already_refunded`` once nothing is
left; it updates the charge's ``amount_refunded`` / ``refunded``, is listed under the charge, and
posts its own balance transaction (the negative amount, no fee returned, available at once).
Canceling a refund (possible in the emulator while it is ``succeeded``, as a test helper would)
posts the reversing transaction. Every change to a refund is ``refund.updated`` followed by
``charge.refund.updated`` (the name Stripe's older integrations listen to), with the same data.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param

registry.initial_values({"refund": {"status": "succeeded"}})

# A refund of a charge that changes (its metadata, its status) is also the older charge.refund.updated.
registry.companion_events({"refund.updated": ("charge.refund.updated",)})

_SYMBOLS = {"usd": "$", "cad": "CA$", "aud": "A$", "eur": "€", "gbp": "£", "jpy": "¥", "chf": "CHF ", "sgd": "S$"}


def money(amount: int, currency: str) -> str:
    """``$25.00`` for 2500 usd (the form Stripe's refund errors use)."""
    symbol = _SYMBOLS.get(currency, currency.upper() + " ")
    if ledger.is_zero_decimal(currency):
        return "%s%s" % (symbol, format(int(amount), ","))
    return "%s%s.%02d" % (symbol, format(int(amount) // 100, ","), int(amount) % 100)


@registry.hook("before_create", "refund")
def _refund_create(ctx: Context, refund: dict[str, Any], params: dict[str, Any]) -> str:
    charge_id = params.get("charge")
    param = "charge"
    if not charge_id and params.get("payment_intent"):
        intent = ctx.load(params["payment_intent"], ("payment_intent",), param="payment_intent")
        charge_id = intent.get("latest_charge")
        param = "payment_intent"
        if not charge_id or intent.get("status") != "succeeded":
            raise invalid("This PaymentIntent (%s) does not have a successful charge to refund." % intent["id"],
                          param="payment_intent")
    if not charge_id:
        raise missing_param("charge")
    charge = ctx.load(charge_id, ("charge",), param=param)
    if charge.get("status") != "succeeded" or not charge.get("captured"):
        raise invalid("Charge %s has not been captured and cannot be refunded; cancel its payment intent to release "
                      "the authorization." % charge["id"] if charge.get("status") == "succeeded" else
                      "Charge %s has a status of %s and cannot be refunded." % (charge["id"], charge.get("status")),
                      param=param)
    captured = int(charge.get("amount_captured") or 0)
    refunded = int(charge.get("amount_refunded") or 0) - (int(charge["amount"]) - captured)
    left = captured - refunded
    if left <= 0:
        raise invalid("Charge %s has already been refunded." % charge["id"], code="charge_already_refunded")
    amount = int(params["amount"]) if params.get("amount") is not None else left
    if amount < 1:
        raise invalid("Refund amount must be at least 1.", param="amount")
    if amount > left:
        if refunded:
            message = "Refund amount (%s) is greater than unrefunded amount on charge (%s)" % (
                money(amount, charge["currency"]), money(left, charge["currency"]))
        else:
            message = "Refund amount (%s) is greater than charge amount (%s)" % (
                money(amount, charge["currency"]), money(captured, charge["currency"]))
        raise invalid(message, param="amount", code="amount_too_large")
    at = ctx.time_for(charge)
    refund.update(amount=amount, charge=charge["id"], currency=charge["currency"], created=at,
                  payment_intent=charge.get("payment_intent"), status="succeeded",
                  payment_method=charge.get("payment_method"), customer=charge.get("customer"),
                  destination_details={"type": "card", "card": {"reference": None, "reference_status": "pending",
                                                                "reference_type": "acquirer_reference_number",
                                                                "type": "refund"}})
    txn = ledger.post(ctx, amount=-amount, currency=charge["currency"], type="refund", source=refund["id"],
                      created=at, description="REFUND FOR CHARGE (%s)" % (charge.get("description") or charge["id"]),
                      clock=charge.get("_clock"))
    refund["balance_transaction"] = txn["id"]
    charge["amount_refunded"] = int(charge.get("amount_refunded") or 0) + amount
    charge["refunded"] = refunded + amount >= captured
    ctx.save(charge)
    ctx.emit("charge.refunded", charge)
    return charge["id"]


@registry.action("cancel", "refund")
def _refund_cancel(ctx: Context, refund: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if refund.get("status") not in ("pending", "requires_action", "succeeded"):
        raise invalid("Refund %s has a status of %s and cannot be canceled." % (refund["id"], refund.get("status")))
    charge = ctx.find(refund.get("charge"), ("charge",))
    at = ctx.time_for(charge or refund)
    if charge is not None:
        charge["amount_refunded"] = max(0, int(charge.get("amount_refunded") or 0) - int(refund["amount"]))
        charge["refunded"] = False
        ctx.save(charge)
        ledger.post(ctx, amount=int(refund["amount"]), currency=refund["currency"], type="refund_failure",
                    source=refund["id"], created=at, reporting_category="refund_failure", clock=charge.get("_clock"))
    refund["status"] = "canceled"
    ctx.save(refund)
    return refund


@registry.action("expire", "refund")
def _refund_expire(ctx: Context, refund: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    return _refund_cancel(ctx, refund, params)
