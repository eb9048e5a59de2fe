"""The CLI against a real HTTP server on loopback: retries, errors, exit codes, pagination, output."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from stripecli.output.env import Environment
from tests.fakeserver import FakeServer, Reply, list_page, search_page, stripe_error

KEY = "sk_test_fake123abcd"
LIST = ["billing", "credit-transactions", "list", "--customer", "cus_x"]
GRANT = ["billing", "credit-grants", "create", "--customer", "cus_x", "--amount.type", "monetary",
         "--amount.monetary.currency", "usd", "--amount.monetary.value", "1000",
         "--applicability-config.scope.price-type", "metered"]


def txn(i: int) -> dict:
    return {"id": f"cbtxn_{i:03d}", "object": "billing.credit_balance_transaction", "created": 1700000000 + i,
            "type": "credit", "credit_grant": "credgr_1", "effective_at": 1700000000, "livemode": False}


@pytest.fixture
def server(monkeypatch):
    with FakeServer() as fake:
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        yield fake


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    """Retries back off for real in the client; tests record the delays instead of waiting."""
    import stripecli.api.client as client

    delays: list[float] = []
    real_init = client.ClientConfig.__init__

    def init(self, *a, **kw):
        real_init(self, *a, **kw)
        self.sleep = delays.append

    monkeypatch.setattr(client.ClientConfig, "__init__", init)
    return delays


# ----------------------------------------------------------------------------- retries


@pytest.mark.parametrize("first", [Reply(500, json=stripe_error("api_error", "boom")),
                                   Reply(429, json=stripe_error("rate_limit_error", "slow down"), headers={"Retry-After": "1"}),
                                   Reply(drop=True)], ids=["500", "429", "dropped connection"])
def test_post_is_retried_with_the_same_idempotency_key(cli, server, no_sleep, first):
    server.push(first, Reply(200, json={"id": "credgr_1", "object": "billing.credit_grant"}))
    result = cli(*GRANT, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "credgr_1"
    assert len(server.requests) == 2
    keys = {r.header("Idempotency-Key") for r in server.requests}
    assert len(keys) == 1 and None not in keys
    assert len(no_sleep) == 1


def test_no_retry_on_400(cli, server):
    server.push(Reply(400, json=stripe_error("invalid_request_error", "Invalid currency: usx", code="parameter_invalid_string", param="amount[monetary][currency]"),
                      headers={"Request-Id": "req_400"}))
    result = cli(*GRANT)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "error: Invalid currency: usx (parameter_invalid_string, param amount[monetary][currency]) [req_400]\n"
    assert len(server.requests) == 1


def test_stripe_should_retry_false_is_honoured(cli, server):
    server.push(Reply(503, json=stripe_error("api_error", "not now"), headers={"Stripe-Should-Retry": "false"}))
    result = cli(*LIST)
    assert result.exit_code == 1
    assert len(server.requests) == 1


def test_max_retries_flag(cli, server):
    server.on("GET", "/v1/billing/credit_balance_transactions", Reply(500, json=stripe_error("api_error", "down")), repeat=True)
    result = cli(*LIST, "--max-retries", "4")
    assert result.exit_code == 1
    assert len(server.requests) == 5


def test_verbose_logs_requests_and_retries_on_stderr_only(cli, server):
    server.push(Reply(500, json=stripe_error("api_error", "boom")), Reply(200, json=list_page([txn(1)])))
    result = cli(*LIST, "--verbose", "-o", "jsonl")
    assert result.exit_code == 0
    assert result.stdout == json.dumps(txn(1), separators=(",", ":")) + "\n" or result.stdout.count("\n") == 1
    assert "> GET" in result.stderr and "retrying" in result.stderr
    assert KEY not in result.stderr and KEY not in result.stdout


# ----------------------------------------------------------------------------- errors and exit codes


@pytest.mark.parametrize("status,type_,code", [(400, "invalid_request_error", 1), (402, "card_error", 1),
                                                (401, "invalid_request_error", 3), (403, "invalid_request_error", 3),
                                                (404, "invalid_request_error", 4), (429, "rate_limit_error", 5),
                                                (500, "api_error", 1)])
def test_exit_codes(cli, server, status, type_, code):
    server.on("GET", "/v1/billing/credit_balance_transactions", Reply(status, json=stripe_error(type_, f"HTTP {status}"),
                                                                        headers={"Request-Id": "req_1"}), repeat=True)
    result = cli(*LIST)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: HTTP {status}") and result.stderr.endswith("[req_1]\n")


def test_network_failure_after_retries_exits_6(cli, server):
    server.on("GET", "/v1/billing/credit_balance_transactions", Reply(drop=True), repeat=True)
    result = cli(*LIST)
    assert result.exit_code == 6
    assert result.stdout == ""
    assert len(server.requests) == 3


def test_connection_refused_exits_6(cli, monkeypatch):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{port}")
    result = cli(*LIST, "--max-retries", "0")
    assert result.exit_code == 6


def test_no_key_exits_3_without_sending(cli, server, monkeypatch):
    monkeypatch.delenv("STRIPE_API_KEY")
    result = cli(*LIST)
    assert result.exit_code == 3
    assert server.requests == []


def test_error_as_json_with_output_json(cli, server):
    body = stripe_error("invalid_request_error", "No such customer: 'cus_x'", code="resource_missing", param="customer")
    server.push(Reply(404, json=body, headers={"Request-Id": "req_9"}))
    result = cli(*LIST, "-o", "json")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert json.loads(result.stderr)["error"]["code"] == "resource_missing"


def test_empty_list_is_success(cli, server):
    server.push(Reply(200, json=list_page([])))
    result = cli(*LIST, "-o", "id")
    assert result.exit_code == 0
    assert result.stdout == ""


# ----------------------------------------------------------------------------- pagination


def three_pages(server):
    pages = [[txn(i) for i in range(p * 3, p * 3 + 3)] for p in range(3)]
    server.push(Reply(200, json=list_page(pages[0], has_more=True)),
                Reply(200, json=list_page(pages[1], has_more=True)),
                Reply(200, json=list_page(pages[2], has_more=False)))
    return pages


def test_all_follows_three_pages(cli, server):
    three_pages(server)
    result = cli(*LIST, "--all", "-o", "id")
    assert result.exit_code == 0
    assert result.stdout.split() == [f"cbtxn_{i:03d}" for i in range(9)]
    cursors = [r.query.get("starting_after", [None])[0] for r in server.requests]
    assert cursors == [None, "cbtxn_002", "cbtxn_005"]
    assert all(r.query["limit"] == ["100"] for r in server.requests)
    assert all(r.query["customer"] == ["cus_x"] for r in server.requests)


def test_all_as_json_is_one_array(cli, server):
    three_pages(server)
    result = cli(*LIST, "--all", "-o", "json")
    assert [o["id"] for o in json.loads(result.stdout)] == [f"cbtxn_{i:03d}" for i in range(9)]


def test_max_items_stops_early(cli, server):
    three_pages(server)
    result = cli(*LIST, "--max-items", "4", "--limit", "3", "-o", "jsonl")
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [f"cbtxn_{i:03d}" for i in range(4)]
    assert len(server.requests) == 2


def test_search_follows_next_page(cli, server):
    server.push(Reply(200, json=search_page([{"id": "cus_1", "object": "customer"}], next_page="p2")),
                Reply(200, json=search_page([{"id": "cus_2", "object": "customer"}])))
    result = cli("core", "customers", "search", "--query", "email:'a@b.c'", "--all", "-o", "id")
    assert result.stdout.split() == ["cus_1", "cus_2"]
    assert server.requests[1].query["page"] == ["p2"]


def test_failure_midway_prints_whole_lines_and_the_resume_cursor(cli, server):
    server.push(Reply(200, json=list_page([txn(0), txn(1)], has_more=True)),
                Reply(200, json=list_page([txn(2), txn(3)], has_more=True)),
                *[Reply(500, json=stripe_error("api_error", "gone"))] * 3)
    result = cli(*LIST, "--all", "-o", "jsonl")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["cbtxn_000", "cbtxn_001", "cbtxn_002", "cbtxn_003"]
    assert result.stdout.endswith("\n")
    assert "resume with --starting-after cbtxn_003" in result.stderr


def test_interrupt_exits_130_with_whole_lines_and_the_resume_cursor(tmp_path):
    with FakeServer() as server:
        server.push(Reply(200, json=list_page([txn(0), txn(1)], has_more=True)),
                    Reply(200, json=list_page([txn(2), txn(3)], has_more=True)),
                    Reply(200, json=list_page([txn(4)], has_more=False), delay=10))
        env = dict(os.environ, STRIPE_API_KEY=KEY, STRIPE_API_BASE=server.url)
        proc = subprocess.Popen([sys.executable, "-m", "stripecli", *LIST, "--all", "-o", "jsonl"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        first = [proc.stdout.readline() for _ in range(4)]  # two pages written: Ctrl-C now
        deadline = time.monotonic() + 20
        while len(server.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    out = "".join(first) + rest
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["cbtxn_000", "cbtxn_001", "cbtxn_002", "cbtxn_003"]
    assert "resume with --starting-after cbtxn_003" in err
    assert "Traceback" not in err


# ----------------------------------------------------------------------------- output


OBJ = {"id": "cbtxn_1", "object": "billing.credit_balance_transaction", "created": 1735689600, "type": "credit",
       "credit_grant": "credgr_1", "effective_at": 1735689600, "livemode": False,
       "credit": {"amount": {"monetary": {"currency": "usd", "value": 1000}, "type": "monetary"}, "type": "credits_granted"}}


def test_every_output_format(cli, server):
    server.on("GET", "/v1/billing/credit_balance_transactions", Reply(200, json=list_page([OBJ])), repeat=True)
    as_json = cli(*LIST, "-o", "json")
    assert json.loads(as_json.stdout) == list_page([OBJ])
    as_jsonl = cli(*LIST, "-o", "jsonl")
    assert [json.loads(line) for line in as_jsonl.stdout.splitlines()] == [OBJ]
    as_csv = cli(*LIST, "-o", "csv", "--fields", "id,type,credit.amount.monetary.value")
    assert as_csv.stdout.splitlines() == ["id,type,credit.amount.monetary.value", "cbtxn_1,credit,1000"]
    as_id = cli(*LIST, "-o", "id")
    assert as_id.stdout == "cbtxn_1\n"
    as_table = cli(*LIST, "-o", "table")
    assert "cbtxn_1" in as_table.stdout and "\x1b[" not in as_table.stdout
    assert "2025-01-01" in as_table.stdout
    for r in (as_json, as_jsonl, as_csv, as_id, as_table):
        assert r.exit_code == 0 and r.stderr == ""


def test_fields_for_jsonl(cli, server):
    server.push(Reply(200, json=list_page([OBJ])))
    result = cli(*LIST, "-o", "jsonl", "--fields", "id,credit.type")
    assert json.loads(result.stdout) == {"id": "cbtxn_1", "credit.type": "credits_granted"}


def test_terminal_gets_a_coloured_table_and_a_pipe_gets_json(cli_in, server):
    server.on("GET", "/v1/billing/credit_balance_transactions", Reply(200, json=list_page([OBJ])), repeat=True)
    result = cli_in(Environment.captured(stdout_isatty=True, stderr_isatty=True), *LIST)
    assert result.exit_code == 0
    assert "cbtxn_1" in result.stdout and "\x1b[" in result.stdout
    result = cli_in(Environment.captured(stdout_isatty=False, stderr_isatty=True), *LIST)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["data"][0]["id"] == "cbtxn_1"


def test_no_color_env_and_flag(cli_in, server):
    server.on("GET", "/v1/billing/credit_balance_transactions", Reply(200, json=list_page([OBJ])), repeat=True)
    result = cli_in(Environment.captured(stdout_isatty=True), *LIST, "--no-color")
    assert "\x1b[" not in result.stdout and "cbtxn_1" in result.stdout
    result = cli_in(Environment.captured(stdout_isatty=True), "--no-color", *LIST)
    assert "\x1b[" not in result.stdout and "cbtxn_1" in result.stdout
    environ = {**os.environ, "NO_COLOR": "1"}
    result = cli_in(Environment.captured(stdout_isatty=True, environ=environ), *LIST)
    assert "\x1b[" not in result.stdout and "cbtxn_1" in result.stdout


def test_stripecli_output_env_overrides_the_default(cli, server, monkeypatch):
    server.push(Reply(200, json=list_page([OBJ])))
    monkeypatch.setenv("STRIPECLI_OUTPUT", "id")
    assert cli(*LIST).stdout == "cbtxn_1\n"


def test_progress_count_goes_to_stderr_on_a_terminal_only(cli_in, server):
    three_pages(server)
    result = cli_in(Environment.captured(stdout_isatty=False, stderr_isatty=True), *LIST, "--all", "-o", "id")
    assert result.exit_code == 0
    assert "fetched" in result.stderr
    assert "fetched" not in result.stdout


def test_request_command_uses_the_same_client(cli, server):
    server.push(Reply(500, json=stripe_error("api_error", "x")), Reply(200, json={"object": "balance", "available": []}))
    result = cli("request", "POST", "/v1/customers", "-d", "email=a@b.c", "-d", "metadata[k]=v")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["object"] == "balance"
    assert server.requests[0].form == [("email", "a@b.c"), ("metadata[k]", "v")]
    assert server.requests[0].header("Idempotency-Key") == server.requests[1].header("Idempotency-Key")
    three_pages(server)
    result = cli("request", "GET", "/v1/billing/credit_balance_transactions", "--all", "-o", "id")
    assert len(result.stdout.split()) == 9
    assert cli("request", "PATCH", "/v1/x").exit_code == 2
