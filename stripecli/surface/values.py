"""Parsing of flag values into API params: timestamps, ``-d`` pairs, ``--data-json``, merging.

Everything here raises ``ValueError`` with a message that says what is accepted; the command
layer adds the flag's name and turns it into a usage error (exit code 2).
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone
from typing import Any

TIMESTAMP_HELP = "unix seconds, an ISO-8601 date or time (UTC unless a zone is given), now, or an offset such as +30d or -2h"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Stripe's timestamps are Unix seconds; the range a calendar date can name: 1970 to the end of 9999.
MIN_TIMESTAMP, MAX_TIMESTAMP = 0, 253402300799
# Levels of nesting in one param, as -d spells it (a[b][0][c] is 4). The deepest param of the API
# model is 11; 20 leaves room and stops a 5,000-level body before it reaches any recursion.
MAX_DEPTH = 20

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_OFFSET = re.compile(r"([+-])([0-9]+)(s|m|h|d|w)", re.ASCII)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_integer(text: str, low: int = INT64_MIN, high: int = INT64_MAX) -> int:
    """ASCII digits with an optional ``-``, within ``low..high`` (int64 unless the API says less).

    Python's ``int()`` would also take ``1_000``, `` 3 `` and other scripts' digits (``٣``):
    none of those is what an operator meant to send."""
    if not _INTEGER.fullmatch(text):
        raise ValueError(f"'{text}' is not an integer: use ASCII digits, such as 42")
    # a 5,000-digit string is out of range without converting it (int() refuses over 4,300 digits)
    value = int(text) if len(text) <= 21 else (high + 1 if not text.startswith("-") else low - 1)
    if not low <= value <= high:
        raise ValueError(f"'{text}' is out of range: from {low} to {high}")
    return value


def check_decimal(text: str) -> str:
    """A decimal number as typed (``12``, ``-0.0125``): ASCII digits, finite. Returned unchanged,
    so decimals such as ``0.0125`` are sent exactly; no exponent, ``nan`` or ``inf``."""
    import math

    if not _DECIMAL.fullmatch(text) or not math.isfinite(float(text)):
        raise ValueError(f"'{text}' is not a number: use a decimal such as 12.5")
    return text


MAX_SECONDS = 86400.0  # a timeout longer than a day is a typo, not a wait


def parse_number(text: str, low: float, high: float) -> float:
    """A decimal (``2.5``) within ``low..high``: ASCII digits, finite (``float()`` would also take
    ``nan``, ``inf``, ``1e3`` and ``٣``, and ``nan`` passes every range check)."""
    value = float(check_decimal(text))
    if not low <= value <= high:
        raise ValueError(f"'{text}' is out of range: from {low:g} to {high:g}")
    return value


def parse_seconds(text: str, high: float = MAX_SECONDS) -> float:
    """A duration in seconds (``80``, ``2.5``): finite, more than 0, at most ``high``."""
    try:
        check_decimal(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a number of seconds such as 30 or 2.5") from None
    value = float(text)
    if not 0 < value <= high:
        raise ValueError(f"'{text}' is out of range: more than 0 and at most {high:g} seconds")
    return value


def check_timestamp(value: int, text: str) -> int:
    if not MIN_TIMESTAMP <= value <= MAX_TIMESTAMP:
        raise ValueError(f"'{text}' is outside the times Stripe accepts: 1970-01-01 to 9999-12-31T23:59:59Z")
    return value


def parse_timestamp(text: str, now: float | None = None) -> int:
    """``1735689600``, ``2025-01-01``, ``2025-01-01T10:00Z``, ``now``, ``+30d``, ``-2h`` -> unix seconds,
    within 1970-01-01 and 9999-12-31T23:59:59Z."""
    value = text.strip()
    if now is None:
        now = time.time()
    if _DIGITS.fullmatch(value):
        return check_timestamp(int(value) if len(value) <= 20 else MAX_TIMESTAMP + 1, text)
    if value.lower() == "now":
        return int(now)
    m = _OFFSET.fullmatch(value)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        amount = int(m.group(2)) if len(m.group(2)) <= 20 else MAX_TIMESTAMP + 1
        return check_timestamp(int(now) + sign * amount * _UNIT_SECONDS[m.group(3)], text)
    return check_timestamp(parse_iso(value), text)


def parse_iso(value: str) -> int:
    iso = value.strip()
    if iso[-1:] in ("Z", "z"):
        iso = iso[:-1] + "+00:00"
    try:
        if not iso.isascii():
            raise ValueError
        dt = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"'{value}' is not a time: use {TIMESTAMP_HELP}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


def format_timestamp(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_KEY = re.compile(r"([^\[\]=]+)((?:\[[^\[\]]*\])*)")
_INDEX = re.compile(r"0|[1-9][0-9]*", re.ASCII)


def show_key(path: list[str]) -> str:
    """``['items', '0', 'price']`` -> ``items[0][price]``, the way ``-d`` spells it."""
    return path[0] + "".join(f"[{k}]" for k in path[1:])


def parse_data_pair(text: str) -> tuple[list[str], str]:
    """``key[sub][0]=value`` -> (['key', 'sub', '0'], 'value'). ``[]`` appends to a list."""
    if "=" not in text:
        raise ValueError(f"'{text}' is not key=value (for example -d 'metadata[order]=6735')")
    key, value = text.split("=", 1)
    m = _KEY.fullmatch(key.strip())
    if not m:
        raise ValueError(f"'{key}' is not a param key: use name, name[sub] or name[0][sub]")
    path = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2))
    if len(path) > MAX_DEPTH:
        raise ValueError(f"'{show_key(path[:3])}...' is nested {len(path)} levels deep; at most {MAX_DEPTH} are accepted")
    return path, value


def set_path(tree: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at ``path`` in nested dicts, keys as given; ``''`` appends (the next index).

    Lists are built afterwards by ``shape_lists``, once every pair is in: ``items[1]`` may come
    before ``items[0]``. A key given both as a value and as a parent (``a=1`` and ``a[b]=2``) is
    an error rather than one silently replacing the other."""
    node: Any = tree
    for i, key in enumerate(path):
        if key == "" and i > 0:
            key = str(len(node))
        if i == len(path) - 1:
            if isinstance(node.get(key), dict) and not isinstance(value, dict):
                raise ValueError(f"{show_key(path)} is given as a value and as a parent ({show_key(path)}[...])")
            node[key] = value
            return
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise ValueError(f"{show_key(path[:i + 1])} is given as a value and as a parent ({show_key(path)})")
        node = child


def shape_lists(tree: dict[str, Any], params: list[dict]) -> dict[str, Any]:
    """The ``-d`` tree with lists made from indexed keys, checked against the model's params.

    Where the model says a param is an array, its keys must be indices contiguous from 0
    (``items[0]``, ``items[1]``...): a gap or a name is an error naming the key. Where it says a
    map (``metadata``), digit keys stay keys. Where the model does not know the param
    (``stripecli request``, or an undocumented param), keys that are all indices make a list with
    the same rule, and a mix of indices and names is an error."""
    return _shape(tree, {"type": "object", "children": params}, [])


def _shape(node: dict[str, Any], record: dict | None, path: list[str]) -> Any:
    kind = None if record is None else ("map" if record.get("map") else record.get("type"))
    if kind == "map":
        return {k: (_shape(v, None, path + [k]) if isinstance(v, dict) else v) for k, v in node.items()}
    keys = list(node)
    indices = [k for k in keys if _DIGITS.fullmatch(k)]
    if kind == "array" or (indices and len(indices) == len(keys)):
        named = [k for k in keys if not _INDEX.fullmatch(k)]
        if named:
            raise ValueError(f"{show_key(path + [named[0]])}: {show_key(path)} is a list, so its keys are indices "
                             f"0, 1, 2 ... (written without leading zeros)")
        numbers = sorted(int(k) if len(k) < 10 else 10**9 for k in keys)
        for expected, number in enumerate(numbers):
            if number != expected:
                given = next(k for k in keys if (int(k) if len(k) < 10 else 10**9) == number)
                raise ValueError(f"{show_key(path + [given])} is given without {show_key(path + [str(expected)])}: "
                                 f"list indices start at 0 and go up by one")
        item = (record or {}).get("items") if kind == "array" else None
        return [_shape(v, item, path + [str(i)]) if isinstance(v, dict) else v
                for i, v in sorted(((int(k), v) for k, v in node.items()), key=lambda kv: kv[0])]
    if indices:
        raise ValueError(f"{show_key(path + [indices[0]])} and {show_key(path + [next(k for k in keys if k not in indices)])}: "
                         f"{show_key(path)} cannot be both a list (indices) and a map (names)")
    children = {c["name"]: c for c in (record or {}).get("children") or []}
    return {k: (_shape(v, children.get(k), path + [k]) if isinstance(v, dict) else v) for k, v in node.items()}


def parse_data_json(text: str) -> dict[str, Any]:
    """``--data-json '{...}'`` or ``--data-json @file.json``: an object of finite numbers,
    integers within int64, non-empty keys, at most ``MAX_DEPTH`` levels deep."""
    data = _load_json(text)
    if not isinstance(data, dict):
        raise ValueError("must be a JSON object, such as '{\"metadata\": {\"k\": \"v\"}}'")
    check_tree(data)
    return data


def parse_json_items(text: str) -> list[dict[str, Any]]:
    """The value of a repeatable list-of-objects flag (``--items``): one JSON object, or a JSON
    array of objects (``'[{"price": "price_1"}, {"price": "price_2"}]'``), inline or ``@file``,
    checked like ``--data-json``."""
    data = _load_json(text)
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ValueError("must be a JSON object or a non-empty array of objects, such as '{\"key\": \"value\"}' or @file.json")
    for item in items:
        check_tree(item)
    return items


def _load_json(text: str) -> Any:
    source = text
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as fh:
                source = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read {text[1:]}: {getattr(exc, 'strerror', None) or exc.reason}") from None
    try:
        data = json.loads(source, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_int64)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number Stripe accepts: use a finite decimal")


def _finite_float(text: str) -> float:
    import math

    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a number Stripe accepts: use a finite decimal")
    return value


def _int64(text: str) -> int:
    try:
        return parse_integer(text)
    except ValueError:
        raise ValueError(f"{text[:40]}{'...' if len(text) > 40 else ''} is out of range: integers are "
                         f"from {INT64_MIN} to {INT64_MAX}") from None


def check_tree(data: dict[str, Any]) -> None:
    """No empty key anywhere and at most ``MAX_DEPTH`` levels (iterative: no recursion to blow)."""
    stack: list[tuple[Any, list[str]]] = [(data, [])]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise ValueError(f"{show_key(path[:3])}... is nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "":
                    where = f"in {show_key(path)}" if path else "at the top level"
                    raise ValueError(f"an empty key {where}: every param has a name")
                stack.append((value, path + [key]))
        elif isinstance(node, list):
            stack.extend((value, path + [str(i)]) for i, value in enumerate(node))


def deep_merge(base: Any, override: Any) -> Any:
    """Merge ``override`` into ``base``: dicts key by key, lists index by index."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = deep_merge(out[k], v) if k in out else v
        return out
    if isinstance(base, list) and isinstance(override, list):
        out_list = list(base)
        for i, v in enumerate(override):
            if i < len(out_list):
                out_list[i] = deep_merge(out_list[i], v)
            else:
                out_list.append(v)
        return out_list
    return override
