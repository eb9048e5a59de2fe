"""The root of the command line: which commands exist, the global options, errors -> exit codes.

The API groups come from the model (``stripecli/model``) and are built only when named; the
hand-written commands are imported only when invoked (or listed by ``--help``). ``main(argv,
env=None)`` makes the run's ``Session`` (stripecli/session.py), which every command goes through.
"""

from __future__ import annotations

from typing import Any

import click
import typer
from typer.core import TyperGroup

from stripecli import __version__, exit_codes

# name -> (module, help). Each module exposes a Typer app named ``app``.
HAND_WRITTEN: dict[str, tuple[str, str]] = {
    "request": ("stripecli.commands.request", "Send any API request: stripecli request GET /v1/balance."),
    "help": ("stripecli.commands.help", "Help topics: exit-codes, output, timestamps."),
    "emulator": ("stripecli.commands.emulator", "Run, serve or reset the local Stripe emulator."),
    "auth": ("stripecli.commands.auth", "Log in, list and switch profiles (keys in the OS keyring)."),
    "completion": ("stripecli.commands.completion", "Shell completion scripts: show or install for bash, zsh, fish, PowerShell."),
    "fixtures": ("stripecli.commands.fixtures", "Run a fixture file (Stripe CLI's JSON format) of API calls."),
    "listen": ("stripecli.commands.listen", "Forward events, signed, to local URLs (webhooks without a public endpoint)."),
    "logs": ("stripecli.commands.logs", "Tail the local emulator's request log: stripecli logs tail --local."),
    "trigger": ("stripecli.commands.trigger", "Make Stripe emit an event: stripecli trigger payment_intent.succeeded."),
}

ROOT_HELP = (
    "Operate a Stripe account from the shell: [bold]stripecli GROUP RESOURCE VERB [IDS...] [FLAGS][/bold], such as "
    "[bold]stripecli billing credit-transactions list --customer cus_123[/bold]. Core resources, and every "
    "resource whose name is unique, answer at the root too: [bold]stripecli customers list[/bold], "
    "[bold]stripecli subscriptions list[/bold].\n\n"
    "No key yet? [bold]--local[/bold] (or [bold]STRIPE_PROFILE=local[/bold]) runs any command on the local "
    "emulator: [bold]stripecli --local customers create --email a@example.com[/bold]."
)

#: The help heading of the global options at the root, and its rows: the options in groups.
ROOT_PANEL = "Global options: before or after the command (the command's own wins)"
ROOT_ROWS = (
    ("where", "--local (the emulator, no key)  --profile NAME  --api-key KEY  --live  --api-base URL"),
    ("output", "-o/--output table|json|jsonl|csv|id  --fields A,B.C  --no-color  -v/--verbose"),
    ("sending", "--dry-run  -y/--yes  --stripe-account ACCT  --stripe-version V  --timeout S  --max-retries N"),
    ("and", "--version  -h/--help     variables: STRIPE_PROFILE, STRIPE_API_KEY, STRIPE_API_BASE, STRIPECLI_OUTPUT"),
)


class RootGroup(TyperGroup):
    _listing_rows = False

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.hidden = self._listing_rows
        return option

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Typer's help, then the root's options as a few grouped rows (ROOT_ROWS): one screen in
        all (each option's own help is in every command's --help). The options are hidden only
        while the help is drawn, so completions and the reference still list them."""
        options = [p for p in self.params if isinstance(p, click.Option) and not p.hidden]
        self._listing_rows = True
        for option in options:
            option.hidden = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing_rows = False
            for option in options:
                option.hidden = False
        if self.rich_markup_mode is None:  # pragma: no cover - the app always uses rich
            return
        from rich.panel import Panel
        from rich.table import Table
        from typer import rich_utils

        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(style=rich_utils.STYLE_OPTION)
        for flags, text in ROOT_ROWS:
            table.add_row(flags, text)
        rich_utils._get_rich_console().print(Panel(
            table, title=ROOT_PANEL, title_align=rich_utils.ALIGN_OPTIONS_PANEL,
            border_style=rich_utils.STYLE_OPTIONS_PANEL_BORDER))

    def list_commands(self, ctx: click.Context) -> list[str]:
        from stripecli import model

        return list(model.groups()) + sorted(set(HAND_WRITTEN) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name in HAND_WRITTEN:
            if self._listing_rows:  # a line of the root help: its text, without importing the module
                line = click.Command(name, help=HAND_WRITTEN[name][1], short_help=HAND_WRITTEN[name][1])
                line.rich_help_panel = "Commands"  # type: ignore[attr-defined]
                return line
            import importlib

            module = importlib.import_module(HAND_WRITTEN[name][0])
            cmd = module.command if hasattr(module, "command") else typer.main.get_command(module.app)
            cmd.name = name
            cmd.rich_help_panel = "Commands"  # type: ignore[attr-defined]
            return cmd
        from stripecli import model
        from stripecli.surface.groups import ModelGroup, ResourceGroup

        if name in model.groups():
            group = ModelGroup(name, listing_only=self._listing_rows)
            group.rich_help_panel = "API groups"
            return group
        canonical = model.resolve_resource("core", name)
        if canonical is not None:
            info = model.groups()["core"]["resources"][canonical]
            return ResourceGroup("core", canonical, info, hidden=True)
        from stripecli.surface.names import root_resource

        home = root_resource(name)  # a resource only one group has: billing subscriptions
        if home is not None:
            group, canonical = home
            return ResourceGroup(group, canonical, model.groups()[group]["resources"][canonical], hidden=True)
        return None

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Hidden names -> the command path they stand for: core resources and every resource
        whose name is unique across groups."""
        from stripecli import model
        from stripecli.surface.names import root_resources

        taken = set(self.list_commands(click.Context(self)))
        out: dict[str, tuple[str, ...]] = {}
        core = model.groups().get("core", {}).get("resources", {})
        for canonical, info in core.items():
            for name in (canonical, *info.get("aliases", ())):
                out.setdefault(name, ("core", canonical))
        for name, (group, canonical) in root_resources().items():
            out.setdefault(name, (group, canonical))
        return {name: path for name, path in out.items() if name not in taken}


def _version(value: bool) -> None:
    if value:
        from stripecli.model import api_version

        typer.echo(f"stripecli {__version__} (Stripe API {api_version()})")
        raise typer.Exit(exit_codes.OK)


app = typer.Typer(
    cls=RootGroup,
    options_metavar="[GLOBAL OPTIONS]",
    name="stripecli",
    help=ROOT_HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", help="Print the version and the Stripe API version, then exit.",
                                 is_eager=True, callback=_version),
) -> None:
    pass


def root_command() -> click.Group:
    """The root click group: the Typer app above plus the global options (surface/options.py),
    which it hands to the run's session before the command runs."""
    from stripecli.surface.options import GlobalOptions, root_options

    command = typer.main.get_command(app)
    assert isinstance(command, click.Group)
    command.params.extend(root_options())
    inner = command.callback

    def callback(**kwargs: Any) -> Any:
        from stripecli import session

        session.current().root = GlobalOptions.pop_from(kwargs)
        return inner(**kwargs) if inner is not None else None

    command.callback = callback
    return command


def _one_line(text: str) -> str:
    return " ".join(text.split())


def usage_message(exc: click.UsageError) -> str:
    """Click's usage errors as one line that names the flag and what it accepts."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        param = exc.param
        if isinstance(param, click.Argument):
            name = (param.metavar or param.name or "").upper()
            return f"missing argument {name} (see '{exc.ctx.command_path} --help')" if exc.ctx else f"missing argument {name}"
        return _one_line(f"missing option {'/'.join(getattr(param, 'opts', []))}")
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        param = exc.param
        if isinstance(param, click.Argument):
            name = (param.metavar or param.name or "").upper()
        else:
            name = "/".join(getattr(param, "opts", []) or [param.name or ""])
        return _one_line(f"invalid value for {name}: {exc.message}")
    message = _one_line(exc.format_message())
    if message.startswith("Got unexpected extra argument"):  # "unexpected" is kept for real bugs
        message = "too many arguments: " + message.split("(", 1)[-1].rstrip(")")
    if exc.ctx is not None:
        if message.startswith("No such command") and isinstance(exc.ctx.command, click.Group):
            import re

            from stripecli.surface.names import unknown_command_hint

            m = re.search(r"'([^']*)'", message)
            hint = unknown_command_hint(exc.ctx.command, exc.ctx, m.group(1)) if m else None
            if hint:
                message += f" {hint}"
        message += f" (see '{exc.ctx.command_path} --help')"
    return message


def main(argv: list[str] | None = None, env: Any = None) -> int:
    """Run stripecli with ``argv`` (default: the process's) in ``env`` (an
    ``output.env.Environment``; default: the process's streams and variables). Returns the exit
    code (stripecli/exit_codes.py)."""
    from stripecli import exit_codes
    from stripecli.errors import CliError
    from stripecli.redact import clip, redact
    from stripecli.session import Session

    session = Session(env)
    command = root_command()
    with session.streams():
        try:
            result: Any = command.main(args=argv, prog_name="stripecli", standalone_mode=False, obj=session)
        except click.UsageError as exc:
            session.say(clip(redact(f"error: {usage_message(exc)}")))
            return exit_codes.USAGE
        except click.exceptions.Exit as exc:
            return exc.exit_code
        except (click.Abort, KeyboardInterrupt):
            session.say("interrupted")
            return exit_codes.INTERRUPTED
        except CliError as exc:
            return session.render_error(exc)
        except Exception as exc:  # noqa: BLE001 - every failure ends as one line and an exit code
            session.say(clip(f"error: unexpected {type(exc).__name__}: {redact(str(exc))}"))
            return exit_codes.API_ERROR
    return result if isinstance(result, int) else exit_codes.OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
