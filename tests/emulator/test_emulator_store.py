"""State in SQLite: kept across restarts, safe with several writers, fast paging, reset."""

from __future__ import annotations

import json
import os
import sqlite3
import threading

import httpx

from stripecli.emulator.handler import Emulator
from stripecli.emulator.store import DB_NAME, Store, database_path, default_data_dir
from stripecli.emulator.transport import LocalTransport
from tests.emulator.helpers import AUTH


def client_on(emulator: Emulator) -> httpx.Client:
    return httpx.Client(transport=LocalTransport(emulator), base_url="http://emulator.local", headers=AUTH)


def test_state_is_kept_across_restarts(tmp_path):
    first = Emulator(str(tmp_path))
    with client_on(first) as api:
        created = api.post("/v1/customers", data={"email": "kept@example.com"}).json()
    first.store.close()
    second = Emulator(str(tmp_path))
    with client_on(second) as api:
        assert api.get("/v1/customers/" + created["id"]).json()["email"] == "kept@example.com"


def test_the_database_is_one_wal_file_per_data_dir(tmp_path):
    store = Store(str(tmp_path))
    assert store.path == os.path.join(str(tmp_path), DB_NAME)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] in (1, 2)  # NORMAL or FULL
    assert store.integrity() == "ok"


def test_the_data_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "from-env"))
    assert default_data_dir() == str(tmp_path / "from-env")
    assert database_path() == str(tmp_path / "from-env" / DB_NAME)
    monkeypatch.delenv("STRIPECLI_DATA_DIR")
    import platformdirs

    assert default_data_dir() == platformdirs.user_data_dir("stripecli")


def test_reset_empties_everything(tmp_path):
    emulator = Emulator(str(tmp_path))
    with client_on(emulator) as api:
        api.post("/v1/customers", data={})
        api.post("/v1/customers", data={}, headers={"Idempotency-Key": "k"})
        counts = emulator.store.reset()
        assert counts == {"customer": 2}
        assert api.get("/v1/customers").json()["data"] == []
        replay = api.post("/v1/customers", data={}, headers={"Idempotency-Key": "k"})
        assert "idempotent-replayed" not in replay.headers


def test_threads_writing_at_once_lose_nothing(tmp_path):
    emulator = Emulator(str(tmp_path))
    made: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        with client_on(emulator) as api:
            for i in range(25):
                response = api.post("/v1/customers", data={"name": "t%d-%d" % (n, i)})
                assert response.status_code == 200
                with lock:
                    made.append(response.json()["id"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with client_on(emulator) as api:
        seen = [c["id"] for page in _pages(api, "/v1/customers") for c in page]
    assert sorted(seen) == sorted(made) and len(made) == 150
    assert emulator.store.integrity() == "ok"


def _pages(api, path, **params):
    params = {"limit": 100, **params}
    while True:
        page = api.get(path, params=params).json()
        yield page["data"]
        if not page["has_more"]:
            return
        params["starting_after"] = page["data"][-1]["id"]


def test_lists_of_ten_thousand_objects_page_on_the_index(tmp_path):
    emulator = Emulator(str(tmp_path))
    store = emulator.store
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO objects (id, type, parent, created, data) VALUES (?, 'customer', NULL, ?, ?)",
            [("cus_%05d" % i, 1_700_000_000 + i // 10,
              json.dumps({"id": "cus_%05d" % i, "object": "customer", "created": 1_700_000_000 + i // 10,
                          "livemode": False, "email": "u%d@example.com" % i, "metadata": {}}))
             for i in range(10_000)])
    with client_on(emulator) as api:
        first = api.get("/v1/customers", params={"limit": 3}).json()
        assert [c["id"] for c in first["data"]] == ["cus_09999", "cus_09998", "cus_09997"]
        deep = api.get("/v1/customers", params={"limit": 2, "starting_after": "cus_00002"}).json()
        assert [c["id"] for c in deep["data"]] == ["cus_00001", "cus_00000"] and deep["has_more"] is False
        ids = [c["id"] for page in _pages(api, "/v1/customers") for c in page]
        assert len(ids) == 10_000 and len(set(ids)) == 10_000
    plan = " ".join(row[-1] for row in store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT seq FROM objects WHERE type = 'customer' AND (created, seq) < (1, 1) "
        "ORDER BY created DESC, seq DESC LIMIT 11"))
    assert "objects_by_type" in plan and "TEMP B-TREE" not in plan


def test_two_processes_can_share_a_database(tmp_path):
    """A second connection (as another process would have) sees commits and can write too."""
    a = Emulator(str(tmp_path))
    b = Store(str(tmp_path))
    with client_on(a) as api:
        created = api.post("/v1/customers", data={}).json()
    assert b.get(created["id"]).data["id"] == created["id"]
    raw = sqlite3.connect(b.path, timeout=5)
    raw.execute("BEGIN IMMEDIATE")
    raw.execute("DELETE FROM objects WHERE id = ?", (created["id"],))
    raw.execute("COMMIT")
    with client_on(a) as api:
        assert api.get("/v1/customers/" + created["id"]).status_code == 404
