import io
import subprocess
import sys

import pytest

from stripecli.output.env import Environment


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_from_system_reads_the_streams_when_called(monkeypatch):
    out, err, inp = FakeTTY(), io.StringIO(), FakeTTY()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdin", inp)
    env = Environment.from_system()
    assert env.stdout is out and env.stderr is err and env.stdin is inp
    assert env.stdout_isatty is True
    assert env.stderr_isatty is False
    assert env.stdin_isatty is True
    assert env.no_color is False
    assert env.color is True
    assert env.stderr_color is False


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", True), ("", False)])
def test_no_color_env_var_any_non_empty_value(monkeypatch, value, expected):
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.setenv("NO_COLOR", value)
    env = Environment.from_system()
    assert env.no_color is expected
    assert env.color is (not expected)


def test_no_color_flag(monkeypatch):
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.setattr(sys, "stderr", FakeTTY())
    env = Environment.from_system(no_color_flag=True)
    assert env.no_color and not env.color and not env.stderr_color


def test_dumb_terminal_has_no_colour(monkeypatch):
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.setenv("TERM", "dumb")
    assert Environment.from_system().color is False


def test_closed_or_missing_stream_is_not_a_terminal(monkeypatch):
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    monkeypatch.setattr(sys, "stdin", None)
    env = Environment.from_system()
    assert env.stdout_isatty is False and env.stdin_isatty is False


def test_colour_needs_a_terminal():
    assert Environment.captured(stdout_isatty=False).color is False
    assert Environment.captured(stdout_isatty=True).color is True
    assert Environment.captured(stderr_isatty=True).stderr_color is True
    assert Environment.captured(stdout_isatty=True, no_color=True).color is False


def test_importing_the_output_layer_is_cheap_and_probes_nothing():
    code = (
        "import sys\n"
        "class Boom:\n"
        "    def isatty(self): raise SystemExit('probed a terminal at import time')\n"
        "    def write(self, s): pass\n"
        "    def flush(self): pass\n"
        "real = sys.stdout\n"
        "sys.stdout = sys.stderr = sys.stdin = Boom()\n"
        "import stripecli.output.env, stripecli.output.render, stripecli.output.errors, stripecli.output.tables\n"
        "sys.stdout = real\n"
        "print(sorted(m for m in ('rich', 'csv', 'json', 'datetime') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
