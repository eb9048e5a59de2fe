"""Build one verb command (a click command under Typer's help formatting) from an operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from typer.core import TyperOption

from stripecli.surface.options import GlobalOptions, global_options
from stripecli.surface.params import FlagSpec, convert_value, describe_type, flag_specs

if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.model.shapes import Operation

PARAMS_PANEL = "Parameters"


def escape(text: str) -> str:
    """For text shown by the (rich-markup) group listings: square brackets stay literal."""
    return text.replace("[", "\\[")


class ModelCommand(click.Command):
    """A generated verb. Its help is plain text, sectioned by panel (Parameters, Pagination,
    Global options): commands with a hundred flags print in a few milliseconds this way, where a
    rich table per flag costs tens (see bench/bench_startup.py)."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        panels: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            panel = getattr(param, "rich_help_panel", None) or "Options"
            panels.setdefault(panel, []).append(record)
        for panel, rows in panels.items():
            with formatter.section(panel):
                formatter.write_dl(rows)


class ValueType(click.ParamType):
    """Checks a flag's value against its param record (type, enum values, timestamp forms)."""

    def __init__(self, spec: FlagSpec):
        self.spec = spec
        self.name = describe_type(spec.item)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return convert_value(self.spec, value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx, param, incomplete):  # pragma: no cover - exercised by shells
        from click.shell_completion import CompletionItem

        values = self.spec.item.get("values") or []
        return [CompletionItem(v) for v in values if v.startswith(incomplete)]


def _metavar(spec: FlagSpec) -> str:
    item = spec.item
    t = item.get("type", "string")
    if spec.kind == "map":
        return "KEY=VALUE"
    if spec.kind in ("json", "jsonlist"):
        return "JSON"
    if t == "enum":
        values = item.get("values", [])
        return "[" + "|".join(values) + "]" if len(values) <= 8 else "ENUM"
    return {"timestamp": "TIME", "integer": "INTEGER", "number": "NUMBER"}.get(t, "TEXT")


def _help(spec: FlagSpec) -> str:
    p = spec.param
    parts = [p.get("description", "").rstrip()]
    item = spec.item
    if item.get("type") == "enum" and len(item.get("values", [])) > 8:
        parts.append("One of: " + ", ".join(item["values"]) + ".")
    if item.get("type") == "timestamp":
        parts.append("Unix seconds, ISO-8601, now, or +30d/-2h.")
    if spec.kind in ("map", "list"):
        parts.append("Repeatable.")
    elif spec.kind == "jsonlist":
        parts.append("Repeatable, one object each, or one JSON array of objects.")
    if p.get("emptyable"):
        parts.append("'' unsets it.")
    if p.get("required") and len(spec.dest) == 1:
        parts.append("[required]")
    return " ".join(x for x in parts if x)


def param_options(specs: list[FlagSpec]) -> list[click.Parameter]:
    out: list[click.Parameter] = []
    for i, spec in enumerate(specs):
        decls = [spec.flag]
        if spec.dest == ("expand",):
            decls.insert(0, "-e")
        name = f"p_{i}"
        if spec.kind == "bool":
            out.append(TyperOption(param_decls=[f"{spec.flag}/--no-{spec.flag[2:]}", name], default=None,
                                   help=_help(spec), rich_help_panel=PARAMS_PANEL))
            continue
        out.append(TyperOption(
            param_decls=decls + [name],
            type=ValueType(spec),
            multiple=spec.kind in ("list", "jsonlist", "map"),
            metavar=_metavar(spec),
            help=_help(spec),
            rich_help_panel=PARAMS_PANEL,
        ))
    return out


def operation_help(op: Operation) -> str:
    lines = [op.get("summary") or op["verb"]]
    marks = []
    if op.get("test_helper"):
        marks.append("Test mode only.")
    if op.get("preview"):
        marks.append(f"Preview: sent with Stripe-Version {op.get('stripe_version')}.")
    if op.get("legacy"):
        marks.append(f"Legacy: sent with Stripe-Version {op.get('stripe_version')}.")
    if marks:
        lines.append(" ".join(marks))
    lines.append(f"{op['method']} {op['path']}")
    return "\n\n".join(lines)


def short_help(op: Operation) -> str:
    text = op.get("summary") or op["verb"]
    if op.get("test_helper"):
        text = "[test mode only] " + text
    elif op.get("preview"):
        text = "[preview] " + text
    elif op.get("legacy"):
        text = "[legacy] " + text
    return text


def build_command(name: str, op: Operation) -> click.Command:
    specs = flag_specs(op.get("params", []))
    bulk = op["method"] in ("POST", "DELETE")  # creates, updates, deletes, actions take --from
    path_args = [
        PathArgument(f"path_{i}", pp["metavar"], f"The {pp['name']} in {op['path']}.", required=not bulk)
        for i, pp in enumerate(op.get("path_params", []))
    ]
    paging = op.get("returns") in ("list", "search")
    params: list[click.Parameter] = list(path_args)
    params += param_options(specs)
    params += global_options(paging=paging, post=op["method"] == "POST")
    if bulk:
        from stripecli.bulk.options import bulk_options

        params += bulk_options()

    def callback(**kwargs: Any) -> int:
        from stripecli.runner import run_operation

        bulk_values = None
        if bulk:
            from stripecli.bulk.options import pop_bulk

            bulk_values = pop_bulk(kwargs)
        opts = GlobalOptions.pop_from(kwargs)
        path_values = [kwargs.pop(f"path_{i}") for i in range(len(path_args))]
        values = [kwargs.pop(f"p_{i}") for i in range(len(specs))]
        if bulk_values is not None:
            from stripecli.bulk.options import run_from_flags

            handled = run_from_flags(op, bulk_values, path_args, path_values, specs, values, opts)
            if handled is not None:
                return handled
        return run_operation(op, path_values, specs, values, opts)

    return ModelCommand(
        name=name,
        params=params,
        callback=callback,
        help=operation_help(op),
        short_help=escape(short_help(op)),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    )


class PathArgument(click.Argument):
    """A positional path parameter that shows up in help with its description."""

    def __init__(self, name: str, metavar: str, help_text: str, required: bool = True):
        super().__init__([name], metavar=metavar, required=required)
        self.help = help_text

    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        return self.metavar or self.name or "", self.help
