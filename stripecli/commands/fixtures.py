"""``stripecli fixtures FILE.json``: run a fixture file in the format of Stripe's CLI.

The whole file is checked first (JSON, fields, methods, references, environment variables): a bad
file is one error naming the step, exit 2, and nothing is sent. Steps then run in order; the first
one the API rejects stops the run, and nothing after it is sent.
"""

from __future__ import annotations

import json
from typing import Any

import click
from typer.core import TyperOption

from stripecli.surface.build import ModelCommand, PathArgument
from stripecli.surface.options import GlobalOptions, global_options

# The global options a fixture run uses: where to send and as whom; not output or --dry-run
# (a step's path and params can depend on the responses of the steps before it).
_SKIP = {"g_output", "g_fields", "g_dry_run"}


def connection_options() -> list[click.Parameter]:
    return [o for o in global_options(paging=False, post=False, data=False) if o.name not in _SKIP]


def format_option() -> click.Parameter:
    return TyperOption(param_decls=["--format", "fmt"], type=click.Choice(["text", "json"]), default="text",
                       rich_help_panel="Parameters", metavar="FORMAT",
                       help="text (default: progress on stderr only) or json (the responses by step name on stdout).")


def step_line(result: Any) -> str:
    """``customer   POST /v1/customers  cus_123  [req_...]`` for one step that ran."""
    if result.error is not None:
        outcome = f"expected {result.error.type}"
    else:
        body = result.response or {}
        outcome = str(body.get("id") or body.get("object") or "ok")
    rid = f"  [{result.request_id}]" if result.request_id else ""
    return f"{result.step.name:<24} {result.method:<6} {result.path}  {outcome}{rid}"


def run_fixture(fixture: Any, opts: GlobalOptions, fmt: str, *, confirm: bool = True) -> dict[str, Any]:
    """Check the environment, then run every step; progress on stderr. The results by step name."""
    from stripecli import session as sessions
    from stripecli.fixtures import load, refs, run

    env_values = refs.environment()
    load.check_environment(fixture, env_values)
    session = sessions.for_command(opts)
    env, opts = session.env, session.options
    creds = session.credentials()
    if confirm and creds.live:
        from stripecli.api.request import ApiRequest
        from stripecli.credentials import confirm_live

        first = fixture.steps[0]
        confirm_live(creds, ApiRequest("POST", f"fixture {fixture.source} ({len(fixture.steps)} steps, first: "
                                               f"{first.method} {first.path})"), opts, env)

    def progress(result: Any) -> None:
        env.stderr.write(step_line(result) + "\n")
        env.stderr.flush()

    with session.client() as client:
        results = run.run(fixture, client, env_values, on_step=progress)
    if fmt == "json":
        out = {name: (r.response if r.error is None else {"error": getattr(r.error, "json_body", None)})
               for name, r in results.items()}
        env.stdout.write(json.dumps(out, indent=2) + "\n")
        env.stdout.flush()
    return results


def _run(**kwargs: Any) -> int:
    from stripecli.fixtures import load

    path = kwargs.pop("file")
    fmt = kwargs.pop("fmt")
    opts = GlobalOptions.pop_from(kwargs)
    fixture = load.load_file(path)
    run_fixture(fixture, opts, fmt)
    return 0


command = ModelCommand(
    name="fixtures",
    params=[PathArgument("file", "FILE", "A fixture file (JSON, the format of Stripe's CLI)."), format_option(),
            *connection_options()],
    callback=_run,
    help="Run a fixture file: a sequence of API calls in the JSON format of Stripe's CLI.\n\n"
         "{\"_meta\": {\"template_version\": 0}, \"fixtures\": [{\"name\": \"customer\", \"path\": \"/v1/customers\", "
         "\"method\": \"post\", \"params\": {\"email\": \"a@example.com\"}}]}\n\n"
         "Values may refer to an earlier step's response, ${customer:id} or ${sub:items.data.0.id}, and to the "
         "environment, ${.env:NAME} or ${.env:NAME|default} (a .env file in the current directory is read too). "
         "The whole file is checked before anything is sent (exit 2 naming the step); the first step the API "
         "rejects stops the run and nothing after it is sent. Each step is one line on stderr.",
    short_help="Run a fixture file (Stripe CLI's JSON format) of API calls.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
