"""Treasury money movement: every flow that moves a financial account's money makes a Treasury
transaction (``trxn_``) and its transaction entry (``trxne_``), and the account's ``balance`` is
computed from its transactions.

- Received credits add to ``cash``, received debits take from it (``posted`` at once).
- Outbound payments and transfers take the amount from ``cash`` when they are created, as Stripe
  holds it (their transaction stays ``open`` while the flow processes).
- Inbound transfers add to ``inbound_pending`` when created.
- A credit reversal (``received_credit=``) or debit reversal (``received_debit=``) carries the
  financial account, amount, currency and network of what it reverses, takes the money back
  (``cash``), and is listed by ``financial_account``.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param

FA = ("treasury.financial_account",)


def _post(ctx: Context, flow: dict[str, Any], flow_type: str, *, cash: int = 0, inbound: int = 0,
          status: str = "posted") -> None:
    fa = flow["financial_account"]
    impact = {"cash": cash, "inbound_pending": inbound, "outbound_pending": 0}
    txn = ctx.create("treasury.transaction", {
        "amount": cash or inbound, "currency": flow["currency"], "financial_account": fa, "flow": flow["id"],
        "flow_type": flow_type, "status": status, "balance_impact": dict(impact),
        "description": flow.get("description") or flow_type.replace("_", " "),
        "status_transitions": {"posted_at": ctx.now if status == "posted" else None, "void_at": None},
    })
    ctx.create("treasury.transaction_entry", {
        "balance_impact": dict(impact), "currency": flow["currency"], "effective_at": ctx.now,
        "financial_account": fa, "flow": flow["id"], "flow_type": flow_type, "transaction": txn["id"],
        "type": flow_type,
    })
    flow["transaction"] = txn["id"]


def _account(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("financial_account"):
        raise missing_param("financial_account")
    return ctx.load(params["financial_account"], FA, param="financial_account")


@registry.hook("before_create", "treasury.received_credit", "treasury.received_debit",
               "treasury.outbound_payment", "treasury.outbound_transfer", "treasury.inbound_transfer")
def _flow_create(ctx: Context, flow: dict[str, Any], params: dict[str, Any]) -> None:
    _account(ctx, params)
    flow["currency"] = str(params.get("currency") or "usd").lower()
    amount = int(params.get("amount") or 0)
    kind = flow["object"].split(".", 1)[1]
    if kind == "received_credit":
        _post(ctx, flow, kind, cash=amount)
    elif kind == "received_debit":
        _post(ctx, flow, kind, cash=-amount)
    elif kind in ("outbound_payment", "outbound_transfer"):
        _post(ctx, flow, kind, cash=-amount, status="open")
    else:
        _post(ctx, flow, kind, inbound=amount, status="open")


def _reverse(ctx: Context, reversal: dict[str, Any], params: dict[str, Any], of: str, sign: int) -> None:
    if not params.get(of):
        raise missing_param(of)
    original = ctx.load(params[of], ("treasury." + of,), param=of)
    linked = dict(original.get("linked_flows") or {})
    key = "credit_reversal" if of == "received_credit" else "debit_reversal"
    if linked.get(key):
        raise invalid("%s %s has already been reversed." % (of.replace("_", " ").capitalize(), original["id"]),
                      param=of)
    reversal.update(financial_account=original["financial_account"], amount=original["amount"],
                    currency=original["currency"], network=original.get("network"), **{of: original["id"]})
    _post(ctx, reversal, key, cash=sign * int(original["amount"]))
    linked[key] = reversal["id"]
    original["linked_flows"] = linked
    ctx.save(original)


@registry.hook("before_create", "treasury.credit_reversal")
def _credit_reversal(ctx: Context, reversal: dict[str, Any], params: dict[str, Any]) -> None:
    _reverse(ctx, reversal, params, "received_credit", -1)


@registry.hook("before_create", "treasury.debit_reversal")
def _debit_reversal(ctx: Context, reversal: dict[str, Any], params: dict[str, Any]) -> None:
    _reverse(ctx, reversal, params, "received_debit", 1)


@registry.hook("render", "treasury.financial_account")
def _render_balance(ctx: Context, fa: dict[str, Any]) -> dict[str, Any]:
    totals: dict[str, dict[str, int]] = {"cash": {}, "inbound_pending": {}, "outbound_pending": {}}
    for currency in fa.get("supported_currencies") or ["usd"]:
        for bucket in totals.values():
            bucket[currency] = 0
    for txn in ctx.scan("treasury.transaction", where={"financial_account": fa["id"]}):
        for name, value in (txn.get("balance_impact") or {}).items():
            if name in totals:
                totals[name][txn["currency"]] = totals[name].get(txn["currency"], 0) + int(value or 0)
    return dict(fa, balance=totals)
