"""Masking of API keys: a secret key never appears in any output, only ``sk_test_...abcd``."""

from __future__ import annotations

import re

__all__ = ["mask_key", "redact", "SECRET_KEY_PATTERN"]

_PREFIX = re.compile(r"^(?:sk|rk|pk)_(?:test|live)_")
SECRET_KEY_PATTERN = re.compile(r"(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{8,}")

# Keys shorter than this are not searched for in redact(): replacing a two-letter "key"
# everywhere would mangle the text and protects nothing.
_MIN_REDACT_LEN = 8


def mask_key(key: str | None) -> str:
    """``sk_test_51Hx...abcd`` -> ``sk_test_...abcd``.

    Known prefixes (``sk_``, ``rk_``, ``pk_`` with ``test``/``live``) are kept and the last four
    characters shown when more than four follow the prefix. Unknown keys longer than eight
    characters show ``...`` and the last four; anything shorter shows ``****``.
    """
    if not key:
        return "****"
    match = _PREFIX.match(key)
    if match:
        rest = key[match.end():]
        if len(rest) > 4:
            return "%s...%s" % (match.group(0), rest[-4:])
        return "****"
    if len(key) > 8:
        return "..." + key[-4:]
    return "****"


def redact(text: str, *keys: str | None) -> str:
    """Replace every occurrence of ``keys`` and of anything shaped like a secret or restricted
    key (``sk_``/``rk_`` + ``test``/``live`` + 8 or more characters) with its masked form."""
    for key in sorted({k for k in keys if k and len(k) >= _MIN_REDACT_LEN}, key=len, reverse=True):
        text = text.replace(key, mask_key(key))
    return SECRET_KEY_PATTERN.sub(lambda m: mask_key(m.group(0)), text)
