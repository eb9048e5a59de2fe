"""Payments: payment and setup intents, refunds, payouts, top-ups, checkout sessions, payment
methods, charges, disputes, the balance.

- Intents: ``requires_payment_method``, or ``requires_confirmation`` with a payment method;
  ``confirm`` (also ``confirm=true`` on create) to ``succeeded``, or ``requires_capture`` with
  ``capture_method=manual``; ``capture``; ``cancel`` (not once succeeded:
  ``payment_intent_unexpected_state``); a ``client_secret``.
- The balance is zero: no money moves yet (no charges, balance transactions or payouts arriving).
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import STATE_CODES, require_state
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError


def _client_secret(obj: dict[str, Any]) -> str:
    return "%s_secret_%s" % (obj["id"], schema.random_token(24))


registry.initial_values({
    "payment_intent": {"status": "requires_payment_method", "capture_method": "automatic", "amount_received": 0,
                       "amount_capturable": 0, "confirmation_method": "automatic", "payment_method_types": ["card"]},
    "setup_intent": {"status": "requires_payment_method", "usage": "off_session", "payment_method_types": ["card"]},
    "refund": {"status": "succeeded"},
    "payout": {"status": "pending", "method": "standard", "type": "bank_account"},
    "topup": {"status": "pending"},
    "checkout.session": {"status": "open"},
    "payment_link": {"active": True},
})

registry.secrets({
    "payment_intent": ("client_secret", _client_secret),
    "setup_intent": ("client_secret", _client_secret),
    "checkout.session": ("client_secret", _client_secret),
    "customer_session": ("client_secret", _client_secret),
})

registry.status_actions({
    ("topup", "cancel"): ({"status": "canceled"}, ("pending",), ()),
    ("charge", "capture"): ({"captured": True}, None, ()),
    ("checkout.session", "expire"): ({"status": "expired"}, ("open",), ()),
    ("dispute", "close"): ({"status": "lost"}, None, ()),
    ("payment_method", "detach"): ({"customer": None}, None, ()),
    ("payout", "cancel"): ({"status": "canceled"}, ("pending",), ()),
    ("refund", "cancel"): ({"status": "canceled"}, ("pending", "requires_action", "succeeded"), ()),
    ("refund", "expire"): ({"status": "canceled"}, None, ()),
    ("setup_intent", "cancel"): ({"status": "canceled"}, ("requires_payment_method", "requires_confirmation", "requires_action", "processing"), ()),
    ("setup_intent", "verify-microdeposits"): ({"status": "succeeded"}, ("requires_action",), ()),
})


@registry.hook("before_create", "payment_intent")
def _payment_intent_create(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("payment_method"):
        intent["status"] = "requires_confirmation"
    if params.get("confirm") is True:
        _confirm_intent(ctx, intent, params)


def _confirm_intent(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    allowed = ("requires_payment_method", "requires_confirmation", "requires_action")
    require_state(intent, allowed, "confirm")
    if params.get("payment_method"):
        intent["payment_method"] = params["payment_method"]
    if not intent.get("payment_method"):
        kind = "PaymentIntent" if intent["object"] == "payment_intent" else "SetupIntent"
        raise EmulatorError(400, "You cannot confirm this %s because it's missing a payment method. Pass "
                                 "payment_method." % kind,
                            code=STATE_CODES.get(intent["object"]), param="payment_method")
    if intent["object"] == "setup_intent":
        intent["status"] = "succeeded"
        return
    if intent.get("capture_method") == "manual":
        intent["status"] = "requires_capture"
        intent["amount_capturable"] = intent.get("amount") or 0
    else:
        intent["status"] = "succeeded"
        intent["amount_received"] = intent.get("amount") or 0


@registry.action("confirm", "payment_intent", "setup_intent")
def _intent_confirm(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _confirm_intent(ctx, intent, params)
    ctx.save(intent)
    return intent


@registry.hook("before_create", "setup_intent")
def _setup_intent_create(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("payment_method"):
        intent["status"] = "requires_confirmation"
    if params.get("confirm") is True:
        _confirm_intent(ctx, intent, params)


@registry.action("capture", "payment_intent")
def _payment_intent_capture(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(intent, ("requires_capture",), "capture")
    amount = params.get("amount_to_capture") or intent.get("amount_capturable") or intent.get("amount") or 0
    intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
    ctx.save(intent)
    return intent


@registry.action("cancel", "payment_intent")
def _payment_intent_cancel(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(intent, ("requires_payment_method", "requires_capture", "requires_confirmation",
                            "requires_action", "processing"), "cancel")
    intent.update(status="canceled", canceled_at=ctx.now,
                  cancellation_reason=params.get("cancellation_reason") or "requested_by_customer",
                  amount_capturable=0)
    ctx.save(intent)
    return intent


@registry.singleton("balance")
def _balance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zero = [{"amount": 0, "currency": "usd", "source_types": {"card": 0}}]
    return {"object": "balance", "available": zero, "pending": [dict(z) for z in zero],
            "connect_reserved": [], "livemode": False}
