"""Connected accounts' external accounts: made from a bank account token (``btok_``) or bank
details they are bank accounts; made from a card token (``tok_visa_debit``, a test alias or a
stored token) they are cards (``card_``), as on Stripe."""

from __future__ import annotations

from typing import Any

from stripecli.emulator import cards, schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.methods import LEGACY_BRANDS, card_of
from stripecli.emulator.context import Context

TEST_BANK = {"bank_name": "STRIPE TEST BANK", "routing_number": "110000000", "last4": "6789", "country": "US",
             "currency": "usd"}


@registry.hook("before_create", "bank_account")
def _external_account(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    ref = params.get("external_account")
    account = ctx.find(ctx.values.get("account"), ("account",)) or {}
    currency = account.get("default_currency") or "usd"
    if isinstance(ref, str) and (cards.is_alias(ref) or ctx.find(ref, ("token",))):
        stored = ctx.find(ref, ("token",))
        card = card_of(ctx, stored) if stored else cards.by_alias(ref)
        details = cards.card_details(card)
        obj.clear()
        obj.update(ctx.build("card", {
            "account": account.get("id"), "brand": LEGACY_BRANDS.get(card.brand, "Unknown"), "country": card.country,
            "currency": currency, "exp_month": details["exp_month"], "exp_year": details["exp_year"],
            "fingerprint": details["fingerprint"], "funding": card.funding, "last4": card.last4,
            "available_payout_methods": ["standard", "instant"], "default_for_currency": False, "status": None,
        }))
        obj["_card"] = card.number
        return
    details = dict(TEST_BANK, currency=currency)
    if isinstance(ref, dict):
        number = str(ref.get("account_number") or "")
        details.update(last4=number[-4:] or details["last4"], routing_number=ref.get("routing_number") or
                       details["routing_number"], country=(ref.get("country") or "US").upper(),
                       currency=(ref.get("currency") or currency).lower(),
                       account_holder_name=ref.get("account_holder_name"),
                       account_holder_type=ref.get("account_holder_type"))
    obj.update(details, account=account.get("id"), status="new", available_payout_methods=["standard"],
               fingerprint=schema.random_token(16), default_for_currency=False)
