"""``stripecli completion``: print or install the shell completion scripts.

The scripts are generated from the command tree by tools/gen_completions.py and shipped as
package data in ``stripecli/completions/``; they complete offline (groups, resources, verbs,
flags, enum values) and read profile names from profiles.toml.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping, Optional

import click
import typer

from stripecli import exit_codes
from stripecli.errors import CliError, UsageError

SHELLS = ("bash", "zsh", "fish", "powershell")
ALIASES = {"pwsh": "powershell", "ps": "powershell", "powershell.exe": "powershell", "pwsh.exe": "powershell"}
FILES = {"bash": "stripecli.bash", "zsh": "_stripecli", "fish": "stripecli.fish", "powershell": "stripecli.ps1"}

app = typer.Typer(
    help="Shell completion scripts: show or install for bash, zsh, fish, PowerShell.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ShellType(click.Choice):
    """One of SHELLS (any case; pwsh means powershell). A bad name is a one-line usage error."""

    name = "shell"

    def __init__(self) -> None:
        super().__init__(SHELLS, case_sensitive=False)

    def get_metavar(self, param: click.Parameter, ctx: Optional[click.Context] = None) -> str:
        return "|".join(SHELLS)

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> str:
        return normalize_shell(str(value), param)


def normalize_shell(value: str, param: Optional[click.Parameter] = None) -> str:
    name = value.strip().lower()
    name = ALIASES.get(name, name)
    if name not in SHELLS:
        label = "SHELL" if param is None or isinstance(param, click.Argument) else "--shell"
        raise UsageError(f"invalid value for {label}: '{value}' is not one of: {', '.join(SHELLS)}")
    return name


def script(shell: str) -> str:
    """The generated completion script for ``shell``, from the installed package."""
    from importlib import resources

    try:
        return resources.files("stripecli").joinpath("completions").joinpath(FILES[shell]).read_text(encoding="utf-8")
    except OSError:
        raise CliError(f"the {shell} completion script is missing from this installation "
                       "(regenerate it with tools/gen_completions.py)") from None


def detect_shell(environ: Mapping[str, str] | None = None) -> str:
    """The user's shell, from $SHELL (or PowerShell's own environment)."""
    environ = os.environ if environ is None else environ
    env = environ.get("SHELL", "")
    name = os.path.basename(env)
    if name.endswith(".exe"):
        name = name[:-4]
    name = ALIASES.get(name.lower(), name.lower())
    if name in SHELLS:
        return name
    if not env and environ.get("PSModulePath"):
        return "powershell"
    shown = f"'{env}'" if env else "unset"
    raise UsageError(f"cannot tell the shell from $SHELL ({shown}): name it, stripecli completion install "
                     f"{'|'.join(SHELLS)}")


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value and os.path.isabs(value) else _home() / default


def target_path(shell: str) -> Path:
    """Where ``shell`` looks for the completion of a command named stripecli."""
    if shell == "bash":
        return _xdg("XDG_DATA_HOME", ".local/share") / "bash-completion" / "completions" / "stripecli"
    if shell == "zsh":
        return _home() / ".zfunc" / "_stripecli"
    if shell == "fish":
        return _xdg("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / "stripecli.fish"
    return _xdg("XDG_CONFIG_HOME", ".config") / "powershell" / "stripecli.ps1"


def _zshrc_mentions_zfunc() -> bool:
    zdotdir = os.environ.get("ZDOTDIR")
    rc = (Path(zdotdir) if zdotdir else _home()) / ".zshrc"
    try:
        return ".zfunc" in rc.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _say(text: str) -> None:
    from stripecli import session

    session.current().say(text)


@app.command()
def show(
    shell: str = typer.Argument(..., metavar="SHELL", click_type=ShellType(),
                                help="bash, zsh, fish or powershell."),
) -> int:
    """Print the completion script for SHELL on stdout."""
    from stripecli import session

    out = session.current().env.stdout
    out.write(script(shell))
    out.flush()
    return exit_codes.OK


@app.command()
def install(
    shell: Optional[str] = typer.Argument(None, metavar="[SHELL]", click_type=ShellType(), show_default=False,
                                          help="bash, zsh, fish or powershell (default: the shell in $SHELL)."),
    shell_flag: Optional[str] = typer.Option(None, "--shell", metavar="SHELL", click_type=ShellType(),
                                             help="The same as the SHELL argument (kept for scripts that use it)."),
) -> int:
    """Write the completion script where SHELL looks for it, and say what was done.

    stripecli completion install bash (or zsh, fish, powershell); with no shell named, the one in
    $SHELL."""
    if shell and shell_flag and shell != shell_flag:
        raise UsageError(f"the shell is given twice, as {shell} and --shell {shell_flag}: give one")
    from stripecli import session

    name = shell or shell_flag or detect_shell(session.current().environ)
    text = script(name)
    path = target_path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
    _say(f"Wrote the {name} completion script to {path}")
    if name == "bash":
        _say("bash-completion loads it in new shells. Without the bash-completion package, add this line "
             f"to ~/.bashrc: source '{path}'")
    elif name == "zsh":
        if _zshrc_mentions_zfunc():
            _say("Start a new shell to use it (if it does not show, run: rm -f ~/.zcompdump; compinit).")
        else:
            _say("Add these lines to ~/.zshrc (before any other compinit), then start a new shell:\n"
                 "  fpath+=~/.zfunc\n  autoload -Uz compinit\n  compinit")
    elif name == "fish":
        _say("fish loads it in new shells.")
    else:
        _say(f"Add this line to your PowerShell profile ($PROFILE), then start a new shell:\n  . '{path}'")
    return exit_codes.OK
