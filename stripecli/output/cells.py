"""How one value shows in a cell: timestamps as local times, amounts in major units with their
currency, expanded objects by id, other nested values as cut compact JSON (tables); raw values
(CSV); and the JSON text of json and jsonl."""

from __future__ import annotations

from stripecli.output.columns import overlay

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

#: Longest nested value (compact JSON) shown in a table cell before it is cut with "…".
CELL_LIMIT = 60
#: The same for the value column of a single object's field/value table.
VALUE_LIMIT = 120

# Stripe amounts are integers in the currency's minor unit
# (https://docs.stripe.com/currencies#zero-decimal). ISK, HUF and TWD are two-decimal in the API.
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())

_TIMESTAMP_SUFFIXES = ("_at", "_time")


def is_timestamp_field(name: str) -> bool:
    return (
        name == "created"
        or name.endswith(_TIMESTAMP_SUFFIXES)
        or name in overlay()["timestamp_fields"]
    )


def is_amount_field(name: str) -> bool:
    if "count" in name or name.endswith("_decimal"):
        return False
    return (
        name in overlay()["amount_fields"]
        or name.startswith(("amount_", "total_", "subtotal_"))
        or name.endswith("_amount")
    )


def format_timestamp(value: int) -> str:
    """Unix seconds -> local ISO time with its offset: ``2025-01-01 00:00:00+00:00``."""
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(value, timezone.utc).astimezone().isoformat(sep=" ")
    except (OverflowError, OSError, ValueError):
        return str(value)


def minor_unit_digits(currency: str) -> int:
    currency = currency.lower()
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def format_amount(value: int, currency: str) -> str:
    """An integer amount in minor units -> ``10.00 USD`` (``1000 JPY`` for zero-decimal)."""
    digits = minor_unit_digits(currency)
    sign = "-" if value < 0 else ""
    if digits == 0:
        return f"{sign}{abs(value)} {currency.upper()}"
    major, minor = divmod(abs(value), 10**digits)
    return f"{sign}{major}.{minor:0{digits}d} {currency.upper()}"


def _compact_json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_cell(name: str, value: Any, parent: Any = None, limit: int = CELL_LIMIT) -> str:
    """A value as a table shows it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if is_timestamp_field(name):
            return format_timestamp(value)
        if is_amount_field(name) and isinstance(parent, dict):
            currency = parent.get("currency")
            if isinstance(currency, str) and currency:
                return format_amount(value, currency)
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):  # an expanded object: show its id
            return value["id"]
        if value.get("object") == "list" and isinstance(value.get("data"), list):
            data = value["data"]
            ids = [d.get("id") for d in data if isinstance(d, dict)]
            if data and len(ids) == len(data) and all(isinstance(i, str) for i in ids):
                more = ", …" if value.get("has_more") else ""
                return _truncate(", ".join(ids) + more, limit)
        return _truncate(_compact_json(value), limit)
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return _truncate(", ".join(str(v) for v in value), limit)
        return _truncate(_compact_json(value), limit)
    return str(value)


def raw_cell(value: Any) -> str:
    """A value as CSV writes it: raw, nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _compact_json(value)
    return str(value)


# --------------------------------------------------------------------------- JSON text


def dump_json(value: Any) -> str:
    """Indented two spaces, keys in the order received, non-ASCII kept; no trailing newline."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


def dump_json_line(value: Any) -> str:
    return _compact_json(value)
