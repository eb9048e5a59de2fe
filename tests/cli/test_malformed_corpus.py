"""Every malformed command line of the corpus (tests/cli/malformed.py) against a recording server:
exit 2, one ``error:`` line on stderr that the terminal can show, nothing on stdout, no traceback,
no "unexpected" error, and no request received."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.malformed import UNKNOWN, corpus, label
from tests.fakeserver import FakeServer, Reply

KEY = "sk_test_fake123abcd"
CORPUS = corpus()


@pytest.fixture(scope="module")
def recording():
    with FakeServer() as fake:
        fake.handler = lambda recorded: Reply(200, json={"id": "clock_1", "object": "test_helpers.test_clock",
                                                          "frozen_time": 1735689600, "status": "ready"})
        yield fake


@pytest.fixture
def server(recording, monkeypatch):
    recording.requests.clear()
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    monkeypatch.setenv("STRIPE_API_BASE", recording.url)
    return recording


def test_the_corpus_is_large_and_has_no_duplicates():
    assert len(CORPUS) >= 300
    assert len({tuple(argv) for argv in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("argv", CORPUS, ids=[label(a) for a in CORPUS])
def test_a_malformed_command_line_is_refused_before_anything_is_sent(cli, server, argv):
    result = cli(*argv)
    assert server.requests == [], [(r.method, r.path) for r in server.requests]
    assert result.exit_code == 2, result.stderr[:500]
    assert result.stdout == ""
    # --api-key always warns first that the key is visible to other users; the error is the rest
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: --api-key is visible")]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[:500]
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert len(lines[0]) <= 2100  # a huge value is clipped, not echoed whole
    if argv not in UNKNOWN:  # each line tests a value, not a misspelt command or flag
        assert "No such command" not in lines[0] and "No such option" not in lines[0], lines[0]


SAMPLE = [argv for argv in CORPUS if len(" ".join(argv)) < 2000][::40]


@pytest.mark.parametrize("argv", SAMPLE, ids=[label(a) for a in SAMPLE])
def test_a_sample_in_a_real_process_prints_no_traceback(recording, argv, tmp_path):
    """The same promise from a real ``python -m stripecli`` (the interpreter's own error paths)."""
    recording.requests.clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "STRIPECLI_"))}
    env.update(STRIPE_API_KEY=KEY, STRIPE_API_BASE=recording.url, STRIPECLI_CONFIG_DIR=str(tmp_path / "c"),
               STRIPECLI_DATA_DIR=str(tmp_path / "d"), PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "stripecli", *argv], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and "unexpected" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert recording.requests == []
