"""Stripe's search query language, enough of it to filter stored objects.

``email:'jenny@example.com'``, ``metadata['order']:'6735'``, ``name~'jen'`` (substring),
``created>1700000000``, ``-status:'canceled'`` (negation), ``field:null``; clauses joined by
``AND`` or by ``OR`` (not both, as in Stripe).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from stripecli.emulator.errors import invalid

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<conj>AND|OR)(?=\s)
      | (?P<neg>-)?(?P<field>[A-Za-z_][\w.]*(?:\[(?:'[^']*'|"[^"]*")\])*)
        \s*(?P<op>:|~|>=|<=|>|<)\s*
        (?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s]+)
    )""",
    re.VERBOSE,
)


def _field_path(text: str) -> list[str]:
    head = text.split("[", 1)[0]
    parts = head.split(".")
    for key in re.findall(r"\[(?:'([^']*)'|\"([^\"]*)\")\]", text):
        parts.append(key[0] or key[1])
    return parts


def _value(text: str) -> Any:
    if text[:1] in ("'", '"') and text[-1:] == text[:1]:
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if text == "null":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _lookup(obj: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _number(x: Any) -> float | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _clause(path: list[str], op: str, want: Any, negate: bool) -> Callable[[dict], bool]:
    def test(obj: dict) -> bool:
        have = _lookup(obj, path)
        if isinstance(have, dict) and "id" in have:
            have = have["id"]
        if op == ":":
            if want is None:
                ok = have is None
            elif isinstance(want, (int, float)) and not isinstance(want, bool):
                ok = _number(have) == float(want)
            elif isinstance(have, bool):
                ok = str(have).lower() == str(want).lower()
            else:
                ok = have is not None and str(have) == str(want)
        elif op == "~":
            ok = have is not None and str(want).lower() in str(have).lower()
        else:
            a, b = _number(have), _number(want)
            if a is None or b is None:
                ok = False
            else:
                ok = {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
        return not ok if negate else ok

    return test


def compile_query(query: str) -> Callable[[dict], bool]:
    """A predicate for the query; 400 with ``param: query`` if it cannot be parsed."""
    text = query.strip()
    if not text:
        raise invalid("Missing required param: query.", param="query", code="parameter_missing")
    clauses: list[Callable[[dict], bool]] = []
    conjunctions: set[str] = set()
    pos = 0
    expect_clause = True
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise invalid("Invalid search query: could not parse %r at character %d." % (text[pos:pos + 20], pos + 1),
                          param="query")
        pos = m.end()
        if m.group("conj"):
            if expect_clause:
                raise invalid("Invalid search query: %s without a clause before it." % m.group("conj"), param="query")
            conjunctions.add(m.group("conj"))
            expect_clause = True
            continue
        if not expect_clause:
            raise invalid("Invalid search query: join clauses with AND or OR.", param="query")
        clauses.append(_clause(_field_path(m.group("field")), m.group("op"), _value(m.group("value")),
                               bool(m.group("neg"))))
        expect_clause = False
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if expect_clause:
        raise invalid("Invalid search query: it ends with a conjunction.", param="query")
    if len(conjunctions) > 1:
        raise invalid("Invalid search query: AND and OR cannot be combined in one query.", param="query")
    if "OR" in conjunctions:
        return lambda obj: any(c(obj) for c in clauses)
    return lambda obj: all(c(obj) for c in clauses)
