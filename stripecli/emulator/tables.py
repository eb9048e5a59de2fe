"""The indexes lists, clock advances and searches use on the emulator's ``objects`` table, and how a
field of an object's stored JSON is spelled in SQL so that those indexes apply.

Besides expression indexes, search has a side table, ``search_values``: one row per object and
text field that search matches by substring or by metadata key (``name~'jen'``,
``metadata['order']:'6735'``), written by the store (``Store.insert``, ``put``, ``delete``) in the
same statement sequence as the object, from the object it already holds in Python. Scanning its
short values is far cheaper than parsing every object's JSON, and a metadata match is an index
lookup.

Why not triggers (as before): a trigger can only read the row's JSON through SQLite's JSON
functions, and the bundled SQLite parses the object's text again for each of them; that made the
side table the largest cost of a create (about 130 us of a customer's ~320 us of CPU, measured
in-process). ``search_rows`` computes the same rows from the dict, and a test holds it to the SQL
form (``search_backfill``), which still fills the table for databases made before it existed."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from typing import Any, Callable, ContextManager


# The JSON fields that lists, clock advances and searches filter on most (``?customer=``,
# ``?status=``, the objects on a test clock, ``email:'...'``): each has an expression index on
# ``(type, field, created, seq)``, so a filtered list or search page reads only its own rows, in
# order, however many objects the database holds. Queries must spell the field exactly as
# ``json_field`` does for SQLite to use the index.
INDEXED_FIELDS = ("customer", "status", "subscription", "test_clock", "email", "product", "invoice",
                  "payment_intent")

_SAFE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_field(*parts: str) -> tuple[str, tuple]:
    """SQL for one field of an object's stored JSON (``json_field("customer")``, or
    ``json_field("metadata", "order")``) and its arguments. Plain names are written into the SQL
    so that the expression indexes on ``INDEXED_FIELDS`` apply; other keys are bound."""
    if all(_SAFE_KEY.match(part) for part in parts):
        return "json_extract(data, '$.%s')" % ".".join(parts), ()
    return "json_extract(data, ?)", ("$" + "".join("." + json.dumps(part) for part in parts),)


def field_indexes() -> list[str]:
    """``CREATE INDEX`` statements for ``INDEXED_FIELDS``, then the search side table."""
    out = []
    for name in INDEXED_FIELDS:
        expr = json_field(name)[0]
        out.append("CREATE INDEX IF NOT EXISTS objects_by_%s ON objects (type, %s, created, seq) WHERE %s IS NOT NULL;"
                   % (name, expr, expr))
    return out + search_schema()


def search_number(value: Any) -> float | None:
    """A stored value read as a number the way search compares numbers (``amount>1000``,
    ``metadata['n']:5``): numbers as they are, numeric text parsed, anything else NULL."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# Fields copied to ``search_values`` (plus every key of ``metadata``, as ``metadata.<key>``).
TEXT_FIELDS = ("name", "email", "phone", "description")

# A JSON value as search compares it in text: booleans as true/false, numbers as SQLite prints them.
_AS_TEXT = ("CASE %(type)s WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
            "WHEN 'text' THEN %(value)s WHEN 'integer' THEN CAST(%(value)s AS TEXT) "
            "WHEN 'real' THEN CAST(%(value)s AS TEXT) END")


def as_text(value_sql: str, type_sql: str) -> str:
    return _AS_TEXT % {"value": value_sql, "type": type_sql}


def search_backfill() -> list[str]:
    """Fill ``search_values`` in SQL for objects stored before the table existed: the same rows
    as ``search_rows`` (a test holds the two to each other)."""
    row, source = "objects", "objects, "
    fields = ", ".join("'%s'" % f for f in TEXT_FIELDS)
    return [
        "INSERT INTO search_values (object_seq, object_type, object_created, field, value) "
        "SELECT %(row)s.seq, %(row)s.type, %(row)s.created, f.key, %(text)s FROM %(source)sjson_each(%(row)s.data) AS f "
        "WHERE f.key IN (%(fields)s) AND f.type IN ('text', 'integer', 'real', 'true', 'false')"
        % {"row": row, "source": source, "fields": fields, "text": as_text("f.atom", "f.type")},
        "INSERT OR IGNORE INTO search_values (object_seq, object_type, object_created, field, value) "
        "SELECT %(row)s.seq, %(row)s.type, %(row)s.created, 'metadata.' || m.key, %(text)s "
        "FROM %(source)sjson_each(%(row)s.data, '$.metadata') AS m "
        "WHERE m.type IN ('text', 'integer', 'real', 'true', 'false')"
        % {"row": row, "source": source, "text": as_text("m.atom", "m.type")},
    ]


def search_schema() -> list[str]:
    """The ``search_values`` table (the store keeps its rows, see ``search_rows``)."""
    return [
        # clustered by field in list order: a substring page reads one type's values of one field
        # newest first and stops after the page; an object's rows are point lookups (its fields
        # are known from its JSON), which is how the store forgets them
        "CREATE TABLE IF NOT EXISTS search_values (object_type TEXT NOT NULL, object_created INTEGER NOT NULL, "
        "object_seq INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, " + _SEARCH_KEY + ") WITHOUT ROWID",
        # an exact match (metadata['order']:'6735') is a lookup, already newest first
        "CREATE INDEX IF NOT EXISTS search_values_by_value ON search_values "
        "(object_type, field, value, object_created, object_seq)",
    ]


# The value is cast in SQL so that a float is written as SQLite prints it, as the SQL form does.
SEARCH_PUT = ("INSERT OR REPLACE INTO search_values (object_type, object_created, object_seq, field, value) "
              "VALUES (?, ?, ?, ?, CAST(? AS TEXT))")
SEARCH_FORGET = "DELETE FROM search_values WHERE object_type = ? AND field = ? AND object_created = ? AND object_seq = ?"

_I64 = 1 << 63


def _search_value(value: Any) -> Any:
    """A JSON value as the SQL form stores it (before the CAST): booleans as true/false, numbers
    as numbers, text as text; None for what is not a scalar (null, hashes, arrays)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -_I64 <= value < _I64 else float(value)  # SQLite reads a larger one as real
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    return None


def search_rows(obj: dict[str, Any]) -> dict[str, Any]:
    """The ``search_values`` rows of an object, field -> value: its ``TEXT_FIELDS`` and each
    metadata value (``metadata.<key>``) that is a scalar."""
    out = {}
    for name in TEXT_FIELDS:
        value = _search_value(obj.get(name))
        if value is not None:
            out[name] = value
    metadata = obj.get("metadata")
    items = metadata.items() if isinstance(metadata, dict) else enumerate(metadata) if isinstance(metadata, list) else ()
    for key, item in items:
        value = _search_value(item)
        if value is not None:
            out["metadata.%s" % key] = value
    return out


def search_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """What an update does to an object's rows: the fields to forget and the rows to write."""
    stale = [f for f, v in before.items() if f not in after or type(after[f]) is not type(v) or after[f] != v]
    fresh = {f: v for f, v in after.items() if f not in before or type(before[f]) is not type(v) or before[f] != v}
    return stale, fresh


_SEARCH_KEY = "PRIMARY KEY (object_type, field, object_created, object_seq)"


def search_table_current(create_sql: str | None) -> bool:
    """Whether a database's ``search_values`` (its ``CREATE`` text, None if absent) has today's
    layout; if not, ``search_drop`` removes it so that it is made again and refilled."""
    return create_sql is not None and _SEARCH_KEY in create_sql


# triggers that kept the table in earlier versions: dropped when such a database is opened
_DROP_TRIGGERS = ["DROP TRIGGER IF EXISTS objects_search_insert", "DROP TRIGGER IF EXISTS objects_search_update",
                  "DROP TRIGGER IF EXISTS objects_search_delete"]


def search_drop() -> list[str]:
    return _DROP_TRIGGERS + ["DROP TABLE IF EXISTS search_values"]


def ensure_schema(conn: sqlite3.Connection, write: Callable[[], ContextManager[sqlite3.Connection]],
                  tables: list[str]) -> None:
    """Create what is missing: the store's ``tables`` statements, then the indexes and the
    search side table (remade and refilled if it has an older layout). The database's
    ``user_version`` holds a fingerprint of the statements that made it, so opening a database
    that is already current (every ``--local`` command) costs one read, not a write transaction."""
    statements = [t for t in tables if t.strip()] + field_indexes()
    version = zlib.crc32(";".join(statements).encode()) & 0x7FFFFFFF
    if conn.execute("PRAGMA user_version").fetchone()[0] == version:
        return
    with write() as conn:
        found = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search_values'").fetchone()
        current = search_table_current(found[0] if found else None)
        # triggers of earlier versions go (the store writes the rows itself now)
        for statement in (_DROP_TRIGGERS if current else search_drop()) + statements:
            conn.execute(statement)
        if not current:  # made just now: copy in what the database already holds
            for statement in search_backfill():
                conn.execute(statement)
        conn.execute("PRAGMA user_version = %d" % version)
