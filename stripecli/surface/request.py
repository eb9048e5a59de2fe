"""From a parsed command line to an ``ApiRequest``: path params filled in, params merged and checked.

Used by every generated verb, ``stripecli request`` and the hand-written test-clock commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from stripecli.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.api.request import ApiRequest
    from stripecli.model.shapes import Operation, Param
    from stripecli.surface.options import GlobalOptions
    from stripecli.surface.params import FlagSpec


def build_params(params: list[Param], specs: list[FlagSpec], values: list[Any], opts: GlobalOptions) -> dict[str, Any]:
    """Merge ``--data-json`` < ``-d`` < typed flags, then check what ``params`` require."""
    from stripecli.surface.params import collect, missing_required
    from stripecli.surface.values import deep_merge, parse_data_json, parse_data_pair, set_path, shape_lists

    merged: dict[str, Any] = {}
    if opts.data_json is not None:
        try:
            merged = parse_data_json(opts.data_json)
        except ValueError as exc:
            raise UsageError(f"invalid value for --data-json: {exc}") from None
    if opts.data:
        pairs: dict[str, Any] = {}
        try:
            for text in opts.data:
                path, value = parse_data_pair(text)
                set_path(pairs, path, value)
            pairs = shape_lists(pairs, params)
        except ValueError as exc:
            raise UsageError(f"invalid value for -d/--data: {exc}") from None
        merged = deep_merge(merged, pairs)
    try:
        merged = deep_merge(merged, collect(specs, values))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    missing = missing_required(params, merged)
    if missing:
        raise UsageError(f"missing required {missing}: give the flag, -d or --data-json")
    return merged


def extra_params(opts: GlobalOptions) -> dict[str, Any]:
    """The params given only through ``-d`` and ``--data-json`` (commands without typed flags)."""
    return build_params([], [], [], opts)


def fill_path(op: Operation, values: list[str]) -> str:
    """The operation's path with its ids filled in (``stripecli.api.request.fill_path``); an empty
    or dots-only id is a usage error naming the argument."""
    from stripecli.api.request import PathError, fill_path as fill

    names = [pp.get("metavar") or pp["name"].upper() for pp in op.get("path_params", [])]
    try:
        return fill(op["path"], values, names)
    except PathError as exc:
        raise UsageError(str(exc)) from None


def operation_request(op: Operation, path_values: list[str], specs: list[FlagSpec], values: list[Any],
                      opts: GlobalOptions) -> ApiRequest:
    """The request a generated verb sends."""
    from stripecli.api.request import ApiRequest

    return ApiRequest(
        method=op["method"],
        path=fill_path(op, path_values),
        params=build_params(op.get("params", []), specs, values, opts),
        stripe_version=op.get("stripe_version"),
        base=op.get("base", "api"),
        headers=op.get("headers", {}),
    )
