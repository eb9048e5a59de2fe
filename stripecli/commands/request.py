"""``stripecli request METHOD PATH``: any endpoint, with the same auth, retries, errors and output."""

from __future__ import annotations

from typing import Any

import click
from stripecli.surface.build import ModelCommand, PathArgument
from stripecli.surface.options import GlobalOptions, global_options

METHODS = ("GET", "POST", "DELETE")


def _run(**kwargs: Any) -> int:
    from stripecli import session as sessions
    from stripecli.api.request import ApiRequest
    from stripecli.errors import UsageError
    from stripecli.runner import execute
    from stripecli.surface.request import extra_params

    session = sessions.for_command(GlobalOptions.pop_from(kwargs))
    method = kwargs["method"].upper()
    if method not in METHODS:
        raise UsageError(f"invalid value for METHOD: '{kwargs['method']}' is not one of: GET, POST, DELETE")
    path = kwargs["path"]
    if not path.startswith("/"):
        raise UsageError(f"invalid value for PATH: '{path}' must start with / (for example /v1/balance)")
    if not path.startswith("/v1/") and not path.startswith("/v2/"):
        raise UsageError(f"invalid value for PATH: '{path}' must start with /v1/ or /v2/")
    path = _as_sent(path)
    session.check_output(None)  # -o and the form of --fields before anything else
    req = ApiRequest(method=method, path=path, params=extra_params(session.options))
    returns = "search" if path.rstrip("/").endswith("/search") else ("list" if method == "GET" else "object")
    return execute(session, req, returns, None)


def _as_sent(path: str) -> str:
    """The typed path as it goes on the wire (and as --dry-run shows it): characters a URL cannot
    carry (spaces, non-ASCII) percent-encoded, escapes already typed kept; a dot segment refused."""
    from urllib.parse import quote

    from stripecli.api.request import PathError, check_path
    from stripecli.errors import UsageError

    try:
        check_path(path)
    except PathError as exc:
        raise UsageError(f"invalid value for PATH: {exc}") from None
    return quote(path, safe="/%?=&+,;:@!$'()*-._~")


command = ModelCommand(
    name="request",
    params=[
        PathArgument("method", "METHOD", "GET, POST or DELETE."),
        PathArgument("path", "PATH", "API path such as /v1/customers/cus_123."),
        *global_options(paging=True, post=True),
    ],
    callback=_run,
    help="Send any API request with the same auth, retries, errors and output as every other command.\n\n"
         "Params go in -d key=value (repeatable) or --data-json. --all follows has_more or next_page on list "
         "and search endpoints.",
    short_help="Send any API request: stripecli request GET /v1/balance.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
