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

_OFFSET = re.compile(r"^([+-])(\d+)(s|m|h|d|w)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_timestamp(text: str, now: float | None = None) -> int:
    """``1735689600``, ``2025-01-01``, ``2025-01-01T10:00Z``, ``now``, ``+30d``, ``-2h`` -> unix seconds."""
    value = text.strip()
    if now is None:
        now = time.time()
    if value.isdigit():
        return int(value)
    if value.lower() == "now":
        return int(now)
    m = _OFFSET.match(value)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return int(now) + sign * int(m.group(2)) * _UNIT_SECONDS[m.group(3)]
    return parse_iso(value)


def parse_iso(value: str) -> int:
    iso = value.strip()
    if iso[-1:] in ("Z", "z"):
        iso = iso[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"'{value}' is not a time: use {TIMESTAMP_HELP}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp())


def format_timestamp(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_KEY = re.compile(r"^([^\[\]=]+)((?:\[[^\[\]]*\])*)$")


def parse_data_pair(text: str) -> tuple[list[str], str]:
    """``key[sub][0]=value`` -> (['key', 'sub', '0'], 'value'). ``[]`` appends."""
    if "=" not in text:
        raise ValueError(f"'{text}' is not key=value (for example -d 'metadata[order]=6735')")
    key, value = text.split("=", 1)
    m = _KEY.match(key.strip())
    if not m:
        raise ValueError(f"'{key}' is not a param key: use name, name[sub] or name[0][sub]")
    path = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2))
    return path, value


def set_path(tree: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at ``path`` in nested dicts; digit keys and ``''`` (append) build lists."""
    node: Any = tree
    for i, key in enumerate(path):
        last = i == len(path) - 1
        nxt_is_list = not last and (path[i + 1].isdigit() or path[i + 1] == "")
        if isinstance(node, list):
            idx = len(node) if key == "" else int(key)
            while len(node) <= idx:
                node.append(None)
            if last:
                node[idx] = value
            else:
                if not isinstance(node[idx], (dict, list)):
                    node[idx] = [] if nxt_is_list else {}
                node = node[idx]
        else:
            if last:
                node[key] = value
            else:
                if not isinstance(node.get(key), (dict, list)):
                    node[key] = [] if nxt_is_list else {}
                node = node[key]


def parse_data_json(text: str) -> dict[str, Any]:
    """``--data-json '{...}'`` or ``--data-json @file.json``."""
    source = text
    if text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as fh:
                source = fh.read()
        except OSError as exc:
            raise ValueError(f"cannot read {text[1:]}: {exc.strerror}") from None
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError("must be a JSON object, such as '{\"metadata\": {\"k\": \"v\"}}'")
    return data


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
            if v is None:
                continue
            if i < len(out_list):
                out_list[i] = deep_merge(out_list[i], v)
            else:
                out_list.append(v)
        return out_list
    return override


def drop_holes(value: Any) -> Any:
    """Remove the ``None`` left in lists by sparse indices (``-d 'a[2]=x'``)."""
    if isinstance(value, dict):
        return {k: drop_holes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [drop_holes(v) for v in value if v is not None]
    return value
