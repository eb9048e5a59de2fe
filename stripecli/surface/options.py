"""The cross-cutting flags every API command takes, defined once (as aws-cli does), and their type.

They are added to each generated command and to ``stripecli request``; list and search
commands also get the pagination flags, POST commands ``--idempotency-key``. The ones that say
how to reach the API and how to print (``ROOT_FLAGS``) are also accepted before the command,
``stripecli --local -o id customers list``, with one meaning: the command's own value wins over
the root's (``GlobalOptions.over``).
"""

from __future__ import annotations

from typing import Any

import click
from typer.core import TyperOption

PANEL = "Global options"
PAGING_PANEL = "Pagination"


#: Every global option and its value when not given.
DEFAULTS: dict[str, Any] = {
    "output": None, "fields": None, "dry_run": False, "api_key": None, "profile": None, "live": False,
    "yes": False, "api_base": None, "stripe_version": None, "stripe_account": None, "idempotency_key": None,
    "max_retries": None, "timeout": None, "verbose": False, "no_color": False, "local": False, "data": (),
    "data_json": None, "all": False, "max_items": None,
}


class GlobalOptions:
    """The global options of one command line. A plain class rather than a dataclass: it is
    built on every start, ``--version`` included, and a dataclass costs an import and a code
    generation there (bench/bench_startup.py)."""

    __slots__ = tuple(DEFAULTS)

    output: str | None
    fields: str | None
    dry_run: bool
    api_key: str | None
    profile: str | None
    live: bool
    yes: bool
    api_base: str | None
    stripe_version: str | None
    stripe_account: str | None
    idempotency_key: str | None
    max_retries: int | None
    timeout: float | None
    verbose: bool
    no_color: bool
    local: bool
    data: tuple[str, ...]
    data_json: str | None
    all: bool
    max_items: int | None

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown global options: {', '.join(sorted(unknown))}")
        for name, default in DEFAULTS.items():
            setattr(self, name, values.get(name, default))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GlobalOptions) and all(getattr(self, n) == getattr(other, n) for n in DEFAULTS)

    def __repr__(self) -> str:
        given = ", ".join(f"{n}={getattr(self, n)!r}" for n in DEFAULTS
                          if getattr(self, n) != DEFAULTS[n] and n != "api_key")
        return f"GlobalOptions({given})"

    @classmethod
    def pop_from(cls, kwargs: dict[str, Any]) -> "GlobalOptions":
        return cls(**{k: kwargs.pop(f"g_{k}") for k in DEFAULTS if f"g_{k}" in kwargs})

    def over(self, base: "GlobalOptions") -> "GlobalOptions":
        """These options on top of ``base``: each one given here wins, the rest come from
        ``base`` (a flag is given when it is not None, False or empty)."""
        merged = {}
        for name in DEFAULTS:
            mine = getattr(self, name)
            merged[name] = mine if mine not in (None, False, ()) else getattr(base, name)
        return GlobalOptions(**merged)


class Integer(click.ParamType):
    """An integer flag: ASCII digits within ``low..high`` (``int()`` would take ``٣`` and ``1_000``)."""

    name = "integer"

    def __init__(self, low: int, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from stripecli.surface.values import INT64_MAX, parse_integer

        if not isinstance(value, str):
            return value
        try:
            return parse_integer(value, self.low, INT64_MAX if self.high is None else self.high)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class Seconds(click.ParamType):
    """A duration flag: a finite number of seconds, more than 0 and at most a day."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from stripecli.surface.values import parse_seconds

        if not isinstance(value, str):
            return value
        try:
            return parse_seconds(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class Number(click.ParamType):
    """A decimal flag within ``low..high`` (``values.parse_number``: no ``nan``, ``inf`` or ``٣``)."""

    name = "number"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from stripecli.surface.values import parse_number

        if not isinstance(value, str):
            return value
        try:
            return parse_number(value, self.low, self.high)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _opt(decls: list[str], name: str, help: str, panel: str = PANEL, **kw: Any) -> TyperOption:
    return TyperOption(param_decls=decls + [f"g_{name}"], help=help, rich_help_panel=panel, **kw)


#: The options accepted before the command too (``stripecli --local customers list``).
ROOT_FLAGS = ("output", "fields", "dry_run", "api_key", "profile", "live", "yes", "local", "api_base",
              "stripe_version", "stripe_account", "max_retries", "timeout", "verbose", "no_color")


def root_options() -> list[click.Parameter]:
    """The global options as the root command takes them, under their own help heading."""
    return [o for o in global_options(paging=False, post=False, data=False) if o.name[2:] in ROOT_FLAGS]


def global_options(*, paging: bool, post: bool, data: bool = True) -> list[click.Parameter]:
    opts: list[click.Parameter] = []
    if data:
        opts += [
            _opt(["-d", "--data"], "data", "Extra param as key=value, key[sub]=value or key[0]=value (repeatable; list indices from 0 without gaps, at most 20 levels). Typed flags win.",
                 multiple=True, metavar="KEY=VALUE"),
            _opt(["--data-json"], "data_json", "Extra params as a JSON object, or @file.json. -d and typed flags win.",
                 metavar="JSON"),
        ]
    if paging:
        opts += [
            _opt(["--all"], "all", "Follow pages until the end, streaming each page as it arrives.", PAGING_PANEL, is_flag=True),
            _opt(["--max-items"], "max_items", "Stop after this many objects (implies following pages).", PAGING_PANEL,
                 type=Integer(1), metavar="N"),
        ]
    opts += [
        _opt(["-o", "--output"], "output", "Output format: table, json, jsonl, csv or id. Default: table on a terminal, json otherwise (STRIPECLI_OUTPUT overrides).",
             metavar="FORMAT"),
        _opt(["--fields"], "fields", "Comma-separated fields (a,b.c) for table, csv and jsonl.", metavar="FIELDS"),
        _opt(["--dry-run"], "dry_run", "Print the request as a curl command line (key masked) and send nothing.", is_flag=True),
        _opt(["--api-key"], "api_key", "Secret key for this call (visible to other users of the machine: prefer STRIPE_API_KEY or a profile).", metavar="KEY"),
        _opt(["--profile"], "profile", "Profile to take the key from (default: STRIPE_PROFILE, then the default profile).", metavar="NAME"),
        _opt(["--live"], "live", "Use the profile's live-mode key.", is_flag=True),
        _opt(["--yes", "-y"], "yes", "Do not ask for confirmation in live mode.", is_flag=True),
        _opt(["--local"], "local", "Send the request to the local emulator in-process (no server, no key needed).", is_flag=True),
        _opt(["--api-base"], "api_base", "Base URL instead of https://api.stripe.com (also STRIPE_API_BASE).", metavar="URL"),
        _opt(["--stripe-version"], "stripe_version", "Stripe-Version header (default: the model's API version).", metavar="VERSION"),
        _opt(["--stripe-account"], "stripe_account", "Act as a connected account (Stripe-Account header).", metavar="ACCOUNT"),
    ]
    if post:
        opts.append(_opt(["--idempotency-key"], "idempotency_key", "Idempotency-Key for this POST (default: a fresh uuid4).", metavar="KEY"))
    opts += [
        _opt(["--max-retries"], "max_retries", "Retries on network errors, 409, 429 and 5xx (default 2).", type=Integer(0, 10), metavar="N"),
        _opt(["--timeout"], "timeout", "Read timeout in seconds, more than 0 and at most 86400 (default 80).", type=Seconds(), metavar="SECONDS"),
        _opt(["--verbose", "-v"], "verbose", "Log each request, response and retry on stderr (key masked).", is_flag=True),
        _opt(["--no-color"], "no_color", "No colour (NO_COLOR is honoured too).", is_flag=True),
    ]
    return opts
