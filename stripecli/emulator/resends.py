"""Events asked to be delivered again to a running ``stripecli listen --local``.

``stripecli events resend EVT --local`` adds a row here (besides queueing deliveries to webhook
endpoints); every running ``listen --local`` reads the rows added since it started and forwards
those events once more. Rows older than ``KEEP_SECONDS`` are dropped: a resend is for listeners
running now, not for ones started later.
"""

from __future__ import annotations

import time
from typing import Any

from stripecli.emulator import sidetables

KEEP_SECONDS = 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS listen_resends (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    event TEXT NOT NULL,
    at    REAL NOT NULL
)
"""


def ensure(store: Any) -> None:
    sidetables.ensure(store, "listen_resends", _SCHEMA)


def request(store: Any, event_id: str) -> int:
    """Ask running listeners to forward ``event_id`` again; the row's sequence number."""
    ensure(store)
    now = time.time()
    with store.write() as conn:
        conn.execute("DELETE FROM listen_resends WHERE at < ?", (now - KEEP_SECONDS,))
        return int(conn.execute("INSERT INTO listen_resends (event, at) VALUES (?, ?)", (event_id, now)).lastrowid)


def latest(store: Any) -> int:
    ensure(store)
    row = store.conn.execute("SELECT MAX(seq) FROM listen_resends").fetchone()
    if row[0] is not None:
        return int(row[0])
    row = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'listen_resends'").fetchone()
    return int(row[0]) if row else 0


def after(store: Any, seq: int, limit: int = 100) -> list[tuple[int, str]]:
    ensure(store)
    return [(int(s), e) for s, e in store.conn.execute(
        "SELECT seq, event FROM listen_resends WHERE seq > ? ORDER BY seq LIMIT ?", (int(seq), int(limit)))]
