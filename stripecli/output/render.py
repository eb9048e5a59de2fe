"""Render Stripe responses as table, json, jsonl, csv or id, and errors and hints on stderr.

stdout carries data only; progress, hints and errors go to stderr. The formats:

- ``json``: Stripe's response exactly as received: keys in the order received, indented two
  spaces, non-ASCII kept, a trailing newline. ``--fields`` is ignored for json (it is the
  response, unchanged; use jsonl or ``jq`` to pick fields). A list page prints its envelope
  (``object``, ``data``, ``has_more``, ...); ``--all`` prints one JSON array of every object,
  byte for byte what ``json.dumps(objects, indent=2)`` would give.
- ``jsonl``: one compact JSON object per line (``jq -c`` style). With ``--fields`` each line has
  only those keys, named by the dotted path as given: ``--fields id,price.id`` gives
  ``{"id": "si_1", "price.id": "price_1"}``; a path absent from an object gives ``null``.
- ``csv``: a header row, then one row per object, written with the ``csv`` module and ``\\n``
  line endings. Columns are ``--fields`` or the table's default columns; values are raw
  (timestamps and amounts as integers, nested objects as compact JSON, booleans true/false,
  null as an empty cell) so that the file feeds other programs.
- ``id``: one id per line, for ``xargs``; objects without an ``id`` are skipped.
- ``table``: for humans. A list is one row per object with default columns per object type
  (``columns.json``) or ``--fields``; a single object is a two-column field/value table.
  Cells are formatted: timestamps as local ISO times with their offset, amounts in major units
  with their currency (``1000`` usd is ``10.00 USD``, ``1000`` jpy is ``1000 JPY``), expanded
  sub-objects by their id, other nested values as truncated compact JSON. A table needs every
  row to size its columns, so ``--all -o table`` collects all pages and draws the table at the
  end (if interrupted, it draws what was fetched, then the interruption propagates).

Colour only when stdout (or stderr, for stderr text) is a terminal and neither ``NO_COLOR`` nor
``--no-color`` is set; a table written to a pipe has no ANSI escapes and no borders.

This module is imported on every command, so it imports neither rich, csv nor json at module
level; they are imported when a table, CSV or JSON is actually written.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from collections.abc import Iterable
    from typing import Any

    from stripecli.output.env import Environment

FORMATS = ("table", "json", "jsonl", "csv", "id")
OUTPUT_ENV_VAR = "STRIPECLI_OUTPUT"

#: Longest nested value (compact JSON) shown in a table cell before it is cut with "…".
CELL_LIMIT = 60
#: The same for the value column of a single object's field/value table.
VALUE_LIMIT = 120

FALLBACK_COLUMNS = (
    "object", "status", "type", "name", "email", "description", "amount", "currency",
    "customer", "created",
)
FALLBACK_MAX = 6

# Stripe amounts are integers in the currency's minor unit
# (https://docs.stripe.com/currencies#zero-decimal). ISK, HUF and TWD are two-decimal in the API.
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())

_TIMESTAMP_SUFFIXES = ("_at", "_time")
_STATUS_STYLES = {
    "active": "green", "succeeded": "green", "paid": "green", "ready": "green",
    "available": "green", "posted": "green", "complete": "green", "trialing": "cyan",
    "pending": "yellow", "processing": "yellow", "requires_action": "yellow",
    "requires_payment_method": "yellow", "past_due": "yellow", "advancing": "yellow",
    "open": "yellow", "draft": "dim", "internal_failure": "red", "failed": "red",
    "canceled": "red", "unpaid": "red", "incomplete_expired": "red", "void": "dim",
    "uncollectible": "red", "inactive": "dim", "expired": "dim",
}


# --------------------------------------------------------------------------- format choice


def resolve_format(flag: str | None, env: Environment) -> str:
    """The output format: ``--output`` wins, then ``STRIPECLI_OUTPUT``, then ``table`` when
    stdout is a terminal and ``json`` when it is not. Raises ValueError (one line) for a value
    that is not one of FORMATS."""
    if flag:
        value, source = flag, "output format"
    else:
        value = env.environ.get(OUTPUT_ENV_VAR, "").strip()
        if not value:
            return "table" if env.stdout_isatty else "json"
        source = f"{OUTPUT_ENV_VAR} value"
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"invalid {source} {value!r}: choose one of {', '.join(FORMATS)}")
    return fmt


# --------------------------------------------------------------------------- the overlay

_overlay_cache: dict[str, Any] | None = None


def _overlay() -> dict[str, Any]:
    """columns.json, read once, on first use."""
    global _overlay_cache
    if _overlay_cache is None:
        import json

        path = os.path.join(os.path.dirname(__file__), "columns.json")
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        data["timestamp_fields"] = frozenset(data.get("timestamp_fields", ()))
        data["amount_fields"] = frozenset(data.get("amount_fields", ()))
        _overlay_cache = data
    return _overlay_cache


class Column:
    """A column: a header and the dotted paths to try, first present wins."""

    __slots__ = ("header", "paths")

    def __init__(self, header: str, paths: tuple[str, ...] | None = None) -> None:
        self.header = header
        self.paths = paths or (header,)

    def __repr__(self) -> str:
        return f"Column({self.header!r}, {self.paths!r})"

    def lookup(self, obj: Any) -> tuple[Any, Any, str]:
        """(value, the dict holding it, its field name); value None when absent."""
        for path in self.paths:
            found, value, parent, leaf = _walk(obj, path)
            if found:
                return value, parent, leaf
        return None, None, self.paths[0].rsplit(".", 1)[-1]


_MISSING = object()


def _walk(obj: Any, path: str) -> tuple[bool, Any, Any, str]:
    """Follow a dotted path through dicts (and list indexes: ``items.data.0.price``).
    A key that itself contains dots (a metadata key) is matched whole when present."""
    current, parent, leaf = obj, None, path
    rest = path
    while True:
        if isinstance(current, dict) and rest in current:
            return True, current[rest], current, rest
        head, dot, tail = rest.partition(".")
        if isinstance(current, dict):
            nxt = current.get(head, _MISSING)
        elif isinstance(current, list) and head.isdigit() and int(head) < len(current):
            nxt = current[int(head)]
        else:
            nxt = _MISSING
        if nxt is _MISSING:
            return False, None, None, leaf.rsplit(".", 1)[-1]
        if not dot:
            return True, nxt, current, head
        parent, current, rest = current, nxt, tail


def columns_for(
    object_type: str | None, fields: list[str] | None, first_row: dict | None
) -> list[Column]:
    """``--fields``, else the overlay's columns for the object type, else ``id`` plus whichever
    common fields the first row has (up to FALLBACK_MAX)."""
    if fields:
        return [Column(f) for f in fields]
    spec = _overlay()["objects"].get(object_type or "")
    if spec is None and first_row is not None and isinstance(first_row.get("object"), str):
        spec = _overlay()["objects"].get(first_row["object"])
    if spec is not None:
        return [
            Column(c) if isinstance(c, str) else Column(c["header"], tuple(c["paths"]))
            for c in spec
        ]
    cols = [Column("id")]
    if first_row:
        for name in FALLBACK_COLUMNS:
            if len(cols) >= FALLBACK_MAX:
                break
            if name in first_row:
                cols.append(Column(name))
    return cols


# --------------------------------------------------------------------------- cell values


def is_timestamp_field(name: str) -> bool:
    return (
        name == "created"
        or name.endswith(_TIMESTAMP_SUFFIXES)
        or name in _overlay()["timestamp_fields"]
    )


def is_amount_field(name: str) -> bool:
    if "count" in name or name.endswith("_decimal"):
        return False
    return (
        name in _overlay()["amount_fields"]
        or name.startswith(("amount_", "total_", "subtotal_"))
        or name.endswith("_amount")
    )


def format_timestamp(value: int) -> str:
    """Unix seconds -> local ISO time with its offset: ``2025-01-01 00:00:00+00:00``."""
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(value, timezone.utc).astimezone().isoformat(sep=" ")
    except (OverflowError, OSError, ValueError):
        return str(value)


def minor_unit_digits(currency: str) -> int:
    currency = currency.lower()
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def format_amount(value: int, currency: str) -> str:
    """An integer amount in minor units -> ``10.00 USD`` (``1000 JPY`` for zero-decimal)."""
    digits = minor_unit_digits(currency)
    sign = "-" if value < 0 else ""
    if digits == 0:
        return f"{sign}{abs(value)} {currency.upper()}"
    major, minor = divmod(abs(value), 10**digits)
    return f"{sign}{major}.{minor:0{digits}d} {currency.upper()}"


def _compact_json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_cell(name: str, value: Any, parent: Any = None, limit: int = CELL_LIMIT) -> str:
    """A value as a table shows it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if is_timestamp_field(name):
            return format_timestamp(value)
        if is_amount_field(name) and isinstance(parent, dict):
            currency = parent.get("currency")
            if isinstance(currency, str) and currency:
                return format_amount(value, currency)
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):  # an expanded object: show its id
            return value["id"]
        if value.get("object") == "list" and isinstance(value.get("data"), list):
            data = value["data"]
            ids = [d.get("id") for d in data if isinstance(d, dict)]
            if data and len(ids) == len(data) and all(isinstance(i, str) for i in ids):
                more = ", …" if value.get("has_more") else ""
                return _truncate(", ".join(ids) + more, limit)
        return _truncate(_compact_json(value), limit)
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return _truncate(", ".join(str(v) for v in value), limit)
        return _truncate(_compact_json(value), limit)
    return str(value)


def raw_cell(value: Any) -> str:
    """A value as CSV writes it: raw, nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _compact_json(value)
    return str(value)


# --------------------------------------------------------------------------- JSON text


def dump_json(value: Any) -> str:
    """Indented two spaces, keys in the order received, non-ASCII kept; no trailing newline."""
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


def dump_json_line(value: Any) -> str:
    return _compact_json(value)


# --------------------------------------------------------------------------- stderr status


class StatusLine:
    """A one-line status on stderr, redrawn in place with ``\\r`` and cleared with spaces.

    Inactive (writes nothing) unless stderr is a terminal. Never touches stdout."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.active = env.stderr_isatty
        self._shown = 0

    def show(self, text: str) -> None:
        if not self.active:
            return
        pad = " " * max(0, self._shown - len(text))
        self.env.stderr.write("\r" + text + pad)
        self.env.stderr.flush()
        self._shown = len(text)

    def clear(self) -> None:
        if self.active and self._shown:
            self.env.stderr.write("\r" + " " * self._shown + "\r")
            self.env.stderr.flush()
            self._shown = 0


# --------------------------------------------------------------------------- rich tables


def _console(env: Environment, buffer: Any) -> Any:
    from rich.console import Console

    width = env.terminal_width() if env.stdout_isatty else None
    return Console(
        file=buffer,
        force_terminal=env.color,
        no_color=not env.color,
        color_system="auto" if env.color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        force_interactive=False,
        # A pipe gets the table at its natural width: nothing is wrapped or cut.
        width=width or 100_000,
    )


def _write_rich(env: Environment, renderable: Any) -> None:
    import io

    buffer = io.StringIO()
    _console(env, buffer).print(renderable)
    text = buffer.getvalue()
    if not env.color:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    env.stdout.write(text)
    env.stdout.flush()


def _box(env: Environment) -> Any:
    from rich import box

    return box.SIMPLE_HEAD if env.stdout_isatty else None


def _styled(env: Environment, header: str, text: str) -> Any:
    from rich.text import Text

    style = ""
    if env.color:
        if header == "id":
            style = "cyan"
        elif header == "status" or header.endswith(".status"):
            style = _STATUS_STYLES.get(text, "")
    return Text(text, style=style)


def _rows_table(env: Environment, columns: list[Column], rows: list[dict]) -> Any:
    from rich.table import Table

    table = Table(
        box=_box(env),
        show_header=True,
        header_style="bold" if env.color else "",
        pad_edge=env.stdout_isatty,
        show_edge=False,
    )
    for col in columns:
        ident = col.header == "id" or col.header.endswith(".id")
        table.add_column(col.header, no_wrap=ident, overflow="fold")
    for row in rows:
        cells = []
        for col in columns:
            value, parent, leaf = col.lookup(row)
            cells.append(_styled(env, col.header, format_cell(leaf, value, parent)))
        table.add_row(*cells)
    return table


def _object_table(env: Environment, obj: dict, fields: list[str] | None) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=_box(env), show_header=False, pad_edge=env.stdout_isatty, show_edge=False)
    table.add_column("field", no_wrap=True, style="bold" if env.color else "")
    table.add_column("value", overflow="fold")
    columns = [Column(f) for f in fields] if fields else [Column(k, (k,)) for k in obj]
    for col in columns:
        if fields:
            value, parent, leaf = col.lookup(obj)
        else:  # top-level keys, even ones containing dots
            value, parent, leaf = obj[col.header], obj, col.header
        text = format_cell(leaf, value, parent, limit=VALUE_LIMIT)
        table.add_row(Text(col.header), _styled(env, col.header, text))
    return table


# --------------------------------------------------------------------------- page writers


class _Writer:
    """Writes pages of objects in one format; `close` finishes the output."""

    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer
        self.out = renderer.env.stdout

    def _emit(self, text: str) -> None:
        if text:
            self.out.write(text)
            self.out.flush()

    def page(self, items: list) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        pass


class _JsonArrayWriter(_Writer):
    """One JSON array, written page by page: ``[`` with the first item, ``,\\n`` before each
    next one, ``]`` at close (``[]`` when empty). Same bytes as json.dumps(all, indent=2)."""

    def page(self, items: list) -> None:
        parts = []
        for item in items:
            body = "\n".join("  " + line for line in dump_json(item).split("\n"))
            parts.append(("[\n" if self.r.written == 0 else ",\n") + body)
            self.r.written += 1
        self._emit("".join(parts))

    def close(self) -> None:
        self._emit("\n]\n" if self.r.written else "[]\n")


class _JsonlWriter(_Writer):
    def page(self, items: list) -> None:
        cols = [Column(f) for f in self.r.fields] if self.r.fields else None
        lines = []
        for item in items:
            if cols is not None:
                item = {c.header: c.lookup(item)[0] for c in cols}
            lines.append(dump_json_line(item) + "\n")
        self.r.written += len(lines)
        self._emit("".join(lines))


class _IdWriter(_Writer):
    def page(self, items: list) -> None:
        ids = [
            item["id"] + "\n"
            for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]
        self.r.written += len(ids)
        self._emit("".join(ids))


class _CsvWriter(_Writer):
    """Header once (known before the first row: --fields, the overlay, or the first row's
    fields), then one page of rows per write."""

    def __init__(self, renderer: Renderer) -> None:
        super().__init__(renderer)
        self.columns: list[Column] | None = None

    def _rows(self, rows: list[list[str]]) -> str:
        import csv
        import io

        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        return buffer.getvalue()

    def _header(self, first_row: dict | None) -> list[list[str]]:
        if self.columns is not None:
            return []
        self.columns = columns_for(self.r.object_type, self.r.fields, first_row)
        return [[c.header for c in self.columns]]

    def page(self, items: list) -> None:
        if not items and self.columns is None:
            return
        rows = self._header(items[0] if items and isinstance(items[0], dict) else None)
        for item in items:
            rows.append([raw_cell(c.lookup(item)[0]) for c in self.columns])  # type: ignore[union-attr]
        self.r.written += len(items)
        self._emit(self._rows(rows))

    def close(self) -> None:
        if self.columns is None:  # nothing fetched: still a header
            self._emit(self._rows(self._header(None)))


class _TableWriter(_Writer):
    """Collects every row: a table is sized from all of them, so it is drawn at close."""

    def __init__(self, renderer: Renderer) -> None:
        super().__init__(renderer)
        self.rows: list[dict] = []

    def page(self, items: list) -> None:
        self.rows.extend(i for i in items if isinstance(i, dict))

    def close(self) -> None:
        first = self.rows[0] if self.rows else None
        columns = columns_for(self.r.object_type, self.r.fields, first)
        _write_rich(self.r.env, _rows_table(self.r.env, columns, self.rows))
        self.r.written += len(self.rows)


_WRITERS = {
    "json": _JsonArrayWriter,
    "jsonl": _JsonlWriter,
    "csv": _CsvWriter,
    "id": _IdWriter,
    "table": _TableWriter,
}


# --------------------------------------------------------------------------- the renderer


class Renderer:
    """Renders successful responses on ``env.stdout`` in one format.

    ``fields`` are dotted paths picking the columns of table and csv and the keys of jsonl;
    json ignores them. ``object_type`` (e.g. ``"customer"``) picks the default table columns;
    without it the ``object`` field of the first row is used. ``written`` counts the objects
    written so far (also while a stream is running)."""

    def __init__(
        self,
        env: Environment,
        fmt: str,
        fields: list[str] | None = None,
        object_type: str | None = None,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"invalid output format {fmt!r}: choose one of {', '.join(FORMATS)}")
        self.env = env
        self.fmt = fmt
        self.fields = list(fields) if fields else None
        self.object_type = object_type
        self.written = 0

    # -- one object

    def object(self, obj: dict) -> None:
        """A single response (retrieve, create, update, delete, action)."""
        out = self.env.stdout
        if self.fmt == "json" or not isinstance(obj, dict):
            out.write(dump_json(obj) + "\n")
        elif self.fmt == "table":
            _write_rich(self.env, _object_table(self.env, obj, self.fields))
        else:
            writer = _WRITERS[self.fmt](self)
            writer.page([obj])
            writer.close()
            return
        out.flush()
        self.written += 1

    # -- one list or search page

    def list_page(self, resp: dict) -> None:
        """A single list or search response (no --all): json prints the envelope unchanged,
        the other formats its ``data`` as rows. On a terminal, a table of a page with more
        after it is followed by a hint on stderr."""
        if self.fmt == "json":
            self.env.stdout.write(dump_json(resp) + "\n")
            self.env.stdout.flush()
            return
        items = (resp.get("data") or []) if isinstance(resp, dict) else []
        writer = _WRITERS[self.fmt](self)
        writer.page(list(items))
        writer.close()
        if self.fmt == "table" and self.env.stderr_isatty and resp.get("has_more"):
            if resp.get("object") == "search_result" and resp.get("next_page"):
                hint = f"--page {resp['next_page']}"
            elif items and isinstance(items[-1], dict) and items[-1].get("id"):
                hint = f"--starting-after {items[-1]['id']}"
            else:
                hint = None
            more = f"more results: add --all, or {hint}" if hint else "more results: add --all"
            self.env.stderr.write(_paint(self.env, more, "2") + "\n")
            self.env.stderr.flush()

    # -- every page (--all)

    def stream(self, pages: Iterable[list[dict]], progress: bool = True) -> int:
        """Write pages as they arrive and return how many objects were written.

        jsonl, csv and id write and flush each page before the next is requested, holding one
        page at a time; json streams one array; table collects and draws at the end. If the
        page iterator raises (an API error, KeyboardInterrupt), what is already written is
        whole lines, the JSON array is closed, the table is drawn with the rows fetched, and
        the exception propagates. With ``progress`` and stderr a terminal, a live count of the
        objects fetched is shown on stderr and cleared at the end."""
        writer = _WRITERS[self.fmt](self)
        status = StatusLine(self.env) if progress else None
        fetched = 0
        writing_failed = False
        try:
            for page in pages:
                items = page if isinstance(page, list) else list(page)
                del page
                fetched += len(items)
                if status is not None and self.env.stdout_isatty and self.fmt != "table":
                    status.clear()  # stdout rows and the status may share one terminal
                try:
                    writer.page(items)
                except BaseException:
                    writing_failed = True  # e.g. a closed pipe: write nothing more
                    raise
                del items  # hold no page while the next one is fetched
                if status is not None:
                    status.show(f"fetched {fetched} objects…")
        finally:
            if status is not None:
                status.clear()
            if not writing_failed:
                writer.close()
        return self.written


# --------------------------------------------------------------------------- stderr


def _paint(env: Environment, text: str, sgr: str) -> str:
    """ANSI SGR colour for stderr text, only when stderr is a colour terminal."""
    return f"\x1b[{sgr}m{text}\x1b[0m" if env.stderr_color else text


def _error_body(err: Any) -> dict:
    body = getattr(err, "json_body", None)
    if isinstance(body, dict) and body:
        return body if "error" in body else {"error": body}
    error = {
        "message": getattr(err, "message", None) or str(err),
        "type": getattr(err, "type", None),
        "code": getattr(err, "code", None),
        "param": getattr(err, "param", None),
    }
    request_id = getattr(err, "request_id", None)
    if request_id:
        error["request_id"] = request_id
    return {"error": error}


def render_error(env: Environment, fmt: str | None, err: Any, *keys: str) -> None:
    """An error on stderr (never stdout): ``error: <one line>``, or with json/jsonl the error
    object as JSON (Stripe's own body when the error carries one). Duck-typed: uses
    ``one_line()``, ``message``, ``type``, ``code``, ``param``, ``request_id``, ``json_body``
    when present. Secret keys (``keys``, and anything shaped like one) are masked: an API or a
    proxy that echoes the key back must not put it on the screen."""
    from stripecli.redact import clip, redact

    if fmt in ("json", "jsonl"):
        body = _error_body(err)
        text = dump_json(body) if fmt == "json" else dump_json_line(body)
        env.stderr.write(redact(text, *keys) + "\n")
    else:
        one_line = getattr(err, "one_line", None)
        line = one_line() if callable(one_line) else (str(err) or type(err).__name__)
        line = clip(redact(" ".join(str(line).split("\n")).strip(), *keys))
        env.stderr.write(f"{_paint(env, 'error:', '1;31')} {line}\n")
    env.stderr.flush()


def render_resume_hint(env: Environment, cursor: tuple[str, str] | None) -> None:
    """After a stream stopped early: how to carry on (``--starting-after cbtxn_123``)."""
    if not cursor:
        return
    param, value = cursor
    flag = "--" + param.replace("_", "-")
    env.stderr.write(f"stopped early; resume with {flag} {value}\n")
    env.stderr.flush()


def write_binary(env: Environment, data: bytes, what: str = "binary data") -> None:
    """Raw bytes (a quote's PDF) to stdout; refused on a terminal, where they would be garbage."""
    if env.stdout_isatty:
        raise ValueError(f"{what} would be written to the terminal: redirect stdout to a file (> out.pdf)")
    buffer = getattr(env.stdout, "buffer", None)
    if buffer is not None:
        env.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (tests): latin-1 keeps every byte
        env.stdout.write(data.decode("latin-1"))
        env.stdout.flush()
