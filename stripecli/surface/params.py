"""From the model's params to flags, and from parsed flags back to API params.

Every param becomes a flag named after it in kebab-case:

- scalars are typed options (``--customer``, ``--limit`` integer, ``--category`` enum,
  ``--effective-at`` timestamp), booleans are ``--flag/--no-flag``;
- arrays of scalars are repeatable options (``-e/--expand`` for ``expand``);
- free-form maps such as ``metadata`` take ``KEY=VALUE`` and repeat;
- objects take a JSON object on their own flag (``--recurring '{"interval": "month"}'``) and,
  when they are small enough to read in ``--help``, dot flags for their fields
  (``--recurring.interval month``), up to three levels deep. Anything deeper, and arrays of
  objects beyond their JSON form, go through ``-d 'key[sub][0]=value'`` or ``--data-json``.

Param values are checked here, before any request: a bad value names the flag and what it
accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stripecli.surface.values import (
    TIMESTAMP_HELP,
    check_decimal,
    deep_merge,
    parse_data_json,
    parse_json_items,
    parse_integer,
    parse_timestamp,
    set_path,
)

SCALARS = ("string", "integer", "number", "enum", "timestamp", "boolean")
MAX_DOT_DEPTH = 3        # --a.b.c
MAX_DOT_FLAGS = 40       # an object with more leaves than this keeps only its JSON flag

# Bounds the API reference documents but the model does not carry: flag dest -> (low, high).
# "limit: A limit on the number of objects to be returned. Limit can range between 1 and 100."
INTEGER_BOUNDS: dict[tuple[str, ...], tuple[int, int]] = {("limit",): (1, 100)}


@dataclass(frozen=True)
class FlagSpec:
    flag: str                 # --recurring.interval
    dest: tuple[str, ...]     # ("recurring", "interval")
    kind: str                 # scalar | bool | list | map | json | jsonlist
    param: dict

    @property
    def item(self) -> dict:
        """The record that describes one value of this flag."""
        return self.param.get("items", {}) if self.kind in ("list", "jsonlist") else self.param


def kebab(name: str) -> str:
    return name.replace("_", "-")


def _leaves(params: list[dict], depth: int) -> int:
    n = 0
    for p in params:
        if p.get("type") == "object" and p.get("children") and not p.get("map"):
            n += 1 + (_leaves(p["children"], depth + 1) if depth + 1 < MAX_DOT_DEPTH else 0)
        else:
            n += 1
    return n


def flag_specs(params: list[dict]) -> list[FlagSpec]:
    out: list[FlagSpec] = []

    def walk(items: list[dict], prefix: str, dest: tuple[str, ...], depth: int) -> None:
        for p in items:
            flag = prefix + kebab(p["name"])
            d = dest + (p["name"],)
            t = p.get("type", "string")
            children = p.get("children")
            if t == "boolean":
                out.append(FlagSpec(flag, d, "bool", p))
            elif t in SCALARS:
                out.append(FlagSpec(flag, d, "scalar", p))
            elif t == "array":
                item_type = p.get("items", {}).get("type", "string")
                out.append(FlagSpec(flag, d, "list" if item_type in SCALARS else "jsonlist", p))
            elif p.get("map"):
                out.append(FlagSpec(flag, d, "map", p))
            else:
                out.append(FlagSpec(flag, d, "json", p))
            if children and not p.get("map") and depth + 1 < MAX_DOT_DEPTH and _leaves(children, depth + 1) <= MAX_DOT_FLAGS:
                walk(children, flag + ".", d, depth + 1)

    walk(params, "--", (), 0)
    return out


# --------------------------------------------------------------------------- values


def describe_type(p: dict) -> str:
    """A short type label for help and errors."""
    t = p.get("type", "string")
    if t == "enum":
        return "one of: " + ", ".join(p.get("values", []))
    if t == "timestamp":
        return "timestamp"
    if t == "array":
        return "list of " + describe_type(p.get("items", {"type": "string"}))
    if t == "object":
        return "KEY=VALUE" if p.get("map") else "JSON object"
    return t


def convert_scalar(p: dict, text: str, bounds: tuple[int, int] | None = None) -> Any:
    """Check and convert one flag value for a scalar param."""
    if text == "" and (p.get("emptyable") or p.get("type") == "string"):
        return ""
    if text in p.get("literals", ()):
        return text
    t = p.get("type", "string")
    if t == "integer":
        return parse_integer(text, *bounds) if bounds else parse_integer(text)
    if t == "number":
        return check_decimal(text)  # sent as typed: keeps decimals such as 0.0125 exact
    if t == "enum":
        values = p.get("values", [])
        if text not in values:
            raise ValueError(f"'{text}' is not one of: {', '.join(values)}")
        return text
    if t == "timestamp":
        return parse_timestamp(text)
    if t == "boolean":
        low = text.lower()
        if low in ("true", "false"):
            return low == "true"
        raise ValueError(f"'{text}' is not true or false")
    return text


def convert_map_pair(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise ValueError(f"'{text}' is not KEY=VALUE")
    k, v = text.split("=", 1)
    if not k:
        raise ValueError(f"'{text}' has an empty key")
    return k, v


def convert_json_object(text: str) -> dict:
    if text.startswith("@") or text.lstrip().startswith("{"):
        return parse_data_json(text)
    raise ValueError("must be a JSON object such as '{\"key\": \"value\"}' or @file.json")


def convert_json_items(text: str) -> list[dict]:
    """A list-of-objects flag takes one object per use, or an array of them at once."""
    if text.startswith("@") or text.lstrip()[:1] in ("{", "["):
        return parse_json_items(text)
    raise ValueError("must be a JSON object or an array of objects, such as '{\"key\": \"value\"}' or @file.json")


def convert_value(spec: FlagSpec, text: str) -> Any:
    """One value of a flag, checked. ``''`` for a map or a list flag unsets the whole param where
    the API allows that (its help says "'' unsets it"), and is refused elsewhere."""
    if text == "" and spec.kind in ("map", "list", "jsonlist", "json"):
        if spec.param.get("emptyable"):
            return ""
        what = {"map": "map", "json": "object"}.get(spec.kind, "list")
        raise ValueError(f"'' would unset the {what}, which the API does not allow here: give a value")
    if spec.kind == "map":
        return convert_map_pair(text)
    if spec.kind == "jsonlist":
        return convert_json_items(text)
    if spec.kind == "json":
        return convert_json_object(text)
    return convert_scalar(spec.item, text, INTEGER_BOUNDS.get(spec.dest))


def collect(specs: list[FlagSpec], values: list[Any]) -> dict[str, Any]:
    """The params tree from the parsed flag values (``None`` or ``()`` = not given).

    Raises ``ValueError`` naming the flag when ``''`` (unset) is given with other values."""
    tree: dict[str, Any] = {}
    for spec, value in zip(specs, values):
        if value is None or value == ():
            continue
        if spec.kind in ("map", "list", "jsonlist") and "" in value:
            if len(value) > 1:
                raise ValueError(f"invalid value for {spec.flag}: '' unsets it, so give it alone")
            set_path(tree, list(spec.dest), "")
        elif spec.kind == "map":
            for k, v in value:
                set_path(tree, list(spec.dest) + [k], v)
        elif spec.kind == "json":
            node: Any = tree
            for key in spec.dest[:-1]:
                node = node.setdefault(key, {})
            last = spec.dest[-1]
            node[last] = deep_merge(value, node[last]) if isinstance(node.get(last), dict) and isinstance(value, dict) else value
        elif spec.kind == "jsonlist":
            set_path(tree, list(spec.dest), [item for items in value for item in items])
        elif spec.kind == "list":
            set_path(tree, list(spec.dest), list(value))
        else:
            set_path(tree, list(spec.dest), value)
    return tree


def missing_required(params: list[dict], given: dict[str, Any], prefix: str = "--") -> str | None:
    """The first required param (top level, or inside an object that was given) left out."""
    for p in params:
        name = p["name"]
        flag = prefix + kebab(name)
        if name not in given:
            if p.get("required"):
                return f"{flag} ({describe_type(p)})"
            continue
        value = given[name]
        children = p.get("children")
        if children and isinstance(value, dict) and not p.get("map"):
            found = missing_required(children, value, flag + ".")
            if found:
                return found
        items = p.get("items", {})
        if p.get("type") == "array" and items.get("children") and isinstance(value, list):
            for element in value:
                if isinstance(element, dict):
                    found = missing_required(items["children"], element, flag + "[].")
                    if found:
                        return found
    return None

