"""Connect's money: transfers and their reversals, destination charges, application fees and their
refunds. Each movement posts a balance transaction on the platform and the opposite one on the
connected account (``ledger`` keeps them apart by account), so a connected account's balance
(``GET /v1/balance`` with ``Stripe-Account``) is computed like the platform's.

- ``POST /v1/transfers`` takes from the platform's available balance (``balance_insufficient``
  beyond it); the funds are available to the connected account at once.
- A reversal (``/v1/transfers/{id}/reversals``) returns at most what is left of the transfer;
  the transfer's change (``amount_reversed``, ``reversed`` once nothing is left) is
  ``transfer.reversed``, partial reversals included, as in Stripe.
- A payment intent with ``transfer_data[destination]`` (a destination charge) transfers the
  captured amount less ``application_fee_amount`` to the account; with ``application_fee_amount``
  it makes an ``application_fee`` (``fee_``) the platform keeps, refundable through
  ``/v1/application_fees/{id}/refunds`` (at most what is left; the refund goes back to the account).
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import list_object
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param

registry.initial_values({
    "application_fee": {"amount_refunded": 0, "refunded": False},
})


def _account(ctx: Context, account_id: Any, param: str) -> dict[str, Any]:
    return ctx.load(account_id, ("account",), param=param)


def move(ctx: Context, *, amount: int, currency: str, account: str, at: int, source: str, kind: str,
         description: str | None = None, clock: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``amount`` from the platform to ``account`` (negative: back): the platform's transaction
    and the account's."""
    out = ledger.post(ctx, amount=-amount, currency=currency, type=kind, source=source, created=at,
                      description=description, clock=clock)
    into = ledger.post(ctx, amount=amount, currency=currency, type="payment" if kind == "transfer" else kind,
                       source=source, created=at, description=description, clock=clock, account=account)
    return out, into


@registry.hook("before_create", "transfer")
def _transfer_create(ctx: Context, transfer: dict[str, Any], params: dict[str, Any]) -> None:
    if not params.get("amount"):
        raise missing_param("amount")
    account = _account(ctx, params.get("destination"), "destination")
    currency = str(params.get("currency") or "usd").lower()
    amount = int(params["amount"])
    available = ledger.available_amount(ctx, currency)
    if amount > available:
        raise invalid("Insufficient funds in Stripe account. In test mode, you can add funds to your available "
                      "balance (bypassing your pending balance) by creating a charge with 4000 0000 0000 0077 as the "
                      "card number. You can use the /v1/balance endpoint to view your Stripe balance (for more "
                      "details, see stripe.com/docs/api#balance).", code="balance_insufficient", param="amount")
    out, into = move(ctx, amount=amount, currency=currency, account=account["id"], at=ctx.now, source=transfer["id"],
                     kind="transfer", description=params.get("description"))
    transfer.update(currency=currency, balance_transaction=out["id"], destination_payment=into["id"],
                    amount_reversed=0, reversed=False, source_type="card")


@registry.hook("render", "transfer")
def _render_transfer(ctx: Context, transfer: dict[str, Any]) -> dict[str, Any]:
    reversals = [row.data for row in ctx.store.children(transfer["id"], ["transfer_reversal"])]
    return dict(transfer, reversals=list_object(reversals, "/v1/transfers/%s/reversals" % transfer["id"]))


@registry.hook("before_create", "transfer_reversal")
def _reversal_create(ctx: Context, reversal: dict[str, Any], params: dict[str, Any]) -> str:
    transfer = ctx.load(ctx.values.get("id") or params.get("transfer"), ("transfer",), param="id")
    left = int(transfer["amount"]) - int(transfer.get("amount_reversed") or 0)
    amount = int(params["amount"]) if params.get("amount") is not None else left
    if left <= 0:
        raise invalid("Transfer %s has already been fully reversed." % transfer["id"])
    if amount > left:
        raise invalid("Reversal amount (%d) is greater than the amount left on transfer %s (%d)."
                      % (amount, transfer["id"], left), param="amount", code="amount_too_large")
    out, _ = move(ctx, amount=-amount, currency=transfer["currency"], account=transfer["destination"], at=ctx.now,
                  source=reversal["id"], kind="transfer_refund")
    reversal.update(amount=amount, currency=transfer["currency"], transfer=transfer["id"],
                    balance_transaction=out["id"])
    transfer["amount_reversed"] = int(transfer.get("amount_reversed") or 0) + amount
    transfer["reversed"] = transfer["amount_reversed"] >= int(transfer["amount"])
    ctx.save(transfer, event="transfer.reversed")
    return transfer["id"]


def destination_payment(ctx: Context, charge: dict[str, Any], amount: int, at: int) -> None:
    """A captured destination charge: the transfer to the account, and the application fee."""
    destination = (charge.get("transfer_data") or {}).get("destination")
    if not destination:
        return
    fee = int(charge.get("application_fee_amount") or 0)
    transfer = ctx.build("transfer", {"amount": amount - fee, "currency": charge["currency"],
                                      "destination": destination, "source_transaction": charge["id"],
                                      "amount_reversed": 0, "reversed": False, "source_type": "card"}, created=at)
    out, into = move(ctx, amount=amount - fee, currency=charge["currency"], account=destination, at=at,
                     source=transfer["id"], kind="transfer", clock=charge.get("_clock"))
    transfer.update(balance_transaction=out["id"], destination_payment=into["id"])
    ctx.insert(transfer)
    charge["transfer"] = transfer["id"]
    if fee:
        app_fee = ctx.build("application_fee", {
            "account": destination, "amount": fee, "amount_refunded": 0, "charge": charge["id"],
            "currency": charge["currency"], "refunded": False, "originating_transaction": charge["id"],
            "balance_transaction": None,
        }, created=at)
        ctx.insert(app_fee)
        charge["application_fee"] = app_fee["id"]


@registry.hook("render", "application_fee")
def _render_fee(ctx: Context, fee: dict[str, Any]) -> dict[str, Any]:
    refunds = [row.data for row in ctx.store.children(fee["id"], ["fee_refund"])]
    return dict(fee, refunds=list_object(refunds, "/v1/application_fees/%s/refunds" % fee["id"]))


@registry.hook("before_create", "fee_refund")
def _fee_refund_create(ctx: Context, refund: dict[str, Any], params: dict[str, Any]) -> str:
    fee = ctx.load(ctx.values.get("id"), ("application_fee",), param="id")
    left = int(fee["amount"]) - int(fee.get("amount_refunded") or 0)
    amount = int(params["amount"]) if params.get("amount") is not None else left
    if left <= 0:
        raise invalid("Application fee %s has already been refunded." % fee["id"], code="charge_already_refunded")
    if amount > left:
        raise invalid("Refund amount (%d) is greater than the amount left on application fee %s (%d)."
                      % (amount, fee["id"], left), param="amount", code="amount_too_large")
    out, _ = move(ctx, amount=amount, currency=fee["currency"], account=fee["account"], at=ctx.now,
                  source=refund["id"], kind="application_fee_refund")
    refund.update(amount=amount, currency=fee["currency"], fee=fee["id"], balance_transaction=out["id"])
    fee["amount_refunded"] = int(fee.get("amount_refunded") or 0) + amount
    fee["refunded"] = fee["amount_refunded"] >= int(fee["amount"])
    ctx.save(fee)
    ctx.emit("application_fee.refunded", fee)
    return fee["id"]
