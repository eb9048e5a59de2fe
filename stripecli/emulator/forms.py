"""Query strings and form bodies in Stripe's bracket notation, parsed into nested dicts.

``a[b][0][c]=x&e[]=1&e[]=2`` becomes ``{"a": {"b": {"0": {"c": "x"}}}, "e": {"0": "1", "1": "2"}}``.
Indexes stay dict keys here: only the operation's parameter types (``validate``) know whether
``{"0": ...}`` is a list or a map with the key ``"0"`` (metadata).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from stripecli.emulator.errors import invalid


def _split_key(key: str) -> list[str]:
    start = key.find("[")
    if start <= 0 or not key.endswith("]"):
        return [key]
    parts = [key[:start]]
    rest = key[start:]
    while rest:
        if not rest.startswith("["):
            return [key]
        end = rest.find("]")
        if end < 0:
            return [key]
        parts.append(rest[1:end])
        rest = rest[end + 1:]
    return parts


def parse_pairs(pairs: list[tuple[str, str]], into: dict[str, Any] | None = None) -> dict[str, Any]:
    root: dict[str, Any] = {} if into is None else into
    for key, value in pairs:
        path = _split_key(key)
        node = root
        for depth, seg in enumerate(path):
            last = depth == len(path) - 1
            if seg == "" and depth > 0:
                seg = str(len(node))  # a[]=x appends
            if last:
                node[seg] = value
                break
            child = node.get(seg)
            if not isinstance(child, dict):
                if child is not None and child != "":
                    raise invalid("Invalid value for %s: it was given both as a value and as a hash" % path[0],
                                  param=path[0])
                child = {}
                node[seg] = child
            node = child
    return root


def parse_query(query_string: str, into: dict[str, Any] | None = None) -> dict[str, Any]:
    if not query_string:
        return {} if into is None else into
    return parse_pairs(parse_qsl(query_string, keep_blank_values=True), into)


def parse_form(body: bytes, into: dict[str, Any] | None = None) -> dict[str, Any]:
    if not body:
        return {} if into is None else into
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid("The request body is not valid UTF-8.") from None
    return parse_query(text, into)
