"""What lists and searches share: ``limit``, the filters a list takes from its params (equality
on object fields, ``created[gte]`` ranges, the families' own filters), (search page tokens are in search.py)."""

from __future__ import annotations

from typing import Any

from stripecli.emulator import behaviours, schema
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError
from stripecli.emulator.tables import json_field

PAGING = ("limit", "starting_after", "ending_before", "expand", "page", "query", "created")


def limit_of(params: dict[str, Any]) -> int:
    raw = params.get("limit", 10)
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise EmulatorError(400, "Invalid integer: %s" % raw, code="parameter_invalid_integer", param="limit") from None
    if limit < 1:
        raise EmulatorError(400, "This value must be greater than or equal to 1.", code="parameter_invalid_integer",
                            param="limit")
    if limit > 100:
        raise EmulatorError(400, "This value must be less than or equal to 100.", code="parameter_invalid_integer",
                            param="limit")
    return limit


def _range(column_or_path: str, value: Any, json_path: bool) -> list[tuple[str, tuple]]:
    lhs, pre = json_field(*column_or_path.split(".")) if json_path else (column_or_path, ())
    ops = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
    if isinstance(value, dict):
        return [("%s %s ?" % (lhs, ops[k]), pre + (int(v),)) for k, v in value.items() if k in ops and v != ""]
    if value == "" or value is None:
        return []
    return [("%s = ?" % lhs, pre + (int(value),))]


def range_conditions(column: str, value: Any) -> list[tuple[str, tuple]]:
    """``created[gte]=...`` (or ``created=...``) on a column: SQL conditions with their values."""
    return _range(column, value, json_path=False)


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return 1 if value else 0
    return value


def list_conditions(ctx: Context, object_type: str, params: dict[str, Any]) -> list[tuple[str, tuple]]:
    """Equality filters on object fields (customer, status, type, recurring[interval] ...) and
    ranges (``created[gte]``); params that name no field of the object are accepted and ignored."""
    where: list[tuple[str, tuple]] = []
    path_names = set(ctx.route.param_names)
    handled = behaviours.list_filters(ctx, object_type, params, where)
    fields = schema.fields(object_type)
    for name, value in params.items():
        if name in PAGING[:5] or name in path_names or name in handled:
            continue
        if name == "created":
            where.extend(_range("created", value, json_path=False))
            continue
        if name not in fields:
            continue
        if isinstance(value, dict):
            if set(value) <= {"gt", "gte", "lt", "lte"}:
                where.extend(_range(name, value, json_path=True))
            else:
                for path, leaf in _leaves(name, value):
                    where.append(_equals(path.split("."), _sql_value(leaf)))
            continue
        if isinstance(value, list) or value == "":
            continue
        where.append(_equals([name], _sql_value(value)))
    return where


def _equals(path: list[str], value: Any) -> tuple[str, tuple]:
    sql, args = json_field(*path)
    return sql + " = ?", args + (value,)


def _leaves(prefix: str, value: dict[str, Any]):
    for key, item in value.items():
        path = "%s.%s" % (prefix, key)
        if isinstance(item, dict):
            yield from _leaves(path, item)
        elif not isinstance(item, list) and item != "":
            yield path, item


def catalogue_page(ctx: Context, listed: list[dict[str, Any]], params: dict[str, Any], limit: int) -> dict[str, Any]:
    """A page of a catalogue (objects answered from data, in the data's order): equality filters
    on top-level fields, ``starting_after`` / ``ending_before`` by id."""
    from stripecli.emulator.errors import no_such

    fields = schema.fields(ctx.route.object)
    path_names = set(ctx.route.param_names)
    matched = [obj for obj in listed
               if all(obj.get(name) == value for name, value in params.items()
                      if name not in PAGING and name not in path_names and name in fields
                      and not isinstance(value, (dict, list)) and value != "")]
    ids = [obj["id"] for obj in matched]
    start, end = 0, len(matched)
    for name in ("starting_after", "ending_before"):
        cursor = params.get(name)
        if cursor:
            if cursor not in ids:
                raise no_such(schema.display_name(ctx.route.object), cursor, param=name)
            if name == "starting_after":
                start = ids.index(cursor) + 1
            else:
                end = ids.index(cursor)
                start = max(0, end - limit)
            break
    page = matched[start:min(end, start + limit)]
    more = (start + limit < end) if not params.get("ending_before") else start > 0
    url = ctx.route.path
    for name, value in ctx.values.items():
        url = url.replace("{%s}" % name, value, 1)
    return {"object": "list", "data": page, "has_more": more, "url": url}
