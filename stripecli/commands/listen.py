"""``stripecli listen``: forward an account's events, signed, to local URLs (see docs/webhooks.md).

On the emulator (``--local``) it follows the event stream as events are recorded and resumes after
the last event it forwarded; on a real account it polls ``GET /v1/events`` with the API key (no
login session, so it runs in CI).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click
from typer.core import TyperOption

from stripecli import exit_codes
from stripecli.commands.fixtures import connection_options
from stripecli.errors import CliError, UsageError
from stripecli.surface.build import ModelCommand
from stripecli.surface.options import GlobalOptions, Number

PANEL = "Parameters"


def _config_table(opts: GlobalOptions, local: bool) -> tuple[dict[str, Any], str]:
    """The ``listen`` table of the profile in profiles.toml (``[profiles.local.listen]`` first with --local)."""
    from stripecli import config

    data = config.load_profiles()
    names = (["local"] if local else []) + [config.selected_profile_name(opts.profile, data)]
    for name in names:
        profile = config.get_profile(name, data) or {}
        table = profile.get("listen")
        if isinstance(table, dict):
            return table, f"{config.profiles_path()} [profiles.{name}.listen]"
    return {}, ""


def _strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"invalid value for {key} in {where}: a list of strings")
    return value


def build_plan(opts: GlobalOptions, local: bool, forward_to: tuple[str, ...], connect_to: tuple[str, ...],
               events: tuple[str, ...], headers: tuple[str, ...]) -> tuple[Any, list[tuple[str, str]]]:
    """Routes from the flags first, then the profile's config file: the first match wins."""
    from stripecli.listen.follow import Plan
    from stripecli.listen.routes import parse_events, parse_headers, parse_route

    table, where = _config_table(opts, local)
    unknown = sorted(set(table) - {"forward_to", "forward_connect_to", "events", "headers"})
    if unknown:
        raise UsageError(f"unknown key {', '.join(unknown)} in {where} (known: forward_to, forward_connect_to, events, headers)")
    routes = [parse_route(t, "--forward-to") for t in forward_to]
    routes += [parse_route(t, f"forward_to in {where}") for t in _strings(table, "forward_to", where)]
    connect = [parse_route(t, "--forward-connect-to") for t in connect_to]
    connect += [parse_route(t, f"forward_connect_to in {where}") for t in _strings(table, "forward_connect_to", where)]
    patterns = parse_events(list(events) or _strings(table, "events", where))
    extra = parse_headers(list(headers) + _strings(table, "headers", where))
    return Plan(routes, connect, patterns), extra


def install_signals(stop: Any) -> dict[str, int]:
    """Ctrl-C and SIGTERM set ``stop`` (the work in flight finishes first); a second Ctrl-C stops at
    once. Installed explicitly: a shell starts background jobs with SIGINT ignored, which would
    otherwise make ``kill -INT`` do nothing. ``received["code"]`` is the exit code to end with."""
    import signal

    received: dict[str, int] = {}

    def on_signal(signum: int, frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        received["code"] = exit_codes.INTERRUPTED if signum == signal.SIGINT else exit_codes.TERMINATED
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_signal)
    return received


def _local_source(data_dir: str, start_after: int | None) -> Any:
    """The emulator's event stream (``emulator.events``), from ``start_after`` or from now, and
    the events ``events resend --local`` asks for again from now on (``emulator.resends``)."""
    from stripecli.emulator import events, resends
    from stripecli.emulator.store import Store
    from stripecli.listen.sources import LocalStream

    store = Store(data_dir)

    def resent_after(seq: int) -> list[tuple[int, dict[str, Any]]]:
        found = [(s, events.get_event(store, event_id)) for s, event_id in resends.after(store, seq)]
        return [(s, event) for s, event in found if event is not None]

    return LocalStream(lambda seq, limit: events.events_after(store, seq, limit), lambda: events.latest_cursor(store),
                       start_after, resends=(lambda: resends.latest(store), resent_after))


def _run(**kwargs: Any) -> int:
    import threading

    from stripecli.listen import secrets
    from stripecli.listen.follow import Follower
    from stripecli.listen.forward import Forwarder
    from stripecli import session as sessions

    forward_to, connect_to = kwargs.pop("forward_to"), kwargs.pop("forward_connect_to")
    events, headers = kwargs.pop("events"), kwargs.pop("headers")
    print_secret, fmt, interval = kwargs.pop("print_secret"), kwargs.pop("fmt"), kwargs.pop("poll_interval")
    session = sessions.for_command(GlobalOptions.pop_from(kwargs))
    opts, local, env = session.options, session.local, session.env
    plan, extra_headers = build_plan(opts, local, forward_to, connect_to, events, headers)
    session.format  # a bad -o is a usage error before anything else

    if local:
        from stripecli.config import default_data_dir

        data_dir = os.path.abspath(default_data_dir())
        secret = secrets.local_secret(data_dir)
    else:
        creds = session.credentials()
        from stripecli import config as cfg

        secret = secrets.profile_secret(creds.profile or cfg.selected_profile_name(opts.profile, None, session.environ))
    if print_secret:
        env.stdout.write(secret + "\n")
        return 0

    stop = threading.Event()
    received = install_signals(stop)

    def on_retry(url: str, reason: str, delay: float, attempts: int) -> None:
        env.stderr.write(f"{url} is down ({reason}, attempt {attempts}): retrying in {delay:g} s\n")
        env.stderr.flush()

    forwarder = Forwarder(secret, extra_headers, stop=stop, on_retry=on_retry)
    commit = None
    if local:
        keys = [str(r) for r in plan.routes] + ["connect:" + str(r) for r in plan.connect_routes]
        cursors = secrets.Cursors(data_dir, secrets.cursor_key(keys + ["events:" + ",".join(plan.events)]))
        source = _local_source(data_dir, cursors.get())
        commit = lambda item: None if item.resent else cursors.set(int(item.cursor))  # noqa: E731
        where = f"the emulator ({data_dir})"
    else:
        from stripecli.listen.sources import ApiPoller

        client = session.client()

        def rate_limited(delay: float) -> None:
            env.stderr.write(f"rate limited (429) listing events: polling every {delay:g} s for now\n")
            env.stderr.flush()

        source = ApiPoller(client, interval=interval, on_rate_limited=rate_limited)
        source.start()  # what exists now is not forwarded: only events from here on
        account = creds.account_label() if creds.account else f"the account of key {creds.masked_key}"
        where = f"{account} (polling GET /v1/events every {interval:g} s)"

    targets = ", ".join(str(r) for r in plan.routes) or "nowhere (printing events only)"
    if plan.connect_routes:
        targets += "; Connect events: " + ", ".join(str(r) for r in plan.connect_routes)
    env.stderr.write(f"Ready! Listening to {where}, forwarding to {targets}.\n"
                     f"Your webhook signing secret is {secret} (^C to quit)\n")
    env.stderr.flush()

    def on_error(exc: Exception) -> float:
        message = getattr(exc, "one_line", None)
        env.stderr.write(f"listing events failed: {message() if callable(message) else exc}; retrying in 5 s\n")
        env.stderr.flush()
        return 5.0

    follower = Follower(source, plan, forwarder, stderr=env.stderr, stdout=env.stdout if fmt == "json" else None,
                        stop=stop, commit=commit, on_error=on_error)
    try:
        follower.run()
    except KeyboardInterrupt:
        received["code"] = exit_codes.INTERRUPTED
    finally:
        forwarder.close()
    code = received.get("code", exit_codes.INTERRUPTED)
    env.stderr.write(f"stopped after {follower.forwarded} event{'s' if follower.forwarded != 1 else ''}\n")
    return code


def _multi(flag: str, name: str, metavar: str, text: str) -> click.Parameter:
    return TyperOption(param_decls=[flag, name], multiple=True, metavar=metavar, rich_help_panel=PANEL, help=text)


command = ModelCommand(
    name="listen",
    params=[
        _multi("--forward-to", "forward_to", "[PATTERN=]URL",
               "Where to POST events: a URL (every event) or PATTERN=URL ('invoice.*=http://localhost:8000/billing'). "
               "Repeatable; the first matching route wins; routes in the profile's config come after these."),
        _multi("--forward-connect-to", "forward_connect_to", "[PATTERN=]URL",
               "Where to POST events of connected accounts (default: the --forward-to routes)."),
        _multi("--events", "events", "TYPES", "Only these event types: a,b or 'invoice.*' (repeatable; default: all)."),
        _multi("--headers", "headers", "'NAME: VALUE'", "Extra headers on each forwarded POST (repeatable, or comma-separated)."),
        TyperOption(param_decls=["--print-secret", "print_secret"], is_flag=True, rich_help_panel=PANEL,
                    help="Print the webhook signing secret (whsec_...) and exit."),
        TyperOption(param_decls=["--format", "fmt"], type=click.Choice(["text", "json"]), default="text", metavar="FORMAT",
                    rich_help_panel=PANEL, help="json: also write each event as one JSON line on stdout (for jq)."),
        TyperOption(param_decls=["--poll-interval", "poll_interval"], type=Number(0.5, 60), default=2.0,
                    metavar="SECONDS", rich_help_panel=PANEL,
                    help="Real account only: seconds between two GET /v1/events (default 2; a 429 doubles it)."),
        *[o for o in connection_options() if o.name not in ("g_yes",)],
    ],
    callback=_run,
    help="Forward events, signed, to local URLs: stripecli listen --local --forward-to localhost:4242/webhook.\n\n"
         "Each event is POSTed as Stripe delivers it, with a Stripe-Signature made with a signing secret that stays "
         "the same per profile (and per emulator data directory with --local): it is printed at start and by "
         "--print-secret, so a handler's verification code runs unchanged. One line per event on stderr; "
         "--format json adds the event as a JSON line on stdout. A target that is down is retried with backoff. "
         "With --local it resumes after the last event it forwarded. Ctrl-C stops it (exit 130) after the POST in "
         "flight.",
    short_help="Forward events, signed, to local URLs (webhooks without a public endpoint).",
    context_settings={"help_option_names": ["-h", "--help"]},
)
