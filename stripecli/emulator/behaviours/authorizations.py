"""Issuing authorizations and transactions, as their amounts move (the test helpers' flow).

- An authorization (``POST /v1/test_helpers/issuing/authorizations``) is ``pending`` for
  ``amount`` on the card, in the card's currency, with its cardholder.
- ``increment`` adds ``increment_amount``; ``finalize_amount`` sets the final amount; ``reverse``
  with a ``reverse_amount`` below what is pending keeps it ``pending`` at the rest, and reverses
  it (``reversed``, amount 0) otherwise.
- ``capture`` closes it and makes an Issuing transaction (``ipi_``, ``type: capture``, the
  negative captured amount, as Issuing counts money leaving the balance), listed in the
  authorization's ``transactions``; a force capture or an unlinked refund makes one without an
  authorization; refunding a transaction makes a ``refund`` transaction.
"""

from __future__ import annotations

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
    auth.update(amount=amount, merchant_amount=amount, currency=currency, merchant_currency=currency,
                card=card["id"], cardholder=_holder(card), status="pending", approved=True, transactions=[],
                request_history=[], balance_transactions=[])


def _make_transaction(ctx: Context, *, card: dict[str, Any], amount: int, currency: str, kind: str,
                      authorization: dict[str, Any] | None = None, merchant: dict[str, Any] | None = None
                      ) -> dict[str, Any]:
    return ctx.create("issuing.transaction", {
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
                            authorization=auth)
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


@registry.hook("before_create", "issuing.transaction")
def _transaction_create(ctx: Context, txn: dict[str, Any], params: dict[str, Any]) -> None:
    card = _card(ctx, params.get("card"))
    amount = int(params.get("amount") or 0)
    refund = ctx.route is not None and "refund" in ctx.route.verb
    currency = str(params.get("currency") or card.get("currency") or "usd").lower()
    txn.update(amount=amount if refund else -amount, merchant_amount=amount if refund else -amount,
               currency=currency, merchant_currency=currency, card=card["id"], cardholder=_holder(card),
               type="refund" if refund else "capture", authorization=None)


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
