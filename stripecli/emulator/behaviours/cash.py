"""Customers' cash balances: bank transfers into them, and payment intents paid from them.

- ``POST /v1/customers/{id}/funding_instructions`` answers the account numbers the customer
  transfers to (made up for the emulator, the same for a customer every time).
- A payment intent confirmed with the ``customer_balance`` payment method (a customer is
  required) takes what the customer's cash balance holds in its currency; what is left to pay
  waits in ``requires_action`` with ``next_action.display_bank_transfer_instructions``
  (``amount_remaining``, ``reference``, the financial addresses). Paid in full it ``succeeded``:
  a charge (no card fee: fees of other payment methods are not modelled) and its balance
  transaction.
- ``POST /v1/test_helpers/customers/{id}/fund_cash_balance`` (Stripe's test helper for an
  incoming transfer) records a ``funded`` cash balance transaction. With the balance's
  ``reconciliation_mode`` ``automatic`` (the default), the funds then go to the customer's
  waiting payment intents in that currency (the one whose ``reference`` the transfer names, else
  the oldest first), each an ``applied_to_payment`` transaction: one paid in part is
  ``payment_intent.partially_funded``, one paid in full ``payment_intent.succeeded``. If money
  is left in the balance afterwards (in ``manual`` mode: whenever funds arrive),
  ``cash_balance.funds_available``. ``POST /v1/payment_intents/{id}/apply_customer_balance``
  applies funds to one payment intent by hand.
- A refund of such a payment goes back into the cash balance (a ``refunded_from_payment``
  transaction; the refund's ``destination_details.type`` is ``customer_cash_balance``), with
  ``cash_balance.funds_available``.
- The cash balance (``GET /v1/customers/{id}/cash_balance``) keeps ``available`` per currency.
"""

from __future__ import annotations

import hashlib
from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import charges, payments, registry
from stripecli.emulator.behaviours.common import initial
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid

registry.initial_values({
    "cash_balance": {"settings": {"reconciliation_mode": "automatic", "using_merchant_default": True}},
})

METHOD = "customer_balance"
INSTRUCTIONS = "display_bank_transfer_instructions"
COUNTRIES = {"us_bank_transfer": "US", "eu_bank_transfer": None, "gb_bank_transfer": "GB", "jp_bank_transfer": "JP",
             "mx_bank_transfer": "MX"}


def _digits(seed: str, n: int) -> str:
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[:n]


def financial_addresses(customer_id: str, transfer_type: str, country: str | None) -> list[dict[str, Any]]:
    """Where the customer sends money, for one kind of bank transfer (made up, stable per customer)."""
    number = _digits(customer_id + transfer_type, 12)
    if transfer_type == "us_bank_transfer":
        return [{"type": "aba", "supported_networks": ["ach", "domestic_wire_us"],
                 "aba": {"account_number": number, "bank_name": "STRIPE TEST BANK", "routing_number": "110000000",
                         "account_holder_name": "Stripe emulator", "account_type": "checking"}}]
    if transfer_type == "gb_bank_transfer":
        return [{"type": "sort_code", "supported_networks": ["bacs", "fps"],
                 "sort_code": {"account_holder_name": "Stripe emulator", "account_number": number[:8],
                               "sort_code": "108800"}}]
    if transfer_type == "jp_bank_transfer":
        return [{"type": "zengin", "supported_networks": ["zengin"],
                 "zengin": {"account_holder_name": "STRIPE EMULATOR", "account_number": number[:7],
                            "account_type": "futsu", "bank_code": "0001", "bank_name": "TEST BANK",
                            "branch_code": "001", "branch_name": "TEST BRANCH"}}]
    if transfer_type == "mx_bank_transfer":
        return [{"type": "spei", "supported_networks": ["spei"],
                 "spei": {"bank_code": "002", "bank_name": "TEST BANK", "clabe": "002" + number + "123"}}]
    return [{"type": "iban", "supported_networks": ["sepa"],
             "iban": {"account_holder_name": "Stripe emulator", "bic": "TESTDEFFXXX",
                      "country": country or "DE", "iban": "%s89370400%s" % (country or "DE", number[:10])}}]


@registry.hook("before_create", "funding_instructions")
def _funding_instructions(ctx: Context, instructions: dict[str, Any], params: dict[str, Any]) -> None:
    customer = ctx.load(ctx.values.get("customer") or params.get("customer"), ("customer",), param="customer")
    transfer = params.get("bank_transfer") or {}
    kind = transfer.get("type")
    if kind not in COUNTRIES:
        raise invalid("Invalid bank_transfer[type]: must be one of %s." % ", ".join(COUNTRIES), param="bank_transfer[type]")
    country = COUNTRIES[kind] or (transfer.get("eu_bank_transfer") or {}).get("country") or "DE"
    instructions["bank_transfer"] = {"country": country, "type": kind,
                                     "financial_addresses": financial_addresses(customer["id"], kind, country)}


# -- the cash balance ---------------------------------------------------------------------------


def _key(customer_id: str) -> str:
    return "_cash_balance:" + customer_id  # where GET /v1/customers/{id}/cash_balance finds it


def cash_balance(ctx: Context, customer: dict[str, Any]) -> dict[str, Any]:
    """The customer's stored cash balance (a new one, not yet stored, if it has none)."""
    found = ctx.find(_key(customer["id"]), ("cash_balance",))
    if found is not None:
        return found
    balance = ctx.build("cash_balance", {"customer": customer["id"], "available": None},
                        object_id=_key(customer["id"]))
    initial(ctx, balance)
    return balance


def _store(ctx: Context, balance: dict[str, Any]) -> None:
    if ctx.find(balance["id"], ("cash_balance",)) is None:
        ctx.insert(balance, parent=balance["customer"])
    else:
        ctx.save(balance)


def _available(balance: dict[str, Any], currency: str) -> int:
    return int((balance.get("available") or {}).get(currency) or 0)


def _move(ctx: Context, balance: dict[str, Any], currency: str, amount: int, kind: str, at: int,
          details: dict[str, Any]) -> dict[str, Any]:
    """One cash balance transaction of ``amount`` (negative: out of the balance), the balance kept."""
    ending = _available(balance, currency) + amount
    available = dict(balance.get("available") or {})
    available[currency] = ending
    balance["available"] = available
    txn = ctx.build("customer_cash_balance_transaction", {
        "currency": currency, "customer": balance["customer"], "net_amount": amount, "ending_balance": ending,
        "type": kind, kind: details}, created=at)
    ctx.insert(txn, parent=balance["customer"])
    return txn


def _reconciliation(balance: dict[str, Any]) -> str:
    return (balance.get("settings") or {}).get("reconciliation_mode") or "automatic"


# -- payment intents paid from the balance ------------------------------------------------------


def _remaining(intent: dict[str, Any]) -> int:
    shown = ((intent.get("next_action") or {}).get(INSTRUCTIONS) or {}).get("amount_remaining")
    return int(intent["amount"]) if shown is None else int(shown)


def _apply(ctx: Context, balance: dict[str, Any], intent: dict[str, Any], amount: int, at: int) -> None:
    """``amount`` of the balance to ``intent``: paid in full it succeeds, else it is partially funded."""
    currency = intent["currency"]
    _move(ctx, balance, currency, -amount, "applied_to_payment", at, {"payment_intent": intent["id"]})
    left = _remaining(intent) - amount
    if left > 0:
        intent["next_action"][INSTRUCTIONS]["amount_remaining"] = left
        ctx.save(intent)
        ctx.emit("payment_intent.partially_funded", intent)
        return
    method = ctx.find(intent.get("payment_method"), ("payment_method",)) or {"id": intent.get("payment_method"),
                                                                             "type": METHOD}
    charge = charges.paid_without_card(ctx, intent, method, at)
    intent.update(status="succeeded", amount_received=int(intent["amount"]), next_action=None,
                  latest_charge=charge["id"])
    ctx.save(intent)
    ctx.emit("charge.succeeded", charge)
    ctx.emit("payment_intent.succeeded", intent)


@payments.confirms(METHOD)
def _confirm(ctx: Context, intent: dict[str, Any], method: dict[str, Any], params: dict[str, Any]) -> None:
    customer = ctx.find(intent.get("customer"), ("customer",))
    if customer is None:
        raise invalid("A customer is required to pay with the customer_balance payment method: pass customer.",
                      param="customer")
    options = ((params.get("payment_method_options") or intent.get("payment_method_options") or {}).get(METHOD)
               or {})
    transfer_type = (options.get("bank_transfer") or {}).get("type") or "us_bank_transfer"
    if transfer_type not in COUNTRIES:
        raise invalid("Invalid payment_method_options[customer_balance][bank_transfer][type]: must be one of %s."
                      % ", ".join(COUNTRIES), param="payment_method_options[customer_balance][bank_transfer][type]")
    at = ctx.time_for(intent)
    intent["status"] = "requires_action"
    intent["next_action"] = {"type": INSTRUCTIONS, INSTRUCTIONS: {
        "amount_remaining": int(intent["amount"]), "currency": intent["currency"], "type": transfer_type,
        "reference": schema.random_token(12).upper(), "hosted_instructions_url": None,
        "financial_addresses": financial_addresses(customer["id"], transfer_type, COUNTRIES[transfer_type])}}
    balance = cash_balance(ctx, customer)
    funds = _available(balance, intent["currency"])
    if funds > 0:
        _apply(ctx, balance, intent, min(funds, int(intent["amount"])), at)
        _store(ctx, balance)
    if intent["status"] == "requires_action":
        ctx.emit("payment_intent.requires_action", intent)


def _waiting(ctx: Context, customer_id: str, currency: str, reference: str | None) -> list[dict[str, Any]]:
    """The customer's payment intents waiting for a transfer in ``currency``: the one ``reference``
    names first, then the oldest first."""
    found = [i for i in ctx.scan("payment_intent", where={"customer": customer_id, "status": "requires_action"})
             if i.get("currency") == currency and (i.get("next_action") or {}).get("type") == INSTRUCTIONS]
    found.sort(key=lambda i: (((i["next_action"][INSTRUCTIONS].get("reference") or "") != reference),
                              int(i.get("created") or 0), i["id"]))
    return found


@registry.action("fund-cash-balance", "customer")
def _fund(ctx: Context, customer: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    amount = int(params["amount"])
    if amount < 1:
        raise invalid("Invalid amount: the transfer must be of at least 1.", param="amount")
    currency = str(params["currency"]).lower()
    at = ctx.time_for(customer)
    reference = params.get("reference") or None
    balance = cash_balance(ctx, customer)
    funded = _move(ctx, balance, currency, amount, "funded", at, {"bank_transfer": {
        "type": "eu_bank_transfer" if currency == "eur" else "us_bank_transfer", "reference": reference,
        "us_bank_transfer": {"network": "ach", "sender_name": "Stripe emulator"} if currency != "eur" else None,
        "eu_bank_transfer": {"bic": None, "iban_last4": None, "sender_name": "Stripe emulator"}
        if currency == "eur" else None}})
    if _reconciliation(balance) == "automatic":
        for intent in _waiting(ctx, customer["id"], currency, reference):
            funds = _available(balance, currency)
            if funds <= 0:
                break
            _apply(ctx, balance, intent, min(funds, _remaining(intent)), at)
    _store(ctx, balance)
    if _available(balance, currency) > 0:
        ctx.emit("cash_balance.funds_available", balance)
    return funded


@registry.hook("after_create", "refund")
def _refund_to_cash_balance(ctx: Context, refund: dict[str, Any], params: dict[str, Any]) -> None:
    """A refund of a payment made from the cash balance goes back into it (``refunded_from_payment``)."""
    charge = ctx.find(refund.get("charge"), ("charge",)) or {}
    customer = ctx.find(charge.get("customer"), ("customer",))
    if (charge.get("payment_method_details") or {}).get("type") != METHOD or customer is None:
        return
    balance = cash_balance(ctx, customer)
    _move(ctx, balance, refund["currency"], int(refund["amount"]), "refunded_from_payment", ctx.time_for(customer),
          {"refund": refund["id"]})
    _store(ctx, balance)
    refund["destination_details"] = {"type": "customer_cash_balance", "customer_cash_balance": {}}
    ctx.save(refund)
    ctx.emit("cash_balance.funds_available", balance)


@registry.action("apply-customer-balance", "payment_intent")
def _apply_by_hand(ctx: Context, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if intent.get("status") != "requires_action" or (intent.get("next_action") or {}).get("type") != INSTRUCTIONS:
        raise invalid("Only a payment intent waiting for a bank transfer (customer_balance, requires_action) can "
                      "take funds from the customer's cash balance; %s is %s." % (intent["id"], intent.get("status")))
    customer = ctx.load(intent.get("customer"), ("customer",), param="customer")
    balance = cash_balance(ctx, customer)
    funds = _available(balance, intent["currency"])
    amount = int(params["amount"]) if params.get("amount") not in (None, "") else min(funds, _remaining(intent))
    if amount < 1 or amount > funds or amount > _remaining(intent):
        raise invalid("Invalid amount: %d is not between 1 and what both the cash balance (%d) and the payment "
                      "intent (%d) allow." % (amount, funds, _remaining(intent)), param="amount")
    _apply(ctx, balance, intent, amount, ctx.time_for(intent))
    _store(ctx, balance)
    return intent
