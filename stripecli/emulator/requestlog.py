"""The emulator's request log: the last ``LIMIT`` requests, for ``stripecli logs tail --local``.

One row per request: when, method, path (never the query string), status, request id, duration
and idempotency key. Never a key, a header or a body field: nothing secret can be read back from
it. The table lives in the emulator's database next to the objects. A request that writes and
succeeds adds its row inside its own write transaction, just before the commit (so a create costs
one commit, not two, and its duration stops there); every other request (reads, errors) adds its
row in a short transaction of its own once the response is ready. Every ``TRIM_EVERY`` rows the
oldest beyond ``LIMIT`` are deleted, so the log stays bounded without a cost on each request.
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


class Entry:
    """The request being answered, until its row is written (``logged``: it was, inside the
    request's write transaction, which holds as long as the answer is a 200)."""

    __slots__ = ("at", "started", "method", "path", "logged")

    def __init__(self, at: float, started: float, method: str, path: str) -> None:
        self.at, self.started, self.method, self.path = at, started, method, path
        self.logged = False

    def log(self, store: Any, status: int, request_id: str, idempotency_key: str | None) -> None:
        """Add the row inside the write transaction under way (``ensure`` ran before it began)."""
        _insert(store.conn, self.at, self.method, self.path, status, request_id,
                (time.monotonic() - self.started) * 1000, idempotency_key)
        self.logged = True


def _insert(conn: sqlite3.Connection, at: float, method: str, path: str, status: int, request_id: str,
            duration_ms: float, idempotency_key: str | None) -> None:
    cur = conn.execute(
        "INSERT INTO request_log (at, method, path, status, request_id, duration_ms, idempotency_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at, method, path, int(status), request_id, round(float(duration_ms), 3), idempotency_key))
    seq = cur.lastrowid or 0
    if seq % TRIM_EVERY == 0:
        conn.execute("DELETE FROM request_log WHERE seq <= ?", (seq - LIMIT,))


def record(store: Any, *, at: float, method: str, path: str, status: int, request_id: str, duration_ms: float,
           idempotency_key: str | None) -> None:
    """Append one request (best effort: a busy database never fails the request it describes)."""
    try:
        ensure(store)
        with store.write() as conn:
            _insert(conn, at, method, path, status, request_id, duration_ms, idempotency_key)
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
