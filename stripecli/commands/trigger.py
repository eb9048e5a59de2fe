"""``stripecli trigger EVENT``: make Stripe (or the emulator) emit an event by running a packaged
fixture, a short sequence of real API calls (``stripecli/fixtures/data/EVENT.json``).

With ``--local`` the run is checked: the emulator must have recorded each event the fixture is
for, caused by the run's own requests. Where the emulator cannot model an event yet, the trigger
exits 1 naming what is missing.
"""

from __future__ import annotations

from typing import Any

import click
from typer.core import TyperArgument, TyperOption

from stripecli.commands.fixtures import connection_options, format_option, run_fixture
from stripecli.errors import CliError, UsageError
from stripecli.surface.build import ModelCommand
from stripecli.surface.options import GlobalOptions

PANEL = "Parameters"


def _list() -> int:
    import sys

    from stripecli.fixtures import catalog

    names = catalog.names()
    width = max(len(n) for n in names)
    for name in names:
        sys.stdout.write(f"{name:<{width}}  {catalog.describe(catalog.load(name))}\n")
    return 0


def _unknown(name: str) -> UsageError:
    import difflib

    from stripecli.fixtures import catalog

    close = difflib.get_close_matches(name, catalog.names(), n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    return UsageError(f"invalid value for EVENT: no trigger for '{name}'.{hint} (see 'stripecli trigger --list')")


def _run(**kwargs: Any) -> int:
    from stripecli.fixtures import catalog, load

    event = kwargs.pop("event")
    if kwargs.pop("list_"):
        return _list()
    edits = {k: tuple(kwargs.pop(k) or ()) for k in ("override", "add", "remove", "skip")}
    fmt = kwargs.pop("fmt")
    opts = GlobalOptions.pop_from(kwargs)
    if not event:
        raise UsageError("missing argument EVENT (see 'stripecli trigger --list' for the events it can trigger)")
    try:
        fixture = catalog.load(event)
    except KeyError:
        raise _unknown(event) from None
    fixture = load.apply_edits(fixture, **edits)
    local = _is_local(opts)
    if local:
        changed = [f"--{k} {v}" for k, values in edits.items() for v in values]
        return _run_local(event, fixture, opts, fmt, changed)
    _refuse_live(opts)
    run_fixture(fixture, opts, fmt, confirm=False)
    _done(event, None)
    return 0


def _is_local(opts: GlobalOptions) -> bool:
    from stripecli import session

    return session.for_command(opts).local


def _refuse_live(opts: GlobalOptions) -> None:
    from stripecli import session

    if session.for_command(opts).credentials().live:
        raise UsageError("trigger creates test objects and runs in test mode only: use a test key (sk_test_...) "
                         "or the emulator (--local)")


def _run_local(event: str, fixture: Any, opts: GlobalOptions, fmt: str, changed: list[str]) -> int:
    from stripecli import session as sessions
    from stripecli.fixtures import catalog, verify
    from stripecli.fixtures.load import FixtureError
    from stripecli.fixtures.run import StepFailed

    session = sessions.for_command(opts)
    with session.client() as client:
        before = verify.newest_event_id(client)
    try:
        results = run_fixture(fixture, opts, fmt, confirm=False)
    except (StepFailed, FixtureError) as exc:
        # the fixture is written for Stripe: a step the emulator rejects, or a field its answer
        # lacks (a reference that does not resolve), is something the emulator does not model yet
        raise CliError(f"the emulator cannot run trigger {event} yet: {exc.message}") from None
    wanted = catalog.emits(fixture)
    with session.client() as client:
        events, missing = verify.wait_for(client, before, results.values(), wanted)
    if missing and changed:
        # the operator changed the fixture: say so, rather than blame the emulator
        raise CliError(f"trigger {event}: the fixture ran with {' '.join(changed)}, but no {', '.join(missing)} "
                       "event was recorded; without those changes the fixture makes it")
    if missing:
        last = fixture.steps[-1]
        raise CliError(f"the emulator cannot model trigger {event} yet: the fixture ran, but no "
                       f"{', '.join(missing)} event was recorded (the emulator does not emit it for "
                       f"{last.method} {last.path} and the steps before it)")
    _done(event, events)
    return 0


def _done(event: str, events: list[dict[str, Any]] | None) -> None:
    import sys

    if events is None:
        sys.stderr.write(f"trigger {event}: done\n")
        return
    listed = ", ".join(f"{e.get('type')} {e.get('id')}" for e in events)
    sys.stderr.write(f"trigger {event}: done; events: {listed}\n")


def _edit(flag: str, name: str, metavar: str, text: str) -> click.Parameter:
    return TyperOption(param_decls=[flag, name], multiple=True, metavar=metavar, rich_help_panel=PANEL, help=text)


command = ModelCommand(
    name="trigger",
    params=[
        TyperArgument(param_decls=["event"], required=False, metavar="EVENT"),
        TyperOption(param_decls=["--list", "list_"], is_flag=True, rich_help_panel=PANEL,
                    help="Print the events this command can trigger, with what each fixture does, and exit."),
        _edit("--override", "override", "STEP:PARAM=VALUE",
              "Change a param the fixture sends: --override payment_intent:amount=5000 (repeatable)."),
        _edit("--add", "add", "STEP:PARAM=VALUE",
              "Add a param to a step: --add customer:metadata.plan=gold or customer:metadata[plan]=gold (repeatable)."),
        _edit("--remove", "remove", "STEP:PARAM", "Leave a param out of a step: --remove customer:description (repeatable)."),
        _edit("--skip", "skip", "STEP", "Leave a whole step out (repeatable); a later step must not refer to it."),
        format_option(),
        *connection_options(),
    ],
    callback=_run,
    help="Make Stripe emit an event by running a short sequence of real API calls (a fixture).\n\n"
         "stripecli trigger payment_intent.succeeded --local runs it on the emulator and checks that the event "
         "was recorded (exit 1 naming what is missing where the emulator cannot model it yet). "
         "The steps of each fixture are in --list and on stderr as they run; --override, --add, --remove and "
         "--skip change them by step name. Test mode only. Forward the events to your app with stripecli listen.",
    short_help="Make Stripe emit an event: stripecli trigger payment_intent.succeeded.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
