"""Shared helpers for the command-surface tests: argv for an operation, sample values, curl parsing."""

from __future__ import annotations

import json
import shlex
from urllib.parse import parse_qsl, urlsplit

from stripecli import model


def command_words(group: str, resource: str, verb: str) -> list[str]:
    if model.groups()[group].get("flatten") == resource:
        return [group, verb]
    return [group, resource, verb]


def sample(p: dict):
    """A valid Python value for a param record."""
    t = p.get("type", "string")
    if t == "string":
        return "x_sample"
    if t == "integer":
        return 7
    if t == "number":
        return "1.5"
    if t == "boolean":
        return True
    if t == "enum":
        return p["values"][0]
    if t == "timestamp":
        return 1700000000
    if t == "array":
        return [sample(p.get("items", {"type": "string"}))]
    if t == "object":
        if p.get("map"):
            return {"k": "v"}
        children = p.get("children", [])
        required = [c for c in children if c.get("required")]
        chosen = required or children[:1]
        return {c["name"]: sample(c) for c in chosen}
    raise AssertionError(f"unknown type {t}")


def flags_for(p: dict, value) -> list[str]:
    """Typed flags that give ``value`` to param ``p`` (JSON flags for objects)."""
    flag = "--" + p["name"].replace("_", "-")
    t = p.get("type", "string")
    if t == "boolean":
        return [flag] if value else ["--no-" + flag[2:]]
    if t == "array":
        items = p.get("items", {})
        if items.get("type") in ("object",):
            return [x for v in value for x in (flag, json.dumps(v))]
        return [x for v in value for x in (flag, str(v).lower() if isinstance(v, bool) else str(v))]
    if t == "object":
        if p.get("map"):
            return [x for k, v in value.items() for x in (flag, f"{k}={v}")]
        return [flag, json.dumps(value)]
    return [flag, str(value)]


def parse_curl(line: str) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], dict[str, str]]:
    """(method, path, query pairs, form pairs, headers) from a --dry-run curl line."""
    words = shlex.split(line)
    assert words[0] == "curl"
    method, url, body, headers = "GET", None, "", {}
    i = 1
    while i < len(words):
        w = words[i]
        if w == "-X":
            method = words[i + 1]
            i += 2
        elif w == "-H":
            k, _, v = words[i + 1].partition(": ")
            headers[k] = v
            i += 2
        elif w in ("--data-raw", "-d", "--data"):
            body = words[i + 1]
            i += 2
        elif w.startswith("http"):
            url = w
            i += 1
        else:
            i += 1
    parts = urlsplit(url)
    return (method, parts.path, parse_qsl(parts.query, keep_blank_values=True),
            parse_qsl(body, keep_blank_values=True), headers)


def sent(cli, *argv):
    """(method, path, pairs) that ``stripecli ARGV --dry-run`` prints: the query for GET and
    DELETE, the form for POST."""
    result = cli(*argv, "--dry-run")
    assert result.exit_code == 0, result.stderr
    method, path, query, form, headers = parse_curl(result.stdout.strip())
    return method, path, (form if method == "POST" else query)
