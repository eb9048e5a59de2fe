"""``--from`` against the in-process emulator (``--local``), with faults injected between the
client and it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stripecli.output.env import Environment
from tests.bulk.faults import Faults, FaultyTransport
from tests.cli.test_api_behaviour import no_sleep  # noqa: F401 - the client's retry delays, recorded
from tests.conftest import Result


@pytest.fixture
def faults(monkeypatch) -> Faults:
    """Faults between the CLI's client and the in-process emulator (``--local``)."""
    import stripecli.emulator.transport as transport

    injected = Faults()
    real = transport.local_transport
    monkeypatch.setattr(transport, "local_transport", lambda data_dir=None: FaultyTransport(real(data_dir), injected))
    return injected


def customers_in_emulator() -> list[dict]:
    from stripecli.emulator.store import Store

    store = Store(os.environ["STRIPECLI_DATA_DIR"])
    try:
        rows = store.conn.execute("SELECT data FROM objects WHERE type = 'customer'").fetchall()
    finally:
        store.close()
    return [json.loads(row[0]) for row in rows]


def journal_records() -> list[dict]:
    (path,) = (Path(os.environ["STRIPECLI_DATA_DIR"]) / "bulk").glob("*.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def run(cli_in):
    """``run("customers", "create", "--from", path, ...)`` with ``--local``; ``stdin=`` feeds ``--from -``."""

    def go(*args: str, stdin: str = "", output: str = "jsonl") -> Result:
        return cli_in(Environment.captured(stdin=stdin), *args, "--local", "-o", output)

    return go


def write_creates(path: Path, n: int) -> None:
    path.write_text("".join(json.dumps({"email": f"c{i}@example.com", "metadata": {"line": i + 1}}) + "\n"
                            for i in range(n)))


def test_1000_creates_through_500s_429s_and_dropped_connections_give_exactly_1000(tmp_path, run, faults, no_sleep):
    source = tmp_path / "customers.jsonl"
    write_creates(source, 1000)
    result = run("customers", "create", "--from", str(source), "--concurrency", "8")
    stderr = result.stderr
    assert result.exit_code == 0, stderr
    assert all(faults.counts.get(kind, 0) >= 10 for kind in ("500", "429", "drop-before", "drop-after")), faults.counts

    customers = customers_in_emulator()
    assert len(customers) == 1000
    assert sorted(int(c["metadata"]["line"]) for c in customers) == list(range(1, 1001))

    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["line"] for r in results) == list(range(1, 1001))
    assert {r["status"] for r in results} == {"done"}
    assert {r["id"] for r in results} == {c["id"] for c in customers}
    # a write whose answer was lost came back from Stripe's idempotency store, not a second write
    assert sum(1 for r in results if r.get("replayed")) >= 1
    assert "customers create: 1000 lines: 1000 done, 0 failed, 0 skipped, 0 resumed" in stderr
    assert "rate limited" in stderr

    done = [r for r in journal_records() if r["type"] == "done"]
    assert sorted(r["line"] for r in done) == list(range(1, 1001))


def test_a_rerun_resumes_and_sends_nothing_twice(tmp_path, run):
    source = tmp_path / "customers.jsonl"
    write_creates(source, 20)
    assert run("customers", "create", "--from", str(source)).exit_code == 0
    result = run("customers", "create", "--from", str(source), "--ordered")
    assert result.exit_code == 0
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in results] == list(range(1, 21))
    assert {r["status"] for r in results} == {"resumed"}
    assert len(customers_in_emulator()) == 20
    assert "20 lines: 0 done, 0 failed, 0 skipped, 20 resumed" in result.stderr


def test_ordered_output_follows_the_input(tmp_path, run):
    source = tmp_path / "customers.jsonl"
    write_creates(source, 50)
    result = run("customers", "create", "--from", str(source), "--concurrency", "8", "--ordered")
    assert result.exit_code == 0
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == list(range(1, 51))


def test_some_lines_failing_exit_7_and_a_fixed_file_retries_only_them(tmp_path, run):
    created = [customers_create(f"k{i}@example.com") for i in range(3)]
    source = tmp_path / "ids.txt"
    source.write_text(f"{created[0]}\ncus_missing\n{created[1]}\n")
    result = run("customers", "delete", "--from", str(source), "--ordered", output="id")
    assert result.exit_code == 7
    assert result.stdout.splitlines() == [created[0], created[1]]
    assert "line 2: failed: No such customer: 'cus_missing'" in result.stderr
    assert "2 done, 1 failed" in result.stderr

    source.write_text(f"{created[0]}\n{created[2]}\n{created[1]}\n")  # line 2 fixed
    result = run("customers", "delete", "--from", str(source), "--ordered", output="csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "line,status,id,error.message", f"1,resumed,{created[0]},", f"2,done,{created[2]},", f"3,resumed,{created[1]},",
    ]
    assert customers_in_emulator() == []


def test_editing_a_line_that_was_done_is_refused(tmp_path, run):
    source = tmp_path / "customers.jsonl"
    write_creates(source, 2)
    assert run("customers", "create", "--from", str(source)).exit_code == 0
    source.write_text(source.read_text().replace("c0@", "changed@"))
    result = run("customers", "create", "--from", str(source))
    assert result.exit_code == 2 and result.stdout == ""
    assert "line 1 of " in result.stderr and "changed since it was done by an earlier run" in result.stderr
    assert run("customers", "create", "--from", str(source), "--restart").exit_code == 0
    assert len(customers_in_emulator()) == 4


def test_invalid_lines_stop_everything_unless_skip_invalid(tmp_path, run):
    source = tmp_path / "customers.jsonl"
    source.write_text('{"email": "a@example.com"}\n{"emial": "b@example.com"}\n{"balance": "x"}\n')
    result = run("customers", "create", "--from", str(source))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "line 2: Received unknown parameter: emial (did you mean email?)",
        "line 3: Invalid integer: x (param balance)",
        f"error: 2 of 3 lines of {source} are invalid; nothing was sent (fix them, or add --skip-invalid to send "
        "the others)",
    ]
    assert customers_in_emulator() == []

    result = run("customers", "create", "--from", str(source), "--skip-invalid", "--ordered")
    assert result.exit_code == 7
    statuses = [(r["line"], r["status"]) for r in map(json.loads, result.stdout.splitlines())]
    assert statuses == [(1, "done"), (2, "skipped"), (3, "skipped")]
    assert len(customers_in_emulator()) == 1


def test_ids_from_stdin(run):
    created = [customers_create(f"s{i}@example.com") for i in range(3)]
    result = run("customers", "delete", "--from", "-", "--ordered", stdin="\n".join(created) + "\n", output="id")
    assert result.exit_code == 0 and result.stdout.splitlines() == created
    assert customers_in_emulator() == []


def test_dry_run_prints_every_request_with_the_key_masked_and_sends_nothing(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake123abcdefghijkl")
    source = tmp_path / "customers.jsonl"
    write_creates(source, 3)
    result = cli("customers", "create", "--from", str(source), "--dry-run", "--api-base", "http://127.0.0.1:9")
    assert result.exit_code == 0
    out = result.stdout
    assert out.count("curl -X POST http://127.0.0.1:9/v1/customers") == 3
    assert "sk_test_...ijkl" in out and "sk_test_fake123abcdefghijkl" not in out
    assert "Idempotency-Key: bulk_" in out
    assert not (Path(os.environ["STRIPECLI_DATA_DIR"]) / "bulk").exists()


def customers_create(email: str) -> str:
    from stripecli.api.client import ClientConfig, StripeClient
    from stripecli.api.request import ApiRequest
    from stripecli.emulator.transport import local_transport

    with StripeClient(ClientConfig(api_key="sk_test_fake123", transport=local_transport())) as client:
        return client.send(ApiRequest("POST", "/v1/customers", {"email": email}))["id"]
