"""Search runs in SQL with keyset pages; lists and clock advances use indexes; the WAL stays
bounded; the store reports its size per object."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from stripecli.emulator import database as database_module, search
from stripecli.emulator.store import Store
from stripecli.emulator.tables import INDEXED_FIELDS, json_field, search_drop

OBJECTS = [
    {"id": "cus_1", "object": "customer", "created": 100, "email": "jenny@example.com", "name": "Jenny Rosen",
     "metadata": {"order": "6735", "tier": "gold"}, "balance": 0, "delinquent": False, "phone": None},
    {"id": "cus_2", "object": "customer", "created": 101, "email": "JENNY@example.com", "name": "jenny ROSEN",
     "metadata": {"order": "12"}, "balance": -500, "delinquent": True, "address": {"city": "Berlin"}},
    {"id": "cus_3", "object": "customer", "created": 102, "email": "bob@example.com", "name": "Bob",
     "metadata": {}, "balance": 2500, "delinquent": False, "phone": "+15551234", "tags": ["a"]},
    {"id": "cus_4", "object": "customer", "created": 103, "email": None, "name": "Ünïcode Ñame",
     "metadata": {"order": " 7 ", "n": "abc"}, "balance": 7.5, "delinquent": False},
    {"id": "cus_5", "object": "customer", "created": 104, "email": "5", "name": "true",
     "metadata": {"weird key": "x'y"}, "balance": 5, "delinquent": False, "discount": {"id": "di_1"}},
]

QUERIES = [
    "email:'jenny@example.com'", "email:\"JENNY@example.com\"", "email:null", "-email:null", "phone:null",
    "name~'jen'", "name~'ROSEN'", "name~'ñame'", "name~'Ñ'", "name:'true'", "name:'TRUE'",
    "metadata['order']:'6735'", "metadata['order']:6735", "metadata['order']:7", "metadata['order']>10",
    "metadata['n']:0", "metadata[\"weird key\"]:'x\\'y'", "metadata['tier']:null", "-metadata['tier']:null",
    "balance>0", "balance>=0", "balance<0", "balance:7.5", "balance:'7.5'", "balance:'-500'", "balance>'x'",
    "delinquent:'true'", "delinquent:'False'", "delinquent:1", "-delinquent:'true'",
    "created>101", "created<=101", "created:102", "email:'5'", "email:5",
    "address.city:'Berlin'", "address.city~'erl'", "-address.city:'Berlin'", "discount:'di_1'", "tags:'a'",
    "email:'jenny@example.com' OR email:'bob@example.com'", "name~'jen' AND balance<0",
    "name~'o' AND -metadata['order']:'12' AND created>=100", "metadata['order']:'12'", "metadata['order']:' 7 '",
    "name~'jen' AND metadata['order']:'12'", "metadata['tier']~'OL' OR name:'Bob'",
]


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "data"))
    with s.write():
        for obj in OBJECTS:
            s.insert(obj)
    yield s
    s.close()


@pytest.mark.parametrize("query", QUERIES)
def test_sql_search_selects_what_the_reference_predicate_selects(store, query):
    expected = [o["id"] for o in sorted(OBJECTS, key=lambda o: -o["created"]) if search.compile_query(query)(o)]
    sql, args = search.to_sql(query)
    rows = store.conn.execute("SELECT id FROM objects WHERE type = 'customer' AND %s ORDER BY created DESC" % sql,
                              args).fetchall()
    assert [r[0] for r in rows] == expected


@pytest.mark.parametrize("query", QUERIES)
def test_search_pages_select_what_the_reference_predicate_selects(store, query):
    expected = [o["id"] for o in sorted(OBJECTS, key=lambda o: -o["created"]) if search.compile_query(query)(o)]
    got, after = [], None
    while True:  # pages of 2: every plan (index, side table, scan) pages by its own position
        rows = store.select(*search.page_query(query, ("customer",), after, 2))
        got += [r.id for r in rows[:2]]
        if len(rows) <= 2:
            break
        after = (rows[1].created, rows[1].seq)
    assert got == expected


def test_search_values_follow_updates_and_deletes(store):
    def page(query):
        return [r.id for r in store.select(*search.page_query(query, ("customer",), None, 10))]

    assert page("metadata['tier']:'gold'") == ["cus_1"]
    with store.write():
        store.put({**OBJECTS[0], "metadata": {"tier": "silver"}, "name": "Renamed"})
    assert page("metadata['tier']:'gold'") == []
    assert page("metadata['tier']:'silver'") == ["cus_1"]
    assert page("name~'renamed'") == ["cus_1"]
    with store.write():
        store.delete("cus_1")
    assert page("name~'renamed'") == []
    assert store.conn.execute("SELECT COUNT(*) FROM search_values WHERE object_seq = 1").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM search_values").fetchone()[0] > 0


def test_a_database_from_before_the_side_table_is_filled_on_open(tmp_path):
    s = Store(str(tmp_path / "data"))
    with s.write():
        for obj in OBJECTS:
            s.insert(obj)
        s.conn.execute("DROP TABLE search_values")
        s.conn.execute("PRAGMA user_version = 1")  # what databases of that time held
    s.close()
    reopened = Store(str(tmp_path / "data"))
    rows = reopened.select(*search.page_query("name~'rosen'", ("customer",), None, 10))
    assert [r.id for r in rows] == ["cus_2", "cus_1"]


def test_a_side_table_of_an_older_layout_is_made_again(tmp_path):
    s = Store(str(tmp_path / "data"))
    with s.write():
        for statement in search_drop():
            s.conn.execute(statement)
        s.conn.execute("CREATE TABLE search_values (object_seq INTEGER NOT NULL, field TEXT NOT NULL, "
                       "value TEXT NOT NULL, PRIMARY KEY (object_seq, field)) WITHOUT ROWID")
        for obj in OBJECTS:  # stored as a version of that time did: the object alone
            s.conn.execute("INSERT INTO objects (id, type, parent, created, data) VALUES (?, ?, NULL, ?, ?)",
                           (obj["id"], obj["object"], obj["created"], json.dumps(obj)))
        s.conn.execute("PRAGMA user_version = 1")
    s.close()
    reopened = Store(str(tmp_path / "data"))
    rows = reopened.select(*search.page_query("metadata['order']:'12'", ("customer",), None, 10))
    assert [r.id for r in rows] == ["cus_2"]


def test_opening_a_current_database_writes_nothing(tmp_path, monkeypatch):
    Store(str(tmp_path / "data")).close()  # made and current
    writes = []
    original = Store.write
    monkeypatch.setattr(Store, "write", lambda self: (writes.append(1), original(self))[1])
    Store(str(tmp_path / "data")).close()
    assert writes == []
    (tmp_path / "other").mkdir()
    Store(str(tmp_path / "other")).close()  # a new database: the schema is written
    assert writes == [1]


def _plan_of(store: Store, query: str) -> str:
    sql, args = search.page_query(query, ("customer",), (10**9, 10**9), 10)
    return " ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_each_kind_of_search_reads_an_index_in_list_order(store):
    assert "objects_by_email" in _plan_of(store, "email:'a@example.com'")
    assert "search_values_by_value" in _plan_of(store, "metadata['order']:'6735'")
    assert "SEARCH sv USING PRIMARY KEY (object_type=?" in _plan_of(store, "name~'jen' AND balance>0")
    for query in ("metadata['order']:'6735'", "name~'jen'", "email:'a@example.com'"):
        assert "TEMP B-TREE" not in _plan_of(store, query), query


def test_the_reference_predicate_is_not_trivial():
    matched = {q: [o["id"] for o in OBJECTS if search.compile_query(q)(o)] for q in QUERIES}
    assert matched["email:'jenny@example.com'"] == ["cus_1"]
    assert matched["name~'jen'"] == ["cus_1", "cus_2"]
    assert matched["metadata['order']:7"] == ["cus_4"]
    assert matched["delinquent:'true'"] == ["cus_2"]
    assert matched["-email:null"] == ["cus_1", "cus_2", "cus_3", "cus_5"]
    assert len({tuple(v) for v in matched.values()}) > 10


def _http_search(local, query: str, **params) -> dict:
    response = local.get("/v1/customers/search", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_search_pages_are_keyset_pages_that_cover_every_result_once(local):
    ids = [local.post("/v1/customers", data={"email": "p%d@example.com" % i, "name": "Pager %d" % i}).json()["id"]
           for i in range(25)]
    local.post("/v1/customers", data={"email": "other@example.com", "name": "Someone else"})
    seen: list[str] = []
    page = _http_search(local, "name~'pager'", limit=10)
    tokens = []
    while True:
        seen += [c["id"] for c in page["data"]]
        if not page["has_more"]:
            assert page["next_page"] is None
            break
        tokens.append(page["next_page"])
        if len(tokens) == 1:  # created mid-way: newer than the cursor, so not in the pages that follow
            local.post("/v1/customers", data={"email": "late@example.com", "name": "Pager late"})
        page = _http_search(local, "name~'pager'", limit=10, page=page["next_page"])
    assert seen == list(reversed(ids))
    assert len(tokens) == 2 and len(set(tokens)) == 2
    total = _http_search(local, "name~'pager'", **{"expand[]": "total_count"})
    assert total["total_count"] == 26


def test_a_page_token_that_was_not_given_out_is_a_400(local):
    for token in ("garbage", "eyJvZmZzZXQiOiAxMH0", "WzEsICJ4Il0"):  # junk, an offset token, [1, "x"]
        response = local.get("/v1/customers/search", params={"query": "name~'a'", "page": token})
        assert response.status_code == 400, token
        assert response.json()["error"]["param"] == "page"


def _plan(store: Store, sql: str, args: tuple) -> str:
    return " ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, args))


@pytest.mark.parametrize("field", INDEXED_FIELDS)
def test_list_and_clock_filters_read_an_index_in_list_order(store, field):
    expr, args = json_field(field)
    sql = ("SELECT seq FROM objects WHERE type = ? AND %s = ? AND (created, seq) < (?, ?) "
           "ORDER BY created DESC, seq DESC LIMIT 11" % expr)
    plan = _plan(store, sql, ("invoice", *args, "x", 1, 2))
    assert "USING INDEX objects_by_%s" % field in plan
    assert "TEMP B-TREE" not in plan  # no sort: the index is already in list order


def test_the_list_filter_and_search_sql_are_the_indexed_spelling(tmp_path, local):
    from stripecli.emulator.listing import _equals

    sql, args = _equals(["customer"], "cus_x")
    plan = _plan(Store(str(tmp_path / "p")), "SELECT seq FROM objects WHERE type = 'invoice' AND " + sql, args)
    assert "objects_by_customer" in plan
    sql, args = search.to_sql("email:'a@example.com'")
    plan = _plan(Store(str(tmp_path / "p")), "SELECT seq FROM objects WHERE type = 'customer' AND " + sql, tuple(args))
    assert "objects_by_email" in plan


def test_the_wal_is_cut_back_once_a_long_reader_lets_go(tmp_path, monkeypatch):
    monkeypatch.setattr(database_module, "WAL_SIZE_LIMIT", 256 * 1024)
    monkeypatch.setattr(database_module, "WAL_AUTOCHECKPOINT", 50)
    monkeypatch.setattr(database_module, "CHECKPOINT_EVERY", 100)
    s = Store(str(tmp_path / "data"))
    wal = s.path + "-wal"
    reader = sqlite3.connect(s.path, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM objects").fetchone()  # holds a snapshot: the WAL cannot restart
    payload = "x" * 2000

    def write(n: int, start: int) -> None:
        for i in range(start, start + n):
            with s.write():
                s.insert({"id": "cus_%d" % i, "object": "customer", "created": i, "description": payload})

    write(600, 0)
    grown = os.path.getsize(wal)
    assert grown > 1024 * 1024  # the WAL had to grow while the reader held it
    reader.execute("COMMIT")
    reader.close()
    write(300, 600)
    assert os.path.getsize(wal) <= 256 * 1024 + 64 * 1024  # the limit, plus the frames since the last restart
    sizes = s.sizes()
    assert sizes["objects"] == 900
    assert sizes["bytes_per_object"] == (sizes["database_bytes"] + sizes["wal_bytes"]) // 900
    assert 2000 < sizes["bytes_per_object"] < 20000
    s.close()


def test_emulator_status_reports_size_per_object(tmp_path):
    from typer.testing import CliRunner

    from stripecli.cli import app

    data_dir = tmp_path / "data"
    s = Store(str(data_dir))
    with s.write():
        for obj in OBJECTS:
            s.insert(obj)
    s.close()
    result = CliRunner().invoke(app, ["emulator", "status", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["objects"] == {"customer": 5}
    assert report["database_bytes"] > 0
    assert report["bytes_per_object"] == (report["database_bytes"] + report["wal_bytes"]) // 5



ODD_VALUES = [
    {"id": "cus_o1", "object": "customer", "created": 200, "name": 7, "email": 2.5, "phone": True,
     "description": False, "metadata": {"a": 1.0, "b": 10**20, "c": -3, "d": 0.1, "e": None, "f": {"x": 1}}},
    {"id": "cus_o2", "object": "customer", "created": 201, "name": 1e300, "email": [1], "phone": {"a": 1},
     "description": "", "metadata": ["first", 2]},
    {"id": "cus_o3", "object": "customer", "created": 202, "name": 1 / 3, "metadata": "not a hash"},
    {"id": "cus_o4", "object": "customer", "created": 203, "name": -(2**63), "email": 2**63 - 1,
     "description": 123456789.125, "metadata": {"k'ey": "v\"al", "": "empty key", "n": "5"}},
]


def _rows(store):
    return sorted(store.conn.execute("SELECT object_type, object_created, object_seq, field, value, typeof(value) "
                                     "FROM search_values").fetchall())


@pytest.mark.parametrize("objects", [OBJECTS, ODD_VALUES], ids=["customers", "odd values"])
def test_the_rows_the_store_writes_are_those_of_the_sql_form(tmp_path, objects):
    """``Store.insert`` writes search rows from the object in Python; ``search_backfill`` makes
    them from the stored JSON in SQL. Both must give the same rows, value for value."""
    from stripecli.emulator.tables import search_backfill

    s = Store(str(tmp_path / "data"))
    with s.write():
        for obj in objects:
            s.insert(obj)
    written = _rows(s)
    assert written
    with s.write():
        s.conn.execute("DELETE FROM search_values")
        for statement in search_backfill():
            s.conn.execute(statement)
    assert _rows(s) == written
    s.close()


def test_an_update_rewrites_only_the_rows_that_changed_and_matches_the_sql_form(tmp_path):
    from stripecli.emulator.tables import search_backfill

    s = Store(str(tmp_path / "data"))
    with s.write():
        for obj in OBJECTS + ODD_VALUES:
            s.insert(obj)
    with s.write():
        s.put({**OBJECTS[0], "metadata": {"order": "6735", "tier": 3}, "email": None, "phone": "+49"})
        s.put({**ODD_VALUES[0], "name": 7.0, "metadata": {"a": 1, "b": 10**20}})  # 7 -> 7.0 is a change of text
        s.put({**ODD_VALUES[1], "metadata": {}})
    updated = _rows(s)
    assert [r[3:5] for r in updated if r[1] == 200 and r[3] == "name"] == [("name", "7.0")]
    with s.write():
        s.conn.execute("DELETE FROM search_values")
        for statement in search_backfill():
            s.conn.execute(statement)
    assert _rows(s) == updated
    with s.write():
        for obj in OBJECTS + ODD_VALUES:
            s.delete(obj["id"])
    assert _rows(s) == []
    s.close()
