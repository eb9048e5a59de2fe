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
        res = group.flat if isinstance(group, ModelGroup) and group.flat is not None else group
        if isinstance(res, ResourceGroup):
            ref = (res.model_group, res.resource)
            return ref, model.group(ref[0])[ref[1]]["operations"]
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
        if not path and "core" in model.groups() and "core" in node.children:
            for canonical, info in model.groups()["core"]["resources"].items():
                for name in [canonical, *info.get("aliases", [])]:
                    if name not in node.children and name not in node.aliases:
                        node.aliases[name] = ("core", canonical)
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
    globals: dict[int, list[str]] = field(default_factory=dict)
    values: dict[int, list[str]] = field(default_factory=dict)
    desc: dict[str, str] = field(default_factory=dict)


# The lookup tables every script embeds, in order: (name suffix, Data field, how a value is written).
TABLES = (("children", "children", "joined"), ("hidden", "hidden", "joined"), ("alias", "alias", "str"),
          ("group_flags", "group_flags", "joined"), ("leaf", "leaf", "str"), ("globals", "globals", "joined"),
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
    from stripecli.output.render import FORMATS

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

BASH_DRIVER = r'''
# Profile names from profiles.toml ([profiles.NAME] and [profiles.NAME.MODE] headers).
_stripecli_profiles() {
  _stripecli_r=''
  local f line name
  if [[ -n ${STRIPECLI_CONFIG_DIR-} ]]; then
    f=${STRIPECLI_CONFIG_DIR/#\~/$HOME}/profiles.toml
  elif [[ ${OSTYPE-} == darwin* ]]; then
    f="$HOME/Library/Application Support/stripecli/profiles.toml"
  else
    f=${XDG_CONFIG_HOME:-$HOME/.config}/stripecli/profiles.toml
  fi
  [[ -r $f ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ $line == '[profiles.'* ]] || continue
    name=${line#'[profiles.'}
    case $name in
      \"*) name=${name#\"}; name=${name%%\"*} ;;
      \'*) name=${name#\'}; name=${name%%\'*} ;;
      *) name=${name%%[].[:space:]]*} ;;
    esac
    [[ -n $name && " $_stripecli_r " != *" $name "* ]] && _stripecli_r+="${_stripecli_r:+ }$name"
  done < "$f"
  return 0
}

# Adds the words of $1 that start with $2 to COMPREPLY, each prefixed with $3; $4=q quotes them.
_stripecli_add() {
  local -a items
  local w
  IFS=' ' read -r -a items <<< "$1"
  for w in ${items[@]+"${items[@]}"}; do
    [[ $w == "$2"* ]] || continue
    if [[ $4 == q && $w == *[!A-Za-z0-9_.+/@%:,=-]* ]]; then
      printf -v w '%q' "$w"
    fi
    COMPREPLY+=("$3$w")
  done
}

_stripecli() {
  COMPREPLY=()
  local IFS=$' \t\n'
  local -a W=()
  local j w n join=0
  # Rejoin "--flag" "=" "value" (bash splits words at = when COMP_WORDBREAKS holds it).
  for ((j = 1; j <= COMP_CWORD; j++)); do
    w=${COMP_WORDS[j]}
    n=${#W[@]}
    if ((join)); then
      W[n-1]+=$w
      join=0
      continue
    fi
    if [[ $w == '=' ]] && ((n > 0)) && [[ ${W[n-1]} == -* && ${W[n-1]} != *=* ]]; then
      W[n-1]+='='
      ((j < COMP_CWORD)) && join=1
      continue
    fi
    W+=("$w")
  done
  n=${#W[@]}
  ((n > 0)) || return 0
  local cur=${W[n-1]}
  local cpath='' key leaf='' pspec='' toks='' skip='' rest gid i dd=0 pos=0 v s
  for ((i = 0; i < n - 1; i++)); do
    w=${W[i]}
    if [[ -n $skip ]]; then
      skip=''
      continue
    fi
    if [[ -n $leaf ]]; then
      if ((dd)); then
        pos=$((pos + 1))
        continue
      fi
      case $w in
        --) dd=1 ;;
        -*=*) ;;
        -*) [[ " $toks " == *" $w="* ]] && skip=$w ;;
        *) pos=$((pos + 1)) ;;
      esac
    else
      case $w in
        --profile) skip=$w ;;
        -*) ;;
        *)
          key=${cpath:+$cpath }$w
          _stripecli_alias "$key" && key=$_stripecli_r
          if _stripecli_children "$key"; then
            cpath=$key
          elif _stripecli_leaf "$key"; then
            cpath=$key
            leaf=$_stripecli_r
            gid=${leaf%% *}
            rest=${leaf#* }
            pspec=${rest%% *}
            toks=${rest#"$pspec"}
            if [[ $gid != 0 ]]; then
              _stripecli_globals "$gid"
              toks+=" $_stripecli_r"
            fi
            toks+=' -h --help'
          else
            return 0
          fi
          ;;
      esac
    fi
  done

  local vref='' vcur=$cur vpre='' f
  local value=0
  if [[ -n $skip ]]; then
    value=1
    if [[ -n $leaf ]]; then
      s=" $toks "
      s=${s#*" $skip="}
      vref=${s%% *}
    else
      vref=p
    fi
  elif [[ $cur == -*=* ]]; then
    value=1
    f=${cur%%=*}
    vcur=${cur#*=}
    [[ $COMP_WORDBREAKS == *=* ]] || vpre="$f="
    if [[ -n $leaf && " $toks " == *" $f="* ]]; then
      s=" $toks "
      s=${s#*" $f="}
      vref=${s%% *}
    elif [[ $f == --profile ]]; then
      vref=p
    fi
  elif [[ -n $leaf ]]; then
    if [[ $cur != -* && $pspec != . ]]; then
      local -a entries
      IFS=',' read -r -a entries <<< "$pspec"
      local e=''
      if ((pos < ${#entries[@]})); then
        e=${entries[pos]}
      elif [[ ${entries[${#entries[@]}-1]} == *'*' ]]; then
        e=${entries[${#entries[@]}-1]}
      fi
      if [[ -n $e ]]; then
        value=1
        vref=${e%'*'}
        [[ $vref == - ]] && vref=''
      fi
    fi
    if ((!value)); then
      s=''
      for w in $toks; do
        s+=" ${w%%=*}"
      done
      _stripecli_add "$s" "$cur" ''
      return 0
    fi
  else
    key=${cpath:-.}
    if [[ $cur == -* ]]; then
      _stripecli_group_flags "$key"
      _stripecli_add "$_stripecli_r -h --help" "$cur" ''
    else
      _stripecli_children "$key"
      _stripecli_add "$_stripecli_r" "$cur" ''
      if [[ -n $cur ]] && _stripecli_hidden "$key"; then
        _stripecli_add "$_stripecli_r" "$cur" ''
      fi
    fi
    return 0
  fi
  # A flag's or an argument's value.
  case $vref in
    p) _stripecli_profiles; _stripecli_add "$_stripecli_r" "$vcur" "$vpre" q ;;
    [0-9]*) _stripecli_values "$vref"; _stripecli_add "$_stripecli_r" "$vcur" "$vpre" q ;;
  esac
  return 0
}

complete -F _stripecli stripecli
'''


def render_bash(data: Data) -> str:
    out = [f"# {_header('bash')}",
           "# Load it with 'source stripecli.bash', or install it with 'stripecli completion install --shell bash'.",
           "# Works with bash 3.2 and later; needs no other package.", ""]
    for name, mapping, fmt in tables(data, "_stripecli_"):
        out += _case_function(name, mapping, fmt)
    return "\n".join(out) + "\n" + BASH_DRIVER


# --------------------------------------------------------------------------- zsh

ZSH_DRIVER = r'''
_stripecli_profiles() {
  reply=()
  local f line name
  if [[ -n ${STRIPECLI_CONFIG_DIR-} ]]; then
    f=${STRIPECLI_CONFIG_DIR/#\~/$HOME}/profiles.toml
  elif [[ $OSTYPE == darwin* ]]; then
    f="$HOME/Library/Application Support/stripecli/profiles.toml"
  else
    f=${XDG_CONFIG_HOME:-$HOME/.config}/stripecli/profiles.toml
  fi
  [[ -r $f ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ $line == '[profiles.'* ]] || continue
    name=${line#'[profiles.'}
    case $name in
      (\"*) name=${name#\"}; name=${name%%\"*} ;;
      (\'*) name=${name#\'}; name=${name%%\'*} ;;
      (*) name=${name%%[].[:space:]]*} ;;
    esac
    [[ -n $name ]] && (( ${reply[(Ie)$name]} == 0 )) && reply+=("$name")
  done < "$f"
  return 0
}

_stripecli() {
  local -a W entries vals descs
  W=("${(@)words[2,CURRENT]}")
  local n=${#W}
  (( n > 0 )) || return 1
  local cur=${W[n]}
  local cpath='' key leaf='' pspec='' toks='' skip='' rest gid w s f e vref='' i dd=0 pos=0 value=0
  for (( i = 1; i < n; i++ )); do
    w=${W[i]}
    if [[ -n $skip ]]; then
      skip=''
      continue
    fi
    if [[ -n $leaf ]]; then
      if (( dd )); then
        (( pos++ ))
        continue
      fi
      case $w in
        (--) dd=1 ;;
        (-*=*) ;;
        (-*) [[ " $toks " == *" $w="* ]] && skip=$w ;;
        (*) (( pos++ )) ;;
      esac
    else
      case $w in
        (--profile) skip=$w ;;
        (-*) ;;
        (*)
          key=${cpath:+$cpath }$w
          (( ${+_stripecli_alias[$key]} )) && key=${_stripecli_alias[$key]}
          if (( ${+_stripecli_children[$key]} )); then
            cpath=$key
          elif (( ${+_stripecli_leaf[$key]} )); then
            cpath=$key
            leaf=${_stripecli_leaf[$key]}
            gid=${leaf%% *}
            rest=${leaf#* }
            pspec=${rest%% *}
            toks=${rest#"$pspec"}
            [[ $gid != 0 ]] && toks+=" ${_stripecli_globals[$gid]}"
            toks+=' -h --help'
          else
            return 1
          fi
          ;;
      esac
    fi
  done

  if [[ -n $skip ]]; then
    value=1
    if [[ -n $leaf ]]; then
      s=" $toks "
      s=${s#*" $skip="}
      vref=${s%% *}
    else
      vref=p
    fi
  elif [[ $cur == -*=* ]]; then
    value=1
    f=${cur%%=*}
    compset -P '*='
    if [[ -n $leaf && " $toks " == *" $f="* ]]; then
      s=" $toks "
      s=${s#*" $f="}
      vref=${s%% *}
    elif [[ $f == --profile ]]; then
      vref=p
    fi
  elif [[ -n $leaf ]]; then
    if [[ $cur != -* && $pspec != . ]]; then
      entries=("${(@s:,:)pspec}")
      e=''
      if (( pos < ${#entries} )); then
        e=${entries[pos+1]}
      elif [[ ${entries[-1]} == *'*' ]]; then
        e=${entries[-1]}
      fi
      if [[ -n $e ]]; then
        value=1
        vref=${e%'*'}
        [[ $vref == - ]] && vref=''
      fi
    fi
    if (( !value )); then
      compadd -- ${${=toks}%%=*}
      return
    fi
  else
    key=${cpath:-.}
    if [[ $cur == -* ]]; then
      compadd -- ${=_stripecli_group_flags[$key]} -h --help
      return
    fi
    descs=()
    for w in ${=_stripecli_children[$key]}; do
      s=${cpath:+$cpath }$w
      descs+=("$w:${_stripecli_desc[$s]}")
    done
    if [[ -n $PREFIX ]]; then
      for w in ${=_stripecli_hidden[$key]}; do
        s=${_stripecli_alias[${cpath:+$cpath }$w]}
        descs+=("$w:${_stripecli_desc[$s]}")
      done
    fi
    _describe -t commands 'stripecli command' descs
    return
  fi
  case $vref in
    (p) _stripecli_profiles; compadd -a reply ;;
    (<->) vals=(${=_stripecli_values[$vref]}); compadd -a vals ;;
    (*) return 1 ;;
  esac
}

if [[ $funcstack[1] == _stripecli ]]; then
  _stripecli "$@"
else
  compdef _stripecli stripecli
fi
'''


def _zsh_assoc(name: str, table: dict[Any, Any], fmt) -> list[str]:
    lines = [f"typeset -gA {name}", f"{name}=("]
    for k, v in table.items():
        lines.append(f"  {sq(str(k))} {sq(fmt(v))}")
    lines.append(")")
    return lines


def render_zsh(data: Data) -> str:
    out = ["#compdef stripecli", f"# {_header('zsh')}",
           "# Install: put it in a directory of $fpath as _stripecli (stripecli completion install --shell zsh),",
           "# or source it after compinit.", ""]
    for name, mapping, fmt in tables(data, "_stripecli_", desc=True):
        out += _zsh_assoc(name, mapping, fmt)
    return "\n".join(out) + "\n" + ZSH_DRIVER


# --------------------------------------------------------------------------- fish

FISH_DRIVER = r'''
function __stripecli_profiles
    set -l f
    if set -q STRIPECLI_CONFIG_DIR; and test -n "$STRIPECLI_CONFIG_DIR"
        set f (string replace -r '^~' -- $HOME $STRIPECLI_CONFIG_DIR)/profiles.toml
    else if test (uname) = Darwin
        set f "$HOME/Library/Application Support/stripecli/profiles.toml"
    else if set -q XDG_CONFIG_HOME; and test -n "$XDG_CONFIG_HOME"
        set f $XDG_CONFIG_HOME/stripecli/profiles.toml
    else
        set f $HOME/.config/stripecli/profiles.toml
    end
    test -r "$f"; or return 0
    set -l names
    while read -l line
        set -l m (string match -r -- '^\s*\[profiles\.(?|"([^"]+)"|\'([^\']+)\'|([A-Za-z0-9_-]+))' "$line")
        if test (count $m) -ge 2; and not contains -- $m[2] $names
            set -a names $m[2]
        end
    end <$f
    test (count $names) -gt 0; and printf '%s\n' $names
end

function __stripecli_complete
    set -l W (commandline -opc)
    set -e W[1]
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l leaf ''
    set -l toks
    set -l pspec .
    set -l skip ''
    set -l dd 0
    set -l pos 0
    for w in $W
        if test -n "$skip"
            set skip ''
            continue
        end
        if test -n "$leaf"
            if test $dd = 1
                set pos (math $pos + 1)
                continue
            end
            if test "$w" = --
                set dd 1
            else if string match -q -- '-*=*' "$w"
            else if string match -q -- '-*' "$w"
                if string match -q -- "$w=*" $toks
                    set skip $w
                end
            else
                set pos (math $pos + 1)
            end
        else if test "$w" = --profile
            set skip $w
        else if not string match -q -- '-*' "$w"
            set -l key $w
            test -n "$cpath"; and set key "$cpath $w"
            set -l target (__stripecli_alias $key)
            test -n "$target"; and set key $target
            set -l kids (__stripecli_children $key)
            if test -n "$kids"
                set cpath $key
            else
                set -l record (__stripecli_leaf $key)
                test -n "$record"; or return 0
                set -l rec (string split -n ' ' -- "$record")
                set cpath $key
                set leaf $key
                set pspec $rec[2]
                set toks $rec
                set -e toks[1..2]
                if test "$rec[1]" != 0
                    set -l globals (__stripecli_globals $rec[1])
                    set -a toks (string split -n ' ' -- "$globals")
                end
                set -a toks -h --help
            end
        end
    end

    set -l vref ''
    set -l vpre ''
    set -l value 0
    if test -n "$skip"
        set value 1
        if test -n "$leaf"
            set -l m (string match -- "$skip=*" $toks)
            test -n "$m"; and set vref (string replace -- "$skip=" '' "$m[1]")
        else
            set vref p
        end
    else if string match -q -- '-*=*' "$cur"
        set value 1
        set -l f (string split -m 1 = -- "$cur")[1]
        set vpre "$f="
        if test -n "$leaf"
            set -l m (string match -- "$f=*" $toks)
            test -n "$m"; and set vref (string replace -- "$f=" '' "$m[1]")
        else if test "$f" = --profile
            set vref p
        end
    else if test -n "$leaf"
        if not string match -q -- '-*' "$cur"; and test "$pspec" != .
            set -l entries (string split , -- $pspec)
            set -l e ''
            if test $pos -lt (count $entries)
                set e $entries[(math $pos + 1)]
            else if string match -q -r -- '\*$' "$entries[-1]"
                set e $entries[-1]
            end
            if test -n "$e"
                set value 1
                set vref (string replace -- '*' '' "$e")
                test "$vref" = -; and set vref ''
            end
        end
        if test $value = 0
            string replace -r '=.*' '' -- $toks
            return 0
        end
    else
        set -l key $cpath
        test -n "$key"; or set key .
        if string match -q -- '-*' "$cur"
            __stripecli_group_flags $key
            printf '%s\n' -h --help
            return 0
        end
        set -l kids (__stripecli_children $key)
        for w in (string split -n ' ' -- "$kids")
            set -l p $w
            test -n "$cpath"; and set p "$cpath $w"
            printf '%s\t%s\n' $w (__stripecli_desc $p)
        end
        if test -n "$cur"
            set -l hidden (__stripecli_hidden $key)
            for w in (string split -n ' ' -- "$hidden")
                set -l p $w
                test -n "$cpath"; and set p "$cpath $w"
                printf '%s\t%s\n' $w (__stripecli_desc (__stripecli_alias $p))
            end
        end
        return 0
    end
    if test "$vref" = p
        for v in (__stripecli_profiles)
            printf "%s\n" "$vpre$v"
        end
    else if string match -q -r -- '^[0-9]+$' "$vref"
        set -l values (__stripecli_values $vref)
        for v in (string split -n ' ' -- "$values")
            printf "%s\n" "$vpre$v"
        end
    end
end

complete -c stripecli -e
complete -c stripecli -f -a '(__stripecli_complete)'
'''


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
           "# Install: copy to ~/.config/fish/completions/stripecli.fish (stripecli completion install --shell fish).", ""]
    out += _fish_switch("__stripecli_children", data.children, _joined)
    out += _fish_switch("__stripecli_hidden", data.hidden, _joined)
    out += _fish_switch("__stripecli_alias", data.alias, str)
    gf = ["function __stripecli_group_flags", '    switch "$argv[1]"']
    for k, v in data.group_flags.items():
        gf += [f"        case {fish_q(k)}", "            printf '%s\\n' " + " ".join(fish_q(x) for x in v)]
    out += gf + ["    end", "end"]
    out += _fish_switch("__stripecli_leaf", data.leaf, str)
    out += _fish_switch("__stripecli_globals", data.globals, _joined)
    out += _fish_switch("__stripecli_values", data.values, _joined)
    out += _fish_switch("__stripecli_desc", data.desc, str)
    return "\n".join(out) + "\n" + FISH_DRIVER


# --------------------------------------------------------------------------- PowerShell

PS_DRIVER = r'''
$__stripecliCompleter = {
    param($wordToComplete, $commandAst, $cursorPosition)
    $children = $__stripecliChildren; $hidden = $__stripecliHidden; $alias = $__stripecliAlias
    $groupFlags = $__stripecliGroupFlags; $leaves = $__stripecliLeaf; $globalSets = $__stripecliGlobals
    $valueSets = $__stripecliValues; $desc = $__stripecliDesc
    $words = @()
    foreach ($element in $commandAst.CommandElements) {
        if ($element.Extent.StartOffset -ge $cursorPosition) { break }
        $words += $element.Extent.Text
    }
    $cur = $wordToComplete
    if ($cur -ne '' -and $words.Count -gt 1) { $words = @($words[0..($words.Count - 2)]) }
    $cpath = ''; $leaf = $null; $pspec = '.'; $toks = @(); $skip = ''; $dd = $false; $pos = 0
    for ($i = 1; $i -lt $words.Count; $i++) {
        $w = $words[$i]
        if ($skip) { $skip = ''; continue }
        if ($leaf) {
            if ($dd) { $pos++; continue }
            if ($w -eq '--') { $dd = $true }
            elseif ($w.StartsWith('-') -and $w.Contains('=')) { }
            elseif ($w.StartsWith('-')) { foreach ($t in $toks) { if ($t.StartsWith("$w=")) { $skip = $w } } }
            else { $pos++ }
        } else {
            if ($w -ceq '--profile') { $skip = $w }
            elseif ($w.StartsWith('-')) { }
            else {
                $key = if ($cpath) { "$cpath $w" } else { $w }
                if ($alias.ContainsKey($key)) { $key = $alias[$key] }
                if ($children.ContainsKey($key)) { $cpath = $key }
                elseif ($leaves.ContainsKey($key)) {
                    $cpath = $key
                    $rec = @($leaves[$key] -split ' ' | Where-Object { $_ })
                    $leaf = $key
                    $pspec = $rec[1]
                    $toks = @($rec | Select-Object -Skip 2)
                    if ($rec[0] -ne '0') { $toks += @($globalSets[[int]$rec[0]] -split ' ' | Where-Object { $_ }) }
                    $toks += @('-h', '--help')
                } else { return }
            }
        }
    }
    $out = New-Object System.Collections.Generic.List[string]
    $tips = @{}
    $vref = $null; $vpre = ''; $vcur = $cur
    if ($skip) {
        if ($leaf) {
            $vref = ''
            foreach ($t in $toks) { if ($t.StartsWith("$skip=")) { $vref = $t.Substring($skip.Length + 1); break } }
        } else { $vref = 'p' }
    } elseif ($cur.StartsWith('-') -and $cur.Contains('=')) {
        $f = $cur.Substring(0, $cur.IndexOf('='))
        $vpre = "$f="; $vcur = $cur.Substring($f.Length + 1); $vref = ''
        if ($leaf) { foreach ($t in $toks) { if ($t.StartsWith("$f=")) { $vref = $t.Substring($f.Length + 1); break } } }
        elseif ($f -ceq '--profile') { $vref = 'p' }
    } elseif ($leaf) {
        if (-not $cur.StartsWith('-') -and $pspec -ne '.') {
            $entries = $pspec.Split(',')
            $e = ''
            if ($pos -lt $entries.Count) { $e = $entries[$pos] }
            elseif ($entries[-1].EndsWith('*')) { $e = $entries[-1] }
            if ($e) { $vref = $e.TrimEnd('*'); if ($vref -eq '-') { $vref = '' } }
        }
        if ($null -eq $vref) { foreach ($t in $toks) { $out.Add($t.Split('=')[0]) } }
    } else {
        $key = if ($cpath) { $cpath } else { '.' }
        if ($cur.StartsWith('-')) {
            if ($groupFlags.ContainsKey($key)) { foreach ($t in @($groupFlags[$key] -split ' ' | Where-Object { $_ })) { $out.Add($t) } }
            $out.Add('-h'); $out.Add('--help')
        } else {
            foreach ($c in @($children[$key] -split ' ' | Where-Object { $_ })) {
                $out.Add($c); $tips[$c] = $desc[$(if ($cpath) { "$cpath $c" } else { $c })]
            }
            if ($cur -ne '' -and $hidden.ContainsKey($key)) {
                foreach ($c in @($hidden[$key] -split ' ' | Where-Object { $_ })) {
                    $out.Add($c); $tips[$c] = $desc[$alias[$(if ($cpath) { "$cpath $c" } else { $c })]]
                }
            }
        }
    }
    if ($null -ne $vref) {
        $items = @()
        if ($vref -eq 'p') {
            $dir = $env:STRIPECLI_CONFIG_DIR
            if (-not $dir) {
                if ($IsMacOS) { $dir = Join-Path $HOME 'Library/Application Support/stripecli' }
                elseif ($IsLinux) { $dir = Join-Path $(if ($env:XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME } else { Join-Path $HOME '.config' }) 'stripecli' }
                else { $dir = Join-Path $env:LOCALAPPDATA 'stripecli' }
            }
            if ($dir.StartsWith('~')) { $dir = $HOME + $dir.Substring(1) }
            $file = Join-Path $dir 'profiles.toml'
            if (Test-Path -LiteralPath $file) {
                foreach ($line in Get-Content -LiteralPath $file) {
                    if ($line -match '^\s*\[profiles\.(?:"([^"]+)"|''([^'']+)''|([A-Za-z0-9_-]+))') {
                        $name = @($Matches[1], $Matches[2], $Matches[3]) | Where-Object { $_ } | Select-Object -First 1
                        if ($items -notcontains $name) { $items += $name }
                    }
                }
            }
        } elseif ($vref -match '^[0-9]+$') { $items = @($valueSets[[int]$vref] -split ' ' | Where-Object { $_ }) }
        foreach ($v in $items) {
            $text = if ($v -match '[^\w./+@%:,=-]') { "'" + $v + "'" } else { $v }
            $out.Add($vpre + $text)
        }
        $vcur = $vpre + $vcur
    }
    foreach ($c in $out) {
        if ($c.StartsWith($vcur, [StringComparison]::Ordinal)) {
            $tip = $tips[$c]
            if (-not $tip) { $tip = $c }
            [System.Management.Automation.CompletionResult]::new($c, $c, 'ParameterValue', $tip)
        }
    }
}.GetNewClosure()

Register-ArgumentCompleter -Native -CommandName 'stripecli' -ScriptBlock $__stripecliCompleter
'''


def _ps_hashtable(name: str, table: dict[Any, Any], fmt, int_keys: bool = False) -> list[str]:
    lines = [f"${name} = @{{"]
    for k, v in table.items():
        lines.append(f"    {k if int_keys else ps_q(str(k))} = {ps_q(fmt(v))}")
    lines.append("}")
    return lines


def render_powershell(data: Data) -> str:
    out = [f"# {_header('PowerShell')}",
           "# Install: stripecli completion install --shell powershell, then dot-source the file from $PROFILE.", ""]
    out += _ps_hashtable("__stripecliChildren", data.children, _joined)
    out += _ps_hashtable("__stripecliHidden", data.hidden, _joined)
    out += _ps_hashtable("__stripecliAlias", data.alias, str)
    out += _ps_hashtable("__stripecliGroupFlags", data.group_flags, _joined)
    out += _ps_hashtable("__stripecliLeaf", data.leaf, str)
    out += _ps_hashtable("__stripecliGlobals", data.globals, _joined, int_keys=True)
    out += _ps_hashtable("__stripecliValues", data.values, _joined, int_keys=True)
    out += _ps_hashtable("__stripecliDesc", data.desc, str)
    return "\n".join(out) + "\n" + PS_DRIVER


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
