"""test-clocks advance: a target given through -d or --data-json is the target (checked like --to),
the offset is checked before the clock is read, and an answer without frozen_time is an API error."""

from __future__ import annotations

import json

import pytest

from stripecli.surface.values import parse_iso
from tests.fakeserver import FakeServer, Reply

KEY = "sk_test_fake123abcd"


@pytest.fixture
def local(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("STRIPECLI_DATA_DIR", str(tmp_path / "emulator"))
    monkeypatch.setenv("STRIPECLI_EMULATOR_ADVANCE_SECONDS", "0.2")

    def run(*args: str):
        return cli(*args, "--local")

    return run


def make_clock(run, frozen="2025-01-31T00:00:00Z") -> dict:
    result = run("test-clocks", "create", "--frozen-time", frozen, "-o", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("how", [["-d", "frozen_time=2025-03-01"], ["--data-json", '{"frozen_time": 1740787200}'],
                                 ["-d", "frozen_time=1740787200"]], ids=["-d iso", "--data-json", "-d unix"])
def test_frozen_time_from_data_is_the_target(local, how):
    clock = make_clock(local)
    result = local("test-clocks", "advance", clock["id"], *how, "--wait", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["frozen_time"] == parse_iso("2025-03-01T00:00:00Z")


@pytest.mark.parametrize("how", [["-d", "frozen_time=2024-12-01"], ["--data-json", '{"frozen_time": 1733011200}']])
def test_frozen_time_from_data_is_checked_against_the_clock(local, how):
    clock = make_clock(local)
    result = local("test-clocks", "advance", clock["id"], *how)
    assert result.exit_code == 2
    assert "is not after the clock's frozen time 2025-01-31T00:00:00Z" in result.stderr
    after = json.loads(local("test-clocks", "get", clock["id"], "-o", "json").stdout)
    assert after["frozen_time"] == clock["frozen_time"] and after["status"] == "ready"


def test_frozen_time_from_data_with_another_target_is_refused(local):
    clock = make_clock(local)
    result = local("test-clocks", "advance", clock["id"], "--by", "1d", "--data-json", '{"frozen_time": 1740787200}')
    assert result.exit_code == 2
    assert result.stderr == "error: give only one of --by, frozen_time in -d/--data-json\n"


@pytest.fixture
def recording(monkeypatch):
    with FakeServer() as fake:
        monkeypatch.setenv("STRIPE_API_KEY", KEY)
        monkeypatch.setenv("STRIPE_API_BASE", fake.url)
        yield fake


@pytest.mark.parametrize("answer", [{"id": "clock_1", "object": "test_helpers.test_clock", "status": "ready"},
                                    {"id": "clock_1", "frozen_time": None}, {"id": "clock_1", "frozen_time": "soon"},
                                    {"id": "clock_1", "frozen_time": 10**20}, {"id": "clock_1", "frozen_time": True}],
                         ids=["missing", "null", "text", "beyond 9999", "boolean"])
def test_a_clock_answer_without_frozen_time_is_an_api_error_and_nothing_is_advanced(cli, recording, answer):
    recording.handler = lambda recorded: Reply(200, json=answer)
    result = cli("test-clocks", "advance", "clock_1", "--by", "1d")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: the API's answer for test clock clock_1 has no usable frozen_time")
    assert "unexpected" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert [(r.method, r.path) for r in recording.requests] == [("GET", "/v1/test_helpers/test_clocks/clock_1")]


def test_a_bad_offset_on_a_missing_clock_is_a_usage_error_before_any_read(cli, recording):
    result = cli("test-clocks", "advance", "clock_nope", "--by", "1x")
    assert result.exit_code == 2
    assert recording.requests == []


def test_a_long_id_echoed_by_the_api_is_clipped_in_the_error_line(cli, recording):
    long_id = "cus_" + "x" * 20_000
    recording.handler = lambda recorded: Reply(404, json={"error": {
        "type": "invalid_request_error", "code": "resource_missing", "message": f"No such customer: '{long_id}'"}})
    result = cli("customers", "get", long_id)
    assert result.exit_code == 4
    assert len(recording.requests) == 1 and recording.requests[0].path == "/v1/customers/" + long_id
    line = result.stderr.strip()
    assert line.startswith("error: No such customer: 'cus_xxxxxxxx") and "(20006 characters)" in line
    assert len(line) < 300


def test_a_100_kb_id_is_refused_with_a_short_line(cli, recording):
    result = cli("customers", "get", "cus_" + "x" * 100_000)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the URL would be 1000")
    assert "an id or a query param is too long" in result.stderr and len(result.stderr) < 300
    assert recording.requests == []


@pytest.mark.parametrize("how", [["--by", "1y"], ["--by", "2mo"], ["--by", "31d"], ["--to", "10000-01-01"]])
def test_a_clock_near_the_end_of_9999_is_advanced_no_further(local, how):
    clock = make_clock(local, "9999-12-01T00:00:00Z")
    result = local("test-clocks", "advance", clock["id"], *how)
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1
    if how[0] == "--by":
        assert result.stderr == ("error: the target is after 9999-12-31T23:59:59Z, the last time Stripe accepts "
                                 "(the clock's frozen time is 9999-12-01T00:00:00Z)\n")


@pytest.mark.parametrize("how", [["--to", "9999-12-31T23:59:59Z"], ["--by", "30d"]])
def test_a_clock_near_the_end_of_9999_advances_to_the_last_second(local, how):
    clock = make_clock(local, "9999-12-01T00:00:00Z")
    result = local("test-clocks", "advance", clock["id"], *how, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["status"] == "advancing"
