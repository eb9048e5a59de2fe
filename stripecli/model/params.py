"""Parameters checked and converted against an operation's params (the model's ``params``), as
Stripe does it.

- a name the operation does not take: ``parameter_unknown`` with ``param`` (``a[b]`` for a nested
  one); ``expand`` is always accepted;
- a required one absent: ``parameter_missing`` (nested ones only when their parent is given);
- a value of the wrong type: ``parameter_invalid_integer``, ``_number``, ``_boolean``,
  ``_timestamp``, ``_enum``, ``_string``, ``_object``, ``_array``; an empty string where the
  param cannot be unset: ``parameter_invalid_empty``.

Each is a ``ParamError`` carrying Stripe's code, message and param. The emulator answers it as a
400 (``emulator/validate.py``); ``--from`` (``bulk/plan.py``) refuses the input line with it before
anything is sent. Neutral: imports neither the CLI nor the emulator.

Values come out typed: integers and timestamps as ``int``, numbers as ``int`` or ``float``,
booleans as ``bool``, arrays as lists. An empty string (unset) stays ``""``; a listed literal
(``now``, ``max_period_end``) stays a string.
"""

from __future__ import annotations

import re
from typing import Any


class ParamError(ValueError):
    """A param Stripe would refuse: its error ``code``, ``message`` and ``param`` (the dotted name)."""

    def __init__(self, code: str, message: str, param: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


def unknown_param(name: str) -> ParamError:
    return ParamError("parameter_unknown", "Received unknown parameter: %s" % name, name)


def missing_param(name: str) -> ParamError:
    return ParamError("parameter_missing", "Missing required param: %s." % name, name)


_INT = re.compile(r"^-?\d+$")
_NUM = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")

# cursor and paging params a list or search endpoint always takes even if a model omits them
_ALWAYS = ("expand",)


def _name(path: str, key: Any) -> str:
    return "%s[%s]" % (path, key) if path else str(key)


def _bad(code: str, message: str, param: str) -> ParamError:
    return ParamError(code, message, param)


def validate(specs: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """The params of one operation, checked and converted; raises ``ParamError``."""
    by_name = {s["name"]: s for s in specs}
    out: dict[str, Any] = {}
    for name, value in params.items():
        spec = by_name.get(name)
        if spec is None:
            if name in _ALWAYS:
                out[name] = expand_list(value)
                continue
            raise unknown_param(name)
        out[name] = coerce(spec, value, name)
    for spec in specs:
        if spec.get("required") and spec["name"] not in out:
            raise missing_param(spec["name"])
    return out


def expand_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [str(v) for _, v in sorted(value.items(), key=lambda kv: _index(kv[0]))]
    if isinstance(value, list):
        return [str(v) for v in value]
    raise _bad("parameter_invalid_array", "Invalid array", "expand")


def _index(key: str) -> int:
    return int(key) if _INT.match(key) else 1 << 30


def coerce(spec: dict[str, Any], value: Any, path: str) -> Any:
    kind = spec.get("type")
    if value == "":
        if spec.get("emptyable") or (kind == "string" and not spec.get("required")):
            return ""
        if kind == "string":
            raise missing_param(path)
        raise _bad(
            "parameter_invalid_empty",
            "You passed an empty string for '%s'. We assume empty values are an attempt to unset a "
            "parameter; however '%s' cannot be unset. You should remove '%s' from your request or "
            "supply a non-empty value." % (path, path, path),
            path,
        )
    literals = spec.get("literals")
    if literals and isinstance(value, str) and value in literals:
        return value
    children = spec.get("children")
    if isinstance(value, dict) and kind != "array" and (children or kind == "object"):
        return _object(spec, value, path)
    if kind == "object":
        raise _bad("parameter_invalid_object", "Invalid object: %s must be a hash (use %s[key]=value)" % (path, path), path)
    if kind == "array":
        return _array(spec, value, path)
    if isinstance(value, (dict, list)):
        if kind == "string":
            raise _bad("parameter_invalid_string", "Invalid string: %s must be a string, not a hash" % path, path)
        raise _bad("parameter_invalid_%s" % kind, "Invalid %s: %s must not be a hash" % (kind, path), path)
    text = str(value)
    if kind == "string":
        return text
    if kind == "integer":
        if not _INT.match(text):
            raise _bad("parameter_invalid_integer", "Invalid integer: %s" % text, path)
        return int(text)
    if kind == "timestamp":
        if not _INT.match(text):
            allowed = " or ".join(["an integer Unix timestamp"] + ["'%s'" % x for x in (literals or ())])
            raise _bad("parameter_invalid_timestamp", "Invalid timestamp: %s (%s must be %s)" % (text, path, allowed), path)
        return int(text)
    if kind == "number":
        if not _NUM.match(text):
            raise _bad("parameter_invalid_number", "Invalid decimal: %s" % text, path)
        number = float(text)
        if _INT.match(text):
            return int(text)
        return number
    if kind == "boolean":
        lowered = text.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        raise _bad("parameter_invalid_boolean", "Invalid boolean: %s (%s must be true or false)" % (text, path), path)
    if kind == "enum":
        values = spec.get("values") or []
        if text not in values and not (literals and text in literals):
            choices = list(values) + list(literals or ())
            shown = ", ".join(choices[:-1]) + (" or " if len(choices) > 1 else "") + choices[-1] if choices else ""
            raise _bad("parameter_invalid_enum", "Invalid %s: must be one of %s" % (path, shown), path)
        return text
    return text


def _object(spec: dict[str, Any], value: dict[str, Any], path: str) -> dict[str, Any]:
    children = spec.get("children")
    if spec.get("map") or not children:
        for key, item in value.items():
            if isinstance(item, dict) and spec.get("map"):
                raise _bad("parameter_invalid_string", "Invalid string: %s must be a string" % _name(path, key), _name(path, key))
        return dict(value)
    by_name = {c["name"]: c for c in children}
    out: dict[str, Any] = {}
    for key, item in value.items():
        child = by_name.get(key)
        if child is None:
            raise unknown_param(_name(path, key))
        out[key] = coerce(child, item, _name(path, key))
    for child in children:
        if child.get("required") and child["name"] not in out:
            raise missing_param(_name(path, child["name"]))
    return out


def _array(spec: dict[str, Any], value: Any, path: str) -> list[Any]:
    if isinstance(value, dict):
        if not all(_INT.match(k) for k in value):
            raise _bad("parameter_invalid_array", "Invalid array: %s must be a list (use %s[0]=...)" % (path, path), path)
        items = [v for _, v in sorted(value.items(), key=lambda kv: int(kv[0]))]
    elif isinstance(value, list):
        items = value
    else:
        raise _bad("parameter_invalid_array", "Invalid array: %s must be a list (use %s[0]=...)" % (path, path), path)
    item_spec = spec.get("items") or {"type": "string"}
    return [coerce(item_spec, item, _name(path, i)) for i, item in enumerate(items)]
