"""Which columns a table or CSV shows: ``--fields``, else the overlay in ``columns.json`` for the
object type, else ``id`` and the common fields a row has; and dotted paths into objects."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

FALLBACK_COLUMNS = (
    "object", "status", "type", "name", "email", "description", "amount", "currency",
    "customer", "created",
)
FALLBACK_MAX = 6


_cache: dict[str, Any] | None = None


def overlay() -> dict[str, Any]:
    """columns.json, read once, on first use."""
    global _cache
    if _cache is None:
        import json

        path = os.path.join(os.path.dirname(__file__), "columns.json")
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        data["timestamp_fields"] = frozenset(data.get("timestamp_fields", ()))
        data["amount_fields"] = frozenset(data.get("amount_fields", ()))
        _cache = data
    return _cache


class Column:
    """A column: a header and the dotted paths to try, first present wins."""

    __slots__ = ("header", "paths")

    def __init__(self, header: str, paths: tuple[str, ...] | None = None) -> None:
        self.header = header
        self.paths = paths or (header,)

    def __repr__(self) -> str:
        return f"Column({self.header!r}, {self.paths!r})"

    def lookup(self, obj: Any) -> tuple[Any, Any, str]:
        """(value, the dict holding it, its field name); value None when absent."""
        for path in self.paths:
            found, value, parent, leaf = _walk(obj, path)
            if found:
                return value, parent, leaf
        return None, None, self.paths[0].rsplit(".", 1)[-1]


_MISSING = object()


def _walk(obj: Any, path: str) -> tuple[bool, Any, Any, str]:
    """Follow a dotted path through dicts (and list indexes: ``items.data.0.price``).
    A key that itself contains dots (a metadata key) is matched whole when present."""
    current, parent, leaf = obj, None, path
    rest = path
    while True:
        if isinstance(current, dict) and rest in current:
            return True, current[rest], current, rest
        head, dot, tail = rest.partition(".")
        if isinstance(current, dict):
            nxt = current.get(head, _MISSING)
        elif isinstance(current, list) and head.isdigit() and int(head) < len(current):
            nxt = current[int(head)]
        else:
            nxt = _MISSING
        if nxt is _MISSING:
            return False, None, None, leaf.rsplit(".", 1)[-1]
        if not dot:
            return True, nxt, current, head
        parent, current, rest = current, nxt, tail


def columns_for(
    object_type: str | None, fields: list[str] | None, first_row: dict | None
) -> list[Column]:
    """``--fields``, else the overlay's columns for the object type, else ``id`` plus whichever
    common fields the first row has (up to FALLBACK_MAX)."""
    if fields:
        return [Column(f) for f in fields]
    spec = overlay()["objects"].get(object_type or "")
    if spec is None and first_row is not None and isinstance(first_row.get("object"), str):
        spec = overlay()["objects"].get(first_row["object"])
    if spec is not None:
        return [
            Column(c) if isinstance(c, str) else Column(c["header"], tuple(c["paths"]))
            for c in spec
        ]
    cols = [Column("id")]
    if first_row:
        for name in FALLBACK_COLUMNS:
            if len(cols) >= FALLBACK_MAX:
                break
            if name in first_row:
                cols.append(Column(name))
    return cols
