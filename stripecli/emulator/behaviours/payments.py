"""Payments: payment and setup intents, top-ups, checkout sessions.

- A payment intent starts in ``requires_payment_method``, or ``requires_confirmation`` with a
  payment method. ``confirm`` (or ``confirm=true`` on create) charges it through ``charges``:
  ``succeeded`` with ``latest_charge`` and ``amount_received``, or ``requires_capture`` with
  ``capture_method=manual`` (``capture`` then posts the balance transaction, for at most
  ``amount_capturable``). A declining test card answers 402 ``card_error`` and leaves the intent in
  ``requires_payment_method`` with ``last_payment_error`` and a failed ``latest_charge``.
- A card that asks for 3D Secure puts the intent in ``requires_action`` with ``next_action``; the
  emulator has no authentication page, so confirming it again stands for the customer completing
  the challenge. Off-session, such a card declines with ``authentication_required``.
- A setup intent succeeds, or asks for authentication (``pm_card_authenticationRequiredOnSetup``,
  the always-authenticate cards), or fails with the card's decline; ``customer`` attaches.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import charges, methods, registry
from stripecli.emulator.behaviours.common import STATE_CODES, require_state
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, invalid


def _client_secret(obj: dict[str, Any]) -> str:
    return "%s_secret_%s" % (obj["id"], schema.random_token(24))


registry.initial_values({
    "payment_intent": {"status": "requires_payment_method", "capture_method": "automatic", "amount_received": 0,
                       "amount_capturable": 0, "confirmation_method": "automatic", "payment_method_types": ["card"]},
    "setup_intent": {"status": "requires_payment_method", "usage": "off_session", "payment_method_types": ["card"]},
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
    ("checkout.session", "expire"): ({"status": "expired"}, ("open",), ()),
    ("setup_intent", "cancel"): ({"status": "canceled"}, ("requires_payment_method", "requires_confirmation", "requires_action", "processing"), ()),
    ("setup_intent", "verify-microdeposits"): ({"status": "succeeded"}, ("requires_action",), ()),
})

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")

# How a payment intent is paid with a payment method that is not a card: the family of that
# method registers ``fn(ctx, intent, method, params)`` here (``confirms``); cards go through charges.
_CONFIRMERS: dict[str, Any] = {}


def confirms(method_type: str) -> Any:
    """Register the confirmation of payment intents paid with ``method_type`` (``customer_balance``)."""
    def register(fn: Any) -> Any:
        if method_type in _CONFIRMERS:
            raise registry.RegistryError("payment method type %r has two confirmations" % method_type)
        _CONFIRMERS[method_type] = fn
        return fn

    return register


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


@registry.hook("before_create", "payment_intent", "setup_intent")
def _intent_create(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("customer"):
        ctx.load(params["customer"], ("customer",), param="customer")
    if params.get("payment_method") or params.get("payment_method_data"):
        method = methods.resolve(ctx, params.get("payment_method") or params["payment_method_data"],
                                 param="payment_method" if params.get("payment_method") else "payment_method_data")
        intent["payment_method"] = method["id"]
        intent["status"] = "requires_confirmation"


@registry.hook("after_create", "payment_intent", "setup_intent")
def _intent_created(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    if params.get("confirm") is True:
        confirm(ctx, intent, {k: v for k, v in params.items() if k not in ("payment_method", "payment_method_data")})
        ctx.save(intent)


def next_action(intent: dict[str, Any], return_url: str | None) -> dict[str, Any]:
    """What the customer does to authenticate (3D Secure): a redirect, or Stripe.js's own flow."""
    url = "https://hooks.stripe.com/3d_secure_2/hosted?setup_intent=%s" % intent["id"]
    if return_url:
        return {"type": "redirect_to_url", "redirect_to_url": {"return_url": return_url, "url": url}}
    return {"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": url,
                                                          "source": "src_" + schema.random_token(24)}}


def confirm(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> None:
    require_state(intent, CONFIRMABLE, "confirm")
    completing = intent["status"] == "requires_action" and not (params.get("payment_method") or
                                                                params.get("payment_method_data"))
    ref = params.get("payment_method") or params.get("payment_method_data")
    customer = intent.get("customer")
    if ref:
        method = methods.resolve(ctx, ref, param="payment_method" if params.get("payment_method") else "payment_method_data")
    else:
        method = ctx.find(intent.get("payment_method"), methods.PAYMENT_METHOD_TYPES)
    if method is None:
        kind = "PaymentIntent" if intent["object"] == "payment_intent" else "SetupIntent"
        raise EmulatorError(400, "You cannot confirm this %s because it's missing a payment method. Pass "
                                 "payment_method." % kind,
                            code=STATE_CODES.get(intent["object"]), param="payment_method")
    intent["payment_method"] = method["id"]
    intent["next_action"] = None
    if intent["object"] == "payment_intent" and method.get("type") in _CONFIRMERS:
        _CONFIRMERS[method["type"]](ctx, intent, method, params)
        return
    card = methods.card_of(ctx, method)
    off_session = bool(params.get("off_session"))
    at = ctx.time_for(intent)
    if intent["object"] == "setup_intent":
        _confirm_setup(ctx, intent, method, card, completing, params)
        return
    asks = card.authentication == "always" or (card.authentication == "on_setup" and not off_session)
    if asks and not off_session and not completing:
        intent["status"] = "requires_action"
        intent["next_action"] = next_action(intent, params.get("return_url"))
        ctx.emit("payment_intent.requires_action", intent)
        return
    if intent.get("application_fee_amount") and not (intent.get("transfer_data") or {}).get("destination") \
            and not getattr(ctx, "stripe_account", None):
        raise invalid("Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment "
                      "(using an OAuth key or Stripe-Account header) or destination payment (using "
                      "`transfer_data[destination]`).", param="application_fee_amount")
    destination = (intent.get("transfer_data") or {}).get("destination")
    if destination:
        ctx.load(destination, ("account",), param="transfer_data[destination]")
    manual = intent.get("capture_method") in ("manual", "manual_preferred")
    charge, decline = charges.attempt(
        ctx, amount=int(intent.get("amount") or 0), currency=intent.get("currency") or "usd", method=method, at=at,
        customer=customer, payment_intent=intent["id"], capture=not manual, description=intent.get("description"),
        metadata=intent.get("metadata"), clock=(ctx.clock_of(intent) or {}).get("id"),
        off_session=off_session, authenticated=completing,
        extra={"application_fee_amount": intent.get("application_fee_amount"),
               "transfer_data": intent.get("transfer_data"), "on_behalf_of": intent.get("on_behalf_of"),
               "transfer_group": intent.get("transfer_group"), "receipt_email": intent.get("receipt_email")})
    intent["latest_charge"] = charge["id"]
    if decline:
        intent.update(status="requires_payment_method", payment_method=None,
                      last_payment_error=charges.payment_error(charge, decline, method))
        ctx.save(intent)
        ctx.emit("charge.failed", charge)
        ctx.emit("payment_intent.payment_failed", intent)
        raise charges.decline_error(charge, decline, extra={"payment_intent": _public(intent),
                                                            "payment_method": _public(method)})
    intent["last_payment_error"] = None
    if customer and intent.get("setup_future_usage") and not method.get("customer"):
        methods.attach(ctx, method, customer)
    ctx.emit("charge.succeeded", charge)
    if manual:
        intent.update(status="requires_capture", amount_capturable=int(intent.get("amount") or 0))
        ctx.emit("payment_intent.amount_capturable_updated", intent)
    else:
        intent.update(status="succeeded", amount_received=int(intent.get("amount") or 0), amount_capturable=0)
        ctx.emit("payment_intent.succeeded", intent)
    charges.follow_up(ctx, charge)


def _confirm_setup(ctx: Context, intent: dict[str, Any], method: dict[str, Any], card: Any, completing: bool,
                   params: dict[str, Any]) -> None:
    if card.authentication in ("always", "on_setup") and not completing:
        intent["status"] = "requires_action"
        intent["next_action"] = next_action(intent, params.get("return_url"))
        ctx.emit("setup_intent.requires_action", intent)
        return
    try:
        methods.check_attachable(card)
    except EmulatorError as err:
        error = err.body()["error"]
        error.pop("request_log_url", None)
        error["payment_method"] = _public(method)
        intent.update(status="requires_payment_method", payment_method=None, last_setup_error=error)
        ctx.save(intent)
        ctx.emit("setup_intent.setup_failed", intent)
        err.keep_writes = True
        err.extra["setup_intent"] = _public(intent)
        raise
    if intent.get("customer") and not method.get("customer"):
        methods.attach(ctx, method, intent["customer"])
    intent.update(status="succeeded", last_setup_error=None)
    ctx.emit("setup_intent.succeeded", intent)


@registry.action("confirm", "payment_intent", "setup_intent")
def _intent_confirm(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    confirm(ctx, intent, params)
    ctx.save(intent)
    return intent


@registry.action("capture", "payment_intent")
def _payment_intent_capture(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(intent, ("requires_capture",), "capture")
    capturable = int(intent.get("amount_capturable") or 0)
    amount = int(params.get("amount_to_capture") or capturable)
    if amount > capturable:
        raise invalid("The amount to capture (%d) is greater than the amount capturable (%d) of this PaymentIntent."
                      % (amount, capturable), param="amount_to_capture", code="amount_too_large")
    charge = ctx.find(intent.get("latest_charge"), ("charge",))
    if charge is not None:
        charges.capture(ctx, charge, amount, ctx.time_for(intent))
        ctx.emit("charge.captured", charge)
    intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
    ctx.save(intent)
    ctx.emit("payment_intent.succeeded", intent)
    return intent


@registry.action("cancel", "payment_intent")
def _payment_intent_cancel(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    require_state(intent, ("requires_payment_method", "requires_capture", "requires_confirmation",
                           "requires_action", "processing"), "cancel")
    charge = ctx.find(intent.get("latest_charge"), ("charge",))
    if charge is not None and intent["status"] == "requires_capture":  # the authorization is released
        charge["amount_refunded"] = int(charge["amount"])
        charge["refunded"] = True
        ctx.save(charge)
    intent.update(status="canceled", canceled_at=ctx.time_for(intent),
                  cancellation_reason=params.get("cancellation_reason") or "requested_by_customer",
                  amount_capturable=0, next_action=None)
    ctx.save(intent)
    ctx.emit("payment_intent.canceled", intent)
    return intent
