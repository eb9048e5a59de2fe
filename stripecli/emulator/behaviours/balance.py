"""The balance, balance transactions and payouts: read from the ledger (``emulator/ledger.py``).

- ``GET /v1/balance`` sums the balance transactions per currency: ``available`` once their
  ``available_on`` has passed (on the test clock's time for a clock's transactions), ``pending``
  before; a transaction's ``status`` says the same.
- ``balance.available`` (the balance as ``data.object``) when incoming funds become available:
  at once for a charge whose funds skip pending (``pm_card_bypassPending``) or a won dispute, and
  when a test clock passes the ``available_on`` of its transactions, and when the wall clock
  passes it (two business days on): at the first request after that moment (``registry.on_due``),
  the emulator doing no work in the background.
- A payout takes from ``available`` (``balance_insufficient`` beyond it) and posts its negative
  transaction at once; it is ``pending`` until its ``arrival_date`` (the next business day), then
  ``paid``. Canceling a pending payout posts the reversing ``payout_cancel`` transaction.
"""

from __future__ import annotations

import time
from typing import Any

from stripecli.emulator import ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid

registry.initial_values({
    "payout": {"status": "pending", "method": "standard", "type": "bank_account", "automatic": False,
               "source_type": "card", "reconciliation_status": "not_applicable"},
})


@registry.singleton("balance")
def _balance(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    return ledger.balance(ctx, account=getattr(ctx, "stripe_account", None))


@registry.hook("list", "balance_transaction")
def _txn_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    """The platform's transactions, or with ``Stripe-Account`` the connected account's."""
    account = getattr(ctx, "stripe_account", None)
    if account:
        where.append(("json_extract(data, '$._account') = ?", (account,)))
    else:
        where.append(("json_extract(data, '$._account') IS NULL", ()))
    return set()


@registry.hook("render", "balance_transaction")
def _render_txn(ctx: Context, txn: dict[str, Any]) -> dict[str, Any]:
    out = dict(txn)
    out["status"] = ledger.status(ctx, txn)
    return out


@registry.on_due
def _funds_available_now(ctx: Context) -> None:
    ledger.announce_due(ctx, time.time())


@registry.on_clock_advance(order=registry.LAST)
def _funds_become_available(ctx: Context, clock: dict[str, Any], target: int) -> None:
    """A clock passing the ``available_on`` of its transactions' incoming funds makes them
    available: ``balance.available``, with the balance as of ``target``."""
    frozen = int(clock["frozen_time"])
    for txn in ctx.scan("balance_transaction", where={"_clock": clock["id"]}):
        if txn.get("_account") is None and int(txn["net"]) > 0 and frozen < int(txn["available_on"]) <= target:
            ledger.announce_available(ctx, {clock["id"]: target})
            return


@registry.hook("before_create", "payout")
def _payout_create(ctx: Context, payout: dict[str, Any], params: dict[str, Any]) -> None:
    currency = (params.get("currency") or ledger.account_currency()).lower()
    amount = int(params.get("amount") or 0)
    if amount < 1:
        raise invalid("Amount must be at least 1 %s." % currency, param="amount", code="amount_too_small")
    available = ledger.available_amount(ctx, currency)
    if amount > available:
        raise invalid("You have insufficient funds in your Stripe account for this transfer. Your %s balance is too "
                      "low: %d is available, %d was asked for." % (currency.upper(), available, amount),
                      code="balance_insufficient", param="amount")
    payout["currency"] = currency
    payout["arrival_date"] = ledger.available_on(ctx.now, 1)
    txn = ledger.post(ctx, amount=-amount, currency=currency, type="payout", source=payout["id"], created=ctx.now,
                      description=params.get("description") or "STRIPE PAYOUT")
    payout["balance_transaction"] = txn["id"]


@registry.hook("render", "payout")
def _render_payout(ctx: Context, payout: dict[str, Any]) -> dict[str, Any]:
    if payout.get("status") == "pending" and int(payout.get("arrival_date") or 0) <= ctx.now:
        out = dict(payout)
        out["status"] = "paid"
        return out
    return payout


@registry.action("cancel", "payout")
def _payout_cancel(ctx: Context, payout: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    shown = _render_payout(ctx, payout)
    if shown.get("status") != "pending":
        raise invalid("Payouts can only be canceled while they are pending; %s is %s." % (payout["id"], shown["status"]))
    txn = ledger.post(ctx, amount=int(payout["amount"]), currency=payout["currency"], type="payout_cancel",
                      source=payout["id"], created=ctx.now, description="Payout cancellation")
    payout["status"] = "canceled"
    payout["failure_balance_transaction"] = txn["id"]
    ctx.save(payout)
    ctx.emit("payout.canceled", payout)
    return payout
