"""Test clocks by hand: ``advance`` by an offset or to a time (and wait), ``show`` what is on a clock.

These extend the generated ``test-clocks`` group (``create``, ``get``, ``list``, ``delete`` come
from the model as they are; ``advance`` replaces the generated one and keeps its
``--frozen-time``).
"""

from __future__ import annotations

import re
import time
from typing import Any

import click
from typer.core import TyperOption

from stripecli.calendar import add_months
from stripecli import exit_codes
from stripecli.errors import CliError, UsageError, WaitTimeout
from stripecli.surface.build import ModelCommand, PathArgument, escape
from stripecli.surface.options import GlobalOptions, global_options
from stripecli.surface.values import TIMESTAMP_HELP, format_timestamp, parse_timestamp

CLOCKS = "/v1/test_helpers/test_clocks"
TWO_YEARS_MONTHS = 24
WAIT_TIMEOUT = 300.0
MAX_POLL_INTERVAL = 2.0

_BY = re.compile(r"\+?([0-9]{1,12})(s|m|h|d|w|mo|y)", re.ASCII)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Stripe advances a clock at most two years past its frozen time: an offset beyond this can be
# refused before the clock is read (the exact limit, in calendar months, is checked after).
_MAX_OFFSET = {"mo": TWO_YEARS_MONTHS, "y": TWO_YEARS_MONTHS // 12, **{u: (366 + 365) * 86400 // s for u, s in _UNIT.items()}}


def parse_offset(text: str) -> tuple[int, str]:
    """``30d`` -> (30, 'd'): checked for form and size before the clock is read."""
    m = _BY.fullmatch(text.strip())
    if not m:
        raise UsageError(f"invalid value for --by: '{text}' is not an offset such as 30d, 2w, 12h, 1mo or 1y")
    n, unit = int(m.group(1)), m.group(2)
    if n == 0:
        raise UsageError("invalid value for --by: the offset must be more than zero")
    if n > _MAX_OFFSET[unit]:
        raise UsageError(f"invalid value for --by: '{text}' is more than two years, the most a test clock "
                         "advances past its frozen time")
    return n, unit


def advance_by(frozen_time: int, text: str) -> int:
    """``30d``, ``2w``, ``12h``, ``1mo`` (calendar months), ``1y`` from the clock's frozen time."""
    n, unit = parse_offset(text)
    months = {"mo": n, "y": 12 * n}.get(unit)
    return _add_months(frozen_time, months) if months else frozen_time + n * _UNIT[unit]


def _add_months(ts: int, months: int) -> int:
    """``add_months``, with a date past year 9999 (which Python cannot name) as MAX_TIMESTAMP + 1."""
    from stripecli.surface.values import MAX_TIMESTAMP

    try:
        return add_months(ts, months)
    except (ValueError, OverflowError):
        return MAX_TIMESTAMP + 1


def frozen_time_of(clock: Any, clock_id: str) -> int:
    """The clock's ``frozen_time`` from an API answer; an answer without one is an API error."""
    from stripecli.surface.values import MAX_TIMESTAMP

    value = clock.get("frozen_time") if isinstance(clock, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIMESTAMP:
        raise CliError(f"the API's answer for test clock {clock_id} has no usable frozen_time (got {value!r}): "
                       "cannot check the target against it")
    return value


def check_target(frozen_time: int, target: int) -> None:
    """Stripe's rule, checked before sending: after the frozen time, at most two years ahead
    (and, as for every time, not after 9999-12-31T23:59:59Z)."""
    from stripecli.surface.values import MAX_TIMESTAMP

    now_s = format_timestamp(frozen_time)
    if target > MAX_TIMESTAMP:
        raise UsageError(f"the target is after 9999-12-31T23:59:59Z, the last time Stripe accepts "
                         f"(the clock's frozen time is {now_s})")
    target_s = format_timestamp(target)
    if target <= frozen_time:
        raise UsageError(f"the target {target_s} is not after the clock's frozen time {now_s}")
    limit = min(_add_months(frozen_time, TWO_YEARS_MONTHS), MAX_TIMESTAMP)
    if target > limit:
        raise UsageError(f"the target {target_s} is more than two years after the clock's frozen time {now_s} "
                         f"(latest: {format_timestamp(limit)})")


# ----------------------------------------------------------------------------- advance


def _advance(**kwargs: Any) -> int:
    from stripecli import session as sessions
    from stripecli.api.request import ApiRequest

    clock_id: str = kwargs.pop("clock")
    to, by, frozen = kwargs.pop("to"), kwargs.pop("by"), kwargs.pop("frozen_time")
    wait, wait_timeout = kwargs.pop("wait"), kwargs.pop("wait_timeout")
    session = sessions.for_command(GlobalOptions.pop_from(kwargs))
    opts = session.options
    # Everything the operator typed is checked before anything is read or sent.
    quoted = _quote(clock_id)
    extra: dict[str, Any] = {}
    if opts.data or opts.data_json is not None:
        from stripecli.surface.request import extra_params

        extra = extra_params(opts)
    in_data = extra.pop("frozen_time", None)
    given = [name for name, value in (("--to", to), ("--by", by), ("--frozen-time", frozen),
                                      ("frozen_time in -d/--data-json", in_data is not None)) if value]
    if not given:
        raise UsageError("give the target: --to TIME or --by OFFSET (for example --by 1mo)")
    if len(given) > 1:
        raise UsageError(f"give only one of {', '.join(given)}")
    target: int | None = None
    if by:
        parse_offset(by)
    elif in_data is not None:
        target = _data_target(in_data)
    else:
        flag, text = ("--to", to) if to else ("--frozen-time", frozen)
        try:
            target = parse_timestamp(text)
        except ValueError as exc:
            raise UsageError(f"invalid value for {flag}: {exc}") from None
    if opts.dry_run and by:
        raise UsageError("--by counts from the clock's frozen time, which --dry-run does not read: use --to TIME")
    session.check_output("test_helpers.test_clock")  # -o and --fields before anything is read
    with session.client() as client:
        # The clock's frozen time is read first: --by counts from it, and both --to and
        # --by are checked against Stripe's rules before anything is changed. --dry-run
        # sends nothing at all, so it shows the request without those checks.
        if not opts.dry_run:
            current = frozen_time_of(client.send(ApiRequest("GET", f"{CLOCKS}/{quoted}")), clock_id)
            if by:
                target = advance_by(current, by)
            assert target is not None
            check_target(current, target)
        assert target is not None
        req = ApiRequest("POST", f"{CLOCKS}/{quoted}/advance", {**extra, "frozen_time": target})
        if opts.dry_run:
            return session.dry_run(client, req)
        session.confirm(req)
        clock = client.send(req)
        renderer = session.renderer("test_helpers.test_clock")
        if not wait:
            renderer.object(clock)
            return exit_codes.OK
        return _wait(session, client, clock, target, wait_timeout, renderer, clock_id)


def _data_target(value: Any) -> int:
    """``frozen_time`` given through -d (text) or --data-json (a number or text): a time, checked."""
    from stripecli.surface.values import check_timestamp

    try:
        if isinstance(value, str):
            return parse_timestamp(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return check_timestamp(value, str(value))
        import json

        raise ValueError(f"{json.dumps(value)} is not a time: use {TIMESTAMP_HELP}")
    except ValueError as exc:
        raise UsageError(f"invalid value for frozen_time in -d/--data-json: {exc}") from None


def _wait(session, client, clock: dict, target: int, timeout: float, renderer, typed_id: str = "") -> int:
    from stripecli.api.request import ApiRequest
    from stripecli.output.progress import ClockWait

    started = time.monotonic()
    interval = 0.25
    clock_id = str(clock.get("id") or typed_id)
    display = ClockWait(session.env, clock_id, target)
    try:
        while True:
            status = clock.get("status")
            display.update(clock, time.monotonic() - started)
            if status == "ready" and frozen_time_of(clock, clock_id) >= target:
                break
            if status == "internal_failure":
                display.close()
                raise CliError(f"test clock {clock_id} failed to advance (status internal_failure): "
                               "Stripe could not advance it; create a new clock")
            if time.monotonic() - started >= timeout:
                display.close()
                renderer.object(clock)
                raise WaitTimeout(f"test clock {clock_id} is still {status} after {timeout:g}s "
                                  f"(target {format_timestamp(target)}); its last state is on stdout")
            time.sleep(min(interval, max(0.0, timeout - (time.monotonic() - started))))
            interval = min(interval * 1.5, MAX_POLL_INTERVAL)
            clock = client.send(ApiRequest("GET", f"{CLOCKS}/{_quote(clock_id)}"))
    finally:
        display.close()
    renderer.object(clock)
    return exit_codes.OK


def _quote(value: str) -> str:
    from stripecli.api.request import PathError, path_segment

    try:
        return path_segment(value)
    except PathError as exc:
        raise UsageError(f"invalid value for CLOCK: {exc}") from None


def _timeout_type() -> click.ParamType:
    from stripecli.surface.options import Seconds

    return Seconds()


def advance_command() -> click.Command:
    options = [o for o in global_options(paging=False, post=True, data=True) if o.name != "g_timeout"]
    return ModelCommand(
        name="advance",
        params=[
            PathArgument("clock", "CLOCK", "The test clock (clock_...)."),
            TyperOption(param_decls=["--to", "to"], metavar="TIME", rich_help_panel="Parameters",
                        help=f"Advance to this time: {TIMESTAMP_HELP}."),
            TyperOption(param_decls=["--by", "by"], metavar="OFFSET", rich_help_panel="Parameters",
                        help="Advance by an offset from the clock's frozen time: 30d, 2w, 12h, 90m, 1mo "
                             "(calendar months; Jan 31 + 1mo = Feb 28/29), 1y; at most two years."),
            TyperOption(param_decls=["--frozen-time", "frozen_time"], metavar="TIME", rich_help_panel="Parameters",
                        help="The API's name for --to (also accepted as -d frozen_time=TIME or in --data-json)."),
            TyperOption(param_decls=["--wait", "wait"], is_flag=True, rich_help_panel="Parameters",
                        help="Poll until the clock is ready, then print it (progress on stderr when it is a terminal)."),
            TyperOption(param_decls=["--timeout", "wait_timeout"], type=_timeout_type(), default=WAIT_TIMEOUT,
                        metavar="SECONDS", rich_help_panel="Parameters",
                        help="With --wait: give up after this many seconds (default 300, at most 86400) and exit 8."),
            *options,
        ],
        callback=_advance,
        help="Advance a test clock to a time, or by an offset from its frozen time; --wait until it is ready.\n\n"
             "The target must be after the clock's frozen time and at most two years ahead: both are checked "
             "before anything is sent. The clock is read first (GET) to know its frozen time.\n\n"
             "POST /v1/test_helpers/test_clocks/{test_clock}/advance",
        short_help=escape("[test mode only] Advance a clock --to TIME or --by 1mo, optionally --wait for ready."),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    )


# ----------------------------------------------------------------------------- show


def _show(**kwargs: Any) -> int:
    from stripecli import session as sessions
    from stripecli.api.request import ApiRequest
    from stripecli.output.clocks import render_clock_overview

    clock_id: str = kwargs.pop("clock")
    session = sessions.for_command(GlobalOptions.pop_from(kwargs))
    fmt = session.format
    with session.client() as client:
        first = ApiRequest("GET", f"{CLOCKS}/{_quote(clock_id)}")
        if session.options.dry_run:  # given before the command: show the first read, send nothing
            return session.dry_run(client, first)
        clock = client.send(first)
        customers = []
        for page in client.paginate(ApiRequest("GET", "/v1/customers", {"test_clock": clock.get("id", clock_id), "limit": 100})):
            for customer in page:
                subs = []
                req = ApiRequest("GET", "/v1/subscriptions", {"customer": customer["id"], "status": "all", "limit": 100})
                for sub_page in client.paginate(req):
                    subs.extend(sub_page)
                customers.append({**customer, "subscriptions": subs})
    render_clock_overview(session.env, fmt, clock, customers)
    return exit_codes.OK


def show_command() -> click.Command:
    options = [o for o in global_options(paging=False, post=False, data=False)
               if o.name not in ("g_dry_run", "g_fields")]
    return ModelCommand(
        name="show",
        params=[PathArgument("clock", "CLOCK", "The test clock (clock_...)."), *options],
        callback=_show,
        help="A test clock with the customers on it and their subscriptions (status, current period), "
             "to see what an advance did.\n\nGET /v1/test_helpers/test_clocks/{test_clock}, "
             "GET /v1/customers?test_clock=..., GET /v1/subscriptions?customer=...",
        short_help=escape("[test mode only] The clock, its customers and their subscriptions."),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    )


def extend(group: click.Group) -> None:
    """Called by the surface when the test-clocks group is built."""
    group.commands["advance"] = advance_command()
    group.commands["show"] = show_command()
