"""Every input line checked against the operation and turned into a request, before any is sent.

A line's fields are the operation's path ids (by their name, e.g. ``customer``, or ``id`` for the
last one) and its params. The params given on the command line (typed flags, ``-d``,
``--data-json``) apply to every line; a line's own fields win over them.

The check is the model's, the one the emulator answers with (``stripecli.model.params``,
Stripe's rules: unknown params, types, enums, required params, what may be unset with ``""``).
Values in a file are API values, as the API takes them: timestamps are Unix seconds (the
relative forms flags accept, such as ``+30d``, would change between a run and its resumption).

Each planned line has a digest of exactly what it sends: the journal matches lines across runs
by number and digest, and the Idempotency-Key includes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from stripecli.bulk.source import Line

__all__ = ["Planned", "Invalid", "plan", "id_field", "field_names", "digest_params"]


@dataclass(frozen=True)
class Planned:
    line: int
    request: Any            # stripecli.api.request.ApiRequest
    digest: str
    target_id: str | None   # the last path id (deletes and actions), for output and the journal


@dataclass(frozen=True)
class Invalid:
    line: int
    message: str


def id_field(op: dict) -> str | None:
    """The field a bare id fills: the operation's last path parameter."""
    path_params = op.get("path_params") or []
    return path_params[-1]["name"] if path_params else None


def field_names(op: dict) -> list[str]:
    """Every top-level field a line may have (path ids, ``id``, params)."""
    names = [p["name"] for p in op.get("path_params") or []]
    if names and "id" not in names:
        names.append("id")
    names += [p["name"] for p in op.get("params") or []]
    return names


def digest_params(method: str, path: str, params: Any) -> str:
    text = json.dumps([method, path, params], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan(op: dict, lines: list[Line], base_params: dict[str, Any]) -> tuple[list[Planned], list[Invalid]]:
    """The requests of the valid lines, and the reason for each invalid one, in input order."""
    planned: list[Planned] = []
    invalid: list[Invalid] = []
    for line in lines:
        if line.error is not None:
            invalid.append(Invalid(line.number, line.error))
            continue
        try:
            planned.append(_plan_line(op, line, base_params))
        except LineError as exc:
            invalid.append(Invalid(line.number, str(exc)))
    return planned, invalid


class LineError(ValueError):
    pass


def _plan_line(op: dict, line: Line, base_params: dict[str, Any]) -> Planned:
    from stripecli.api.request import ApiRequest, PathError, fill_path
    from stripecli.surface.values import deep_merge

    fields = dict(line.params or {})
    if line.indexed:
        from stripecli.surface.values import shape_lists

        try:
            fields = shape_lists(fields, op.get("params") or [])
        except ValueError as exc:
            raise LineError(str(exc)) from None
    path_ids = _take_path_ids(op, fields)
    params = deep_merge(base_params, fields) if base_params else fields
    _check(op, params)
    try:
        path = fill_path(op["path"], [value for _, value in path_ids], [f"'{name}'" for name, _ in path_ids])
    except PathError as exc:
        raise LineError(str(exc)) from None
    request = ApiRequest(
        method=op["method"],
        path=path,
        params=params,
        stripe_version=op.get("stripe_version"),
        base=op.get("base", "api"),
        headers=op.get("headers", {}),
    )
    target = path_ids[-1][1] if path_ids else None
    return Planned(line.number, request, digest_params(op["method"], path, params), target)


def _take_path_ids(op: dict, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """Remove the path ids from ``fields``: ``[(name, value), ...]`` in path order."""
    path_params = [p["name"] for p in op.get("path_params") or []]
    if not path_params:
        return []
    body_names = {p["name"] for p in op.get("params") or []}
    last = path_params[-1]
    if "id" not in path_params and "id" not in body_names and "id" in fields:
        if last in fields:
            raise LineError(f"give the {last} as '{last}' or as 'id', not both")
        fields[last] = fields.pop("id")
    out = []
    for name in path_params:
        if name not in fields:
            hint = " (or 'id')" if name == last and "id" not in path_params and "id" not in body_names else ""
            raise LineError(f"missing the {name}: add a '{name}'{hint} field")
        value = fields.pop(name)
        if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).strip() == "":
            raise LineError(f"'{name}' must be a non-empty id, not {json.dumps(value)}")
        out.append((name, str(value).strip()))
    return out


def _check(op: dict, params: dict[str, Any]) -> None:
    from stripecli.model.params import ParamError, validate

    specs = op.get("params") or []
    try:
        validate(specs, params)
    except ParamError as err:
        message = err.message
        if err.param and err.param not in message:
            message += f" (param {err.param})"
        if err.code == "parameter_unknown" and err.param and "[" not in err.param:
            import difflib

            close = difflib.get_close_matches(err.param, [s["name"] for s in specs], n=1)
            if close:
                message += f" (did you mean {close[0]}?)"
        raise LineError(message) from None
