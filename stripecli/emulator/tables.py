"""The indexes lists, clock advances and searches use on the emulator's ``objects`` table, and how a
field of an object's stored JSON is spelled in SQL so that those indexes apply.

Besides expression indexes, search has a side table, ``search_values``: one row per object and
text field that search matches by substring or by metadata key (``name~'jen'``,
``metadata['order']:'6735'``), kept by triggers on ``objects`` in the same transaction as the
write. Scanning its short values is far cheaper than parsing every object's JSON, and a metadata
match is an index lookup."""

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


def _copy_search_values(row: str, source: str = "") -> list[str]:
    # one json_each over the object's top level reads all of TEXT_FIELDS in one parse of its
    # JSON (a json_type and a json_extract per field would parse it up to eight times)
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


_FORGET = ";\n".join(
    "DELETE FROM search_values WHERE object_type = old.type AND field IN (%s) AND object_created = old.created "
    "AND object_seq = old.seq" % fields
    for fields in (", ".join("'%s'" % f for f in TEXT_FIELDS),
                   "SELECT 'metadata.' || key FROM json_each(old.data, '$.metadata')"))


def search_schema() -> list[str]:
    """The ``search_values`` table and the triggers that keep it."""
    insert = ";\n".join(_copy_search_values("new"))
    return [
        # clustered by field in list order: a substring page reads one type's values of one field
        # newest first and stops after the page; an object's rows are point lookups (its fields
        # are known from its JSON), which is how the triggers forget them
        "CREATE TABLE IF NOT EXISTS search_values (object_type TEXT NOT NULL, object_created INTEGER NOT NULL, "
        "object_seq INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, " + _SEARCH_KEY + ") WITHOUT ROWID",
        # an exact match (metadata['order']:'6735') is a lookup, already newest first
        "CREATE INDEX IF NOT EXISTS search_values_by_value ON search_values "
        "(object_type, field, value, object_created, object_seq)",
        "CREATE TRIGGER IF NOT EXISTS objects_search_insert AFTER INSERT ON objects BEGIN %s; END" % insert,
        "CREATE TRIGGER IF NOT EXISTS objects_search_update AFTER UPDATE OF data ON objects BEGIN %s; %s; END"
        % (_FORGET, insert),
        "CREATE TRIGGER IF NOT EXISTS objects_search_delete AFTER DELETE ON objects BEGIN %s; END" % _FORGET,
    ]


_SEARCH_KEY = "PRIMARY KEY (object_type, field, object_created, object_seq)"


def search_table_current(create_sql: str | None) -> bool:
    """Whether a database's ``search_values`` (its ``CREATE`` text, None if absent) has today's
    layout; if not, ``search_drop`` removes it so that it is made again and refilled."""
    return create_sql is not None and _SEARCH_KEY in create_sql


_DROP_TRIGGERS = ["DROP TRIGGER IF EXISTS objects_search_insert", "DROP TRIGGER IF EXISTS objects_search_update",
                  "DROP TRIGGER IF EXISTS objects_search_delete"]


def search_drop() -> list[str]:
    return _DROP_TRIGGERS + ["DROP TABLE IF EXISTS search_values"]


def search_backfill() -> list[str]:
    """Fill ``search_values`` for objects stored before the table existed."""
    return _copy_search_values("objects", "objects, ")


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
        # the triggers are made again from today's text ("IF NOT EXISTS" would keep an older body)
        for statement in (_DROP_TRIGGERS if current else search_drop()) + statements:
            conn.execute(statement)
        if not current:  # made just now: copy in what the database already holds
            for statement in search_backfill():
                conn.execute(statement)
        conn.execute("PRAGMA user_version = %d" % version)
