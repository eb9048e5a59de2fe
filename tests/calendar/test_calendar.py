"""One calendar for the emulator and ``stripecli test-clocks``: months clamp to the month's end and
periods are counted from their anchor."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from stripecli import calendar


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


@pytest.mark.parametrize("start,months,expected", [
    ("2024-01-31T10:00:00", 1, "2024-02-29T10:00:00"),   # leap year
    ("2023-01-31T10:00:00", 1, "2023-02-28T10:00:00"),
    ("2023-03-31T00:00:00", 1, "2023-04-30T00:00:00"),
    ("2023-12-15T00:00:00", 1, "2024-01-15T00:00:00"),   # over the year end
    ("2024-02-29T00:00:00", 12, "2025-02-28T00:00:00"),
    ("2023-01-31T00:00:00", 24, "2025-01-31T00:00:00"),
])
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert calendar.add_months(ts(start), months) == ts(expected)


def test_intervals_of_days_weeks_months_and_years():
    t = ts("2023-01-31T00:00:00")
    assert calendar.add_interval(t, "day", 3) == t + 3 * 86400
    assert calendar.add_interval(t, "week", 2) == t + 14 * 86400
    assert calendar.add_interval(t, "month", 1) == ts("2023-02-28T00:00:00")
    assert calendar.add_interval(t, "month", 1, times=2) == ts("2023-03-31T00:00:00")
    assert calendar.add_interval(t, "year", 1) == ts("2024-01-31T00:00:00")


def test_period_ends_are_counted_from_the_anchor_not_from_the_previous_end():
    anchor = ts("2023-01-31T00:00:00")
    feb = calendar.next_period_end(anchor, "month", 1, anchor)
    assert feb == ts("2023-02-28T00:00:00")
    assert calendar.next_period_end(anchor, "month", 1, feb) == ts("2023-03-31T00:00:00")


def test_the_test_clocks_command_and_the_emulator_share_it():
    from stripecli.commands import clocks as clock_commands
    from stripecli.emulator.behaviours import clocks, subscriptions

    assert clock_commands.add_months is calendar.add_months
    assert clocks.calendar is calendar and subscriptions.calendar is calendar


def test_the_calendar_module_imports_neither_the_cli_nor_the_emulator():
    import subprocess
    import sys

    code = ("import sys; import stripecli.calendar; "
            "print([m for m in sys.modules if m.startswith(('stripecli.emulator', 'stripecli.cli', 'typer', 'click'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
