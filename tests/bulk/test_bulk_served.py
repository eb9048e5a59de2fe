"""``--from`` over ``stripecli emulator serve``: through the fault-injecting server, and killed
with SIGKILL at a random point then run again (real subprocesses)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.bulk.faults import Faults, forwarding_handler
from tests.cli.test_api_behaviour import no_sleep  # noqa: F401 - the client's retry delays, recorded
from tests.emulator.helpers import AUTH, KEY, ROOT, serve, wait_for
from tests.fakeserver import FakeServer

N = 1000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    base = tmp_path_factory.mktemp("bulk-served")
    server = serve(base / "data", base / "serve.log")
    yield server
    server.stop()


@pytest.fixture
def emulator(served):
    from stripecli.emulator.store import Store

    store = Store(served.data_dir)
    store.reset()
    store.close()
    return served


def customers(base: str) -> list[dict]:
    found: list[dict] = []
    params: dict = {"limit": 100}
    with httpx.Client(base_url=base, headers=AUTH, timeout=30) as api:
        while True:
            page = api.get("/v1/customers", params=params).json()
            found += page["data"]
            if not page["has_more"]:
                return found
            params["starting_after"] = page["data"][-1]["id"]


def write_creates(path: Path, n: int = N) -> None:
    path.write_text("".join(json.dumps({"email": f"c{i}@example.com", "metadata": {"line": i + 1}}) + "\n"
                            for i in range(n)))


def journal(data_dir: Path) -> list[dict]:
    paths = list((data_dir / "bulk").glob("*.jsonl"))
    if not paths:
        return []
    (path,) = paths
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # the record being written when the process was killed
    return records


def test_1000_creates_through_the_fault_injecting_server_give_exactly_1000(tmp_path, cli, monkeypatch, emulator,
                                                                          no_sleep):
    faults = Faults(seed=1616)
    source = tmp_path / "customers.jsonl"
    write_creates(source)
    with FakeServer() as proxy:
        proxy.handler = forwarding_handler(emulator.base, faults)
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", proxy.url)
        result = cli("customers", "create", "--from", str(source), "--concurrency", "8", "-o", "id")
        proxy.handler.client.close()
    assert result.exit_code == 0, result.stderr
    assert all(faults.counts.get(kind, 0) >= 10 for kind in ("500", "429", "drop-before", "drop-after")), faults.counts

    made = customers(emulator.base)
    assert len(made) == N
    assert sorted(int(c["metadata"]["line"]) for c in made) == list(range(1, N + 1))
    assert sorted(result.stdout.split()) == sorted(c["id"] for c in made)
    assert f"customers create: {N} lines: {N} done, 0 failed, 0 skipped, 0 resumed" in result.stderr
    assert "rate limited" in result.stderr and "answered from an earlier attempt" in result.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_at_a_random_point_then_a_rerun_gives_exactly_1000(tmp_path, emulator):
    source = tmp_path / "customers.jsonl"
    write_creates(source)
    data_dir = tmp_path / "cli-data"
    env = dict(os.environ, STRIPE_API_KEY=KEY, STRIPE_API_BASE=emulator.base, STRIPECLI_DATA_DIR=str(data_dir),
               PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "stripecli", "customers", "create", "--from", str(source), "--concurrency", "4",
               "-o", "jsonl"]
    kill_after = random.Random().randint(50, N - 200)

    first = subprocess.Popen(command, env=env, cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: first.poll() is not None
                 or sum(1 for r in journal(data_dir) if r["type"] == "done") >= kill_after, timeout=60, interval=0.005)
        assert first.poll() is None, "the run finished before it could be killed: %s" % first.stderr.read()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        first.stderr.close()
    assert first.returncode == -signal.SIGKILL

    before = journal(data_dir)
    done_first = {r["line"] for r in before if r["type"] == "done"}
    sent_first = {r["line"] for r in before if r["type"] == "sent"}
    in_flight = sent_first - done_first
    assert kill_after <= len(done_first) < N

    second = subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    results = [json.loads(line) for line in second.stdout.splitlines()]
    assert sorted(r["line"] for r in results) == list(range(1, N + 1))
    assert {r["line"] for r in results if r["status"] == "resumed"} == done_first
    assert {r["line"] for r in results if r["status"] == "done"} == set(range(1, N + 1)) - done_first
    assert f"{N} lines: {N - len(done_first)} done, 0 failed, 0 skipped, {len(done_first)} resumed" in second.stderr

    made = customers(emulator.base)
    assert len(made) == N  # nothing created twice, nothing missing
    assert sorted(int(c["metadata"]["line"]) for c in made) == list(range(1, N + 1))

    records = journal(data_dir)
    attempts = [r for r in records if r["type"] == "attempt"]
    assert [a["attempt"] for a in attempts] == [1, 2]
    assert attempts[1]["already_done"] == len(done_first)
    assert set(attempts[1]["in_flight"]) == in_flight  # the lines whose fate the kill left unknown
    done_second = {r["line"] for r in records if r["type"] == "done" and r["attempt"] == 2}
    assert done_second == set(range(1, N + 1)) - done_first
    keys = {}
    for r in records:
        if r["type"] == "sent":
            assert keys.setdefault(r["line"], r["idempotency_key"]) == r["idempotency_key"]  # same key every time


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs SIGINT")
def test_ctrl_c_stops_cleanly_with_exit_130_and_the_rerun_finishes(tmp_path, emulator):
    source = tmp_path / "customers.jsonl"
    write_creates(source)
    data_dir = tmp_path / "cli-data"
    env = dict(os.environ, STRIPE_API_KEY=KEY, STRIPE_API_BASE=emulator.base, STRIPECLI_DATA_DIR=str(data_dir),
               PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "stripecli", "customers", "create", "--from", str(source), "-o", "id"]
    first = subprocess.Popen(command, env=env, cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        wait_for(lambda: first.poll() is not None
                 or sum(1 for r in journal(data_dir) if r["type"] == "done") >= 100, timeout=60, interval=0.005)
        assert first.poll() is None, "the run finished before Ctrl-C"
        first.send_signal(signal.SIGINT)
        out, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 130, err
    assert "stopped early:" in err and "run the same command again to resume" in err and "Traceback" not in err
    records = journal(data_dir)
    done = {r["line"] for r in records if r["type"] == "done"}
    assert len(out.split()) == len(done)  # every line done was printed, none in flight was lost
    assert records[-1]["type"] == "end" and records[-1]["interrupted"] is True

    second = subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert len(second.stdout.split()) == N
    assert f"{len(done)} resumed" in second.stderr
    assert len(customers(emulator.base)) == N
