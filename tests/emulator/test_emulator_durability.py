"""Kill -9 the served emulator during a burst of writes from two processes: after a restart every
acknowledged object is there and the database is consistent."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.emulator.helpers import AUTH, ROOT, serve, wait_for

WRITER = r"""
import sys, httpx
base, name, out = sys.argv[1], sys.argv[2], sys.argv[3]
headers = {"Authorization": "Bearer sk_test_fake123"}
with open(out, "a", buffering=1) as log, httpx.Client(base_url=base, headers=headers, timeout=10) as client:
    for i in range(100000):
        try:
            response = client.post("/v1/customers", data={"name": "%s-%d" % (name, i), "metadata[writer]": name})
        except httpx.TransportError:
            break  # the server is gone
        if response.status_code != 200:
            print("unexpected %d: %s" % (response.status_code, response.text), file=sys.stderr)
            sys.exit(3)
        log.write("%s %s-%d\n" % (response.json()["id"], name, i))  # acknowledged: it must survive
"""


def _acknowledged(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [tuple(line.split(" ", 1)) for line in lines if line.count(" ") == 1]  # type: ignore[misc]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_a_burst_of_writes_loses_no_acknowledged_object(tmp_path):
    data_dir = tmp_path / "data"
    server = serve(data_dir, tmp_path / "serve-1.log")
    logs = [tmp_path / "writer-a.txt", tmp_path / "writer-b.txt"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, server.base, name, str(log)], env=env,
                                stderr=subprocess.PIPE, text=True)
               for name, log in zip(("a", "b"), logs)]
    try:
        wait_for(lambda: all(len(_acknowledged(log)) >= 60 for log in logs), timeout=30)
        server.proc.send_signal(signal.SIGKILL)  # mid-burst: both writers are still sending
        server.proc.wait(timeout=10)
        for writer in writers:
            _, err = writer.communicate(timeout=30)
            assert writer.returncode == 0, err
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
        server.stop(signal.SIGKILL)

    acknowledged = [entry for log in logs for entry in _acknowledged(log)]
    assert len(acknowledged) >= 120

    raw = sqlite3.connect(str(data_dir / "emulator.sqlite3"))
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()

    restarted = serve(data_dir, tmp_path / "serve-2.log")
    try:
        with httpx.Client(base_url=restarted.base, headers=AUTH, timeout=30) as api:
            for object_id, name in acknowledged:
                response = api.get("/v1/customers/" + object_id)
                assert response.status_code == 200, (object_id, response.text)
                assert response.json()["name"] == name
            stored = set()
            params = {"limit": 100}
            while True:
                page = api.get("/v1/customers", params=params).json()
                stored.update(c["id"] for c in page["data"])
                if not page["has_more"]:
                    break
                params["starting_after"] = page["data"][-1]["id"]
            assert {object_id for object_id, _ in acknowledged} <= stored
            assert len(stored) - len(acknowledged) <= 2  # at most one unacknowledged commit per writer
            more = api.post("/v1/customers", data={"name": "after restart"})
            assert more.status_code == 200
    finally:
        restarted.stop()
    raw = sqlite3.connect(str(data_dir / "emulator.sqlite3"))
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT COUNT(*) FROM objects WHERE type = 'customer'").fetchone()[0] == len(stored) + 1
    finally:
        raw.close()


def test_two_servers_on_one_data_dir_write_at_once(tmp_path):
    import threading

    data_dir = tmp_path / "shared"
    servers = [serve(data_dir, tmp_path / ("serve-%d.log" % i)) for i in range(2)]
    made: list[list[str]] = [[], []]
    try:
        def burst(i: int) -> None:
            with httpx.Client(base_url=servers[i].base, headers=AUTH, timeout=30) as api:
                for n in range(60):
                    response = api.post("/v1/customers", data={"name": "s%d-%d" % (i, n)},
                                        headers={"Idempotency-Key": "s%d-%d" % (i, n)})
                    assert response.status_code == 200, response.text
                    made[i].append(response.json()["id"])

        threads = [threading.Thread(target=burst, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(made[0]) == len(made[1]) == 60
        with httpx.Client(base_url=servers[1].base, headers=AUTH, timeout=30) as api:
            for object_id in made[0]:  # written through the other server
                assert api.get("/v1/customers/" + object_id).status_code == 200
            replay = api.post("/v1/customers", data={"name": "s0-0"}, headers={"Idempotency-Key": "s0-0"})
            assert replay.headers["idempotent-replayed"] == "true" and replay.json()["id"] == made[0][0]
    finally:
        for server in servers:
            server.stop()
