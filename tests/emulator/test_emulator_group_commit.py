"""Group commit: requests that ``emulator serve`` runs together share one commit, each in a
savepoint of its own. A failing request is undone alone, every request's events and request-log
row are kept, and no answer leaves before its commit (when the commit fails, each answers 500)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from stripecli.emulator import requestlog
from stripecli.emulator.handler import Emulator
from stripecli.emulator.server import GroupCommit, make_app
from stripecli.emulator.store import Store
from tests.emulator.helpers import KEY

HEADERS = [("Authorization", "Bearer " + KEY), ("Content-Type", "application/x-www-form-urlencoded")]


def _create(emulator: Emulator, body: bytes) -> tuple[int, dict]:
    status, _, content = emulator.handle("POST", "/v1/customers", "", HEADERS, body)
    return status, json.loads(content)


def test_a_group_commits_every_request_with_its_events_and_log_rows(tmp_path):
    emulator = Emulator(str(tmp_path))
    store = emulator.store
    store.begin_group()
    answers = [_create(emulator, b"email=a%d@example.com" % i) for i in range(3)]
    bad = _create(emulator, b"emial=typo@example.com")  # refused: nothing of it is kept
    assert [s for s, _ in answers] == [200, 200, 200] and bad[0] == 400
    other = Store(str(tmp_path))  # another connection (another process) sees nothing before the commit
    assert other.conn.execute("SELECT COUNT(*) FROM objects WHERE type = 'customer'").fetchone()[0] == 0
    store.commit_group()
    ids = {a["id"] for _, a in answers}
    assert {r[0] for r in other.conn.execute("SELECT id FROM objects WHERE type = 'customer'")} == ids
    events = [json.loads(d) for (d,) in other.conn.execute("SELECT data FROM events ORDER BY seq")]
    assert [e["type"] for e in events] == ["customer.created"] * 3
    assert [e["data"]["object"]["id"] for e in events] == [a["id"] for _, a in answers]
    assert len({e["request"]["id"] for e in events}) == 3
    assert [(r["method"], r["status"]) for r in requestlog.after(other, 0)] == [("POST", 200)] * 3 + [("POST", 400)]
    other.close()


def test_a_request_that_fails_inside_a_group_is_undone_alone(tmp_path):
    store = Store(str(tmp_path))
    store.begin_group()
    with store.write():
        store.insert({"id": "cus_kept", "object": "customer", "created": 1, "name": "Kept"})
    with pytest.raises(RuntimeError):
        with store.write():
            store.insert({"id": "cus_gone", "object": "customer", "created": 2, "name": "Gone"})
            raise RuntimeError("the request failed after writing")
    with store.write():
        store.insert({"id": "cus_after", "object": "customer", "created": 3, "name": "After"})
    store.commit_group()
    assert sorted(r[0] for r in store.conn.execute("SELECT id FROM objects")) == ["cus_after", "cus_kept"]
    assert sorted(r[0] for r in store.conn.execute("SELECT value FROM search_values WHERE field = 'name'")) == [
        "After", "Kept"]
    assert not store.conn.in_transaction


def _asgi_post(app, body: bytes) -> tuple[int, dict]:
    async def call() -> tuple[int, dict]:
        sent: list[dict] = []
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            return messages.pop(0)

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/v1/customers", "raw_path": b"/v1/customers",
                 "query_string": b"", "headers": [(k.lower().encode(), v.encode()) for k, v in HEADERS]}
        await app(scope, receive, send)
        return sent[0]["status"], json.loads(sent[1]["body"])

    return call()


def test_concurrent_requests_share_a_commit_and_are_answered_after_it(tmp_path, monkeypatch):
    emulator = Emulator(str(tmp_path))
    app = make_app(emulator)
    commits: list[int] = []
    original = Store.commit_group

    def counting(self: Store) -> None:
        commits.append(1)
        original(self)

    monkeypatch.setattr(Store, "commit_group", counting)

    async def burst() -> list[tuple[int, dict]]:
        return await asyncio.gather(*(_asgi_post(app, b"email=c%d@example.com" % i) for i in range(8)))

    answers = asyncio.run(burst())
    assert [s for s, _ in answers] == [200] * 8
    assert len(commits) == 1  # eight requests ready in one turn of the loop: one commit
    stored = {r[0] for r in Store(str(tmp_path)).conn.execute("SELECT id FROM objects WHERE type = 'customer'")}
    assert stored == {a["id"] for _, a in answers}


class _CommitFails:
    """The store's connection, except that COMMIT fails once (as a full disk would make it)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.failed = False

    def execute(self, sql: str, *args):
        if sql == "COMMIT" and not self.failed:
            self.failed = True
            raise sqlite3.OperationalError("disk I/O error")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.conn, name)


def test_when_the_commit_fails_every_request_of_the_group_answers_500_and_nothing_is_kept(tmp_path):
    emulator = Emulator(str(tmp_path))
    app = make_app(emulator)
    emulator.store._local.conn = _CommitFails(emulator.store.conn)

    async def burst() -> list[tuple[int, dict]]:
        return await asyncio.gather(*(_asgi_post(app, b"email=f%d@example.com" % i) for i in range(3)))

    answers = asyncio.run(burst())
    assert [s for s, _ in answers] == [500] * 3
    assert all(a["error"]["type"] == "api_error" and "disk I/O error" in a["error"]["message"] for _, a in answers)
    assert Store(str(tmp_path)).conn.execute("SELECT COUNT(*) FROM objects WHERE type = 'customer'").fetchone()[0] == 0
    status, created = asyncio.run(_asgi_post(app, b"email=after@example.com"))  # the server goes on
    assert status == 200 and created["email"] == "after@example.com"
    assert [(r["status"]) for r in requestlog.after(Store(str(tmp_path)), 0)] == [200]


def test_a_busy_database_leaves_each_request_to_commit_on_its_own(tmp_path):
    emulator = Emulator(str(tmp_path))
    group = GroupCommit(emulator)
    holder = sqlite3.connect(emulator.store.path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    emulator.store.conn.execute("PRAGMA busy_timeout = 50")

    async def join() -> object:
        return group.join()

    assert asyncio.run(join()) is None
    holder.execute("ROLLBACK")
    holder.close()


def test_ids_start_with_the_time_so_that_later_ids_sort_after_earlier_ones(monkeypatch):
    import re
    import time

    from stripecli.emulator import schema

    clock = iter([1_700_000_000.001, 1_700_000_000.002, 1_800_000_000.0])
    monkeypatch.setattr(time, "time", lambda: next(clock))
    ids = [schema.new_id("customer") for _ in range(3)]
    assert all(re.fullmatch(r"cus_[0-9A-Za-z]{24}", i) for i in ids)
    assert ids == sorted(ids) and len(set(i[4:11] for i in ids)) == 3


def test_a_response_goes_out_in_one_write_and_closing_sends_what_is_pending():
    from stripecli.emulator.server import CoalescingTransport

    class Transport:
        def __init__(self) -> None:
            self.writes: list[bytes] = []
            self.closed = False

        def write(self, data: bytes) -> None:
            assert not self.closed
            self.writes.append(data)

        def close(self) -> None:
            self.closed = True

        def get_extra_info(self, name: str) -> str:
            return "peer" if name == "peername" else ""

    async def respond() -> Transport:
        real = Transport()
        transport = CoalescingTransport(real, asyncio.get_running_loop())
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        transport.write(b"{}")
        assert real.writes == []  # sent at the next turn of the loop, as one
        await asyncio.sleep(0)
        assert real.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        transport.write(b"HTTP/1.1 413 Payload Too Large\r\n\r\n")
        transport.close()  # what is pending goes out before the connection closes
        assert real.writes[-1] == b"HTTP/1.1 413 Payload Too Large\r\n\r\n" and real.closed
        assert transport.get_extra_info("peername") == "peer"
        await asyncio.sleep(0)
        return real

    assert len(asyncio.run(respond()).writes) == 2
