"""Capital financing offers made by Stripe's test helpers (``POST /v1/test_helpers/capital/
financing_offers`` and ``.../{financing_offer}/refill``): on Stripe only Stripe makes offers, and
in test mode these helpers (or the Dashboard) make one.

An offer made by the helper is ``undelivered`` (or the ``status`` given) for the account the
request acts on (the platform account: the emulator ignores ``Stripe-Account``), with
``offered_terms`` from ``advance_amount`` (default 1,000,000, 10,000.00 in the account's currency),
``fee_amount`` (default a tenth of the advance) and ``withhold_rate`` (default 0.1), in the account's
currency; ``financing_type`` is ``cash_advance`` unless given, ``product_type`` ``standard``, and it
expires 30 days after it was made. A refill is a new offer (``product_type: refill``,
``replacement_for`` the offer refilled, which becomes ``replaced`` with ``replacement`` naming it);
the helper answers the new offer.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from stripecli.emulator import ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.catalogues import platform_account_id
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid

OFFER = "capital.financing_offer"
DEFAULT_ADVANCE = 1_000_000
EXPIRES_AFTER = 30 * 86400
FINANCING_TYPES = ("cash_advance", "fixed_term_loan", "flex_loan")


def _terms(params: dict[str, Any], currency: str) -> dict[str, Any]:
    advance = int(params.get("advance_amount") or DEFAULT_ADVANCE)
    fee = int(params["fee_amount"]) if params.get("fee_amount") not in (None, "") else advance // 10
    try:
        rate = Decimal(str(params.get("withhold_rate") or "0.1"))
    except InvalidOperation:
        raise invalid("Invalid withhold_rate: a decimal number between 0 and 1.", param="withhold_rate")
    if advance <= 0 or fee < 0 or not Decimal(0) < rate <= Decimal(1):
        bad = "advance_amount" if advance <= 0 else "fee_amount" if fee < 0 else "withhold_rate"
        raise invalid("Invalid %s: an advance above 0, a fee of 0 or more, a withhold rate above 0 and at most 1."
                      % bad, param=bad)
    return {"advance_amount": advance, "campaign_type": "newly_eligible_user", "currency": currency,
            "fee_amount": fee, "previous_financing_fee_discount_rate": None, "withhold_rate": float(rate)}


def _offer(ctx: Context, offer: dict[str, Any], params: dict[str, Any], product_type: str) -> None:
    financing_type = params.get("financing_type") or "cash_advance"
    offer.update({
        "account": platform_account_id(ctx), "accepted_terms": None, "charged_off_at": None,
        "disclaimer_variant": None, "expires_after": float(offer["created"] + EXPIRES_AFTER),
        "financing_type": financing_type, "type": financing_type, "product_type": product_type,
        "offered_terms": _terms(params, ledger.account_currency()), "replacement": None,
        "replacement_for": None, "status": params.get("status") or "undelivered",
    })


@registry.hook("before_create", OFFER)
def _create(ctx: Context, offer: dict[str, Any], params: dict[str, Any]) -> None:
    _offer(ctx, offer, params, "standard")


@registry.action("refill", OFFER)
def _refill(ctx: Context, offer: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if offer.get("replacement"):
        raise invalid("Financing offer %s was already replaced by %s." % (offer["id"], offer["replacement"]))
    refill = ctx.build(OFFER)
    _offer(ctx, refill, params, "refill")
    refill["replacement_for"] = offer["id"]
    ctx.insert(refill)
    offer.update(replacement=refill["id"], status="replaced")
    ctx.save(offer)
    return refill
