"""Calendar arithmetic and Stripe's advance rules, checked before anything is sent."""

from __future__ import annotations

import pytest

from stripecli.commands.clocks import add_months, advance_by, check_target
from stripecli.errors import UsageError
from stripecli.surface.values import parse_iso

JAN_31 = parse_iso("2025-01-31T12:00:00Z")


@pytest.mark.parametrize("start,months,expected", [
    ("2025-01-31T12:00:00Z", 1, "2025-02-28T12:00:00Z"),
    ("2024-01-31T00:00:00Z", 1, "2024-02-29T00:00:00Z"),
    ("2025-01-31T00:00:00Z", 3, "2025-04-30T00:00:00Z"),
    ("2025-12-15T08:30:00Z", 1, "2026-01-15T08:30:00Z"),
    ("2025-03-31T00:00:00Z", 24, "2027-03-31T00:00:00Z"),
])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(parse_iso(start), months) == parse_iso(expected)


@pytest.mark.parametrize("offset,expected", [
    ("30d", JAN_31 + 30 * 86400), ("2w", JAN_31 + 14 * 86400), ("12h", JAN_31 + 43200),
    ("90m", JAN_31 + 5400), ("+1mo", parse_iso("2025-02-28T12:00:00Z")), ("1y", parse_iso("2026-01-31T12:00:00Z")),
])
def test_advance_by_counts_from_the_clock(offset, expected):
    assert advance_by(JAN_31, offset) == expected


@pytest.mark.parametrize("bad", ["1 month", "-1d", "0d", "1q", ""])
def test_advance_by_rejects_what_it_cannot_read(bad):
    with pytest.raises(UsageError) as info:
        advance_by(JAN_31, bad)
    assert "--by" in str(info.value)


def test_check_target_rules():
    check_target(JAN_31, JAN_31 + 1)
    check_target(JAN_31, add_months(JAN_31, 24))
    with pytest.raises(UsageError) as past:
        check_target(JAN_31, JAN_31 - 86400)
    assert "2025-01-30T12:00:00Z" in str(past.value) and "2025-01-31T12:00:00Z" in str(past.value)
    with pytest.raises(UsageError) as far:
        check_target(JAN_31, add_months(JAN_31, 24) + 1)
    assert "two years" in str(far.value) and "2025-01-31T12:00:00Z" in str(far.value)
