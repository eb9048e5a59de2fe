#!/usr/bin/env python3
"""Write the shell completion scripts from the command tree.

    python tools/gen_completions.py            # writes stripecli/completions/ and completions/
    python tools/gen_completions.py --out DIR  # writes the four scripts into DIR only

The tree is read the way the CLI itself reads it: the root group's ``list_commands`` and
``get_command`` (the model groups, resources and verbs, and every hand-written command in
``stripecli.cli.HAND_WRITTEN``), walked with click introspection, so the flags in the scripts are
exactly the flags the CLI accepts. Names that work but are not listed (core resources at the root,
resource aliases, ``billing test-clocks``) are added from the model.

Each script embeds the tree as static data, so completing is offline and fast:

- children:  command path -> the subcommands listed at that path ("." is the root);
- hidden:    command path -> names that work there but are only offered once a prefix is typed;
- alias:     "path name" -> the canonical command path the name stands for;
- leaf:      command path -> "G P TOKENS...", where G numbers a shared set of global flags
  (0 = none), P describes the positional arguments ("." none; else comma-separated entries,
  each "-" (no completion), "p" (profile names) or a value-set number, "*" = repeats), and each
  TOKEN is a flag: "--flag" takes no value, "--flag=" takes one, "--flag=N" takes one of value
  set N, "--flag=p" takes a profile name;
- globals:   number -> the tokens of one global flag set;
- values:    number -> the values of one enum (shared by every flag with the same values);
- desc:      command path -> one-line description (zsh, fish and PowerShell show them).

The canonical scripts live in ``stripecli/completions/`` (package data, for ``stripecli completion
show/install``); ``completions/`` at the repo root holds identical copies. Both are checked by
tests/completions/test_stale.py.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import click  # noqa: E402

FILES = {
    "bash": "stripecli.bash",
    "zsh": "_stripecli",
    "fish": "stripecli.fish",
    "powershell": "stripecli.ps1",
}
PACKAGE_DIR = ROOT / "stripecli" / "completions"

ROOT_KEY = "."
HELP_TOKENS = ["-h", "--help"]
# Positional arguments that take a profile name (completed from profiles.toml).
PROFILE_POSITIONALS = {("auth", "switch")}
DESC_LIMIT = 90


# --------------------------------------------------------------------------- the tree


@dataclass
class Node:
    """One command of the tree: a group (with children) or a leaf (with flags)."""

    path: tuple[str, ...]
    command: click.Command
    description: str
    is_group: bool
    children: list[str] = field(default_factory=list)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # hidden name -> target path
    op: dict | None = None                 # the model operation of a generated verb
    model_ref: tuple[str, str] | None = None  # (model group, resource) of a resource group / verb
    ctx: click.Context | None = None


def root_command() -> click.Group:
    from stripecli import cli

    return cli.root_command()


_MARKUP = re.compile(r"(?<!\\)\[/?(?:bold|dim|italic|underline|reverse|strike|b|i|u|s|red|green|yellow|blue|"
                     r"cyan|magenta|white|black|link)(?:[ =][^\]]*)?\]")


def plain(text: str) -> str:
    """Help text without rich markup or its escapes, on one line."""
    text = _MARKUP.sub("", text or "").replace("\\[", "[")
    return " ".join(text.split())


def ascii_text(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2026", "...")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def short_description(cmd: click.Command) -> str:
    text = cmd.short_help or ""
    if not text and cmd.help:
        text = cmd.help.split("\n\n")[0]
    return plain(text)


def completion_description(text: str) -> str:
    """A description short enough for a completion menu, in ASCII (PowerShell 5 reads scripts as ANSI)."""
    text = ascii_text(text)
    if len(text) > DESC_LIMIT:
        text = text[: DESC_LIMIT - 3].rstrip() + "..."
    return text


def _is_help(param: click.Parameter) -> bool:
    return (isinstance(param, click.Option) and not param.expose_value and param.is_eager
            and set(param.opts) <= set(HELP_TOKENS))


def _get(group: click.Group, ctx: click.Context, name: str) -> click.Command | None:
    try:
        return group.get_command(ctx, name)
    except ImportError as exc:  # a hand-written command registered before its module exists
        sys.stderr.write(f"gen: skipping '{name}': {exc}\n")
        return None


def walk() -> list[Node]:
    """Every command reachable from the root, parents before children, in listing order."""
    from stripecli import model
    from stripecli.surface.groups import ModelGroup, ResourceGroup

    root = root_command()
    nodes: list[Node] = []

    def operations_of(group: click.Group) -> tuple[tuple[str, str] | None, dict]:
        """The verbs of a resource by the name the CLI shows (short or long), and the resource."""
        res = group.flat if isinstance(group, ModelGroup) and group.flat is not None else group
        if isinstance(res, ResourceGroup):
            ref = (res.model_group, res.resource)
            return ref, {name: res.operation(name) for name in res.list_commands(click.Context(res))}
        return None, {}

    def visit(cmd: click.Command, path: tuple[str, ...], ctx: click.Context, description: str,
              op: dict | None = None, model_ref: tuple[str, str] | None = None) -> None:
        is_group = isinstance(cmd, click.Group)
        node = Node(path, cmd, description, is_group, op=op, model_ref=model_ref, ctx=ctx)
        nodes.append(node)
        if not is_group:
            return
        assert isinstance(cmd, click.Group)
        explicit = set(cmd.commands)  # registered by hand (not built from the model), before any lookup caches
        names: list[str] = []
        for name in cmd.list_commands(ctx):
            if name not in names:
                names.append(name)
        ref, ops = operations_of(cmd)
        if isinstance(cmd, ResourceGroup):
            node.model_ref = ref
        for name in names:
            sub = _get(cmd, ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            node.children.append(name)
        if isinstance(cmd, ModelGroup) and cmd.flat is None:
            for canonical, info in cmd.info["resources"].items():
                for alias in info.get("aliases", []):
                    if alias not in node.children:
                        node.aliases[alias] = path + (canonical,)
            for name, target in sorted(cmd.links().items()):
                if name not in node.children:
                    node.aliases[name] = (target,)
        if not path:  # core resources and every resource whose name is unique across groups
            for name, target in cmd.aliases().items():  # type: ignore[attr-defined]
                if name not in node.children and name not in node.aliases:
                    node.aliases[name] = target
        res = cmd.flat if isinstance(cmd, ModelGroup) and cmd.flat is not None else cmd
        if isinstance(res, ResourceGroup):  # long verb names kept from before the short ones
            for name, short in res.aliases().items():
                if name not in node.children:
                    node.aliases[name] = path + (short,)
        for name in node.children:
            sub = _get(cmd, ctx, name)
            assert sub is not None
            sub_ctx = click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
            if not path and name in _hand_written():
                desc = plain(_hand_written()[name][1])
            else:
                desc = short_description(sub)
            from_model = name in ops and name not in explicit
            visit(sub, path + (name,), sub_ctx, desc, op=ops[name] if from_model else None,
                  model_ref=ref if from_model else None)

    ctx = click.Context(root, info_name="stripecli", **root.context_settings)
    visit(root, (), ctx, "")
    return nodes


def _hand_written() -> dict[str, tuple[str, str]]:
    from stripecli.cli import HAND_WRITTEN

    return HAND_WRITTEN


# --------------------------------------------------------------------------- completion data


@dataclass
class Data:
    children: dict[str, list[str]] = field(default_factory=dict)
    hidden: dict[str, list[str]] = field(default_factory=dict)
    alias: dict[str, str] = field(default_factory=dict)
    leaf: dict[str, str] = field(default_factory=dict)
    group_flags: dict[str, list[str]] = field(default_factory=dict)
    group_valued: dict[str, list[str]] = field(default_factory=dict)  # a group's flags that take a value
    globals: dict[int, list[str]] = field(default_factory=dict)
    values: dict[int, list[str]] = field(default_factory=dict)
    desc: dict[str, str] = field(default_factory=dict)


# The lookup tables every script embeds, in order: (name suffix, Data field, how a value is written).
TABLES = (("children", "children", "joined"), ("hidden", "hidden", "joined"), ("alias", "alias", "str"),
          ("group_flags", "group_flags", "joined"), ("group_valued", "group_valued", "joined"),
          ("leaf", "leaf", "str"), ("globals", "globals", "joined"),
          ("values", "values", "joined"))


def tables(data: Data, prefix: str, *, desc: bool = False):
    """(function or variable name, mapping, value formatter) for each table of ``data``."""
    rows = TABLES + ((("desc", "desc", "str"),) if desc else ())
    for suffix, attr, fmt in rows:
        yield f"{prefix}{suffix}", getattr(data, attr), (_joined if fmt == "joined" else str)


def key(path: tuple[str, ...]) -> str:
    return " ".join(path) if path else ROOT_KEY


class _Interner:
    def __init__(self) -> None:
        self.ids: dict[tuple[str, ...], int] = {}

    def __call__(self, items: list[str]) -> int:
        t = tuple(items)
        if t not in self.ids:
            self.ids[t] = len(self.ids) + 1
        return self.ids[t]

    def table(self) -> dict[int, list[str]]:
        return {i: list(t) for t, i in self.ids.items()}


def _output_formats() -> list[str]:
    from stripecli.output.formats import FORMATS

    return list(FORMATS)


def _option_values(param: click.Option) -> list[str] | None:
    from stripecli.surface.build import ValueType

    if isinstance(param.type, click.Choice):
        return [str(c) for c in param.type.choices]
    if isinstance(param.type, ValueType):
        item = param.type.spec.item
        if item.get("type") == "enum" and item.get("values"):
            return list(item["values"])
        return None
    if param.name == "g_output":  # the global -o/--output of API commands
        return _output_formats()
    return None


def option_tokens(param: click.Parameter, values: _Interner) -> list[str]:
    if not isinstance(param, click.Option) or param.hidden or _is_help(param):
        return []
    names = list(param.opts) + list(param.secondary_opts)
    if param.is_flag or param.count:
        return names
    if "--profile" in param.opts:
        ref = "p"
    else:
        vals = _option_values(param)
        ref = str(values(vals)) if vals else ""
    return [f"{n}={ref}" for n in names]


def _global_sets() -> list[list[click.Parameter]]:
    from stripecli.surface.options import global_options

    out = []
    for data in (True, False):
        for paging in (True, False):
            for post in (True, False):
                out.append(global_options(paging=paging, post=post, data=data))
    return out


def build_data(nodes: list[Node]) -> Data:
    data = Data()
    values = _Interner()
    globals_ = _Interner()
    candidates = []
    for params in _global_sets():
        toks: list[str] = []
        for p in params:
            toks += option_tokens(p, values)
        candidates.append(toks)
    candidates.sort(key=len, reverse=True)

    for node in nodes:
        k = key(node.path)
        if node.path:
            data.desc[k] = completion_description(node.description)
        cmd, ctx = node.command, node.ctx
        assert ctx is not None
        params = cmd.get_params(ctx)
        if node.is_group:
            data.children[k] = list(node.children)
            if node.aliases:
                data.hidden[k] = list(node.aliases)
                for name, target in node.aliases.items():
                    data.alias[key(node.path + (name,))] = key(target)
            flags: list[str] = []
            for p in params:
                flags += [t.split("=")[0] for t in option_tokens(p, values)]
            if flags:
                data.group_flags[k] = flags
            valued = [t.split("=")[0] for p in params if isinstance(p, click.Option) and not p.is_flag
                      for t in option_tokens(p, values)]
            if valued:  # the root's global options that take a value: the walk skips the value
                data.group_valued[k] = valued
            continue
        positional: list[str] = []
        tokens: list[str] = []
        for p in params:
            if isinstance(p, click.Argument):
                if node.path in PROFILE_POSITIONALS:
                    entry = "p"
                elif isinstance(p.type, click.Choice):
                    entry = str(values([str(c) for c in p.type.choices]))
                else:
                    entry = "-"
                if p.nargs == -1:
                    entry += "*"
                positional.append(entry)
            else:
                tokens += option_tokens(p, values)
        gid = 0
        for cand in candidates:
            if cand and len(cand) <= len(tokens) and tokens[len(tokens) - len(cand):] == cand:
                gid = globals_(cand)
                tokens = tokens[: len(tokens) - len(cand)]
                break
        data.leaf[k] = " ".join([str(gid), ",".join(positional) or "."] + tokens)
    data.globals = globals_.table()
    data.values = values.table()
    return data


# --------------------------------------------------------------------------- rendering helpers

HEADER = ("stripecli {shell} completion. Generated by tools/gen_completions.py from the command tree "
          "(stripecli {version}, Stripe API {api}): do not edit.")


def _header(shell: str) -> str:
    from stripecli import __version__
    from stripecli.model import api_version

    return HEADER.format(shell=shell, version=__version__, api=api_version())


def sq(text: str) -> str:
    """Single-quoted for sh, bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def fish_q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ps_q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _case_function(name: str, table: dict[Any, Any], fmt) -> list[str]:
    """A bash function that sets _stripecli_r to table[$1] (status 1 when absent)."""
    lines = [f"{name}() {{", "  case $1 in"]
    for k, v in table.items():
        lines.append(f"    {sq(str(k))}) _stripecli_r={sq(fmt(v))} ;;")
    lines += ["    *) _stripecli_r=''; return 1 ;;", "  esac", "}"]
    return lines


def _joined(v: Any) -> str:
    return " ".join(v) if isinstance(v, list) else str(v)


# --------------------------------------------------------------------------- bash



DRIVERS = Path(__file__).resolve().parent / "completion_drivers"


def driver(name: str) -> str:
    """A shell's completion driver: plain shell code in tools/completion_drivers/ (where shellcheck
    and the shells' own syntax checks read it), appended after the generated tables."""
    return (DRIVERS / name).read_text(encoding="utf-8")


def render_bash(data: Data) -> str:
    out = [f"# {_header('bash')}",
           "# Load it with 'source stripecli.bash', or install it with 'stripecli completion install bash'.",
           "# Works with bash 3.2 and later; needs no other package.", ""]
    for name, mapping, fmt in tables(data, "_stripecli_"):
        out += _case_function(name, mapping, fmt)
    return "\n".join(out) + "\n\n" + driver("driver.bash")


# --------------------------------------------------------------------------- zsh



def _zsh_assoc(name: str, table: dict[Any, Any], fmt) -> list[str]:
    lines = [f"typeset -gA {name}", f"{name}=("]
    for k, v in table.items():
        lines.append(f"  {sq(str(k))} {sq(fmt(v))}")
    lines.append(")")
    return lines


def render_zsh(data: Data) -> str:
    out = ["#compdef stripecli", f"# {_header('zsh')}",
           "# Install: put it in a directory of $fpath as _stripecli (stripecli completion install zsh),",
           "# or source it after compinit.", ""]
    for name, mapping, fmt in tables(data, "_stripecli_", desc=True):
        out += _zsh_assoc(name, mapping, fmt)
    return "\n".join(out) + "\n\n" + driver("driver.zsh")


# --------------------------------------------------------------------------- fish



def _fish_switch(name: str, table: dict[Any, Any], fmt, split: bool = False) -> list[str]:
    lines = [f"function {name}", '    switch "$argv[1]"']
    for k, v in table.items():
        text = fmt(v)
        if not text:
            continue
        lines.append(f"        case {fish_q(str(k))}")
        lines.append(f"            printf '%s\\n' {fish_q(text)}")
    lines += ["    end", "end"]
    return lines


def render_fish(data: Data) -> str:
    out = [f"# {_header('fish')}",
           "# Install: copy to ~/.config/fish/completions/stripecli.fish (stripecli completion install fish).", ""]
    out += _fish_switch("__stripecli_children", data.children, _joined)
    out += _fish_switch("__stripecli_hidden", data.hidden, _joined)
    out += _fish_switch("__stripecli_alias", data.alias, str)
    gf = ["function __stripecli_group_flags", '    switch "$argv[1]"']
    for k, v in data.group_flags.items():
        gf += [f"        case {fish_q(k)}", "            printf '%s\\n' " + " ".join(fish_q(x) for x in v)]
    out += gf + ["    end", "end"]
    out += _fish_switch("__stripecli_group_valued", data.group_valued, _joined)
    out += _fish_switch("__stripecli_leaf", data.leaf, str)
    out += _fish_switch("__stripecli_globals", data.globals, _joined)
    out += _fish_switch("__stripecli_values", data.values, _joined)
    out += _fish_switch("__stripecli_desc", data.desc, str)
    return "\n".join(out) + "\n\n" + driver("driver.fish")


# --------------------------------------------------------------------------- PowerShell



def _ps_hashtable(name: str, table: dict[Any, Any], fmt, int_keys: bool = False) -> list[str]:
    lines = [f"${name} = @{{"]
    for k, v in table.items():
        lines.append(f"    {k if int_keys else ps_q(str(k))} = {ps_q(fmt(v))}")
    lines.append("}")
    return lines


def render_powershell(data: Data) -> str:
    out = [f"# {_header('PowerShell')}",
           "# Install: stripecli completion install powershell, then dot-source the file from $PROFILE.", ""]
    out += _ps_hashtable("__stripecliChildren", data.children, _joined)
    out += _ps_hashtable("__stripecliHidden", data.hidden, _joined)
    out += _ps_hashtable("__stripecliAlias", data.alias, str)
    out += _ps_hashtable("__stripecliGroupFlags", data.group_flags, _joined)
    out += _ps_hashtable("__stripecliGroupValued", data.group_valued, _joined)
    out += _ps_hashtable("__stripecliLeaf", data.leaf, str)
    out += _ps_hashtable("__stripecliGlobals", data.globals, _joined, int_keys=True)
    out += _ps_hashtable("__stripecliValues", data.values, _joined, int_keys=True)
    out += _ps_hashtable("__stripecliDesc", data.desc, str)
    return "\n".join(out) + "\n\n" + driver("driver.ps1")


RENDERERS = {"bash": render_bash, "zsh": render_zsh, "fish": render_fish, "powershell": render_powershell}


def render_all() -> dict[str, str]:
    """File name -> script text, for every shell."""
    data = build_data(walk())
    return {FILES[shell]: render(data) for shell, render in RENDERERS.items()}


def write(out_dirs: list[Path]) -> list[Path]:
    scripts = render_all()
    written = []
    for d in out_dirs:
        d.mkdir(parents=True, exist_ok=True)
        for name, text in scripts.items():
            path = d / name
            path.write_bytes(text.encode("ascii"))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the scripts into this directory only")
    args = parser.parse_args(argv)
    dirs = [args.out] if args.out else [PACKAGE_DIR]  # completions/ at the repo root links here
    for path in write(dirs):
        print(f"wrote {os.path.relpath(path)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
