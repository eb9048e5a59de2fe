"""Stripe's search query language, enough of it to filter stored objects, run in SQL.

``email:'jenny@example.com'``, ``metadata['order']:'6735'``, ``name~'jen'`` (substring),
``created>1700000000``, ``-status:'canceled'`` (negation), ``field:null``; clauses joined by
``AND`` or by ``OR`` (not both, as in Stripe).

A query becomes one SQL condition on the stored JSON (``to_sql``), so SQLite filters the objects
without Python parsing any of them, and the expression indexes of ``store.INDEXED_FIELDS`` serve
exact matches such as ``email:'...'`` or ``status:'active'``. Pages are keyset pages: the page
token holds the ``(created, seq)`` position of the last object returned, and the next page starts
right after it, so paging through every result reads each matching object once.

``compile_query`` gives the same query as a Python predicate on one object: it states the
semantics in plain code, and a test holds the SQL to it. Substring matches (``~``) and the
booleans' ``true``/``false`` compare case-insensitively for ASCII letters.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any, Callable, NamedTuple

from stripecli.emulator.errors import invalid
from stripecli.emulator.tables import INDEXED_FIELDS, TEXT_FIELDS, json_field, search_number

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


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _fold(text: str) -> str:
    """Lower-case ASCII letters only, as SQLite's ``lower()`` does."""
    return text.translate(_ASCII_LOWER)


def _text(have: Any) -> str:
    if isinstance(have, bool):
        return "true" if have else "false"
    return str(have)


def _number(x: Any) -> float | None:
    return None if isinstance(x, bool) else search_number(x)


class Clause(NamedTuple):
    path: list[str]
    op: str
    want: Any
    negate: bool


def _matches(clause: Clause, obj: dict) -> bool:
    path, op, want, negate = clause
    have = _lookup(obj, path)
    if isinstance(have, (dict, list)):  # search compares scalars only
        ok = False
    elif op == ":":
        if want is None:
            ok = have is None
        elif isinstance(want, (int, float)):
            ok = _number(have) == float(want)
        elif isinstance(have, bool):
            ok = _text(have) == _fold(str(want))
        else:
            ok = have is not None and _text(have) == str(want)
    elif op == "~":
        ok = have is not None and _fold(str(want)) in _fold(_text(have))
    else:
        a, b = _number(have), _number(want)
        ok = a is not None and b is not None and {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
    return not ok if negate else ok


def parse(query: str) -> tuple[list[Clause], str]:
    """The clauses of a query and how they are joined (``AND`` or ``OR``); 400 with ``param:
    query`` if it cannot be parsed."""
    text = query.strip()
    if not text:
        raise invalid("Missing required param: query.", param="query", code="parameter_missing")
    clauses: list[Clause] = []
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
        clauses.append(Clause(_field_path(m.group("field")), m.group("op"), _value(m.group("value")),
                              bool(m.group("neg"))))
        expect_clause = False
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if expect_clause:
        raise invalid("Invalid search query: it ends with a conjunction.", param="query")
    if len(conjunctions) > 1:
        raise invalid("Invalid search query: AND and OR cannot be combined in one query.", param="query")
    return clauses, "OR" if "OR" in conjunctions else "AND"


def compile_query(query: str) -> Callable[[dict], bool]:
    """The query as a predicate on one object (the reference for ``to_sql``)."""
    clauses, conjunction = parse(query)
    if conjunction == "OR":
        return lambda obj: any(_matches(c, obj) for c in clauses)
    return lambda obj: all(_matches(c, obj) for c in clauses)


def _clause_sql(clause: Clause) -> tuple[str, list[Any]]:
    path, op, want, negate = clause
    value, args = json_field(*path)
    kind = value.replace("json_extract(", "json_type(", 1)
    # every use of the value or its type repeats the path's arguments (none for plain names)
    number = ("(CASE %s WHEN 'integer' THEN %s WHEN 'real' THEN %s WHEN 'text' THEN search_number(%s) END)"
              % (kind, value, value, value))
    number_args = list(args) * 4
    if path == ["created"]:  # the indexed column, always the object's own ``created``
        number, number_args = "created", []
    if op == ":" and want is None:
        sql, out = "%s IS NULL" % value, list(args)
    elif op == ":" and isinstance(want, (int, float)):
        sql, out = "%s = ?" % number, number_args + [float(want)]
    elif op == ":" and not _looks_special(str(want)):
        # the plain case, and the one the expression indexes serve: text equal to text
        sql, out = "%s = ? AND %s = 'text'" % (value, kind), list(args) + [str(want)] + list(args)
    elif op == ":":
        sql = ("(CASE %s WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END = ? OR CASE %s WHEN 'text' THEN %s "
               "WHEN 'integer' THEN CAST(%s AS TEXT) WHEN 'real' THEN CAST(%s AS TEXT) END = ?)"
               % (kind, kind, value, value, value))
        out = list(args) + [_fold(str(want))] + list(args) * 4 + [str(want)]
    elif op == "~":
        sql = ("instr(lower(CASE %s WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'text' THEN %s "
               "WHEN 'integer' THEN CAST(%s AS TEXT) WHEN 'real' THEN CAST(%s AS TEXT) END), ?) > 0"
               % (kind, value, value, value))
        out = list(args) * 4 + [_fold(str(want))]
    else:
        bound = _number(want)
        if bound is None:
            sql, out = "0", []
        else:
            sql, out = "%s %s ?" % (number, op), number_args + [bound]
    if negate:
        return "NOT COALESCE((%s), 0)" % sql, out
    return "(%s)" % sql, out


def _looks_special(text: str) -> bool:
    """Text that also equals a stored number or boolean (``'5'``, ``'true'``)."""
    return _fold(text) in ("true", "false") or _number(text) is not None


def to_sql(query: str) -> tuple[str, list[Any]]:
    """The query as one SQL condition on the ``objects`` table, and its arguments."""
    clauses, conjunction = parse(query)
    parts = [_clause_sql(c) for c in clauses]
    sql = (" %s " % conjunction).join(p[0] for p in parts)
    return "(%s)" % sql, [a for p in parts for a in p[1]]


def _side_field(clause: Clause) -> str | None:
    """The ``search_values`` field that answers this clause alone, if one does."""
    path, op, want, negate = clause
    if negate or not ((path[0] in TEXT_FIELDS and len(path) == 1) or (path[0] == "metadata" and len(path) == 2)):
        return None
    # numbers are in the side table as text the way Python prints them, so '6735' finds 6735;
    # booleans compare case-insensitively, which the table's exact values cannot do
    if op == "~" or (op == ":" and isinstance(want, str) and _fold(want) not in ("true", "false")):
        return ".".join(path)
    return None


COLUMNS = "objects.seq, objects.id, objects.type, objects.parent, objects.created, objects.data"


def page_query(query: str, types: tuple[str, ...], after: tuple[int, int] | None, limit: int) -> tuple[str, list]:
    """SQL for one page of a search (``limit + 1`` rows, newest first, after ``after``).

    An exact match on an indexed field (``email:'...'``) reads that field's expression index. A
    query whose clauses are all required (AND) and one of which the side table answers (a
    substring of ``name``, a metadata value) is driven by ``search_values`` in list order, and
    the other clauses are checked on the few objects it yields. Anything else filters the
    objects of the type newest first.
    """
    clauses, conjunction = parse(query)
    marks = ",".join("?" * len(types))
    indexed = any(c.op == ":" and not c.negate and len(c.path) == 1 and c.path[0] in INDEXED_FIELDS
                  and isinstance(c.want, str) and not _looks_special(c.want) for c in clauses)
    driver = None
    if (conjunction == "AND" or len(clauses) == 1) and not indexed:
        eligible = [c for c in clauses if _side_field(c)]
        eligible.sort(key=lambda c: c.op != ":")  # an exact value before a substring
        driver = eligible[0] if eligible else None
    if driver is None:
        sql, args = to_sql(query)
        where, order = "objects.type IN (%s) AND %s" % (marks, sql), "objects.created DESC, objects.seq DESC"
        args = list(types) + args
        position = "(objects.created, objects.seq) < (?, ?)"
        source = "objects"
    else:
        match = "sv.value = ?" if driver.op == ":" else "instr(lower(sv.value), ?) > 0"
        wanted = driver.want if driver.op == ":" else _fold(str(driver.want))
        where = "sv.object_type IN (%s) AND sv.field = ? AND %s" % (marks, match)
        args = list(types) + [_side_field(driver), wanted]
        for clause in clauses:
            if clause is not driver:
                sql, more = _clause_sql(clause)
                where += " AND " + sql
                args += more
        order = "sv.object_created DESC, sv.object_seq DESC"
        position = "(sv.object_created, sv.object_seq) < (?, ?)"
        source = "search_values AS sv JOIN objects ON objects.seq = sv.object_seq"
    if after is not None:
        where += " AND " + position
        args += list(after)
    return "SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT ?" % (COLUMNS, source, where, order), args + [limit + 1]


def page_token(created: int, seq: int) -> str:
    """The ``next_page`` token: where the page that was just returned ended."""
    return base64.urlsafe_b64encode(json.dumps([created, seq]).encode()).decode().rstrip("=")


def page_position(token: Any) -> tuple[int, int] | None:
    """The position a ``page`` token resumes after (None for the first page); 400 if it is not
    one this emulator gave out."""
    if not token:
        return None
    try:
        padded = str(token) + "=" * (-len(str(token)) % 4)
        created, seq = json.loads(base64.urlsafe_b64decode(padded))
        if type(created) is not int or type(seq) is not int:
            raise ValueError(token)
        return created, seq
    except Exception:
        raise invalid("Invalid page token: %s" % token, param="page") from None
