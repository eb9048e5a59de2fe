"""Render Stripe responses as table, json, jsonl, csv or id: the ``Renderer``.

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

The pieces live beside it, one job each: ``formats`` (which format), ``columns`` (which columns),
``cells`` (how a value shows), ``tables`` (rich tables), ``writers`` (one per format, page by
page), ``errors`` (stderr). They import neither rich, csv nor json at module level: those load
when a table, CSV or JSON is actually written.
"""

from __future__ import annotations

from stripecli.output.cells import dump_json
from stripecli.output.formats import FORMATS
from stripecli.output.writers import WRITERS

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from collections.abc import Iterable

    from stripecli.output.env import Environment


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
            from stripecli.output.tables import object_table, write_rich

            write_rich(self.env, object_table(self.env, obj, self.fields))
        else:
            writer = WRITERS[self.fmt](self)
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
        writer = WRITERS[self.fmt](self)
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
            from stripecli.output.errors import paint

            self.env.stderr.write(paint(self.env, more, "2") + "\n")
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
        writer = WRITERS[self.fmt](self)
        from stripecli.output.progress import StatusLine

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
