"""Names an operator guesses right: verbs without the resource word they repeat, resources that
answer at the root, and suggestions for a word that is not a command.

Everything here is computed from the model (``index.json`` and a group's file), never listed by
hand: a new SDK operation named ``finalize_quote`` on ``quotes`` becomes ``quotes finalize`` with
``finalize-quote`` kept as a hidden alias.
"""

from __future__ import annotations

from functools import lru_cache

import click

from stripecli import model


def singular(word: str) -> str:
    """``invoices`` -> ``invoice``, ``entries`` -> ``entry``, ``addresses`` -> ``address``."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def short_verbs(resource: str, verbs: list[str]) -> dict[str, str]:
    """Long verb -> the verb without the resource word it repeats: on ``invoices``,
    ``finalize-invoice`` -> ``finalize``; on ``treasury outbound-payments``,
    ``return-outbound-payment`` -> ``return``. A short name that is already a verb, or that two
    verbs would share, is not offered (the long one stays the only name)."""
    words = resource.split("-")
    forms = [words[:-1] + [singular(words[-1])], words, [singular(words[-1])]]
    proposed: dict[str, str] = {}
    for verb in verbs:
        parts = verb.split("-")
        for form in forms:
            n = len(form)
            if len(parts) > n and parts[-n:] == form:
                proposed[verb] = "-".join(parts[:-n])
                break
            if len(parts) > n and parts[:n] == form:
                proposed[verb] = "-".join(parts[n:])
                break
    taken = set(verbs)
    shorts = list(proposed.values())
    return {long: short for long, short in proposed.items() if short not in taken and shorts.count(short) == 1}


def resource_homes() -> dict[str, list[tuple[str, str]]]:
    """Every resource name and alias -> the (group, canonical resource) pairs it names."""
    return _homes()


@lru_cache(maxsize=None)
def _homes() -> dict[str, list[tuple[str, str]]]:
    homes: dict[str, list[tuple[str, str]]] = {}
    for group, info in model.groups().items():
        if info.get("flatten"):
            continue  # a group that is one resource (test-clocks) is already at the root
        for canonical, rinfo in info["resources"].items():
            for name in (canonical, *rinfo.get("aliases", ())):
                homes.setdefault(name, [])
                if (group, canonical) not in homes[name]:
                    homes[name].append((group, canonical))
    return homes


def root_resource(name: str) -> tuple[str, str] | None:
    """(group, canonical) when ``name`` is a resource of exactly one group: it answers at the
    root (``stripecli subscriptions list`` = ``stripecli billing subscriptions list``)."""
    homes = _homes().get(name, [])
    return homes[0] if len(homes) == 1 else None


def root_resources() -> dict[str, tuple[str, str]]:
    """Every name :func:`root_resource` accepts."""
    return {name: homes[0] for name, homes in _homes().items() if len(homes) == 1}


def suggest(word: str, choices: list[str]) -> list[str]:
    """The closest of ``choices`` to a mistyped ``word`` (at most three, best first)."""
    import difflib

    return difflib.get_close_matches(word, choices, n=3, cutoff=0.7)


def _hidden_names(group: click.Group) -> list[str]:
    aliases = getattr(group, "aliases", None)
    return list(aliases()) if callable(aliases) else []


def unknown_command_hint(group: click.Group, ctx: click.Context, word: str) -> str | None:
    """What to say after "No such command 'WORD'": where the resource lives when it is in
    another group ("quotes is under billing: stripecli billing quotes"), else the closest names
    at this level, else the closest resource of any group ("Did you mean customers?")."""
    from stripecli.surface.groups import ModelGroup, ResourceGroup

    at_root = ctx.parent is None
    homes = _homes().get(word, [])
    if homes and not isinstance(group, ResourceGroup):
        where = [g for g, _ in homes]
        paths = ", ".join(_root_path(g, c, word) for g, c in homes)
        return f"{word} is under {_and(where)}: {paths}"
    here = [n for n in group.list_commands(ctx)] + _hidden_names(group)
    if isinstance(group, ModelGroup) and group.flat is None:
        for canonical, info in group.info["resources"].items():
            here += list(info.get("aliases", ()))
    close = suggest(word, here)
    if close:
        return f"Did you mean {' or '.join(close)}?"
    if isinstance(group, ResourceGroup):
        return None
    close = suggest(word, list(_homes()))
    if close:
        shown = []
        for name in close:
            for g, c in _homes()[name]:
                path = _root_path(g, c, name)
                if path not in shown:
                    shown.append(path)
        text = " or ".join(p if not at_root else p.removeprefix("stripecli ") for p in shown[:3])
        return f"Did you mean {text}?"
    return None


def _root_path(group: str, canonical: str, name: str) -> str:
    """The shortest command line for a resource: at the root when it answers there."""
    if group == "core" or root_resource(name) is not None:
        return f"stripecli {name}"
    return f"stripecli {group} {name}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
