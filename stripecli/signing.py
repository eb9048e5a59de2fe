"""Stripe's webhook signature: ``Stripe-Signature: t=TIMESTAMP,v1=HEX``, where HEX is the
HMAC-SHA256 of ``"{t}.{payload}"`` keyed with the endpoint's ``whsec_`` secret. Handlers verify
it with stripe-python's ``stripe.Webhook.construct_event`` (or any Stripe library) unchanged.

Neutral: imports neither the CLI nor the emulator.
"""

from __future__ import annotations

import hashlib
import hmac
import time

DEFAULT_TOLERANCE = 300  # seconds, as in Stripe's libraries


class SignatureError(ValueError):
    """The header is missing, malformed, does not match, or is too old."""


def _digest(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(int(timestamp)).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign_header(payload: bytes, secret: str, timestamp: int) -> str:
    """The ``Stripe-Signature`` value for ``payload`` (the exact bytes of the request body)."""
    return "t=%d,v1=%s" % (int(timestamp), _digest(payload, secret, timestamp))


def verify_header(payload: bytes, header: str, secret: str, tolerance: int | None = DEFAULT_TOLERANCE,
                  now: int | None = None) -> int:
    """Check a ``Stripe-Signature`` header; the signed timestamp, or ``SignatureError``.

    Any of several ``v1`` values may match (Stripe sends more than one while a secret is rolled);
    ``tolerance`` seconds bound the age of the timestamp (``None``: no bound).
    """
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("the timestamp in the Stripe-Signature header is not a number") from None
        elif key == "v1":
            signatures.append(value)
    if timestamp is None:
        raise SignatureError("no timestamp (t=) in the Stripe-Signature header")
    if not signatures:
        raise SignatureError("no v1 signature in the Stripe-Signature header")
    expected = _digest(payload, secret, timestamp)
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise SignatureError("no signature matches the payload and the secret")
    if tolerance is not None:
        current = int(time.time()) if now is None else int(now)
        if timestamp < current - tolerance:
            raise SignatureError("the timestamp is more than %d seconds old" % tolerance)
    return timestamp
