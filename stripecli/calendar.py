"""Calendar arithmetic in UTC shared by the emulator (subscription periods, test-clock limits) and
``stripecli test-clocks`` (``--by 1mo``, the two-year rule): one definition of what "a month
later" means.

Months are calendar months clamped to the month's end, as Stripe counts them: Jan 31 + 1 month is
Feb 28 (Feb 29 in a leap year), Mar 31 + 1 month is Apr 30. A period boundary is always counted
from its anchor (``anchor + k months``), never from the previous boundary, so a monthly period
anchored on the 31st ends on Feb 28 and then on Mar 31 again.

A neutral module: it imports neither the command line nor the emulator (nor the standard
library's ``calendar``, whose name this module shares).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

DAY = 86400
WEEK = 7 * DAY


def days_in_month(year: int, month: int) -> int:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - start).days


def add_months(ts: int, months: int) -> int:
    """``ts`` plus calendar months in UTC, clamped to the month's end (Jan 31 + 1 = Feb 28/29)."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    total = dt.month - 1 + months
    year, month = dt.year + total // 12, total % 12 + 1
    day = min(dt.day, days_in_month(year, month))
    return int(dt.replace(year=year, month=month, day=day).timestamp())


def add_interval(ts: int, interval: str, count: int = 1, times: int = 1) -> int:
    """``ts`` plus ``times`` recurring intervals of ``count`` days, weeks, months or years (Stripe's
    ``recurring[interval]`` and ``recurring[interval_count]``)."""
    n = max(1, int(count or 1)) * times
    if interval == "day":
        return ts + DAY * n
    if interval == "week":
        return ts + WEEK * n
    if interval == "year":
        return add_months(ts, 12 * n)
    return add_months(ts, n)


def next_period_end(anchor: int, interval: str, count: int, after: int) -> int:
    """The first period boundary counted from ``anchor`` that is after ``after``."""
    k = 1
    while True:
        end = add_interval(anchor, interval, count, k)
        if end > after:
            return end
        k += 1
        if k > 100000:  # pragma: no cover - a guard: intervals are at least a day
            raise RuntimeError("period computation did not converge")
