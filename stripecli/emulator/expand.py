"""``expand``: ids replaced by the objects the emulator holds, on objects, list items and through
nested paths, and the fields Stripe only includes on request (a family's ``includable``)."""

from __future__ import annotations

from typing import Any

from stripecli.emulator import behaviours, schema
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid


def expand(ctx: Context, result: dict[str, Any], paths: list[str], *, is_list: bool) -> dict[str, Any]:
    if not paths:
        return result
    for path in paths:
        if path == "total_count":
            continue
        if is_list:
            if not path.startswith("data."):
                raise invalid("This property cannot be expanded (%s). You may want to try expanding 'data.%s' instead."
                              % (path, path), param="expand")
            for item in result.get("data", ()):
                _expand_path(ctx, item, path[len("data."):].split("."), path)
        else:
            _expand_path(ctx, result, path.split("."), path)
    return result


def _expand_path(ctx: Context, obj: Any, parts: list[str], full: str) -> None:
    if not isinstance(obj, dict) or not parts:
        return
    name = parts[0]
    value = obj.get(name)
    object_type = obj.get("object")
    if isinstance(value, dict):
        if value.get("object") == "list" and len(parts) > 1 and parts[1] == "data":
            for item in value.get("data", ()):
                _expand_path(ctx, item, parts[2:], full)
        else:
            _expand_path(ctx, value, parts[1:], full)
        return
    include = behaviours.includable(object_type or "", name)
    if include is not None:  # a field Stripe leaves out unless it is expanded (customer.subscriptions)
        obj[name] = include(ctx, obj)
        _expand_path(ctx, obj[name], parts[1:], full)
        return
    known = bool(object_type) and schema.known_type(object_type)
    if known and schema.expandable_targets(object_type, name) is None:
        raise invalid("This property cannot be expanded (%s)." % full, param="expand")
    if isinstance(value, str):
        found = ctx.find(value)
        if found is not None:
            obj[name] = behaviours.render(ctx, found)
            _expand_path(ctx, obj[name], parts[1:], full)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                found = ctx.find(item)
                if found is not None:
                    value[i] = behaviours.render(ctx, found)
            _expand_path(ctx, value[i], parts[1:], full)
