"""The emulator's state: one SQLite database per data directory (stdlib ``sqlite3``).

Objects are JSON text in one table keyed by id, with columns for what lists need: the type, the
parent (the customer of a tax id created under ``/v1/customers/{customer}/tax_ids``), ``created``
and a sequence number. Lists run newest first on the ``(type, created, seq)`` index, and cursors
(``starting_after``/``ending_before``) are ``(created, seq)`` pairs, so a page costs the same at
the start or the end of a list of any length.

The database itself (connections, WAL, transactions, group commit, durability) is
``database.Database``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from typing import Any, Iterable

from stripecli.config import default_data_dir  # where the database lives (shared with --from journals)
from stripecli.emulator.database import Database
from stripecli.emulator.datafiles import create_private, sizes
from stripecli.emulator.tables import (SEARCH_FORGET, SEARCH_PUT, ensure_schema, search_changes, search_number,
                                      search_rows)

DB_NAME = "emulator.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    id      TEXT NOT NULL UNIQUE,
    type    TEXT NOT NULL,
    parent  TEXT,
    created INTEGER NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_by_type ON objects (type, created, seq);
CREATE INDEX IF NOT EXISTS objects_by_parent ON objects (parent, type, created, seq) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS idempotency (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        BLOB NOT NULL,
    created     REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS advances (
    clock    TEXT PRIMARY KEY,
    target   INTEGER NOT NULL,
    ready_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    id      TEXT NOT NULL UNIQUE,
    type    TEXT NOT NULL,
    created INTEGER NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, seq);
CREATE TABLE IF NOT EXISTS deliveries (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    event       TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    url         TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     REAL,
    claimed_by  TEXT,
    claimed_at  REAL,
    created     REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event, seq);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_at) WHERE status = 'pending';
CREATE TABLE IF NOT EXISTS delivery_attempts (
    delivery    INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    at          REAL NOT NULL,
    duration_ms INTEGER NOT NULL,
    status      INTEGER,
    error       TEXT,
    response    TEXT,
    PRIMARY KEY (delivery, n)
);
"""

IDEMPOTENCY_TTL = 24 * 3600


def database_path(data_dir: str | None = None) -> str:
    return os.path.join(data_dir or default_data_dir(), DB_NAME)


_DUMP = json.JSONEncoder(separators=(",", ":"))  # one encoder, not one per write
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dump(obj: dict[str, Any]) -> str:
    """An object as the store keeps it: compact JSON, ASCII."""
    return _DUMP.encode(obj)


def compact(value: Any) -> str:
    """Compact JSON with text as it is (``ensure_ascii=False``): stored events and answers."""
    return _COMPACT.encode(value)


class Row:
    """One stored object: its JSON and the columns lists sort and filter on."""

    __slots__ = ("seq", "id", "type", "parent", "created", "data")

    def __init__(self, seq: int, id: str, type: str, parent: str | None, created: int, data: dict[str, Any]):
        self.seq = seq
        self.id = id
        self.type = type
        self.parent = parent
        self.created = created
        self.data = data


def _row(t: tuple) -> Row:
    return Row(t[0], t[1], t[2], t[3], t[4], json.loads(t[5]))


class Store(Database):
    """The emulator's tables over one data directory's database (see ``Database`` for the
    connections and transactions)."""

    def __init__(self, data_dir: str | None = None) -> None:
        self.data_dir = os.path.abspath(data_dir or default_data_dir())
        create_private(self.data_dir, os.path.join(self.data_dir, DB_NAME))
        super().__init__(os.path.join(self.data_dir, DB_NAME))
        ensure_schema(self.conn, self.write, _SCHEMA.split(";"))

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        conn.create_function("search_number", 1, search_number, deterministic=True)
        return conn

    # -- objects ----------------------------------------------------------------------------

    def get(self, object_id: str) -> Row | None:
        t = self.conn.execute(
            "SELECT seq, id, type, parent, created, data FROM objects WHERE id = ?", (object_id,)
        ).fetchone()
        return _row(t) if t else None

    def position(self, object_id: str) -> tuple[int, int] | None:
        t = self.conn.execute("SELECT created, seq FROM objects WHERE id = ?", (object_id,)).fetchone()
        return (t[0], t[1]) if t else None

    def exists(self, object_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM objects WHERE id = ?", (object_id,)).fetchone() is not None

    def insert(self, obj: dict[str, Any], *, parent: str | None = None, text: str | None = None) -> None:
        """Store a new object, and its ``search_values`` rows; ``text`` is its JSON when the caller
        has it already."""
        created = int(obj.get("created") or 0)
        cur = self.conn.execute("INSERT INTO objects (id, type, parent, created, data) VALUES (?, ?, ?, ?, ?)", (
            obj["id"], obj["object"], parent, created, text or dump(obj)))
        rows = search_rows(obj)
        if rows:
            seq, kind = cur.lastrowid, obj["object"]
            self.conn.executemany(SEARCH_PUT, [(kind, created, seq, f, v) for f, v in rows.items()])

    def put(self, obj: dict[str, Any], *, text: str | None = None) -> None:
        """Replace the JSON of an object that exists (its place in lists does not change), and the
        ``search_values`` rows that changed with it."""
        old = self.conn.execute("SELECT seq, type, created, data FROM objects WHERE id = ?", (obj["id"],)).fetchone()
        self.conn.execute("UPDATE objects SET data = ? WHERE id = ?", (text or dump(obj), obj["id"]))
        if old is None:
            return
        seq, kind, created, data = old
        stale, fresh = search_changes(search_rows(json.loads(data)), search_rows(obj))
        if stale:
            self.conn.executemany(SEARCH_FORGET, [(kind, f, created, seq) for f in stale])
        if fresh:
            self.conn.executemany(SEARCH_PUT, [(kind, created, seq, f, v) for f, v in fresh.items()])

    def set_parent(self, object_id: str, parent: str | None) -> None:
        """Move an object under another parent (a payment method attached to a customer is listed
        under ``/v1/customers/{customer}/payment_methods``); its JSON does not change."""
        self.conn.execute("UPDATE objects SET parent = ? WHERE id = ?", (parent, object_id))

    def delete(self, object_id: str) -> None:
        old = self.conn.execute("SELECT seq, type, created, data FROM objects WHERE id = ?", (object_id,)).fetchone()
        if old is None:
            return
        seq, kind, created, data = old
        self.conn.executemany(SEARCH_FORGET, [(kind, f, created, seq) for f in search_rows(json.loads(data))])
        self.conn.execute("DELETE FROM objects WHERE seq = ?", (seq,))

    def page(
        self,
        types: Iterable[str],
        *,
        parent: str | None = None,
        where: list[tuple[str, tuple]] | None = None,
        limit: int = 10,
        after: tuple[int, int] | None = None,
        before: tuple[int, int] | None = None,
    ) -> tuple[list[Row], bool]:
        """Up to ``limit`` objects newest first, and whether there are more in that direction.

        ``after`` is the position of ``starting_after`` (older objects follow); ``before`` that of
        ``ending_before`` (the newer objects right before it, still returned newest first).
        """
        types = tuple(types)
        clauses = ["type = ?" if len(types) == 1 else "type IN (%s)" % ",".join("?" * len(types))]
        args: list[Any] = list(types)
        if parent is not None:
            clauses.append("parent = ?")
            args.append(parent)
        for sql, values in where or ():
            clauses.append(sql)
            args.extend(values)
        order = "DESC"
        if after is not None:
            clauses.append("(created, seq) < (?, ?)")
            args.extend(after)
        elif before is not None:
            clauses.append("(created, seq) > (?, ?)")
            args.extend(before)
            order = "ASC"
        sql = "SELECT seq, id, type, parent, created, data FROM objects WHERE %s ORDER BY created %s, seq %s LIMIT ?" % (
            " AND ".join(clauses), order, order)
        args.append(limit + 1)
        rows = [_row(t) for t in self.conn.execute(sql, args)]
        more = len(rows) > limit
        rows = rows[:limit]
        if order == "ASC":
            rows.reverse()
        return rows, more

    def scan(self, types: Iterable[str], *, parent: str | None = None,
             where: list[tuple[str, tuple]] | None = None) -> Iterator[Row]:
        """Every object of the types (newest first), for search and for behaviours."""
        types = tuple(types)
        clauses = ["type IN (%s)" % ",".join("?" * len(types))]
        args: list[Any] = list(types)
        if parent is not None:
            clauses.append("parent = ?")
            args.append(parent)
        for sql, values in where or ():
            clauses.append(sql)
            args.extend(values)
        sql = "SELECT seq, id, type, parent, created, data FROM objects WHERE %s ORDER BY created DESC, seq DESC" % (
            " AND ".join(clauses))
        for t in self.conn.execute(sql, args).fetchall():
            yield _row(t)

    def children(self, parent: str, types: Iterable[str] | None = None) -> list[Row]:
        if types is None:
            rows = self.conn.execute(
                "SELECT seq, id, type, parent, created, data FROM objects WHERE parent = ? ORDER BY created DESC, seq DESC",
                (parent,)).fetchall()
            return [_row(t) for t in rows]
        return list(self.scan(types, parent=parent))

    def select(self, sql: str, args: Iterable[Any]) -> list[Row]:
        """Rows of a query that selects ``seq, id, type, parent, created, data`` of objects."""
        return [_row(t) for t in self.conn.execute(sql, list(args))]

    def count_where(self, types: Iterable[str], where: list[tuple[str, tuple]]) -> int:
        """How many objects of the types meet every condition (search's ``total_count``)."""
        types = tuple(types)
        clauses = ["type IN (%s)" % ",".join("?" * len(types))] + [sql for sql, _ in where]
        args = list(types) + [a for _, values in where for a in values]
        return self.conn.execute("SELECT COUNT(*) FROM objects WHERE %s" % " AND ".join(clauses), args).fetchone()[0]

    def count(self) -> dict[str, int]:
        return {t: n for t, n in self.conn.execute("SELECT type, COUNT(*) FROM objects GROUP BY type ORDER BY type")}

    # -- idempotency ------------------------------------------------------------------------

    def idempotent(self, key: str) -> tuple[str, int, bytes] | None:
        t = self.conn.execute(
            "SELECT fingerprint, status, body, created FROM idempotency WHERE key = ?", (key,)).fetchone()
        if t is None or t[3] < time.time() - IDEMPOTENCY_TTL:
            return None
        return t[0], t[1], bytes(t[2])

    def remember(self, key: str, fingerprint: str, status: int, body: bytes) -> None:
        now = time.time()
        self.conn.execute(
            "INSERT OR REPLACE INTO idempotency (key, fingerprint, status, body, created) VALUES (?, ?, ?, ?, ?)",
            (key, fingerprint, status, body, now))
        if int(now * 1000) % 256 == 0:  # now and then, forget keys older than a day
            self.conn.execute("DELETE FROM idempotency WHERE created < ?", (now - IDEMPOTENCY_TTL,))

    # -- test clock advances ----------------------------------------------------------------

    def due_advances(self, now: float) -> list[tuple[str, int]]:
        return [(c, t) for c, t in self.conn.execute(
            "SELECT clock, target FROM advances WHERE ready_at <= ? ORDER BY ready_at", (now,))]

    def has_advances(self) -> bool:
        return self.conn.execute("SELECT 1 FROM advances LIMIT 1").fetchone() is not None

    def schedule_advance(self, clock: str, target: int, ready_at: float) -> None:
        self.conn.execute("INSERT OR REPLACE INTO advances (clock, target, ready_at) VALUES (?, ?, ?)",
                          (clock, target, ready_at))

    def finish_advance(self, clock: str) -> None:
        self.conn.execute("DELETE FROM advances WHERE clock = ?", (clock,))

    # -- maintenance ------------------------------------------------------------------------

    def reset(self) -> dict[str, int]:
        """Empty every table; the counts of objects by type that were removed."""
        with self.write() as conn:
            counts = self.count()
            conn.execute("DELETE FROM objects")
            conn.execute("DELETE FROM search_values")
            conn.execute("DELETE FROM idempotency")
            conn.execute("DELETE FROM advances")
            # events and their webhook outbox; the events' sequence goes on (not reset), so that a
            # follower's cursor ("events after N") stays valid across a reset
            for table in ("events", "deliveries", "delivery_attempts"):
                conn.execute("DELETE FROM %s" % table)
            conn.execute("DELETE FROM sqlite_sequence WHERE name = 'objects'")
        return counts

    def sizes(self) -> dict[str, int]:
        """Bytes on disk (see ``datafiles.sizes``) for the objects stored."""
        return sizes(self.path, self.conn.execute("SELECT COUNT(*) FROM objects").fetchone()[0])

    def integrity(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]
