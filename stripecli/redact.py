"""Masking of API keys: a secret key never appears in any output, only ``sk_test_...abcd``; and
clipping of values too long to show in a one-line error."""

from __future__ import annotations

import re

__all__ = ["mask_key", "redact", "clip", "SECRET_KEY_PATTERN"]

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


CLIP_WORD = 120    # a run of text without spaces longer than this is an echoed value, not prose
CLIP_KEEP = 60
CLIP_LINE = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LONG_WORD = re.compile(r"\S{%d,}" % (CLIP_WORD + 1))


def clip(line: str) -> str:
    """An error line fit for a terminal: a value echoed back whole (a 100 KB id, a 5,000-level
    key) shows its first characters and its length; the line itself stops at 2,000 characters."""
    line = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], line)  # one line stays one line
    line = _LONG_WORD.sub(lambda m: "%s... (%d characters)" % (m.group(0)[:CLIP_KEEP], len(m.group(0))), line)
    if len(line) > CLIP_LINE:
        line = line[:CLIP_LINE] + "... (%d characters)" % len(line)
    return line
