"""Writers: a list of pages in one format, each page written and flushed before the next is
fetched (json as one array, jsonl, csv, id), or collected and drawn at the end (table)."""

from __future__ import annotations

from stripecli.output.cells import dump_json, dump_json_line, raw_cell
from stripecli.output.columns import Column, columns_for

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from stripecli.output.render import Renderer

class Writer:
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


class _JsonArrayWriter(Writer):
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


class _JsonlWriter(Writer):
    def page(self, items: list) -> None:
        cols = [Column(f) for f in self.r.fields] if self.r.fields else None
        lines = []
        for item in items:
            if cols is not None:
                item = {c.header: c.lookup(item)[0] for c in cols}
            lines.append(dump_json_line(item) + "\n")
        self.r.written += len(lines)
        self._emit("".join(lines))


class _IdWriter(Writer):
    def page(self, items: list) -> None:
        ids = [
            item["id"] + "\n"
            for item in items
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]
        self.r.written += len(ids)
        self._emit("".join(ids))


class _CsvWriter(Writer):
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


class _TableWriter(Writer):
    """Collects every row: a table is sized from all of them, so it is drawn at close."""

    def __init__(self, renderer: Renderer) -> None:
        super().__init__(renderer)
        self.rows: list[dict] = []

    def page(self, items: list) -> None:
        self.rows.extend(i for i in items if isinstance(i, dict))

    def close(self) -> None:
        first = self.rows[0] if self.rows else None
        columns = columns_for(self.r.object_type, self.r.fields, first)
        from stripecli.output.tables import rows_table, write_rich

        write_rich(self.r.env, rows_table(self.r.env, columns, self.rows))
        self.r.written += len(self.rows)


WRITERS = {
    "json": _JsonArrayWriter,
    "jsonl": _JsonlWriter,
    "csv": _CsvWriter,
    "id": _IdWriter,
    "table": _TableWriter,
}
