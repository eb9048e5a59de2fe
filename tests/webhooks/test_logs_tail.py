"""``stripecli logs tail --local`` and the emulator's bounded request log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx

from tests.webhooks.receiver import finish


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "STRIPECLI_"))}
    env.update(STRIPECLI_CONFIG_DIR=str(tmp_path / "config"), STRIPECLI_DATA_DIR=str(tmp_path / "data"),
               PYTHONUNBUFFERED="1")
    return env


def test_tail_streams_filtered_requests_without_secrets(tmp_path):
    from stripecli.emulator.transport import local_transport

    env = _env(tmp_path)
    key = "sk_test_fake123secretvalue"
    proc = subprocess.Popen([sys.executable, "-m", "stripecli", "logs", "tail", "--local", "--format", "json",
                             "--filter-http-method", "POST", "--filter-status-code", "2XX,404",
                             "--filter-request-path", "/v1/customers"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "data" / "emulator.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        with httpx.Client(transport=local_transport(str(tmp_path / "data")), base_url="http://emulator.local",
                          headers={"Authorization": f"Bearer {key}"}) as api:
            created = api.post("/v1/customers", data={"email": "a@example.com", "description": "password hunter2"},
                               headers={"Idempotency-Key": "order-42"}).json()
            api.get("/v1/customers")  # a GET: filtered out
            api.post("/v1/products", data={"name": "x"})  # another path: filtered out
            missing = api.post("/v1/customers/cus_missing", data={"name": "x"})
            assert missing.status_code == 404
            api.post("/v1/customers", data={"email": 5, "unknown_param": "x"})  # 400: filtered out
        time.sleep(1.0)
        out, err = finish(proc, signal.SIGINT)
    finally:
        finish(proc)
    assert proc.returncode == 130, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["method"], r["path"], r["status"]) for r in rows] == [
        ("POST", "/v1/customers", 200), ("POST", "/v1/customers/cus_missing", 404)]
    assert rows[0]["idempotency_key"] == "order-42" and rows[1]["idempotency_key"] is None
    assert rows[0]["request_id"].startswith("req_") and rows[0]["duration_ms"] >= 0
    assert set(rows[0]) == {"time", "method", "path", "status", "request_id", "duration_ms", "idempotency_key"}
    assert created["id"]
    assert key not in out and "hunter2" not in out and "fake123" not in out
    dump = (tmp_path / "data" / "emulator.sqlite3").read_bytes()
    assert b"fake123secretvalue" not in dump


def test_text_lines(tmp_path):
    from stripecli.commands.logs import matches, text_line

    row = {"seq": 1, "at": time.time(), "method": "POST", "path": "/v1/customers/cus_1", "status": 402,
           "request_id": "req_1", "duration_ms": 3.4, "idempotency_key": "k1"}
    line = text_line(row)
    assert "[402] POST /v1/customers/cus_1 [req_1] 3 ms idempotency-key=k1" in line
    assert matches(row, ["4XX"], ["POST"], ["/v1/customers"])
    assert not matches(row, ["402"], [], ["/v1/customer"])  # a path filter matches whole segments
    assert not matches(row, ["5XX"], [], [])


def test_log_is_bounded(tmp_path, monkeypatch):
    from stripecli.emulator import requestlog
    from stripecli.emulator.store import Store

    monkeypatch.setattr(requestlog, "LIMIT", 50)
    monkeypatch.setattr(requestlog, "TRIM_EVERY", 10)
    store = Store(str(tmp_path / "data"))
    for n in range(125):
        requestlog.record(store, at=time.time(), method="GET", path=f"/v1/customers/cus_{n}", status=200,
                          request_id=f"req_{n}", duration_ms=1.0, idempotency_key=None)
    assert 50 <= requestlog.count(store) <= 60
    assert requestlog.after(store, 0, 1000)[-1]["path"] == "/v1/customers/cus_124"


def test_real_account_is_one_line_exit_2(cli):
    result = cli("logs", "tail")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "not a public API" in result.stderr


def test_bad_filters_exit_2(cli):
    for args, flag in ((["--filter-status-code", "600"], "--filter-status-code"),
                       (["--filter-http-method", "PATCH"], "--filter-http-method"),
                       (["--filter-request-path", "v1/customers"], "--filter-request-path")):
        result = cli("logs", "tail", "--local", *args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: invalid value for {flag}")
