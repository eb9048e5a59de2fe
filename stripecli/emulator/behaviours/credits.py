"""Billing credits, meters and alerts.

- A credit grant creates its credit balance transaction (``type: credit``, ``credits_granted``);
  ``void`` and ``expire`` add a debit for what is left (``credits_voided``, ``credits_expired``),
  and grants on a test clock expire when the clock passes ``expires_at`` (an ``on_clock_advance``
  hook).
- The credit balance summary adds the transactions up per currency: the ledger balance counts all,
  the available balance those already effective (``filter[type]=credit_grant`` narrows it to one
  grant).
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param, no_such

GRANT = "billing.credit_grant"
TRANSACTION = "billing.credit_balance_transaction"

registry.initial_values({
    GRANT: {"category": "paid"},
    "billing.meter": {"status": "active"},
    "billing.alert": {"status": "active"},
})

registry.status_actions({
    ("billing.alert", "activate"): ({"status": "active"}, None, ()),
    ("billing.alert", "archive"): ({"status": "archived"}, None, ()),
    ("billing.alert", "deactivate"): ({"status": "inactive"}, None, ()),
    ("billing.meter", "deactivate"): ({"status": "inactive"}, ("active",), ("status_transitions.deactivated_at",)),
    ("billing.meter", "reactivate"): ({"status": "active"}, ("inactive",), ()),
})


def _amount_value(amount: Any) -> tuple[str | None, int]:
    if not isinstance(amount, dict):
        return None, 0
    monetary = amount.get("monetary") or {}
    return monetary.get("currency"), int(monetary.get("value") or 0)


@registry.hook("before_create", GRANT)
def _grant_create(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> None:
    if not params.get("customer") and not params.get("customer_account"):
        raise missing_param("customer")
    amount = params.get("amount") or {}
    if amount.get("type") == "monetary" and not amount.get("monetary"):
        raise missing_param("amount[monetary]")
    grant["updated"] = grant["created"]


@registry.hook("after_create", GRANT)
def _grant_created(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> None:
    effective = grant.get("effective_at") or grant["created"]
    ctx.create(
        TRANSACTION,
        {
            "credit": {"amount": grant["amount"], "type": "credits_granted", "credits_application_invoice_voided": None},
            "credit_grant": grant["id"],
            "debit": None,
            "effective_at": effective,
            "test_clock": grant.get("test_clock"),
            "type": "credit",
        },
        parent=grant.get("customer") or grant.get("customer_account"),
        created=grant["created"],
    )


def _grant_remaining(ctx: Context, grant: dict[str, Any]) -> int:
    total = 0
    for txn in ctx.scan(TRANSACTION, where={"credit_grant": grant["id"]}):
        if txn.get("type") == "credit":
            total += _amount_value((txn.get("credit") or {}).get("amount"))[1]
        elif txn.get("type") == "debit":
            total -= _amount_value((txn.get("debit") or {}).get("amount"))[1]
    return total


def _debit_remaining(ctx: Context, grant: dict[str, Any], kind: str, at: int) -> None:
    remaining = _grant_remaining(ctx, grant)
    currency, _ = _amount_value(grant.get("amount"))
    if remaining <= 0:
        return
    ctx.create(
        TRANSACTION,
        {
            "credit": None,
            "credit_grant": grant["id"],
            "debit": {"amount": {"monetary": {"currency": currency, "value": remaining}, "type": "monetary"},
                      "type": kind, "credits_applied": None},
            "effective_at": at,
            "test_clock": grant.get("test_clock"),
            "type": "debit",
        },
        parent=grant.get("customer") or grant.get("customer_account"),
        created=at,
    )


@registry.action("void", GRANT)
def _grant_void(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if grant.get("voided_at"):
        raise invalid("The credit grant %s has already been voided." % grant["id"])
    now = ctx.time_for(grant)
    _debit_remaining(ctx, grant, "credits_voided", now)
    grant["voided_at"] = now
    grant["updated"] = now
    ctx.save(grant)
    return grant


@registry.action("expire", GRANT)
def _grant_expire(ctx: Context, grant: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if grant.get("voided_at"):
        raise invalid("The credit grant %s has been voided and cannot expire." % grant["id"])
    if grant.get("_expired"):
        raise invalid("The credit grant %s has already expired." % grant["id"])
    now = ctx.time_for(grant)
    _debit_remaining(ctx, grant, "credits_expired", now)
    grant["expires_at"] = now
    grant["updated"] = now
    grant["_expired"] = True
    ctx.save(grant)
    return grant


@registry.on_clock_advance
def _expire_grants_on_clock(ctx: Context, clock: dict[str, Any], target: int) -> None:
    for grant in ctx.scan(GRANT, where={"test_clock": clock["id"]}):
        expires = grant.get("expires_at")
        if expires and expires <= target and not grant.get("voided_at") and not grant.get("_expired"):
            _debit_remaining(ctx, grant, "credits_expired", int(expires))
            grant["_expired"] = True
            ctx.save(grant)


@registry.hook("list", TRANSACTION)
def _transaction_list(ctx: Context, params: dict[str, Any], where: list) -> set[str]:
    owner = params.get("customer") or params.get("customer_account")
    if owner:
        where.append(("parent = ?", (owner,)))
    return {"customer", "customer_account"}


@registry.singleton("billing.credit_balance_summary")
def _credit_balance_summary(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    owner = params.get("customer") or params.get("customer_account")
    if not owner:
        raise missing_param("customer")
    customer = ctx.find(owner)
    if customer is None:
        raise no_such("customer", owner, param="customer" if params.get("customer") else "customer_account")
    filt = params.get("filter") or {}
    only_grant = filt.get("credit_grant") if filt.get("type") == "credit_grant" else None
    now = ctx.time_for(customer)
    ledger: dict[str, int] = {}
    available: dict[str, int] = {}
    for txn in ctx.scan(TRANSACTION, parent=owner):
        if only_grant and txn.get("credit_grant") != only_grant:
            continue
        if txn.get("type") == "credit":
            currency, value = _amount_value((txn.get("credit") or {}).get("amount"))
        else:
            currency, value = _amount_value((txn.get("debit") or {}).get("amount"))
            value = -value
        if currency is None:
            continue
        ledger[currency] = ledger.get(currency, 0) + value
        if (txn.get("effective_at") or 0) <= now:
            available[currency] = available.get(currency, 0) + value
        else:
            available.setdefault(currency, 0)
    balances = [
        {
            "available_balance": {"monetary": {"currency": c, "value": available.get(c, 0)}, "type": "monetary"},
            "ledger_balance": {"monetary": {"currency": c, "value": ledger[c]}, "type": "monetary"},
        }
        for c in sorted(ledger)
    ]
    return {
        "object": "billing.credit_balance_summary",
        "balances": balances,
        "customer": owner if params.get("customer") else None,
        "customer_account": params.get("customer_account"),
        "livemode": False,
    }
