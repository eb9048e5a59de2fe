"""Runs one API command: params -> request -> client -> output, and maps failures to exit codes.

Shared by every generated command and by ``stripecli request``. Heavy modules (httpx, rich, the
emulator) are imported here, inside the functions, so that printing help never loads them.
"""

from __future__ import annotations

import os
from typing import Any

from stripecli.errors import UsageError
from stripecli.surface.common import GlobalOptions

MUTATING = ("POST", "DELETE")


def build_params(op: dict, specs: list, values: list, opts: GlobalOptions) -> dict[str, Any]:
    """Merge ``--data-json`` < ``-d`` < typed flags, then check what is required."""
    from stripecli.surface.params import collect, missing_required
    from stripecli.surface.values import deep_merge, parse_data_json, parse_data_pair, set_path, shape_lists

    merged: dict[str, Any] = {}
    if opts.data_json is not None:
        try:
            merged = parse_data_json(opts.data_json)
        except ValueError as exc:
            raise UsageError(f"invalid value for --data-json: {exc}") from None
    if opts.data:
        pairs: dict[str, Any] = {}
        try:
            for text in opts.data:
                path, value = parse_data_pair(text)
                set_path(pairs, path, value)
            pairs = shape_lists(pairs, op.get("params", []))
        except ValueError as exc:
            raise UsageError(f"invalid value for -d/--data: {exc}") from None
        merged = deep_merge(merged, pairs)
    try:
        merged = deep_merge(merged, collect(specs, values))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    missing = missing_required(op.get("params", []), merged)
    if missing:
        raise UsageError(f"missing required {missing}: give the flag, -d or --data-json")
    return merged


def fill_path(op: dict, values: list[str]) -> str:
    """The operation's path with its ids filled in (``stripecli.api.request.fill_path``); an empty
    or dots-only id is a usage error naming the argument."""
    from stripecli.api.request import PathError, fill_path as fill

    names = [pp.get("metavar") or pp["name"].upper() for pp in op.get("path_params", [])]
    try:
        return fill(op["path"], values, names)
    except PathError as exc:
        raise UsageError(str(exc)) from None


def run_operation(op: dict, path_values: list[str], specs: list, values: list, opts: GlobalOptions) -> int:
    from stripecli.api.request import ApiRequest

    env, fmt = output_setup(opts)
    params = build_params(op, specs, values, opts)
    req = ApiRequest(
        method=op["method"],
        path=fill_path(op, path_values),
        params=params,
        stripe_version=op.get("stripe_version"),
        base=op.get("base", "api"),
        headers=op.get("headers", {}),
    )
    return execute(req, op.get("returns", "object"), op.get("object"), opts, env, fmt)


def output_setup(opts: GlobalOptions):
    from stripecli.output.env import Environment
    from stripecli.output.render import resolve_format

    env = Environment.from_system(no_color_flag=opts.no_color)
    try:
        fmt = resolve_format(opts.output, env)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return env, fmt


def client_config(opts: GlobalOptions, env, *, require_key: bool = True):
    """Key, base URL and transport for this call: flags, then environment, then the profile."""
    from stripecli import __version__
    from stripecli.api.client import ClientConfig
    from stripecli.credentials import resolve_credentials
    from stripecli.model import api_version
    from stripecli.redact import redact

    transport = None
    if opts.local or (opts.profile or os.environ.get("STRIPE_PROFILE")) == "local":
        from stripecli.emulator.transport import local_transport

        transport = local_transport()
        creds = resolve_credentials(opts, env, local=True)
    else:
        creds = resolve_credentials(opts, env, required=require_key)
    log = None
    if opts.verbose:
        keys = [creds.key] if creds.key else []

        def log(line: str) -> None:
            env.stderr.write(redact(line, *keys) + "\n")
            env.stderr.flush()

    return creds, ClientConfig(
        api_key=creds.key,
        api_base=opts.api_base or os.environ.get("STRIPE_API_BASE") or creds.api_base,
        stripe_version=opts.stripe_version or api_version(),
        stripe_account=opts.stripe_account,
        max_retries=2 if opts.max_retries is None else opts.max_retries,
        timeout=opts.timeout,
        idempotency_key=opts.idempotency_key,
        log=log,
        transport=transport,
        user_agent_version=__version__,
    )


def execute(req, returns: str, object_type: str | None, opts: GlobalOptions, env, fmt: str) -> int:
    from stripecli.api.client import StripeClient
    from stripecli.api.errors import StripeError
    from stripecli.output.render import Renderer, render_error, render_resume_hint
    from stripecli.redact import mask_key

    creds, config = client_config(opts, env)
    if opts.stripe_version:
        req = _with_version(req, opts.stripe_version)
    client = StripeClient(config)
    paging = returns in ("list", "search") and bool(opts.all or opts.max_items)
    if paging and "limit" not in req.params:  # full pages: fewer round trips than the API's 10
        from dataclasses import replace

        limit = min(100, opts.max_items) if opts.max_items else 100
        req = replace(req, params={**req.params, "limit": limit})
    if opts.dry_run:
        prepared = client.prepare(req)
        env.stdout.write(prepared.to_curl(mask_key(config.api_key) if config.api_key else "$STRIPE_API_KEY") + "\n")
        env.stdout.flush()
        return 0
    if req.method in MUTATING:
        from stripecli.credentials import confirm_live

        confirm_live(creds, req, opts, env)
    fields = [f.strip() for f in opts.fields.split(",") if f.strip()] if opts.fields else None
    renderer = Renderer(env, fmt, fields, object_type)
    pager = None
    try:
        with client:
            if paging:
                pager = client.paginate(req, max_items=opts.max_items)
                renderer.stream(pager)
            elif returns == "binary":
                from stripecli.output.render import write_binary

                try:
                    write_binary(env, client.send_bytes(req), "the response (a PDF)")
                except ValueError as exc:
                    raise UsageError(str(exc)) from None
            else:
                body = client.send(req)
                if returns in ("list", "search"):
                    renderer.list_page(body)
                else:
                    renderer.object(body)
        return 0
    except StripeError as err:
        render_error(env, error_format(opts, fmt), err, *([config.api_key] if config.api_key else []))
        if pager is not None:
            render_resume_hint(env, getattr(pager, "cursor", None))
        return err.exit_code
    except KeyboardInterrupt:
        env.stderr.write("interrupted\n")
        if pager is not None:
            render_resume_hint(env, getattr(pager, "cursor", None))
        return 130


def error_format(opts: GlobalOptions, fmt: str) -> str:
    """Errors are JSON on stderr only when JSON output was asked for (-o or STRIPECLI_OUTPUT);
    the pipe default stays one readable line, so ``stripecli ... | jq`` shows a plain error."""
    chosen = opts.output or os.environ.get("STRIPECLI_OUTPUT")
    return fmt if chosen else "table"


def _with_version(req, version: str):
    from dataclasses import replace

    return replace(req, stripe_version=version)
