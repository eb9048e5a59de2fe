"""The ``--from`` flags every create, update, delete and action command takes (one place)."""

from __future__ import annotations

from typing import Any

import click
from typer.core import TyperOption

from stripecli.surface.options import Integer, Number

PANEL = "Bulk (--from)"
NAMES = ("from", "from_format", "concurrency", "ordered", "skip_invalid", "restart", "rate")


def _opt(decls: list[str], name: str, help: str, **kw: Any) -> TyperOption:
    return TyperOption(param_decls=decls + [f"b_{name}"], help=help, rich_help_panel=PANEL, **kw)


def bulk_options() -> list[click.Parameter]:
    return [
        _opt(["--from"], "from", "Run the command once per line of FILE (- for stdin): JSONL params, CSV with "
             "dot-path headers, or one id per line. Every line is checked first; a re-run resumes. "
             "See docs/scripting.md.", metavar="FILE"),
        _opt(["--from-format"], "from_format", "Input format of --from (default: detected from the first line).",
             type=click.Choice(["jsonl", "csv", "ids"]), metavar="[jsonl|csv|ids]"),
        _opt(["--concurrency"], "concurrency", "Requests in flight at once with --from (default 4).",
             type=Integer(1, 32), metavar="N"),
        _opt(["--ordered"], "ordered", "With --from, print results in input order (default: as they complete).",
             is_flag=True),
        _opt(["--skip-invalid"], "skip_invalid", "With --from, send the valid lines even if some are invalid "
             "(default: send nothing).", is_flag=True),
        _opt(["--restart"], "restart", "With --from, start a new run instead of resuming the last one "
             "(lines done before are sent again).", is_flag=True),
        _opt(["--rate"], "rate", "With --from, at most this many requests per second (default 20 on Stripe, "
             "no limit on the emulator).", type=Number(0.1, 10000), metavar="N"),
    ]


def pop_bulk(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The ``--from`` flags' values, taken out of a command's keyword arguments."""
    return {name: kwargs.pop(f"b_{name}", None) for name in NAMES}


def bulk_given(values: dict[str, Any]) -> list[str]:
    """The ``--from`` companion flags given (they mean nothing without ``--from``)."""
    return ["--" + name.replace("_", "-") for name in NAMES[1:] if values.get(name) not in (None, False)]


def run_from_flags(op: dict, values: dict[str, Any], path_args: list[click.Argument], path_values: list[Any],
                   specs: list, flag_values: list[Any], opts: Any) -> int | None:
    """A verb's callback with its ``--from`` flags: the bulk run's exit code, or ``None`` when
    ``--from`` was not given (then the ids are required arguments, as without bulk flags)."""
    source = values.get("from")
    if source is None:
        companions = bulk_given(values)
        if companions:
            from stripecli.errors import UsageError

            raise UsageError(f"{', '.join(companions)} only work{'s' if len(companions) == 1 else ''} with --from FILE")
        for arg, value in zip(path_args, path_values):
            if value is None:
                raise click.MissingParameter(ctx=click.get_current_context(silent=True), param=arg)
        return None
    if any(value is not None for value in path_values):
        from stripecli.errors import UsageError

        shown = " ".join(str(a.metavar) for a in path_args)
        raise UsageError(f"with --from, the {shown} of each line comes from the input: leave the argument out "
                         "(the flags given apply to every line)")
    if opts.idempotency_key:
        from stripecli.errors import UsageError

        raise UsageError("--idempotency-key cannot be used with --from: each line gets its own key, "
                         "derived from the run and the line")
    from stripecli import session as sessions
    from stripecli.bulk.run import DEFAULT_CONCURRENCY, BulkOptions, run_bulk
    from stripecli.surface.request import build_params

    session = sessions.for_command(opts)
    session.format  # a bad -o is a usage error before anything is read
    base = build_params([], specs, flag_values, session.options)  # required params may come from the lines
    bulk = BulkOptions(
        source=source,
        input_format=values.get("from_format"),
        concurrency=values.get("concurrency") or DEFAULT_CONCURRENCY,
        ordered=bool(values.get("ordered")),
        skip_invalid=bool(values.get("skip_invalid")),
        restart=bool(values.get("restart")),
        rate=values.get("rate"),
    )
    ctx = click.get_current_context(silent=True)
    command = " ".join(ctx.command_path.split()[1:]) if ctx is not None else None
    return run_bulk(op, bulk, base, session, command)
