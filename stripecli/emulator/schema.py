"""What the emulator knows about object types: id prefixes and the default value of every field.

Defaults come from the model's object schemas (``stripecli/model/data/objects/<type>.json``): a nullable
field is ``null``, a map (``metadata``) is ``{}``, an array ``[]``, a boolean ``false``, a nested
object that is not nullable gets its own children's defaults, any other scalar is ``null``. Each
type's defaults are built once per process and copied (as JSON text) per object.
"""

from __future__ import annotations

import json
import os
import time
from functools import lru_cache
from typing import Any

from stripecli import model

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# fields every stored object gets from the emulator itself, never from a default
_OWN = ("id", "object", "created", "livemode")
# ``deleted`` only ever appears in a deletion answer
_SKIP = ("deleted",)


@lru_cache(maxsize=None)
def _prefix_table() -> tuple[dict[str, str], frozenset[str]]:
    path = os.path.join(os.path.dirname(__file__), "prefixes.json")
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read())
    except OSError:  # a build that left the data file out still works, with derived prefixes
        return {}, frozenset()
    return dict(data.get("prefixes", {})), frozenset(data.get("accepts_id", ()))


def prefix(object_type: str) -> str:
    """``cus_`` for ``customer``; for types not in the table, the last part of the name when it is
    one word (``balance`` -> ``balance_``), else its initials (``billing.meter_event_summary`` ->
    ``mes_``), so that ids still say what they are."""
    known = _prefix_table()[0].get(object_type)
    if known:
        return known
    last = object_type.rsplit(".", 1)[-1]
    parts = [p for p in last.split("_") if p]
    if len(parts) == 1:
        return parts[0] + "_"
    return "".join(p[0] for p in parts) + "_"


def accepts_given_id(object_type: str) -> bool:
    return object_type in _prefix_table()[1]


# random bytes -> base62 characters in one C call (the modulo bias of 256 % 62 does not matter
# for ids that only need to be unique)
_TABLE = bytes((_ALPHABET[b % 62]).encode("ascii")[0] for b in range(256))
_DIGITS = _ALPHABET.encode("ascii")


def random_token(length: int = 24) -> str:
    return os.urandom(length).translate(_TABLE).decode("ascii")


def ordered_token(length: int = 24) -> str:
    """``length`` base62 characters that sort in the order they were made (to the millisecond):
    7 of the time, then random ones. Stripe's ids also start with a time-ordered part. Stored ids
    that grow then go to the end of the id indexes, so a write changes the same few index pages
    instead of one at a random place in each."""
    global _HEAD
    ms = int(time.time() * 1000)
    if _HEAD[0] != ms:
        n, head = ms, bytearray(7)
        for i in range(6, -1, -1):
            n, r = divmod(n, 62)
            head[i] = _DIGITS[r]
        _HEAD = (ms, head.decode("ascii"))
    return _HEAD[1] + random_token(length - 7)


_HEAD: tuple[int, str] = (-1, "")  # the last millisecond's 7 characters


def rfc3339(ts: int) -> str:
    """A unix time as v2 objects spell times (``2026-12-02T09:00:00.000Z``)."""
    import datetime

    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def new_id(object_type: str) -> str:
    return prefix(object_type) + ordered_token()


def _default(field: dict[str, Any]) -> Any:
    if field.get("name") == "metadata" and field.get("map"):
        return {}  # Stripe answers metadata as a hash, even where the SDK types it optional
    if field.get("nullable"):
        return None
    kind = field.get("type")
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    if kind == "object":
        if field.get("map"):
            return {}
        children = field.get("children")
        if children:
            return {c["name"]: _default(c) for c in children if c["name"] not in _SKIP}
        return None
    return None


@lru_cache(maxsize=None)
def _template(object_type: str) -> str:
    schema = model.object_schema(object_type) or {"fields": []}
    out: dict[str, Any] = {}
    for field in schema["fields"]:
        name = field["name"]
        if name in _OWN or name in _SKIP:
            continue
        out[name] = _default(field)
    return json.dumps(out)


def defaults(object_type: str) -> dict[str, Any]:
    """A fresh dict of the type's default fields (without id, object, created, livemode)."""
    return json.loads(_template(object_type))


@lru_cache(maxsize=None)
def fields(object_type: str) -> dict[str, dict[str, Any]]:
    """The type's top-level fields by name (empty for a type the model does not describe)."""
    schema = model.object_schema(object_type) or {"fields": []}
    return {f["name"]: f for f in schema["fields"]}


def has_field(object_type: str, name: str) -> bool:
    return name in fields(object_type)


def expandable_targets(object_type: str, name: str) -> list[str] | None:
    """The types a field can be expanded to, or ``None`` if it is not expandable."""
    field = fields(object_type).get(name)
    if field is None:
        return None
    targets = field.get("expandable")
    if targets is None and field.get("type") == "array":
        targets = (field.get("items") or {}).get("expandable")
    return list(targets) if targets else None


def known_type(object_type: str) -> bool:
    return model.object_schema(object_type) is not None


def display_name(object_type: str) -> str:
    """The name used in ``No such <object>`` messages: the last part of the type."""
    return object_type.rsplit(".", 1)[-1]


@lru_cache(maxsize=None)
def types_with_field(name: str) -> tuple[str, ...]:
    """Every object type whose schema has a top-level field ``name`` (``test_clock``)."""
    return tuple(t for t in model.object_types() if name in fields(t))
