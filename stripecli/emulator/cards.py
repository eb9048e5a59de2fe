"""Stripe's test cards: what a ``pm_card_*`` / ``tok_*`` alias or a raw card number stands for, and
the ``card_error`` a declining card answers with.

The table is package data (``test_cards.json``, taken from Stripe's testing page, which the file
names). A number that is not in the table but passes the Luhn check is a card of the brand its
prefix says that succeeds; one that fails the check is ``incorrect_number``, as on Stripe.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from stripecli.emulator.errors import EmulatorError


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    funding: str = "credit"
    country: str = "US"
    behaviour: dict[str, Any] = field(default_factory=lambda: {"outcome": "succeed"})
    risk_level: str = "normal"

    __test__ = False  # not a pytest class

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def declines(self) -> str | None:
        """The decline reason (``insufficient_funds`` ...) when charging this card fails."""
        return self.behaviour.get("decline") if self.behaviour.get("outcome") == "decline" else None

    @property
    def authentication(self) -> str | None:
        """``always`` (every payment asks for 3D Secure), ``on_setup`` (until set up off-session)."""
        return self.behaviour.get("authentication")

    def get(self, name: str) -> Any:
        return self.behaviour.get(name)


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    with open(os.path.join(os.path.dirname(__file__), "test_cards.json"), "rb") as fh:
        data = json.loads(fh.read())
    by_number: dict[str, TestCard] = {}
    by_alias: dict[str, TestCard] = {}
    for row in data["cards"]:
        card = TestCard(row["number"], row["brand"], row.get("funding", "credit"), row.get("country", "US"),
                        dict(row.get("behaviour") or {"outcome": "succeed"}), row.get("risk_level", "normal"))
        by_number.setdefault(card.number, card)
        for alias in row.get("aliases", ()):
            by_alias[alias] = card
    return {"numbers": by_number, "aliases": by_alias, "declines": data["declines"]}


def aliases() -> dict[str, TestCard]:
    return dict(_table()["aliases"])


def by_alias(ref: Any) -> TestCard | None:
    """The card a test payment method or token alias (``pm_card_visa``, ``tok_amex``) stands for."""
    return _table()["aliases"].get(ref) if isinstance(ref, str) else None


def is_alias(ref: Any) -> bool:
    return by_alias(ref) is not None


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        digit = int(ch)
        if i % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


_PREFIXES = (("34", "amex"), ("37", "amex"), ("4", "visa"), ("51", "mastercard"), ("52", "mastercard"),
             ("53", "mastercard"), ("54", "mastercard"), ("55", "mastercard"), ("22", "mastercard"),
             ("6011", "discover"), ("65", "discover"), ("64", "discover"), ("36", "diners"), ("30", "diners"),
             ("38", "diners"), ("35", "jcb"), ("62", "unionpay"))


def by_number(raw: Any, *, param: str = "card[number]") -> TestCard:
    """The card for a raw number (spaces and dashes allowed), or a 402 ``incorrect_number``."""
    number = "".join(ch for ch in str(raw or "") if ch not in " -")
    known = _table()["numbers"].get(number)
    if known is not None and known.behaviour.get("outcome") != "invalid_number":
        return known
    if known is not None or not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_ok(number):
        raise card_error("incorrect_number", param=param)
    brand = next((b for prefix, b in _PREFIXES if number.startswith(prefix)), "unknown")
    return TestCard(number, brand)


def fingerprint(card: TestCard) -> str:
    return hashlib.sha256(("stripecli-card:" + card.number).encode()).hexdigest()[:16]


def card_details(card: TestCard, *, exp_month: int | None = None, exp_year: int | None = None,
                 year_now: int = 2026) -> dict[str, Any]:
    """The ``card`` hash of a payment method made from the card."""
    return {
        "brand": card.brand,
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "unchecked"},
        "country": card.country,
        "display_brand": card.brand.replace("amex", "american_express"),
        "exp_month": int(exp_month or 12),
        "exp_year": int(exp_year or year_now + 3),
        "fingerprint": fingerprint(card),
        "funding": card.funding,
        "generated_from": None,
        "last4": card.last4,
        "networks": {"available": [card.brand], "preferred": None},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def decline_message(reason: str) -> tuple[str, str]:
    """(``code``, message) for a decline reason of the table."""
    entry = _table()["declines"].get(reason) or _table()["declines"]["generic_decline"]
    return entry["code"], entry["message"]


def card_error(reason: str, *, param: str | None = None, extra: dict[str, Any] | None = None,
               keep_writes: bool = False) -> EmulatorError:
    """Stripe's 402 ``card_error``: ``code`` and, for issuer declines, ``decline_code``."""
    code, message = decline_message(reason)
    body: dict[str, Any] = {}
    if reason != "incorrect_number":
        body["decline_code"] = reason
    body.update(extra or {})
    return EmulatorError(402, message, type="card_error", code=code, param=param, extra=body, keep_writes=keep_writes)


def authentication_error(*, extra: dict[str, Any] | None = None, keep_writes: bool = False) -> EmulatorError:
    """An off-session payment on a card that asks for authentication."""
    body = {"decline_code": "authentication_required"}
    body.update(extra or {})
    return EmulatorError(402, "Your card was declined. This transaction requires authentication.",
                         type="card_error", code="authentication_required", extra=body, keep_writes=keep_writes)
