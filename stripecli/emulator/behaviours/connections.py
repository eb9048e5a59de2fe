"""Financial Connections in test mode: a session links one account at Stripe's test institution
(StripeBank, a checking account ending 6789) for its account holder, with the permissions asked;
the account's owner is listed under its ``ownership``; ``subscribe``/``refresh`` with
``transactions`` load the test institution's transactions, ``refresh`` with ``balance`` computes the
balance from them; ``unsubscribe`` stops, ``disconnect`` ends the link."""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import list_object
from stripecli.emulator.context import Context

ACCOUNT = "financial_connections.account"
# what StripeBank's test checking account holds: (days before linking, description, amount)
TEST_TRANSACTIONS = ((9, "Payroll deposit", 250_000), (6, "Rent", -120_000), (3, "Groceries", -8_450),
                     (1, "Coffee", -450))


@registry.hook("after_create", "financial_connections.session")
def _link(ctx: Context, session: dict[str, Any], params: dict[str, Any]) -> None:
    holder = dict(params.get("account_holder") or {})
    holder.setdefault("account", None)
    holder.setdefault("customer", None)
    ownership = "fcaowns_" + schema.random_token(24)
    account = ctx.create(ACCOUNT, {
        "account_holder": holder, "category": "cash", "subcategory": "checking", "display_name": "Checking",
        "institution_name": "StripeBank", "last4": "6789", "status": "active", "ownership": ownership,
        "permissions": list(params.get("permissions") or []), "subscriptions": [],
        "supported_payment_method_types": ["link", "us_bank_account"], "balance": None, "balance_refresh": None,
        "transaction_refresh": None, "ownership_refresh": {"last_attempted_at": session_time(ctx), "status": "succeeded"},
    })
    customer = ctx.find(holder.get("customer"), ("customer",)) or {}
    ctx.create("financial_connections.account_owner", {
        "ownership": ownership, "name": customer.get("name") or customer.get("email") or "Account holder",
        "email": customer.get("email"), "phone": customer.get("phone"), "raw_address": None,
        "refreshed_at": session_time(ctx)}, parent=account["id"])
    session["accounts"] = list_object([account], "/v1/financial_connections/accounts")
    ctx.save(session)


def session_time(ctx: Context) -> int:
    return ctx.now


def _load_transactions(ctx: Context, account: dict[str, Any]) -> None:
    if ctx.scan("financial_connections.transaction", where={"account": account["id"]}):
        return
    for days, description, amount in TEST_TRANSACTIONS:
        at = account["created"] - days * 86400
        ctx.create("financial_connections.transaction", {
            "account": account["id"], "amount": amount, "currency": "usd", "description": description,
            "status": "posted", "status_transitions": {"posted_at": at, "void_at": None}, "transacted_at": at,
            "transaction_refresh": "fctxnref_" + schema.random_token(24), "updated": at}, created=at)
    account["transaction_refresh"] = {"id": "fctxnref_" + schema.random_token(24), "last_attempted_at": ctx.now,
                                      "next_refresh_available_at": None, "status": "succeeded"}


def _refresh(ctx: Context, account: dict[str, Any], features: list[str]) -> None:
    if "transactions" in features:
        _load_transactions(ctx, account)
    if "balance" in features:
        total = sum(int(t["amount"]) for t in ctx.scan("financial_connections.transaction",
                                                        where={"account": account["id"]}))
        account["balance"] = {"as_of": ctx.now, "type": "cash", "cash": {"available": {"usd": total}},
                              "credit": None, "current": {"usd": total}}
        account["balance_refresh"] = {"last_attempted_at": ctx.now, "next_refresh_available_at": None,
                                      "status": "succeeded"}


@registry.action("subscribe", ACCOUNT)
def _subscribe(ctx: Context, account: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    features = list(params.get("features") or [])
    account["subscriptions"] = sorted(set(account.get("subscriptions") or []) | set(features))
    _refresh(ctx, account, features)
    ctx.save(account)
    return account


@registry.action("refresh", ACCOUNT)
def _refresh_action(ctx: Context, account: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    _refresh(ctx, account, list(params.get("features") or []))
    ctx.save(account)
    return account


@registry.action("unsubscribe", ACCOUNT)
def _unsubscribe(ctx: Context, account: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    account["subscriptions"] = [f for f in account.get("subscriptions") or [] if f not in (params.get("features") or [])]
    ctx.save(account)
    return account
