"""The emulator's request log: the last ``LIMIT`` requests, for ``stripecli logs tail --local``.

One row per request: when, method, path (never the query string), status, request id, duration
and idempotency key. Never a key, a header or a body field: nothing secret can be read back from
it. The table lives in the emulator's database next to the objects; each row is its own short
transaction written after the response is ready, and every ``TRIM_EVERY`` rows the oldest beyond
``LIMIT`` are deleted, so the log stays bounded without a cost on each request.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from stripecli.emulator import sidetables

LIMIT = 10_000
TRIM_EVERY = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS request_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    at              REAL NOT NULL,
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    status          INTEGER NOT NULL,
    request_id      TEXT NOT NULL,
    duration_ms     REAL NOT NULL,
    idempotency_key TEXT
)
"""

COLUMNS = ("seq", "at", "method", "path", "status", "request_id", "duration_ms", "idempotency_key")


def ensure(store: Any) -> None:
    sidetables.ensure(store, "request_log", _SCHEMA)


def record(store: Any, *, at: float, method: str, path: str, status: int, request_id: str, duration_ms: float,
           idempotency_key: str | None) -> None:
    """Append one request (best effort: a busy database never fails the request it describes)."""
    try:
        ensure(store)
        with store.write() as conn:
            cur = conn.execute(
                "INSERT INTO request_log (at, method, path, status, request_id, duration_ms, idempotency_key) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (at, method, path, int(status), request_id, round(float(duration_ms), 3), idempotency_key))
            seq = cur.lastrowid or 0
            if seq % TRIM_EVERY == 0:
                conn.execute("DELETE FROM request_log WHERE seq <= ?", (seq - LIMIT,))
    except sqlite3.OperationalError:
        pass


def latest(store: Any) -> int:
    ensure(store)
    row = store.conn.execute("SELECT MAX(seq) FROM request_log").fetchone()
    return int(row[0] or 0)


def after(store: Any, seq: int, limit: int = 500) -> list[dict[str, Any]]:
    """Requests logged after ``seq``, oldest first."""
    ensure(store)
    rows = store.conn.execute(
        "SELECT %s FROM request_log WHERE seq > ? ORDER BY seq LIMIT ?" % ", ".join(COLUMNS), (int(seq), int(limit)))
    return [dict(zip(COLUMNS, row)) for row in rows.fetchall()]


def count(store: Any) -> int:
    ensure(store)
    return int(store.conn.execute("SELECT COUNT(*) FROM request_log").fetchone()[0])


def now() -> float:
    return time.time()
