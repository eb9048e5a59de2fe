"""The root of the command line: which commands exist, and errors -> exit codes. Nothing else.

The API groups come from the model (``stripecli/model``) and are built only when named; the
hand-written commands are imported only when invoked (or listed by ``--help``).
"""

from __future__ import annotations

import sys
from typing import Any

import click
import typer
from typer.core import TyperGroup

from stripecli import __version__

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

ROOT_HELP = """Operate a Stripe account from the shell.

Every resource of the API is a command: [bold]stripecli GROUP RESOURCE VERB [IDS...] [FLAGS][/bold],
for example [bold]stripecli billing credit-transactions list --customer cus_123[/bold].
Core resources (customers, prices, invoices, payment-intents, events ...) live in [bold]core[/bold] and
also work without it: [bold]stripecli customers list[/bold].
"""


class RootGroup(TyperGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        from stripecli import model

        return list(model.groups()) + sorted(set(HAND_WRITTEN) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name in HAND_WRITTEN:
            import importlib

            module = importlib.import_module(HAND_WRITTEN[name][0])
            cmd = module.command if hasattr(module, "command") else typer.main.get_command(module.app)
            cmd.name = name
            cmd.rich_help_panel = "Commands"  # type: ignore[attr-defined]
            return cmd
        from stripecli import model
        from stripecli.surface.groups import ModelGroup, ResourceGroup

        if name in model.groups():
            group = ModelGroup(name)
            group.rich_help_panel = "API groups"
            return group
        canonical = model.resolve_resource("core", name)
        if canonical is not None:
            info = model.groups()["core"]["resources"][canonical]
            return ResourceGroup("core", canonical, info, hidden=True)
        return None


def _version(value: bool) -> None:
    if value:
        from stripecli.model import api_version

        typer.echo(f"stripecli {__version__} (Stripe API {api_version()})")
        raise typer.Exit(0)


app = typer.Typer(
    cls=RootGroup,
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
            import difflib
            import re

            m = re.search(r"'([^']*)'", message)
            choices = exc.ctx.command.list_commands(exc.ctx)
            close = difflib.get_close_matches(m.group(1), choices, n=3) if m else []
            if close:
                message += f" Did you mean {' or '.join(close)}?"
        message += f" (see '{exc.ctx.command_path} --help')"
    return message


def main(argv: list[str] | None = None) -> int:
    from stripecli.redact import clip, redact

    command = typer.main.get_command(app)
    try:
        result: Any = command.main(args=argv, prog_name="stripecli", standalone_mode=False)
    except click.UsageError as exc:
        sys.stderr.write(clip(redact(f"error: {usage_message(exc)}")) + "\n")
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        sys.stderr.write("interrupted\n")
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure ends as one line and an exit code
        code = getattr(exc, "exit_code", None)
        if code is None:
            sys.stderr.write(clip(f"error: unexpected {type(exc).__name__}: {redact(str(exc))}") + "\n")
            return 1
        message = getattr(exc, "message", None) or str(exc)
        one_line = getattr(exc, "one_line", None)
        sys.stderr.write(clip(redact(f"error: {one_line() if callable(one_line) else message}")) + "\n")
        return int(code)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
