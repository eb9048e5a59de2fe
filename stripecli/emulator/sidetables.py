"""Tables that live next to the objects but are not part of the store's schema: created on first
use by the module that owns them (the request log, the listen resend queue), once per store."""

from __future__ import annotations

from typing import Any


def ensure(store: Any, name: str, schema: str) -> None:
    """Run ``schema`` (a ``CREATE TABLE IF NOT EXISTS``) the first time ``name`` is used on ``store``."""
    if name in store.side_tables:
        return
    with store.write() as conn:
        conn.execute(schema)
    store.side_tables.add(name)
