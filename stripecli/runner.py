"""Runs one API request through the command session: client, dry run, live-mode guard, output.

Shared by every generated command, ``stripecli request`` and the hand-written commands that send
one request. Heavy modules (httpx, rich, the emulator) are imported inside the functions, so that
printing help never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stripecli import exit_codes
from stripecli.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.api.request import ApiRequest
    from stripecli.model.shapes import Operation
    from stripecli.session import Session
    from stripecli.surface.options import GlobalOptions
    from stripecli.surface.params import FlagSpec

MUTATING = ("POST", "DELETE")
#: Page size when following pages: fewer round trips than the API's default of 10.
FULL_PAGE = 100


def run_operation(op: Operation, path_values: list[str], specs: list[FlagSpec], values: list[Any],
                  opts: GlobalOptions) -> int:
    """A generated verb: its flags become a request, sent and rendered."""
    from stripecli import session as sessions
    from stripecli.surface.request import operation_request

    session = sessions.for_command(opts)
    session.check_output(op.get("object"), op.get("returns", "object"))  # -o and --fields before anything else
    req = operation_request(op, path_values, specs, values, session.options)
    return execute(session, req, op.get("returns", "object"), op.get("object"))


def execute(session: Session, req: ApiRequest, returns: str, object_type: str | None) -> int:
    """Send ``req`` (or print it with --dry-run) and render the response as the session says."""
    from dataclasses import replace

    from stripecli.api.errors import StripeError

    opts = session.options
    client = session.client()
    if opts.stripe_version:
        req = replace(req, stripe_version=opts.stripe_version)
    paging = returns in ("list", "search") and bool(opts.all or opts.max_items)
    if paging and "limit" not in req.params:
        limit = min(FULL_PAGE, opts.max_items) if opts.max_items else FULL_PAGE
        req = replace(req, params={**req.params, "limit": limit})
    if opts.dry_run:
        return session.dry_run(client, req)
    if req.method in MUTATING:
        session.confirm(req)
    renderer = session.renderer(object_type)
    pager = None
    try:
        with client:
            if paging:
                pager = client.paginate(req, max_items=opts.max_items)
                renderer.stream(pager)
            elif returns == "binary":
                from stripecli.output.render import write_binary

                try:
                    write_binary(session.env, client.send_bytes(req), "the response (a PDF)")
                except ValueError as exc:
                    raise UsageError(str(exc)) from None
            else:
                body = client.send(req)
                if returns in ("list", "search"):
                    renderer.list_page(body)
                else:
                    renderer.object(body)
        return exit_codes.OK
    except StripeError as err:
        code = session.render_error(err)
        _resume_hint(session, pager)
        return code
    except KeyboardInterrupt:
        session.say("interrupted")
        _resume_hint(session, pager)
        return exit_codes.INTERRUPTED


def _resume_hint(session: Session, pager: Any) -> None:
    if pager is not None:
        from stripecli.output.errors import render_resume_hint

        render_resume_hint(session.env, getattr(pager, "cursor", None))
