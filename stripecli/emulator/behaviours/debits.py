"""Bank debits (SEPA Direct Debit): payments that are ``processing`` for a while, then clear or fail.

- ``POST /v1/payment_methods`` (or ``payment_method_data``) with ``type=sepa_debit`` and
  ``sepa_debit[iban]`` keeps the bank code, country and last4 (``methods.other_details``).
- Confirming a payment intent with such a method (in ``eur``, with ``mandate_data`` or a
  ``mandate``) makes a ``mandate`` and a ``pending`` charge; the intent is ``processing``
  (``charge.pending``, ``payment_intent.processing``).
- The debit clears or fails later, as on Stripe, by its test IBAN (Stripe's test numbers):
  ``AT611904300234573201`` (and any other IBAN) succeeds, ``AT321904300235473204`` succeeds after
  three minutes, ``AT861904300235473202`` fails, ``AT051904300235473205`` fails after three
  minutes, ``AT591904300235473203`` succeeds and is disputed at once. "Later" is the emulator's
  asynchronous delay (``STRIPECLI_EMULATOR_ADVANCE_SECONDS``, as for test clocks) or the three
  minutes; the work is done before the first request that comes after it is due
  (``registry.on_due``): the charge ``succeeded`` with its ``payment`` balance transaction
  (``charge.succeeded``, ``payment_intent.succeeded``), or ``failed`` with the intent back in
  ``requires_payment_method`` (``charge.failed``, ``payment_intent.payment_failed``).
"""

from __future__ import annotations

import time
from typing import Any

from stripecli.emulator.behaviours import charges, payments, registry
from stripecli.emulator.behaviours.common import append_due, finish_due
from stripecli.emulator.behaviours.disputes import open_dispute
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, invalid

METHOD = "sepa_debit"
LATER = 180  # "after at least three minutes"
# test IBAN -> (outcome, seconds after the confirmation; None: the emulator's asynchronous delay)
OUTCOMES: dict[str, tuple[str, int | None]] = {
    "AT611904300234573201": ("succeeded", None),
    "AT321904300235473204": ("succeeded", LATER),
    "AT861904300235473202": ("failed", None),
    "AT051904300235473205": ("failed", LATER),
    "AT591904300235473203": ("disputed", None),
}
FAILURE = ("insufficient_funds", "The customer's account has insufficient funds to cover this payment.")
DUE = "_due:debits"  # the one row listing the debits still to clear: a key read before each request


@payments.confirms(METHOD)
def _confirm(ctx: Context, intent: dict[str, Any], method: dict[str, Any], params: dict[str, Any]) -> None:
    if str(intent.get("currency") or "").lower() != "eur":
        raise invalid("The currency provided (%s) is invalid. Payments with sepa_debit support the following "
                      "currencies: eur." % intent.get("currency"), param="currency")
    acceptance = (params.get("mandate_data") or {}).get("customer_acceptance")
    mandate = ctx.find(params.get("mandate"), ("mandate",)) if params.get("mandate") else None
    if not acceptance and mandate is None:
        raise EmulatorError(400, "A mandate is required to confirm a sepa_debit payment: pass mandate_data"
                                 "[customer_acceptance] (or an existing mandate).", param="mandate_data",
                            code="parameter_missing")
    at = ctx.time_for(intent)
    if mandate is None:
        online = acceptance.get("online") if isinstance(acceptance.get("online"), dict) else None
        mandate = ctx.create("mandate", {
            "customer_acceptance": {"type": acceptance.get("type") or ("online" if online else "offline"),
                                    "accepted_at": int(acceptance.get("accepted_at") or at),
                                    "online": online, "offline": {} if not online else None},
            "payment_method": method["id"], "status": "active", "type": "single_use",
            "single_use": {"amount": int(intent["amount"]), "currency": "eur"},
            "payment_method_details": {"type": METHOD, METHOD: {"reference": mandate_reference(intent),
                                                                "url": None}},
        }, created=at)
    details = dict(method.get(METHOD) or {}, mandate=mandate["id"])
    charge = charges.paid_without_card(ctx, intent, dict(method, **{METHOD: details}), at, status="pending")
    intent.update(status="processing", latest_charge=charge["id"], last_payment_error=None,
                  processing=None)
    outcome, delay = OUTCOMES.get(method.get("_iban") or "", ("succeeded", None))
    _schedule(ctx, intent["id"], time.time() + (ctx.advance_seconds if delay is None else delay), outcome)
    ctx.emit("charge.pending", charge)
    ctx.emit("payment_intent.processing", intent)


def mandate_reference(intent: dict[str, Any]) -> str:
    return intent["id"].split("_", 1)[-1][:16].upper()


# -- clearing, later ----------------------------------------------------------------------------


def _schedule(ctx: Context, intent_id: str, due_at: float, outcome: str) -> None:
    append_due(ctx, DUE, "debits", [intent_id, due_at, outcome])


@registry.on_due
def _clear_due(ctx: Context) -> None:
    """Clears (or fails) the debits whose time has come, in one transaction of their own."""
    row = ctx.store.get(DUE)
    if row is None:
        return
    now = time.time()
    if not any(float(due_at) <= now for _, due_at, _ in row.data.get("debits") or []):
        return

    def done(item: list[Any]) -> bool:
        intent_id, due_at, outcome = item
        if float(due_at) > now:
            return False
        intent = ctx.find(intent_id, ("payment_intent",))
        if intent is not None and intent.get("status") == "processing":
            _clear(ctx, intent, outcome)
        return True

    finish_due(ctx, DUE, "debits", done)


def _clear(ctx: Context, intent: dict[str, Any], outcome: str) -> None:
    charge = ctx.find(intent.get("latest_charge"), ("charge",))
    if charge is None:
        return
    at = ctx.time_for(intent)
    if outcome == "failed":
        code, message = FAILURE
        charge.update(status="failed", failure_code=code, failure_message=message)
        charge["outcome"] = dict(charge.get("outcome") or {}, network_status="declined_by_network",
                                 type="issuer_declined", reason=code, seller_message=message)
        ctx.save(charge, event="charge.failed")
        method = ctx.find(intent.get("payment_method"), ("payment_method",)) or {}
        error = {"type": "card_error", "code": code, "message": message,
                 "charge": charge["id"], "payment_method": {k: v for k, v in method.items() if not k.startswith("_")}}
        intent.update(status="requires_payment_method", payment_method=None, last_payment_error=error)
        ctx.save(intent)
        ctx.emit("payment_intent.payment_failed", intent)
        _settled(ctx, intent)
        return
    charges.settle_pending(ctx, charge, at)
    ctx.save(charge, event="charge.succeeded")  # the pending charge's change is its success
    intent.update(status="succeeded", amount_received=int(intent["amount"]))
    ctx.save(intent)
    ctx.emit("payment_intent.succeeded", intent)
    _settled(ctx, intent)
    if outcome == "disputed":
        open_dispute(ctx, charge, "general", at)
        ctx.save(charge)


def _settled(ctx: Context, intent: dict[str, Any]) -> None:
    """Tell what waited on the debit (a Checkout Session) that it has ended."""
    for fn in registry.hooks("settled", "payment_intent"):
        fn(ctx, intent)
