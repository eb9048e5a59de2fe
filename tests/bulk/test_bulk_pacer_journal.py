"""The shared pacer (on a fake clock: no test waits) and the journal that makes runs resumable."""

from __future__ import annotations

import json
import threading

import pytest

from stripecli.bulk.journal import Journal, JournalError, journal_path, read_history
from stripecli.bulk.pacer import Pacer, default_rate


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def pacer(rate, clock: FakeClock) -> Pacer:
    return Pacer(rate, clock=clock, sleep=clock.sleep)


# ----------------------------------------------------------------------------- pacer


def test_attempts_are_spaced_by_the_rate_across_every_caller():
    clock = FakeClock()
    p = pacer(10.0, clock)
    for _ in range(5):
        p.wait()
    assert clock.slept == [0.1, 0.1, 0.1, 0.1]


def test_no_rate_means_no_waiting():
    clock = FakeClock()
    p = pacer(None, clock)
    for _ in range(100):
        p.wait()
    assert clock.slept == []


def test_a_429_with_retry_after_pauses_everyone_and_halves_the_rate():
    clock = FakeClock()
    p = pacer(20.0, clock)
    p.wait()
    p.observe(429, {"retry-after": "3"})
    assert p.throttled == 1 and p.rate == 10.0
    p.wait()  # another worker: waits out the Retry-After
    assert clock.now == pytest.approx(1003.0)
    p.wait()
    assert clock.slept[-1] == pytest.approx(0.1)  # now 10 per second


def test_429s_in_a_row_without_retry_after_back_off_exponentially():
    clock = FakeClock()
    p = pacer(None, clock)
    pauses = []
    for _ in range(6):
        start = clock.now
        p.observe(429, {})
        p.wait()
        pauses.append(round(clock.now - start, 3))
    assert pauses[:5] == [0.5, 1.0, 2.0, 4.0, 8.0] and pauses[5] == 8.0
    assert p.rate == 1.0  # never below one request per second


def test_the_rate_comes_back_after_successes_up_to_the_configured_one():
    clock = FakeClock()
    p = pacer(20.0, clock)
    p.observe(429, {"retry-after": "0"})
    assert p.rate == 10.0 and p.lowest == 10.0
    for _ in range(200):
        p.observe(200, {})
    assert p.rate == 20.0


def test_without_a_rate_a_429_halves_the_rate_actually_reached():
    clock = FakeClock()
    p = pacer(None, clock)
    for _ in range(40):  # 40 attempts in 0.8 s: 50 per second
        p.wait()
        clock.now += 0.02
    p.observe(429, {"retry-after": "0"})
    assert p.rate == pytest.approx(25.0)


def test_default_rates_stay_under_stripes_limits():
    assert default_rate("test") < 25 and default_rate("live") < 25
    assert default_rate("local") is None


def test_pacer_is_safe_to_share_between_threads():
    p = Pacer(None)
    threads = [threading.Thread(target=lambda: [p.wait() or p.observe(200, {}) for _ in range(500)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert p.throttled == 0


# ----------------------------------------------------------------------------- journal


def open_journal(path, restart=False) -> Journal:
    return Journal.open(path, restart=restart, header={"command": "customers create", "lines": 3})


def test_journal_is_named_after_the_input_and_the_command(tmp_path):
    identity = {"operation": "POST /v1/customers", "params": {}, "target": "local"}
    path = journal_path(str(tmp_path / "new customers.jsonl"), "customers create", identity)
    assert path.parent.name == "bulk"
    assert path.name.startswith("new-customers.jsonl.customers-create.") and path.suffix == ".jsonl"
    other_target = journal_path(str(tmp_path / "new customers.jsonl"), "customers create", {**identity, "target": "x"})
    assert other_target != path
    stdin_a = journal_path("-", "customers create", identity, "a\n")
    assert stdin_a.name.startswith("stdin.") and stdin_a == journal_path("-", "customers create", identity, "a\n")
    assert stdin_a != journal_path("-", "customers create", identity, "b\n")


def test_a_run_resumes_with_the_same_run_id_and_idempotency_keys(tmp_path):
    path = tmp_path / "j.jsonl"
    with open_journal(path) as first:
        first.begin(lines=3)
        key = first.idempotency_key(1, "abc")
        first.sent(1, "abc", key)
        first.outcome(1, "done", "abc", id="cus_1")
        first.sent(2, "def", first.idempotency_key(2, "def"))  # killed before its outcome
    with open_journal(path) as second:
        assert second.attempt == 2 and second.run_id == first.run_id
        assert second.idempotency_key(1, "abc") == key
        lines = second.history.lines
        assert (lines[1].status, lines[1].object_id, lines[1].digest) == ("done", "cus_1", "abc")
        assert (lines[2].status, lines[2].sent) == (None, True)
        assert 3 not in lines


def test_restart_starts_a_new_run_and_keeps_the_old_journal_aside(tmp_path):
    path = tmp_path / "j.jsonl"
    with open_journal(path) as first:
        first.outcome(1, "done", "abc", id="cus_1")
    with open_journal(path, restart=True) as second:
        assert second.run_id != first.run_id and second.attempt == 1 and second.history.lines == {}
    assert len(list(tmp_path.glob("j.replaced-*.jsonl"))) == 1


def test_a_record_cut_short_by_a_crash_is_ignored(tmp_path):
    path = tmp_path / "j.jsonl"
    with open_journal(path) as first:
        first.outcome(1, "done", "abc", id="cus_1")
    with open(path, "a") as fh:
        fh.write('{"type":"done","line":2,"att')
    history = read_history(path)
    assert set(history.lines) == {1}


def test_one_run_at_a_time_per_journal(tmp_path):
    path = tmp_path / "j.jsonl"
    with open_journal(path):
        import subprocess
        import sys

        code = ("import fcntl,sys; f=open(sys.argv[1],'a');\n"
                "try:\n fcntl.flock(f.fileno(), fcntl.LOCK_EX|fcntl.LOCK_NB); print('free')\n"
                "except OSError: print('locked')")
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True).stdout
        assert out.strip() == "locked"


def test_a_file_that_is_not_a_journal_is_refused(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text(json.dumps({"type": "done", "line": 1}) + "\n")
    with pytest.raises(JournalError, match="not a bulk journal"):
        read_history(path)


def test_a_burst_of_429s_cuts_the_rate_once():
    clock = FakeClock()
    p = pacer(20.0, clock)
    for _ in range(8):
        p.observe(429, {"retry-after": "0"})
    assert p.rate == 10.0 and p.throttled == 8
    clock.now += 1.0
    p.observe(429, {"retry-after": "0"})
    assert p.rate == 5.0


def test_the_journal_is_private(tmp_path):
    path = tmp_path / "j.jsonl"
    with open_journal(path):
        pass
    assert path.stat().st_mode & 0o777 == 0o600
