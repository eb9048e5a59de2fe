"""The input of a bulk run, read into numbered lines.

Three formats, chosen with ``--from-format`` or detected from the first non-blank line:

- ``jsonl``: one JSON object per line, the params of one request, path ids in their own fields
  (``{"id": "cus_1", "metadata": {"tier": "gold"}}``). Detected when the line starts with ``{``.
- ``csv``: a header row of dot paths (``email``, ``metadata.tier``, ``items.0.price``), then one
  row per request. Cells are text, checked against the model like flag values; an empty cell
  leaves its field out (use JSONL to send an empty string, which unsets a field). Detected when
  the first line has a comma, or is a single known field name (``id``, ``customer``, ...).
- ``ids``: one id per line (what ``-o id`` prints), for deletes and actions. Detected otherwise.

Blank lines are skipped in every format. Line numbers are the physical lines of the input
(1-based; a CSV header is line 1), so that they match what an editor shows.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Iterable

FORMATS = ("jsonl", "csv", "ids")


@dataclass
class Line:
    """One input line: its number, its text, and its params (or why it could not be read)."""

    number: int
    text: str
    params: dict[str, Any] | None = None
    error: str | None = None
    indexed: bool = False  # CSV: digit keys still to become lists where the model has arrays


class SourceError(Exception):
    """The input as a whole cannot be read (no such file, undecodable, a bad CSV header)."""


def read_text(source: str, stdin: Any) -> str:
    """The whole input: ``-`` is ``stdin``, anything else a path."""
    if source == "-":
        data = stdin.read()
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        return data
    try:
        with open(source, encoding="utf-8-sig", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        raise SourceError(f"cannot read {source}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"cannot read {source}: it is a directory") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"cannot read {source}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SourceError(f"cannot read {source}: {exc.strerror or exc}") from None


def detect_format(text: str, field_names: Iterable[str] = ()) -> str:
    """``jsonl``, ``csv`` or ``ids`` from the first non-blank line (see the module docstring)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{"):
        return "jsonl"
    if "," in first or first in set(field_names):
        return "csv"
    return "ids"


def parse(text: str, fmt: str, id_field: str | None) -> list[Line]:
    """The lines of ``text`` in format ``fmt``. ``id_field`` is the field a bare id fills (the
    operation's last path parameter); ``None`` when the operation takes no id."""
    if fmt == "jsonl":
        return list(_jsonl(text))
    if fmt == "csv":
        return _csv(text)
    if fmt == "ids":
        return list(_ids(text, id_field))
    raise ValueError(f"unknown input format {fmt!r} (expected {', '.join(FORMATS)})")


def _jsonl(text: str) -> Iterable[Line]:
    """Each line read as ``--data-json`` reads its value (finite numbers, integers within int64,
    no empty key, bounded depth)."""
    from stripecli.surface.values import parse_data_json

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if not stripped.startswith("{"):
            try:
                kind = _json_kind(json.loads(stripped))
            except (json.JSONDecodeError, RecursionError):
                yield Line(number, raw, error="not valid JSON: each line must be a JSON object of params")
                continue
            yield Line(number, raw, error=f"must be a JSON object of params, not {kind}")
            continue
        try:
            yield Line(number, raw, params=parse_data_json(raw))
        except ValueError as exc:
            yield Line(number, raw, error=str(exc).replace(" at line 1 column ", " at column "))


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _ids(text: str, id_field: str | None) -> Iterable[Line]:
    for number, raw in enumerate(text.splitlines(), start=1):
        value = raw.strip()
        if not value:
            continue
        if id_field is None:
            yield Line(number, raw, error="this command takes no id: give JSONL or CSV params instead")
        elif any(ch.isspace() for ch in value) or "," in value:
            yield Line(number, raw, error=f"'{value}' is not an id (one id per line; use JSONL or CSV for params)")
        else:
            yield Line(number, raw, params={id_field: value})


def _csv(text: str) -> list[Line]:
    from stripecli.surface.values import set_path

    physical = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[list[str]] | None = None
    lines: list[Line] = []
    start = 1
    for row in reader:
        number, end = start, reader.line_num
        raw = "".join(physical[number - 1:end]).rstrip("\r\n")
        start = end + 1
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = _header(row, number)
            continue
        if len(row) > len(header):
            lines.append(Line(number, raw, error=f"{len(row)} cells but the header has {len(header)} columns"))
            continue
        params: dict[str, Any] = {}
        try:
            for path, cell in zip(header, row):
                if cell != "":
                    set_path(params, path, cell)
        except ValueError as exc:
            lines.append(Line(number, raw, error=str(exc)))
            continue
        lines.append(Line(number, raw, params=params, indexed=True))
    return lines


def _header(row: list[str], number: int) -> list[list[str]]:
    from stripecli.surface.values import MAX_DEPTH

    paths: list[list[str]] = []
    seen: set[str] = set()
    for column, cell in enumerate(row, start=1):
        name = cell.strip()
        parts = name.split(".")
        where = f"CSV header (line {number}) column {column}"
        if not name or any(part == "" for part in parts):
            raise SourceError(f"{where}: '{cell}' is not a field path "
                              "(use names joined by dots, such as metadata.tier or items.0.price)")
        if parts[0].isdigit():
            raise SourceError(f"{where}: '{cell}' must start with a field name")
        if len(parts) > MAX_DEPTH:
            raise SourceError(f"{where}: '{cell[:40]}...' is nested more than {MAX_DEPTH} levels deep")
        if name in seen:
            raise SourceError(f"CSV header (line {number}): column '{name}' appears twice")
        seen.add(name)
        paths.append(parts)
    return paths
