"""Money is a ledger: balance transactions are written, ``balance`` is computed from them.

Every movement (a captured charge, a refund, a dispute, a payout, a transfer, an application fee)
posts one ``balance_transaction`` with ``amount``, ``fee``, ``net = amount - fee`` and
``available_on``. The balance of a currency is the sum of the nets: ``available`` for those whose
``available_on`` has passed, ``pending`` for the others. "Now" is the test clock's frozen time for
a transaction made on a clock (a charge of a customer on a clock), so advancing the clock makes
its funds available; otherwise it is the wall clock.

Card fees follow ``card_fees.json`` (Stripe's standard pricing for the account's country; see
``fee_for``). The emulator's own account is in ``ACCOUNT_COUNTRY`` (US, usd). Balances are kept
per currency: the emulator does not convert currencies.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, Iterable

from stripecli.emulator.context import Context

ACCOUNT_COUNTRY = "US"
DISPUTE_FEE = {"usd": 1500, "eur": 2000, "gbp": 2000, "cad": 1500, "aud": 2500, "jpy": 2000}


@lru_cache(maxsize=1)
def fees_table() -> dict[str, Any]:
    with open(os.path.join(os.path.dirname(__file__), "card_fees.json"), "rb") as fh:
        return json.loads(fh.read())


def account_country() -> dict[str, Any]:
    table = fees_table()
    return table["countries"][table.get("default_country") or ACCOUNT_COUNTRY]


def account_currency() -> str:
    return account_country()["currency"]


def is_zero_decimal(currency: str) -> bool:
    return currency.lower() in fees_table()["zero_decimal_currencies"]


def fee_for(amount: int, currency: str, card_country: str | None) -> int:
    """Stripe's card processing fee for a charge of ``amount`` (minor units) in ``currency`` on a
    card from ``card_country``, for an account in the emulator's country:

        round_half_up(amount * (percent + international_percent if the card is foreign)) + fixed

    A card is domestic when its country is the account's (for an account in the EEA: any EEA
    country). ``fixed`` is the account's fixed fee when the charge is in the account's currency,
    else ``fixed_by_currency`` (30 minor units for an unlisted currency, 0 for zero-decimal ones).
    """
    table = fees_table()
    country_code = table.get("default_country") or ACCOUNT_COUNTRY
    country = table["countries"][country_code]
    card_country = (card_country or country_code).upper()
    domestic = card_country == country_code or (
        country.get("eea") and table["countries"].get(card_country, {}).get("eea"))
    percent = Decimal(str(country["percent"]))
    if not domestic:
        percent += Decimal(str(country.get("international_percent") or 0))
    variable = (Decimal(int(amount)) * percent / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    currency = currency.lower()
    if currency == country["currency"]:
        fixed = int(country["fixed"])
    elif is_zero_decimal(currency):
        fixed = 0
    else:
        fixed = int(table["fixed_by_currency"].get(currency, 30))
    return int(variable) + fixed


def available_on(created: int, business_days: int | None = None) -> int:
    """Midnight UTC ``business_days`` working days (Monday to Friday) after ``created``: when the
    funds of a charge made at ``created`` become available."""
    days = account_country()["available_after_business_days"] if business_days is None else business_days
    day = _dt.datetime.fromtimestamp(int(created), _dt.timezone.utc).date()
    while days > 0:
        day += _dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return int(_dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc).timestamp())


def post(ctx: Context, *, amount: int, currency: str, type: str, source: str | None, created: int,
         fee: int = 0, fee_details: list[dict[str, Any]] | None = None, available: int | None = None,
         description: str | None = None, reporting_category: str | None = None, clock: str | None = None,
         account: str | None = None) -> dict[str, Any]:
    """Write one balance transaction; ``available`` defaults to ``created`` (funds that leave or
    arrive at once: refunds, payouts, transfers)."""
    txn = ctx.build("balance_transaction", {
        "amount": int(amount), "currency": currency.lower(), "fee": int(fee), "net": int(amount) - int(fee),
        "fee_details": fee_details or [], "type": type, "source": source, "description": description,
        "available_on": int(created if available is None else available), "balance_type": "payments",
        "reporting_category": reporting_category or _CATEGORIES.get(type, type), "exchange_rate": None,
        "status": "pending",
    }, created=created)
    if clock:
        txn["_clock"] = clock
    if account:
        txn["_account"] = account
    txn["status"] = status(ctx, txn)
    ctx.insert(txn)
    if account is None and txn["net"] > 0 and txn["status"] == "available":
        announce_available(ctx)
    elif account is None and txn["net"] > 0 and not clock:
        _expect_available(ctx, txn["available_on"])
    return txn


# The next wall-clock time incoming platform funds become available, kept in one row so that the
# check before every request (``announce_due``) is a key read. Transactions on a test clock are
# announced when their clock passes ``available_on`` instead (see ``behaviours/balance.py``).
NEXT_AVAILABLE = "_due:available"
DUE_TYPE = "emulator.due_work"  # the stored type of due-work rows (never answered, no events)


def _expect_available(ctx: Context, at: int) -> None:
    row = ctx.find(NEXT_AVAILABLE, (DUE_TYPE,))
    if row is None:
        ctx.insert({"id": NEXT_AVAILABLE, "object": DUE_TYPE, "created": ctx.now, "at": int(at)})
    elif int(at) < int(row["at"]):
        row["at"] = int(at)
        ctx.save(row)


def announce_due(ctx: Context, now: float) -> None:
    """Once the wall clock passes the next ``available_on`` of incoming platform funds:
    ``balance.available`` (the emulator's doing, no request), and the next such time is kept."""
    row = ctx.store.get(NEXT_AVAILABLE)
    if row is None or int(row.data.get("at") or 0) > now:
        return
    ctx.automatic = True
    try:
        with ctx.transaction():
            later = [int(t["available_on"]) for t in transactions(ctx)
                     if int(t["net"]) > 0 and not t.get("_clock") and int(t["available_on"]) > now]
            announce_available(ctx)
            if later:
                stored = ctx.find(NEXT_AVAILABLE, (DUE_TYPE,))
                stored["at"] = min(later)
                ctx.save(stored)
            else:
                ctx.delete(NEXT_AVAILABLE)
    finally:
        ctx.automatic = False


def announce_available(ctx: Context, clock_times: dict[str, int] | None = None) -> None:
    """``balance.available`` with the platform's balance: funds have just become available (a
    charge with ``pm_card_bypassPending``, a won dispute, a test clock passing ``available_on``).
    Once per write transaction, after its other events; Stripe sends none for money that leaves."""
    ctx.emit("balance.available", balance(ctx, clock_times=clock_times), at_end=True)


_CATEGORIES = {"charge": "charge", "payment": "charge", "refund": "refund", "payout": "payout",
               "payout_cancel": "payout_reversal", "adjustment": "dispute", "transfer": "transfer",
               "application_fee": "platform_earning", "application_fee_refund": "platform_earning_refund",
               "payment_refund": "refund", "stripe_fee": "fee"}


def stripe_fee(amount: int, currency: str) -> list[dict[str, Any]]:
    return [{"amount": int(amount), "application": None, "currency": currency, "description": "Stripe processing fees",
             "type": "stripe_fee"}] if amount else []


def now_for(ctx: Context, txn: dict[str, Any], clock_times: dict[str, int] | None = None) -> int:
    """Now for a transaction: its test clock's time (``clock_times`` gives a clock's time to use
    instead of its ``frozen_time``, for a clock being advanced), else the wall clock."""
    clock_id = txn.get("_clock")
    if clock_id and clock_times and clock_id in clock_times:
        return int(clock_times[clock_id])
    if clock_id:
        clock = ctx.find(clock_id, ("test_helpers.test_clock",))
        if clock is not None:
            return int(clock["frozen_time"])
    return ctx.now


def status(ctx: Context, txn: dict[str, Any], clock_times: dict[str, int] | None = None) -> str:
    return "available" if int(txn.get("available_on") or 0) <= now_for(ctx, txn, clock_times) else "pending"


def transactions(ctx: Context, *, account: str | None = None) -> Iterable[dict[str, Any]]:
    """The balance transactions of the platform (``account`` None) or of a connected account."""
    for txn in ctx.scan("balance_transaction"):
        if txn.get("_account") == account:
            yield txn


def balance(ctx: Context, *, account: str | None = None, clock_times: dict[str, int] | None = None) -> dict[str, Any]:
    """``available`` and ``pending`` per currency, from the balance transactions."""
    available: dict[str, dict[str, int]] = {}
    pending: dict[str, dict[str, int]] = {}
    for txn in transactions(ctx, account=account):
        currency = txn["currency"]
        source_type = "card"
        into = available if status(ctx, txn, clock_times) == "available" else pending
        into.setdefault(currency, {}).setdefault(source_type, 0)
        into[currency][source_type] += int(txn["net"])
        (pending if into is available else available).setdefault(currency, {}).setdefault(source_type, 0)
    home = account_currency()
    for table in (available, pending):
        table.setdefault(home, {"card": 0})

    def rows(table: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
        return [{"amount": sum(kinds.values()), "currency": currency, "source_types": dict(kinds)}
                for currency, kinds in sorted(table.items(), key=lambda kv: (kv[0] != home, kv[0]))]

    return {"object": "balance", "available": rows(available), "pending": rows(pending),
            "connect_reserved": [{"amount": 0, "currency": home}], "livemode": False}


def available_amount(ctx: Context, currency: str, *, account: str | None = None) -> int:
    total = 0
    for txn in transactions(ctx, account=account):
        if txn["currency"] == currency and status(ctx, txn) == "available":
            total += int(txn["net"])
    return total
