"""Tables for people, drawn with rich: one row per object, or a field/value table for one object.
Borders and colour only on a terminal; a pipe gets plain aligned text at its natural width."""

from __future__ import annotations

from stripecli.output.cells import VALUE_LIMIT, format_cell
from stripecli.output.columns import Column

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

    from stripecli.output.env import Environment

_STATUS_STYLES = {
    "active": "green", "succeeded": "green", "paid": "green", "ready": "green",
    "available": "green", "posted": "green", "complete": "green", "trialing": "cyan",
    "pending": "yellow", "processing": "yellow", "requires_action": "yellow",
    "requires_payment_method": "yellow", "past_due": "yellow", "advancing": "yellow",
    "open": "yellow", "draft": "dim", "internal_failure": "red", "failed": "red",
    "canceled": "red", "unpaid": "red", "incomplete_expired": "red", "void": "dim",
    "uncollectible": "red", "inactive": "dim", "expired": "dim",
}


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


def write_rich(env: Environment, renderable: Any) -> None:
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


def rows_table(env: Environment, columns: list[Column], rows: list[dict]) -> Any:
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


def object_table(env: Environment, obj: dict, fields: list[str] | None) -> Any:
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
