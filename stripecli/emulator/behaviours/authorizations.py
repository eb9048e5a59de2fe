"""Issuing authorizations and transactions, as their amounts move (the test helpers' flow).

- An authorization (``POST /v1/test_helpers/issuing/authorizations``) is a purchase on the card:
  Stripe first asks the platform (``issuing_authorization.request``, the real-time authorization
  webhook, whose ``data.object`` is the authorization while it waits: ``approved: false``,
  ``amount: 0`` and the ask in ``pending_request``), then records the decision
  (``issuing_authorization.created``). The emulator cannot wait for a handler's answer, so it
  records the request event and decides at once by the card's state, as Stripe does when no
  answer comes: an ``active`` card of a cardholder that is not ``inactive`` or ``blocked`` is
  approved (``pending`` for ``amount``, in the card's currency; ``request_history`` reason
  ``card_active``), any other is declined (``closed``, ``approved: false``, amount 0, reason
  ``card_inactive``, ``card_canceled``, ``cardholder_inactive`` or ``cardholder_blocked``).
- ``increment`` adds ``increment_amount``; ``finalize_amount`` sets the final amount; ``reverse``
  with a ``reverse_amount`` below what is pending keeps it ``pending`` at the rest, and reverses
  it (``reversed``, amount 0) otherwise.
- ``capture`` closes it and makes an Issuing transaction (``ipi_``, ``type: capture``, the
  negative captured amount, as Issuing counts money leaving the balance), listed in the
  authorization's ``transactions``; a force capture or an unlinked refund makes one without an
  authorization; refunding a transaction makes a ``refund`` transaction. ``purchase_details``
  given to a capture (or a force capture, an unlinked refund) is the transaction's; its
  ``receipt`` lines are ``issuing_transaction.purchase_details_receipt_updated``
  (``lifecycle``).
"""

from __future__ import annotations

import secrets
from typing import Any

from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import require_state
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param


def _card(ctx: Context, card_id: Any, param: str = "card") -> dict[str, Any]:
    if not card_id:
        raise missing_param(param)
    return ctx.load(card_id, ("issuing.card",), param=param)


def _holder(card: dict[str, Any]) -> Any:
    holder = card.get("cardholder")
    return holder.get("id") if isinstance(holder, dict) else holder


@registry.hook("before_create", "issuing.authorization")
def _authorization_create(ctx: Context, auth: dict[str, Any], params: dict[str, Any]) -> None:
    card = _card(ctx, params.get("card"))
    amount = int(params.get("amount") or (params.get("amount_details") or {}).get("atm_fee") or 0)
    currency = str(params.get("currency") or card.get("currency") or "usd").lower()
    asked = {"amount": amount, "amount_details": params.get("amount_details"), "currency": currency,
             "is_amount_controllable": bool(params.get("is_amount_controllable")), "merchant_amount": amount,
             "merchant_currency": currency, "network_risk_score": None}
    auth.update(amount=0, merchant_amount=0, currency=currency, merchant_currency=currency, card=card["id"],
                cardholder=_holder(card), status="pending", approved=False, transactions=[], request_history=[],
                balance_transactions=[], pending_request=asked)
    ctx.emit("issuing_authorization.request", auth)
    approved, reason = _decision(ctx, card)
    auth["request_history"] = [{
        "amount": amount, "amount_details": asked["amount_details"], "approved": approved,
        "authorization_code": "S%06d" % secrets.randbelow(1000000) if approved else None,
        "created": auth["created"], "currency": currency, "merchant_amount": amount, "merchant_currency": currency,
        "network_risk_score": None, "reason": reason, "reason_message": None, "requested_at": auth["created"]}]
    auth.update(pending_request=None, approved=approved)
    if approved:
        auth.update(amount=amount, merchant_amount=amount)
    else:
        auth["status"] = "closed"


def _decision(ctx: Context, card: dict[str, Any]) -> tuple[bool, str]:
    """Approved or not, and the ``request_history`` reason, from the card and its cardholder."""
    status = card.get("status")
    if status != "active":
        return False, "card_canceled" if status == "canceled" else "card_inactive"
    holder = ctx.find(_holder(card), ("issuing.cardholder",)) or {}
    if holder.get("status") in ("inactive", "blocked"):
        return False, "cardholder_" + holder["status"]
    return True, "card_active"


def _make_transaction(ctx: Context, *, card: dict[str, Any], amount: int, currency: str, kind: str,
                      authorization: dict[str, Any] | None = None, merchant: dict[str, Any] | None = None,
                      purchase_details: dict[str, Any] | None = None) -> dict[str, Any]:
    return ctx.create("issuing.transaction", {
        "purchase_details": _purchase_details(purchase_details),
        "amount": amount, "merchant_amount": amount, "currency": currency, "merchant_currency": currency,
        "card": card["id"], "cardholder": _holder(card), "type": kind,
        "authorization": authorization["id"] if authorization else None,
        "merchant_data": merchant if merchant is not None else (authorization or {}).get("merchant_data"),
    })


@registry.action("capture", "issuing.authorization")
def _capture(ctx: Context, auth: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(auth, ("pending",), "capture")
    amount = int(params.get("capture_amount") or auth.get("amount") or 0)
    card = _card(ctx, auth["card"])
    txn = _make_transaction(ctx, card=card, amount=-amount, currency=auth["currency"], kind="capture",
                            authorization=auth, purchase_details=params.get("purchase_details"))
    auth["status"] = "closed"
    auth["transactions"] = list(auth.get("transactions") or []) + [txn]
    ctx.save(auth)
    return auth


@registry.action("reverse", "issuing.authorization")
def _reverse(ctx: Context, auth: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(auth, ("pending",), "reverse")
    pending = int(auth.get("amount") or 0)
    amount = params.get("reverse_amount")
    if amount is not None and 0 < int(amount) < pending:
        auth["amount"] = auth["merchant_amount"] = pending - int(amount)
    else:
        auth.update(status="reversed", amount=0, merchant_amount=0)
    ctx.save(auth)
    return auth


@registry.action("increment", "issuing.authorization")
def _increment(ctx: Context, auth: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(auth, ("pending",), "increment")
    auth["amount"] = auth["merchant_amount"] = int(auth.get("amount") or 0) + int(params["increment_amount"])
    ctx.save(auth)
    return auth


@registry.action("finalize-amount", "issuing.authorization")
def _finalize_amount(ctx: Context, auth: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(auth, ("pending",), "finalize amount")
    auth["amount"] = auth["merchant_amount"] = int(params["final_amount"])
    ctx.save(auth)
    return auth


def _purchase_details(given: dict[str, Any] | None) -> dict[str, Any] | None:
    """The transaction's ``purchase_details`` from the test helper's param (``None`` without one):
    every part Stripe has, ``null`` where not given; receipt quantities are numbers."""
    if not given:
        return None
    details: dict[str, Any] = {name: given.get(name) for name in ("fleet", "flight", "fuel", "lodging", "reference")}
    receipt = given.get("receipt")
    details["receipt"] = None if receipt in (None, "") else [
        {"description": line.get("description"), "quantity": _number(line.get("quantity")),
         "total": line.get("total"), "unit_cost": line.get("unit_cost")} for line in receipt]
    return details


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return int(value) if value.lstrip("-").isdigit() else float(value)
        except ValueError:
            return value
    return value


@registry.hook("before_create", "issuing.transaction")
def _transaction_create(ctx: Context, txn: dict[str, Any], params: dict[str, Any]) -> None:
    card = _card(ctx, params.get("card"))
    amount = int(params.get("amount") or 0)
    refund = ctx.route is not None and "refund" in ctx.route.verb
    currency = str(params.get("currency") or card.get("currency") or "usd").lower()
    txn.update(amount=amount if refund else -amount, merchant_amount=amount if refund else -amount,
               currency=currency, merchant_currency=currency, card=card["id"], cardholder=_holder(card),
               type="refund" if refund else "capture", authorization=None,
               purchase_details=_purchase_details(params.get("purchase_details")))


@registry.action("refund", "issuing.transaction")
def _refund(ctx: Context, txn: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if txn.get("type") != "capture":
        raise invalid("Only a capture transaction can be refunded; %s is a %s." % (txn["id"], txn.get("type")))
    amount = int(params.get("refund_amount") or -int(txn["amount"]))
    if amount > -int(txn["amount"]):
        raise invalid("The refund amount (%d) is more than the transaction's (%d)." % (amount, -int(txn["amount"])),
                      param="refund_amount")
    card = _card(ctx, txn["card"])
    _make_transaction(ctx, card=card, amount=amount, currency=txn["currency"], kind="refund",
                      merchant=txn.get("merchant_data"))
    return txn
