"""``stripecli events resend EVT_ID``: deliver an existing event again.

On the emulator (``--local``) the event goes again to the webhook endpoint named by
``--webhook-endpoint``, or else to every enabled endpoint subscribed to its type and to every
running ``stripecli listen --local``. On a real account Stripe resends to one webhook endpoint
through its retry endpoint (``POST /v1/events/{id}/retry``), so ``--webhook-endpoint`` is needed.
The generated ``events`` verbs (``list``, ``get``) are unchanged.
"""

from __future__ import annotations

from typing import Any

import click
from typer.core import TyperOption

from stripecli.errors import CliError, UsageError
from stripecli.surface.build import ModelCommand, PathArgument, escape
from stripecli.surface.options import GlobalOptions


def _resend(**kwargs: Any) -> int:
    from stripecli import session as sessions

    event_id: str = kwargs.pop("event")
    endpoint: str | None = kwargs.pop("webhook_endpoint")
    session = sessions.for_command(GlobalOptions.pop_from(kwargs))
    if not event_id.startswith("evt_"):
        raise UsageError(f"invalid value for EVENT: '{event_id}' is not an event id (evt_...)")
    if endpoint is not None and not endpoint.startswith("we_"):
        raise UsageError(f"invalid value for --webhook-endpoint: '{endpoint}' is not a webhook endpoint id (we_...)")
    if session.local:
        return _resend_local(session, event_id, endpoint)
    if endpoint is None:
        raise UsageError("give --webhook-endpoint we_...: on a real account Stripe resends an event to one webhook "
                         "endpoint (POST /v1/events/{id}/retry)")
    from urllib.parse import quote

    from stripecli.api.request import ApiRequest

    with session.client() as client:
        client.send(ApiRequest("POST", f"/v1/events/{quote(event_id, safe='')}/retry", {"webhook_endpoint": endpoint}))
    session.env.stderr.write(f"resent {event_id} to {endpoint}\n")
    return 0


def _resend_local(session: Any, event_id: str, endpoint_id: str | None) -> int:
    from stripecli import exit_codes
    from stripecli.emulator import deliveries, events, resends
    from stripecli.emulator.store import Store, default_data_dir

    err = session.env.stderr
    store = Store(default_data_dir())
    try:
        event = events.get_event(store, event_id)
        if event is None:
            raise CliError(f"No such event: '{event_id}'", exit_codes.NOT_FOUND)
        if endpoint_id is not None:
            row = store.get(endpoint_id)
            if row is None or row.type != "webhook_endpoint":
                raise CliError(f"No such webhook endpoint: '{endpoint_id}'", exit_codes.NOT_FOUND)
            targets = [row.data]
            if not deliveries.matches(row.data, event["type"]):
                state = "disabled" if row.data.get("status") != "enabled" else f"not subscribed to {event['type']}"
                raise UsageError(f"invalid value for --webhook-endpoint: {endpoint_id} is {state}")
        else:
            targets = [r.data for r in store.scan(["webhook_endpoint"]) if deliveries.matches(r.data, event["type"])]
        with store.write():
            deliveries.enqueue(store, event, targets)
        for target in targets:
            err.write(f"{event_id} ({event['type']}) queued for {target['id']} ({target.get('url')})\n")
        if endpoint_id is None:
            resends.request(store, event_id)
            err.write(f"{event_id} ({event['type']}) queued for every running stripecli listen --local\n")
        if targets:
            sent = deliveries.drain(store)
            err.write(f"{sent} delivery attempt{'s' if sent != 1 else ''} made now; see stripecli emulator deliveries "
                      f"{event_id}\n")
    finally:
        store.close()
    return 0


def resend_command() -> click.Command:
    from stripecli.surface.options import global_options

    options = [o for o in global_options(paging=False, post=False, data=False)
               if o.name not in ("g_dry_run", "g_fields", "g_output")]
    return ModelCommand(
        name="resend",
        params=[
            PathArgument("event", "EVENT", "The event to deliver again (evt_...)."),
            TyperOption(param_decls=["--webhook-endpoint", "webhook_endpoint"], metavar="we_...",
                        rich_help_panel="Parameters",
                        help="Only to this webhook endpoint (required on a real account)."),
            *options,
        ],
        callback=_resend,
        help="Deliver an existing event again.\n\nOn the emulator (--local): to --webhook-endpoint, or else to every "
             "enabled endpoint subscribed to the event's type and to every running stripecli listen --local. On a "
             "real account: to --webhook-endpoint, through POST /v1/events/{id}/retry.",
        short_help=escape("Deliver an event again: to a webhook endpoint, or (--local) to a running listen."),
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def extend(group: click.Group) -> None:
    """Called by the surface when the events resource is built."""
    group.commands["resend"] = resend_command()
